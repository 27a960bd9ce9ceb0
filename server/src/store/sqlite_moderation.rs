//! [`ModerationStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::{
    BanKind, ModAction, ModerationMode, QueueFilter, ReportReason, Role, TargetKind,
};

use super::moderation::{
    Actor, AuditRow, BanRow, BanTarget, Cidr, MOD_COLUMNS, ModRow, ModerationStore, Moderator,
    QueueRow, QueueSelect, REPORTS_SHOWN, ReportRow, SessionRow, ban_detail, transition,
};
use super::sqlite::{SqliteStore, THREAD_SELECT, nudge, record_event, thread_row};
use super::{EventKind, ReaderId, StoreError, ThreadRow};

/// Failed sign-ins older than this are forgotten (microseconds): a day.
const FAILURES_KEPT: i64 = 24 * 3600 * 1_000_000;

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn mod_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ModRow> {
    let status: String = r.get(8)?;
    Ok(ModRow {
        id: r.get(0)?,
        thread_id: r.get(1)?,
        parent_id: r.get(2)?,
        reader_id: r.get(3)?,
        author: r.get(4)?,
        body_html: r.get(5)?,
        created_at: r.get(6)?,
        edited_at: r.get(7)?,
        status: CommentStatus::parse(&status).unwrap_or_default(),
        deleted: r.get(9)?,
        pinned: r.get(10)?,
        upvotes: to_u64(r.get(11)?),
        downvotes: to_u64(r.get(12)?),
    })
}

fn load(conn: &Connection, id: &str) -> Result<Option<ModRow>, StoreError> {
    let sql = format!("SELECT {MOD_COLUMNS} FROM comments c WHERE c.id = ?1");
    Ok(conn.query_row(&sql, [id], mod_row).optional()?)
}

fn audit(
    conn: &Connection,
    actor: &Actor,
    action: ModAction,
    kind: TargetKind,
    target: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (moderator, action, target_kind, target, detail, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            actor.name,
            action.as_str(),
            kind.as_str(),
            target,
            detail,
            actor.reason,
            actor.now
        ],
    )?;
    Ok(())
}

fn ban_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BanRow> {
    let kind: String = r.get(1)?;
    Ok(BanRow {
        id: r.get(0)?,
        kind: if kind == "reader" {
            BanKind::Reader
        } else {
            BanKind::IpRange
        },
        reader_id: r.get(2)?,
        comment_id: r.get(3)?,
        ip_range: r.get(4)?,
        range_shown: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
        reason: r.get(9)?,
    })
}

const BAN_COLUMNS: &str = "id, kind, reader_id, comment_id, ip_range, range_shown, created_by, \
                           created_at, expires_at, reason";

/// Inserts a ban and its audit entry inside the caller's transaction.
fn insert_ban(
    conn: &Connection,
    target: &BanTarget,
    until: Option<i64>,
    actor: &Actor,
    action: ModAction,
) -> Result<BanRow, StoreError> {
    let (kind, reader, comment, range, shown) = match target {
        BanTarget::AuthorOf(id) => {
            let reader: ReaderId = conn
                .query_row("SELECT reader_id FROM comments WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(StoreError::CommentNotFound)?;
            ("reader", Some(reader), Some(id.clone()), None, false)
        }
        BanTarget::AddressOf(id) => {
            let ip: Option<String> = conn
                .query_row("SELECT ip FROM comments WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::CommentNotFound)?;
            let range = ip
                .as_deref()
                .and_then(|ip| ip.parse().ok())
                .map(|ip| Cidr::single(ip).to_string())
                .ok_or_else(|| {
                    StoreError::Refused(
                        "The address of this comment is not known (it was imported or posted before addresses were kept); ban its author instead."
                            .to_owned(),
                    )
                })?;
            ("ip_range", None, Some(id.clone()), Some(range), false)
        }
        BanTarget::Range(range) => ("ip_range", None, None, Some(range.clone()), true),
    };
    conn.execute(
        "INSERT INTO bans (kind, reader_id, comment_id, ip_range, range_shown, created_by,
                           created_at, expires_at, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            kind,
            reader,
            comment,
            range,
            shown,
            actor.name,
            actor.now,
            until,
            actor.reason
        ],
    )?;
    let id = conn.last_insert_rowid();
    let detail = ban_detail(range.as_deref().filter(|_| shown), until);
    match action {
        ModAction::Ban => audit(
            conn,
            actor,
            action,
            TargetKind::Ban,
            &id.to_string(),
            Some(&detail),
        )?,
        _ => audit(
            conn,
            actor,
            action,
            TargetKind::Comment,
            comment.as_deref().unwrap_or_default(),
            Some(&format!("ban {id}: {detail}")),
        )?,
    }
    let sql = format!("SELECT {BAN_COLUMNS} FROM bans WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], ban_row)?)
}

#[async_trait]
impl ModerationStore for SqliteStore {
    async fn create_moderator(
        &self,
        name: String,
        password_hash: String,
        role: Role,
    ) -> Result<(), StoreError> {
        self.with(move |c| {
            let n = c.execute(
                "INSERT INTO moderators (name, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO NOTHING",
                params![name, password_hash, role.as_str(), crate::clock::now_micros()],
            )?;
            if n == 0 {
                return Err(StoreError::Refused(format!(
                    "A moderator named {name:?} already exists."
                )));
            }
            Ok(())
        })
        .await
    }

    async fn moderator(&self, name: String) -> Result<Option<Moderator>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT id, name, role, password_hash FROM moderators WHERE name = ?1",
                [name],
                |r| {
                    let role: String = r.get(2)?;
                    Ok(Moderator {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: Role::parse(&role).unwrap_or(Role::Moderator),
                        password_hash: r.get(3)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn sign_in_failures(&self, name: String, since: i64) -> Result<u64, StoreError> {
        self.with(move |c| {
            let n: i64 = c.query_row(
                "SELECT COUNT(*) FROM sign_in_failures WHERE name = ?1 AND at >= ?2",
                params![name, since],
                |r| r.get(0),
            )?;
            Ok(to_u64(n))
        })
        .await
    }

    async fn record_sign_in_failure(&self, name: String, at: i64) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "DELETE FROM sign_in_failures WHERE at < ?1",
                [at - FAILURES_KEPT],
            )?;
            c.execute(
                "INSERT INTO sign_in_failures (name, at) VALUES (?1, ?2)",
                params![name, at],
            )?;
            Ok(())
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: String,
        moderator: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.with(move |c| {
            let now = crate::clock::now_micros();
            c.execute("DELETE FROM mod_sessions WHERE expires_at <= ?1", [now])?;
            c.execute(
                "INSERT INTO mod_sessions (token_hash, moderator_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, moderator, now, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(
        &self,
        token_hash: String,
        now: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT m.id, m.name, m.role, m.password_hash, s.expires_at
                 FROM mod_sessions s JOIN moderators m ON m.id = s.moderator_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                params![token_hash, now],
                |r| {
                    let role: String = r.get(2)?;
                    Ok(SessionRow {
                        moderator: Moderator {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            role: Role::parse(&role).unwrap_or(Role::Moderator),
                            password_hash: r.get(3)?,
                        },
                        expires_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn end_session(&self, token_hash: String) -> Result<bool, StoreError> {
        self.with(move |c| {
            Ok(c.execute(
                "DELETE FROM mod_sessions WHERE token_hash = ?1",
                [token_hash],
            )? > 0)
        })
        .await
    }

    async fn moderation_mode(&self) -> Result<ModerationMode, StoreError> {
        self.with(|c| {
            let v: Option<String> = c
                .query_row(
                    "SELECT value FROM settings WHERE name = 'moderation_mode'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(v.as_deref()
                .and_then(ModerationMode::parse)
                .unwrap_or_default())
        })
        .await
    }

    async fn set_moderation_mode(
        &self,
        mode: ModerationMode,
        actor: Option<Actor>,
    ) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO settings (name, value) VALUES ('moderation_mode', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [mode.as_str()],
            )?;
            if let Some(actor) = &actor {
                audit(
                    &tx,
                    actor,
                    ModAction::Settings,
                    TargetKind::Settings,
                    "moderation",
                    Some(mode.as_str()),
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn moderate(
        &self,
        comment_id: String,
        action: ModAction,
        actor: Actor,
        ban_until: Option<i64>,
    ) -> Result<ModRow, StoreError> {
        let wake = self.wake.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = load(&tx, &comment_id)?.ok_or(StoreError::CommentNotFound)?;
            let (status, pinned) = transition(&row, action)?;
            let mut event = None;
            match action {
                ModAction::Delete => {
                    tx.execute(
                        "UPDATE comments SET deleted = 1, author = NULL, body_md = '', body_html = '',
                                             email = NULL, ip = NULL, pinned = 0
                         WHERE id = ?1",
                        [&comment_id],
                    )?;
                    if row.status == CommentStatus::Visible {
                        event = Some(EventKind::Deleted);
                    }
                    audit(&tx, &actor, action, TargetKind::Comment, &comment_id, None)?;
                }
                ModAction::Dismiss => {
                    tx.execute(
                        "UPDATE reports SET dismissed = 1 WHERE comment_id = ?1",
                        [&comment_id],
                    )?;
                    audit(&tx, &actor, action, TargetKind::Comment, &comment_id, None)?;
                }
                ModAction::BanAuthor => {
                    insert_ban(&tx, &BanTarget::AuthorOf(comment_id.clone()), ban_until, &actor, action)?;
                }
                ModAction::BanIp => {
                    insert_ban(&tx, &BanTarget::AddressOf(comment_id.clone()), ban_until, &actor, action)?;
                }
                _ => {
                    tx.execute(
                        "UPDATE comments SET status = ?1, pinned = ?2 WHERE id = ?3",
                        params![status.as_str(), pinned, comment_id],
                    )?;
                    event = match (row.status, status) {
                        (CommentStatus::Visible, CommentStatus::Visible) => None,
                        (_, CommentStatus::Visible) => Some(EventKind::Posted),
                        (CommentStatus::Visible, _) => Some(EventKind::Deleted),
                        _ => None,
                    };
                    audit(&tx, &actor, action, TargetKind::Comment, &comment_id, None)?;
                }
            }
            if let Some(kind) = event {
                record_event(&tx, row.thread_id, kind, &comment_id)?;
            }
            let after = load(&tx, &comment_id)?.ok_or(StoreError::CommentNotFound)?;
            tx.commit()?;
            if event.is_some() {
                nudge(&wake, row.thread_id);
            }
            Ok(after)
        })
        .await
    }

    async fn lock_thread(
        &self,
        key: String,
        locked: bool,
        actor: Actor,
    ) -> Result<Option<ThreadRow>, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "UPDATE threads SET locked = ?1 WHERE key = ?2",
                params![locked, key],
            )?;
            if n == 0 {
                return Ok(None);
            }
            let action = if locked {
                ModAction::Lock
            } else {
                ModAction::Unlock
            };
            audit(&tx, &actor, action, TargetKind::Thread, &key, None)?;
            let sql = format!("{THREAD_SELECT} WHERE t.key = ?1");
            let row = tx.query_row(&sql, [&key], thread_row).optional()?;
            tx.commit()?;
            Ok(row)
        })
        .await
    }

    async fn thread_locked(&self, key: String) -> Result<bool, StoreError> {
        self.with(move |c| {
            Ok(
                c.query_row("SELECT locked FROM threads WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or(false),
            )
        })
        .await
    }

    async fn ban(
        &self,
        target: BanTarget,
        until: Option<i64>,
        actor: Actor,
    ) -> Result<BanRow, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let ban = insert_ban(&tx, &target, until, &actor, ModAction::Ban)?;
            tx.commit()?;
            Ok(ban)
        })
        .await
    }

    async fn lift_ban(&self, id: i64, actor: Actor) -> Result<bool, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "UPDATE bans SET lifted_at = ?1
                 WHERE id = ?2 AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)",
                params![actor.now, id],
            )?;
            if n > 0 {
                audit(
                    &tx,
                    &actor,
                    ModAction::Unban,
                    TargetKind::Ban,
                    &id.to_string(),
                    None,
                )?;
            }
            tx.commit()?;
            Ok(n > 0)
        })
        .await
    }

    async fn bans(&self, now: i64) -> Result<Vec<BanRow>, StoreError> {
        self.with(move |c| {
            let sql = format!(
                "SELECT {BAN_COLUMNS} FROM bans
                 WHERE lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)
                 ORDER BY created_at DESC, id DESC"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map([now], ban_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn report(
        &self,
        comment_id: String,
        reader: ReaderId,
        reason: ReportReason,
        note: Option<String>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found: Option<(bool, String)> = tx
                .query_row(
                    "SELECT deleted, status FROM comments WHERE id = ?1",
                    [&comment_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                Some((false, status)) if status == CommentStatus::Visible.as_str() => {}
                _ => return Err(StoreError::CommentNotFound),
            }
            tx.execute(
                "INSERT INTO reports (comment_id, reader_id, reason, note, created_at, dismissed)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)
                 ON CONFLICT (comment_id, reader_id) DO UPDATE
                 SET reason = excluded.reason, note = excluded.note,
                     created_at = excluded.created_at, dismissed = 0",
                params![comment_id, reader, reason.as_str(), note, now],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn queue(&self, select: QueueSelect) -> Result<Vec<QueueRow>, StoreError> {
        self.with(move |c| {
            let which = match select.filter {
                QueueFilter::Held => "c.status = 'held'",
                QueueFilter::Hidden => "c.status IN ('hidden', 'rejected')",
                QueueFilter::Reported => {
                    "EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id AND r.dismissed = 0)"
                }
                QueueFilter::All => "1 = 1",
            };
            let sql = format!(
                "SELECT {MOD_COLUMNS},
                        (SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND r.dismissed = 0)
                 FROM comments c JOIN threads t ON t.id = c.thread_id
                 WHERE c.deleted = 0 AND {which}
                   AND (?1 IS NULL OR t.key = ?1)
                   AND (?2 IS NULL OR c.author = ?2)
                   AND (?3 IS NULL OR c.created_at < ?3 OR (c.created_at = ?3 AND c.id < ?4))
                 ORDER BY c.created_at DESC, c.id DESC
                 LIMIT ?5"
            );
            let (before_at, before_id) = match select.before {
                Some((at, id)) => (Some(at), Some(id)),
                None => (None, None),
            };
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(
                params![
                    select.thread,
                    select.author,
                    before_at,
                    before_id,
                    i64::try_from(select.limit).unwrap_or(i64::MAX)
                ],
                |r| Ok((mod_row(r)?, r.get::<_, i64>(13)?)),
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (comment, count) = row?;
                out.push(QueueRow {
                    comment,
                    report_count: to_u64(count),
                    reports: Vec::new(),
                });
            }
            drop(stmt);
            let mut reports = c.prepare_cached(
                "SELECT reason, note, created_at FROM reports
                 WHERE comment_id = ?1 AND dismissed = 0
                 ORDER BY created_at DESC LIMIT ?2",
            )?;
            for item in out.iter_mut().filter(|i| i.report_count > 0) {
                let rows = reports.query_map(
                    params![item.comment.id, REPORTS_SHOWN as i64],
                    |r| {
                        let reason: String = r.get(0)?;
                        Ok(ReportRow {
                            reason: ReportReason::parse(&reason).unwrap_or(ReportReason::Other),
                            note: r.get(1)?,
                            created_at: r.get(2)?,
                        })
                    },
                )?;
                item.reports = rows.collect::<Result<Vec<_>, _>>()?;
            }
            Ok(out)
        })
        .await
    }

    async fn mod_comments(&self, ids: Vec<String>) -> Result<Vec<ModRow>, StoreError> {
        self.with(move |c| {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(400) {
                let marks = vec!["?"; chunk.len()].join(",");
                let sql = format!("SELECT {MOD_COLUMNS} FROM comments c WHERE c.id IN ({marks})");
                let mut stmt = c.prepare(&sql)?;
                let args = chunk.iter().map(|id| Value::Text(id.clone()));
                let rows = stmt.query_map(params_from_iter(args), mod_row)?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, moderator, action, target_kind, target, detail, reason, created_at
                 FROM audit_log WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(
                params![before, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    let action: String = r.get(2)?;
                    let kind: String = r.get(3)?;
                    Ok(AuditRow {
                        id: r.get(0)?,
                        moderator: r.get(1)?,
                        action: ModAction::parse(&action).unwrap_or(ModAction::Settings),
                        target_kind: TargetKind::parse(&kind).unwrap_or(TargetKind::Comment),
                        target: r.get(4)?,
                        detail: r.get(5)?,
                        reason: r.get(6)?,
                        created_at: r.get(7)?,
                    })
                },
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
