//! Finds markup in a `body_html` that a browser would act on: scripts, event handlers, styles,
//! script URLs and raw tags that should have become text.

/// Elements that must never come back from a comment body.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "img",
    "form", "input", "button", "textarea", "select", "link", "meta", "base", "video", "audio",
    "source", "template",
];
/// Attributes whose value is a URL a browser may follow or load.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
];
/// URL schemes that run code or smuggle documents.
const BAD_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// One start tag: its name and attributes (names lowercased, values as written).
#[derive(Debug, PartialEq, Eq)]
pub struct Tag {
    /// Element name, lowercased.
    pub name: String,
    /// Attributes in order.
    pub attrs: Vec<(String, String)>,
}

/// The start tags of `html`, plus a problem for each comment or processing instruction.
pub fn start_tags(html: &str) -> (Vec<Tag>, Vec<String>) {
    let mut tags = Vec::new();
    let mut problems = Vec::new();
    let mut chars = html.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '<' {
            continue;
        }
        match chars.peek().map(|&(_, c)| c) {
            Some('!' | '?') => problems.push("an HTML comment or declaration".to_owned()),
            Some(c) if c.is_ascii_alphabetic() => {}
            // A closing tag, or a stray `<` (which a serializer would have escaped).
            _ => continue,
        }
        let mut raw = String::new();
        let mut quote: Option<char> = None;
        for (_, c) in chars.by_ref() {
            match (quote, c) {
                (None, '>') => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            raw.push(c);
        }
        if let Some(tag) = parse_tag(&raw) {
            tags.push(tag);
        }
    }
    (tags, problems)
}

fn parse_tag(raw: &str) -> Option<Tag> {
    let name: String = raw
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        return None;
    }
    let mut attrs = Vec::new();
    let mut rest = raw.get(name.len()..).unwrap_or("");
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let attr = rest.get(..end).unwrap_or("").to_ascii_lowercase();
        rest = rest.get(end..).unwrap_or("").trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = after.get(1..).unwrap_or("");
                    let close = inner.find(q).unwrap_or(inner.len());
                    (
                        inner.get(..close).unwrap_or(""),
                        inner.get(close + 1..).unwrap_or(""),
                    )
                }
                _ => {
                    let close = after.find(char::is_whitespace).unwrap_or(after.len());
                    (
                        after.get(..close).unwrap_or(""),
                        after.get(close..).unwrap_or(""),
                    )
                }
            };
            value = v.to_owned();
            rest = tail;
        }
        if attr.is_empty() {
            // Nothing readable is left; stop rather than loop on it.
            break;
        }
        attrs.push((attr, value));
    }
    Some(Tag { name, attrs })
}

/// Decodes the character references a scheme could hide behind (`&#106;avascript:`).
fn decode_refs(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("&#") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let tail = rest.get(i + 2..).unwrap_or("");
        let end = tail.find(';').unwrap_or(tail.len());
        let num = tail.get(..end).unwrap_or("");
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        match code.and_then(char::from_u32) {
            Some(c) => out.push(c),
            None => out.push_str("&#"),
        }
        rest = if code.is_some() {
            tail.get(end + 1..).unwrap_or("")
        } else {
            tail
        };
    }
    out.push_str(rest);
    out
}

/// Everything in `html` a browser would run or load; empty when the HTML is inert.
pub fn live_markup(html: &str) -> Vec<String> {
    let (tags, mut problems) = start_tags(html);
    for tag in &tags {
        if FORBIDDEN_TAGS.contains(&tag.name.as_str()) {
            problems.push(format!("a <{}> element", tag.name));
        }
        for (attr, value) in &tag.attrs {
            if attr.starts_with("on") {
                problems.push(format!("an event handler `{attr}` on <{}>", tag.name));
            } else if attr == "style" {
                problems.push(format!("a style attribute on <{}>", tag.name));
            } else if URL_ATTRS.contains(&attr.as_str()) {
                let url: String = decode_refs(value)
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some(s) = BAD_SCHEMES.iter().find(|s| url.starts_with(**s)) {
                    problems.push(format!("a {s} URL in `{attr}` of <{}>", tag.name));
                }
            }
        }
    }
    problems
}

/// The `rel` of every link whose `href` is `href`.
pub fn link_rels(html: &str, href: &str) -> Vec<String> {
    start_tags(html)
        .0
        .into_iter()
        .filter(|t| t.name == "a" && t.attrs.iter().any(|(k, v)| k == "href" && v == href))
        .map(|t| {
            t.attrs
                .into_iter()
                .find(|(k, _)| k == "rel")
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_html_passes() {
        let html = "<p>Hi <em>there</em> &lt;script&gt;alert(1)&lt;/script&gt; \
                    <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">x</a></p>\n\
                    <pre><code>a > b</code></pre>";
        assert_eq!(live_markup(html), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_live_markup_is_named() {
        let cases = [
            ("<p><script>alert(1)</script></p>", "<script>"),
            ("<p><img src=x onerror=alert(1)></p>", "onerror"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
            ("<a href=\" &#106;avascript:alert(1)\">x</a>", "javascript:"),
            ("<a href='JaVaScRiPt:alert(1)'>x</a>", "javascript:"),
            ("<p style=\"position:fixed\">x</p>", "style"),
            ("<p><!-- hi --></p>", "comment"),
            ("<P ONCLICK=x>y</P>", "onclick"),
        ];
        for (html, what) in cases {
            let found = live_markup(html);
            assert!(found.iter().any(|p| p.contains(what)), "{html}: {found:?}");
        }
    }

    #[test]
    fn quoted_angle_brackets_do_not_end_a_tag() {
        let (tags, _) = start_tags("<a title=\"a>b\" onclick=\"x\">t</a>");
        assert_eq!(tags.len(), 1);
        assert!(
            live_markup("<a title=\"a>b\" onclick=\"x\">t</a>")
                .iter()
                .any(|p| p.contains("onclick"))
        );
    }

    #[test]
    fn link_rels_are_found_by_href() {
        let html = "<p><a href=\"https://e.example/\" rel=\"nofollow ugc noopener\">e</a></p>";
        assert_eq!(
            link_rels(html, "https://e.example/"),
            vec!["nofollow ugc noopener"]
        );
        assert!(link_rels(html, "https://other.example/").is_empty());
    }
}
