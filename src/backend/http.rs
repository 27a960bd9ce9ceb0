//! One HTTP exchange with a time limit, reduced to status and body text.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::BackendError;

/// How long a request may take before the reader is told to try again.
pub const TIMEOUT_MS: i32 = 15_000;

/// The parts of an answer the widget looks at.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as text (JSON is parsed by the caller, so bad JSON is a typed error, not a panic).
    pub body: String,
    /// The value of the header asked for with [`Extra::header`], when the answer had it.
    // Only the peer adapters ask for one.
    #[cfg_attr(not(feature = "peers"), allow(dead_code))]
    pub header: Option<String>,
}

/// What some servers need beyond method, URL and body.
#[derive(Clone, Copy, Default)]
pub struct Extra {
    /// Send and accept the server's cookies (Isso authorises edits with one).
    pub credentials: bool,
    /// A response header to read (it must be exposed to CORS by the server).
    pub header: Option<&'static str>,
}

/// Sends a request; `json` is sent as an `application/json` body.
pub async fn send(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    json: Option<&str>,
) -> Result<Reply, BackendError> {
    send_with(method, url, bearer, json, Extra::default()).await
}

/// The header a Talkback server reads the site's sign-in token from.
pub const SSO_HEADER: &str = "X-Talkback-SSO";

/// [`send`] with the site's sign-in token, when the reader has one.
pub async fn send_signed(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    sso: Option<&str>,
    json: Option<&str>,
) -> Result<Reply, BackendError> {
    send_full(method, url, bearer, sso, json, Extra::default()).await
}

/// [`send`] with cookies and a response header, for servers that need them.
pub async fn send_with(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    json: Option<&str>,
    extra: Extra,
) -> Result<Reply, BackendError> {
    send_full(method, url, bearer, None, json, extra).await
}

async fn send_full(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    sso: Option<&str>,
    json: Option<&str>,
    extra: Extra,
) -> Result<Reply, BackendError> {
    let window = web_sys::window().ok_or(BackendError::Network)?;
    let controller = web_sys::AbortController::new().map_err(|_| BackendError::Network)?;
    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let (flag, controller) = (timed_out.clone(), controller.clone());
        Closure::once(move || {
            flag.set(true);
            controller.abort();
        })
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            TIMEOUT_MS,
        )
        .ok();

    let signal = controller.signal();
    let result = exchange(method, url, bearer, sso, json, extra, &signal).await;

    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    // The timer is cleared, so the closure can no longer be called once it is dropped here.
    drop(on_timeout);
    match result {
        Err(_) if timed_out.get() => Err(BackendError::Timeout),
        r => r,
    }
}

async fn exchange(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    sso: Option<&str>,
    json: Option<&str>,
    extra: Extra,
    signal: &web_sys::AbortSignal,
) -> Result<Reply, BackendError> {
    let mut builder = RequestBuilder::new(url)
        .method(method)
        .abort_signal(Some(signal))
        .header("Accept", "application/json");
    if extra.credentials {
        builder = builder.credentials(web_sys::RequestCredentials::Include);
    }
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(token) = sso {
        builder = builder.header(SSO_HEADER, token);
    }
    let request = match json {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|_| BackendError::Network)?;
    let response = request.send().await.map_err(|_| BackendError::Network)?;
    let status = response.status();
    let header = extra.header.and_then(|h| response.headers().get(h));
    let body = response.text().await.map_err(|_| BackendError::Network)?;
    Ok(Reply {
        status,
        body,
        header,
    })
}
