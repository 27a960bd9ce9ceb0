//! Moderation: what readers see of it (comment status, pins, locked threads, reports) and the
//! admin API of the reference server (sessions, queue, actions, bans, audit log, settings).
//!
//! The admin routes are a feature of `talkback-server`, not part of what a third-party backend
//! must implement: they are listed in [`crate::routes::OPTIONAL`]. Moderators never see reader
//! tokens, email addresses or IP addresses; they act on comments, and the server finds the
//! reader or address behind one.

use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::wire::{CommentId, Cursor, ThreadInfo};

/// Where a comment stands in moderation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    /// Shown to everyone.
    #[default]
    Visible,
    /// Waiting for a moderator (pre-moderation); only its author sees it.
    Held,
    /// Taken down by a moderator; can be restored.
    Hidden,
    /// Refused while held; can be restored.
    Rejected,
}

impl CommentStatus {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Held => "held",
            CommentStatus::Hidden => "hidden",
            CommentStatus::Rejected => "rejected",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            CommentStatus::Visible,
            CommentStatus::Held,
            CommentStatus::Hidden,
            CommentStatus::Rejected,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Why a reader reports a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Advertising or link spam.
    Spam,
    /// Insults, harassment, hate.
    Abuse,
    /// Not about the article.
    OffTopic,
    /// Anything else; the note says what.
    Other,
}

impl ReportReason {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Abuse => "abuse",
            ReportReason::OffTopic => "off_topic",
            ReportReason::Other => "other",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ReportReason::Spam,
            ReportReason::Abuse,
            ReportReason::OffTopic,
            ReportReason::Other,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Body of `POST /api/v1/comments/{id}/report`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRequest {
    /// Why the comment should be looked at.
    pub reason: ReportReason,
    /// Free text for the moderators (at most `REPORT_NOTE_MAX_CHARS` characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// A moderator's rights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything a moderator may do, plus the site settings.
    Admin,
    /// Acts on comments, threads and bans.
    Moderator,
}

impl Role {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        [Role::Admin, Role::Moderator]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Body of `POST /api/v1/admin/session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// The moderator's name.
    pub name: String,
    /// The moderator's password.
    pub password: String,
}

/// Response of `POST /api/v1/admin/session`: a new moderator session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Send as `Authorization: Moderator <token>` (the same token is also set as a cookie).
    pub token: String,
    /// The moderator signed in.
    pub name: String,
    /// Their rights.
    pub role: Role,
    /// When the session ends, RFC 3339 in UTC.
    pub expires_at: String,
}

/// Response of `GET /api/v1/admin/session`: who is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The moderator signed in.
    pub name: String,
    /// Their rights.
    pub role: Role,
    /// When the session ends, RFC 3339 in UTC.
    pub expires_at: String,
}

/// When new comments appear.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationMode {
    /// Post-moderation: new comments are visible at once.
    #[default]
    Post,
    /// Pre-moderation: new comments are held until a moderator approves them.
    Pre,
}

impl ModerationMode {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationMode::Post => "post",
            ModerationMode::Pre => "pre",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        [ModerationMode::Post, ModerationMode::Pre]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Body and response of `GET`/`PUT /api/v1/admin/settings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// Pre- or post-moderation of new comments.
    pub moderation: ModerationMode,
}

/// Which comments the queue lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueFilter {
    /// Held for approval.
    #[default]
    Held,
    /// Reported by readers and not dismissed, whatever their status.
    Reported,
    /// Hidden or rejected.
    Hidden,
    /// Every comment that is not deleted.
    All,
}

/// Query of `GET /api/v1/admin/queue`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    /// Which comments (default `held`).
    pub status: Option<QueueFilter>,
    /// Only this thread (a thread key, normalized by the server).
    pub thread: Option<String>,
    /// Only comments posted under this display name (exact).
    pub author: Option<String>,
    /// Cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page (1–100, default 50).
    pub limit: Option<u32>,
}

/// A comment as a moderator sees it: every status, nothing that identifies the reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModComment {
    /// Comment id.
    pub id: CommentId,
    /// The comment it replies to.
    pub parent_id: Option<CommentId>,
    /// Display name; `null` for a guest or a deleted comment.
    pub author: Option<String>,
    /// Identicon seed, as readers see it.
    pub avatar_seed: String,
    /// Sanitized HTML; empty when deleted.
    pub body_html: String,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: String,
    /// Last edit, RFC 3339 in UTC.
    pub edited_at: Option<String>,
    /// Where it stands in moderation.
    pub status: CommentStatus,
    /// Deleted by its author or a moderator (content erased).
    pub deleted: bool,
    /// Pinned to the top of its thread.
    pub pinned: bool,
    /// `upvotes - downvotes`.
    pub score: i64,
}

/// Reports on one comment, by reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInfo {
    /// Why.
    pub reason: ReportReason,
    /// The reader's note.
    pub note: Option<String>,
    /// When, RFC 3339 in UTC.
    pub created_at: String,
}

/// One comment of the queue, in place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// The comment.
    pub comment: ModComment,
    /// Its thread (with key, title and URL to open the article).
    pub thread: ThreadInfo,
    /// Its ancestors, top-level comment first, so it can be read in place.
    pub context: Vec<ModComment>,
    /// Open (not dismissed) reports.
    pub report_count: u64,
    /// The open reports, newest first (at most 20).
    pub reports: Vec<ReportInfo>,
}

/// Response of `GET /api/v1/admin/queue`: newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    /// The comments.
    pub items: Vec<QueueItem>,
    /// Present when more items exist.
    pub next_cursor: Option<Cursor>,
}

/// Everything a moderator can do; also the `action` of an audit entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModAction {
    /// Make a held comment visible (publishes it live).
    Approve,
    /// Refuse a held comment.
    Reject,
    /// Take a visible comment down.
    Hide,
    /// Make a hidden or rejected comment visible again.
    Restore,
    /// Erase a comment's content, as if its author deleted it (cannot be undone).
    Delete,
    /// Put a top-level comment first in every order.
    Pin,
    /// Undo a pin.
    Unpin,
    /// Clear a comment's reports without acting on it.
    Dismiss,
    /// Ban the reader who wrote the comment (for `ban_secs`, or forever).
    BanAuthor,
    /// Ban the address the comment was posted from (for `ban_secs`, or forever).
    BanIp,
    /// Close a thread to new comments (audit only; use the lock route).
    Lock,
    /// Open a locked thread again (audit only; use the lock route).
    Unlock,
    /// A ban made on the bans route (audit only).
    Ban,
    /// A ban lifted (audit only).
    Unban,
    /// Site settings changed (audit only).
    Settings,
}

impl ModAction {
    /// Every action.
    pub const ALL: [ModAction; 15] = [
        ModAction::Approve,
        ModAction::Reject,
        ModAction::Hide,
        ModAction::Restore,
        ModAction::Delete,
        ModAction::Pin,
        ModAction::Unpin,
        ModAction::Dismiss,
        ModAction::BanAuthor,
        ModAction::BanIp,
        ModAction::Lock,
        ModAction::Unlock,
        ModAction::Ban,
        ModAction::Unban,
        ModAction::Settings,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModAction::Approve => "approve",
            ModAction::Reject => "reject",
            ModAction::Hide => "hide",
            ModAction::Restore => "restore",
            ModAction::Delete => "delete",
            ModAction::Pin => "pin",
            ModAction::Unpin => "unpin",
            ModAction::Dismiss => "dismiss",
            ModAction::BanAuthor => "ban_author",
            ModAction::BanIp => "ban_ip",
            ModAction::Lock => "lock",
            ModAction::Unlock => "unlock",
            ModAction::Ban => "ban",
            ModAction::Unban => "unban",
            ModAction::Settings => "settings",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        ModAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether `POST /api/v1/admin/actions` takes this action (the others have their own routes).
    pub fn on_comments(self) -> bool {
        !matches!(
            self,
            ModAction::Lock
                | ModAction::Unlock
                | ModAction::Ban
                | ModAction::Unban
                | ModAction::Settings
        )
    }
}

/// Body of `POST /api/v1/admin/actions`: one action on one or more comments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRequest {
    /// What to do.
    pub action: ModAction,
    /// The comments (1–100).
    pub ids: Vec<CommentId>,
    /// Why, for the audit log (at most `REASON_MAX_CHARS` characters).
    #[serde(default)]
    pub reason: Option<String>,
    /// For `ban_author` and `ban_ip`: how long, in seconds; absent bans for good.
    #[serde(default)]
    pub ban_secs: Option<u64>,
}

/// The outcome of an action on one comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResult {
    /// The comment.
    pub id: CommentId,
    /// The comment after the action; `null` when it failed.
    pub comment: Option<ModComment>,
    /// Why it failed; `null` when it worked.
    pub error: Option<ApiError>,
}

/// Response of `POST /api/v1/admin/actions`, in the order of `ids`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResults {
    /// One result per id.
    pub results: Vec<ActionResult>,
}

/// Body of `POST /api/v1/admin/threads/lock`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRequest {
    /// Thread key (normalized by the server).
    pub thread: String,
    /// `true` closes the thread to new comments, `false` opens it again.
    pub locked: bool,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Body of `POST /api/v1/admin/bans`: give exactly one of `comment_id` (bans its author) and
/// `ip_range`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBan {
    /// Ban the reader who wrote this comment.
    #[serde(default)]
    pub comment_id: Option<CommentId>,
    /// Ban an address range in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`) or one address.
    #[serde(default)]
    pub ip_range: Option<String>,
    /// How long, in seconds; absent bans for good.
    #[serde(default)]
    pub duration_secs: Option<u64>,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a ban applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BanKind {
    /// A reader (the author of `comment_id`).
    Reader,
    /// An address range.
    IpRange,
}

/// A ban.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    /// Ban id, for lifting it.
    pub id: String,
    /// Reader or address range.
    pub kind: BanKind,
    /// The comment the reader ban was made from.
    pub comment_id: Option<CommentId>,
    /// The banned range in CIDR notation.
    pub ip_range: Option<String>,
    /// The moderator who made it.
    pub created_by: String,
    /// When, RFC 3339 in UTC.
    pub created_at: String,
    /// When it ends, RFC 3339 in UTC; `null` for good.
    pub expires_at: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// Response of `GET /api/v1/admin/bans`: the bans in force, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanList {
    /// The bans.
    pub bans: Vec<Ban>,
}

/// Response of `GET /api/v1/admin/farming`: address ranges asking for many new reader tokens,
/// so moderators can spot token farming without reading the server's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmingReport {
    /// New reader tokens one range may get per hour; `null` when the ceiling is off.
    pub ceiling: Option<u64>,
    /// Ranges at or above half the ceiling this hour, or refused tokens today; busiest first.
    pub ranges: Vec<FarmingRange>,
}

/// One address range in a [`FarmingReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmingRange {
    /// The range: a /24 for IPv4, a /56 for IPv6.
    pub range: String,
    /// New reader tokens it asked for in the current clock hour, refused ones included.
    pub new_readers: u64,
    /// Requests refused over the ceiling in the current UTC day.
    pub refused_today: u64,
    /// True when it is over the ceiling this hour (its requests are being refused).
    pub over: bool,
}

/// What an audit entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A comment (`target` is its id).
    Comment,
    /// A thread (`target` is its key).
    Thread,
    /// A ban (`target` is the ban id).
    Ban,
    /// The site settings (`target` is the setting's name).
    Settings,
}

impl TargetKind {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Comment => "comment",
            TargetKind::Thread => "thread",
            TargetKind::Ban => "ban",
            TargetKind::Settings => "settings",
        }
    }

    /// Reads a wire or database name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TargetKind::Comment,
            TargetKind::Thread,
            TargetKind::Ban,
            TargetKind::Settings,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Entry id (increasing).
    pub id: u64,
    /// The moderator who acted.
    pub moderator: String,
    /// What they did.
    pub action: ModAction,
    /// What it was done to.
    pub target_kind: TargetKind,
    /// Comment id, thread key, ban id or setting name.
    pub target: String,
    /// Details: the new setting, the banned range, the ban's end.
    pub detail: Option<String>,
    /// Why, as the moderator wrote it.
    pub reason: Option<String>,
    /// When, RFC 3339 in UTC.
    pub created_at: String,
}

/// Query of `GET /api/v1/admin/audit`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Entries per page (1–100, default 50).
    pub limit: Option<u32>,
}

/// Response of `GET /api/v1/admin/audit`: newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Present when older entries exist.
    pub next_cursor: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in ModAction::ALL {
            assert_eq!(ModAction::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_value(a).ok(),
                Some(serde_json::Value::String(a.as_str().to_owned()))
            );
        }
        for s in ["visible", "held", "hidden", "rejected"] {
            assert_eq!(CommentStatus::parse(s).map(CommentStatus::as_str), Some(s));
        }
        assert_eq!(
            ReportReason::parse("off_topic"),
            Some(ReportReason::OffTopic)
        );
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(ModerationMode::parse("pre"), Some(ModerationMode::Pre));
    }
}
