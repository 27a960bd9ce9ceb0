//! Votes: one per reader and comment, the last value stands, tallies add up across readers.

use talkback_protocol::{CommentId, ErrorCode, Vote, VoteResult};

use super::find;
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// Fails unless the tallies are `(upvotes, downvotes)` with the matching score and `my_vote`.
fn tallies(
    after: &str,
    r: &VoteResult,
    id: &CommentId,
    up: u64,
    down: u64,
    mine: Vote,
) -> Result<(), Failure> {
    let got = (r.upvotes, r.downvotes, r.score, r.my_vote);
    let want = (up, down, up as i64 - down as i64, mine);
    if got != want {
        return Err(Failure(format!(
            "after {after}: (upvotes, downvotes, score, my_vote) is {got:?}, expected {want:?}"
        )));
    }
    ensure_eq("VoteResult.comment_id", &r.comment_id, id)
}

async fn fresh(ctx: &Ctx, label: &str) -> Result<(String, String, CommentId), Failure> {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key(label);
    let c = ctx.api.post_body(&t, &key, "Vote on me").await?;
    Ok((t, key, c.id))
}

/// One up vote: 1 up, score 1, my_vote 1.
pub async fn up(ctx: &Ctx) -> CheckResult {
    let (_, _, id) = fresh(ctx, "vote-up").await?;
    let voter = ctx.api.reader().await?;
    let r = ctx.api.vote(&voter, &id, Vote::Up).await?;
    tallies("one up vote", &r, &id, 1, 0, Vote::Up)?;
    Ok(Verdict::Pass)
}

/// The same vote sent twice counts once.
pub async fn same_twice(ctx: &Ctx) -> CheckResult {
    let (_, key, id) = fresh(ctx, "vote-twice").await?;
    let voter = ctx.api.reader().await?;
    ctx.api.vote(&voter, &id, Vote::Up).await?;
    let r = ctx.api.vote(&voter, &id, Vote::Up).await?;
    tallies("the same up vote sent twice", &r, &id, 1, 0, Vote::Up)?;
    let d = ctx.api.vote(&voter, &id, Vote::Down).await?;
    let d2 = ctx.api.vote(&voter, &id, Vote::Down).await?;
    tallies("a down vote", &d, &id, 0, 1, Vote::Down)?;
    tallies("the same down vote sent twice", &d2, &id, 0, 1, Vote::Down)?;
    let page = ctx.api.thread(&key, &[], None).await?;
    let c = find(&page.comments, &id, "thread after votes")?;
    ensure_eq(
        "(upvotes, downvotes, score) in the thread",
        (c.upvotes, c.downvotes, c.score),
        (0, 1, -1),
    )?;
    Ok(Verdict::Pass)
}

/// Switching from up to down moves the vote: 0 up, 1 down.
pub async fn up_then_down(ctx: &Ctx) -> CheckResult {
    let (_, _, id) = fresh(ctx, "vote-switch").await?;
    let voter = ctx.api.reader().await?;
    ctx.api.vote(&voter, &id, Vote::Up).await?;
    let r = ctx.api.vote(&voter, &id, Vote::Down).await?;
    tallies("up, then down", &r, &id, 0, 1, Vote::Down)?;
    let r = ctx.api.vote(&voter, &id, Vote::Up).await?;
    tallies("up, down, then up", &r, &id, 1, 0, Vote::Up)?;
    Ok(Verdict::Pass)
}

/// Voting 0 withdraws the vote, and 0 without a vote changes nothing.
pub async fn zero_withdraws(ctx: &Ctx) -> CheckResult {
    let (_, _, id) = fresh(ctx, "vote-zero").await?;
    let voter = ctx.api.reader().await?;
    let r = ctx.api.vote(&voter, &id, Vote::None).await?;
    tallies("0 without an earlier vote", &r, &id, 0, 0, Vote::None)?;
    ctx.api.vote(&voter, &id, Vote::Up).await?;
    let r = ctx.api.vote(&voter, &id, Vote::None).await?;
    tallies("up, then 0", &r, &id, 0, 0, Vote::None)?;
    ctx.api.vote(&voter, &id, Vote::Down).await?;
    let r = ctx.api.vote(&voter, &id, Vote::None).await?;
    tallies("down, then 0", &r, &id, 0, 0, Vote::None)?;
    Ok(Verdict::Pass)
}

/// Votes of different readers add up; one reader's change leaves the others' votes alone.
pub async fn one_per_reader(ctx: &Ctx) -> CheckResult {
    let (_, key, id) = fresh(ctx, "vote-readers").await?;
    let (a, b, c) = (
        ctx.api.reader().await?,
        ctx.api.reader().await?,
        ctx.api.reader().await?,
    );
    ctx.api.vote(&a, &id, Vote::Up).await?;
    let r = ctx.api.vote(&b, &id, Vote::Up).await?;
    tallies("two readers' up votes", &r, &id, 2, 0, Vote::Up)?;
    let r = ctx.api.vote(&c, &id, Vote::Down).await?;
    tallies(
        "two up votes and a third reader's down vote",
        &r,
        &id,
        2,
        1,
        Vote::Down,
    )?;
    let r = ctx.api.vote(&a, &id, Vote::Down).await?;
    tallies("reader A switching to down", &r, &id, 1, 2, Vote::Down)?;
    let r = ctx.api.vote(&b, &id, Vote::None).await?;
    tallies("reader B withdrawing", &r, &id, 0, 2, Vote::None)?;
    let page = ctx.api.thread(&key, &[], None).await?;
    let seen = find(&page.comments, &id, "thread after votes")?;
    ensure_eq(
        "(upvotes, downvotes, score) in the thread",
        (seen.upvotes, seen.downvotes, seen.score),
        (0, 2, -2),
    )?;
    Ok(Verdict::Pass)
}

/// `my_vote` is each reader's own vote, 0 without a token, on the thread and replies routes.
pub async fn my_vote_per_reader(ctx: &Ctx) -> CheckResult {
    let (author, key, id) = fresh(ctx, "my-vote").await?;
    let child = ctx.api.reply_to(&author, &key, &id, "A reply").await?;
    let (a, b) = (ctx.api.reader().await?, ctx.api.reader().await?);
    ctx.api.vote(&a, &id, Vote::Up).await?;
    ctx.api.vote(&b, &id, Vote::Down).await?;
    ctx.api.vote(&a, &child.id, Vote::Down).await?;
    for (who, token, want, want_child) in [
        ("reader A", Some(a.as_str()), Vote::Up, Vote::Down),
        ("reader B", Some(b.as_str()), Vote::Down, Vote::None),
        ("no token", None, Vote::None, Vote::None),
    ] {
        let page = ctx.api.thread(&key, &[], token).await?;
        let c = find(&page.comments, &id, "thread")?;
        ensure_eq(&format!("my_vote for {who}"), c.my_vote, want)?;
        ensure_eq("(upvotes, downvotes)", (c.upvotes, c.downvotes), (1, 1))?;
        let replies = ctx.api.replies(&id, &[], token).await?;
        let r = find(&replies.comments, &child.id, "replies route")?;
        ensure_eq(
            &format!("my_vote on the replies route for {who}"),
            r.my_vote,
            want_child,
        )?;
    }
    Ok(Verdict::Pass)
}

/// A vote on a comment that does not exist is 404 `not_found`.
pub async fn unknown_comment(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let id = ctx.api.unknown_id();
    ctx.api
        .try_vote(&t, &id, Vote::Up)
        .await?
        .error(ErrorCode::NotFound)?;
    Ok(Verdict::Pass)
}
