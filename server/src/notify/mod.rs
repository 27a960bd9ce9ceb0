//! Reply notifications by mail: a reader who gives an address confirms it through a link, and
//! from then on gets one mail per reply to their comments, each with a one-click unsubscribe.
//!
//! Requests only queue mails (store/notify.rs); [`sender`] sends them in the background.

pub mod compose;
pub mod pages;
pub mod sender;

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use crate::AppState;
use crate::config::Config;
use crate::ids::new_token;
use crate::store::notify::Subscribed;
use crate::store::{CommentRow, StoreError};
use compose::{Place, Reply};

/// Path of the confirmation link (a small HTML page).
pub const CONFIRM_PATH: &str = "/api/v1/notify/confirm";
/// Path of the unsubscribe link: GET from a mail client's link, POST for RFC 8058 one-click.
pub const UNSUBSCRIBE_PATH: &str = "/api/v1/notify/unsubscribe";
/// A new confirmation mail goes out at most this often per address.
pub const RESEND_AFTER: Duration = Duration::from_secs(3600);

/// The mail side of a server with notifications on.
pub struct Notifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: Option<String>,
    /// Wakes this instance's sender when a request queued a mail.
    pub wake: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL may hold a password.
        f.debug_struct("Notifier")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// The notifier the flags ask for: `None` without `--smtp-url`; the error names the flag.
    pub fn from_config(config: &Config) -> Result<Option<Notifier>, String> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                format!("--smtp-url: {e}; use smtp://HOST:PORT, add ?tls=required for STARTTLS, or smtps://HOST:PORT")
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = config
            .mail_from
            .as_deref()
            .ok_or("--smtp-url needs --mail-from, the sender address of notification mails")?
            .parse::<Mailbox>()
            .map_err(|e| format!("--mail-from: not a mail address ({e}), e.g. `Comments <comments@news.example.com>`"))?;
        let public_url = match config.public_url.as_deref().map(str::trim) {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                Some(u.trim_end_matches('/').to_owned())
            }
            Some(u) => return Err(format!("--public-url {u}: give an http or https URL")),
            None => None,
        };
        Ok(Some(Notifier {
            transport,
            from,
            public_url,
            wake: Arc::new(tokio::sync::Notify::new()),
        }))
    }

    /// The base of links in mails: `--public-url`, else what the request was sent to.
    fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(u) = &self.public_url {
            return u.clone();
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let proto = match header("x-forwarded-proto") {
            Some("https") => "https",
            _ => "http",
        };
        let host = header("x-forwarded-host")
            .or_else(|| header("host"))
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        format!("{proto}://{host}")
    }
}

/// After a comment was stored: asks a newly given address for confirmation and tells the
/// parent's author about the reply. Failures are logged, never the poster's problem: the
/// comment is stored either way.
pub async fn after_post(
    state: &AppState,
    headers: &HeaderMap,
    row: &CommentRow,
    body_md: &str,
    email: Option<&str>,
) {
    let Some(notifier) = &state.notify else {
        return;
    };
    if let Err(e) = queue(state, notifier, headers, row, body_md, email).await {
        eprintln!("talkback-server: could not queue a notification mail: {e}");
    }
    notifier.wake.notify_one();
}

async fn queue(
    state: &AppState,
    notifier: &Notifier,
    headers: &HeaderMap,
    row: &CommentRow,
    body_md: &str,
    email: Option<&str>,
) -> Result<(), StoreError> {
    let base = notifier.base_url(headers);
    let now = crate::clock::now_micros();
    let email = email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let place = place_of(state, &row.id).await?;
    if let Some(address) = &email {
        let resend = i64::try_from(RESEND_AFTER.as_micros()).unwrap_or(i64::MAX);
        let outcome = state
            .store
            .subscribe(address.clone(), new_token(), new_token(), now, now - resend)
            .await?;
        if let Subscribed::SendConfirmation { confirm_token } = outcome {
            let link = format!("{base}{CONFIRM_PATH}?token={confirm_token}");
            let mail = compose::confirmation(address, &link, &place, now);
            state.store.enqueue_mail(mail).await?;
        }
    }
    let Some(parent) = &row.parent_id else {
        return Ok(());
    };
    let Some(to) = state.store.reply_recipient(parent.clone()).await? else {
        return Ok(());
    };
    // Nobody is told about their own reply, by reader (one account on every device) or by
    // address (one person on two browsers).
    if to.reader_id == row.reader_id || email.as_deref() == Some(to.email.as_str()) {
        return Ok(());
    }
    let unsubscribe = format!("{base}{UNSUBSCRIBE_PATH}?token={}", to.unsubscribe_token);
    let reply = Reply {
        author: row.author.as_deref(),
        text: body_md,
        comment_id: &row.id,
    };
    let mail = compose::reply(&to.email, &reply, &place, &unsubscribe, now);
    state.store.enqueue_mail(mail).await
}

/// The article a comment is under: its title and an http(s) address (its URL, else its key).
async fn place_of(state: &AppState, comment_id: &str) -> Result<Place, StoreError> {
    let Some(thread) = state.store.thread_of_comment(comment_id.to_owned()).await? else {
        return Ok(Place::default());
    };
    let Some(t) = state.store.thread_by_id(thread).await? else {
        return Ok(Place::default());
    };
    let http = |u: &String| u.starts_with("http://") || u.starts_with("https://");
    let url = t.url.filter(http).or_else(|| Some(t.key).filter(http));
    Ok(Place {
        title: t.title,
        url,
    })
}
