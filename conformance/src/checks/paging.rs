//! Paging with cursors in every sort order: top-level pages and replies pages.

use std::time::Duration;

use talkback_protocol::{Comment, CommentId, Cursor, ErrorCode, SortOrder, Vote};

use super::find;
use crate::ensure;
use crate::order::{complete, depth_first, sorted};
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// Up and down votes given to the siblings in turn, so `best` has something to order by.
const VOTES: [(usize, usize); 7] = [(1, 0), (0, 0), (3, 0), (0, 1), (2, 1), (0, 0), (1, 1)];
/// Most pages a walk may take before the suite decides the cursors never end.
const MAX_PAGES: usize = 30;

/// Posts `n` siblings under `parent` (top level when `None`): half, then a pause so the other
/// half is a second newer (timestamps have one-second resolution), then votes.
async fn siblings(
    ctx: &Ctx,
    key: &str,
    parent: Option<&CommentId>,
    n: usize,
    pause: bool,
) -> Result<Vec<CommentId>, Failure> {
    let api = &ctx.api;
    let author = api.reader().await?;
    let voters = [
        api.reader().await?,
        api.reader().await?,
        api.reader().await?,
    ];
    let mut ids = Vec::new();
    for i in 0..n {
        if pause && i == n / 2 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let body = format!("sibling {i}");
        let c = match parent {
            Some(p) => api.reply_to(&author, key, p, &body).await?,
            None => api.post_body(&author, key, &body).await?,
        };
        ids.push(c.id);
    }
    for (id, (up, down)) in ids.iter().zip(VOTES.iter().cycle()) {
        for (i, voter) in voters.iter().enumerate().take(up + down) {
            api.vote(voter, id, if i < *up { Vote::Up } else { Vote::Down })
                .await?;
        }
    }
    Ok(ids)
}

/// The sort order's wire name.
fn s(sort: SortOrder) -> &'static str {
    sort.as_str()
}

/// Walks all top-level pages of `limit` in `sort` and checks them.
async fn top_level(ctx: &Ctx, sort: SortOrder) -> CheckResult {
    let api = &ctx.api;
    let key = api.key(&format!("paging-{}", s(sort)));
    let ids = siblings(ctx, &key, None, 7, sort != SortOrder::Best).await?;
    let limit = 3usize;
    let mut gathered: Vec<Comment> = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        ensure!(
            pages <= MAX_PAGES,
            "still a next_cursor after {MAX_PAGES} pages of 7 comments"
        );
        let mut q = vec![("sort", s(sort)), ("limit", "3"), ("replies", "0")];
        if let Some(c) = &cursor {
            q.push(("cursor", c.0.as_str()));
        }
        let page = api.thread(&key, &q, None).await?;
        ensure!(
            page.comments.len() <= limit,
            "page {pages} has {} comments with limit={limit}",
            page.comments.len()
        );
        ensure!(
            page.comments.iter().all(|c| c.parent_id.is_none()),
            "page {pages} holds replies with replies=0"
        );
        ensure_eq(
            "thread.comment_count on every page",
            page.thread.comment_count,
            7,
        )?;
        gathered.extend(page.comments);
        match page.next_cursor {
            Some(next) => {
                ensure!(
                    cursor.as_ref() != Some(&next),
                    "page {pages} gives back the cursor it was asked with"
                );
                cursor = Some(next);
            }
            None => break,
        }
    }
    let got: Vec<CommentId> = gathered.iter().map(|c| c.id.clone()).collect();
    complete(&got, &ids).map_err(Failure)?;
    ensure_eq(
        "number of pages for 7 comments with limit=3 (next_cursor must be absent on the last)",
        pages,
        3,
    )?;
    sorted(sort, &gathered.iter().collect::<Vec<_>>()).map_err(Failure)?;
    let whole = api
        .thread(&key, &[("sort", s(sort)), ("limit", "7")], None)
        .await?;
    ensure!(
        whole.next_cursor.is_none(),
        "a page holding all 7 comments (limit=7) still has a next_cursor"
    );
    let whole_ids: Vec<CommentId> = whole.comments.iter().map(|c| c.id.clone()).collect();
    ensure_eq(
        "order of one page of 7 vs the pages of 3 walked",
        whole_ids,
        got,
    )?;
    Ok(Verdict::Pass)
}

/// Walks a parent's replies: the first ones in the thread, the rest from the replies route.
async fn replies(ctx: &Ctx, sort: SortOrder) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key(&format!("replies-{}", s(sort)));
    let p = api.post_body(&t, &key, "Parent of many").await?;
    let ids = siblings(ctx, &key, Some(&p.id), 5, sort != SortOrder::Best).await?;
    let page = api
        .thread(&key, &[("sort", s(sort)), ("replies", "2")], None)
        .await?;
    depth_first(&page.comments, None).map_err(Failure)?;
    let parent = find(&page.comments, &p.id, "thread")?;
    ensure_eq("parent's reply_count", parent.reply_count, 5)?;
    let mut cursor = parent.replies_cursor.clone().ok_or_else(|| {
        Failure(
            "a comment with 5 replies, 2 of them sent (replies=2), has no replies_cursor".into(),
        )
    })?;
    let mut gathered: Vec<Comment> = page
        .comments
        .iter()
        .filter(|c| c.parent_id.as_ref() == Some(&p.id))
        .cloned()
        .collect();
    ensure_eq(
        "replies sent under the parent with replies=2",
        gathered.len(),
        2,
    )?;
    let first = api
        .replies(&p.id, &[("sort", s(sort)), ("limit", "2")], None)
        .await?;
    let first_ids: Vec<&CommentId> = first.comments.iter().map(|c| &c.id).collect();
    let thread_ids: Vec<&CommentId> = gathered.iter().map(|c| &c.id).collect();
    ensure_eq(
        "replies route without cursor vs the thread's first replies",
        first_ids,
        thread_ids,
    )?;
    for n in 1.. {
        ensure!(
            n <= MAX_PAGES,
            "still a next_cursor after {MAX_PAGES} pages of 5 replies"
        );
        let page = api
            .replies(
                &p.id,
                &[
                    ("sort", s(sort)),
                    ("limit", "2"),
                    ("cursor", cursor.0.as_str()),
                ],
                None,
            )
            .await?;
        depth_first(&page.comments, Some(&p.id)).map_err(Failure)?;
        ensure!(
            page.comments.len() <= 2,
            "replies page {n} has {} replies with limit=2",
            page.comments.len()
        );
        gathered.extend(page.comments);
        match page.next_cursor {
            Some(next) if next != cursor => cursor = next,
            Some(_) => {
                return Err(Failure(format!(
                    "replies page {n} gives back the cursor it was asked with"
                )));
            }
            None => {
                ensure_eq(
                    "replies pages after the thread's first 2 of 5, with limit=2 (next_cursor absent on the last)",
                    n,
                    2,
                )?;
                break;
            }
        }
    }
    let got: Vec<CommentId> = gathered.iter().map(|c| c.id.clone()).collect();
    complete(&got, &ids).map_err(Failure)?;
    sorted(sort, &gathered.iter().collect::<Vec<_>>()).map_err(Failure)?;
    Ok(Verdict::Pass)
}

/// Top-level paging in `best` order.
pub async fn top_level_best(ctx: &Ctx) -> CheckResult {
    top_level(ctx, SortOrder::Best).await
}
/// Top-level paging in `newest` order.
pub async fn top_level_newest(ctx: &Ctx) -> CheckResult {
    top_level(ctx, SortOrder::Newest).await
}
/// Top-level paging in `oldest` order.
pub async fn top_level_oldest(ctx: &Ctx) -> CheckResult {
    top_level(ctx, SortOrder::Oldest).await
}
/// Replies paging in `best` order.
pub async fn replies_best(ctx: &Ctx) -> CheckResult {
    replies(ctx, SortOrder::Best).await
}
/// Replies paging in `newest` order.
pub async fn replies_newest(ctx: &Ctx) -> CheckResult {
    replies(ctx, SortOrder::Newest).await
}
/// Replies paging in `oldest` order.
pub async fn replies_oldest(ctx: &Ctx) -> CheckResult {
    replies(ctx, SortOrder::Oldest).await
}

/// With `replies=0` only top-level comments come, each with replies carrying a replies_cursor.
pub async fn replies_zero(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("replies-zero");
    let a = api.post_body(&t, &key, "With a reply").await?;
    let r = api.reply_to(&t, &key, &a.id, "The reply").await?;
    let b = api.post_body(&t, &key, "Without").await?;
    let page = api.thread(&key, &[("replies", "0")], None).await?;
    ensure!(
        page.comments.iter().all(|c| c.id != r.id),
        "replies=0 still sent the reply {}",
        r.id
    );
    ensure_eq("thread.comment_count", page.thread.comment_count, 3)?;
    let a_seen = find(&page.comments, &a.id, "replies=0")?;
    ensure!(
        a_seen.replies_cursor.is_some(),
        "with replies=0 a comment with a reply has no replies_cursor"
    );
    ensure_eq("reply_count", a_seen.reply_count, 1)?;
    let b_seen = find(&page.comments, &b.id, "replies=0")?;
    ensure!(
        b_seen.replies_cursor.is_none(),
        "a comment without replies has a replies_cursor"
    );
    let cursor = a_seen.replies_cursor.clone().ok_or("no cursor")?;
    let more = api
        .replies(&a.id, &[("cursor", cursor.0.as_str())], None)
        .await?;
    let ids: Vec<&CommentId> = more.comments.iter().map(|c| &c.id).collect();
    ensure_eq("replies behind the replies_cursor", ids, vec![&r.id])?;
    ensure!(
        more.next_cursor.is_none(),
        "the only page of replies has a next_cursor"
    );
    Ok(Verdict::Pass)
}

/// Replies of a comment that does not exist are 404 `not_found`.
pub async fn replies_unknown(ctx: &Ctx) -> CheckResult {
    let id = ctx.api.unknown_id();
    let r = ctx
        .api
        .route("get", talkback_protocol::routes::REPLIES, Some(&id))
        .send()
        .await?;
    r.error(ErrorCode::NotFound)?;
    Ok(Verdict::Pass)
}
