//! The moderation queue and the actions on comments.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::Json;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use talkback_protocol::limits::{ACTION_IDS_MAX, PAGE_LIMIT_DEFAULT};
use talkback_protocol::moderation::{
    ActionRequest, ActionResult, ActionResults, ModAction, ModComment, QueueItem, QueuePage,
    QueueQuery, ReportInfo,
};
use talkback_protocol::validate::page_limit;
use talkback_protocol::{CommentId, Cursor, ThreadInfo, normalize_thread_key};

use super::auth::Moderating;
use super::reason;
use crate::AppState;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::ids::avatar_seed;
use crate::store::moderation::{ModRow, QueueSelect};
use crate::store::{ThreadId, ThreadRow};

/// Deepest ancestor chain sent as context.
const CONTEXT_MAX: usize = 50;

/// A comment in its moderator form; `None` if its id does not parse.
pub fn mod_comment(secret: &str, row: ModRow) -> Option<ModComment> {
    let score = i64::try_from(row.upvotes).unwrap_or(i64::MAX)
        - i64::try_from(row.downvotes).unwrap_or(i64::MAX);
    Some(ModComment {
        id: CommentId::parse(&row.id)?,
        parent_id: row.parent_id.as_deref().and_then(CommentId::parse),
        avatar_seed: if row.deleted {
            String::new()
        } else {
            avatar_seed(secret, row.reader_id, row.author.as_deref())
        },
        author: row.author,
        body_html: row.body_html,
        created_at: rfc3339(row.created_at),
        edited_at: row.edited_at.map(rfc3339),
        status: row.status,
        deleted: row.deleted,
        pinned: row.pinned,
        score,
    })
}

/// A thread's wire metadata; `reply_mail` says whether this server sends reply notifications.
pub fn thread_info(t: ThreadRow, reply_mail: bool) -> ThreadInfo {
    ThreadInfo {
        key: t.key,
        title: t.title,
        url: t.url,
        comment_count: t.comment_count,
        locked: t.locked,
        reply_mail,
    }
}

fn queue_cursor(at: i64, id: &str) -> Cursor {
    Cursor(URL_SAFE_NO_PAD.encode(format!("q1:{at}:{id}")))
}

fn read_queue_cursor(raw: &str) -> Result<(i64, String), AppError> {
    let bad = || {
        AppError::BadRequest(
            "The cursor is not one this server issued; load the queue again without it.".to_owned(),
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(raw.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let rest = text.strip_prefix("q1:").ok_or_else(bad)?;
    let (at, id) = rest.split_once(':').ok_or_else(bad)?;
    CommentId::parse(id).ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, id.to_owned()))
}

/// The ancestors of each comment, root first, read level by level.
async fn ancestors(state: &AppState, rows: &[ModRow]) -> Result<HashMap<String, ModRow>, AppError> {
    let mut known: HashMap<String, ModRow> = HashMap::new();
    let mut wanted: Vec<String> = rows.iter().filter_map(|r| r.parent_id.clone()).collect();
    for _ in 0..CONTEXT_MAX {
        wanted.retain(|id| !known.contains_key(id));
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            break;
        }
        let found = state
            .store
            .mod_comments(std::mem::take(&mut wanted))
            .await?;
        for row in found {
            if let Some(p) = &row.parent_id {
                wanted.push(p.clone());
            }
            known.insert(row.id.clone(), row);
        }
    }
    Ok(known)
}

/// `GET /api/v1/admin/queue`
pub async fn queue(
    State(state): State<AppState>,
    _me: Moderating,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<Json<QueuePage>, AppError> {
    let limit = page_limit(q.limit, PAGE_LIMIT_DEFAULT, 1)? as usize;
    let thread = match q.thread.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(normalize_thread_key(t)?),
        None => None,
    };
    let before = match q.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(read_queue_cursor(c)?),
        None => None,
    };
    let mut rows = state
        .store
        .queue(QueueSelect {
            filter: q.status.unwrap_or_default(),
            thread,
            author: q
                .author
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty()),
            before,
            limit: limit + 1,
        })
        .await?;
    let next_cursor = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last()
            .map(|r| queue_cursor(r.comment.created_at, &r.comment.id))
    });
    let comments: Vec<ModRow> = rows.iter().map(|r| r.comment.clone()).collect();
    let known = ancestors(&state, &comments).await?;
    let mut threads: HashMap<ThreadId, ThreadInfo> = HashMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let thread_id = row.comment.thread_id;
        if let Entry::Vacant(slot) = threads.entry(thread_id)
            && let Some(t) = state.store.thread_by_id(thread_id).await?
        {
            slot.insert(thread_info(t, state.notify.is_some()));
        }
        let Some(thread) = threads.get(&thread_id).cloned() else {
            continue;
        };
        let mut context = Vec::new();
        let mut at = row.comment.parent_id.clone();
        while let Some(parent) = at.take().filter(|_| context.len() < CONTEXT_MAX) {
            if let Some(p) = known.get(&parent) {
                at = p.parent_id.clone();
                context.extend(mod_comment(&state.secret, p.clone()));
            }
        }
        context.reverse();
        let Some(comment) = mod_comment(&state.secret, row.comment) else {
            continue;
        };
        items.push(QueueItem {
            comment,
            thread,
            context,
            report_count: row.report_count,
            reports: row
                .reports
                .into_iter()
                .map(|r| ReportInfo {
                    reason: r.reason,
                    note: r.note,
                    created_at: rfc3339(r.created_at),
                })
                .collect(),
        });
    }
    Ok(Json(QueuePage {
        items,
        next_cursor: next_cursor.flatten(),
    }))
}

/// `POST /api/v1/admin/actions`
pub async fn actions(
    State(state): State<AppState>,
    me: Moderating,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<Json<ActionResults>, AppError> {
    if !body.action.on_comments() {
        return Err(AppError::Validation(format!(
            "`{}` is not an action on comments; use its own route.",
            body.action.as_str()
        )));
    }
    if body.ids.is_empty() || body.ids.len() > ACTION_IDS_MAX {
        return Err(AppError::Validation(format!(
            "Name 1 to {ACTION_IDS_MAX} comments in `ids`."
        )));
    }
    let why = reason(body.reason)?;
    let ban_until = match (body.action, body.ban_secs) {
        (ModAction::BanAuthor | ModAction::BanIp, Some(secs)) => Some(super::until(secs)?),
        _ => None,
    };
    let mut results = Vec::with_capacity(body.ids.len());
    for id in body.ids {
        let outcome = state
            .store
            .moderate(
                id.as_str().to_owned(),
                body.action,
                me.actor(why.clone()),
                ban_until,
            )
            .await;
        results.push(match outcome {
            Ok(row) => ActionResult {
                id,
                comment: mod_comment(&state.secret, row),
                error: None,
            },
            Err(e) => ActionResult {
                id,
                comment: None,
                error: Some(AppError::from(e).into_api_error()),
            },
        });
    }
    Ok(Json(ActionResults { results }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_cursors_round_trip_and_foreign_ones_are_refused() {
        let c = queue_cursor(1_790_000_000_000_000, "c_1");
        assert_eq!(
            read_queue_cursor(&c.0).ok(),
            Some((1_790_000_000_000_000, "c_1".to_owned()))
        );
        assert!(read_queue_cursor("nope").is_err());
        assert!(read_queue_cursor(&URL_SAFE_NO_PAD.encode("q1:x:c1")).is_err());
    }
}
