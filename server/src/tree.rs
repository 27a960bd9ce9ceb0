//! Which comments of a thread go into a page, in which order: pure logic over the thread's shape.
//!
//! Stores hand over the skeleton of a thread (ids, parents, times, deleted flags); this module
//! decides visibility, paging and the flat parent-before-replies order, so every store pages alike.

use std::collections::HashMap;

use talkback_protocol::{CommentStatus, SortOrder};

use crate::cursor::Position;
use crate::order::{Mark, display_cmp};
use crate::store::ReaderId;

/// The shape of one comment, without its content.
#[derive(Clone, Debug)]
pub struct Node {
    /// Comment id.
    pub id: String,
    /// Parent comment id, `None` for top-level.
    pub parent: Option<String>,
    /// Creation time in microseconds.
    pub created_at: i64,
    /// The comment was deleted.
    pub deleted: bool,
    /// Up votes.
    pub upvotes: u64,
    /// Down votes.
    pub downvotes: u64,
    /// Moderation status.
    pub status: CommentStatus,
    /// Pinned by a moderator (counts only at the top level).
    pub pinned: bool,
    /// The author's reader, who alone sees the comment while it is held.
    pub reader: ReaderId,
}

/// Reads a stored status; an unknown one (from a newer server) counts as visible.
pub fn status_of(stored: &str) -> CommentStatus {
    CommentStatus::parse(stored).unwrap_or_default()
}

impl Node {
    fn mark(&self) -> Mark {
        Mark {
            pinned: self.pinned && self.parent.is_none(),
            created_at: self.created_at,
            id: self.id.clone(),
            upvotes: self.upvotes,
            downvotes: self.downvotes,
        }
    }

    /// How `reader` sees this comment: held comments only by their author, hidden and rejected
    /// ones by nobody (they then count as deleted, kept only as a place for visible replies).
    pub fn seen_by(&self, reader: Option<ReaderId>) -> Seen {
        let shown = !self.deleted
            && match self.status {
                CommentStatus::Visible => true,
                CommentStatus::Held => reader.is_some_and(|r| r == self.reader),
                CommentStatus::Hidden | CommentStatus::Rejected => false,
            };
        Seen {
            status: if shown {
                self.status
            } else {
                CommentStatus::Visible
            },
            pinned: shown && self.pinned && self.parent.is_none(),
            gone: !shown,
        }
    }
}

/// What a viewer may know of a comment's moderation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// `Visible`, or `Held` for the author of a held comment.
    pub status: CommentStatus,
    /// Pinned to the top.
    pub pinned: bool,
    /// Deleted, or not shown to this viewer: only its place in the tree is sent.
    pub gone: bool,
}

/// One comment placed in a page, with what the client needs to page its replies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Comment id.
    pub id: String,
    /// Number of visible direct replies.
    pub reply_count: u64,
    /// Where the unsent direct replies start, when some were held back.
    pub replies_cursor: Option<Position>,
    /// How the viewer sees it.
    pub seen: Seen,
}

/// A page of slots, flat in display order, and where the next page starts.
#[derive(Debug, Default)]
pub struct Page {
    /// Comments in display order (each parent before its replies).
    pub slots: Vec<Slot>,
    /// Set when more comments exist at the paged level.
    pub next: Option<Position>,
}

/// A thread's comments arranged as a forest, siblings in one sort order.
pub struct Forest {
    sort: SortOrder,
    nodes: Vec<Node>,
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
    visible: Vec<bool>,
    seen: Vec<Seen>,
    index: HashMap<String, usize>,
}

impl Forest {
    /// Arranges the nodes as a reader without a token sees them; see [`Forest::for_viewer`].
    pub fn new(nodes: Vec<Node>, sort: SortOrder) -> Self {
        Forest::for_viewer(nodes, sort, None)
    }

    /// Arranges the nodes with siblings in `sort` order as `reader` sees them; comments whose
    /// parent is missing are left out.
    pub fn for_viewer(mut nodes: Vec<Node>, sort: SortOrder, reader: Option<ReaderId>) -> Self {
        // Computing each mark once keeps the Wilson bound out of the comparison's inner loop cost.
        let mut keyed: Vec<(Mark, Node)> = nodes.drain(..).map(|n| (n.mark(), n)).collect();
        keyed.sort_by(|a, b| display_cmp(sort, &a.0, &b.0));
        let nodes: Vec<Node> = keyed.into_iter().map(|(_, n)| n).collect();
        let index: HashMap<String, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut roots = Vec::new();
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            match &n.parent {
                None => roots.push(i),
                Some(p) => {
                    if let Some(list) = index.get(p).and_then(|&pi| children.get_mut(pi)) {
                        list.push(i);
                    }
                }
            }
        }
        // Breadth-first from the roots, then backwards: every child is decided before its parent,
        // without recursion (a deep reply chain must not overflow the stack).
        let mut order = roots.clone();
        let mut at = 0;
        while let Some(&i) = order.get(at) {
            order.extend(children.get(i).into_iter().flatten().copied());
            at += 1;
        }
        let seen: Vec<Seen> = nodes.iter().map(|n| n.seen_by(reader)).collect();
        let mut visible = vec![false; nodes.len()];
        for &i in order.iter().rev() {
            let shown_reply = children
                .get(i)
                .into_iter()
                .flatten()
                .any(|&c| visible.get(c).copied().unwrap_or(false));
            let deleted = seen.get(i).is_some_and(|s| s.gone);
            if let Some(v) = visible.get_mut(i) {
                *v = !deleted || shown_reply;
            }
        }
        Forest {
            sort,
            nodes,
            roots,
            children,
            visible,
            seen,
            index,
        }
    }

    /// How the viewer sees a comment (default for an unknown one).
    pub fn seen(&self, id: &str) -> Seen {
        self.index
            .get(id)
            .and_then(|&i| self.seen.get(i))
            .copied()
            .unwrap_or_default()
    }

    /// Number of visible direct replies of a comment; `None` if it is unknown.
    pub fn reply_count(&self, id: &str) -> Option<u64> {
        let &i = self.index.get(id)?;
        Some(self.shown(self.children.get(i)?).len() as u64)
    }

    /// Whether the comment exists in this thread.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// A page of top-level comments after `after`, each with up to `replies` direct replies per level.
    pub fn top_level(&self, after: Option<&Position>, limit: u32, replies: u32) -> Page {
        self.page_of(&self.roots, after, limit, replies)
    }

    /// A page of the direct replies of `parent` after `after`; `None` if `parent` is unknown.
    pub fn replies(
        &self,
        parent: &str,
        after: Option<&Position>,
        limit: u32,
        replies: u32,
    ) -> Option<Page> {
        let &pi = self.index.get(parent)?;
        let list = self.children.get(pi)?;
        Some(self.page_of(list, after, limit, replies))
    }

    /// The comment and its visible replies laid out as on a thread page, preceded by its
    /// ancestors root first, each of them alone (their other replies left to the replies route).
    /// `None` if the comment is unknown or not shown (deleted without replies).
    pub fn context(&self, target: &str, replies: u32) -> Option<Vec<Slot>> {
        let &ti = self.index.get(target)?;
        if !self.visible.get(ti).copied().unwrap_or(false) {
            return None;
        }
        let mut path = Vec::new();
        let mut at = self.nodes.get(ti)?.parent.as_ref();
        // Bounded by the number of comments, so a cycle in bad data cannot loop forever.
        while let Some(parent) = at.filter(|_| path.len() < self.nodes.len()) {
            let &pi = self.index.get(parent)?;
            path.push(pi);
            at = self.nodes.get(pi)?.parent.as_ref();
        }
        let mut slots: Vec<Slot> = path
            .iter()
            .rev()
            .filter_map(|&i| {
                let n = self.nodes.get(i)?;
                let reply_count = self.shown(self.children.get(i)?).len() as u64;
                // The path child alone was sent, from the middle of the order: others start from the top.
                let replies_cursor = (reply_count > 1).then(|| Position::start(self.sort));
                Some(Slot {
                    id: n.id.clone(),
                    reply_count,
                    replies_cursor,
                    seen: self.seen.get(i).copied().unwrap_or_default(),
                })
            })
            .collect();
        slots.extend(self.expand(&[ti], replies));
        Some(slots)
    }

    fn position(&self, i: usize) -> Position {
        match self.nodes.get(i) {
            Some(n) => Position::after(self.sort, n.mark()),
            None => Position::start(self.sort),
        }
    }

    fn mark(&self, i: usize) -> Option<Mark> {
        self.nodes.get(i).map(Node::mark)
    }

    fn shown(&self, list: &[usize]) -> Vec<usize> {
        list.iter()
            .copied()
            .filter(|&i| self.visible.get(i).copied().unwrap_or(false))
            .collect()
    }

    fn page_of(&self, list: &[usize], after: Option<&Position>, limit: u32, replies: u32) -> Page {
        let candidates: Vec<usize> = self
            .shown(list)
            .into_iter()
            .filter(|&i| after.is_none_or(|a| self.mark(i).is_some_and(|m| a.precedes(&m))))
            .collect();
        let take = (limit as usize).min(candidates.len());
        let (page, rest) = candidates.split_at(take);
        let next = (!rest.is_empty()).then(|| match page.last() {
            Some(&i) => self.position(i),
            None => Position::start(self.sort),
        });
        Page {
            slots: self.expand(page, replies),
            next,
        }
    }

    /// Lays out `starts` with their replies in preorder, at most `replies` direct replies per comment.
    fn expand(&self, starts: &[usize], replies: u32) -> Vec<Slot> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = starts.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            let kids = self.shown(self.children.get(i).map(Vec::as_slice).unwrap_or_default());
            let sent = (replies as usize).min(kids.len());
            let (sent_kids, held_back) = kids.split_at(sent);
            let replies_cursor = (!held_back.is_empty()).then(|| match sent_kids.last() {
                Some(&k) => self.position(k),
                None => Position::start(self.sort),
            });
            stack.extend(sent_kids.iter().rev().copied());
            if let Some(n) = self.nodes.get(i) {
                out.push(Slot {
                    id: n.id.clone(),
                    reply_count: kids.len() as u64,
                    replies_cursor,
                    seen: self.seen.get(i).copied().unwrap_or_default(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: SortOrder = SortOrder::Oldest;

    fn node(id: &str, parent: Option<&str>, t: i64, deleted: bool) -> Node {
        Node {
            id: id.into(),
            parent: parent.map(Into::into),
            created_at: t,
            deleted,
            upvotes: 0,
            downvotes: 0,
            status: CommentStatus::Visible,
            pinned: false,
            reader: 1,
        }
    }

    fn voted(id: &str, parent: Option<&str>, t: i64, up: u64, down: u64) -> Node {
        Node {
            upvotes: up,
            downvotes: down,
            ..node(id, parent, t, false)
        }
    }

    fn ids(p: &Page) -> Vec<&str> {
        p.slots.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn flat_order_puts_parents_before_replies() {
        let f = Forest::new(
            vec![
                node("b", None, 2, false),
                node("a1", Some("a"), 3, false),
                node("a", None, 1, false),
                node("a1x", Some("a1"), 4, false),
                node("a2", Some("a"), 5, false),
            ],
            OLD,
        );
        assert_eq!(
            ids(&f.top_level(None, 10, 10)),
            ["a", "a1", "a1x", "a2", "b"]
        );
    }

    #[test]
    fn deleted_comments_stay_only_as_context_for_replies() {
        let f = Forest::new(
            vec![
                node("gone", None, 1, true),
                node("kept", None, 2, true),
                node("r", Some("kept"), 3, false),
                node("gone-chain", None, 4, true),
                node("gone-child", Some("gone-chain"), 5, true),
            ],
            OLD,
        );
        let p = f.top_level(None, 10, 10);
        assert_eq!(ids(&p), ["kept", "r"]);
        assert_eq!(p.slots.first().map(|s| s.reply_count), Some(1));
    }

    #[test]
    fn pages_continue_without_overlap() {
        let nodes = (0..5)
            .map(|i| node(&format!("c{i}"), None, i, false))
            .collect();
        let f = Forest::new(nodes, OLD);
        let first = f.top_level(None, 2, 0);
        assert_eq!(ids(&first), ["c0", "c1"]);
        let second = f.top_level(first.next.as_ref(), 2, 0);
        assert_eq!(ids(&second), ["c2", "c3"]);
        let third = f.top_level(second.next.as_ref(), 2, 0);
        assert_eq!(ids(&third), ["c4"]);
        assert!(third.next.is_none());
    }

    #[test]
    fn held_back_replies_get_a_cursor_that_continues() {
        let mut nodes = vec![node("p", None, 0, false)];
        nodes.extend((1..=4).map(|i| node(&format!("r{i}"), Some("p"), i, false)));
        let f = Forest::new(nodes, OLD);
        let page = f.top_level(None, 10, 1);
        assert_eq!(ids(&page), ["p", "r1"]);
        let cursor = page.slots.first().and_then(|s| s.replies_cursor.clone());
        let rest = f
            .replies("p", cursor.as_ref(), 10, 10)
            .map(|p| ids(&p).join(","));
        assert_eq!(rest.as_deref(), Some("r2,r3,r4"));
        let none_sent = f.top_level(None, 10, 0);
        assert_eq!(
            none_sent
                .slots
                .first()
                .and_then(|s| s.replies_cursor.clone()),
            Some(Position::start(OLD))
        );
    }

    #[test]
    fn a_very_deep_chain_does_not_overflow() {
        let mut nodes = vec![node("n0", None, 0, false)];
        nodes.extend((1..50_000).map(|i| {
            node(
                &format!("n{i}"),
                Some(&format!("n{}", i - 1)),
                i,
                i < 49_999,
            )
        }));
        let f = Forest::new(nodes, OLD);
        assert_eq!(f.top_level(None, 1, 1).slots.len(), 50_000);
    }

    #[test]
    fn replies_follow_the_sort_within_their_parent() {
        let nodes = vec![
            voted("p", None, 0, 0, 0),
            voted("r-old-liked", Some("p"), 1, 10, 0),
            voted("r-mid", Some("p"), 2, 0, 0),
            voted("r-new-disliked", Some("p"), 3, 0, 4),
        ];
        let order = |sort| {
            let f = Forest::new(nodes.clone(), sort);
            ids(&f.top_level(None, 10, 10))
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            order(SortOrder::Best),
            // No up votes bound both at 0; then the newer one goes first.
            ["p", "r-old-liked", "r-new-disliked", "r-mid"]
        );
        assert_eq!(
            order(SortOrder::Newest),
            ["p", "r-new-disliked", "r-mid", "r-old-liked"]
        );
        assert_eq!(
            order(SortOrder::Oldest),
            ["p", "r-old-liked", "r-mid", "r-new-disliked"]
        );
    }

    #[test]
    fn a_newest_first_cursor_is_not_confused_by_later_comments() {
        let mut nodes: Vec<Node> = (0..4)
            .map(|i| node(&format!("c{i}"), None, i, false))
            .collect();
        let first = Forest::new(nodes.clone(), SortOrder::Newest).top_level(None, 2, 0);
        assert_eq!(ids(&first), ["c3", "c2"]);
        nodes.push(node("late", None, 9, false));
        let f = Forest::new(nodes, SortOrder::Newest);
        assert_eq!(ids(&f.top_level(first.next.as_ref(), 2, 0)), ["c1", "c0"]);
    }

    #[test]
    fn pinned_top_level_comments_come_first_and_pages_continue_after_them() {
        let mut nodes: Vec<Node> = (0..5)
            .map(|i| node(&format!("c{i}"), None, i, false))
            .collect();
        for n in nodes.iter_mut().filter(|n| n.id == "c3" || n.id == "c1") {
            n.pinned = true;
        }
        nodes.push(Node {
            pinned: true,
            ..node("reply", Some("c0"), 9, false)
        });
        for sort in [SortOrder::Oldest, SortOrder::Newest, SortOrder::Best] {
            let f = Forest::new(nodes.clone(), sort);
            let first = f.top_level(None, 1, 0);
            let second = f.top_level(first.next.as_ref(), 1, 0);
            let rest = f.top_level(second.next.as_ref(), 10, 0);
            let mut got = ids(&first);
            got.extend(ids(&second));
            got.extend(ids(&rest));
            let pins: Vec<&str> = got.iter().copied().take(2).collect();
            assert!(
                pins.contains(&"c1") && pins.contains(&"c3"),
                "{sort:?}: {got:?}"
            );
            assert_eq!(got.len(), 5, "{sort:?}: {got:?}");
            assert!(first.slots.iter().all(|s| s.seen.pinned));
        }
    }

    #[test]
    fn held_comments_show_to_their_author_only_and_hidden_ones_to_nobody() {
        let nodes = vec![
            Node {
                status: CommentStatus::Held,
                reader: 7,
                ..node("held", None, 1, false)
            },
            Node {
                status: CommentStatus::Hidden,
                ..node("hidden", None, 2, false)
            },
            Node {
                status: CommentStatus::Hidden,
                ..node("hidden-parent", None, 3, false)
            },
            node("reply", Some("hidden-parent"), 4, false),
            node("plain", None, 5, false),
        ];
        let anonymous = Forest::new(nodes.clone(), OLD);
        assert_eq!(
            ids(&anonymous.top_level(None, 10, 10)),
            ["hidden-parent", "reply", "plain"]
        );
        assert!(anonymous.seen("hidden-parent").gone);
        let author = Forest::for_viewer(nodes.clone(), OLD, Some(7));
        let page = author.top_level(None, 10, 10);
        assert_eq!(ids(&page), ["held", "hidden-parent", "reply", "plain"]);
        assert_eq!(
            page.slots.first().map(|s| s.seen.status),
            Some(CommentStatus::Held)
        );
        let other = Forest::for_viewer(nodes, OLD, Some(8));
        assert_eq!(ids(&other.top_level(None, 10, 10)).len(), 3);
    }

    #[test]
    fn context_is_the_path_then_the_subtree() {
        let f = Forest::new(
            vec![
                node("root", None, 0, false),
                node("sibling", Some("root"), 1, false),
                node("mid", Some("root"), 2, false),
                node("target", Some("mid"), 3, false),
                node("cousin", Some("mid"), 4, false),
                node("child", Some("target"), 5, false),
                node("other-root", None, 6, false),
                node("gone", None, 7, true),
            ],
            OLD,
        );
        let slots = f.context("target", 10).unwrap_or_default();
        let got: Vec<(&str, u64, bool)> = slots
            .iter()
            .map(|s| (s.id.as_str(), s.reply_count, s.replies_cursor.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("root", 2, true),
                ("mid", 2, true),
                ("target", 1, false),
                ("child", 0, false)
            ]
        );
        assert!(f.context("gone", 10).is_none());
        assert!(f.context("nope", 10).is_none());
        assert_eq!(f.context("root", 0).map(|v| v.len()), Some(1));
    }
}
