//! [`NotifyStore`] on SQLite: one process owns the file, so claiming is a plain update.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::StoreError;
use super::notify::{MailOutcome, NewMail, NotifyStore, QueuedMail, Recipient, Subscribed};
use super::sqlite::SqliteStore;

#[async_trait]
impl NotifyStore for SqliteStore {
    async fn subscribe(
        &self,
        email: String,
        confirm_token: String,
        unsubscribe_token: String,
        now: i64,
        resend_before: i64,
    ) -> Result<Subscribed, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let inserted = tx.execute(
                "INSERT INTO notify_addresses
                     (email, confirm_token, unsubscribe_token, created_at, confirm_sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (email) DO NOTHING",
                params![email, confirm_token, unsubscribe_token, now],
            )?;
            let outcome = if inserted == 1 {
                Subscribed::SendConfirmation { confirm_token }
            } else {
                let token: Option<String> = tx
                    .query_row(
                        "UPDATE notify_addresses SET confirm_sent_at = ?2
                         WHERE email = ?1 AND confirm_sent_at < ?3
                           AND (confirmed_at IS NULL OR unsubscribed_at IS NOT NULL)
                         RETURNING confirm_token",
                        params![email, now, resend_before],
                        |r| r.get(0),
                    )
                    .optional()?;
                match token {
                    Some(confirm_token) => Subscribed::SendConfirmation { confirm_token },
                    None => Subscribed::Nothing,
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    async fn confirm(&self, confirm_token: String, now: i64) -> Result<Option<String>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "UPDATE notify_addresses
                 SET confirmed_at = COALESCE(confirmed_at, ?2), unsubscribed_at = NULL
                 WHERE confirm_token = ?1 RETURNING email",
                params![confirm_token, now],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn unsubscribe(
        &self,
        unsubscribe_token: String,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "UPDATE notify_addresses SET unsubscribed_at = COALESCE(unsubscribed_at, ?2)
                 WHERE unsubscribe_token = ?1 RETURNING email",
                params![unsubscribe_token, now],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn reply_recipient(&self, comment_id: String) -> Result<Option<Recipient>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT c.reader_id, a.email, a.unsubscribe_token
                 FROM comments c JOIN notify_addresses a ON a.email = lower(trim(c.email))
                 WHERE c.id = ?1 AND c.deleted = 0
                   AND a.confirmed_at IS NOT NULL AND a.unsubscribed_at IS NULL",
                [comment_id],
                |r| {
                    Ok(Recipient {
                        reader_id: r.get(0)?,
                        email: r.get(1)?,
                        unsubscribe_token: r.get(2)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn enqueue_mail(&self, mail: NewMail) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO notify_outbox
                     (recipient, subject, body, unsubscribe_url, created_at, next_try_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![
                    mail.recipient,
                    mail.subject,
                    mail.body,
                    mail.unsubscribe_url,
                    mail.created_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn claim_mails(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(move |c| {
            let mut stmt = c.prepare(
                "UPDATE notify_outbox SET next_try_at = ?2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM notify_outbox
                              WHERE sent_at IS NULL AND failed_at IS NULL AND next_try_at <= ?1
                              ORDER BY id LIMIT ?3)
                 RETURNING id, recipient, subject, body, unsubscribe_url, created_at, attempts",
            )?;
            let rows = stmt.query_map(params![now, lease_until, limit], |r| {
                Ok(QueuedMail {
                    id: r.get(0)?,
                    mail: NewMail {
                        recipient: r.get(1)?,
                        subject: r.get(2)?,
                        body: r.get(3)?,
                        unsubscribe_url: r.get(4)?,
                        created_at: r.get(5)?,
                    },
                    attempts: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(u32::MAX),
                })
            })?;
            let mut mails = rows.collect::<Result<Vec<_>, _>>()?;
            mails.sort_by_key(|m| m.id);
            Ok(mails)
        })
        .await
    }

    async fn finish_mail(&self, id: i64, outcome: MailOutcome, now: i64) -> Result<(), StoreError> {
        self.with(move |c| {
            match outcome {
                MailOutcome::Sent => c.execute(
                    "UPDATE notify_outbox SET sent_at = ?2, last_error = NULL WHERE id = ?1",
                    params![id, now],
                )?,
                MailOutcome::Failed {
                    error,
                    retry_at: Some(at),
                } => c.execute(
                    "UPDATE notify_outbox SET next_try_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, at, error],
                )?,
                MailOutcome::Failed {
                    error,
                    retry_at: None,
                } => c.execute(
                    "UPDATE notify_outbox SET failed_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, now, error],
                )?,
            };
            Ok(())
        })
        .await
    }
}
