//! Storage of reply notifications: confirmed addresses and the outbox of mails to send.
//!
//! Mails are written to the outbox by the request and sent by a background task, so a slow
//! mail server never slows posting and mails survive restarts. Several instances may share the
//! outbox: [`NotifyStore::claim_mails`] leases rows so each mail goes to one sender.

use async_trait::async_trait;

use super::{ReaderId, StoreError};

/// An address's state after a reader gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation mail should go out now with this token.
    SendConfirmation {
        /// Token of the confirmation link.
        confirm_token: String,
    },
    /// Nothing to send: already confirmed, or a confirmation went out recently.
    Nothing,
}

/// Who gets told about a reply to a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The reader who wrote the parent comment.
    pub reader_id: ReaderId,
    /// Their confirmed address.
    pub email: String,
    /// Token of their unsubscribe link.
    pub unsubscribe_token: String,
}

/// A mail to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMail {
    /// The address it goes to.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// One-click unsubscribe URL for `List-Unsubscribe`, if the mail has one.
    pub unsubscribe_url: Option<String>,
    /// Now, microseconds since the Unix epoch.
    pub created_at: i64,
}

/// A mail claimed for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMail {
    /// Outbox row id.
    pub id: i64,
    /// The mail.
    pub mail: NewMail,
    /// Sending attempts so far, this one included.
    pub attempts: u32,
}

/// How a sending attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    /// Accepted by the mail server.
    Sent,
    /// Refused or unreachable; try again at `retry_at` (microseconds), or give up when `None`.
    Failed {
        /// What went wrong, for the operator.
        error: String,
        /// When to try again.
        retry_at: Option<i64>,
    },
}

/// Confirmed addresses and the outbox.
#[async_trait]
pub trait NotifyStore: Send + Sync + 'static {
    /// Records that a reader gave `email` (lower-cased by the caller). A new address, or one
    /// not confirmed (or unsubscribed) whose last confirmation mail is older than
    /// `resend_before`, gets a confirmation; the tokens are used for a new address only.
    async fn subscribe(
        &self,
        email: String,
        confirm_token: String,
        unsubscribe_token: String,
        now: i64,
        resend_before: i64,
    ) -> Result<Subscribed, StoreError>;
    /// Confirms the address of `confirm_token` (again after an unsubscribe too); its address,
    /// or `None` for an unknown token.
    async fn confirm(&self, confirm_token: String, now: i64) -> Result<Option<String>, StoreError>;
    /// Stops mails to the address of `unsubscribe_token`; its address, or `None` for an
    /// unknown token.
    async fn unsubscribe(
        &self,
        unsubscribe_token: String,
        now: i64,
    ) -> Result<Option<String>, StoreError>;
    /// The author of comment `comment_id` if it is not deleted and was posted with an address
    /// that is confirmed and not unsubscribed.
    async fn reply_recipient(&self, comment_id: String) -> Result<Option<Recipient>, StoreError>;
    /// Queues a mail.
    async fn enqueue_mail(&self, mail: NewMail) -> Result<(), StoreError>;
    /// Leases up to `limit` due mails until `lease_until` (microseconds): another claim before
    /// then skips them, one after (the sender died) takes them again.
    async fn claim_mails(
        &self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError>;
    /// Records how sending a claimed mail ended.
    async fn finish_mail(&self, id: i64, outcome: MailOutcome, now: i64) -> Result<(), StoreError>;
}
