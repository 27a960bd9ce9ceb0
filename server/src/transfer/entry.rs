//! What every format reader hands the importer: threads, comments and skipped entries, in a
//! shape that no longer depends on the file format.

use std::fmt;

use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::ModerationMode;

use crate::store::moderation::AuditRow;
use crate::store::moderation_transfer::{ExportedAccount, ExportedBan};

/// Where in the input an entry was found, for reports a person can follow to the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (XML, JSON lines), counting from 1.
    Line(u64),
    /// A row of a database table.
    Row {
        /// Table name.
        table: &'static str,
        /// The row's id.
        id: i64,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Row { table, id } => write!(f, "{table} id {id}"),
        }
    }
}

/// One thing read from the input.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A thread that comments may refer to.
    Thread(ThreadEntry),
    /// A comment.
    Comment(CommentEntry),
    /// The site's moderation mode (our own export).
    Moderation(ModerationMode),
    /// A reader's site account (our own export).
    Account(ExportedAccount),
    /// A ban in force (our own export).
    Ban(ExportedBan),
    /// An audit-log entry (our own export).
    Audit(AuditRow),
    /// An entry that cannot be imported, with the reason.
    Skipped(Skipped),
}

/// A thread as the source describes it.
#[derive(Clone, Debug, Default)]
pub struct ThreadEntry {
    /// The source's id of the thread, which comments use to refer to it.
    pub source_id: String,
    /// The article URL or identifier the thread key is derived from.
    pub key: String,
    /// Article title.
    pub title: Option<String>,
    /// Article URL when the source records it apart from the key (our own export).
    pub url: Option<String>,
    /// Creation time when the source records one (microseconds).
    pub created_at: Option<i64>,
    /// Closed to new comments (our own export).
    pub locked: bool,
}

/// How a comment's body is written in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// HTML where line breaks are layout only (Disqus).
    Html(String),
    /// HTML-ish text where line breaks are meant (WordPress: blank line = paragraph).
    TextWithTags(String),
    /// Already markdown (Isso, our own export).
    Markdown(String),
}

/// Whether a comment is shown and, if not, why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Visibility {
    /// Shown.
    Visible,
    /// Deleted at the source.
    Deleted,
    /// Marked as spam at the source.
    Spam,
    /// Waiting for moderation (or refused) at the source.
    Unapproved,
}

impl Visibility {
    /// Words for the summary.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::Deleted => "deleted at the source",
            Visibility::Spam => "marked as spam",
            Visibility::Unapproved => "not approved",
        }
    }
}

/// Who wrote a comment, as far as the source tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// Something stable per author in the source (user name, email, name); hashed into a reader.
    Key(String),
    /// The token hash of the reader in our own export.
    TokenHash(String),
}

/// A comment as the source describes it.
#[derive(Clone, Debug)]
pub struct CommentEntry {
    /// Where it is in the input.
    pub at: Location,
    /// Unique source reference (`disqus:123`); `None` when the id itself is kept.
    pub source: Option<String>,
    /// An id to keep (our own export); foreign comments get a fresh one.
    pub keep_id: Option<String>,
    /// The source id of its thread.
    pub thread: String,
    /// The parent as a source reference or kept id.
    pub parent: Option<String>,
    /// Display name.
    pub author: Option<String>,
    /// Who wrote it.
    pub identity: Identity,
    /// The text.
    pub body: Body,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Last edit, microseconds since the Unix epoch.
    pub edited_at: Option<i64>,
    /// Shown or not, and why.
    pub visibility: Visibility,
    /// Moderation status from our own export; other formats say `Visible` and express their
    /// pending and spam states through `visibility`.
    pub status: CommentStatus,
    /// Pinned to the top (our own export).
    pub pinned: bool,
    /// Up-vote tally.
    pub upvotes: u64,
    /// Down-vote tally.
    pub downvotes: u64,
    /// Email for reply notifications (only carried over from our own export).
    pub email: Option<String>,
    /// An exact copy from our own export: a deleted comment keeps whatever the export holds.
    pub restore: bool,
}

/// An entry left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Where it is in the input.
    pub at: Location,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why an entry was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A required field is missing or unreadable; the text says which.
    Malformed(String),
    /// The comment names a thread the input never defined (before it).
    UnknownThread(String),
    /// The thread key is empty or invalid after mapping.
    BadThreadKey(String),
    /// Pingbacks and trackbacks are links from other sites, not reader comments.
    Pingback,
    /// Nothing is left of the body after conversion.
    EmptyBody,
}

impl SkipReason {
    /// A short name used to group skipped entries in the summary.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Malformed(_) => "malformed",
            SkipReason::UnknownThread(_) => "unknown thread",
            SkipReason::BadThreadKey(_) => "bad thread key",
            SkipReason::Pingback => "pingback or trackback",
            SkipReason::EmptyBody => "empty body",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Malformed(m) => write!(f, "malformed: {m}"),
            SkipReason::UnknownThread(t) => {
                write!(
                    f,
                    "names thread {t}, which the file does not define before it"
                )
            }
            SkipReason::BadThreadKey(m) => write!(f, "unusable thread key: {m}"),
            SkipReason::Pingback => f.write_str("pingback or trackback, not a reader comment"),
            SkipReason::EmptyBody => f.write_str("nothing left of the body after conversion"),
        }
    }
}

impl Skipped {
    /// A malformed entry at `at`.
    pub fn malformed(at: Location, what: impl Into<String>) -> Entry {
        Entry::Skipped(Skipped {
            at,
            reason: SkipReason::Malformed(what.into()),
        })
    }
}
