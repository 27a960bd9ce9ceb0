//! [`NotifyStore`] on PostgreSQL: instances share the outbox and claim rows with
//! `FOR UPDATE SKIP LOCKED`, so each mail is leased to exactly one of them.

use async_trait::async_trait;

use super::{PostgresStore, col, db_error};
use crate::store::StoreError;
use crate::store::notify::{MailOutcome, NewMail, NotifyStore, QueuedMail, Recipient, Subscribed};

#[async_trait]
impl NotifyStore for PostgresStore {
    async fn subscribe(
        &self,
        email: String,
        confirm_token: String,
        unsubscribe_token: String,
        now: i64,
        resend_before: i64,
    ) -> Result<Subscribed, StoreError> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                "INSERT INTO notify_addresses
                     (email, confirm_token, unsubscribe_token, created_at, confirm_sent_at)
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (email) DO NOTHING",
                &[&email, &confirm_token, &unsubscribe_token, &now],
            )
            .await
            .map_err(|e| db_error("cannot store a notification address", &e))?;
        if inserted == 1 {
            return Ok(Subscribed::SendConfirmation { confirm_token });
        }
        // One statement, so two instances resending at once send one confirmation.
        let row = client
            .query_opt(
                "UPDATE notify_addresses SET confirm_sent_at = $2
                 WHERE email = $1 AND confirm_sent_at < $3
                   AND (confirmed_at IS NULL OR unsubscribed_at IS NOT NULL)
                 RETURNING confirm_token",
                &[&email, &now, &resend_before],
            )
            .await
            .map_err(|e| db_error("cannot update a notification address", &e))?;
        Ok(match row {
            Some(r) => Subscribed::SendConfirmation {
                confirm_token: col(&r, 0)?,
            },
            None => Subscribed::Nothing,
        })
    }

    async fn confirm(&self, confirm_token: String, now: i64) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "UPDATE notify_addresses
                 SET confirmed_at = COALESCE(confirmed_at, $2), unsubscribed_at = NULL
                 WHERE confirm_token = $1 RETURNING email",
                &[&confirm_token, &now],
            )
            .await
            .map_err(|e| db_error("cannot confirm a notification address", &e))?;
        row.map(|r| col(&r, 0)).transpose()
    }

    async fn unsubscribe(
        &self,
        unsubscribe_token: String,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "UPDATE notify_addresses SET unsubscribed_at = COALESCE(unsubscribed_at, $2)
                 WHERE unsubscribe_token = $1 RETURNING email",
                &[&unsubscribe_token, &now],
            )
            .await
            .map_err(|e| db_error("cannot unsubscribe a notification address", &e))?;
        row.map(|r| col(&r, 0)).transpose()
    }

    async fn reply_recipient(&self, comment_id: String) -> Result<Option<Recipient>, StoreError> {
        let row = self
            .read_opt(
                "cannot find whom to notify",
                "SELECT c.reader_id, a.email, a.unsubscribe_token
                 FROM comments c JOIN notify_addresses a ON a.email = lower(trim(c.email))
                 WHERE c.id = $1 AND NOT c.deleted
                   AND a.confirmed_at IS NOT NULL AND a.unsubscribed_at IS NULL",
                &[&comment_id],
            )
            .await?;
        row.map(|r| {
            Ok(Recipient {
                reader_id: col(&r, 0)?,
                email: col(&r, 1)?,
                unsubscribe_token: col(&r, 2)?,
            })
        })
        .transpose()
    }

    async fn enqueue_mail(&self, mail: NewMail) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO notify_outbox
                     (recipient, subject, body, unsubscribe_url, created_at, next_try_at)
                 VALUES ($1, $2, $3, $4, $5, $5)",
                &[
                    &mail.recipient,
                    &mail.subject,
                    &mail.body,
                    &mail.unsubscribe_url,
                    &mail.created_at,
                ],
            )
            .await
            .map_err(|e| db_error("cannot queue a mail", &e))?;
        Ok(())
    }

    async fn claim_mails(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let client = self.client().await?;
        // Rows another instance is claiming right now are skipped, not waited for.
        let rows = client
            .query(
                "UPDATE notify_outbox SET next_try_at = $2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM notify_outbox
                              WHERE sent_at IS NULL AND failed_at IS NULL AND next_try_at <= $1
                              ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
                 RETURNING id, recipient, subject, body, unsubscribe_url, created_at, attempts",
                &[&now, &lease_until, &limit],
            )
            .await
            .map_err(|e| db_error("cannot claim mails", &e))?;
        let mut mails = rows
            .iter()
            .map(|r| {
                Ok(QueuedMail {
                    id: col(r, 0)?,
                    mail: NewMail {
                        recipient: col(r, 1)?,
                        subject: col(r, 2)?,
                        body: col(r, 3)?,
                        unsubscribe_url: col(r, 4)?,
                        created_at: col(r, 5)?,
                    },
                    attempts: u32::try_from(col::<i32>(r, 6)?).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        mails.sort_by_key(|m| m.id);
        Ok(mails)
    }

    async fn finish_mail(&self, id: i64, outcome: MailOutcome, now: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        let done =
            match outcome {
                MailOutcome::Sent => client
                    .execute(
                        "UPDATE notify_outbox SET sent_at = $2, last_error = NULL WHERE id = $1",
                        &[&id, &now],
                    )
                    .await,
                MailOutcome::Failed {
                    error,
                    retry_at: Some(at),
                } => client
                    .execute(
                        "UPDATE notify_outbox SET next_try_at = $2, last_error = $3 WHERE id = $1",
                        &[&id, &at, &error],
                    )
                    .await,
                MailOutcome::Failed {
                    error,
                    retry_at: None,
                } => client
                    .execute(
                        "UPDATE notify_outbox SET failed_at = $2, last_error = $3 WHERE id = $1",
                        &[&id, &now, &error],
                    )
                    .await,
            };
        done.map_err(|e| db_error("cannot record a sent mail", &e))?;
        Ok(())
    }
}
