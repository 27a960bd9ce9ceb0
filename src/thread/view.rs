//! How much of the tree is drawn: collapsed comments and "Continue this thread".

use talkback_protocol::CommentId;

use super::tree::Tree;

/// Deepest level drawn inline; replies of a comment at this depth open as their own view.
pub const CONTINUE_DEPTH: usize = 6;

/// Whether a comment drawn at `depth` shows "Continue this thread →" instead of its replies.
pub fn continues(depth: usize, has_replies: bool) -> bool {
    depth >= CONTINUE_DEPTH && has_replies
}

/// The comment to open as the root of the view so that `target` is drawn: `None` when it is
/// visible in the full thread, else its ancestor at the last multiple of [`CONTINUE_DEPTH`]
/// above it (the comment whose "Continue" button leads there).
pub fn focus_for(tree: &Tree, target: &CommentId) -> Option<CommentId> {
    let path = tree.ancestors(target);
    let depth = path.len();
    if depth <= CONTINUE_DEPTH {
        return None;
    }
    let at = (depth - 1) / CONTINUE_DEPTH * CONTINUE_DEPTH;
    path.get(at).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thread::form::pending_comment;

    fn chain(n: usize) -> Tree {
        let ids: Vec<CommentId> = (0..n)
            .map(|i| CommentId::parse(&format!("d{i}")).unwrap())
            .collect();
        Tree::from_comments(
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    pending_comment(
                        id.clone(),
                        i.checked_sub(1).and_then(|p| ids.get(p).cloned()),
                        None,
                    )
                })
                .collect(),
        )
    }

    fn id(s: &str) -> CommentId {
        CommentId::parse(s).unwrap()
    }

    #[test]
    fn deep_comments_open_under_the_comment_whose_continue_leads_there() {
        let t = chain(20);
        assert_eq!(focus_for(&t, &id("d0")), None);
        assert_eq!(focus_for(&t, &id("d6")), None, "depth 6 is drawn inline");
        assert_eq!(focus_for(&t, &id("d7")), Some(id("d6")));
        assert_eq!(
            focus_for(&t, &id("d8")),
            Some(id("d6")),
            "a permalink 8 levels deep"
        );
        assert_eq!(
            focus_for(&t, &id("d12")),
            Some(id("d6")),
            "depth 6 of the continued view"
        );
        assert_eq!(focus_for(&t, &id("d13")), Some(id("d12")));
        assert_eq!(focus_for(&t, &id("nowhere")), None);
    }

    #[test]
    fn only_deep_comments_with_replies_continue() {
        assert!(!continues(5, true));
        assert!(continues(6, true));
        assert!(!continues(6, false));
    }
}
