//! Reading a server-sent event stream, for the checks of the optional live updates.

use std::time::Duration;

use serde_json::Value;
use talkback_protocol::routes::EVENTS;
use talkback_protocol::{LiveEvent, LiveEventKind};

use crate::client::Api;
use crate::outcome::Failure;
use crate::shape::has_fields;

/// How long a check waits for an event that should come.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// What the events route answered.
pub enum Opened {
    /// A stream of events.
    Stream(EventStream),
    /// 404: the backend does not offer live updates.
    Absent,
}

/// Where a stream starts.
#[derive(Clone, Copy, Debug)]
pub enum Start<'a> {
    /// After the thread's latest event.
    Now,
    /// `after=<n>`.
    After(u64),
    /// The `Last-Event-ID` header.
    LastEventId(&'a str),
}

/// An open stream and what was read of it that is not a whole event yet.
pub struct EventStream {
    what: String,
    res: reqwest::Response,
    buf: String,
}

/// One event as read off the wire.
#[derive(Debug)]
pub struct Received {
    /// The `id:` field, as a number.
    pub id: u64,
    /// Name and data.
    pub event: LiveEvent,
}

impl Api {
    /// `GET /api/v1/events?key=` from `from`; 200 must be `text/event-stream`.
    pub async fn events(&self, key: &str, from: Start<'_>) -> Result<Opened, Failure> {
        let mut req = self
            .http()
            .get(format!("{}{EVENTS}", self.base()))
            .query(&[("key", key)]);
        match from {
            Start::Now => {}
            Start::After(n) => req = req.query(&[("after", n)]),
            Start::LastEventId(id) => req = req.header("Last-Event-ID", id),
        }
        let what = format!("GET {EVENTS}?key={key} ({from:?})");
        let res = req
            .send()
            .await
            .map_err(|e| Failure(format!("{what}: no answer from {}: {e}", self.base())))?;
        match res.status().as_u16() {
            404 => return Ok(Opened::Absent),
            200 => {}
            other => {
                let body = res.text().await.unwrap_or_default();
                return Err(Failure(format!(
                    "{what}: expected 200, got {other} with {body:?}"
                )));
            }
        }
        let ctype = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !ctype.to_ascii_lowercase().starts_with("text/event-stream") {
            return Err(Failure(format!(
                "{what} answered 200 with Content-Type {ctype:?}; the events route sends text/event-stream"
            )));
        }
        self.record(("get", EVENTS));
        Ok(Opened::Stream(EventStream {
            what,
            res,
            buf: String::new(),
        }))
    }
}

impl EventStream {
    /// The next event (keep-alive comments skipped); a failure when none comes in time or it
    /// breaks the protocol.
    pub async fn next(&mut self, waiting_for: &str) -> Result<Received, Failure> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(ev) = self.parse(&block)? {
                    return Ok(ev);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .map_err(|_| {
                    Failure(format!(
                        "{}: no event within {} s after {waiting_for}",
                        self.what,
                        PATIENCE.as_secs()
                    ))
                })?
                .map_err(|e| Failure(format!("{}: the stream broke: {e}", self.what)))?;
            let Some(bytes) = chunk else {
                return Err(Failure(format!(
                    "{}: the stream ended while waiting for the event after {waiting_for}",
                    self.what
                )));
            };
            self.buf
                .push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
        }
    }

    /// One block of lines: `None` for a comment-only block, else the event.
    fn parse(&self, block: &str) -> Result<Option<Received>, Failure> {
        let (mut id, mut name, mut data) = (None, None, None::<String>);
        for line in block.lines().filter(|l| !l.starts_with(':')) {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => id = Some(value.to_owned()),
                "event" => name = Some(value.to_owned()),
                "data" => data = Some(data.map_or(value.to_owned(), |d| d + "\n" + value)),
                _ => {}
            }
        }
        let Some(data) = data else {
            return Ok(None);
        };
        let bad = |why: String| Failure(format!("{}: {why} in the event {block:?}", self.what));
        let name = name.ok_or_else(|| bad("no `event:` name".to_owned()))?;
        let kind = LiveEventKind::parse(&name)
            .ok_or_else(|| bad(format!("`event: {name}` is not an event of the protocol")))?;
        let id = id
            .and_then(|i| i.trim().parse::<u64>().ok())
            .ok_or_else(|| bad("the `id:` is missing or not a whole number".to_owned()))?;
        let json: Value =
            serde_json::from_str(&data).map_err(|e| bad(format!("the data is not JSON ({e})")))?;
        shape(kind, &json).map_err(bad)?;
        let event = LiveEvent::parse(kind, &data).map_err(|e| bad(e.to_string()))?;
        Ok(Some(Received { id, event }))
    }
}

/// Every field of the event's data is present, the comment's too.
fn shape(kind: LiveEventKind, v: &Value) -> Result<(), String> {
    use crate::shape::COMMENT;
    match kind {
        LiveEventKind::Posted | LiveEventKind::Edited => {
            has_fields(v, "CommentEvent", &["comment", "comment_count"])?;
            has_fields(&v["comment"], "Comment", COMMENT)
        }
        LiveEventKind::Deleted => {
            has_fields(
                v,
                "DeletedEvent",
                &["comment_id", "placeholder", "comment_count"],
            )?;
            match &v["placeholder"] {
                Value::Null => Ok(()),
                c => has_fields(c, "Comment", COMMENT),
            }
        }
        LiveEventKind::Voted => has_fields(
            v,
            "VotedEvent",
            &[
                "comment_id",
                "score",
                "upvotes",
                "downvotes",
                "comment_count",
            ],
        ),
    }
}
