//! The moderation state in our own export beside threads and comments — site accounts, bans
//! in force and the audit log: lines written by [`crate::transfer::export`], entries read back
//! and written in batches on import.

use super::TransferError;
use super::entry::{Entry, Location, Skipped};
use super::jsonl::Line;
use super::summary::ImportSummary;
use super::times::{format_exact, parse_timestamp};
use crate::store::Store;
use crate::store::moderation::AuditRow;
use crate::store::moderation_transfer::{ExportedAccount, ExportedBan};

/// Rows written per store call.
const BATCH: usize = 1_000;

/// The line of a site account.
pub fn account_line(a: ExportedAccount) -> Line {
    Line::Account {
        reader: a.reader_key,
        account: a.external_id,
    }
}

/// The line of a ban.
pub fn ban_line(b: ExportedBan) -> Line {
    Line::Ban {
        kind: b.kind,
        reader: b.reader_key,
        comment: b.comment_id,
        ip_range: b.ip_range,
        range_shown: b.range_shown,
        created_by: b.created_by,
        created_at: format_exact(b.created_at),
        expires_at: b.expires_at.map(format_exact),
        reason: b.reason,
    }
}

/// The line of an audit entry.
pub fn audit_line(e: AuditRow) -> Line {
    Line::Audit {
        moderator: e.moderator,
        action: e.action,
        target_kind: e.target_kind,
        target: e.target,
        detail: e.detail,
        reason: e.reason,
        created_at: format_exact(e.created_at),
    }
}

/// The entry of an `account`, `ban` or `audit` line, or why it cannot be used.
pub fn entry(at: Location, line: Line) -> Entry {
    match line {
        Line::Account { reader, account } => Entry::Account(ExportedAccount {
            reader_key: reader,
            external_id: account,
        }),
        Line::Ban {
            kind,
            reader,
            comment,
            ip_range,
            range_shown,
            created_by,
            created_at,
            expires_at,
            reason,
        } => {
            let Some(created_at) = parse_timestamp(&created_at) else {
                return Skipped::malformed(
                    at,
                    format!("ban: created_at {created_at:?} is not RFC 3339"),
                );
            };
            let expires = match expires_at.as_deref().map(parse_timestamp) {
                None => None,
                Some(Some(t)) => Some(t),
                Some(None) => {
                    return Skipped::malformed(at, "ban: expires_at is not RFC 3339");
                }
            };
            if reader.is_none() && ip_range.is_none() {
                return Skipped::malformed(at, "ban names neither a reader nor an address range");
            }
            Entry::Ban(ExportedBan {
                kind,
                reader_key: reader,
                comment_id: comment,
                ip_range,
                range_shown,
                created_by,
                created_at,
                expires_at: expires,
                reason,
            })
        }
        Line::Audit {
            moderator,
            action,
            target_kind,
            target,
            detail,
            reason,
            created_at,
        } => match parse_timestamp(&created_at) {
            Some(created_at) => Entry::Audit(AuditRow {
                id: 0,
                moderator,
                action,
                target_kind,
                target,
                detail,
                reason,
                created_at,
            }),
            None => Skipped::malformed(
                at,
                format!("audit: created_at {created_at:?} is not RFC 3339"),
            ),
        },
        _ => Skipped::malformed(at, "not a moderation line"),
    }
}

/// Moderation entries read and not yet written.
#[derive(Default)]
pub struct Pending {
    accounts: Vec<ExportedAccount>,
    bans: Vec<ExportedBan>,
    audit: Vec<AuditRow>,
}

impl Pending {
    /// Keeps a moderation entry; returns the entry back when it is of another kind.
    pub fn take(&mut self, entry: Entry) -> Option<Entry> {
        match entry {
            Entry::Account(a) => self.accounts.push(a),
            Entry::Ban(b) => self.bans.push(b),
            Entry::Audit(e) => self.audit.push(e),
            other => return Some(other),
        }
        None
    }

    /// Writes what is waiting once a batch is full, or everything when `all`.
    pub async fn flush(
        &mut self,
        store: &dyn Store,
        summary: &mut ImportSummary,
        all: bool,
    ) -> Result<(), TransferError> {
        if all || self.accounts.len() >= BATCH {
            let accounts = std::mem::take(&mut self.accounts);
            if !accounts.is_empty() {
                summary.accounts += store.import_accounts(accounts).await?;
            }
        }
        if all || self.bans.len() >= BATCH {
            let bans = std::mem::take(&mut self.bans);
            if !bans.is_empty() {
                summary.bans += store.import_bans(bans).await?;
            }
        }
        if all || self.audit.len() >= BATCH {
            let audit = std::mem::take(&mut self.audit);
            if !audit.is_empty() {
                summary.audit += store.import_audit(audit).await?;
            }
        }
        Ok(())
    }
}
