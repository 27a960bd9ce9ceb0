//! [`ModerationTransfer`] on PostgreSQL, with the same rules as SQLite's.

use async_trait::async_trait;
use talkback_protocol::moderation::{ModAction, TargetKind};

use super::{PostgresStore, col, db_error};
use crate::clock::now_micros;
use crate::store::StoreError;
use crate::store::moderation::AuditRow;
use crate::store::moderation_transfer::{
    ExportedAccount, ExportedBan, ModerationTransfer, ban_kind, consistent, kind_name,
};

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[async_trait]
impl ModerationTransfer for PostgresStore {
    async fn export_bans(&self, now: i64) -> Result<Vec<ExportedBan>, StoreError> {
        let rows = self
            .read(
                "cannot export bans",
                "SELECT b.kind, r.token_hash, b.comment_id, b.ip_range, b.range_shown,
                        b.created_by, b.created_at, b.expires_at, b.reason
                 FROM bans b LEFT JOIN readers r ON r.id = b.reader_id
                 WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > $1)
                 ORDER BY b.id",
                &[&now],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ExportedBan {
                    kind: ban_kind(&col::<String>(r, 0)?),
                    reader_key: col(r, 1)?,
                    comment_id: col(r, 2)?,
                    ip_range: col(r, 3)?,
                    range_shown: col(r, 4)?,
                    created_by: col(r, 5)?,
                    created_at: col(r, 6)?,
                    expires_at: col(r, 7)?,
                    reason: col(r, 8)?,
                })
            })
            .collect()
    }

    async fn export_audit(&self, after: i64, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        let rows = self
            .read(
                "cannot export the audit log",
                "SELECT id, moderator, action, target_kind, target, detail, reason, created_at
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &limit_of(limit)],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let action: String = col(r, 2)?;
            let kind: String = col(r, 3)?;
            // An entry this server cannot name (written by a newer one) is left out rather
            // than exported under a wrong action.
            if let (Some(action), Some(target_kind)) =
                (ModAction::parse(&action), TargetKind::parse(&kind))
            {
                out.push(AuditRow {
                    id: col(r, 0)?,
                    moderator: col(r, 1)?,
                    action,
                    target_kind,
                    target: col(r, 4)?,
                    detail: col(r, 5)?,
                    reason: col(r, 6)?,
                    created_at: col(r, 7)?,
                });
            }
        }
        Ok(out)
    }

    async fn export_accounts(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ExportedAccount)>, StoreError> {
        let rows = self
            .read(
                "cannot export site accounts",
                "SELECT id, token_hash, external_id FROM readers
                 WHERE external_id IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
                &[&after, &limit_of(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    col(r, 0)?,
                    ExportedAccount {
                        reader_key: col(r, 1)?,
                        external_id: col(r, 2)?,
                    },
                ))
            })
            .collect()
    }

    async fn import_bans(&self, bans: Vec<ExportedBan>) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("cannot start importing bans", &e))?;
        let mut written = 0;
        let now = now_micros();
        for b in bans {
            let reader: Option<i64> = match &b.reader_key {
                Some(key) => {
                    let row = tx
                        .query_one(
                            "INSERT INTO readers (token_hash, created_at) VALUES ($1, $2)
                             ON CONFLICT (token_hash) DO UPDATE SET token_hash = excluded.token_hash
                             RETURNING id",
                            &[key, &now],
                        )
                        .await
                        .map_err(|e| db_error("cannot store a banned reader", &e))?;
                    Some(col(&row, 0)?)
                }
                None => None,
            };
            written += tx
                .execute(
                    "INSERT INTO bans (kind, reader_id, comment_id, ip_range, range_shown,
                                       created_by, created_at, expires_at, reason)
                     SELECT $1::TEXT, $2::BIGINT, $3::TEXT, $4::TEXT, $5::BOOLEAN, $6::TEXT,
                            $7::BIGINT, $8::BIGINT, $9::TEXT
                     WHERE NOT EXISTS (SELECT 1 FROM bans WHERE kind = $1
                                       AND reader_id IS NOT DISTINCT FROM $2
                                       AND ip_range IS NOT DISTINCT FROM $4 AND created_at = $7)",
                    &[
                        &kind_name(b.kind),
                        &reader,
                        &b.comment_id,
                        &b.ip_range,
                        &b.range_shown,
                        &b.created_by,
                        &b.created_at,
                        &b.expires_at,
                        &b.reason,
                    ],
                )
                .await
                .map_err(|e| db_error("cannot import a ban", &e))?;
        }
        tx.commit()
            .await
            .map_err(|e| db_error("cannot commit imported bans", &e))?;
        Ok(written)
    }

    async fn import_audit(&self, entries: Vec<AuditRow>) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("cannot start importing the audit log", &e))?;
        let mut written = 0;
        for e in entries {
            written += tx
                .execute(
                    "INSERT INTO audit_log (moderator, action, target_kind, target, detail, reason,
                                            created_at)
                     SELECT $1::TEXT, $2::TEXT, $3::TEXT, $4::TEXT, $5::TEXT, $6::TEXT, $7::BIGINT
                     WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE moderator = $1
                                       AND action = $2 AND target = $4 AND created_at = $7)",
                    &[
                        &e.moderator,
                        &e.action.as_str(),
                        &e.target_kind.as_str(),
                        &e.target,
                        &e.detail,
                        &e.reason,
                        &e.created_at,
                    ],
                )
                .await
                .map_err(|err| db_error("cannot import an audit entry", &err))?;
        }
        tx.commit()
            .await
            .map_err(|e| db_error("cannot commit the imported audit log", &e))?;
        Ok(written)
    }

    async fn import_accounts(&self, accounts: Vec<ExportedAccount>) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("cannot start importing site accounts", &e))?;
        let mut written = 0;
        let now = now_micros();
        for a in accounts.iter().filter(|a| consistent(a)) {
            written += tx
                .execute(
                    "INSERT INTO readers (token_hash, created_at, external_id) VALUES ($1, $2, $3)
                     ON CONFLICT (token_hash) DO UPDATE SET external_id = excluded.external_id
                         WHERE readers.external_id IS NULL",
                    &[&a.reader_key, &now, &a.external_id],
                )
                .await
                .map_err(|e| db_error("cannot import a site account", &e))?;
        }
        tx.commit()
            .await
            .map_err(|e| db_error("cannot commit imported site accounts", &e))?;
        Ok(written)
    }
}
