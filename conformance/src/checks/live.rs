//! Live updates (optional): each change of a thread arrives on its event stream with the next
//! id, resuming delivers exactly what was missed, and streams carry only their own thread.
//! A backend without the events route gets these checks skipped, not failed.

use talkback_protocol::{CommentId, ErrorCode, LiveEvent, Vote};

use crate::outcome::{CheckResult, Failure, Verdict, ensure_eq};
use crate::stream::{EventStream, Opened, Received, Start};
use crate::suite::Ctx;

const ABSENT: &str =
    "the backend answers 404 to GET /api/v1/events: it does not offer live updates (optional)";

/// Opens a stream, or says the check is skipped because the route is absent.
async fn open(
    ctx: &Ctx,
    key: &str,
    from: Start<'_>,
) -> Result<Result<EventStream, Verdict>, Failure> {
    Ok(match ctx.api.events(key, from).await? {
        Opened::Stream(s) => Ok(s),
        Opened::Absent => Err(Verdict::Skip(ABSENT.to_owned())),
    })
}

/// Fails unless the event has id `id` and is about `comment`.
fn expect(got: &Received, id: u64, name: &str, comment: &CommentId) -> Result<(), Failure> {
    let (kind, about) = match &got.event {
        LiveEvent::Posted(e) => ("posted", &e.comment.id),
        LiveEvent::Edited(e) => ("edited", &e.comment.id),
        LiveEvent::Deleted(e) => ("deleted", &e.comment_id),
        LiveEvent::Voted(e) => ("voted", &e.comment_id),
    };
    if (got.id, kind, about) != (id, name, comment) {
        return Err(Failure(format!(
            "expected event {id} `{name}` about {comment}, got event {} `{kind}` about {about}",
            got.id
        )));
    }
    Ok(())
}

/// Post, reply, vote, edit and delete each arrive as their event, ids 1, 2, 3… of a new thread.
pub async fn each_change(ctx: &Ctx) -> CheckResult {
    let key = ctx.api.key("live-each");
    // The thread does not exist yet: the stream must stay open until the first comment.
    let mut s = match open(ctx, &key, Start::Now).await? {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    let t = ctx.api.reader().await?;
    let top = ctx.api.post_body(&t, &key, "Live *top*").await?;
    let ev = s.next("posting the thread's first comment").await?;
    expect(&ev, 1, "posted", &top.id)?;
    if let LiveEvent::Posted(p) = &ev.event {
        ensure_eq(
            "posted: comment.body_html",
            &p.comment.body_html,
            &top.body_html,
        )?;
        ensure_eq(
            "posted: comment.my_vote (the anonymous view)",
            p.comment.my_vote,
            Vote::None,
        )?;
        ensure_eq(
            "posted: comment.editable_until (the anonymous view)",
            &p.comment.editable_until,
            &None,
        )?;
        ensure_eq("posted: comment_count", p.comment_count, 1)?;
    }
    let reply = ctx.api.reply_to(&t, &key, &top.id, "Live reply").await?;
    let ev = s.next("posting a reply").await?;
    expect(&ev, 2, "posted", &reply.id)?;
    if let LiveEvent::Posted(p) = &ev.event {
        ensure_eq(
            "posted reply: comment.parent_id",
            &p.comment.parent_id,
            &Some(top.id.clone()),
        )?;
        ensure_eq("posted reply: comment_count", p.comment_count, 2)?;
    }
    let voter = ctx.api.reader().await?;
    ctx.api.vote(&voter, &top.id, Vote::Up).await?;
    let ev = s.next("an up vote").await?;
    expect(&ev, 3, "voted", &top.id)?;
    if let LiveEvent::Voted(v) = &ev.event {
        ensure_eq(
            "voted: (upvotes, downvotes, score)",
            (v.upvotes, v.downvotes, v.score),
            (1, 0, 1),
        )?;
    }
    let edited = ctx
        .api
        .try_edit(&t, top.id.as_str(), "Live, edited")
        .await?
        .ok::<talkback_protocol::Comment>(200)?;
    let ev = s.next("an edit").await?;
    expect(&ev, 4, "edited", &top.id)?;
    if let LiveEvent::Edited(e) = &ev.event {
        ensure_eq(
            "edited: comment.body_html",
            &e.comment.body_html,
            &edited.body_html,
        )?;
    }
    ctx.api.delete(&t, &top.id).await?;
    let ev = s.next("deleting a comment that has a reply").await?;
    expect(&ev, 5, "deleted", &top.id)?;
    if let LiveEvent::Deleted(d) = &ev.event {
        let kept = d
            .placeholder
            .as_ref()
            .is_some_and(|c| c.deleted && c.body_html.is_empty());
        if !kept {
            return Err(Failure(format!(
                "deleted: a comment with a reply keeps its place, so `placeholder` must be the deleted comment; got {:?}",
                d.placeholder
            )));
        }
        ensure_eq("deleted: comment_count", d.comment_count, 1)?;
    }
    ctx.api.delete(&t, &reply.id).await?;
    let ev = s.next("deleting a reply without replies").await?;
    expect(&ev, 6, "deleted", &reply.id)?;
    if let LiveEvent::Deleted(d) = &ev.event {
        ensure_eq("deleted leaf: placeholder", &d.placeholder, &None)?;
        ensure_eq("deleted leaf: comment_count", d.comment_count, 0)?;
    }
    Ok(Verdict::Pass)
}

/// A thread with three comments (events 1–3).
async fn three(ctx: &Ctx, label: &str) -> Result<(String, String, Vec<CommentId>), Failure> {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key(label);
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(
            ctx.api
                .post_body(&t, &key, &format!("Comment {n}"))
                .await?
                .id,
        );
    }
    Ok((t, key, ids))
}

/// Resuming from `from` (after event 1) sends events 2 and 3, then the next new one as 4.
async fn resume(ctx: &Ctx, label: &str, from: Start<'_>) -> CheckResult {
    let (t, key, ids) = three(ctx, label).await?;
    let mut s = match open(ctx, &key, from).await? {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    for (n, id) in ids.iter().enumerate().skip(1) {
        let ev = s.next("resuming after event 1").await?;
        expect(&ev, n as u64 + 1, "posted", id)?;
    }
    // The next event must be the new one: nothing sent twice, nothing left out.
    let late = ctx.api.post_body(&t, &key, "Comment 4").await?;
    let ev = s.next("posting after catching up").await?;
    expect(&ev, 4, "posted", &late.id)
        .map_err(|f| Failure(format!("after the missed events 2 and 3: {}", f.0)))?;
    Ok(Verdict::Pass)
}

/// `after=1` resumes after event 1.
pub async fn resume_after(ctx: &Ctx) -> CheckResult {
    resume(ctx, "live-after", Start::After(1)).await
}

/// `Last-Event-ID: 1` resumes after event 1.
pub async fn resume_last_event_id(ctx: &Ctx) -> CheckResult {
    resume(ctx, "live-last-id", Start::LastEventId("1")).await
}

/// A thread page names the newest event it includes (3 after three posts), so a stream opened
/// after it brings the next change and nothing the page already showed.
pub async fn page_position(ctx: &Ctx) -> CheckResult {
    let (t, key, _) = three(ctx, "live-page").await?;
    let page = ctx.api.thread(&key, &[], None).await?;
    let Some(after) = page.last_event_id else {
        // Without live updates the field is null; a backend with them must fill it in.
        return match open(ctx, &key, Start::Now).await? {
            Ok(_) => Err(Failure(
                "the backend streams events but its thread page has `last_event_id: null`; \
                 it must be the id of the newest event the page includes"
                    .to_owned(),
            )),
            Err(skip) => Ok(skip),
        };
    };
    ensure_eq("thread page: last_event_id after three posts", after, 3)?;
    let mut s = match open(ctx, &key, Start::After(after)).await? {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    let late = ctx.api.post_body(&t, &key, "After the page").await?;
    let ev = s.next("posting after the page was read").await?;
    expect(&ev, 4, "posted", &late.id)
        .map_err(|f| Failure(format!("opened after the page's last_event_id: {}", f.0)))?;
    Ok(Verdict::Pass)
}

/// A stream carries its own thread's events only.
pub async fn own_thread_only(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let (mine, other) = (ctx.api.key("live-mine"), ctx.api.key("live-other"));
    ctx.api.post_body(&t, &mine, "Here first").await?;
    let mut s = match open(ctx, &mine, Start::Now).await? {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    ctx.api.post_body(&t, &other, "Elsewhere").await?;
    let here = ctx.api.post_body(&t, &mine, "Here").await?;
    let ev = s
        .next("a post to another thread, then one to this thread")
        .await?;
    expect(&ev, 2, "posted", &here.id)
        .map_err(|f| Failure(format!("a stream must carry only its own thread: {}", f.0)))?;
    Ok(Verdict::Pass)
}

/// An empty key is 422 `validation_failed`, as on the thread route.
pub async fn bad_key(ctx: &Ctx) -> CheckResult {
    let reply = ctx
        .api
        .route("get", talkback_protocol::routes::EVENTS, None)
        .query(&[("key", "  ")])
        .send()
        .await?;
    if reply.status == 404 {
        return Ok(Verdict::Skip(ABSENT.to_owned()));
    }
    reply.error(ErrorCode::ValidationFailed)?;
    Ok(Verdict::Pass)
}
