//! Live updates applied to the thread model: which events change what is shown, which wait
//! behind the "N new comments" button, and which were seen before.
//!
//! New top-level comments never jump into the list under the reader's eyes; they wait in the
//! [`Inbox`] until the reader asks for them. Replies, edits, deletions and tallies change the
//! comments already shown, in place. The reader's own vote is never taken from an event: events
//! carry tallies only.

use talkback_protocol::{Comment, CommentId, LiveEvent};

use super::tree::Tree;

/// What arrived while the page was open and is not shown yet, and how far the stream got.
#[derive(Clone, Debug, Default)]
pub struct Inbox {
    /// New top-level comments by others, and replies to them, in the order they arrived.
    waiting: Vec<Comment>,
    /// The id of the last event applied; a reconnect asks for the events after it.
    last_id: Option<u64>,
}

/// What one event did, so the UI knows whether there is anything to announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Seen before (an event id already applied, or a comment already shown): nothing changed.
    Duplicate,
    /// A comment now waits behind the "N new comments" button.
    Waiting,
    /// A reply was put under its parent.
    Inserted(CommentId),
    /// A shown comment changed in place (edit, deletion placeholder, tallies).
    Changed(CommentId),
    /// A shown comment disappeared.
    Removed(CommentId),
    /// About a comment that is not on the page (in an unloaded page or reply list): only the
    /// thread's count changes.
    Elsewhere,
}

impl Inbox {
    /// The id of the last event applied, if any arrived.
    pub fn last_id(&self) -> Option<u64> {
        self.last_id
    }

    /// A page of the thread was read after event `id`: it already shows that event and every
    /// one before it, so the stream starts (or goes on) after it.
    pub fn seen_up_to(&mut self, id: u64) {
        if self.last_id.is_none_or(|last| last < id) {
            self.last_id = Some(id);
        }
    }

    /// New top-level comments waiting to be shown (the number on the button).
    pub fn waiting(&self) -> usize {
        self.waiting.iter().filter(|c| c.parent_id.is_none()).count()
    }

    /// Hands over everything waiting, oldest first, for [`Tree::merge_on_top`].
    pub fn take(&mut self) -> Vec<Comment> {
        std::mem::take(&mut self.waiting)
    }

    /// Drops a waiting comment, because the reader's own post of it was just shown; true if it
    /// was waiting (its event came before the post's answer).
    pub fn forget(&mut self, id: &CommentId) -> bool {
        let before = self.waiting.len();
        self.waiting.retain(|c| &c.id != id);
        self.waiting.len() != before
    }

    /// Drops waiting comments the tree already has (after the thread was loaded again).
    pub fn forget_known(&mut self, tree: &Tree) {
        self.waiting.retain(|c| !tree.contains(&c.id));
    }

    /// Applies the event numbered `id` to the tree or to what waits.
    pub fn apply(&mut self, tree: &mut Tree, id: u64, event: LiveEvent) -> Applied {
        if self.last_id.is_some_and(|last| id <= last) {
            return Applied::Duplicate;
        }
        self.last_id = Some(id);
        match event {
            LiveEvent::Posted(e) => self.posted(tree, e.comment),
            LiveEvent::Edited(e) => self.changed(tree, e.comment),
            LiveEvent::Deleted(e) => match e.placeholder {
                Some(placeholder) => self.changed(tree, placeholder),
                None => self.removed(tree, &e.comment_id),
            },
            LiveEvent::Voted(v) => {
                let tallies = |c: &mut Comment| {
                    c.upvotes = v.upvotes;
                    c.downvotes = v.downvotes;
                    c.score = v.score;
                };
                if let Some(c) = self.waiting.iter_mut().find(|c| c.id == v.comment_id) {
                    tallies(c);
                    return Applied::Waiting;
                }
                if tree.update(&v.comment_id, tallies) {
                    Applied::Changed(v.comment_id)
                } else {
                    Applied::Elsewhere
                }
            }
        }
    }

    fn posted(&mut self, tree: &mut Tree, comment: Comment) -> Applied {
        // The author's own held comment is already shown; its approval arrives as `posted` and
        // takes the "awaiting moderation" mark away.
        tree.update(&comment.id, |c| c.status = comment.status);
        let known = tree.contains(&comment.id) || self.waiting.iter().any(|c| c.id == comment.id);
        if known {
            return Applied::Duplicate;
        }
        match comment.parent_id.clone() {
            None => {
                self.waiting.push(comment);
                Applied::Waiting
            }
            Some(parent) if tree.contains(&parent) => {
                let id = comment.id.clone();
                tree.update(&parent, |p| p.reply_count += 1);
                tree.push(comment);
                Applied::Inserted(id)
            }
            // A reply to a comment that is itself waiting waits with it.
            Some(parent) if self.waiting.iter().any(|c| c.id == parent) => {
                self.waiting.push(comment);
                Applied::Waiting
            }
            Some(_) => Applied::Elsewhere,
        }
    }

    /// An edit or a deletion that leaves a placeholder: the server's copy replaces the shown one.
    fn changed(&mut self, tree: &mut Tree, server: Comment) -> Applied {
        let id = server.id.clone();
        if let Some(c) = self.waiting.iter_mut().find(|c| c.id == id) {
            *c = server;
            return Applied::Waiting;
        }
        if tree.update(&id, |shown| refresh(shown, server)) {
            Applied::Changed(id)
        } else {
            Applied::Elsewhere
        }
    }

    fn removed(&mut self, tree: &mut Tree, id: &CommentId) -> Applied {
        if self.forget(id) {
            return Applied::Waiting;
        }
        let parent = tree.parent(id).cloned();
        if !tree.remove(id) {
            return Applied::Elsewhere;
        }
        if let Some(p) = parent {
            tree.update(&p, |c| c.reply_count = c.reply_count.saturating_sub(1));
        }
        Applied::Removed(id.clone())
    }
}

/// Takes the server's view of a shown comment but keeps what only this reader knows: their vote,
/// their edit window, and where the next page of replies starts.
fn refresh(shown: &mut Comment, server: Comment) {
    let Comment {
        my_vote,
        editable_until,
        replies_cursor,
        ..
    } = std::mem::replace(shown, server);
    shown.my_vote = my_vote;
    shown.replies_cursor = replies_cursor;
    // A deleted comment cannot be edited any more, whatever the window said.
    shown.editable_until = editable_until.filter(|_| !shown.deleted);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thread::tree::tests::{comment, id};
    use talkback_protocol::{CommentEvent, DeletedEvent, Vote, VotedEvent};

    fn posted(c: Comment) -> LiveEvent {
        LiveEvent::Posted(CommentEvent {
            comment: c,
            comment_count: 0,
        })
    }

    fn voted(on: &str, up: u64, down: u64) -> LiveEvent {
        LiveEvent::Voted(VotedEvent {
            comment_id: id(on),
            score: up as i64 - down as i64,
            upvotes: up,
            downvotes: down,
            comment_count: 0,
        })
    }

    fn deleted(c: &str, placeholder: Option<Comment>) -> LiveEvent {
        LiveEvent::Deleted(DeletedEvent {
            comment_id: id(c),
            placeholder,
            comment_count: 0,
        })
    }

    fn page() -> Tree {
        Tree::from_comments(vec![comment("a", None), comment("b", None)])
    }

    #[test]
    fn new_top_level_comments_wait_and_are_handed_over_oldest_first() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        assert_eq!(inbox.apply(&mut tree, 1, posted(comment("n1", None))), Applied::Waiting);
        assert_eq!(inbox.apply(&mut tree, 2, posted(comment("n2", None))), Applied::Waiting);
        assert_eq!(
            inbox.apply(&mut tree, 3, posted(comment("n1r", Some("n1")))),
            Applied::Waiting,
            "a reply to a waiting comment waits with it"
        );
        assert_eq!(tree.roots(), &[id("a"), id("b")], "nothing jumps into the list");
        assert_eq!(inbox.waiting(), 2, "the button counts top-level comments");
        tree.merge_on_top(inbox.take());
        assert_eq!(tree.roots(), &[id("n2"), id("n1"), id("a"), id("b")]);
        assert_eq!(tree.children(&id("n1")), &[id("n1r")]);
        assert_eq!(inbox.waiting(), 0);
    }

    #[test]
    fn replies_to_shown_comments_appear_in_place_and_count() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        let applied = inbox.apply(&mut tree, 1, posted(comment("r", Some("a"))));
        assert_eq!(applied, Applied::Inserted(id("r")));
        assert_eq!(tree.children(&id("a")), &[id("r")]);
        assert_eq!(tree.get(&id("a")).map(|c| c.reply_count), Some(1));
        let elsewhere = inbox.apply(&mut tree, 2, posted(comment("x", Some("unloaded"))));
        assert_eq!(elsewhere, Applied::Elsewhere);
        assert!(!tree.contains(&id("x")));
    }

    #[test]
    fn events_seen_before_and_comments_already_shown_are_duplicates() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        assert_eq!(inbox.apply(&mut tree, 5, posted(comment("a", None))), Applied::Duplicate);
        assert_eq!(inbox.last_id(), Some(5));
        assert_eq!(inbox.apply(&mut tree, 5, posted(comment("n", None))), Applied::Duplicate);
        assert_eq!(inbox.apply(&mut tree, 4, voted("a", 9, 0)), Applied::Duplicate);
        assert_eq!(inbox.waiting(), 0);
        assert_eq!(inbox.apply(&mut tree, 6, posted(comment("n", None))), Applied::Waiting);
        assert_eq!(inbox.apply(&mut tree, 7, posted(comment("n", None))), Applied::Duplicate);
    }

    #[test]
    fn the_stream_starts_after_what_the_page_shows_and_never_goes_back() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        inbox.seen_up_to(8);
        assert_eq!(inbox.last_id(), Some(8), "the first stream opens after the page");
        assert_eq!(inbox.apply(&mut tree, 8, voted("a", 9, 0)), Applied::Duplicate);
        assert_eq!(tree.get(&id("a")).map(|c| c.upvotes), Some(0), "the page's tally stands");
        assert_eq!(inbox.apply(&mut tree, 9, voted("a", 9, 0)), Applied::Changed(id("a")));
        // A page read again from an older snapshot must not make the stream replay events.
        inbox.seen_up_to(3);
        assert_eq!(inbox.last_id(), Some(9));
    }

    #[test]
    fn an_approval_of_the_readers_held_comment_takes_its_mark_away() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        let mut held = comment("mine", None);
        held.status = talkback_protocol::CommentStatus::Held;
        tree.push(held);
        let approved = comment("mine", None);
        assert_eq!(inbox.apply(&mut tree, 1, posted(approved)), Applied::Duplicate);
        assert_eq!(
            tree.get(&id("mine")).map(|c| c.status),
            Some(talkback_protocol::CommentStatus::Visible)
        );
    }

    #[test]
    fn the_readers_own_post_is_forgotten_once_its_answer_shows_it() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        inbox.apply(&mut tree, 1, posted(comment("mine", None)));
        assert!(inbox.forget(&id("mine")));
        assert!(!inbox.forget(&id("mine")));
        assert_eq!(inbox.waiting(), 0);
        inbox.apply(&mut tree, 2, posted(comment("c", None)));
        tree.push(comment("c", None));
        inbox.forget_known(&tree);
        assert_eq!(inbox.waiting(), 0);
    }

    #[test]
    fn tallies_change_but_the_readers_own_vote_stays() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        tree.update(&id("a"), |c| c.my_vote = Vote::Up);
        assert_eq!(inbox.apply(&mut tree, 1, voted("a", 3, 1)), Applied::Changed(id("a")));
        let a = tree.get(&id("a")).cloned().expect("a");
        assert_eq!((a.upvotes, a.downvotes, a.score, a.my_vote), (3, 1, 2, Vote::Up));
    }

    #[test]
    fn edits_replace_the_body_and_keep_what_is_the_readers() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        tree.update(&id("a"), |c| {
            c.my_vote = Vote::Down;
            c.editable_until = Some("2026-11-24T08:30:00Z".into());
        });
        let mut server = comment("a", None);
        server.body_html = "<p>edited</p>".into();
        server.edited_at = Some("2026-11-24T08:20:00Z".into());
        let edited = LiveEvent::Edited(CommentEvent {
            comment: server,
            comment_count: 2,
        });
        assert_eq!(inbox.apply(&mut tree, 1, edited), Applied::Changed(id("a")));
        let a = tree.get(&id("a")).cloned().expect("a");
        assert_eq!(a.body_html, "<p>edited</p>");
        assert_eq!(a.my_vote, Vote::Down);
        assert!(a.editable_until.is_some());
    }

    #[test]
    fn deletions_leave_a_placeholder_or_remove_the_comment() {
        let mut tree = page();
        tree.push(comment("r", Some("a")));
        tree.update(&id("a"), |c| {
            c.reply_count = 1;
            c.editable_until = Some("2026-11-24T08:30:00Z".into());
        });
        let mut inbox = Inbox::default();
        let mut placeholder = comment("a", None);
        placeholder.deleted = true;
        placeholder.author = None;
        placeholder.body_html.clear();
        placeholder.reply_count = 1;
        assert_eq!(
            inbox.apply(&mut tree, 1, deleted("a", Some(placeholder))),
            Applied::Changed(id("a"))
        );
        let a = tree.get(&id("a")).cloned().expect("a stays");
        assert!(a.deleted && a.body_html.is_empty() && a.editable_until.is_none());
        assert_eq!(inbox.apply(&mut tree, 2, deleted("r", None)), Applied::Removed(id("r")));
        assert!(!tree.contains(&id("r")));
        assert_eq!(tree.get(&id("a")).map(|c| c.reply_count), Some(0));
        assert_eq!(inbox.apply(&mut tree, 3, deleted("zz", None)), Applied::Elsewhere);
    }

    #[test]
    fn a_waiting_comment_deleted_before_it_was_shown_stops_waiting() {
        let (mut tree, mut inbox) = (page(), Inbox::default());
        inbox.apply(&mut tree, 1, posted(comment("n", None)));
        assert_eq!(inbox.apply(&mut tree, 2, deleted("n", None)), Applied::Waiting);
        assert_eq!(inbox.waiting(), 0);
    }
}
