//! The permalink route: ancestors, the target and its replies.

use talkback_protocol::{CommentId, ErrorCode};

use super::find;
use crate::ensure;
use crate::order::depth_first;
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// Context of C in A → B → C → D (A also has X): [A, B, C, D], A and B without other replies
/// but with a replies_cursor where they have more.
pub async fn chain(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("context");
    let a = api.post_body(&t, &key, "A").await?;
    let x = api.reply_to(&t, &key, &a.id, "X, a sibling of B").await?;
    let b = api.reply_to(&t, &key, &a.id, "B").await?;
    let c = api.reply_to(&t, &key, &b.id, "C").await?;
    let d = api.reply_to(&t, &key, &c.id, "D").await?;
    api.post_body(&t, &key, "Another top-level comment").await?;
    let page = api.context(&c.id, Some(&t)).await?;
    ensure_eq("target", &page.target, &c.id)?;
    ensure_eq("thread.key", page.thread.key.as_str(), key.as_str())?;
    ensure_eq("thread.comment_count", page.thread.comment_count, 6)?;
    let ids: Vec<&CommentId> = page.comments.iter().map(|c| &c.id).collect();
    ensure_eq(
        "context comments (ancestors root first, target, its replies)",
        ids,
        vec![&a.id, &b.id, &c.id, &d.id],
    )?;
    ensure!(
        page.comments.iter().all(|y| y.id != x.id),
        "the ancestor's other reply X was sent"
    );
    depth_first(&page.comments, None).map_err(Failure)?;
    let root = find(&page.comments, &a.id, "context")?;
    ensure_eq("reply_count of the root ancestor", root.reply_count, 2)?;
    ensure!(
        root.replies_cursor.is_some(),
        "the root ancestor's other replies are not sent, so it needs a replies_cursor"
    );
    let target = find(&page.comments, &c.id, "context")?;
    ensure!(
        target.editable_until.is_some(),
        "the author's own target lacks editable_until on the context route"
    );
    let shallow = api
        .try_context(c.id.as_str(), &[("replies", "0")], None)
        .await?
        .ok::<talkback_protocol::ContextPage>(200)?;
    ensure!(
        shallow.comments.iter().all(|y| y.id != d.id),
        "replies=0 still sent the target's reply"
    );
    Ok(Verdict::Pass)
}

/// Context of a comment that does not exist is 404 `not_found`.
pub async fn unknown(ctx: &Ctx) -> CheckResult {
    let id = ctx.api.unknown_id();
    ctx.api
        .try_context(&id, &[], None)
        .await?
        .error(ErrorCode::NotFound)?;
    Ok(Verdict::Pass)
}
