//! The comment tree built from the server's flat pages.
//!
//! The server promises "every parent before its replies", but a widget must survive servers that
//! break that promise: duplicates, replies whose parent was never sent, even parent cycles. None of
//! those may panic or lose a comment; a comment that cannot be placed under its parent is shown at
//! the top level instead.

use std::collections::HashMap;

use talkback_protocol::{Comment, CommentId, Cursor};

/// Deepest level the tree walks before treating a parent chain as broken.
const MAX_WALK: usize = 100_000;

/// Where a comment of a batch ends up.
enum Place {
    Top,
    Under(CommentId),
    /// Its parent is later in the same batch.
    AfterParent(CommentId),
}

#[derive(Clone, Debug)]
struct Node {
    comment: Comment,
    /// The parent this comment is shown under (`None`: top level), which may differ from the
    /// declared `parent_id` when that one is missing or would close a cycle.
    parent: Option<CommentId>,
    children: Vec<CommentId>,
}

/// Comments arranged as a forest, children in the order the server sent them.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    nodes: HashMap<CommentId, Node>,
    roots: Vec<CommentId>,
}

impl Tree {
    /// Builds a tree from one flat page of comments.
    pub fn from_comments(comments: Vec<Comment>) -> Self {
        let mut tree = Tree::default();
        tree.merge(comments);
        tree
    }

    /// Adds a later page (or a replies page); comments already present are kept as they are.
    /// Returns how many comments were added.
    pub fn merge(&mut self, comments: Vec<Comment>) -> usize {
        // First wins, both against the tree and within the batch.
        let mut batch: Vec<Comment> = Vec::with_capacity(comments.len());
        let mut pending: HashMap<CommentId, Option<CommentId>> = HashMap::new();
        for c in comments {
            if self.nodes.contains_key(&c.id) || pending.contains_key(&c.id) {
                continue;
            }
            pending.insert(c.id.clone(), c.parent_id.clone());
            batch.push(c);
        }
        let added = batch.len();
        // Replies that arrived before their parent wait for it, keyed by the parent's id.
        let mut waiting: HashMap<CommentId, Vec<Comment>> = HashMap::new();
        for c in batch {
            match self.placement(&c.id, c.parent_id.as_ref(), &pending) {
                Place::Top => self.place(c, None, &mut pending, &mut waiting),
                Place::Under(p) => self.place(c, Some(p), &mut pending, &mut waiting),
                Place::AfterParent(p) => waiting.entry(p).or_default().push(c),
            }
        }
        // Unreachable by construction, but a comment must never vanish: show leftovers at the top.
        let mut left: Vec<Comment> = waiting.into_values().flatten().collect();
        left.sort_by(|a, b| a.id.cmp(&b.id));
        for c in left {
            self.attach(c, None);
        }
        added
    }

    /// Where a new comment goes: under its declared parent if that parent is (or will be) in the
    /// tree and the chain of parents above it does not lead back to the comment itself.
    fn placement(
        &self,
        id: &CommentId,
        wanted: Option<&CommentId>,
        pending: &HashMap<CommentId, Option<CommentId>>,
    ) -> Place {
        let Some(wanted) = wanted else {
            return Place::Top;
        };
        if !self.nodes.contains_key(wanted) && !pending.contains_key(wanted) {
            // The parent is nowhere: an orphan is shown at the top level.
            return Place::Top;
        }
        let mut cursor = Some(wanted.clone());
        let mut steps = 0;
        while let Some(cur) = cursor {
            if &cur == id || steps > MAX_WALK {
                return Place::Top;
            }
            steps += 1;
            cursor = match self.nodes.get(&cur) {
                Some(node) => node.parent.clone(),
                None => pending.get(&cur).cloned().flatten(),
            };
        }
        if self.nodes.contains_key(wanted) {
            Place::Under(wanted.clone())
        } else {
            Place::AfterParent(wanted.clone())
        }
    }

    /// Attaches a comment, then any replies that were waiting for it.
    fn place(
        &mut self,
        comment: Comment,
        parent: Option<CommentId>,
        pending: &mut HashMap<CommentId, Option<CommentId>>,
        waiting: &mut HashMap<CommentId, Vec<Comment>>,
    ) {
        let mut stack = vec![(comment, parent)];
        while let Some((c, parent)) = stack.pop() {
            let id = c.id.clone();
            // Placed now, so later comments see its effective parent, not the declared one.
            pending.remove(&id);
            self.attach(c, parent);
            if let Some(replies) = waiting.remove(&id) {
                stack.extend(replies.into_iter().rev().map(|r| (r, Some(id.clone()))));
            }
        }
    }

    fn attach(&mut self, comment: Comment, parent: Option<CommentId>) {
        let id = comment.id.clone();
        match parent.as_ref().and_then(|p| self.nodes.get_mut(p)) {
            Some(p) => p.children.push(id.clone()),
            None => self.roots.push(id.clone()),
        }
        let parent = parent.filter(|p| self.nodes.contains_key(p));
        self.nodes.insert(
            id,
            Node {
                comment,
                parent,
                children: Vec::new(),
            },
        );
    }

    /// Adds one comment at the end of its parent's replies (or of the top level); false if its id is taken.
    pub fn push(&mut self, comment: Comment) -> bool {
        self.merge(vec![comment]) == 1
    }

    /// Adds the reader's own new comment where they will see it: a top-level comment first in the
    /// thread (until the next load puts it in its place by date), a reply last under its parent.
    pub fn push_own(&mut self, comment: Comment) -> bool {
        let top = comment
            .parent_id
            .as_ref()
            .is_none_or(|p| !self.nodes.contains_key(p));
        if !self.push(comment) {
            return false;
        }
        if top {
            self.roots.rotate_right(1);
        }
        true
    }

    /// Adds comments that arrived while the page was open and puts the new top-level ones first,
    /// newest first (the list is oldest first); replies go under their parents. Returns how many
    /// comments were added.
    pub fn merge_on_top(&mut self, comments: Vec<Comment>) -> usize {
        let before = self.roots.len();
        let added = self.merge(comments);
        let mut new_roots = self.roots.split_off(before.min(self.roots.len()));
        new_roots.reverse();
        new_roots.append(&mut self.roots);
        self.roots = new_roots;
        added
    }

    /// Removes a comment and everything under it.
    pub fn remove(&mut self, id: &CommentId) -> bool {
        let Some(node) = self.nodes.remove(id) else {
            return false;
        };
        let siblings = match node.parent.as_ref().and_then(|p| self.nodes.get_mut(p)) {
            Some(p) => &mut p.children,
            None => &mut self.roots,
        };
        siblings.retain(|c| c != id);
        let mut stack = node.children;
        while let Some(child) = stack.pop() {
            if let Some(n) = self.nodes.remove(&child) {
                stack.extend(n.children);
            }
        }
        true
    }

    /// Puts `comment` where `old` was (same parent, same position), e.g. the server's copy of a
    /// comment that was shown while sending. Falls back to appending when `old` is gone.
    pub fn replace(&mut self, old: &CommentId, comment: Comment) -> bool {
        if self.nodes.contains_key(&comment.id) && &comment.id != old {
            self.remove(old);
            return false;
        }
        let Some(node) = self.nodes.remove(old) else {
            return self.push(comment);
        };
        let new_id = comment.id.clone();
        let siblings = match node.parent.as_ref().and_then(|p| self.nodes.get_mut(p)) {
            Some(p) => &mut p.children,
            None => &mut self.roots,
        };
        for s in siblings.iter_mut().filter(|s| *s == old) {
            *s = new_id.clone();
        }
        for child in &node.children {
            if let Some(c) = self.nodes.get_mut(child) {
                c.parent = Some(new_id.clone());
            }
        }
        self.nodes.insert(
            new_id,
            Node {
                comment,
                parent: node.parent,
                children: node.children,
            },
        );
        true
    }

    /// Records where the next page of a comment's replies starts (`None`: all are loaded).
    pub fn set_replies_cursor(&mut self, id: &CommentId, cursor: Option<Cursor>) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.comment.replies_cursor = cursor;
        }
    }

    /// The comment with this id.
    pub fn get(&self, id: &CommentId) -> Option<&Comment> {
        self.nodes.get(id).map(|n| &n.comment)
    }

    /// Whether a comment with this id is in the tree.
    pub fn contains(&self, id: &CommentId) -> bool {
        self.nodes.contains_key(id)
    }

    /// Top-level comments in server order.
    pub fn roots(&self) -> &[CommentId] {
        &self.roots
    }

    /// Direct replies shown under a comment, in server order.
    pub fn children(&self, id: &CommentId) -> &[CommentId] {
        self.nodes
            .get(id)
            .map(|n| n.children.as_slice())
            .unwrap_or(&[])
    }

    /// The parent a comment is shown under.
    pub fn parent(&self, id: &CommentId) -> Option<&CommentId> {
        self.nodes.get(id).and_then(|n| n.parent.as_ref())
    }

    /// Number of comments in the tree.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the tree has no comments.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Replies the server has that are not shown yet under `id`, from its `reply_count`.
    pub fn unloaded_replies(&self, id: &CommentId) -> u64 {
        let Some(n) = self.nodes.get(id) else {
            return 0;
        };
        n.comment
            .reply_count
            .saturating_sub(n.children.len() as u64)
    }

    /// Changes a comment in place (e.g. after an edit); false when it is not in the tree.
    pub fn update(&mut self, id: &CommentId, change: impl FnOnce(&mut Comment)) -> bool {
        match self.nodes.get_mut(id) {
            Some(n) => {
                change(&mut n.comment);
                true
            }
            None => false,
        }
    }

    /// Applies a deletion the server confirmed: a comment with replies stays as a placeholder so
    /// they keep their context, one without disappears. Returns false when it was not shown.
    pub fn delete(&mut self, id: &CommentId) -> bool {
        let has_replies = self
            .nodes
            .get(id)
            .is_some_and(|n| !n.children.is_empty() || n.comment.reply_count > 0);
        if !has_replies {
            return self.remove(id);
        }
        self.update(id, |c| {
            c.deleted = true;
            c.author = None;
            c.body_html.clear();
            c.editable_until = None;
        })
    }

    /// Number of loaded comments under `id` (its replies, their replies, …).
    pub fn subtree_size(&self, id: &CommentId) -> usize {
        let mut stack: Vec<&CommentId> = self.children(id).iter().collect();
        let mut n = 0;
        while let Some(c) = stack.pop() {
            n += 1;
            stack.extend(self.children(c));
        }
        n
    }

    /// The comments above `id`, top level first (empty for a top-level or unknown comment).
    pub fn ancestors(&self, id: &CommentId) -> Vec<CommentId> {
        let mut path = Vec::new();
        let mut cur = self.parent(id);
        // Parents are acyclic by construction; the bound only guards against a bug becoming a hang.
        while let Some(p) = cur.filter(|_| path.len() < MAX_WALK) {
            path.push(p.clone());
            cur = self.parent(p);
        }
        path.reverse();
        path
    }

    /// Comment ids depth-first in display order, with their depth (0 = top level).
    pub fn walk(&self) -> Vec<(CommentId, usize)> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(CommentId, usize)> =
            self.roots.iter().rev().map(|r| (r.clone(), 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            stack.extend(
                self.children(&id)
                    .iter()
                    .rev()
                    .map(|c| (c.clone(), depth + 1)),
            );
            out.push((id, depth));
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::thread::form::pending_comment;

    pub(crate) fn comment(id: &str, parent: Option<&str>) -> Comment {
        let mut c = pending_comment(
            CommentId::parse(id).unwrap(),
            parent.map(|p| CommentId::parse(p).unwrap()),
            Some(format!("author of {id}")),
        );
        c.body_html = format!("<p>{id}</p>");
        c.created_at = "2026-11-24T08:15:00Z".into();
        c
    }

    pub(crate) fn id(s: &str) -> CommentId {
        CommentId::parse(s).unwrap()
    }

    fn shape(t: &Tree) -> Vec<(String, usize)> {
        t.walk()
            .into_iter()
            .map(|(i, d)| (i.to_string(), d))
            .collect()
    }

    fn s(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(i, d)| (i.to_string(), *d)).collect()
    }

    #[test]
    fn nests_replies_under_parents_in_server_order() {
        let t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("a1x", Some("a1")),
            comment("a2", Some("a")),
            comment("b", None),
        ]);
        assert_eq!(
            shape(&t),
            s(&[("a", 0), ("a1", 1), ("a1x", 2), ("a2", 1), ("b", 0)])
        );
        assert_eq!(t.parent(&id("a1x")), Some(&id("a1")));
    }

    #[test]
    fn duplicates_keep_the_first_copy() {
        let mut second = comment("a", None);
        second.body_html = "<p>second</p>".into();
        let t = Tree::from_comments(vec![
            comment("a", None),
            comment("r", Some("a")),
            second,
            comment("r", Some("a")),
        ]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.get(&id("a")).unwrap().body_html, "<p>a</p>");
        assert_eq!(t.children(&id("a")), &[id("r")]);
    }

    #[test]
    fn orphans_become_top_level() {
        let t = Tree::from_comments(vec![
            comment("a", None),
            comment("lost", Some("gone")),
            comment("b", None),
        ]);
        assert_eq!(shape(&t), s(&[("a", 0), ("lost", 0), ("b", 0)]));
    }

    #[test]
    fn cycles_do_not_hang_or_drop_comments() {
        let t = Tree::from_comments(vec![
            comment("x", Some("y")),
            comment("y", Some("x")),
            comment("self", Some("self")),
            comment("p", Some("q")),
            comment("q", Some("r")),
            comment("r", Some("p")),
        ]);
        assert_eq!(t.len(), 6);
        let walked = t.walk();
        assert_eq!(walked.len(), 6, "every comment is shown exactly once");
        assert!(t.roots().contains(&id("self")));
        // The first comment of each cycle is lifted to the top; the rest hang under it.
        assert_eq!(
            shape(&t),
            s(&[
                ("x", 0),
                ("y", 1),
                ("self", 0),
                ("p", 0),
                ("r", 1),
                ("q", 2)
            ])
        );
    }

    #[test]
    fn reply_before_its_parent_is_still_shown() {
        let t = Tree::from_comments(vec![comment("r", Some("a")), comment("a", None)]);
        assert_eq!(t.walk().len(), 2);
    }

    #[test]
    fn merging_a_replies_page_appends_without_duplicates() {
        let mut a = comment("a", None);
        a.reply_count = 3;
        a.replies_cursor = Some(Cursor("c1".into()));
        let mut t = Tree::from_comments(vec![a, comment("a1", Some("a")), comment("b", None)]);
        assert_eq!(t.unloaded_replies(&id("a")), 2);
        // The replies page overlaps the first one (a1 again) and brings a nested reply.
        let added = t.merge(vec![
            comment("a1", Some("a")),
            comment("a2", Some("a")),
            comment("a2x", Some("a2")),
            comment("a3", Some("a")),
        ]);
        t.set_replies_cursor(&id("a"), None);
        assert_eq!(added, 3);
        assert_eq!(
            shape(&t),
            s(&[
                ("a", 0),
                ("a1", 1),
                ("a2", 1),
                ("a2x", 2),
                ("a3", 1),
                ("b", 0)
            ])
        );
        assert_eq!(t.unloaded_replies(&id("a")), 0);
        assert_eq!(t.get(&id("a")).unwrap().replies_cursor, None);
    }

    #[test]
    fn merging_a_later_page_adds_top_level_comments_at_the_end() {
        let mut t = Tree::from_comments(vec![comment("a", None)]);
        t.merge(vec![
            comment("b", None),
            comment("b1", Some("b")),
            comment("a", None),
        ]);
        assert_eq!(shape(&t), s(&[("a", 0), ("b", 0), ("b1", 1)]));
    }

    #[test]
    fn a_pending_comment_is_replaced_in_place_by_the_servers_copy() {
        let mut t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("b", None),
        ]);
        assert!(t.push(comment("pending-1", Some("a"))));
        assert!(t.push(comment("a2", Some("a"))));
        assert!(t.replace(&id("pending-1"), comment("real", Some("a"))));
        assert_eq!(t.children(&id("a")), &[id("a1"), id("real"), id("a2")]);
        assert!(!t.contains(&id("pending-1")));
    }

    #[test]
    fn the_readers_own_comment_shows_first_and_own_replies_last() {
        let mut t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("b", None),
        ]);
        assert!(t.push_own(comment("mine", None)));
        assert!(t.push_own(comment("reply", Some("a"))));
        assert!(
            !t.push_own(comment("b", None)),
            "an id already shown is not added twice"
        );
        assert_eq!(
            shape(&t),
            s(&[("mine", 0), ("a", 0), ("a1", 1), ("reply", 1), ("b", 0)])
        );
    }

    #[test]
    fn removing_a_failed_comment_removes_it_and_its_subtree() {
        let mut t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("a1x", Some("a1")),
        ]);
        assert!(t.remove(&id("a1")));
        assert_eq!(shape(&t), s(&[("a", 0)]));
        assert!(!t.remove(&id("a1")));
        assert_eq!(t.len(), 1);
    }
}

#[cfg(test)]
mod on_top_tests {
    use super::tests::{comment, id};
    use super::*;

    #[test]
    fn new_top_level_comments_go_first_newest_first_and_replies_under_their_parents() {
        let mut t = Tree::from_comments(vec![comment("a", None), comment("b", None)]);
        let added = t.merge_on_top(vec![
            comment("n1", None),
            comment("r", Some("a")),
            comment("n2", None),
            comment("a", None),
        ]);
        assert_eq!(added, 3, "a known comment is not added twice");
        assert_eq!(t.roots(), &[id("n2"), id("n1"), id("a"), id("b")]);
        assert_eq!(t.children(&id("a")), &[id("r")]);
    }
}

#[cfg(test)]
mod merge_tests {
    use super::tests::{comment, id};
    use super::*;

    fn ids(v: &[CommentId]) -> Vec<&str> {
        v.iter().map(CommentId::as_str).collect()
    }

    #[test]
    fn a_permalink_context_joins_the_loaded_branch_without_duplicates() {
        let mut a = comment("a", None);
        a.reply_count = 60;
        a.replies_cursor = Some(Cursor("after-a1".into()));
        let mut t = Tree::from_comments(vec![a, comment("a1", Some("a")), comment("b", None)]);
        // The context of a comment deep under a's 55th reply: ancestors root first, then the target.
        let added = t.merge(vec![
            comment("a", None),
            comment("a55", Some("a")),
            comment("a55x", Some("a55")),
            comment("target", Some("a55x")),
            comment("target-r", Some("target")),
        ]);
        assert_eq!(added, 4, "a is already shown and is not added again");
        assert_eq!(ids(&t.ancestors(&id("target"))), ["a", "a55", "a55x"]);
        assert_eq!(ids(t.children(&id("a"))), ["a1", "a55"]);
        assert_eq!(t.unloaded_replies(&id("a")), 58);
        // The next replies page of `a` contains a55 again: it is skipped, its siblings are added.
        let added = t.merge(vec![
            comment("a2", Some("a")),
            comment("a55", Some("a")),
            comment("a56", Some("a")),
        ]);
        assert_eq!(added, 2);
        assert_eq!(t.len(), 9);
        assert_eq!(t.walk().len(), 9, "every comment shown once");
    }

    #[test]
    fn a_context_from_a_later_page_is_shown_and_not_repeated_by_that_page() {
        let mut t = Tree::from_comments(vec![comment("a", None)]);
        t.merge(vec![comment("z", None), comment("z1", Some("z"))]);
        assert_eq!(ids(t.roots()), ["a", "z"]);
        let added = t.merge(vec![
            comment("y", None),
            comment("z", None),
            comment("z1", Some("z")),
            comment("z2", Some("z")),
        ]);
        assert_eq!(added, 2);
        assert_eq!(ids(t.roots()), ["a", "z", "y"]);
        assert_eq!(ids(t.children(&id("z"))), ["z1", "z2"]);
    }

    #[test]
    fn deleting_keeps_a_placeholder_only_where_replies_need_context() {
        let mut t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("b", None),
        ]);
        let mut c = comment("c", None);
        c.reply_count = 2; // replies exist on the server though none are loaded
        t.push(c);
        assert!(t.delete(&id("a")));
        let a = t.get(&id("a")).unwrap();
        assert!(a.deleted && a.author.is_none() && a.body_html.is_empty());
        assert!(t.delete(&id("b")));
        assert!(!t.contains(&id("b")));
        assert!(t.delete(&id("c")));
        assert!(t.get(&id("c")).unwrap().deleted);
        assert!(!t.delete(&id("nope")));
    }

    #[test]
    fn subtree_sizes_count_every_loaded_level() {
        let t = Tree::from_comments(vec![
            comment("a", None),
            comment("a1", Some("a")),
            comment("a1x", Some("a1")),
            comment("a1y", Some("a1")),
            comment("a2", Some("a")),
            comment("b", None),
        ]);
        assert_eq!(t.subtree_size(&id("a")), 4);
        assert_eq!(t.subtree_size(&id("a1")), 2);
        assert_eq!(t.subtree_size(&id("b")), 0);
        assert_eq!(t.subtree_size(&id("unknown")), 0);
    }
}
