//! Permalinks to comments: `page-url#comment-<id>`.

use talkback_protocol::CommentId;

const PREFIX: &str = "comment-";

/// The link to a comment on the page at `href` (any fragment of `href` is replaced).
pub fn permalink(href: &str, id: &CommentId) -> String {
    let page = href.split_once('#').map_or(href, |(page, _)| page);
    format!("{page}#{PREFIX}{id}")
}

/// The comment a page fragment (`#comment-<id>`, with or without `#`) points at, if any.
pub fn target_of(hash: &str) -> Option<CommentId> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    CommentId::parse(hash.strip_prefix(PREFIX)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_replace_the_fragment_and_keep_the_query() {
        let id = CommentId::parse("c_42").unwrap();
        assert_eq!(
            permalink("https://news.example/a?x=1#comment-old", &id),
            "https://news.example/a?x=1#comment-c_42"
        );
        assert_eq!(
            permalink("https://news.example/a", &id),
            "https://news.example/a#comment-c_42"
        );
    }

    #[test]
    fn only_comment_fragments_are_targets() {
        assert_eq!(
            target_of("#comment-c_42").map(|c| c.to_string()).as_deref(),
            Some("c_42")
        );
        assert_eq!(
            target_of("comment-abc").map(|c| c.to_string()).as_deref(),
            Some("abc")
        );
        for other in [
            "",
            "#",
            "#top",
            "#comment-",
            "#comment-a b",
            "#comment-<script>",
        ] {
            assert_eq!(target_of(other), None, "{other:?}");
        }
    }
}
