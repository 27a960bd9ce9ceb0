//! Calls to the server's admin API, on the page's own origin (the session cookie goes along).

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use talkback_protocol::ErrorBody;
use talkback_protocol::ThreadInfo;
use talkback_protocol::moderation::{
    ActionRequest, ActionResults, AuditPage, Ban, BanList, FarmingReport, LockRequest, NewBan,
    QueueFilter, QueuePage, Session, SessionInfo, SignIn, SiteSettings,
};
use talkback_protocol::routes as paths;

/// Why a call failed, in words a moderator can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The server could not be reached.
    Network(String),
    /// The server refused, with its own explanation.
    Refused { status: u16, message: String },
    /// The answer was not what this page expects (page and server from different releases?).
    Unreadable(String),
}

impl Failure {
    /// The sentence shown on the page.
    pub fn message(&self) -> String {
        match self {
            Failure::Network(e) => format!(
                "The server could not be reached ({e}). Check the connection and try again."
            ),
            Failure::Refused { message, .. } => message.clone(),
            Failure::Unreadable(e) => {
                format!("The server's answer could not be read ({e}). Reload the page.")
            }
        }
    }

    /// True when the session is gone and the moderator must sign in again.
    pub fn signed_out(&self) -> bool {
        matches!(self, Failure::Refused { status: 401, .. })
    }
}

async fn answer<T: DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, Failure> {
    let res = res.map_err(|e| Failure::Network(e.to_string()))?;
    let status = res.status();
    if (200..300).contains(&status) {
        return res
            .json::<T>()
            .await
            .map_err(|e| Failure::Unreadable(e.to_string()));
    }
    let message = match res.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => format!("The server answered {status}."),
    };
    Err(Failure::Refused { status, message })
}

async fn send_json<B: Serialize, T: DeserializeOwned>(
    req: RequestBuilder,
    body: &B,
) -> Result<T, Failure> {
    let req = req
        .json(body)
        .map_err(|e| Failure::Unreadable(e.to_string()))?;
    answer(req.send().await).await
}

/// Signs in; the server also sets the HttpOnly session cookie the other calls rely on.
pub async fn sign_in(name: String, password: String) -> Result<Session, Failure> {
    send_json(
        Request::post(paths::ADMIN_SESSION),
        &SignIn { name, password },
    )
    .await
}

/// Who is signed in, if the cookie still holds a session.
pub async fn who() -> Result<SessionInfo, Failure> {
    answer(Request::get(paths::ADMIN_SESSION).send().await).await
}

/// Ends the session on every instance.
pub async fn sign_out() -> Result<(), Failure> {
    let res = Request::delete(paths::ADMIN_SESSION)
        .send()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    if res.ok() || res.status() == 401 {
        Ok(())
    } else {
        Err(Failure::Refused {
            status: res.status(),
            message: format!("Signing out failed ({}).", res.status()),
        })
    }
}

/// Which part of the queue to fetch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueAsk {
    /// Held, reported, hidden or all.
    pub filter: QueueFilter,
    /// A thread key, or empty for all threads.
    pub thread: String,
    /// An author's display name, or empty for everyone.
    pub author: String,
}

fn filter_name(f: QueueFilter) -> &'static str {
    match f {
        QueueFilter::Held => "held",
        QueueFilter::Reported => "reported",
        QueueFilter::Hidden => "hidden",
        QueueFilter::All => "all",
    }
}

/// One page of the queue, newest first.
pub async fn queue(ask: &QueueAsk, cursor: Option<String>) -> Result<QueuePage, Failure> {
    let mut params = vec![
        ("status", filter_name(ask.filter).to_owned()),
        ("limit", "25".to_owned()),
    ];
    if !ask.thread.trim().is_empty() {
        params.push(("thread", ask.thread.trim().to_owned()));
    }
    if !ask.author.trim().is_empty() {
        params.push(("author", ask.author.trim().to_owned()));
    }
    if let Some(c) = cursor {
        params.push(("cursor", c));
    }
    let req = Request::get(paths::ADMIN_QUEUE).query(params.iter().map(|(k, v)| (*k, v.as_str())));
    answer(req.send().await).await
}

/// Applies one action to one or more comments; each succeeds or fails on its own.
pub async fn act(req: &ActionRequest) -> Result<ActionResults, Failure> {
    send_json(Request::post(paths::ADMIN_ACTIONS), req).await
}

/// One page of the audit log, newest first.
pub async fn audit(cursor: Option<String>) -> Result<AuditPage, Failure> {
    let mut params = vec![("limit", "50".to_owned())];
    if let Some(c) = cursor {
        params.push(("cursor", c));
    }
    let req = Request::get(paths::ADMIN_AUDIT).query(params.iter().map(|(k, v)| (*k, v.as_str())));
    answer(req.send().await).await
}

/// The site settings (admins only).
pub async fn settings() -> Result<SiteSettings, Failure> {
    answer(Request::get(paths::ADMIN_SETTINGS).send().await).await
}

/// Changes the site settings (admins only).
pub async fn put_settings(s: &SiteSettings) -> Result<SiteSettings, Failure> {
    send_json(Request::put(paths::ADMIN_SETTINGS), s).await
}

/// Closes (or opens again) a thread to new comments.
pub async fn lock(req: &LockRequest) -> Result<ThreadInfo, Failure> {
    send_json(Request::post(paths::ADMIN_THREAD_LOCK), req).await
}

/// The bans in force, newest first.
pub async fn bans() -> Result<BanList, Failure> {
    answer(Request::get(paths::ADMIN_BANS).send().await).await
}

/// Bans a reader (by comment) or an address range; answers the ban as stored.
pub async fn ban(req: &NewBan) -> Result<Ban, Failure> {
    send_json(Request::post(paths::ADMIN_BANS), req).await
}

/// Address ranges near or over the new-reader-token ceiling this hour.
pub async fn farming() -> Result<FarmingReport, Failure> {
    answer(Request::get(paths::ADMIN_FARMING).send().await).await
}

/// Lifts a ban.
pub async fn lift_ban(id: &str) -> Result<(), Failure> {
    let url = paths::ADMIN_BAN.replace("{id}", id);
    let res = Request::delete(&url)
        .send()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    if res.ok() {
        return Ok(());
    }
    let status = res.status();
    let message = match res.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => format!("The server answered {status}."),
    };
    Err(Failure::Refused { status, message })
}
