//! Rows as imports write them and exports read them, in a shape any store can keep.
//!
//! Imported comments carry where they came from (`source`) so that running the same import
//! again writes nothing twice, and may name a parent that is not stored yet: the store keeps
//! that reference until [`crate::store::Store::link_imported`] finds the parent.

use std::collections::HashMap;

use talkback_protocol::CommentStatus;

use super::ThreadId;

/// A thread that imported comments belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedThread {
    /// Normalized key.
    pub key: String,
    /// Article title, stored when the thread has none yet.
    pub title: Option<String>,
    /// Article URL, stored when the thread has none yet.
    pub url: Option<String>,
    /// When the thread was created (microseconds), used only when it is new.
    pub created_at: i64,
    /// Closed to new comments; an existing thread is locked too, never unlocked.
    pub locked: bool,
}

/// A comment from an export, rendered and sanitized, ready to be written.
#[derive(Clone, Debug)]
pub struct ImportedComment {
    /// Index of its thread in [`ImportBatch::threads`].
    pub thread: usize,
    /// Comment id: fresh for foreign formats, the original one when restoring our own export.
    pub id: String,
    /// Where it came from (`disqus:123`), unique among stored comments; `None` for none.
    pub source: Option<String>,
    /// The parent, as a source (`disqus:122`) or a comment id; resolved within the thread.
    pub parent: Option<String>,
    /// Token hash of the author's reader; a reader is created under it when new.
    pub reader_key: String,
    /// Display name.
    pub author: Option<String>,
    /// Markdown source.
    pub body_md: String,
    /// Sanitized HTML rendered from `body_md`.
    pub body_html: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Last edit, microseconds since the Unix epoch.
    pub edited_at: Option<i64>,
    /// Deleted placeholder: no author, no body, kept for its replies.
    pub deleted: bool,
    /// Up-vote tally.
    pub upvotes: u64,
    /// Down-vote tally.
    pub downvotes: u64,
    /// Email for reply notifications (only our own exports carry one).
    pub email: Option<String>,
    /// Moderation status: held and rejected comments keep their text for moderators.
    pub status: CommentStatus,
    /// Pinned to the top of its thread.
    pub pinned: bool,
}

/// Comments written in one transaction, with the threads they name.
#[derive(Clone, Debug, Default)]
pub struct ImportBatch {
    /// Threads, created or completed before the comments are written.
    pub threads: Vec<ImportedThread>,
    /// Comments in file order.
    pub comments: Vec<ImportedComment>,
}

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Comments newly written.
    pub written: u64,
    /// Comments already stored by an earlier run (same id or source), left as they were.
    pub present: u64,
}

/// An imported comment whose parent was never found; it is shown as a top-level comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    /// Comment id.
    pub id: String,
    /// Where it came from.
    pub source: Option<String>,
    /// The parent reference that matched nothing in its thread.
    pub missing_parent: String,
}

/// The result of linking imported comments to parents that arrived after them.
#[derive(Clone, Debug, Default)]
pub struct Linking {
    /// Replies attached to their parent by this call.
    pub linked: u64,
    /// Comments still without their parent.
    pub orphan_count: u64,
    /// The first of them, for the report.
    pub orphans: Vec<Orphan>,
}

/// A thread as exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedThread {
    /// Database id (for paging and fetching its comments; not exported).
    pub id: ThreadId,
    /// Normalized key.
    pub key: String,
    /// Article title.
    pub title: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Closed to new comments.
    pub locked: bool,
}

/// A comment as exported: everything needed to restore it exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedComment {
    /// Comment id.
    pub id: String,
    /// Parent id.
    pub parent_id: Option<String>,
    /// Token hash of its reader, so that readers keep their comments after a restore.
    pub reader_key: String,
    /// Display name.
    pub author: Option<String>,
    /// Markdown source.
    pub body_md: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Last edit, microseconds since the Unix epoch.
    pub edited_at: Option<i64>,
    /// Deleted placeholder.
    pub deleted: bool,
    /// Up-vote tally.
    pub upvotes: u64,
    /// Down-vote tally.
    pub downvotes: u64,
    /// Email for reply notifications.
    pub email: Option<String>,
    /// Where an imported comment came from.
    pub source: Option<String>,
    /// Moderation status.
    pub status: CommentStatus,
    /// Pinned to the top of its thread.
    pub pinned: bool,
}

/// Orders comments (given oldest first) so that each parent precedes its replies; a comment
/// whose parent is not in the list counts as top-level.
pub(crate) fn parents_first(all: Vec<ExportedComment>) -> Vec<ExportedComment> {
    let index: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); all.len()];
    let mut roots = Vec::new();
    for (i, c) in all.iter().enumerate() {
        match c.parent_id.as_deref().and_then(|p| index.get(p)) {
            Some(&p) if p != i => {
                if let Some(list) = children.get_mut(p) {
                    list.push(i);
                }
            }
            _ => roots.push(i),
        }
    }
    let mut order = Vec::with_capacity(all.len());
    let mut seen = vec![false; all.len()];
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        order.push(i);
        if let Some(kids) = children.get(i) {
            stack.extend(kids.iter().rev());
        }
    }
    // Anything in a parent cycle was never reached from a root; keep it rather than lose it.
    order.extend((0..all.len()).filter(|&i| !seen[i]));
    let mut slots: Vec<Option<ExportedComment>> = all.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, parent: Option<&str>, at: i64) -> ExportedComment {
        ExportedComment {
            id: id.into(),
            parent_id: parent.map(Into::into),
            reader_key: "r".into(),
            author: None,
            body_md: String::new(),
            created_at: at,
            edited_at: None,
            deleted: false,
            upvotes: 0,
            downvotes: 0,
            email: None,
            source: None,
            status: CommentStatus::Visible,
            pinned: false,
        }
    }

    #[test]
    fn parents_come_before_replies_even_when_younger() {
        let list = vec![
            c("reply", Some("late"), 1),
            c("root", None, 2),
            c("late", Some("root"), 3),
            c("loose", Some("gone"), 4),
        ];
        let ids: Vec<String> = parents_first(list).into_iter().map(|c| c.id).collect();
        assert_eq!(ids, ["root", "late", "reply", "loose"]);
    }
}
