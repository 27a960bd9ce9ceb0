//! Editing and deleting within the edit window: only checks that need no waiting.

use std::time::Duration;

use talkback_protocol::{Comment, ErrorCode};

use super::{count_is, find, is_utc_time};
use crate::ensure;
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// The author edits: 200, body rendered again, edited_at set, same everywhere after.
pub async fn edit_own(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("edit");
    let c = api.post_body(&t, &key, "Frist!").await?;
    let edited: Comment = api
        .try_edit(&t, c.id.as_str(), "  First, *edited*  ")
        .await?
        .ok(200)?;
    ensure_eq("id after the edit", &edited.id, &c.id)?;
    ensure!(
        edited.body_html.contains("<em>edited</em>") && !edited.body_html.contains("Frist"),
        "the edit answer's body_html {:?} is not the new body rendered",
        edited.body_html
    );
    let at = edited.edited_at.as_deref().unwrap_or("");
    ensure!(
        is_utc_time(at),
        "edited_at after an edit is {:?}, expected an RFC 3339 UTC time",
        edited.edited_at
    );
    ensure!(
        at >= c.created_at.as_str(),
        "edited_at {at} is before created_at {}",
        c.created_at
    );
    ensure_eq(
        "created_at after the edit",
        edited.created_at.as_str(),
        c.created_at.as_str(),
    )?;
    let page = api.thread(&key, &[], None).await?;
    let seen = find(&page.comments, &c.id, "thread after the edit")?;
    ensure_eq(
        "body_html in the thread after the edit",
        seen.body_html.as_str(),
        edited.body_html.as_str(),
    )?;
    ensure_eq(
        "edited_at in the thread",
        seen.edited_at.as_deref(),
        Some(at),
    )?;
    count_is(&page, 1)?;
    Ok(Verdict::Pass)
}

/// `editable_until` is sent to the author only: not to others, not without a token.
pub async fn editable_until(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let (t, other) = (api.reader().await?, api.reader().await?);
    let key = api.key("until");
    let c = api.post_body(&t, &key, "Mine").await?;
    let until = c.editable_until.clone().unwrap_or_default();
    ensure!(
        is_utc_time(&until) && until.as_str() > c.created_at.as_str(),
        "editable_until {:?} of a new comment is not a UTC time after created_at {}",
        c.editable_until,
        c.created_at
    );
    for (who, token, want) in [
        ("the author", Some(t.as_str()), true),
        ("another reader", Some(other.as_str()), false),
        ("no token", None, false),
    ] {
        let page = api.thread(&key, &[], token).await?;
        let seen = find(&page.comments, &c.id, "thread")?;
        ensure_eq(
            &format!("editable_until present for {who}"),
            seen.editable_until.is_some(),
            want,
        )?;
    }
    Ok(Verdict::Pass)
}

/// Another reader can neither edit nor delete: 403 `forbidden`, and nothing changes.
pub async fn forbidden(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let (t, other) = (api.reader().await?, api.reader().await?);
    let key = api.key("forbidden");
    let c = api.post_body(&t, &key, "Not yours").await?;
    api.try_edit(&other, c.id.as_str(), "Hijacked")
        .await?
        .error(ErrorCode::Forbidden)
        .map_err(|e| Failure(format!("another reader's edit: {e}")))?;
    api.try_delete(&other, c.id.as_str())
        .await?
        .error(ErrorCode::Forbidden)
        .map_err(|e| Failure(format!("another reader's delete: {e}")))?;
    let page = api.thread(&key, &[], None).await?;
    let seen = find(&page.comments, &c.id, "after refused changes")?;
    ensure!(
        seen.body_html == c.body_html && !seen.deleted && seen.edited_at.is_none(),
        "a refused change changed the comment: {seen:?}"
    );
    Ok(Verdict::Pass)
}

/// An edit is validated like a post: empty or too long is 422, malformed is 400.
pub async fn validation(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let c = api.post_body(&t, &api.key("edit-v"), "Fine").await?;
    api.try_edit(&t, c.id.as_str(), "  ")
        .await?
        .error(ErrorCode::ValidationFailed)
        .map_err(|e| Failure(format!("edit to an empty body: {e}")))?;
    let long = "x".repeat(talkback_protocol::limits::BODY_MAX_CHARS + 1);
    api.try_edit(&t, c.id.as_str(), &long)
        .await?
        .error(ErrorCode::ValidationFailed)
        .map_err(|e| Failure(format!("edit to 10,001 characters: {e}")))?;
    let r = api
        .route(
            "patch",
            talkback_protocol::routes::COMMENT,
            Some(c.id.as_str()),
        )
        .token(&t)
        .json(&serde_json::json!({"text": "wrong field"}))
        .send()
        .await?;
    r.error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("edit without `body`: {e}")))?;
    Ok(Verdict::Pass)
}

/// Editing or deleting a comment that does not exist is 404.
pub async fn unknown(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let id = api.unknown_id();
    api.try_edit(&t, &id, "x")
        .await?
        .error(ErrorCode::NotFound)?;
    api.try_delete(&t, &id).await?.error(ErrorCode::NotFound)?;
    Ok(Verdict::Pass)
}

/// A deleted comment without replies leaves every answer; counts drop; a second delete, an
/// edit and its context are 404.
pub async fn delete_leaf(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("delete");
    let keep = api.post_body(&t, &key, "Stays").await?;
    let c = api.post_body(&t, &key, "Goes").await?;
    api.delete(&t, &c.id).await?;
    let page = api.thread(&key, &[], Some(&t)).await?;
    ensure!(
        page.comments.iter().all(|x| x.id != c.id),
        "a deleted comment without replies is still sent"
    );
    find(&page.comments, &keep.id, "the other comment")?;
    count_is(&page, 1)?;
    let counts = api.counts(&[&key]).await?;
    ensure_eq(
        "counts after the delete",
        counts.counts.get(&key).copied(),
        Some(1),
    )?;
    api.try_delete(&t, c.id.as_str())
        .await?
        .error(ErrorCode::NotFound)
        .map_err(|e| Failure(format!("deleting it again: {e}")))?;
    api.try_edit(&t, c.id.as_str(), "back from the dead")
        .await?
        .error(ErrorCode::NotFound)
        .map_err(|e| Failure(format!("editing a deleted comment: {e}")))?;
    api.try_context(c.id.as_str(), &[], None)
        .await?
        .error(ErrorCode::NotFound)
        .map_err(|e| Failure(format!("context of a deleted comment without replies: {e}")))?;
    Ok(Verdict::Pass)
}

/// A deleted comment with replies stays as a placeholder: deleted, no author, empty body.
pub async fn delete_with_replies(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let (t, other) = (api.reader().await?, api.reader().await?);
    let key = api.key("placeholder");
    let p = api.post_body(&t, &key, "Parent to delete").await?;
    let r = api
        .reply_to(&other, &key, &p.id, "A reply that stays")
        .await?;
    api.delete(&t, &p.id).await?;
    let page = api.thread(&key, &[], Some(&t)).await?;
    crate::order::depth_first(&page.comments, None).map_err(Failure)?;
    let seen = find(
        &page.comments,
        &p.id,
        "a deleted comment with replies stays as a placeholder",
    )?;
    ensure!(seen.deleted, "the placeholder has deleted: false");
    ensure_eq("placeholder author", seen.author.as_deref(), None)?;
    ensure_eq("placeholder body_html", seen.body_html.as_str(), "")?;
    ensure_eq(
        "placeholder editable_until",
        seen.editable_until.as_deref(),
        None,
    )?;
    ensure_eq("placeholder reply_count", seen.reply_count, 1)?;
    find(&page.comments, &r.id, "the reply of a deleted comment")?;
    count_is(&page, 1)?;
    let ctx_page = api.context(&r.id, None).await?;
    let in_ctx = find(&ctx_page.comments, &p.id, "context of the reply")?;
    ensure!(
        in_ctx.deleted && in_ctx.body_html.is_empty(),
        "context shows the deleted parent's content: {in_ctx:?}"
    );
    Ok(Verdict::Pass)
}

/// Longest edit window the suite is willing to wait for, in seconds.
pub const MAX_WAIT_SECS: u64 = 30;

/// Once the window has closed: no `editable_until`, and edits and deletes by the author are
/// 403 `edit_window_closed`. Needs the backend's (short) window from `--edit-window`.
pub async fn window_closes(ctx: &Ctx) -> CheckResult {
    let Some(secs) = ctx
        .edit_window_secs
        .filter(|s| (1..=MAX_WAIT_SECS).contains(s))
    else {
        return Ok(Verdict::Skip(format!(
            "start the backend with an edit window of 1 to {MAX_WAIT_SECS} s and pass --edit-window SECS to check that it closes"
        )));
    };
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("window");
    let c = api.post_body(&t, &key, "Soon fixed in stone").await?;
    ensure!(
        c.editable_until.is_some(),
        "a new comment has no editable_until although the window is {secs} s"
    );
    tokio::time::sleep(Duration::from_millis(secs * 1000 + 1200)).await;
    let page = api.thread(&key, &[], Some(&t)).await?;
    let seen = find(&page.comments, &c.id, "thread after the window")?;
    ensure_eq(
        "editable_until after the window closed",
        seen.editable_until.as_deref(),
        None,
    )?;
    api.try_edit(&t, c.id.as_str(), "Too late")
        .await?
        .error(ErrorCode::EditWindowClosed)
        .map_err(|e| Failure(format!("editing after the window: {e}")))?;
    api.try_delete(&t, c.id.as_str())
        .await?
        .error(ErrorCode::EditWindowClosed)
        .map_err(|e| Failure(format!("deleting after the window: {e}")))?;
    Ok(Verdict::Pass)
}
