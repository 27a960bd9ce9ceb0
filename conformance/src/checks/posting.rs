//! Posting comments and replies, idempotent posts, hidden emails, safe bodies and previews.

use talkback_protocol::{ErrorCode, NewComment};

use super::{count_is, find, is_utc_time};
use crate::ensure;
use crate::html::{link_rels, live_markup};
use crate::ops::{new_comment, new_reply};
use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::suite::Ctx;

/// The answer to a post is the stored comment with every field as the protocol says.
pub async fn stored_comment(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("post");
    let sent = NewComment {
        author: Some("  Ada Lovelace  ".into()),
        ..new_comment(&key, "  Hello *world*  ")
    };
    let c = api.post(&t, &sent).await?;
    ensure_eq(
        "author (trimmed)",
        c.author.as_deref(),
        Some("Ada Lovelace"),
    )?;
    ensure_eq("parent_id", c.parent_id.as_ref(), None)?;
    ensure!(
        c.body_html.contains("<em>world</em>"),
        "body_html {:?} does not render *world* as <em>",
        c.body_html
    );
    ensure!(
        !c.avatar_seed.is_empty() && c.avatar_seed.chars().all(|ch| ch.is_ascii_hexdigit()),
        "avatar_seed {:?} is not a hex string",
        c.avatar_seed
    );
    ensure!(
        !c.avatar_seed.contains(&t) && !c.avatar_seed.to_lowercase().contains("ada"),
        "avatar_seed reveals the token or the name"
    );
    ensure!(
        is_utc_time(&c.created_at),
        "created_at {:?} is not RFC 3339 UTC like 2026-11-24T08:15:00Z",
        c.created_at
    );
    ensure_eq(
        "score, upvotes, downvotes, reply_count",
        (c.score, c.upvotes, c.downvotes, c.reply_count),
        (0, 0, 0, 0),
    )?;
    ensure!(!c.deleted, "a new comment is marked deleted");
    ensure!(
        c.replies_cursor.is_none() && c.edited_at.is_none(),
        "a new comment has a replies_cursor or edited_at"
    );
    let until = c.editable_until.as_deref().unwrap_or("");
    ensure!(
        is_utc_time(until),
        "the author's new comment lacks editable_until (RFC 3339 UTC), got {:?}",
        c.editable_until
    );
    let page = api.thread(&key, &[], Some(&t)).await?;
    let stored = find(&page.comments, &c.id, "the thread after posting")?;
    ensure!(
        stored == &c,
        "the thread shows the comment differently from the post's answer:\n  post:   {c:?}\n  thread: {stored:?}"
    );
    count_is(&page, 1)?;
    Ok(Verdict::Pass)
}

/// An empty or missing name posts as a guest (`author: null`).
pub async fn guest(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("guest");
    for author in [None, Some("   ".to_owned())] {
        let c = api
            .post(
                &t,
                &NewComment {
                    author: author.clone(),
                    ..new_comment(&key, "Anonymous")
                },
            )
            .await?;
        ensure_eq(
            &format!("author when the name is {author:?}"),
            c.author,
            None,
        )?;
    }
    Ok(Verdict::Pass)
}

/// A reply names its parent, follows it, and raises its reply_count.
pub async fn reply(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("reply");
    let p = api.post_body(&t, &key, "Parent").await?;
    let r = api.reply_to(&t, &key, &p.id, "Child").await?;
    ensure_eq("reply.parent_id", r.parent_id.as_ref(), Some(&p.id))?;
    let page = api.thread(&key, &[], None).await?;
    count_is(&page, 2)?;
    let ids: Vec<_> = page.comments.iter().map(|c| c.id.clone()).collect();
    ensure_eq("thread order", ids, vec![p.id.clone(), r.id.clone()])?;
    ensure_eq(
        "parent's reply_count",
        page.comments.first().map(|c| c.reply_count),
        Some(1),
    )?;
    Ok(Verdict::Pass)
}

/// A parent from another thread is refused with 422 `validation_failed`.
pub async fn parent_in_other_thread(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let (here, there) = (api.key("here"), api.key("there"));
    let p = api.post_body(&t, &there, "Elsewhere").await?;
    api.try_post(&t, &new_reply(&here, &p.id, "Wrong thread"))
        .await?
        .error(ErrorCode::ValidationFailed)?;
    count_is(&api.thread(&here, &[], None).await?, 0)?;
    Ok(Verdict::Pass)
}

/// A parent id that names no comment is refused with 422.
pub async fn parent_unknown(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("orphan");
    let id = talkback_protocol::CommentId::parse(&api.unknown_id()).ok_or("bad generated id")?;
    api.try_post(&t, &new_reply(&key, &id, "No parent"))
        .await?
        .error(ErrorCode::ValidationFailed)?;
    Ok(Verdict::Pass)
}

/// Replying to a deleted comment is refused with 422.
pub async fn parent_deleted(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("gone");
    let p = api.post_body(&t, &key, "Soon deleted").await?;
    api.delete(&t, &p.id).await?;
    api.try_post(&t, &new_reply(&key, &p.id, "Too late"))
        .await?
        .error(ErrorCode::ValidationFailed)?;
    Ok(Verdict::Pass)
}

/// A repeated post with the same client_token by the same reader creates nothing: 200, same
/// comment. Another reader's post with the same client_token is a new comment.
pub async fn idempotent(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let (t, other) = (api.reader().await?, api.reader().await?);
    let key = api.key("idem");
    let sent = NewComment {
        client_token: Some(format!("ct-{}", api.nonce())),
        ..new_comment(&key, "Posted once")
    };
    let first = api
        .try_post(&t, &sent)
        .await?
        .ok::<talkback_protocol::Comment>(201)?;
    let again = api
        .try_post(&t, &sent)
        .await?
        .ok::<talkback_protocol::Comment>(200)
        .map_err(|e| Failure(format!("repeating a post with the same client_token: {e}")))?;
    ensure_eq("id of the repeated post", &again.id, &first.id)?;
    count_is(&api.thread(&key, &[], None).await?, 1)?;
    let theirs = api
        .try_post(&other, &sent)
        .await?
        .ok::<talkback_protocol::Comment>(201)
        .map_err(|e| Failure(format!("another reader using the same client_token: {e}")))?;
    ensure!(
        theirs.id != first.id,
        "another reader's post with the same client_token returned the first reader's comment"
    );
    count_is(&api.thread(&key, &[], None).await?, 2)?;
    Ok(Verdict::Pass)
}

/// An email sent with a post is never in any answer.
pub async fn email_hidden(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("email");
    let email = format!("reader-{}@mail.conformance.example", api.nonce());
    let sent = NewComment {
        email: Some(email.clone()),
        ..new_comment(&key, "Notify me")
    };
    let reply = api.try_post(&t, &sent).await?;
    let c = reply.ok::<talkback_protocol::Comment>(201)?;
    let child = api
        .post(
            &t,
            &NewComment {
                email: Some(email.clone()),
                ..new_reply(&key, &c.id, "Me too")
            },
        )
        .await?;
    let mut texts = vec![("POST /api/v1/comments", reply.text)];
    texts.push((
        "GET /api/v1/thread",
        api.try_thread(&key, &[], Some(&t)).await?.text,
    ));
    let replies = api
        .route(
            "get",
            talkback_protocol::routes::REPLIES,
            Some(c.id.as_str()),
        )
        .token(&t)
        .send()
        .await?;
    texts.push(("GET /api/v1/comments/{id}/replies", replies.text));
    texts.push((
        "GET /api/v1/comments/{id}/context",
        api.try_context(child.id.as_str(), &[], Some(&t))
            .await?
            .text,
    ));
    let edited = api.try_edit(&t, c.id.as_str(), "Notify me, edited").await?;
    texts.push(("PATCH /api/v1/comments/{id}", edited.text));
    for (what, text) in texts {
        ensure!(
            !text.contains(&email),
            "{what} sends the reader's email address back"
        );
        ensure!(!text.contains("\"email\""), "{what} has an `email` field");
    }
    Ok(Verdict::Pass)
}

/// Raw HTML, event handlers and script links come back as inert text.
pub async fn markup_inert(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("xss");
    let body = "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n\
                [click](javascript:alert(1)) <a href=\"javascript:alert(2)\" onclick=\"alert(3)\">a</a>\n\n\
                <iframe src=\"https://evil.example/\"></iframe> <p style=\"position:fixed\">styled</p>";
    let c = api.post_body(&t, &key, body).await?;
    let problems = live_markup(&c.body_html);
    ensure!(
        problems.is_empty(),
        "body_html has live markup: {}; body_html: {:?}",
        problems.join(", "),
        c.body_html
    );
    ensure!(
        c.body_html.contains("&lt;script"),
        "raw HTML must become inert text (`&lt;script&gt;`), got {:?}",
        c.body_html
    );
    let page = api.thread(&key, &[], None).await?;
    let stored = find(&page.comments, &c.id, "the thread after posting")?;
    let problems = live_markup(&stored.body_html);
    ensure!(
        problems.is_empty(),
        "the thread sends live markup: {}",
        problems.join(", ")
    );
    Ok(Verdict::Pass)
}

/// Links in bodies get `rel="nofollow ugc noopener"`.
pub async fn links_rel(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let href = "https://source.conformance.example/report";
    let c = api
        .post_body(&t, &api.key("links"), &format!("See [the report]({href})."))
        .await?;
    let rels = link_rels(&c.body_html, href);
    ensure!(
        !rels.is_empty(),
        "the link to {href} is not an <a href> in {:?}",
        c.body_html
    );
    for rel in rels {
        let words: Vec<&str> = rel.split_whitespace().collect();
        for need in ["nofollow", "ugc", "noopener"] {
            ensure!(words.contains(&need), "link rel {rel:?} lacks {need:?}");
        }
    }
    Ok(Verdict::Pass)
}

/// The preview renders exactly what a post stores, without a token and without storing.
pub async fn preview_same_as_stored(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("preview");
    let body = "**Bold** and `code`, a [link](https://e.conformance.example/), <b>raw</b>\n\n> quoted\n\n- one\n- two";
    let preview = api.preview(body).await?;
    count_is(&api.thread(&key, &[], None).await?, 0)?;
    let c = api.post_body(&t, &key, body).await?;
    ensure_eq(
        "preview body_html vs stored body_html",
        preview.body_html.as_str(),
        c.body_html.as_str(),
    )?;
    let problems = live_markup(&preview.body_html);
    ensure!(
        problems.is_empty(),
        "the preview has live markup: {}",
        problems.join(", ")
    );
    api.try_preview("   ")
        .await?
        .error(ErrorCode::ValidationFailed)?;
    api.try_preview(&"x".repeat(talkback_protocol::limits::BODY_MAX_CHARS + 1))
        .await?
        .error(ErrorCode::ValidationFailed)?;
    Ok(Verdict::Pass)
}
