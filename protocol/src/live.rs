//! Live updates: the server-sent events of `GET /api/v1/events`.
//!
//! Each event of a thread's stream has an `id:` (the thread's gapless event number), an
//! `event:` name ([`LiveEventKind`]) and one line of JSON `data:` whose type depends on the name.
//! Payloads show a comment as it is when the event is sent, as an anonymous reader sees it.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::wire::{Comment, CommentId};

/// The server sends a comment line at least this often, so proxies keep the stream open.
pub const LIVE_KEEPALIVE_SECS: u64 = 20;

/// What happened to a comment: the SSE `event:` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiveEventKind {
    /// A comment or reply was posted; data [`CommentEvent`].
    Posted,
    /// A comment's body was edited; data [`CommentEvent`].
    Edited,
    /// A comment was deleted; data [`DeletedEvent`].
    Deleted,
    /// A comment's tallies changed; data [`VotedEvent`].
    Voted,
}

impl LiveEventKind {
    /// Every kind, in the order the guide lists them.
    pub const ALL: [LiveEventKind; 4] = [
        LiveEventKind::Posted,
        LiveEventKind::Edited,
        LiveEventKind::Deleted,
        LiveEventKind::Voted,
    ];

    /// The SSE `event:` name.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveEventKind::Posted => "posted",
            LiveEventKind::Edited => "edited",
            LiveEventKind::Deleted => "deleted",
            LiveEventKind::Voted => "voted",
        }
    }

    /// Reads an `event:` name; `None` for one this version does not know (clients skip those).
    pub fn parse(name: &str) -> Option<Self> {
        LiveEventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// `data` of `posted` and `edited`: the comment as an anonymous reader sees it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentEvent {
    /// The comment (`my_vote` 0, `editable_until` null); a deleted placeholder if it was
    /// deleted since but keeps its place for replies.
    pub comment: Comment,
    /// Visible comments in the thread after the change.
    pub comment_count: u64,
}

/// `data` of `deleted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedEvent {
    /// The deleted comment.
    pub comment_id: CommentId,
    /// The placeholder that stays in the thread when the comment has replies; `null` when the
    /// comment disappears.
    pub placeholder: Option<Comment>,
    /// Visible comments in the thread after the change.
    pub comment_count: u64,
}

/// `data` of `voted`: the new tallies (never anyone's own vote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotedEvent {
    /// The comment voted on.
    pub comment_id: CommentId,
    /// `upvotes - downvotes`.
    pub score: i64,
    /// Number of up votes.
    pub upvotes: u64,
    /// Number of down votes.
    pub downvotes: u64,
    /// Visible comments in the thread.
    pub comment_count: u64,
}

/// One event of a thread's stream, its name and data together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveEvent {
    /// `event: posted`
    Posted(CommentEvent),
    /// `event: edited`
    Edited(CommentEvent),
    /// `event: deleted`
    Deleted(DeletedEvent),
    /// `event: voted`
    Voted(VotedEvent),
}

/// Why an event's data could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveEventError(pub String);

impl fmt::Display for LiveEventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LiveEventError {}

impl LiveEvent {
    /// The event's name.
    pub fn kind(&self) -> LiveEventKind {
        match self {
            LiveEvent::Posted(_) => LiveEventKind::Posted,
            LiveEvent::Edited(_) => LiveEventKind::Edited,
            LiveEvent::Deleted(_) => LiveEventKind::Deleted,
            LiveEvent::Voted(_) => LiveEventKind::Voted,
        }
    }

    /// The thread's visible comment count after the change.
    pub fn comment_count(&self) -> u64 {
        match self {
            LiveEvent::Posted(e) | LiveEvent::Edited(e) => e.comment_count,
            LiveEvent::Deleted(e) => e.comment_count,
            LiveEvent::Voted(e) => e.comment_count,
        }
    }

    /// The `data:` line's JSON.
    pub fn data(&self) -> String {
        let json = match self {
            LiveEvent::Posted(e) | LiveEvent::Edited(e) => serde_json::to_string(e),
            LiveEvent::Deleted(e) => serde_json::to_string(e),
            LiveEvent::Voted(e) => serde_json::to_string(e),
        };
        // Plain structs of strings and numbers always serialize.
        json.unwrap_or_default()
    }

    /// Reads an event from its name and data.
    pub fn parse(kind: LiveEventKind, data: &str) -> Result<Self, LiveEventError> {
        let bad = |e: serde_json::Error| {
            LiveEventError(format!("`{}` event data is not valid: {e}", kind.as_str()))
        };
        Ok(match kind {
            LiveEventKind::Posted => LiveEvent::Posted(serde_json::from_str(data).map_err(bad)?),
            LiveEventKind::Edited => LiveEvent::Edited(serde_json::from_str(data).map_err(bad)?),
            LiveEventKind::Deleted => LiveEvent::Deleted(serde_json::from_str(data).map_err(bad)?),
            LiveEventKind::Voted => LiveEvent::Voted(serde_json::from_str(data).map_err(bad)?),
        })
    }
}

/// Query of `GET /api/v1/events`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsQuery {
    /// Thread key (normalized by the server).
    pub key: String,
    /// Send the events after this event id; the `Last-Event-ID` header wins when both are sent.
    pub after: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        for k in LiveEventKind::ALL {
            assert_eq!(LiveEventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(LiveEventKind::parse("pinned"), None);
    }

    #[test]
    fn data_round_trips_and_bad_data_says_which_event() {
        let voted = LiveEvent::Voted(VotedEvent {
            comment_id: CommentId::parse("c1").expect("id"),
            score: 2,
            upvotes: 3,
            downvotes: 1,
            comment_count: 4,
        });
        assert_eq!(
            LiveEvent::parse(LiveEventKind::Voted, &voted.data()),
            Ok(voted)
        );
        let err = LiveEvent::parse(LiveEventKind::Deleted, "{").expect_err("bad json");
        assert!(err.0.contains("`deleted`"), "{err}");
    }
}
