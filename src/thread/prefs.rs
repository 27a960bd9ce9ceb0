//! What the widget remembers in `localStorage`: names of the keys and how remembered values are read.

use talkback_protocol::{CommentId, SortOrder};

/// Key of the reader's chosen sort order.
pub const SORT_KEY: &str = "talkback.sort";
/// Key of the name the reader writes under.
pub const NAME_KEY: &str = "talkback.name";
/// Key of the reader's optional email for reply notifications.
pub const EMAIL_KEY: &str = "talkback.email";
/// The foundation's key for the name, read once so returning readers keep theirs.
pub const OLD_NAME_KEY: &str = "talkback:name";

/// Key of a draft: one per thread and per comment replied to (`root` for the top form).
pub fn draft_key(thread: &str, parent: Option<&CommentId>) -> String {
    match parent {
        Some(p) => format!("talkback.draft:{thread}:{p}"),
        None => format!("talkback.draft:{thread}:root"),
    }
}

/// The order a thread opens in: the reader's remembered choice, else the page's `data-sort`,
/// else Best. Unknown words (an old version's order, a typo in the page) are skipped.
pub fn initial_sort(remembered: Option<&str>, page: Option<&str>) -> SortOrder {
    [remembered, page]
        .into_iter()
        .flatten()
        .find_map(|s| SortOrder::parse(s.trim().to_ascii_lowercase().as_str()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_kept_per_thread_and_per_parent() {
        let id = CommentId::parse("c_9").unwrap();
        assert_eq!(draft_key("story-1", None), "talkback.draft:story-1:root");
        assert_eq!(
            draft_key("story-1", Some(&id)),
            "talkback.draft:story-1:c_9"
        );
        assert_ne!(draft_key("story-2", None), draft_key("story-1", None));
    }

    #[test]
    fn a_remembered_sort_wins_over_the_page_and_junk_is_ignored() {
        assert_eq!(
            initial_sort(Some("oldest"), Some("newest")),
            SortOrder::Oldest
        );
        assert_eq!(initial_sort(None, Some(" Newest ")), SortOrder::Newest);
        assert_eq!(
            initial_sort(Some("controversial"), Some("newest")),
            SortOrder::Newest
        );
        assert_eq!(initial_sort(Some(""), Some("top")), SortOrder::Best);
        assert_eq!(initial_sort(None, None), SortOrder::Best);
    }
}
