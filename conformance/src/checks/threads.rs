//! Reading threads: empty threads, key normalization, thread metadata, flat order, counts.

use talkback_protocol::{NewComment, normalize_thread_key};

use super::{count_is, find};
use crate::ensure;
use crate::ops::new_comment;
use crate::order::depth_first;
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// A thread nobody commented on is 200 with the normalized key, nulls, 0 and no comments.
pub async fn empty(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let sent = format!(
        "  HTTPS://Conformance.Example:443/{}/empty/#top ",
        api.nonce()
    );
    let page = api.thread(&sent, &[], None).await?;
    let want = normalize_thread_key(&sent).map_err(|e| Failure(e.to_string()))?;
    ensure_eq("thread.key", page.thread.key.as_str(), want.as_str())?;
    ensure_eq("thread.title", page.thread.title.as_deref(), None)?;
    ensure_eq("thread.url", page.thread.url.as_deref(), None)?;
    count_is(&page, 0)?;
    ensure!(
        page.comments.is_empty(),
        "an unknown thread has comments: {:?}",
        page.comments
    );
    ensure!(
        page.next_cursor.is_none(),
        "an empty thread has a next_cursor"
    );
    Ok(Verdict::Pass)
}

/// Two spellings of one article URL meet in one thread.
pub async fn key_normalization(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let path = api.nonce();
    let first = format!("https://News.Conformance.Example/{path}/story/");
    let second = format!("HTTPS://news.conformance.example:443/{path}/story#comments");
    let c = api
        .post_body(&t, &first, "Posted under one spelling")
        .await?;
    let page = api.thread(&second, &[], None).await?;
    find(
        &page.comments,
        &c.id,
        &format!("posted under {first:?}, read under {second:?}"),
    )?;
    let want = format!("https://news.conformance.example/{path}/story");
    ensure_eq("thread.key", page.thread.key.as_str(), want.as_str())?;
    let explicit = format!(" {} ", api.key("explicit"));
    api.post_body(&t, &explicit, "Explicit ids are only trimmed")
        .await?;
    let page = api.thread(explicit.trim(), &[], None).await?;
    ensure_eq(
        "thread.key of an explicit id",
        page.thread.key.as_str(),
        explicit.trim(),
    )?;
    count_is(&page, 1).map_err(|e| {
        Failure(format!(
            "a key sent with spaces around it did not meet its trimmed form: {e}"
        ))
    })?;
    Ok(Verdict::Pass)
}

/// The first comment stores title and URL; later ones do not change them.
pub async fn title_and_url(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("meta");
    let first = NewComment {
        title: Some("Council votes to close the bridge".into()),
        url: Some("https://news.conformance.example/bridge".into()),
        ..new_comment(&key, "First")
    };
    api.post(&t, &first).await?;
    let later = NewComment {
        title: Some("Another title".into()),
        url: Some("https://news.conformance.example/other".into()),
        ..new_comment(&key, "Second")
    };
    api.post(&t, &later).await?;
    let page = api.thread(&key, &[], None).await?;
    ensure_eq(
        "thread.title",
        page.thread.title.as_deref(),
        first.title.as_deref(),
    )?;
    ensure_eq(
        "thread.url",
        page.thread.url.as_deref(),
        first.url.as_deref(),
    )?;
    count_is(&page, 2)?;
    Ok(Verdict::Pass)
}

/// Replies at any depth come flat, each parent before its replies, and all count.
pub async fn flat_depth_first(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("tree");
    let a = api.post_body(&t, &key, "A").await?;
    let b = api.reply_to(&t, &key, &a.id, "B replies to A").await?;
    let c = api.reply_to(&t, &key, &b.id, "C replies to B").await?;
    let d = api.reply_to(&t, &key, &c.id, "D replies to C").await?;
    let e = api.reply_to(&t, &key, &a.id, "E replies to A").await?;
    let f = api.post_body(&t, &key, "F").await?;
    let page = api.thread(&key, &[("sort", "oldest")], None).await?;
    count_is(&page, 6)?;
    depth_first(&page.comments, None).map_err(Failure)?;
    for (x, parent, replies) in [
        (&a, None, 2),
        (&b, Some(&a), 1),
        (&c, Some(&b), 1),
        (&d, Some(&c), 0),
        (&e, Some(&a), 0),
        (&f, None, 0),
    ] {
        let got = find(
            &page.comments,
            &x.id,
            "every comment of a small thread is on its first page",
        )?;
        ensure_eq(
            &format!("parent_id of {}", x.id),
            got.parent_id.as_ref(),
            parent.map(|p| &p.id),
        )?;
        ensure_eq(
            &format!("reply_count of {}", x.id),
            got.reply_count,
            replies,
        )?;
        ensure!(
            got.replies_cursor.is_none(),
            "{} has a replies_cursor although all its replies were sent",
            x.id
        );
    }
    Ok(Verdict::Pass)
}

/// Counts are keyed exactly as sent, count every visible comment, and 0 for unknown threads.
pub async fn counts(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let path = api.nonce();
    let key = format!("https://counts.conformance.example/{path}");
    let a = api.post_body(&t, &key, "one").await?;
    api.reply_to(&t, &key, &a.id, "two").await?;
    api.post_body(&t, &key, "three").await?;
    let spelled = format!("https://COUNTS.conformance.example/{path}/");
    let unknown = api.key("nobody-here");
    let got = api.counts(&[&spelled, &unknown, &spelled]).await?;
    ensure_eq(
        &format!("counts[{spelled:?}]"),
        got.counts.get(&spelled).copied(),
        Some(3),
    )?;
    ensure_eq(
        &format!("counts[{unknown:?}]"),
        got.counts.get(&unknown).copied(),
        Some(0),
    )?;
    ensure_eq(
        "number of keys in `counts` (each key once, exactly as sent)",
        got.counts.len(),
        2,
    )?;
    Ok(Verdict::Pass)
}
