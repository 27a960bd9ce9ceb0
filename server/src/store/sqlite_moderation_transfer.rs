//! [`ModerationTransfer`] on SQLite.

use async_trait::async_trait;
use rusqlite::{Connection, TransactionBehavior, params};
use talkback_protocol::moderation::{ModAction, TargetKind};

use super::moderation::AuditRow;
use super::moderation_transfer::{
    ExportedAccount, ExportedBan, ModerationTransfer, ban_kind, consistent, kind_name,
};
use super::sqlite::SqliteStore;
use super::{ReaderId, StoreError};
use crate::clock::now_micros;

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// The reader stored under `token_hash`, created when new.
fn reader_by_hash(conn: &Connection, token_hash: &str) -> Result<ReaderId, StoreError> {
    Ok(conn.query_row(
        "INSERT INTO readers (token_hash, created_at) VALUES (?1, ?2)
         ON CONFLICT (token_hash) DO UPDATE SET token_hash = excluded.token_hash
         RETURNING id",
        params![token_hash, now_micros()],
        |r| r.get(0),
    )?)
}

#[async_trait]
impl ModerationTransfer for SqliteStore {
    async fn export_bans(&self, now: i64) -> Result<Vec<ExportedBan>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT b.kind, r.token_hash, b.comment_id, b.ip_range, b.range_shown,
                        b.created_by, b.created_at, b.expires_at, b.reason
                 FROM bans b LEFT JOIN readers r ON r.id = b.reader_id
                 WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > ?1)
                 ORDER BY b.id",
            )?;
            let rows = stmt.query_map([now], |r| {
                Ok(ExportedBan {
                    kind: ban_kind(&r.get::<_, String>(0)?),
                    reader_key: r.get(1)?,
                    comment_id: r.get(2)?,
                    ip_range: r.get(3)?,
                    range_shown: r.get(4)?,
                    created_by: r.get(5)?,
                    created_at: r.get(6)?,
                    expires_at: r.get(7)?,
                    reason: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn export_audit(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, moderator, action, target_kind, target, detail, reason, created_at
                 FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, limit_of(limit)], |r| {
                let action: String = r.get(2)?;
                let kind: String = r.get(3)?;
                Ok((
                    ModAction::parse(&action),
                    TargetKind::parse(&kind),
                    AuditRow {
                        id: r.get(0)?,
                        moderator: r.get(1)?,
                        action: ModAction::Settings,
                        target_kind: TargetKind::Settings,
                        target: r.get(4)?,
                        detail: r.get(5)?,
                        reason: r.get(6)?,
                        created_at: r.get(7)?,
                    },
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                // An entry this server cannot name (written by a newer one) is left out rather
                // than exported under a wrong action.
                if let (Some(action), Some(target_kind), row) = row? {
                    out.push(AuditRow {
                        action,
                        target_kind,
                        ..row
                    });
                }
            }
            Ok(out)
        })
        .await
    }

    async fn export_accounts(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ExportedAccount)>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, token_hash, external_id FROM readers
                 WHERE external_id IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, limit_of(limit)], |r| {
                Ok((
                    r.get(0)?,
                    ExportedAccount {
                        reader_key: r.get(1)?,
                        external_id: r.get(2)?,
                    },
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn import_bans(&self, bans: Vec<ExportedBan>) -> Result<u64, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut written = 0;
            for b in bans {
                let reader = match &b.reader_key {
                    Some(key) => Some(reader_by_hash(&tx, key)?),
                    None => None,
                };
                written += tx.execute(
                    "INSERT INTO bans (kind, reader_id, comment_id, ip_range, range_shown,
                                       created_by, created_at, expires_at, reason)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                     WHERE NOT EXISTS (SELECT 1 FROM bans WHERE kind = ?1 AND reader_id IS ?2
                                       AND ip_range IS ?4 AND created_at = ?7)",
                    params![
                        kind_name(b.kind),
                        reader,
                        b.comment_id,
                        b.ip_range,
                        b.range_shown,
                        b.created_by,
                        b.created_at,
                        b.expires_at,
                        b.reason
                    ],
                )? as u64;
            }
            tx.commit()?;
            Ok(written)
        })
        .await
    }

    async fn import_audit(&self, entries: Vec<AuditRow>) -> Result<u64, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut written = 0;
            for e in entries {
                written += tx.execute(
                    "INSERT INTO audit_log (moderator, action, target_kind, target, detail, reason,
                                            created_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
                     WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE moderator = ?1
                                       AND action = ?2 AND target = ?4 AND created_at = ?7)",
                    params![
                        e.moderator,
                        e.action.as_str(),
                        e.target_kind.as_str(),
                        e.target,
                        e.detail,
                        e.reason,
                        e.created_at
                    ],
                )? as u64;
            }
            tx.commit()?;
            Ok(written)
        })
        .await
    }

    async fn import_accounts(&self, accounts: Vec<ExportedAccount>) -> Result<u64, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut written = 0;
            for a in accounts.iter().filter(|a| consistent(a)) {
                written += tx.execute(
                    "INSERT INTO readers (token_hash, created_at, external_id) VALUES (?1, ?2, ?3)
                     ON CONFLICT (token_hash) DO UPDATE SET external_id = excluded.external_id
                         WHERE readers.external_id IS NULL",
                    params![a.reader_key, now_micros(), a.external_id],
                )? as u64;
            }
            tx.commit()?;
            Ok(written)
        })
        .await
    }
}
