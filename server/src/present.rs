//! Stored comments in their wire form, as one reader sees them.

use talkback_protocol::{Comment, CommentId, Vote};

use crate::clock::rfc3339;
use crate::cursor::Position;
use crate::ids::avatar_seed;
use crate::store::{CommentRow, ReaderId, edit_deadline};
use crate::tree::Slot;

/// Who is looking, and when: decides `my_vote` (already in the row) and `editable_until`.
#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    /// The asking reader, if a known token was sent.
    pub reader: Option<ReaderId>,
    /// Now, microseconds since the Unix epoch.
    pub now: i64,
    /// The server's edit window in seconds.
    pub window_secs: u64,
}

impl Viewer {
    /// Until when (microseconds) this viewer may change the comment, if they may at all.
    fn editable_until(&self, row: &CommentRow) -> Option<i64> {
        let deadline = edit_deadline(row.created_at, self.window_secs);
        let own = self.reader == Some(row.reader_id);
        (own && !row.deleted && self.now < deadline).then_some(deadline)
    }
}

/// Turns a stored comment into its wire form; a deleted one keeps only its place in the tree.
pub fn present(secret: &str, viewer: &Viewer, row: CommentRow, slot: &Slot) -> Option<Comment> {
    let id = CommentId::parse(&row.id)?;
    let parent_id = row.parent_id.as_deref().and_then(CommentId::parse);
    let created_at = rfc3339(row.created_at);
    let replies_cursor = slot.replies_cursor.as_ref().map(Position::to_cursor);
    if row.deleted || slot.seen.gone {
        return Some(Comment {
            id,
            parent_id,
            author: None,
            avatar_seed: String::new(),
            body_html: String::new(),
            created_at,
            score: 0,
            upvotes: 0,
            downvotes: 0,
            my_vote: Vote::None,
            reply_count: slot.reply_count,
            deleted: true,
            replies_cursor,
            edited_at: None,
            editable_until: None,
            verified: false,
            status: Default::default(),
            pinned: false,
        });
    }
    let score = i64::try_from(row.upvotes).unwrap_or(i64::MAX)
        - i64::try_from(row.downvotes).unwrap_or(i64::MAX);
    let editable_until = viewer.editable_until(&row).map(rfc3339);
    Some(Comment {
        id,
        parent_id,
        avatar_seed: avatar_seed(secret, row.reader_id, row.author.as_deref()),
        author: row.author,
        body_html: row.body_html,
        created_at,
        score,
        upvotes: row.upvotes,
        downvotes: row.downvotes,
        my_vote: row.my_vote,
        reply_count: slot.reply_count,
        deleted: false,
        replies_cursor,
        edited_at: row.edited_at.map(rfc3339),
        editable_until,
        verified: row.verified,
        status: slot.seen.status,
        pinned: slot.seen.pinned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reader: ReaderId, deleted: bool) -> CommentRow {
        CommentRow {
            id: "c1".into(),
            parent_id: None,
            reader_id: reader,
            author: Some("Ada".into()),
            body_html: "<p>x</p>".into(),
            created_at: 1_000_000_000,
            edited_at: None,
            deleted,
            upvotes: 0,
            downvotes: 0,
            my_vote: Vote::None,
            verified: false,
        }
    }

    fn until(reader: Option<ReaderId>, now: i64, r: CommentRow) -> Option<String> {
        let viewer = Viewer {
            reader,
            now,
            window_secs: 60,
        };
        let slot = Slot {
            id: "c1".into(),
            reply_count: 0,
            replies_cursor: None,
            seen: Default::default(),
        };
        present("s", &viewer, r, &slot).and_then(|c| c.editable_until)
    }

    #[test]
    fn only_the_author_sees_the_edit_deadline_while_it_is_open() {
        assert_eq!(
            until(Some(7), 1_000_000_000, row(7, false)).as_deref(),
            Some("1970-01-01T00:17:40Z")
        );
        assert_eq!(until(Some(8), 1_000_000_000, row(7, false)), None);
        assert_eq!(until(None, 1_000_000_000, row(7, false)), None);
        assert_eq!(until(Some(7), 1_060_000_000, row(7, false)), None);
        assert_eq!(until(Some(7), 1_000_000_000, row(7, true)), None);
    }
}
