//! Reading side of the API: thread, replies and context pages, assembled from the store and the tree.

use std::collections::HashMap;

use talkback_protocol::{
    Comment, CommentId, ContextPage, RepliesPage, SortOrder, ThreadInfo, ThreadPage,
};

use crate::AppState;
use crate::cursor::Position;
use crate::error::AppError;
use crate::present::{Viewer, present};
use crate::store::{CommentRow, ReaderId, StoreError, ThreadRow};
use crate::tree::{Forest, Slot};

/// What a thread page asks for, already validated.
pub struct ThreadRequest {
    /// Normalized key.
    pub key: String,
    /// Order of comments and replies.
    pub sort: SortOrder,
    /// Top-level comments per page.
    pub limit: u32,
    /// Direct replies per comment.
    pub replies: u32,
    /// Continue after this position (of the same sort).
    pub after: Option<Position>,
}

/// Builds `GET /api/v1/thread`; an unknown thread is an empty page.
pub async fn thread_page(
    state: &AppState,
    req: ThreadRequest,
    viewer: Viewer,
) -> Result<ThreadPage, AppError> {
    let Some(thread) = state.store.thread_by_key(req.key.clone()).await? else {
        return Ok(ThreadPage {
            thread: ThreadInfo {
                key: req.key,
                title: None,
                url: None,
                comment_count: 0,
                locked: false,
                reply_mail: state.notify.is_some(),
            },
            comments: Vec::new(),
            next_cursor: None,
            last_event_id: Some(0),
        });
    };
    let forest = Forest::for_viewer(
        state.store.skeleton(thread.id).await?,
        req.sort,
        viewer.reader,
    );
    let page = forest.top_level(req.after.as_ref(), req.limit, req.replies);
    let next_cursor = page.next.as_ref().map(Position::to_cursor);
    // Read with the thread row, before the comments: the page shows at least every change up
    // to this event, so a stream opened after it misses nothing.
    let last_event_id = Some(u64::try_from(thread.last_event).unwrap_or(0));
    Ok(ThreadPage {
        last_event_id,
        thread: info(thread, state.notify.is_some()),
        comments: fill(state, page.slots, viewer).await?,
        next_cursor,
    })
}

/// Builds `GET /api/v1/comments/{id}/replies`.
pub async fn replies_page(
    state: &AppState,
    parent: &CommentId,
    sort: SortOrder,
    limit: u32,
    after: Option<Position>,
    viewer: Viewer,
) -> Result<RepliesPage, AppError> {
    let forest = forest_of(state, parent, sort, viewer.reader).await?.1;
    let nested = talkback_protocol::limits::REPLIES_LIMIT_DEFAULT;
    let page = forest
        .replies(parent.as_str(), after.as_ref(), limit, nested)
        .ok_or(StoreError::CommentNotFound)?;
    let next_cursor = page.next.as_ref().map(Position::to_cursor);
    Ok(RepliesPage {
        comments: fill(state, page.slots, viewer).await?,
        next_cursor,
    })
}

/// Builds `GET /api/v1/comments/{id}/context`: a deleted comment without replies is not found.
pub async fn context_page(
    state: &AppState,
    target: &CommentId,
    sort: SortOrder,
    replies: u32,
    viewer: Viewer,
) -> Result<ContextPage, AppError> {
    let (thread, forest) = forest_of(state, target, sort, viewer.reader).await?;
    let slots = forest
        .context(target.as_str(), replies)
        .ok_or(StoreError::CommentNotFound)?;
    Ok(ContextPage {
        thread: info(thread, state.notify.is_some()),
        target: target.clone(),
        comments: fill(state, slots, viewer).await?,
    })
}

/// The thread a comment belongs to, arranged in `sort` order.
async fn forest_of(
    state: &AppState,
    comment: &CommentId,
    sort: SortOrder,
    reader: Option<ReaderId>,
) -> Result<(ThreadRow, Forest), AppError> {
    let thread_id = state
        .store
        .thread_of_comment(comment.as_str().to_owned())
        .await?
        .ok_or(StoreError::CommentNotFound)?;
    let thread = state
        .store
        .thread_by_id(thread_id)
        .await?
        .ok_or(StoreError::CommentNotFound)?;
    let forest = Forest::for_viewer(state.store.skeleton(thread_id).await?, sort, reader);
    Ok((thread, forest))
}

/// The visible direct replies of a comment, as the reading routes count them.
pub async fn reply_count(state: &AppState, id: &str) -> Result<u64, AppError> {
    let Some(thread) = state.store.thread_of_comment(id.to_owned()).await? else {
        return Ok(0);
    };
    let forest = Forest::new(state.store.skeleton(thread).await?, SortOrder::default());
    Ok(forest.reply_count(id).unwrap_or(0))
}

fn info(thread: ThreadRow, reply_mail: bool) -> ThreadInfo {
    ThreadInfo {
        key: thread.key,
        title: thread.title,
        url: thread.url,
        comment_count: thread.comment_count,
        locked: thread.locked,
        reply_mail,
    }
}

/// Fetches the content of a page's comments and puts it in the page's order.
async fn fill(
    state: &AppState,
    slots: Vec<Slot>,
    viewer: Viewer,
) -> Result<Vec<Comment>, AppError> {
    let ids = slots.iter().map(|s| s.id.clone()).collect();
    let mut found = state.store.comments(ids, viewer.reader).await?;
    crate::identity::mark_verified(state, &mut found).await?;
    let mut rows: HashMap<String, CommentRow> =
        found.into_iter().map(|r| (r.id.clone(), r)).collect();
    Ok(slots
        .into_iter()
        .filter_map(|slot| {
            let row = rows.remove(&slot.id)?;
            present(&state.secret, &viewer, row, &slot)
        })
        .collect())
}
