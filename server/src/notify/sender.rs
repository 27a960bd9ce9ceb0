//! The background task that sends queued mails: it claims due rows (a lease, so among several
//! instances one sends each mail), hands them to the SMTP server and records the outcome.

use std::sync::Arc;
use std::time::Duration;

use lettre::AsyncTransport;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};

use super::Notifier;
use crate::clock::now_micros;
use crate::store::Store;
use crate::store::notify::{MailOutcome, NewMail};

/// How often the outbox is looked at without a nudge (mails queued by other instances).
const POLL: Duration = Duration::from_secs(2);
/// How long a claimed mail is reserved for its sender; after that another may take it.
const LEASE: Duration = Duration::from_secs(120);
/// Mails claimed at once.
const BATCH: usize = 20;
/// A mail the SMTP server keeps refusing for a passing reason is given up after this many tries.
const MAX_ATTEMPTS: u32 = 8;

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// Sends queued mails until the returned task is aborted.
pub fn spawn(store: Arc<dyn Store>, notifier: Arc<Notifier>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let now = now_micros();
            let claimed = match store.claim_mails(now, now + micros(LEASE), BATCH).await {
                Ok(mails) => mails,
                Err(e) => {
                    eprintln!("talkback-server: cannot read the mail outbox: {e}");
                    Vec::new()
                }
            };
            let idle = claimed.is_empty();
            for queued in claimed {
                let outcome = match notifier.send(&queued.mail).await {
                    Ok(()) => MailOutcome::Sent,
                    Err(e) => {
                        let retry = !e.permanent && queued.attempts < MAX_ATTEMPTS;
                        eprintln!(
                            "talkback-server: mail {} to {} failed (attempt {}{}): {}",
                            queued.id,
                            queued.mail.recipient,
                            queued.attempts,
                            if retry { ", will retry" } else { ", giving up" },
                            e.message
                        );
                        // 20 s, 40 s, 80 s … up to an hour between tries.
                        let wait = Duration::from_secs(10u64 << queued.attempts.min(8))
                            .min(Duration::from_secs(3600));
                        MailOutcome::Failed {
                            error: e.message,
                            retry_at: retry.then(|| now_micros() + micros(wait)),
                        }
                    }
                };
                if let Err(e) = store.finish_mail(queued.id, outcome, now_micros()).await {
                    eprintln!("talkback-server: cannot record mail {}: {e}", queued.id);
                }
            }
            if idle {
                tokio::select! {
                    () = notifier.wake.notified() => {}
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        }
    })
}

/// Why a mail was not sent.
#[derive(Debug)]
pub struct SendError {
    /// For the operator's log.
    pub message: String,
    /// Trying again will not help (a malformed address, a 5xx answer).
    pub permanent: bool,
}

impl Notifier {
    /// Hands one mail to the SMTP server.
    pub async fn send(&self, mail: &NewMail) -> Result<(), SendError> {
        let permanent = |message: String| SendError {
            message,
            permanent: true,
        };
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| permanent(format!("bad recipient address: {e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = &mail.unsubscribe_url {
            // RFC 2369 and RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs
            // `List-Unsubscribe=One-Click` to this URL.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder
            .body(mail.body.clone())
            .map_err(|e| permanent(format!("cannot build the mail: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}
