//! What moderation means for readers: locked threads and bans stop posting and voting, new
//! comments are held under pre-moderation, and readers report comments.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use talkback_protocol::limits::REPORT_NOTE_MAX_CHARS;
use talkback_protocol::moderation::ModerationMode;
use talkback_protocol::{CommentStatus, ReportRequest};

use crate::AppState;
use crate::clock::{now_micros, rfc3339};
use crate::error::AppError;
use crate::extract::{ApiJson, CommentIdPath, Reader};
use crate::store::ReaderId;
use crate::store::moderation::BanRow;
use crate::tree::Seen;

/// The refusal a banned reader gets, saying until when.
pub fn banned(ban: &BanRow) -> AppError {
    match ban.expires_at {
        Some(until) => AppError::Banned(format!(
            "A moderator has stopped you from posting and voting here until {} (UTC).",
            rfc3339(until).replace('T', " ").trim_end_matches('Z')
        )),
        None => {
            AppError::Banned("A moderator has stopped you from posting and voting here.".to_owned())
        }
    }
}

/// Refuses a banned reader or address.
pub async fn check_ban(
    state: &AppState,
    reader: ReaderId,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    match state.store.ban_of(reader, ip, now_micros()).await? {
        Some(ban) => Err(banned(&ban)),
        None => Ok(()),
    }
}

/// Checks that `reader` may post into the thread `key` from `ip`, and says the status the new
/// comment gets: held under pre-moderation, else visible.
pub async fn check_post(
    state: &AppState,
    reader: ReaderId,
    ip: Option<IpAddr>,
    key: &str,
) -> Result<CommentStatus, AppError> {
    check_ban(state, reader, ip).await?;
    if state.store.thread_locked(key.to_owned()).await? {
        return Err(AppError::ThreadLocked(
            "This discussion has been closed by the moderators; it takes no new comments."
                .to_owned(),
        ));
    }
    Ok(match state.store.moderation_mode().await? {
        ModerationMode::Pre => CommentStatus::Held,
        ModerationMode::Post => CommentStatus::Visible,
    })
}

/// How the author sees a comment they just posted.
pub fn seen_own(status: CommentStatus) -> Seen {
    Seen {
        status,
        pinned: false,
        gone: false,
    }
}

/// How `reader` sees one comment now, for answers about a single comment (an edit).
pub async fn seen_by(state: &AppState, id: &str, reader: ReaderId) -> Result<Seen, AppError> {
    let row = state.store.mod_comments(vec![id.to_owned()]).await?;
    Ok(match row.first() {
        Some(r) => {
            let shown = !r.deleted
                && (r.status == CommentStatus::Visible
                    || (r.status == CommentStatus::Held && r.reader_id == reader));
            Seen {
                status: if shown {
                    r.status
                } else {
                    CommentStatus::Visible
                },
                pinned: shown && r.pinned && r.parent_id.is_none(),
                gone: !shown,
            }
        }
        None => Seen::default(),
    })
}

/// `POST /api/v1/comments/{id}/report`
pub async fn report(
    State(state): State<AppState>,
    Reader(reader): Reader,
    CommentIdPath(id): CommentIdPath,
    ApiJson(body): ApiJson<ReportRequest>,
) -> Result<StatusCode, AppError> {
    let note = body
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if let Some(n) = &note {
        let len = n.chars().count();
        if len > REPORT_NOTE_MAX_CHARS {
            return Err(AppError::Validation(format!(
                "The note is {len} characters long; the limit is {REPORT_NOTE_MAX_CHARS}. Please shorten it."
            )));
        }
        if n.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::Validation(
                "The note contains control characters; remove them and try again.".to_owned(),
            ));
        }
    }
    state
        .store
        .report(
            id.as_str().to_owned(),
            reader,
            body.reason,
            note,
            now_micros(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The TCP peer's address, kept with each comment for address bans (behind a reverse proxy it is
/// the proxy's; `client_ip.rs` reads `X-Forwarded-For` where the server is told to trust it).
pub struct PeerIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}
