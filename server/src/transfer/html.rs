//! Comment HTML from other systems to our markdown subset.
//!
//! Only the tags our subset can say are converted (paragraphs, line breaks, emphasis, strike,
//! links, code, block quotes, lists); other tags are dropped and their text kept, and the
//! contents of `script`/`style` are dropped. The result is markdown that is then rendered and
//! sanitized like any new comment, so nothing here has to be safe, only faithful.

use quick_xml::escape::resolve_html5_entity;

/// Whether line breaks in the text are meant by the author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Newlines {
    /// HTML rules: a line break is a space (Disqus messages).
    Layout,
    /// WordPress rules: a line break is a line break, a blank line starts a paragraph.
    Meant,
}

/// Converts comment HTML to markdown.
pub fn html_to_markdown(html: &str, newlines: Newlines) -> String {
    let mut w = Writer::new(newlines);
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                w.text(rest);
                break;
            }
            Some(lt) => {
                let (before, from_lt) = rest.split_at(lt);
                w.text(before);
                match parse_tag(from_lt) {
                    Some((tag, used)) => {
                        w.tag(&tag);
                        rest = from_lt.get(used..).unwrap_or_default();
                    }
                    None => {
                        // A `<` that starts no tag is a literal character.
                        w.text("<");
                        rest = from_lt.get(1..).unwrap_or_default();
                    }
                }
            }
        }
    }
    w.finish()
}

/// A tag as far as conversion cares.
#[derive(Debug, PartialEq, Eq)]
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
    alt: Option<String>,
}

/// Parses the tag at the start of `s` (which starts with `<`); returns it and its length.
/// Comments and declarations come back as a tag with an empty name.
fn parse_tag(s: &str) -> Option<(Tag, usize)> {
    let after = s.get(1..)?;
    if let Some(comment) = after.strip_prefix("!--") {
        let end = comment.find("-->").map_or(s.len(), |e| 4 + e + 3);
        return Some((empty_tag(), end));
    }
    let closing = after.starts_with('/');
    let body = if closing { after.get(1..)? } else { after };
    let first = body.chars().next()?;
    if !(first.is_ascii_alphabetic() || (first == '!' && !closing)) {
        return None;
    }
    // Find the closing `>` outside quoted attribute values.
    let mut quote: Option<char> = None;
    let mut end = None;
    for (i, ch) in s.char_indices().skip(1) {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '>') => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let inner = s.get(1..end)?.trim_start_matches('/');
    if first == '!' {
        return Some((empty_tag(), end + 1));
    }
    let name_len = inner
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(inner.len());
    let name = inner.get(..name_len)?.to_ascii_lowercase();
    let attrs = inner.get(name_len..).unwrap_or_default();
    Some((
        Tag {
            href: attribute(attrs, "href"),
            alt: attribute(attrs, "alt"),
            name,
            closing,
        },
        end + 1,
    ))
}

fn empty_tag() -> Tag {
    Tag {
        name: String::new(),
        closing: false,
        href: None,
        alt: None,
    }
}

/// The decoded value of attribute `want` in an attribute list.
fn attribute(attrs: &str, want: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest.get(..name_end)?.to_ascii_lowercase();
        rest = rest.get(name_end..)?.trim_start();
        let mut value = None;
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let (v, used) = match after_eq.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = after_eq.get(1..)?;
                    let close = inner.find(q).unwrap_or(inner.len());
                    (inner.get(..close)?, (close + 2).min(after_eq.len()))
                }
                _ => {
                    let e = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                    (after_eq.get(..e)?, e)
                }
            };
            value = Some(decode_entities(v));
            rest = after_eq.get(used..).unwrap_or_default();
        }
        if name == want {
            return value;
        }
    }
}

/// Replaces character and entity references (`&amp;`, `&#8217;`, `&eacute;`) by what they stand
/// for; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let semi = after.find(';').filter(|&n| n > 0 && n <= 32);
        let decoded = semi.and_then(|n| {
            let name = after.get(..n)?;
            let text = match name.strip_prefix('#') {
                Some(num) => {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| *c != '\0')?.to_string()
                }
                None => resolve_html5_entity(name)?.to_owned(),
            };
            Some((text, n + 1))
        });
        match decoded {
            Some((text, used)) => {
                out.push_str(&text);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Builds the markdown: block structure, inline marks and escaping.
struct Writer {
    newlines: Newlines,
    out: String,
    /// Open block quotes; each adds `> ` to every line.
    quote_depth: usize,
    /// Open lists: `Some(next number)` for ordered ones.
    lists: Vec<Option<u32>>,
    /// Text inside `<pre>` or `<code>`, kept verbatim until the tag closes.
    code: Option<(String, bool)>,
    /// Open links: the target and where the link text starts in `out`.
    links: Vec<(Option<String>, usize)>,
    /// Inside `script` or `style`: text is dropped.
    hidden: usize,
    /// A space is owed before the next text on this line.
    space: bool,
    /// The last thing written opens a mark or link: no space may follow it.
    just_opened: bool,
}

impl Writer {
    fn new(newlines: Newlines) -> Self {
        Writer {
            newlines,
            out: String::new(),
            quote_depth: 0,
            lists: Vec::new(),
            code: None,
            links: Vec::new(),
            hidden: 0,
            space: false,
            just_opened: false,
        }
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// Starts a line with the quote and list indentation it lives in.
    fn line_prefix(&mut self) {
        for _ in 0..self.quote_depth {
            self.out.push_str("> ");
        }
        for _ in 0..self.lists.len().saturating_sub(1) {
            self.out.push_str("   ");
        }
    }

    fn trim_trailing_spaces(&mut self) {
        let keep = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(keep);
    }

    /// Ends the current line (a hard line break inside a paragraph).
    fn line_break(&mut self) {
        self.trim_trailing_spaces();
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.space = false;
    }

    /// Ends the current block with a blank line (inside a quote, a line of just `>`).
    fn block_break(&mut self) {
        self.trim_trailing_spaces();
        self.space = false;
        if self.out.is_empty() {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        if self.ends_with_blank_line() {
            return;
        }
        for _ in 0..self.quote_depth {
            self.out.push('>');
        }
        self.out.push('\n');
    }

    /// Whether the last finished line is empty or only quote markers.
    fn ends_with_blank_line(&self) -> bool {
        let body = self.out.strip_suffix('\n').unwrap_or(&self.out);
        let start = body.rfind('\n').map_or(0, |i| i + 1);
        body.get(start..)
            .is_some_and(|l| l.chars().all(|c| c == '>'))
    }

    fn text(&mut self, raw: &str) {
        if self.hidden > 0 || raw.is_empty() {
            return;
        }
        let decoded = decode_entities(raw);
        if let Some((buf, _)) = &mut self.code {
            buf.push_str(&decoded);
            return;
        }
        match self.newlines {
            Newlines::Layout => self.words(&decoded),
            Newlines::Meant => {
                let normalized = decoded.replace("\r\n", "\n");
                let mut paragraphs = normalized.split("\n\n").peekable();
                while let Some(para) = paragraphs.next() {
                    let mut lines = para.split('\n').peekable();
                    while let Some(line) = lines.next() {
                        self.words(line);
                        if lines.peek().is_some() {
                            self.line_break();
                        }
                    }
                    if paragraphs.peek().is_some() {
                        self.block_break();
                    }
                }
            }
        }
    }

    /// Writes words separated by single spaces, escaping what markdown would read as syntax.
    fn words(&mut self, text: &str) {
        if text.starts_with(char::is_whitespace) {
            self.space = true;
        }
        let mut words = text.split_whitespace().peekable();
        while let Some(word) = words.next() {
            if self.at_line_start() {
                self.line_prefix();
                self.space = false;
                push_escaped(&mut self.out, word, true);
            } else {
                if self.space && !self.just_opened && !self.out.ends_with(' ') {
                    self.out.push(' ');
                }
                push_escaped(&mut self.out, word, false);
            }
            self.just_opened = false;
            self.space = words.peek().is_some();
        }
        if text.ends_with(char::is_whitespace) && !text.trim().is_empty() {
            self.space = true;
        }
    }

    /// Writes an inline mark (`**`, `*`, `~~`), spaced like text.
    fn mark(&mut self, mark: &str, opening: bool) {
        if self.hidden > 0 || self.code.is_some() {
            return;
        }
        if opening {
            if self.at_line_start() {
                self.line_prefix();
            } else if self.space && !self.just_opened {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push_str(mark);
            self.just_opened = true;
        } else if self.just_opened && self.out.ends_with(mark) {
            // An empty `<b></b>` would leave `****`, which markdown reads as a rule.
            let keep = self.out.len() - mark.len();
            self.out.truncate(keep);
            self.just_opened = false;
        } else {
            self.out.push_str(mark);
        }
    }

    fn tag(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        if matches!(name, "script" | "style") {
            self.hidden = if tag.closing {
                self.hidden.saturating_sub(1)
            } else {
                self.hidden + 1
            };
            return;
        }
        if self.hidden > 0 {
            return;
        }
        if self.code.is_some() && !matches!(name, "pre" | "code" | "br") {
            return;
        }
        match (name, tag.closing) {
            ("p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => self.block_break(),
            ("br", _) => {
                if let Some((buf, _)) = &mut self.code {
                    buf.push('\n');
                } else {
                    self.line_break();
                }
            }
            ("hr", _) => {
                self.block_break();
                self.line_prefix();
                self.out.push_str("---");
                self.block_break();
            }
            ("b" | "strong", open) => self.mark("**", !open),
            ("i" | "em", open) => self.mark("*", !open),
            ("s" | "strike" | "del", open) => self.mark("~~", !open),
            ("blockquote", false) => {
                self.block_break();
                self.quote_depth += 1;
            }
            ("blockquote", true) => {
                self.block_break();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.trim_quote_tail();
            }
            ("ul", false) => {
                self.block_break();
                self.lists.push(None);
            }
            ("ol", false) => {
                self.block_break();
                self.lists.push(Some(1));
            }
            ("ul" | "ol", true) => {
                self.lists.pop();
                self.block_break();
            }
            ("li", false) => {
                self.line_break();
                self.line_prefix();
                match self.lists.last_mut() {
                    Some(Some(n)) => {
                        self.out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => self.out.push_str("- "),
                }
            }
            ("pre", false) => {
                self.block_break();
                self.code = Some((String::new(), true));
            }
            ("code", false) if self.code.is_none() => {
                self.code = Some((String::new(), false));
            }
            ("pre", true) | ("code", true) => self.close_code(name == "pre"),
            ("a", false) => {
                self.mark("[", true);
                self.links.push((tag.href.clone(), self.out.len()));
            }
            ("a", true) => self.close_link(),
            ("img", false) => {
                // An image stands apart from the words around it.
                if let Some(alt) = tag.alt.as_deref().filter(|a| !a.trim().is_empty()) {
                    self.space = true;
                    self.words(alt);
                    self.space = true;
                }
            }
            _ => {}
        }
    }

    /// Drops the quote-marker lines left at the end of a closed quote.
    fn trim_quote_tail(&mut self) {
        loop {
            let body = self.out.strip_suffix('\n').unwrap_or(&self.out);
            let start = body.rfind('\n').map_or(0, |i| i + 1);
            let last = body.get(start..).unwrap_or_default();
            if last.is_empty() || !last.chars().all(|c| c == '>') {
                break;
            }
            self.out.truncate(start);
        }
        self.block_break();
    }

    fn close_code(&mut self, pre: bool) {
        let Some((buf, is_block)) = self.code.take() else {
            return;
        };
        if is_block != pre {
            // `<pre><code>…</code></pre>`: the inner `</code>` ends nothing; wait for `</pre>`.
            self.code = Some((buf, is_block));
            return;
        }
        let longest = longest_run(&buf, '`');
        let fence = "`".repeat((longest + 1).max(if is_block { 3 } else { 1 }));
        if is_block {
            self.block_break();
            self.line_prefix();
            self.out.push_str(&fence);
            for line in buf.trim_matches('\n').split('\n') {
                self.out.push('\n');
                self.line_prefix();
                self.out.push_str(line);
            }
            self.out.push('\n');
            self.line_prefix();
            self.out.push_str(&fence);
            self.block_break();
        } else if !buf.trim().is_empty() {
            let pad = if buf.starts_with('`') || buf.ends_with('`') {
                " "
            } else {
                ""
            };
            let inline = buf.split_whitespace().collect::<Vec<_>>().join(" ");
            self.mark(&format!("{fence}{pad}{inline}{pad}{fence}"), true);
            self.just_opened = false;
        }
    }

    fn close_link(&mut self) {
        let Some((href, start)) = self.links.pop() else {
            return;
        };
        let text_empty = self.out.get(start..).is_none_or(|t| t.trim().is_empty());
        match href.as_deref().map(str::trim).filter(|h| is_web_link(h)) {
            Some(h) => {
                if text_empty {
                    push_escaped(&mut self.out, h, false);
                }
                self.out.push_str("](");
                self.out.push_str(&link_target(h));
                self.out.push(')');
                self.just_opened = false;
            }
            None => {
                // No usable target: keep the words, drop the brackets.
                let text = self.out.split_off(start);
                self.out.pop();
                self.out.push_str(&text);
            }
        }
    }

    fn finish(mut self) -> String {
        while !self.links.is_empty() {
            self.close_link();
        }
        if let Some((_, pre)) = &self.code {
            let pre = *pre;
            self.close_code(pre);
        }
        let mut out = self.out.trim().to_owned();
        while out.contains("\n\n\n") {
            out = out.replace("\n\n\n", "\n\n");
        }
        out
    }
}

fn is_web_link(h: &str) -> bool {
    let lower = h.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// A link target markdown reads back whole: spaces, brackets and parentheses percent-encoded.
fn link_target(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Appends a word, escaping characters markdown would read as syntax; at the start of a line
/// also what would start a heading, quote or list.
fn push_escaped(out: &mut String, word: &str, line_start: bool) {
    if line_start {
        let digits = word.chars().take_while(char::is_ascii_digit).count();
        let after_digits = word.get(digits..).and_then(|r| r.chars().next());
        if digits > 0 && matches!(after_digits, Some('.' | ')')) {
            out.push_str(word.get(..digits).unwrap_or_default());
            out.push('\\');
            push_escaped(out, word.get(digits..).unwrap_or_default(), false);
            return;
        }
        if word.starts_with(['#', '>', '-', '+', '=']) {
            out.push('\\');
        }
    }
    for c in word.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::render_markdown;

    fn md(html: &str) -> String {
        html_to_markdown(html, Newlines::Layout)
    }

    #[test]
    fn simple_tags_become_markdown() {
        assert_eq!(
            md("<p>Hello <b>bold</b> and <i>it</i></p><p>Second <s>old</s></p>"),
            "Hello **bold** and *it*\n\nSecond ~~old~~"
        );
        assert_eq!(
            md(r#"See <a href="https://x.example/a b" rel="nofollow">the (report)</a>."#),
            r"See [the (report)](https://x.example/a%20b)."
        );
        assert_eq!(md("one<br>two<br/>three"), "one\ntwo\nthree");
    }

    #[test]
    fn quotes_lists_and_code_keep_their_shape() {
        let out = md("<blockquote><p>quoted</p><p>more</p></blockquote><p>reply</p>");
        assert_eq!(out, "> quoted\n>\n> more\n\nreply");
        let out = md("<ul><li>one</li><li>two</li></ul><ol><li>a</li><li>b</li></ol>");
        assert_eq!(out, "- one\n- two\n\n1. a\n2. b");
        let out = md("<pre><code>if a < b {\n  x();\n}</code></pre>and <code>a*b</code>");
        assert_eq!(out, "```\nif a < b {\n  x();\n}\n```\n\nand `a*b`");
        let html = render_markdown(&out);
        assert!(
            html.contains("<pre><code>if a &lt; b {\n  x();\n}"),
            "{html}"
        );
        assert!(html.contains("<code>a*b</code>"), "{html}");
    }

    #[test]
    fn text_that_looks_like_markdown_stays_text() {
        let out = md("<p>2*3*4 = 24 and _x_ [y](z)</p><p>1. not a list</p><p># not a heading</p>");
        let html = render_markdown(&out);
        assert!(html.contains("2*3*4 = 24 and _x_ [y](z)"), "{html}");
        assert!(html.contains("<p>1. not a list</p>"), "{html}");
        assert!(html.contains("<p># not a heading</p>"), "{html}");
    }

    #[test]
    fn entities_unicode_and_dangerous_things() {
        assert_eq!(
            md("caf&eacute; &amp; na&#239;ve &#x1F600; &bogus; &lt;b&gt;"),
            r"café & naïve 😀 &bogus; \<b>"
        );
        let out = md(
            r#"<script>alert(1)</script><a href="javascript:alert(2)">click</a><img src=x alt="a cat" onerror=alert(3)>"#,
        );
        assert_eq!(out, "click a cat");
        assert_eq!(md("a < b and <3"), r"a \< b and \<3");
        assert_eq!(md("<!-- hidden --><p>shown</p>"), "shown");
    }

    #[test]
    fn wordpress_line_breaks_are_meant() {
        let out = html_to_markdown(
            "First line\nsecond line\n\nNew <em>paragraph</em>",
            Newlines::Meant,
        );
        assert_eq!(out, "First line\nsecond line\n\nNew *paragraph*");
    }
}
