//! Storage of moderation: moderators and their sessions, comment status changes with their audit
//! entries, thread locks, bans, reports and the site's moderation mode.
//!
//! Every method that changes something on a moderator's behalf writes its audit row in the same
//! transaction, so the log cannot miss an action or record one that did not happen.

use std::net::IpAddr;

use async_trait::async_trait;
use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::{
    BanKind, ModAction, ModerationMode, QueueFilter, ReportReason, Role, TargetKind,
};

use super::{ReaderId, StoreError, ThreadId, ThreadRow};

/// A moderator account.
#[derive(Clone, Debug)]
pub struct Moderator {
    /// Database id.
    pub id: i64,
    /// Sign-in name.
    pub name: String,
    /// Rights.
    pub role: Role,
    /// Argon2id hash in PHC string form.
    pub password_hash: String,
}

/// A live session and its moderator.
#[derive(Clone, Debug)]
pub struct SessionRow {
    /// Who.
    pub moderator: Moderator,
    /// When it ends, microseconds since the Unix epoch.
    pub expires_at: i64,
}

/// Who acts, why and when: what every audit entry records.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The moderator's name.
    pub name: String,
    /// The reason they gave.
    pub reason: Option<String>,
    /// Now, microseconds since the Unix epoch.
    pub now: i64,
}

/// A comment as moderators see it, with its moderation state.
#[derive(Clone, Debug)]
pub struct ModRow {
    /// Comment id.
    pub id: String,
    /// Its thread.
    pub thread_id: ThreadId,
    /// Parent id.
    pub parent_id: Option<String>,
    /// Author's reader (never sent to moderators; salts the avatar seed).
    pub reader_id: ReaderId,
    /// Display name.
    pub author: Option<String>,
    /// Sanitized HTML.
    pub body_html: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// Last edit.
    pub edited_at: Option<i64>,
    /// Moderation status.
    pub status: CommentStatus,
    /// Deleted (content erased).
    pub deleted: bool,
    /// Pinned to the top.
    pub pinned: bool,
    /// Up votes.
    pub upvotes: u64,
    /// Down votes.
    pub downvotes: u64,
}

/// The columns [`ModRow`] is read from, in order (alias `c` for comments).
pub const MOD_COLUMNS: &str = "c.id, c.thread_id, c.parent_id, c.reader_id, c.author, c.body_html,
     c.created_at, c.edited_at, c.status, c.deleted, c.pinned, c.upvotes, c.downvotes";

/// One open report.
#[derive(Clone, Debug)]
pub struct ReportRow {
    /// Why.
    pub reason: ReportReason,
    /// The reader's note.
    pub note: Option<String>,
    /// When, microseconds.
    pub created_at: i64,
}

/// What the queue asks for.
#[derive(Clone, Debug)]
pub struct QueueSelect {
    /// Which comments.
    pub filter: QueueFilter,
    /// Only this normalized thread key.
    pub thread: Option<String>,
    /// Only this display name.
    pub author: Option<String>,
    /// Continue strictly before this (created_at, id).
    pub before: Option<(i64, String)>,
    /// At most this many.
    pub limit: usize,
}

/// One queue entry.
#[derive(Clone, Debug)]
pub struct QueueRow {
    /// The comment.
    pub comment: ModRow,
    /// Open reports.
    pub report_count: u64,
    /// The newest open reports (at most [`REPORTS_SHOWN`]).
    pub reports: Vec<ReportRow>,
}

/// Most reports listed per queue item.
pub const REPORTS_SHOWN: usize = 20;

/// What a new ban applies to.
#[derive(Clone, Debug)]
pub enum BanTarget {
    /// The reader who wrote this comment.
    AuthorOf(String),
    /// The address this comment was posted from.
    AddressOf(String),
    /// A range, already checked and written in canonical CIDR form.
    Range(String),
}

/// A ban.
#[derive(Clone, Debug)]
pub struct BanRow {
    /// Ban id.
    pub id: i64,
    /// Reader or range.
    pub kind: BanKind,
    /// The banned reader.
    pub reader_id: Option<ReaderId>,
    /// The comment the ban was made from.
    pub comment_id: Option<String>,
    /// The banned range (CIDR).
    pub ip_range: Option<String>,
    /// Whether moderators may see the range: `false` when it is a reader's own address, taken
    /// from their comment.
    pub range_shown: bool,
    /// Who made it.
    pub created_by: String,
    /// When, microseconds.
    pub created_at: i64,
    /// When it ends, microseconds; `None` for good.
    pub expires_at: Option<i64>,
    /// Why.
    pub reason: Option<String>,
}

impl BanRow {
    /// Whether this ban stops `reader` posting from `ip`.
    pub fn applies(&self, reader: ReaderId, ip: Option<IpAddr>) -> bool {
        match self.kind {
            BanKind::Reader => self.reader_id == Some(reader),
            BanKind::IpRange => match (ip, self.ip_range.as_deref().and_then(Cidr::parse)) {
                (Some(ip), Some(range)) => range.contains(ip),
                _ => false,
            },
        }
    }
}

/// One line of the audit log.
#[derive(Clone, Debug)]
pub struct AuditRow {
    /// Increasing id.
    pub id: i64,
    /// Who.
    pub moderator: String,
    /// What.
    pub action: ModAction,
    /// On what kind of thing.
    pub target_kind: TargetKind,
    /// Comment id, thread key, ban id or setting name.
    pub target: String,
    /// Details.
    pub detail: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// When, microseconds.
    pub created_at: i64,
}

/// Storage of everything moderators do. Implemented by both stores.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    /// Adds a moderator; refuses a name that is taken.
    async fn create_moderator(
        &self,
        name: String,
        password_hash: String,
        role: Role,
    ) -> Result<(), StoreError>;
    /// The moderator with this name.
    async fn moderator(&self, name: String) -> Result<Option<Moderator>, StoreError>;
    /// Failed sign-ins for `name` since `since` (microseconds).
    async fn sign_in_failures(&self, name: String, since: i64) -> Result<u64, StoreError>;
    /// Records a failed sign-in for `name` (and forgets those older than a day).
    async fn record_sign_in_failure(&self, name: String, at: i64) -> Result<(), StoreError>;
    /// Stores a session by the SHA-256 (hex) of its token.
    async fn create_session(
        &self,
        token_hash: String,
        moderator: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The session with this token hash, if it has not expired at `now`.
    async fn session(&self, token_hash: String, now: i64)
    -> Result<Option<SessionRow>, StoreError>;
    /// Ends a session; `false` when there was none.
    async fn end_session(&self, token_hash: String) -> Result<bool, StoreError>;
    /// The site's moderation mode (post-moderation when never set).
    async fn moderation_mode(&self) -> Result<ModerationMode, StoreError>;
    /// Sets the mode; with an actor the change is audited.
    async fn set_moderation_mode(
        &self,
        mode: ModerationMode,
        actor: Option<Actor>,
    ) -> Result<(), StoreError>;
    /// Applies a comment action with its audit entry (and its live event, when readers' view
    /// changes). `ban_until` is the end of a `ban_author` / `ban_ip` ban.
    async fn moderate(
        &self,
        comment_id: String,
        action: ModAction,
        actor: Actor,
        ban_until: Option<i64>,
    ) -> Result<ModRow, StoreError>;
    /// Locks or unlocks a thread; `None` when no thread has this key.
    async fn lock_thread(
        &self,
        key: String,
        locked: bool,
        actor: Actor,
    ) -> Result<Option<ThreadRow>, StoreError>;
    /// Whether the thread with this key is locked (unknown threads are not).
    async fn thread_locked(&self, key: String) -> Result<bool, StoreError>;
    /// Makes a ban.
    async fn ban(
        &self,
        target: BanTarget,
        until: Option<i64>,
        actor: Actor,
    ) -> Result<BanRow, StoreError>;
    /// Lifts a ban in force; `false` when there is none with this id.
    async fn lift_ban(&self, id: i64, actor: Actor) -> Result<bool, StoreError>;
    /// The bans in force at `now`, newest first.
    async fn bans(&self, now: i64) -> Result<Vec<BanRow>, StoreError>;
    /// Stores (or replaces) a reader's report of a visible comment.
    async fn report(
        &self,
        comment_id: String,
        reader: ReaderId,
        reason: ReportReason,
        note: Option<String>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// A page of the moderation queue, newest first.
    async fn queue(&self, select: QueueSelect) -> Result<Vec<QueueRow>, StoreError>;
    /// The given comments as moderators see them (any order; unknown ids are left out).
    async fn mod_comments(&self, ids: Vec<String>) -> Result<Vec<ModRow>, StoreError>;
    /// Audit entries with an id below `before` (all when `None`), newest first.
    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError>;

    /// The ban in force that stops `reader` posting from `ip`, if any.
    async fn ban_of(
        &self,
        reader: ReaderId,
        ip: Option<IpAddr>,
        now: i64,
    ) -> Result<Option<BanRow>, StoreError> {
        Ok(self
            .bans(now)
            .await?
            .into_iter()
            .find(|b| b.applies(reader, ip)))
    }
}

/// What an action needs the comment to be, and what it makes of it: `(new status, new pinned)`,
/// or why the action does not fit. Both stores apply the same rules through this.
pub fn transition(row: &ModRow, action: ModAction) -> Result<(CommentStatus, bool), StoreError> {
    let refuse = |why: &str| Err(StoreError::Refused(why.to_owned()));
    if row.deleted && action != ModAction::Dismiss {
        return refuse("This comment was deleted; there is nothing left to moderate.");
    }
    match action {
        ModAction::Approve if row.status == CommentStatus::Held => {
            Ok((CommentStatus::Visible, row.pinned))
        }
        ModAction::Approve => refuse("Only comments held for approval can be approved."),
        ModAction::Reject if row.status == CommentStatus::Held => {
            Ok((CommentStatus::Rejected, false))
        }
        ModAction::Reject => {
            refuse("Only comments held for approval can be rejected; hide a visible one instead.")
        }
        ModAction::Hide if row.status == CommentStatus::Visible => {
            Ok((CommentStatus::Hidden, false))
        }
        ModAction::Hide => refuse("Only visible comments can be hidden."),
        ModAction::Restore
            if matches!(row.status, CommentStatus::Hidden | CommentStatus::Rejected) =>
        {
            Ok((CommentStatus::Visible, false))
        }
        ModAction::Restore => refuse("Only hidden or rejected comments can be restored."),
        ModAction::Pin if row.parent_id.is_some() => {
            refuse("Only top-level comments can be pinned, not replies.")
        }
        ModAction::Pin if row.status != CommentStatus::Visible => {
            refuse("Only visible comments can be pinned.")
        }
        ModAction::Pin => Ok((row.status, true)),
        ModAction::Unpin => Ok((row.status, false)),
        ModAction::Delete | ModAction::Dismiss | ModAction::BanAuthor | ModAction::BanIp => {
            Ok((row.status, row.pinned))
        }
        ModAction::Lock
        | ModAction::Unlock
        | ModAction::Ban
        | ModAction::Unban
        | ModAction::Settings => refuse("This action is not done on comments."),
    }
}

/// How a ban reads in the audit log.
pub fn ban_detail(range: Option<&str>, until: Option<i64>) -> String {
    let end = until.map_or("for good".to_owned(), |u| {
        format!("until {}", crate::clock::rfc3339(u))
    });
    match range {
        Some(r) => format!("{r} {end}"),
        None => end,
    }
}

/// An address range: a network address and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Reads `203.0.113.0/24`, `2001:db8::/32` or a single address; host bits are cleared.
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, p.parse::<u8>().ok()?),
            None => {
                let a = s.parse::<IpAddr>().ok()?;
                (a, if a.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then(|| Cidr {
            addr: mask(addr, prefix),
            prefix,
        })
    }

    /// The range of exactly one address.
    pub fn single(addr: IpAddr) -> Cidr {
        Cidr {
            addr,
            prefix: if addr.is_ipv4() { 32 } else { 128 },
        }
    }

    /// Whether `ip` lies in the range (an IPv4 address also matches as IPv4-mapped IPv6).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn mask(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let m = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let m = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((bits & m).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_v4_and_v6() {
        let r = Cidr::parse("203.0.113.77/24").expect("v4");
        assert_eq!(r.to_string(), "203.0.113.0/24");
        assert!(r.contains("203.0.113.5".parse().expect("ip")));
        assert!(!r.contains("203.0.114.5".parse().expect("ip")));
        assert!(r.contains("::ffff:203.0.113.9".parse().expect("mapped")));
        let r6 = Cidr::parse("2001:db8::/32").expect("v6");
        assert!(r6.contains("2001:db8:1::1".parse().expect("ip")));
        assert!(!r6.contains("2001:db9::1".parse().expect("ip")));
        assert!(!r6.contains("203.0.113.5".parse().expect("ip")));
        assert_eq!(
            Cidr::parse("198.51.100.7").map(|c| c.to_string()),
            Some("198.51.100.7/32".to_owned())
        );
        assert!(
            Cidr::parse("0.0.0.0/0").is_some_and(|c| c.contains("8.8.8.8".parse().expect("ip")))
        );
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("not an address"), None);
    }
}
