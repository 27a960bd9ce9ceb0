//! HTTP handlers of protocol v1.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde::Deserialize;
use talkback_protocol::limits::{COUNTS_MAX_KEYS, PAGE_LIMIT_DEFAULT, REPLIES_LIMIT_DEFAULT};
use talkback_protocol::validate::{self, page_limit};
use talkback_protocol::{
    Comment, ContextPage, ContextQuery, CountsRequest, CountsResponse, NewComment, ReaderToken,
    RepliesPage, RepliesQuery, SortOrder, ThreadPage, ValidationError, VoteRequest, VoteResult,
    normalize_thread_key,
};

use crate::AppState;
use crate::clock::now_micros;
use crate::cursor::Position;
use crate::error::AppError;
use crate::client_ip::ClientIp;
use crate::extract::{ApiJson, ApiQuery, CommentIdPath, MaybeReader, Reader, SignedInAs};
use crate::ids::{new_comment_id, new_token, token_hash};
use crate::pages::{self, ThreadRequest};
use crate::present::present;
use crate::render::render_markdown;
use crate::store::InsertComment;
use crate::tree::Slot;

/// Query of the thread route; `key` is optional here so that a missing key gets the protocol's
/// "thread key is missing" message rather than a parser error.
#[derive(Deserialize)]
pub struct ThreadParams {
    key: Option<String>,
    limit: Option<u32>,
    replies: Option<u32>,
    cursor: Option<String>,
    sort: Option<SortOrder>,
}

/// Reads a cursor sent back by a client; it must have been made for `sort`.
fn cursor(raw: Option<&str>, sort: SortOrder) -> Result<Option<Position>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let position = Position::from_cursor(raw).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if position.sort != sort {
        return Err(AppError::BadRequest(format!(
            "This cursor belongs to the `{}` order but `sort={}` was asked for; load the first page again in the new order.",
            position.sort.as_str(),
            sort.as_str()
        )));
    }
    Ok(Some(position))
}

/// `POST /api/v1/readers`
pub async fn create_reader(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
) -> Result<(StatusCode, Json<ReaderToken>), AppError> {
    crate::abuse::check_new_reader(&state, ip).await?;
    let token = new_token();
    state.store.create_reader(token_hash(&token)).await?;
    Ok((StatusCode::CREATED, Json(ReaderToken { token })))
}

/// `GET /api/v1/thread`
pub async fn get_thread(
    State(state): State<AppState>,
    MaybeReader(reader): MaybeReader,
    ApiQuery(q): ApiQuery<ThreadParams>,
) -> Result<Json<ThreadPage>, AppError> {
    let sort = q.sort.unwrap_or_default();
    let req = ThreadRequest {
        key: normalize_thread_key(q.key.as_deref().unwrap_or_default())?,
        sort,
        limit: page_limit(q.limit, PAGE_LIMIT_DEFAULT, 1)?,
        replies: page_limit(q.replies, REPLIES_LIMIT_DEFAULT, 0)?,
        after: cursor(q.cursor.as_deref(), sort)?,
    };
    let viewer = state.viewer(reader);
    Ok(Json(pages::thread_page(&state, req, viewer).await?))
}

/// `GET /api/v1/comments/{id}/replies`
pub async fn get_replies(
    State(state): State<AppState>,
    MaybeReader(reader): MaybeReader,
    CommentIdPath(id): CommentIdPath,
    ApiQuery(q): ApiQuery<RepliesQuery>,
) -> Result<Json<RepliesPage>, AppError> {
    let sort = q.sort.unwrap_or_default();
    let limit = page_limit(q.limit, REPLIES_LIMIT_DEFAULT, 1)?;
    let after = cursor(q.cursor.as_deref(), sort)?;
    let viewer = state.viewer(reader);
    Ok(Json(
        pages::replies_page(&state, &id, sort, limit, after, viewer).await?,
    ))
}

/// `GET /api/v1/comments/{id}/context`
pub async fn get_context(
    State(state): State<AppState>,
    MaybeReader(reader): MaybeReader,
    CommentIdPath(id): CommentIdPath,
    ApiQuery(q): ApiQuery<ContextQuery>,
) -> Result<Json<ContextPage>, AppError> {
    let replies = page_limit(q.replies, REPLIES_LIMIT_DEFAULT, 0)?;
    let viewer = state.viewer(reader);
    Ok(Json(
        pages::context_page(&state, &id, q.sort.unwrap_or_default(), replies, viewer).await?,
    ))
}

/// `POST /api/v1/comments`
pub async fn post_comment(
    State(state): State<AppState>,
    Reader(reader): Reader,
    ClientIp(ip): ClientIp,
    SignedInAs(signed_in): SignedInAs,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewComment>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    let mut valid = validate::new_comment(&body)?;
    // A signed-in reader posts under the site's name for them, whatever the form said.
    if let Some(who) = &signed_in {
        valid.author = Some(who.name.clone());
    }
    let status = crate::guard::check_post(&state, reader, ip, &valid.thread).await?;
    let check = crate::abuse::check_post(&state, reader, ip, &body, &valid.body).await?;
    // A word-list match waits for a moderator, like a comment under pre-moderation.
    let status = if check.held_for.is_some() {
        talkback_protocol::CommentStatus::Held
    } else {
        status
    };
    let body_html = render_markdown(&valid.body);
    let (notify_body, notify_email) = (valid.body.clone(), valid.email.clone());
    let posted = state
        .store
        .insert_comment(InsertComment {
            id: new_comment_id(),
            thread_key: valid.thread,
            title: valid.title,
            url: valid.url,
            parent_id: valid.parent_id.map(String::from),
            reader_id: reader,
            author: valid.author,
            body_md: valid.body,
            body_html,
            created_at: now_micros(),
            email: valid.email,
            client_token: valid.client_token,
            status,
            ip: ip.map(|ip| ip.to_string()),
        })
        .await;
    let posted = match posted {
        Ok(posted) => posted,
        Err(e) => {
            check.release(&state).await;
            return Err(e.into());
        }
    };
    let mut posted = posted;
    posted.row.verified = signed_in.is_some();
    if posted.created {
        crate::notify::after_post(
            &state,
            &headers,
            &posted.row,
            &notify_body,
            notify_email.as_deref(),
        )
        .await;
    }
    // A repeated post answers with the comment as it is now, replies included in its count.
    let reply_count = if posted.created {
        0
    } else {
        pages::reply_count(&state, &posted.row.id).await?
    };
    let slot = Slot {
        id: posted.row.id.clone(),
        reply_count,
        replies_cursor: None,
        seen: crate::guard::seen_own(status),
    };
    let comment = present(
        &state.secret,
        &state.viewer(Some(reader)),
        posted.row,
        &slot,
    )
    .ok_or_else(|| AppError::Internal("a stored comment id did not parse".to_owned()))?;
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(comment)))
}

/// `PUT /api/v1/comments/{id}/vote`
pub async fn put_vote(
    State(state): State<AppState>,
    Reader(reader): Reader,
    CommentIdPath(id): CommentIdPath,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<VoteRequest>,
) -> Result<Json<VoteResult>, AppError> {
    crate::guard::check_ban(&state, reader, ip).await?;
    crate::abuse::check_own_vote(&state, reader, id.as_str(), body.value).await?;
    crate::abuse::check_vote(&state, reader, ip).await?;
    let t = state
        .store
        .set_vote(id.as_str().to_owned(), reader, body.value)
        .await?;
    let score = i64::try_from(t.upvotes).unwrap_or(i64::MAX)
        - i64::try_from(t.downvotes).unwrap_or(i64::MAX);
    Ok(Json(VoteResult {
        comment_id: id,
        score,
        upvotes: t.upvotes,
        downvotes: t.downvotes,
        my_vote: body.value,
    }))
}

/// `POST /api/v1/counts`: keys that are not valid thread keys count 0, like unknown threads.
pub async fn post_counts(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CountsRequest>,
) -> Result<Json<CountsResponse>, AppError> {
    if body.threads.is_empty() || body.threads.len() > COUNTS_MAX_KEYS {
        return Err(ValidationError::CountsKeys {
            max: COUNTS_MAX_KEYS,
        }
        .into());
    }
    let normalized: Vec<(String, Option<String>)> = body
        .threads
        .into_iter()
        .map(|k| (normalize_thread_key(&k).ok(), k))
        .map(|(n, k)| (k, n))
        .collect();
    let mut wanted: Vec<String> = normalized.iter().filter_map(|(_, n)| n.clone()).collect();
    wanted.sort();
    wanted.dedup();
    let found = state.store.counts(wanted).await?;
    let counts: BTreeMap<String, u64> = normalized
        .into_iter()
        .map(|(sent, n)| {
            let count = n.and_then(|n| found.get(&n).copied()).unwrap_or(0);
            (sent, count)
        })
        .collect();
    Ok(Json(CountsResponse { counts }))
}

/// Any unknown path under `/api` (and anywhere, without a static directory).
pub async fn not_found(method: Method, uri: Uri) -> AppError {
    AppError::NotFound(format!("There is no route {method} {}.", uri.path()))
}

/// A known path asked with a method it does not serve.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
