//! Where a reply lands on a server that keeps only a few levels (Isso keeps two: a reply to a
//! reply is stored under the top-level comment), so the widget shows it there from the start.

use talkback_protocol::CommentId;

use super::tree::Tree;

/// The comment a reply to `parent` will be stored under, given the server's `max_depth` (levels
/// kept, `None` for any). `None` means the server keeps no replies at all: it becomes top-level.
pub fn stored_parent(
    tree: &Tree,
    parent: &CommentId,
    max_depth: Option<usize>,
) -> Option<CommentId> {
    let Some(max) = max_depth else {
        return Some(parent.clone());
    };
    // The deepest level a parent may sit at is `max - 2` (0-based): its reply is at `max - 1`.
    let deepest = max.checked_sub(2)?;
    let above = tree.ancestors(parent);
    if above.len() <= deepest {
        return Some(parent.clone());
    }
    above.get(deepest).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thread::form::pending_comment;

    fn id(s: &str) -> CommentId {
        CommentId::parse(s).unwrap()
    }

    fn tree() -> Tree {
        Tree::from_comments(vec![
            pending_comment(id("a"), None, None),
            pending_comment(id("b"), Some(id("a")), None),
            pending_comment(id("c"), Some(id("b")), None),
        ])
    }

    #[test]
    fn two_levels_put_a_reply_to_a_reply_under_the_top_level_comment() {
        let t = tree();
        assert_eq!(stored_parent(&t, &id("a"), Some(2)), Some(id("a")));
        assert_eq!(stored_parent(&t, &id("b"), Some(2)), Some(id("a")));
        assert_eq!(stored_parent(&t, &id("c"), Some(2)), Some(id("a")));
        assert_eq!(stored_parent(&t, &id("c"), Some(3)), Some(id("b")));
    }

    #[test]
    fn any_depth_keeps_the_parent_and_no_replies_makes_it_top_level() {
        let t = tree();
        assert_eq!(stored_parent(&t, &id("c"), None), Some(id("c")));
        assert_eq!(stored_parent(&t, &id("a"), Some(1)), None);
        assert_eq!(
            stored_parent(&t, &id("unknown"), Some(2)),
            Some(id("unknown"))
        );
    }
}
