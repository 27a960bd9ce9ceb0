//! Request and response bodies of protocol v1.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::limits::COMMENT_ID_MAX_LEN;
use crate::moderation::CommentStatus;
use crate::sort::SortOrder;

/// A comment id: 1–64 URL-safe characters (ASCII letters, digits, `-`, `_`). Opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentId(String);

impl CommentId {
    /// Checks that `s` is a well-formed id.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= COMMENT_ID_MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| CommentId(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommentId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        CommentId::parse(&s).ok_or_else(|| "comment id must be 1-64 of A-Z a-z 0-9 - _".to_owned())
    }
}

impl From<CommentId> for String {
    fn from(id: CommentId) -> String {
        id.0
    }
}

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A reader's vote on a comment; on the wire the integer `-1`, `0` or `1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i8", into = "i8")]
pub enum Vote {
    /// `-1`
    Down,
    /// `0`: no vote (also how a vote is withdrawn).
    #[default]
    None,
    /// `1`
    Up,
}

impl Vote {
    /// The wire value.
    pub fn as_i8(self) -> i8 {
        match self {
            Vote::Down => -1,
            Vote::None => 0,
            Vote::Up => 1,
        }
    }
}

impl TryFrom<i8> for Vote {
    type Error = String;
    fn try_from(v: i8) -> Result<Self, String> {
        match v {
            -1 => Ok(Vote::Down),
            0 => Ok(Vote::None),
            1 => Ok(Vote::Up),
            _ => Err("vote must be -1, 0 or 1".to_owned()),
        }
    }
}

impl From<Vote> for i8 {
    fn from(v: Vote) -> i8 {
        v.as_i8()
    }
}

/// An opaque paging cursor. Clients send it back unchanged and never look inside.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

/// Metadata of a thread (the comments under one article).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadInfo {
    /// The normalized thread key.
    pub key: String,
    /// The article's title, when a client sent one with the first comment.
    pub title: Option<String>,
    /// The article's URL, when a client sent one with the first comment.
    pub url: Option<String>,
    /// Number of visible (not deleted) comments in the whole thread.
    pub comment_count: u64,
    /// A moderator closed the thread: new comments are refused with `thread_locked`.
    #[serde(default)]
    pub locked: bool,
    /// The server mails reply notifications to authors who leave an email address; without it
    /// an address is only stored, and clients should not promise notifications.
    #[serde(default)]
    pub reply_mail: bool,
}

/// One comment as sent to clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Unique, URL-safe id.
    pub id: CommentId,
    /// The comment this one replies to; `null` for a top-level comment.
    pub parent_id: Option<CommentId>,
    /// Display name; `null` for a guest (or a deleted comment).
    pub author: Option<String>,
    /// Seed for the locally drawn identicon; stable per reader and name, reveals neither.
    pub avatar_seed: String,
    /// Sanitized HTML rendered by the server from markdown; empty when deleted.
    pub body_html: String,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: String,
    /// `upvotes - downvotes`.
    pub score: i64,
    /// Number of up votes.
    pub upvotes: u64,
    /// Number of down votes.
    pub downvotes: u64,
    /// The requesting reader's own vote (`0` without a reader token).
    pub my_vote: Vote,
    /// Number of direct replies, including deleted ones that still have replies.
    pub reply_count: u64,
    /// The comment was deleted; it is still sent when it has replies, so they keep their context.
    pub deleted: bool,
    /// Present when more direct replies exist than were sent: fetch them from the replies route.
    pub replies_cursor: Option<Cursor>,
    /// When the comment was last edited, RFC 3339 in UTC; `null` if never.
    pub edited_at: Option<String>,
    /// Until when the requesting reader may edit or delete it, RFC 3339 in UTC. Present only on
    /// the reader's own, not deleted comments while the edit window is open.
    pub editable_until: Option<String>,
    /// The author was signed in through the site's own accounts (SSO); `author` is the site's
    /// name for them. Absent (false) from servers without sign-in.
    #[serde(default)]
    pub verified: bool,
    /// `visible`, or `held` on the requesting reader's own comment that waits for a moderator
    /// (nobody else is sent it).
    #[serde(default)]
    pub status: CommentStatus,
    /// A moderator pinned it: it comes first in every order.
    #[serde(default)]
    pub pinned: bool,
}

/// Response of `GET /api/v1/thread`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    /// The thread's metadata.
    pub thread: ThreadInfo,
    /// A page of top-level comments with their replies, flat, every parent before its replies.
    pub comments: Vec<Comment>,
    /// Present when more top-level comments exist.
    pub next_cursor: Option<Cursor>,
    /// The id of the thread's newest live event when the page was read (0 before the first):
    /// an event stream opened after it misses no change the page does not show; null from
    /// servers without live updates send `null`.
    #[serde(default)]
    pub last_event_id: Option<u64>,
}

/// Response of `GET /api/v1/comments/{id}/replies`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepliesPage {
    /// The next direct replies with their own replies, flat, every parent before its replies.
    pub comments: Vec<Comment>,
    /// Present when still more direct replies exist.
    pub next_cursor: Option<Cursor>,
}

/// Query of `GET /api/v1/thread`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadQuery {
    /// Thread key (normalized by the server with [`crate::normalize_thread_key`]).
    pub key: String,
    /// Top-level comments per page (1–100, default 50).
    pub limit: Option<u32>,
    /// Direct replies sent under each comment (0–100, default 50).
    pub replies: Option<u32>,
    /// Cursor from a previous page's `next_cursor` (made for the same sort order).
    pub cursor: Option<String>,
    /// Order of comments and of replies within their parent (default best).
    pub sort: Option<SortOrder>,
}

/// Query of `GET /api/v1/comments/{id}/replies`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepliesQuery {
    /// Direct replies per page (1–100, default 50).
    pub limit: Option<u32>,
    /// Cursor from the comment's `replies_cursor` or a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Order of the replies (default best); must be the order the cursor was made for.
    pub sort: Option<SortOrder>,
}

/// Query of `GET /api/v1/comments/{id}/context`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextQuery {
    /// Order of the target's replies (default best).
    pub sort: Option<SortOrder>,
    /// Direct replies sent under the target and each of its replies (0–100, default 50).
    pub replies: Option<u32>,
}

/// Response of `GET /api/v1/comments/{id}/context`: what a permalink needs to show a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextPage {
    /// The thread the comment belongs to.
    pub thread: ThreadInfo,
    /// The comment the permalink points at.
    pub target: CommentId,
    /// Its ancestors root first (without their other replies), then the target, then the
    /// target's replies as in a thread page: flat, every parent before its replies.
    pub comments: Vec<Comment>,
}

/// Body of `POST /api/v1/comments`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComment {
    /// Thread key; the thread is created by its first comment.
    pub thread: String,
    /// The comment being replied to; it must belong to the same thread.
    #[serde(default)]
    pub parent_id: Option<CommentId>,
    /// Display name; empty or absent posts as a guest.
    #[serde(default)]
    pub author: Option<String>,
    /// Markdown body (1–10,000 characters).
    pub body: String,
    /// Article title, stored when the thread is created.
    #[serde(default)]
    pub title: Option<String>,
    /// Article URL (http or https), stored when the thread is created.
    #[serde(default)]
    pub url: Option<String>,
    /// Email for reply notifications; stored, never sent back by any route.
    #[serde(default)]
    pub email: Option<String>,
    /// Idempotency key (1–64 URL-safe characters): a repeated post with the same key by the same
    /// reader creates nothing and answers 200 with the comment the first post created.
    #[serde(default)]
    pub client_token: Option<String>,
    /// Honeypot: a form field people never see; a value here marks the post as a bot's.
    #[serde(default)]
    pub website: Option<String>,
    /// Milliseconds between showing the form and sending it, so the server can refuse posts
    /// sent faster than a person types; clients that do not measure it leave it out.
    #[serde(default)]
    pub form_shown_ms: Option<u64>,
}

/// Body of `PATCH /api/v1/comments/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditComment {
    /// The new markdown body (1–10,000 characters).
    pub body: String,
}

/// Body of `POST /api/v1/preview`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRequest {
    /// Markdown body (1–10,000 characters).
    pub body: String,
}

/// Response of `POST /api/v1/preview`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The sanitized HTML the body would be stored as.
    pub body_html: String,
}

/// Body of `PUT /api/v1/comments/{id}/vote`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRequest {
    /// The reader's vote; the last one sent stands.
    pub value: Vote,
}

/// Response of `PUT /api/v1/comments/{id}/vote`: the comment's tallies after the vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResult {
    /// The comment voted on.
    pub comment_id: CommentId,
    /// `upvotes - downvotes`.
    pub score: i64,
    /// Number of up votes.
    pub upvotes: u64,
    /// Number of down votes.
    pub downvotes: u64,
    /// The reader's vote as stored.
    pub my_vote: Vote,
}

/// Response of `POST /api/v1/readers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderToken {
    /// Bearer token identifying an anonymous reader; send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Body of `POST /api/v1/counts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsRequest {
    /// Thread keys, as the client knows them (1–100 of them).
    pub threads: Vec<String>,
}

/// Response of `POST /api/v1/counts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsResponse {
    /// Visible comment count per key, keyed exactly as sent; unknown threads count 0.
    pub counts: BTreeMap<String, u64>,
}
