//! The moderator API under `/api/v1/admin/` (and the readers' report route): who may use it is
//! decided by [`auth::Moderating`]; what each action does to a comment, by the store.

pub mod auth;
pub mod cli;
pub mod queue;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use talkback_protocol::limits::{PAGE_LIMIT_DEFAULT, REASON_MAX_CHARS};
use talkback_protocol::moderation::{
    AuditEntry, AuditPage, AuditQuery, Ban, BanList, FarmingReport, LockRequest, NewBan,
    SiteSettings,
};
use talkback_protocol::routes as paths;
use talkback_protocol::validate::page_limit;
use talkback_protocol::{CommentId, Cursor, ThreadInfo, normalize_thread_key};

use crate::AppState;
use crate::clock::{now_micros, rfc3339};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::store::moderation::{BanRow, BanTarget, Cidr};
use auth::Moderating;

/// The moderation routes, to merge into the API router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::REPORT, post(crate::guard::report))
        .route(
            paths::ADMIN_SESSION,
            post(auth::sign_in).get(auth::who).delete(auth::sign_out),
        )
        .route(paths::ADMIN_QUEUE, get(queue::queue))
        .route(paths::ADMIN_ACTIONS, post(queue::actions))
        .route(paths::ADMIN_THREAD_LOCK, post(lock))
        .route(paths::ADMIN_BANS, get(bans).post(ban))
        .route(paths::ADMIN_BAN, delete(lift_ban))
        .route(paths::ADMIN_AUDIT, get(audit))
        .route(paths::ADMIN_FARMING, get(farming))
        .route(paths::ADMIN_SETTINGS, get(settings).put(put_settings))
}

/// A moderator's reason, trimmed; checked against [`REASON_MAX_CHARS`].
pub fn reason(raw: Option<String>) -> Result<Option<String>, AppError> {
    let r = raw.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if let Some(text) = &r {
        let len = text.chars().count();
        if len > REASON_MAX_CHARS {
            return Err(AppError::Validation(format!(
                "The reason is {len} characters long; the limit is {REASON_MAX_CHARS}."
            )));
        }
    }
    Ok(r)
}

/// The end of a ban of `secs` seconds from now, in microseconds.
pub fn until(secs: u64) -> Result<i64, AppError> {
    if secs == 0 {
        return Err(AppError::Validation(
            "A ban must last at least one second; leave the duration out to ban for good."
                .to_owned(),
        ));
    }
    let micros = i64::try_from(secs)
        .unwrap_or(i64::MAX)
        .saturating_mul(1_000_000);
    Ok(now_micros().saturating_add(micros))
}

/// `POST /api/v1/admin/threads/lock`
async fn lock(
    State(state): State<AppState>,
    me: Moderating,
    ApiJson(body): ApiJson<LockRequest>,
) -> Result<Json<ThreadInfo>, AppError> {
    let key = normalize_thread_key(&body.thread)?;
    let why = reason(body.reason)?;
    match state
        .store
        .lock_thread(key, body.locked, me.actor(why))
        .await?
    {
        Some(t) => Ok(Json(queue::thread_info(t, state.notify.is_some()))),
        None => Err(AppError::NotFound(
            "No thread has this key; a thread exists once it has a comment.".to_owned(),
        )),
    }
}

fn ban_wire(b: BanRow) -> Ban {
    Ban {
        id: b.id.to_string(),
        kind: b.kind,
        comment_id: b.comment_id.as_deref().and_then(CommentId::parse),
        // A reader's own address, taken from their comment, is not shown to moderators.
        ip_range: b.ip_range.filter(|_| b.range_shown),
        created_by: b.created_by,
        created_at: rfc3339(b.created_at),
        expires_at: b.expires_at.map(rfc3339),
        reason: b.reason,
    }
}

/// `GET /api/v1/admin/bans`
async fn bans(State(state): State<AppState>, _me: Moderating) -> Result<Json<BanList>, AppError> {
    let bans = state.store.bans(now_micros()).await?;
    Ok(Json(BanList {
        bans: bans.into_iter().map(ban_wire).collect(),
    }))
}

/// `POST /api/v1/admin/bans`
async fn ban(
    State(state): State<AppState>,
    me: Moderating,
    ApiJson(body): ApiJson<NewBan>,
) -> Result<(StatusCode, Json<Ban>), AppError> {
    let target = match (body.comment_id, body.ip_range) {
        (Some(id), None) => BanTarget::AuthorOf(id.as_str().to_owned()),
        (None, Some(range)) => match Cidr::parse(&range) {
            Some(cidr) => BanTarget::Range(cidr.to_string()),
            None => {
                return Err(AppError::Validation(format!(
                    "{range:?} is not an address range: write one like 203.0.113.0/24 or 2001:db8::/32, or a single address."
                )));
            }
        },
        _ => {
            return Err(AppError::Validation(
                "Give exactly one of `comment_id` (bans its author) and `ip_range`.".to_owned(),
            ));
        }
    };
    let end = body.duration_secs.map(until).transpose()?;
    let why = reason(body.reason)?;
    let row = state.store.ban(target, end, me.actor(why)).await?;
    Ok((StatusCode::CREATED, Json(ban_wire(row))))
}

/// `DELETE /api/v1/admin/bans/{id}`
async fn lift_ban(
    State(state): State<AppState>,
    me: Moderating,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let gone = || AppError::NotFound("No ban in force has this id.".to_owned());
    let id: i64 = id.trim().parse().map_err(|_| gone())?;
    if state.store.lift_ban(id, me.actor(None)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(gone())
    }
}

/// `GET /api/v1/admin/farming`
async fn farming(
    State(state): State<AppState>,
    _me: Moderating,
) -> Result<Json<FarmingReport>, AppError> {
    Ok(Json(crate::abuse::farming::report(&state).await?))
}

/// `GET /api/v1/admin/audit`
async fn audit(
    State(state): State<AppState>,
    _me: Moderating,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let limit = page_limit(q.limit, PAGE_LIMIT_DEFAULT, 1)? as usize;
    let before = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| t.strip_prefix("a1:").and_then(|n| n.parse::<i64>().ok()))
                .ok_or_else(|| {
                    AppError::BadRequest(
                        "The cursor is not one this server issued; load the log again without it."
                            .to_owned(),
                    )
                })?,
        ),
        None => None,
    };
    let mut rows = state.store.audit_log(before, limit + 1).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| {
            rows.last()
                .map(|r| Cursor(URL_SAFE_NO_PAD.encode(format!("a1:{}", r.id))))
        })
        .flatten();
    Ok(Json(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: u64::try_from(r.id).unwrap_or(0),
                moderator: r.moderator,
                action: r.action,
                target_kind: r.target_kind,
                target: r.target,
                detail: r.detail,
                reason: r.reason,
                created_at: rfc3339(r.created_at),
            })
            .collect(),
        next_cursor,
    }))
}

/// `GET /api/v1/admin/settings`
async fn settings(
    State(state): State<AppState>,
    _me: Moderating,
) -> Result<Json<SiteSettings>, AppError> {
    Ok(Json(SiteSettings {
        moderation: state.store.moderation_mode().await?,
    }))
}

/// `PUT /api/v1/admin/settings` (admins only)
async fn put_settings(
    State(state): State<AppState>,
    me: Moderating,
    ApiJson(body): ApiJson<SiteSettings>,
) -> Result<Json<SiteSettings>, AppError> {
    me.require_admin()?;
    state
        .store
        .set_moderation_mode(body.moderation, Some(me.actor(None)))
        .await?;
    Ok(Json(SiteSettings {
        moderation: state.store.moderation_mode().await?,
    }))
}
