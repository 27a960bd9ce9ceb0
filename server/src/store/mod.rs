//! Storage behind the API: the [`Store`] trait and its implementations.
//!
//! The trait speaks in plain rows; paging and visibility live in [`crate::tree`] so that a
//! second store (PostgreSQL) only has to store and fetch, not re-implement the rules.

pub mod moderation;
pub mod moderation_transfer;
pub mod limits;
pub mod identity;
pub mod notify;
mod open;
pub mod postgres;
pub mod sqlite;
mod sqlite_identity;
mod sqlite_notify;
mod sqlite_moderation;
mod sqlite_moderation_transfer;
mod sqlite_limits;
mod sqlite_transfer;
pub mod transfer;

use std::collections::HashMap;

use async_trait::async_trait;
use talkback_protocol::Vote;

use crate::tree::Node;
pub use open::{Location, open, open_with_ca};
pub use transfer::{
    BatchOutcome, ExportedComment, ExportedThread, ImportBatch, ImportedComment, ImportedThread,
    Linking, Orphan,
};

/// Database id of an anonymous reader.
pub type ReaderId = i64;
/// Database id of a thread.
pub type ThreadId = i64;

/// Why a store call failed.
#[derive(Debug)]
pub enum StoreError {
    /// The comment does not exist.
    CommentNotFound,
    /// The comment is deleted and cannot take this action.
    CommentDeleted,
    /// The comment is held, hidden or rejected (the status it has), so readers cannot vote on it.
    NotPublished(talkback_protocol::CommentStatus),
    /// A reply names a parent that does not exist.
    ParentNotFound,
    /// A reply names a parent from another thread.
    ParentInOtherThread,
    /// A reply names a deleted parent.
    ParentDeleted,
    /// The comment belongs to another reader.
    NotYours,
    /// The comment is older than the edit window, given in seconds.
    EditWindowClosed { window_secs: u64 },
    /// A moderation action or setting does not fit; the text says why, for the moderator.
    Refused(String),
    /// The database failed; the text is for the operator's log.
    Database(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::CommentNotFound => f.write_str("comment not found"),
            StoreError::CommentDeleted => f.write_str("comment is deleted"),
            StoreError::NotPublished(status) => write!(f, "comment is {}", status.as_str()),
            StoreError::ParentNotFound => f.write_str("parent comment not found"),
            StoreError::ParentInOtherThread => f.write_str("parent comment is in another thread"),
            StoreError::ParentDeleted => f.write_str("parent comment is deleted"),
            StoreError::NotYours => f.write_str("comment belongs to another reader"),
            StoreError::EditWindowClosed { window_secs } => {
                write!(
                    f,
                    "comment is older than the edit window of {window_secs} s"
                )
            }
            StoreError::Refused(why) => f.write_str(why),
            StoreError::Database(d) => write!(f, "database error: {d}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A thread's stored metadata.
#[derive(Clone, Debug)]
pub struct ThreadRow {
    /// Database id.
    pub id: ThreadId,
    /// Normalized key.
    pub key: String,
    /// Article title.
    pub title: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Visible (not deleted) comments.
    pub comment_count: u64,
    /// A moderator closed it to new comments.
    pub locked: bool,
    /// The id of its newest live event (0 before the first).
    pub last_event: i64,
}

/// A comment's stored content, as seen by one reader.
#[derive(Clone, Debug)]
pub struct CommentRow {
    /// Comment id.
    pub id: String,
    /// Parent id.
    pub parent_id: Option<String>,
    /// Author's reader.
    pub reader_id: ReaderId,
    /// Display name.
    pub author: Option<String>,
    /// Sanitized HTML.
    pub body_html: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Last edit, microseconds since the Unix epoch.
    pub edited_at: Option<i64>,
    /// Deleted flag.
    pub deleted: bool,
    /// Up votes.
    pub upvotes: u64,
    /// Down votes.
    pub downvotes: u64,
    /// The asking reader's vote.
    pub my_vote: Vote,
    /// The author signed in through the site; stores leave it `false`, and
    /// [`crate::identity::mark_verified`] fills it in.
    pub verified: bool,
}

/// A validated, rendered comment ready to be written.
#[derive(Clone, Debug)]
pub struct InsertComment {
    /// Fresh random id.
    pub id: String,
    /// Normalized thread key; the thread is created if new.
    pub thread_key: String,
    /// Title stored when the thread is new (or had none).
    pub title: Option<String>,
    /// URL stored when the thread is new (or had none).
    pub url: Option<String>,
    /// Parent id, checked to be in the same thread and not deleted.
    pub parent_id: Option<String>,
    /// Author's reader.
    pub reader_id: ReaderId,
    /// Display name.
    pub author: Option<String>,
    /// Markdown as written.
    pub body_md: String,
    /// Sanitized HTML.
    pub body_html: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Email for reply notifications; stored, never read back by the API.
    pub email: Option<String>,
    /// Idempotency key, unique per reader.
    pub client_token: Option<String>,
    /// `visible`, or `held` under pre-moderation.
    pub status: talkback_protocol::CommentStatus,
    /// The address it was posted from, for bans (never sent by the API).
    pub ip: Option<String>,
}

/// The result of [`Store::insert_comment`].
#[derive(Clone, Debug)]
pub struct Posted {
    /// The stored comment.
    pub row: CommentRow,
    /// `false` when the reader's `client_token` was already used and nothing new was written.
    pub created: bool,
}

/// Who may change a comment until when: the edit window applied by the store.
#[derive(Clone, Copy, Debug)]
pub struct EditGrant {
    /// The reader asking for the change.
    pub reader: ReaderId,
    /// Now, in microseconds since the Unix epoch.
    pub now: i64,
    /// Length of the edit window in seconds.
    pub window_secs: u64,
}

impl EditGrant {
    /// Whether a comment created at `created_at` (microseconds) is still inside the window.
    pub fn open_for(&self, created_at: i64) -> bool {
        self.now < edit_deadline(created_at, self.window_secs)
    }
}

/// Refuses votes on a comment whose stored `status` is not `visible`: readers cannot see held,
/// hidden or rejected comments, so a vote on one would count where nobody can weigh it.
pub fn not_published(status: &str) -> Result<(), StoreError> {
    match talkback_protocol::CommentStatus::parse(status) {
        Some(talkback_protocol::CommentStatus::Visible) => Ok(()),
        Some(other) => Err(StoreError::NotPublished(other)),
        None => Err(StoreError::Database(format!(
            "unknown comment status {status:?}"
        ))),
    }
}

/// The moment (microseconds) the edit window of a comment created at `created_at` closes.
pub fn edit_deadline(created_at: i64, window_secs: u64) -> i64 {
    let window = i64::try_from(window_secs)
        .unwrap_or(i64::MAX)
        .saturating_mul(1_000_000);
    created_at.saturating_add(window)
}

/// Vote tallies of a comment after a vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tallies {
    /// Up votes.
    pub upvotes: u64,
    /// Down votes.
    pub downvotes: u64,
}

/// A comment imported as is (demo seeding, migrations from other systems).
#[derive(Clone, Debug)]
pub struct ImportComment {
    /// Comment id.
    pub id: String,
    /// Parent id; must come earlier in the batch.
    pub parent_id: Option<String>,
    /// Index into [`ImportThread::reader_token_hashes`].
    pub reader: usize,
    /// Display name.
    pub author: Option<String>,
    /// Markdown source.
    pub body_md: String,
    /// Sanitized HTML.
    pub body_html: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Deleted flag.
    pub deleted: bool,
    /// Up-vote tally to start with.
    pub upvotes: u64,
    /// Down-vote tally to start with.
    pub downvotes: u64,
}

/// A whole thread to import in one transaction.
#[derive(Clone, Debug)]
pub struct ImportThread {
    /// Normalized key.
    pub key: String,
    /// Article title.
    pub title: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Token hashes of the readers to create, one per author.
    pub reader_token_hashes: Vec<String>,
    /// Comments, parents first.
    pub comments: Vec<ImportComment>,
}

/// What changed in a thread; the event's payload is read from the comment when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A comment or reply was posted.
    Posted,
    /// A comment's body was edited.
    Edited,
    /// A comment was deleted.
    Deleted,
    /// A comment's tallies changed.
    Voted,
}

impl EventKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Posted => "posted",
            EventKind::Edited => "edited",
            EventKind::Deleted => "deleted",
            EventKind::Voted => "voted",
        }
    }

    /// Reads a stored name; `None` for a name this server does not know.
    pub fn parse(s: &str) -> Option<EventKind> {
        Some(match s {
            "posted" => EventKind::Posted,
            "edited" => EventKind::Edited,
            "deleted" => EventKind::Deleted,
            "voted" => EventKind::Voted,
            _ => return None,
        })
    }
}

/// One change of a thread. `seq` counts 1, 2, 3… per thread with no gaps, in commit order, so a
/// reader who saw up to `seq` misses nothing by asking for what came after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Position in the thread's sequence of changes.
    pub seq: i64,
    /// What happened.
    pub kind: EventKind,
    /// The comment it happened to.
    pub comment_id: String,
}

/// A nudge that a thread has new events; the events themselves are read from the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wakeup {
    /// This thread has new events.
    Thread(ThreadId),
    /// Nudges may have been lost (a reconnect to the database): every subscriber should look.
    All,
}

/// Persistent storage of readers, threads, comments and votes.
///
/// Every method that changes a comment (insert, edit, delete, vote) also records an
/// [`EventRow`] for its thread in the same transaction, and then sends a [`Wakeup`] to every
/// subscriber of [`Store::wakeups`] — on this server instance and, for a shared database, on
/// every other instance too.
#[async_trait]
pub trait Store:
    moderation::ModerationStore
    + moderation_transfer::ModerationTransfer
    + limits::LimitStore
    + identity::IdentityStore
    + notify::NotifyStore
    + Send
    + Sync
    + 'static
{
    /// A secret of this installation, stable across restarts (salts avatar seeds).
    async fn instance_secret(&self) -> Result<String, StoreError>;
    /// Stores a new reader by the SHA-256 (hex) of its token.
    async fn create_reader(&self, token_hash: String) -> Result<ReaderId, StoreError>;
    /// Finds the reader whose token hashes to `token_hash`.
    async fn find_reader(&self, token_hash: String) -> Result<Option<ReaderId>, StoreError>;
    /// The thread with this normalized key, if it exists.
    async fn thread_by_key(&self, key: String) -> Result<Option<ThreadRow>, StoreError>;
    /// The thread a comment belongs to.
    async fn thread_of_comment(&self, comment_id: String) -> Result<Option<ThreadId>, StoreError>;
    /// The thread with this id, if it exists.
    async fn thread_by_id(&self, id: ThreadId) -> Result<Option<ThreadRow>, StoreError>;
    /// The shape of every comment in a thread.
    async fn skeleton(&self, thread: ThreadId) -> Result<Vec<Node>, StoreError>;
    /// Content of the given comments (any order), with `reader`'s votes.
    async fn comments(
        &self,
        ids: Vec<String>,
        reader: Option<ReaderId>,
    ) -> Result<Vec<CommentRow>, StoreError>;
    /// Writes a comment, creating its thread if needed; with a `client_token` the reader already
    /// used, writes nothing and returns the comment stored then.
    async fn insert_comment(&self, c: InsertComment) -> Result<Posted, StoreError>;
    /// Replaces the body of the reader's own comment inside the edit window, stamping `edited_at`.
    async fn edit_comment(
        &self,
        comment_id: String,
        grant: EditGrant,
        body_md: String,
        body_html: String,
    ) -> Result<CommentRow, StoreError>;
    /// Deletes the reader's own comment inside the edit window: its content is erased, its
    /// place kept for its replies.
    async fn delete_comment(&self, comment_id: String, grant: EditGrant) -> Result<(), StoreError>;
    /// Sets (or with [`Vote::None`] withdraws) a reader's vote and returns the new tallies.
    async fn set_vote(
        &self,
        comment_id: String,
        reader: ReaderId,
        vote: Vote,
    ) -> Result<Tallies, StoreError>;
    /// Visible comment counts by normalized key; unknown keys are absent.
    async fn counts(&self, keys: Vec<String>) -> Result<HashMap<String, u64>, StoreError>;
    /// Imports a thread unless it already has comments; returns the number of comments written.
    async fn import_thread(&self, thread: ImportThread) -> Result<usize, StoreError>;
    /// Writes imported comments in one transaction; a comment whose id or source is already
    /// stored is left as it is, so an import can be run again or resumed.
    async fn import_batch(&self, batch: ImportBatch) -> Result<BatchOutcome, StoreError>;
    /// Attaches imported replies whose parent was stored after them and reports (up to
    /// `list_max` of) those whose parent is still missing, counting only comments whose source
    /// starts with `source_prefix` when one is given; they stay top-level.
    async fn link_imported(
        &self,
        source_prefix: Option<String>,
        list_max: usize,
    ) -> Result<Linking, StoreError>;
    /// Up to `limit` threads with an id above `after`, in id order.
    async fn export_threads(
        &self,
        after: ThreadId,
        limit: usize,
    ) -> Result<Vec<ExportedThread>, StoreError>;
    /// Every comment of a thread, each parent before its replies, siblings oldest first.
    async fn export_comments(&self, thread: ThreadId) -> Result<Vec<ExportedComment>, StoreError>;
    /// Events of a thread with a `seq` above `after`, oldest first, at most `limit`.
    async fn events_after(
        &self,
        thread: ThreadId,
        after: i64,
        limit: usize,
    ) -> Result<Vec<EventRow>, StoreError>;
    /// The `seq` of the thread's latest event, 0 when it has none.
    async fn last_event(&self, thread: ThreadId) -> Result<i64, StoreError>;
    /// Subscribes to nudges about new events; a lagging receiver should treat the lag as
    /// [`Wakeup::All`].
    fn wakeups(&self) -> tokio::sync::broadcast::Receiver<Wakeup>;
}
