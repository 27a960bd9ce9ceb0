//! Reader tokens and authentication.

use talkback_protocol::{ErrorCode, Vote};

use crate::ensure;
use crate::ops::new_comment;
use crate::outcome::{CheckResult, Verdict, ensure_eq};
use crate::suite::Ctx;

/// A token that no backend issued.
const BOGUS_TOKEN: &str = "conformance-token-nobody-issued";

/// `POST /readers` answers 201 with a token, a different one each time.
pub async fn issue_token(ctx: &Ctx) -> CheckResult {
    let a = ctx.api.reader().await?;
    let b = ctx.api.reader().await?;
    ensure!(
        a != b,
        "two POST /api/v1/readers answered the same token {a:?}"
    );
    Ok(Verdict::Pass)
}

/// Every write route answers 401 `unauthorized` without a token.
pub async fn writes_need_token(ctx: &Ctx) -> CheckResult {
    writes_refused(ctx, None).await
}

/// Every write route answers 401 `unauthorized` for a token it never issued.
pub async fn unknown_token_refused(ctx: &Ctx) -> CheckResult {
    writes_refused(ctx, Some(BOGUS_TOKEN)).await
}

async fn writes_refused(ctx: &Ctx, token: Option<&str>) -> CheckResult {
    use talkback_protocol::routes::{COMMENT, COMMENTS, VOTE};
    let api = &ctx.api;
    let owner = api.reader().await?;
    let key = api.key("auth");
    let c = api.post_body(&owner, &key, "Owned comment").await?;
    let id = c.id.as_str();
    let body = new_comment(&key, "Should not be stored");
    api.route("post", COMMENTS, None)
        .maybe_token(token)
        .json(&body)
        .send()
        .await?
        .error(ErrorCode::Unauthorized)?;
    api.route("put", VOTE, Some(id))
        .maybe_token(token)
        .json(&serde_json::json!({"value": 1}))
        .send()
        .await?
        .error(ErrorCode::Unauthorized)?;
    api.route("patch", COMMENT, Some(id))
        .maybe_token(token)
        .json(&serde_json::json!({"body": "hijacked"}))
        .send()
        .await?
        .error(ErrorCode::Unauthorized)?;
    api.route("delete", COMMENT, Some(id))
        .maybe_token(token)
        .send()
        .await?
        .error(ErrorCode::Unauthorized)?;
    let page = api.thread(&key, &[], None).await?;
    ensure_eq(
        "comments in the thread after refused writes",
        page.comments.len(),
        1,
    )?;
    let kept = &page.comments[..];
    ensure!(
        kept.iter()
            .all(|c| c.upvotes == 0 && !c.body_html.contains("hijacked")),
        "a refused write changed the comment anyway: {kept:?}"
    );
    Ok(Verdict::Pass)
}

/// Reading routes treat an unknown token like none: 200 and `my_vote` 0.
pub async fn unknown_token_ignored_on_reads(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("stale");
    let c = api.post_body(&t, &key, "Read me").await?;
    // Readers cannot vote on their own comments, so another reader casts the vote.
    let voter = api.reader().await?;
    api.vote(&voter, &c.id, Vote::Up).await?;
    let page = api.thread(&key, &[], Some(BOGUS_TOKEN)).await?;
    let seen = super::find(&page.comments, &c.id, "thread read with a stale token")?;
    ensure_eq("my_vote for an unknown token", seen.my_vote, Vote::None)?;
    ensure!(
        seen.editable_until.is_none(),
        "an unknown token was shown editable_until"
    );
    api.replies(&c.id, &[], Some(BOGUS_TOKEN)).await?;
    api.context(&c.id, Some(BOGUS_TOKEN)).await?;
    Ok(Verdict::Pass)
}
