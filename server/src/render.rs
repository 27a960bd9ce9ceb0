//! Comment markdown to safe HTML, done once when a comment is written.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Tags a comment may contain; anything else is dropped by the sanitizer.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "hr",
];

/// Renders a comment body (the protocol's markdown subset) to sanitized HTML.
///
/// Raw HTML in the source is shown as text, images become their alt text (no third-party
/// requests from a comment), single line breaks are kept as readers expect, and links get
/// `rel="nofollow ugc noopener"`.
pub fn render_markdown(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH);
    let events = parser.filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // An HTML block turned into text still needs a paragraph around it.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Heading { .. }) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Paragraph)),
        Event::SoftBreak => Some(Event::HardBreak),
        other => Some(other),
    });
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// Built once: the policy never changes, and building it per comment dominated bulk imports.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(sanitizer);

fn sanitizer() -> Builder<'static> {
    let mut b = Builder::empty();
    b.tags(ALLOWED_TAGS.iter().copied().collect())
        .tag_attributes(
            [
                ("a", HashSet::from(["href"])),
                ("ol", HashSet::from(["start"])),
            ]
            .into(),
        )
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // A relative link would resolve against the host article, not anything the author meant.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("nofollow ugc noopener"));
    b
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_subset_renders() {
        let html = render_markdown(
            "Hello *there* and **you**\n\n> quoted\n\n- one\n- two\n\n`x < y`\n\n```\nfn main() {}\n```",
        );
        for needle in [
            "<em>there</em>",
            "<strong>you</strong>",
            "<blockquote>",
            "<li>one</li>",
            "<code>x &lt; y</code>",
            "<pre><code>fn main() {}",
        ] {
            assert!(html.contains(needle), "{needle} missing in {html}");
        }
    }

    #[test]
    fn raw_html_becomes_text() {
        let html = render_markdown(r#"<img src=x onerror="alert(1)"><script>alert(2)</script>"#);
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let block = render_markdown("<div onclick=\"x()\">\nhi\n</div>");
        assert!(
            !block.contains("<div") && block.contains("&lt;div"),
            "{block}"
        );
    }

    #[test]
    fn links_are_marked_and_scripts_dropped() {
        let html = render_markdown(
            "[site](https://example.com/a) [bad](javascript:alert(1)) [rel](/local)",
        );
        assert!(
            html.contains(
                r#"<a href="https://example.com/a" rel="nofollow ugc noopener">site</a>"#
            ),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("href=\"/local\""), "{html}");
    }

    #[test]
    fn images_become_alt_text_and_lines_break() {
        let html = render_markdown("![a bridge](https://tracker.example/p.gif)\nsecond line");
        assert!(
            !html.contains("<img") && html.contains("a bridge"),
            "{html}"
        );
        assert!(html.contains("<br>"), "{html}");
    }
}
