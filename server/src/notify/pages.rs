//! The pages behind the links in notification mails: confirm an address, unsubscribe (GET from
//! the link, POST for RFC 8058 one-click unsubscribe from the mail client).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::clock::now_micros;

/// The `?token=` of a link.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

fn token(q: &TokenQuery) -> Option<String> {
    q.token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .map(str::to_owned)
}

/// A small self-contained HTML page; `text` is ours, never a reader's.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font:1.05rem/1.5 system-ui,sans-serif;max-width:32rem;\
         margin:4rem auto;padding:0 1.25rem;color:#1d1d1f}}h1{{font-size:1.4rem}}</style></head>\
         <body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    );
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn unknown_link() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not recognised",
        "This link is not known here. It may be incomplete; copy the whole link from the mail.",
    )
}

fn failed() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The server could not handle this link right now. Please try again in a minute.",
    )
}

/// `GET /api/v1/notify/confirm?token=`
pub async fn confirm(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let Some(token) = token(&q) else {
        return unknown_link();
    };
    match state.store.confirm(token, now_micros()).await {
        Ok(Some(_)) => page(
            StatusCode::OK,
            "Notifications on",
            "You will get a mail when someone replies to your comments. Every mail has a link to stop them.",
        ),
        Ok(None) => unknown_link(),
        Err(e) => {
            eprintln!("talkback-server: confirming an address failed: {e}");
            failed()
        }
    }
}

async fn unsubscribe(state: &AppState, q: &TokenQuery) -> Response {
    let Some(token) = token(q) else {
        return unknown_link();
    };
    match state.store.unsubscribe(token, now_micros()).await {
        Ok(Some(_)) => page(
            StatusCode::OK,
            "Unsubscribed",
            "You will get no more mails about replies to your comments.",
        ),
        Ok(None) => unknown_link(),
        Err(e) => {
            eprintln!("talkback-server: unsubscribing failed: {e}");
            failed()
        }
    }
}

/// `GET /api/v1/notify/unsubscribe?token=`: the link in the mail's text.
pub async fn unsubscribe_link(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Response {
    unsubscribe(&state, &q).await
}

/// `POST /api/v1/notify/unsubscribe?token=` with `List-Unsubscribe=One-Click` (RFC 8058); the
/// body is not needed to know what to do, so it is not read.
pub async fn unsubscribe_one_click(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Response {
    unsubscribe(&state, &q).await
}
