//! Handlers that change a reader's own comment (edit, delete) and the side-effect-free preview.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use talkback_protocol::validate;
use talkback_protocol::{Comment, EditComment, Preview, PreviewRequest};

use crate::AppState;
use crate::error::AppError;
use crate::extract::{ApiJson, CommentIdPath, Reader};
use crate::pages;
use crate::present::present;
use crate::render::render_markdown;
use crate::store::{EditGrant, ReaderId, StoreError};
use crate::tree::Slot;

fn grant(state: &AppState, reader: ReaderId) -> EditGrant {
    EditGrant {
        reader,
        now: crate::clock::now_micros(),
        window_secs: state.edit_window_secs,
    }
}

/// A deleted comment cannot be changed any more; say so instead of the voting message.
fn changing(e: StoreError) -> AppError {
    match e {
        StoreError::CommentDeleted => {
            AppError::NotFound("This comment was deleted; it can no longer be changed.".to_owned())
        }
        e => e.into(),
    }
}

/// `PATCH /api/v1/comments/{id}`
pub async fn edit_comment(
    State(state): State<AppState>,
    Reader(reader): Reader,
    CommentIdPath(id): CommentIdPath,
    ApiJson(body): ApiJson<EditComment>,
) -> Result<Json<Comment>, AppError> {
    let body_md = validate::body(&body.body)?;
    let body_html = render_markdown(&body_md);
    let mut row = state
        .store
        .edit_comment(
            id.as_str().to_owned(),
            grant(&state, reader),
            body_md,
            body_html,
        )
        .await
        .map_err(changing)?;
    crate::identity::mark_verified(&state, std::slice::from_mut(&mut row)).await?;
    // The tree position is unchanged by an edit; reply paging is for the reading routes.
    let slot = Slot {
        id: row.id.clone(),
        reply_count: pages::reply_count(&state, &row.id).await?,
        replies_cursor: None,
        seen: crate::guard::seen_by(&state, &row.id, reader).await?,
    };
    let comment = present(&state.secret, &state.viewer(Some(reader)), row, &slot)
        .ok_or_else(|| AppError::Internal("a stored comment id did not parse".to_owned()))?;
    Ok(Json(comment))
}

/// `DELETE /api/v1/comments/{id}`
pub async fn delete_comment(
    State(state): State<AppState>,
    Reader(reader): Reader,
    CommentIdPath(id): CommentIdPath,
) -> Result<StatusCode, AppError> {
    state
        .store
        .delete_comment(id.as_str().to_owned(), grant(&state, reader))
        .await
        .map_err(changing)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/preview`: the stored rendering of a body, without storing it.
pub async fn preview(ApiJson(body): ApiJson<PreviewRequest>) -> Result<Json<Preview>, AppError> {
    let body_md = validate::body(&body.body)?;
    Ok(Json(Preview {
        body_html: render_markdown(&body_md),
    }))
}
