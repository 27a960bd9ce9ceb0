//! Live updates over real HTTP: what each change sends, resuming, isolation between threads,
//! several subscribers, and streams ending when the server stops.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{Value, json};
use talkback_protocol::{ErrorCode, LiveEvent, LiveEventKind};

use crate::common::{TestServer, expect_error, q};

/// How long a test waits for an event that should come.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long a test waits to be sure an event does not come.
const QUIET: Duration = Duration::from_millis(600);

/// One event as read off the wire.
#[derive(Debug)]
struct Received {
    id: u64,
    event: LiveEvent,
}

/// An open stream and the bytes read from it that do not make a whole event yet.
struct Stream {
    res: Response,
    buf: String,
}

impl Stream {
    async fn open(s: &TestServer, query: &str, last_event_id: Option<&str>) -> Stream {
        let mut req = s.client.get(s.url(&format!("/api/v1/events?{query}")));
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let res = req.send().await.expect("events request");
        assert_eq!(res.status(), 200, "events route answers 200");
        let ctype = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            ctype.starts_with("text/event-stream"),
            "content type {ctype}"
        );
        Stream {
            res,
            buf: String::new(),
        }
    }

    /// The next event, skipping keep-alive comments; `None` if none comes within `wait`.
    async fn next_within(&mut self, wait: Duration) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(ev) = parse(&block) {
                    return Some(ev);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .ok()?;
            let bytes = chunk.expect("stream readable")?;
            self.buf
                .push_str(std::str::from_utf8(&bytes).expect("utf-8"));
        }
    }

    async fn next(&mut self) -> Received {
        self.next_within(PATIENCE).await.expect("an event arrives")
    }

    async fn assert_quiet(&mut self) {
        if let Some(ev) = self.next_within(QUIET).await {
            panic!("expected no event, got {ev:?}");
        }
    }
}

/// Reads one `id/event/data` block; comment-only blocks are `None`.
fn parse(block: &str) -> Option<Received> {
    let (mut id, mut name, mut data) = (None, None, None);
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("event:") {
            name = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("data:") {
            data = Some(v.trim_start().to_owned());
        }
    }
    let kind = LiveEventKind::parse(&name?).expect("a known event name");
    let event = LiveEvent::parse(kind, &data?).expect("event data parses");
    Some(Received { id: id?, event })
}

async fn vote(s: &TestServer, token: &str, id: &str, value: i8) {
    let res = s
        .send(
            Method::PUT,
            &format!("/api/v1/comments/{id}/vote"),
            Some(token),
            Some(json!({"value": value})),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn edit(s: &TestServer, token: &str, id: &str, body: &str) {
    let res = s
        .send(
            Method::PATCH,
            &format!("/api/v1/comments/{id}"),
            Some(token),
            Some(json!({"body": body})),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn delete(s: &TestServer, token: &str, id: &str) {
    let res = s
        .send(
            Method::DELETE,
            &format!("/api/v1/comments/{id}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
}

fn id_of(c: &Value) -> String {
    c["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn each_change_arrives_as_its_event_with_the_next_id() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    // The thread does not exist yet: the stream stays open and the first comment creates it.
    let mut stream = Stream::open(&s, &q("live-each"), None).await;
    let top = s.post(&token, "live-each", None, "first *words*").await;
    let top_id = id_of(&top);

    let posted = stream.next().await;
    assert_eq!(posted.id, 1);
    let LiveEvent::Posted(p) = posted.event else {
        panic!("expected posted, got {posted:?}")
    };
    assert_eq!(p.comment.id.as_str(), top_id);
    assert_eq!(
        p.comment.body_html,
        top["body_html"].as_str().unwrap_or_default()
    );
    assert_eq!(p.comment.my_vote.as_i8(), 0, "the anonymous view");
    assert_eq!(p.comment.editable_until, None, "the anonymous view");
    assert_eq!(p.comment_count, 1);

    let reply = s
        .post_id(&token, "live-each", Some(&top_id), "a reply")
        .await;
    let ev = stream.next().await;
    assert_eq!(ev.id, 2);
    match ev.event {
        LiveEvent::Posted(p) => {
            assert_eq!(p.comment.id.as_str(), reply);
            assert_eq!(
                p.comment.parent_id.as_ref().map(|c| c.as_str()),
                Some(top_id.as_str())
            );
            assert_eq!(p.comment_count, 2);
        }
        other => panic!("expected posted, got {other:?}"),
    }

    let voter = s.reader().await;
    vote(&s, &voter, &top_id, 1).await;
    let ev = stream.next().await;
    assert_eq!(ev.id, 3);
    match ev.event {
        LiveEvent::Voted(v) => {
            assert_eq!(v.comment_id.as_str(), top_id);
            assert_eq!((v.upvotes, v.downvotes, v.score), (1, 0, 1));
        }
        other => panic!("expected voted, got {other:?}"),
    }

    edit(&s, &token, &top_id, "changed").await;
    let ev = stream.next().await;
    assert_eq!(ev.id, 4);
    match ev.event {
        LiveEvent::Edited(e) => {
            assert_eq!(e.comment.body_html, "<p>changed</p>\n");
            assert!(e.comment.edited_at.is_some());
            assert_eq!(e.comment.upvotes, 1, "an edit keeps the tallies");
            assert_eq!(e.comment.reply_count, 1);
        }
        other => panic!("expected edited, got {other:?}"),
    }

    // Deleted with a reply: the placeholder keeps its place.
    delete(&s, &token, &top_id).await;
    let ev = stream.next().await;
    assert_eq!(ev.id, 5);
    match ev.event {
        LiveEvent::Deleted(d) => {
            assert_eq!(d.comment_id.as_str(), top_id);
            let placeholder = d.placeholder.expect("a placeholder for the reply's sake");
            assert!(placeholder.deleted);
            assert_eq!(placeholder.body_html, "");
            assert_eq!(d.comment_count, 1);
        }
        other => panic!("expected deleted, got {other:?}"),
    }

    // Deleted without replies: nothing stays.
    delete(&s, &token, &reply).await;
    match stream.next().await.event {
        LiveEvent::Deleted(d) => {
            assert_eq!(d.comment_id.as_str(), reply);
            assert_eq!(d.placeholder, None);
            assert_eq!(d.comment_count, 0);
        }
        other => panic!("expected deleted, got {other:?}"),
    }
    drop(stream);
    s.stop().await;
}

#[tokio::test]
async fn a_new_stream_starts_after_the_latest_event() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    s.post_id(&token, "live-start", None, "before").await;
    let mut stream = Stream::open(&s, &q("live-start"), None).await;
    stream.assert_quiet().await;
    s.post_id(&token, "live-start", None, "after").await;
    assert_eq!(stream.next().await.id, 2);
    drop(stream);
    s.stop().await;
}

#[tokio::test]
async fn a_stream_opened_after_the_pages_event_brings_every_change_the_page_missed() {
    let s = TestServer::start().await;
    let unknown = s.thread(&q("live-page"), None).await;
    assert_eq!(unknown.last_event_id, Some(0), "a thread without comments has no event yet");
    let token = s.reader().await;
    let first = s.post_id(&token, "live-page", None, "shown by the page").await;
    vote(&s, &s.reader().await, &first, 1).await;
    let page = s.thread(&q("live-page"), None).await;
    assert_eq!(page.last_event_id, Some(2), "a post and a vote");
    assert_eq!(page.comments.len(), 1);
    // Made after the page was read, before the widget opened its stream.
    let missed = s.post_id(&token, "live-page", None, "posted in between").await;
    let after = page.last_event_id.unwrap_or_default();
    let mut stream = Stream::open(&s, &format!("{}&after={after}", q("live-page")), None).await;
    let ev = stream.next().await;
    let LiveEvent::Posted(p) = ev.event else {
        panic!("expected the missed comment, got {ev:?}")
    };
    assert_eq!((ev.id, p.comment.id.as_str()), (3, missed.as_str()));
    stream.assert_quiet().await;
    drop(stream);
    s.stop().await;
}

#[tokio::test]
async fn resuming_delivers_exactly_what_was_missed_in_order() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            s.post_id(&token, "live-resume", None, &format!("comment {n}"))
                .await,
        );
    }
    for (how, mut stream) in [
        (
            "after=2",
            Stream::open(&s, &format!("{}&after=2", q("live-resume")), None).await,
        ),
        (
            "Last-Event-ID: 2 (over after=4)",
            Stream::open(&s, &format!("{}&after=4", q("live-resume")), Some("2")).await,
        ),
    ] {
        let mut got = Vec::new();
        for _ in 0..3 {
            let ev = stream.next().await;
            let LiveEvent::Posted(p) = ev.event else {
                panic!("{how}: expected posted")
            };
            got.push((ev.id, p.comment.id.as_str().to_owned()));
        }
        let want: Vec<(u64, String)> = (3..=5).zip(ids[2..].iter().cloned()).collect();
        assert_eq!(got, want, "{how}");
        stream.assert_quiet().await;
    }
    let mut from_zero = Stream::open(&s, &format!("{}&after=0", q("live-resume")), None).await;
    for want in 1..=5 {
        assert_eq!(from_zero.next().await.id, want);
    }
    drop(from_zero);
    s.stop().await;
}

#[tokio::test]
async fn other_threads_events_are_not_sent_and_every_subscriber_sees_everything() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    s.post_id(&token, "live-a", None, "exists").await;
    let mut first = Stream::open(&s, &q("live-a"), None).await;
    let mut second = Stream::open(&s, &q("live-a"), None).await;
    s.post_id(&token, "live-b", None, "elsewhere").await;
    let id = s.post_id(&token, "live-a", None, "here").await;
    // Readers cannot vote on their own comments.
    let voter = s.reader().await;
    vote(&s, &voter, &id, -1).await;
    for stream in [&mut first, &mut second] {
        let posted = stream.next().await;
        assert_eq!(posted.id, 2);
        assert!(matches!(&posted.event, LiveEvent::Posted(p) if p.comment.id.as_str() == id));
        let voted = stream.next().await;
        assert_eq!(voted.id, 3);
        assert!(matches!(&voted.event, LiveEvent::Voted(v) if v.score == -1));
        stream.assert_quiet().await;
    }
    drop((first, second));
    s.stop().await;
}

#[tokio::test]
async fn bad_keys_and_ids_are_json_errors() {
    let s = TestServer::start().await;
    let res = s
        .send(Method::GET, "/api/v1/events?key=%20", None, None)
        .await;
    expect_error(res, 422, ErrorCode::ValidationFailed).await;
    let res = s.send(Method::GET, "/api/v1/events", None, None).await;
    expect_error(res, 422, ErrorCode::ValidationFailed).await;
    let res = s
        .send(Method::GET, "/api/v1/events?key=k&after=-1", None, None)
        .await;
    expect_error(res, 400, ErrorCode::BadRequest).await;
    let res = s
        .client
        .get(s.url("/api/v1/events?key=k"))
        .header("Last-Event-ID", "soon")
        .send()
        .await
        .expect("request");
    expect_error(res, 400, ErrorCode::BadRequest).await;
    s.stop().await;
}

#[tokio::test]
async fn open_streams_end_when_the_server_stops() {
    let s = TestServer::start().await;
    let mut stream = Stream::open(&s, &q("live-stop"), None).await;
    let stopping = tokio::spawn(s.stop());
    tokio::time::timeout(PATIENCE, stopping)
        .await
        .expect("the server stops although a stream is open")
        .expect("stop task");
    let end = tokio::time::timeout(PATIENCE, stream.res.chunk())
        .await
        .expect("stream ends");
    assert!(
        matches!(end, Ok(None) | Err(_)),
        "no more data after stop: {end:?}"
    );
}

#[tokio::test]
async fn allowed_origins_may_open_a_stream() {
    let origin = "https://news.live.example";
    let s = TestServer::start_with(|c| c.allow_origins = vec![origin.to_owned()]).await;
    let res = s
        .client
        .get(s.url(&format!("/api/v1/events?{}", q("live-cors"))))
        .header("Origin", origin)
        .send()
        .await
        .expect("request");
    assert_eq!(
        res.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(origin)
    );
    drop(res);
    let preflight = s
        .client
        .request(Method::OPTIONS, s.url("/api/v1/events?key=k"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "last-event-id")
        .send()
        .await
        .expect("preflight");
    let allowed = preflight
        .headers()
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(allowed.contains("last-event-id"), "{allowed}");
    s.stop().await;
}
