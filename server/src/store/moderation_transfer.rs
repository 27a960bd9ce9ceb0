//! Exports and imports of the moderation state that lives beside comments: bans in force, the
//! audit log and the link between readers and their site accounts.
//!
//! Rows travel without database ids: readers are named by their token hash (as comments are in
//! the export), so a ban or an account follows its reader to another server, and each import
//! skips rows it already holds, so restoring the same file twice writes nothing twice.

use async_trait::async_trait;
use talkback_protocol::moderation::BanKind;

use super::StoreError;
use super::moderation::AuditRow;

/// A ban as exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedBan {
    /// Reader or range.
    pub kind: BanKind,
    /// Token hash of the banned reader.
    pub reader_key: Option<String>,
    /// The comment the ban was made from (informational; it may not exist on the target).
    pub comment_id: Option<String>,
    /// The banned range (CIDR).
    pub ip_range: Option<String>,
    /// Whether moderators may see the range (not when it is a reader's own address).
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

/// A reader who signs in through the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedAccount {
    /// The reader's stored token hash (`sso:…`).
    pub reader_key: String,
    /// The site's account id.
    pub external_id: String,
}

/// Moving moderation state in and out. Implemented by both stores.
#[async_trait]
pub trait ModerationTransfer: Send + Sync {
    /// Bans in force at `now` (not lifted, not expired), oldest first.
    async fn export_bans(&self, now: i64) -> Result<Vec<ExportedBan>, StoreError>;
    /// Audit entries with an id above `after`, oldest first, at most `limit`.
    async fn export_audit(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError>;
    /// Site-account readers with a database id above `after`, in id order, at most `limit`,
    /// each with its id to continue from.
    async fn export_accounts(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ExportedAccount)>, StoreError>;
    /// Stores the bans not already there (same kind, reader or range, and creation time);
    /// a banned reader not known yet is created. Returns how many were new.
    async fn import_bans(&self, bans: Vec<ExportedBan>) -> Result<u64, StoreError>;
    /// Appends the audit entries not already there (same moderator, action, target and time)
    /// in the given order, with this database's ids. Returns how many were new.
    async fn import_audit(&self, entries: Vec<AuditRow>) -> Result<u64, StoreError>;
    /// Links readers to their site accounts, creating readers not known yet; a pair whose
    /// token hash is not the one the account's readers get is skipped (it could not be the
    /// same reader). Returns how many links were new.
    async fn import_accounts(&self, accounts: Vec<ExportedAccount>) -> Result<u64, StoreError>;
}

/// How bans name their kind in the database.
pub fn kind_name(kind: BanKind) -> &'static str {
    match kind {
        BanKind::Reader => "reader",
        BanKind::IpRange => "ip_range",
    }
}

/// A stored ban kind (the stores write only the two names of [`kind_name`]).
pub fn ban_kind(stored: &str) -> BanKind {
    if stored == "reader" {
        BanKind::Reader
    } else {
        BanKind::IpRange
    }
}

/// Whether `account` may be linked: its token hash is the one sign-in gives the account.
pub fn consistent(account: &ExportedAccount) -> bool {
    account.reader_key == super::identity::account_token_hash(&account.external_id)
}
