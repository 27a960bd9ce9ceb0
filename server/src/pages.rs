//! Reading side of the API: threads and replies pages, assembled from the store and the tree.

use std::collections::HashMap;

use talkback_protocol::{Comment, CommentId, RepliesPage, ThreadInfo, ThreadPage, Vote};

use crate::AppState;
use crate::clock::rfc3339;
use crate::cursor::Position;
use crate::error::AppError;
use crate::ids::avatar_seed;
use crate::store::{CommentRow, ReaderId, StoreError};
use crate::tree::{Forest, Page, Slot};

/// What a thread page asks for, already validated.
pub struct ThreadRequest {
    /// Normalized key.
    pub key: String,
    /// Top-level comments per page.
    pub limit: u32,
    /// Direct replies per comment.
    pub replies: u32,
    /// Continue after this position.
    pub after: Option<Position>,
    /// The asking reader, for `my_vote`.
    pub reader: Option<ReaderId>,
}

/// Builds `GET /api/v1/thread`; an unknown thread is an empty page.
pub async fn thread_page(state: &AppState, req: ThreadRequest) -> Result<ThreadPage, AppError> {
    let Some(thread) = state.store.thread_by_key(req.key.clone()).await? else {
        return Ok(ThreadPage {
            thread: ThreadInfo {
                key: req.key,
                title: None,
                url: None,
                comment_count: 0,
            },
            comments: Vec::new(),
            next_cursor: None,
        });
    };
    let forest = Forest::new(state.store.skeleton(thread.id).await?);
    let page = forest.top_level(req.after.as_ref(), req.limit, req.replies);
    let next_cursor = page.next.as_ref().map(Position::to_cursor);
    let comments = fill(state, page, req.reader).await?;
    Ok(ThreadPage {
        thread: ThreadInfo {
            key: thread.key,
            title: thread.title,
            url: thread.url,
            comment_count: thread.comment_count,
        },
        comments,
        next_cursor,
    })
}

/// Builds `GET /api/v1/comments/{id}/replies`.
pub async fn replies_page(
    state: &AppState,
    parent: &CommentId,
    limit: u32,
    after: Option<Position>,
    reader: Option<ReaderId>,
) -> Result<RepliesPage, AppError> {
    let thread = state
        .store
        .thread_of_comment(parent.as_str().to_owned())
        .await?
        .ok_or(StoreError::CommentNotFound)?;
    let forest = Forest::new(state.store.skeleton(thread).await?);
    let nested = talkback_protocol::limits::REPLIES_LIMIT_DEFAULT;
    let page = forest
        .replies(parent.as_str(), after.as_ref(), limit, nested)
        .ok_or(StoreError::CommentNotFound)?;
    let next_cursor = page.next.as_ref().map(Position::to_cursor);
    Ok(RepliesPage {
        comments: fill(state, page, reader).await?,
        next_cursor,
    })
}

/// Fetches the content of a page's comments and puts it in the page's order.
async fn fill(
    state: &AppState,
    page: Page,
    reader: Option<ReaderId>,
) -> Result<Vec<Comment>, AppError> {
    let ids = page.slots.iter().map(|s| s.id.clone()).collect();
    let mut rows: HashMap<String, CommentRow> = state
        .store
        .comments(ids, reader)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    Ok(page
        .slots
        .into_iter()
        .filter_map(|slot| {
            let row = rows.remove(&slot.id)?;
            present(&state.secret, row, &slot)
        })
        .collect())
}

/// Turns a stored comment into its wire form; a deleted one keeps only its place in the tree.
pub fn present(secret: &str, row: CommentRow, slot: &Slot) -> Option<Comment> {
    let id = CommentId::parse(&row.id)?;
    let parent_id = row.parent_id.as_deref().and_then(CommentId::parse);
    let created_at = rfc3339(row.created_at);
    let replies_cursor = slot.replies_cursor.as_ref().map(Position::to_cursor);
    if row.deleted {
        return Some(Comment {
            id,
            parent_id,
            author: None,
            avatar_seed: String::new(),
            body_html: String::new(),
            created_at,
            score: 0,
            upvotes: 0,
            downvotes: 0,
            my_vote: Vote::None,
            reply_count: slot.reply_count,
            deleted: true,
            replies_cursor,
            edited_at: None,
            editable_until: None,
        });
    }
    let score = i64::try_from(row.upvotes).unwrap_or(i64::MAX)
        - i64::try_from(row.downvotes).unwrap_or(i64::MAX);
    Some(Comment {
        id,
        parent_id,
        avatar_seed: avatar_seed(secret, row.reader_id, row.author.as_deref()),
        author: row.author,
        body_html: row.body_html,
        created_at,
        score,
        upvotes: row.upvotes,
        downvotes: row.downvotes,
        my_vote: row.my_vote,
        reply_count: slot.reply_count,
        deleted: false,
        replies_cursor,
        edited_at: None,
        editable_until: None,
    })
}
