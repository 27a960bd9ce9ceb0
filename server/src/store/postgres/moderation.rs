//! [`ModerationStore`] on PostgreSQL: sessions, failed sign-ins and bans live in the database,
//! so every instance behind the load balancer sees the same ones.

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::{
    BanKind, ModAction, ModerationMode, QueueFilter, ReportReason, Role, TargetKind,
};

use super::writes::record_event;
use super::{PostgresStore, THREAD_SELECT, col, db_error, thread_row, to_u64};
use crate::store::moderation::{
    Actor, AuditRow, BanRow, BanTarget, Cidr, MOD_COLUMNS, ModRow, ModerationStore, Moderator,
    QueueRow, QueueSelect, REPORTS_SHOWN, ReportRow, SessionRow, transition,
};
use crate::store::{EventKind, ReaderId, StoreError, ThreadRow};

/// Failed sign-ins older than this are forgotten (microseconds): a day.
const FAILURES_KEPT: i64 = 24 * 3600 * 1_000_000;

const BAN_COLUMNS: &str = "id, kind, reader_id, comment_id, ip_range, range_shown, created_by, \
                           created_at, expires_at, reason";

fn mod_row(r: &tokio_postgres::Row) -> Result<ModRow, StoreError> {
    let status: String = col(r, 8)?;
    Ok(ModRow {
        id: col(r, 0)?,
        thread_id: col(r, 1)?,
        parent_id: col(r, 2)?,
        reader_id: col(r, 3)?,
        author: col(r, 4)?,
        body_html: col(r, 5)?,
        created_at: col(r, 6)?,
        edited_at: col(r, 7)?,
        status: CommentStatus::parse(&status).unwrap_or_default(),
        deleted: col(r, 9)?,
        pinned: col(r, 10)?,
        upvotes: to_u64(col(r, 11)?),
        downvotes: to_u64(col(r, 12)?),
    })
}

fn ban_row(r: &tokio_postgres::Row) -> Result<BanRow, StoreError> {
    let kind: String = col(r, 1)?;
    Ok(BanRow {
        id: col(r, 0)?,
        kind: if kind == "reader" {
            BanKind::Reader
        } else {
            BanKind::IpRange
        },
        reader_id: col(r, 2)?,
        comment_id: col(r, 3)?,
        ip_range: col(r, 4)?,
        range_shown: col(r, 5)?,
        created_by: col(r, 6)?,
        created_at: col(r, 7)?,
        expires_at: col(r, 8)?,
        reason: col(r, 9)?,
    })
}

fn moderator_row(r: &tokio_postgres::Row) -> Result<Moderator, StoreError> {
    let role: String = col(r, 2)?;
    Ok(Moderator {
        id: col(r, 0)?,
        name: col(r, 1)?,
        role: Role::parse(&role).unwrap_or(Role::Moderator),
        password_hash: col(r, 3)?,
    })
}

async fn load(tx: &Transaction<'_>, id: &str, lock: bool) -> Result<Option<ModRow>, StoreError> {
    let sql = format!(
        "SELECT {MOD_COLUMNS} FROM comments c WHERE c.id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    tx.query_opt(&sql, &[&id])
        .await
        .map_err(|e| db_error("cannot read a comment", &e))?
        .as_ref()
        .map(mod_row)
        .transpose()
}

async fn audit(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: ModAction,
    kind: TargetKind,
    target: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (moderator, action, target_kind, target, detail, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &actor.name,
            &action.as_str(),
            &kind.as_str(),
            &target,
            &detail,
            &actor.reason,
            &actor.now,
        ],
    )
    .await
    .map_err(|e| db_error("cannot write the audit log", &e))?;
    Ok(())
}

/// Inserts a ban and its audit entry inside the caller's transaction.
async fn insert_ban(
    tx: &Transaction<'_>,
    target: &BanTarget,
    until: Option<i64>,
    actor: &Actor,
    action: ModAction,
) -> Result<BanRow, StoreError> {
    let (kind, reader, comment, range, shown): (
        &str,
        Option<ReaderId>,
        Option<String>,
        Option<String>,
        bool,
    ) = match target {
        BanTarget::AuthorOf(id) => {
            let r = tx
                .query_opt("SELECT reader_id FROM comments WHERE id = $1", &[id])
                .await
                .map_err(|e| db_error("cannot read a comment", &e))?
                .ok_or(StoreError::CommentNotFound)?;
            ("reader", Some(col(&r, 0)?), Some(id.clone()), None, false)
        }
        BanTarget::AddressOf(id) => {
            let r = tx
                .query_opt("SELECT ip FROM comments WHERE id = $1", &[id])
                .await
                .map_err(|e| db_error("cannot read a comment", &e))?
                .ok_or(StoreError::CommentNotFound)?;
            let ip: Option<String> = col(&r, 0)?;
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
    let sql = format!(
        "INSERT INTO bans (kind, reader_id, comment_id, ip_range, range_shown, created_by,
                           created_at, expires_at, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {BAN_COLUMNS}"
    );
    let row = tx
        .query_one(
            &sql,
            &[
                &kind,
                &reader,
                &comment,
                &range,
                &shown,
                &actor.name,
                &actor.now,
                &until,
                &actor.reason,
            ],
        )
        .await
        .map_err(|e| db_error("cannot store a ban", &e))?;
    let ban = ban_row(&row)?;
    let detail = crate::store::moderation::ban_detail(range.as_deref().filter(|_| shown), until);
    match action {
        ModAction::Ban => {
            audit(
                tx,
                actor,
                action,
                TargetKind::Ban,
                &ban.id.to_string(),
                Some(&detail),
            )
            .await?
        }
        _ => {
            audit(
                tx,
                actor,
                action,
                TargetKind::Comment,
                comment.as_deref().unwrap_or_default(),
                Some(&format!("ban {}: {detail}", ban.id)),
            )
            .await?
        }
    }
    Ok(ban)
}

impl PostgresStore {
    async fn write<T>(
        &self,
        f: impl for<'t> FnOnce(
            &'t Transaction<'t>,
        ) -> std::pin::Pin<
            Box<dyn Future<Output = Result<T, StoreError>> + Send + 't>,
        >,
    ) -> Result<T, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("cannot start a transaction", &e))?;
        let out = f(&tx).await?;
        tx.commit()
            .await
            .map_err(|e| db_error("cannot commit", &e))?;
        Ok(out)
    }
}

#[async_trait]
impl ModerationStore for PostgresStore {
    async fn create_moderator(
        &self,
        name: String,
        password_hash: String,
        role: Role,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO moderators (name, password_hash, role, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
                &[
                    &name,
                    &password_hash,
                    &role.as_str(),
                    &crate::clock::now_micros(),
                ],
            )
            .await
            .map_err(|e| db_error("cannot store a moderator", &e))?;
        if n == 0 {
            return Err(StoreError::Refused(format!(
                "A moderator named {name:?} already exists."
            )));
        }
        Ok(())
    }

    async fn moderator(&self, name: String) -> Result<Option<Moderator>, StoreError> {
        self.read_opt(
            "cannot read a moderator",
            "SELECT id, name, role, password_hash FROM moderators WHERE name = $1",
            &[&name],
        )
        .await?
        .as_ref()
        .map(moderator_row)
        .transpose()
    }

    async fn sign_in_failures(&self, name: String, since: i64) -> Result<u64, StoreError> {
        let rows = self
            .read(
                "cannot count failed sign-ins",
                "SELECT COUNT(*) FROM sign_in_failures WHERE name = $1 AND at >= $2",
                &[&name, &since],
            )
            .await?;
        match rows.first() {
            Some(r) => Ok(to_u64(col(r, 0)?)),
            None => Ok(0),
        }
    }

    async fn record_sign_in_failure(&self, name: String, at: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM sign_in_failures WHERE at < $1",
                &[&(at - FAILURES_KEPT)],
            )
            .await
            .map_err(|e| db_error("cannot forget old sign-in failures", &e))?;
        client
            .execute(
                "INSERT INTO sign_in_failures (name, at) VALUES ($1, $2)",
                &[&name, &at],
            )
            .await
            .map_err(|e| db_error("cannot record a failed sign-in", &e))?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: String,
        moderator: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let now = crate::clock::now_micros();
        let client = self.client().await?;
        client
            .execute("DELETE FROM mod_sessions WHERE expires_at <= $1", &[&now])
            .await
            .map_err(|e| db_error("cannot end old sessions", &e))?;
        client
            .execute(
                "INSERT INTO mod_sessions (token_hash, moderator_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
                &[&token_hash, &moderator, &now, &expires_at],
            )
            .await
            .map_err(|e| db_error("cannot store a session", &e))?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: String,
        now: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        let Some(r) = self
            .read_opt(
                "cannot read a session",
                "SELECT m.id, m.name, m.role, m.password_hash, s.expires_at
                 FROM mod_sessions s JOIN moderators m ON m.id = s.moderator_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
                &[&token_hash, &now],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRow {
            moderator: moderator_row(&r)?,
            expires_at: col(&r, 4)?,
        }))
    }

    async fn end_session(&self, token_hash: String) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "DELETE FROM mod_sessions WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(|e| db_error("cannot end a session", &e))?;
        Ok(n > 0)
    }

    async fn moderation_mode(&self) -> Result<ModerationMode, StoreError> {
        let row = self
            .read_opt(
                "cannot read the moderation mode",
                "SELECT value FROM settings WHERE name = 'moderation_mode'",
                &[],
            )
            .await?;
        let value: Option<String> = row.as_ref().map(|r| col(r, 0)).transpose()?;
        Ok(value
            .as_deref()
            .and_then(ModerationMode::parse)
            .unwrap_or_default())
    }

    async fn set_moderation_mode(
        &self,
        mode: ModerationMode,
        actor: Option<Actor>,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO settings (name, value) VALUES ('moderation_mode', $1)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    &[&mode.as_str()],
                )
                .await
                .map_err(|e| db_error("cannot store the moderation mode", &e))?;
                if let Some(actor) = &actor {
                    audit(
                        tx,
                        actor,
                        ModAction::Settings,
                        TargetKind::Settings,
                        "moderation",
                        Some(mode.as_str()),
                    )
                    .await?;
                }
                Ok(())
            })
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
        self.write(move |tx| {
            Box::pin(async move {
                let row = load(tx, &comment_id, true)
                    .await?
                    .ok_or(StoreError::CommentNotFound)?;
                let (status, pinned) = transition(&row, action)?;
                let mut event = None;
                match action {
                    ModAction::Delete => {
                        tx.execute(
                            "UPDATE comments SET deleted = TRUE, author = NULL, body_md = '',
                                    body_html = '', email = NULL, ip = NULL,
                                    pinned = FALSE
                             WHERE id = $1",
                            &[&comment_id],
                        )
                        .await
                        .map_err(|e| db_error("cannot delete a comment", &e))?;
                        if row.status == CommentStatus::Visible {
                            event = Some(EventKind::Deleted);
                        }
                        audit(tx, &actor, action, TargetKind::Comment, &comment_id, None).await?;
                    }
                    ModAction::Dismiss => {
                        tx.execute(
                            "UPDATE reports SET dismissed = TRUE WHERE comment_id = $1",
                            &[&comment_id],
                        )
                        .await
                        .map_err(|e| db_error("cannot dismiss reports", &e))?;
                        audit(tx, &actor, action, TargetKind::Comment, &comment_id, None).await?;
                    }
                    ModAction::BanAuthor => {
                        let target = BanTarget::AuthorOf(comment_id.clone());
                        insert_ban(tx, &target, ban_until, &actor, action).await?;
                    }
                    ModAction::BanIp => {
                        let target = BanTarget::AddressOf(comment_id.clone());
                        insert_ban(tx, &target, ban_until, &actor, action).await?;
                    }
                    _ => {
                        tx.execute(
                            "UPDATE comments SET status = $1, pinned = $2 WHERE id = $3",
                            &[&status.as_str(), &pinned, &comment_id],
                        )
                        .await
                        .map_err(|e| db_error("cannot moderate a comment", &e))?;
                        event = match (row.status, status) {
                            (CommentStatus::Visible, CommentStatus::Visible) => None,
                            (_, CommentStatus::Visible) => Some(EventKind::Posted),
                            (CommentStatus::Visible, _) => Some(EventKind::Deleted),
                            _ => None,
                        };
                        audit(tx, &actor, action, TargetKind::Comment, &comment_id, None).await?;
                    }
                }
                if let Some(kind) = event {
                    record_event(tx, row.thread_id, kind, &comment_id).await?;
                }
                load(tx, &comment_id, false)
                    .await?
                    .ok_or(StoreError::CommentNotFound)
            })
        })
        .await
    }

    async fn lock_thread(
        &self,
        key: String,
        locked: bool,
        actor: Actor,
    ) -> Result<Option<ThreadRow>, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let n = tx
                    .execute(
                        "UPDATE threads SET locked = $1 WHERE key = $2",
                        &[&locked, &key],
                    )
                    .await
                    .map_err(|e| db_error("cannot lock a thread", &e))?;
                if n == 0 {
                    return Ok(None);
                }
                let action = if locked {
                    ModAction::Lock
                } else {
                    ModAction::Unlock
                };
                audit(tx, &actor, action, TargetKind::Thread, &key, None).await?;
                let sql = format!("{THREAD_SELECT} WHERE t.key = $1");
                tx.query_opt(&sql, &[&key])
                    .await
                    .map_err(|e| db_error("cannot read a thread", &e))?
                    .as_ref()
                    .map(thread_row)
                    .transpose()
            })
        })
        .await
    }

    async fn thread_locked(&self, key: String) -> Result<bool, StoreError> {
        let row = self
            .read_opt(
                "cannot read a thread",
                "SELECT locked FROM threads WHERE key = $1",
                &[&key],
            )
            .await?;
        match row {
            Some(r) => col(&r, 0),
            None => Ok(false),
        }
    }

    async fn ban(
        &self,
        target: BanTarget,
        until: Option<i64>,
        actor: Actor,
    ) -> Result<BanRow, StoreError> {
        self.write(move |tx| {
            Box::pin(async move { insert_ban(tx, &target, until, &actor, ModAction::Ban).await })
        })
        .await
    }

    async fn lift_ban(&self, id: i64, actor: Actor) -> Result<bool, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let n = tx
                    .execute(
                        "UPDATE bans SET lifted_at = $1
                         WHERE id = $2 AND lifted_at IS NULL
                           AND (expires_at IS NULL OR expires_at > $1)",
                        &[&actor.now, &id],
                    )
                    .await
                    .map_err(|e| db_error("cannot lift a ban", &e))?;
                if n > 0 {
                    audit(
                        tx,
                        &actor,
                        ModAction::Unban,
                        TargetKind::Ban,
                        &id.to_string(),
                        None,
                    )
                    .await?;
                }
                Ok(n > 0)
            })
        })
        .await
    }

    async fn bans(&self, now: i64) -> Result<Vec<BanRow>, StoreError> {
        let sql = format!(
            "SELECT {BAN_COLUMNS} FROM bans
             WHERE lifted_at IS NULL AND (expires_at IS NULL OR expires_at > $1)
             ORDER BY created_at DESC, id DESC"
        );
        self.read("cannot read the bans", &sql, &[&now])
            .await?
            .iter()
            .map(ban_row)
            .collect()
    }

    async fn report(
        &self,
        comment_id: String,
        reader: ReaderId,
        reason: ReportReason,
        note: Option<String>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let found = tx
                    .query_opt(
                        "SELECT deleted, status FROM comments WHERE id = $1",
                        &[&comment_id],
                    )
                    .await
                    .map_err(|e| db_error("cannot read a comment", &e))?;
                let visible = match &found {
                    Some(r) => {
                        let deleted: bool = col(r, 0)?;
                        let status: String = col(r, 1)?;
                        !deleted && status == CommentStatus::Visible.as_str()
                    }
                    None => false,
                };
                if !visible {
                    return Err(StoreError::CommentNotFound);
                }
                tx.execute(
                    "INSERT INTO reports (comment_id, reader_id, reason, note, created_at, dismissed)
                     VALUES ($1, $2, $3, $4, $5, FALSE)
                     ON CONFLICT (comment_id, reader_id) DO UPDATE
                     SET reason = excluded.reason, note = excluded.note,
                         created_at = excluded.created_at, dismissed = FALSE",
                    &[&comment_id, &reader, &reason.as_str(), &note, &now],
                )
                .await
                .map_err(|e| db_error("cannot store a report", &e))?;
                Ok(())
            })
        })
        .await
    }

    async fn queue(&self, select: QueueSelect) -> Result<Vec<QueueRow>, StoreError> {
        let which = match select.filter {
            QueueFilter::Held => "c.status = 'held'",
            QueueFilter::Hidden => "c.status IN ('hidden', 'rejected')",
            QueueFilter::Reported => {
                "EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id AND NOT r.dismissed)"
            }
            QueueFilter::All => "TRUE",
        };
        let sql = format!(
            "SELECT {MOD_COLUMNS},
                    (SELECT COUNT(*) FROM reports r WHERE r.comment_id = c.id AND NOT r.dismissed)
             FROM comments c JOIN threads t ON t.id = c.thread_id
             WHERE NOT c.deleted AND {which}
               AND ($1::TEXT IS NULL OR t.key = $1)
               AND ($2::TEXT IS NULL OR c.author = $2)
               AND ($3::BIGINT IS NULL OR c.created_at < $3
                    OR (c.created_at = $3 AND c.id < $4::TEXT))
             ORDER BY c.created_at DESC, c.id DESC
             LIMIT $5"
        );
        let (before_at, before_id) = match select.before {
            Some((at, id)) => (Some(at), Some(id)),
            None => (None, None),
        };
        let limit = i64::try_from(select.limit).unwrap_or(i64::MAX);
        let rows = self
            .read(
                "cannot read the moderation queue",
                &sql,
                &[
                    &select.thread,
                    &select.author,
                    &before_at,
                    &before_id,
                    &limit,
                ],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(QueueRow {
                comment: mod_row(r)?,
                report_count: to_u64(col(r, 13)?),
                reports: Vec::new(),
            });
        }
        let shown = REPORTS_SHOWN as i64;
        for item in out.iter_mut().filter(|i| i.report_count > 0) {
            let rows = self
                .read(
                    "cannot read reports",
                    "SELECT reason, note, created_at FROM reports
                     WHERE comment_id = $1 AND NOT dismissed
                     ORDER BY created_at DESC LIMIT $2",
                    &[&item.comment.id, &shown],
                )
                .await?;
            item.reports = rows
                .iter()
                .map(|r| {
                    let reason: String = col(r, 0)?;
                    Ok(ReportRow {
                        reason: ReportReason::parse(&reason).unwrap_or(ReportReason::Other),
                        note: col(r, 1)?,
                        created_at: col(r, 2)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
        }
        Ok(out)
    }

    async fn mod_comments(&self, ids: Vec<String>) -> Result<Vec<ModRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {MOD_COLUMNS} FROM comments c WHERE c.id = ANY($1)");
        self.read("cannot read comments", &sql, &[&ids])
            .await?
            .iter()
            .map(mod_row)
            .collect()
    }

    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(
            "cannot read the audit log",
            "SELECT id, moderator, action, target_kind, target, detail, reason, created_at
             FROM audit_log WHERE ($1::BIGINT IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
            &[&before, &limit],
        )
        .await?
        .iter()
        .map(|r| {
            let action: String = col(r, 2)?;
            let kind: String = col(r, 3)?;
            Ok(AuditRow {
                id: col(r, 0)?,
                moderator: col(r, 1)?,
                action: ModAction::parse(&action).unwrap_or(ModAction::Settings),
                target_kind: TargetKind::parse(&kind).unwrap_or(TargetKind::Comment),
                target: col(r, 4)?,
                detail: col(r, 5)?,
                reason: col(r, 6)?,
                created_at: col(r, 7)?,
            })
        })
        .collect()
    }
}
