//! `GET /api/v1/events`: a thread's changes pushed to open widgets as server-sent events.
//!
//! Every stream follows one thread through the [`Store`](crate::store::Store) trait only: the
//! store numbers each change per thread and nudges subscribers through `wakeups()`, so a change
//! made on another server instance of a shared database arrives like a local one.

mod hub;
mod payload;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use talkback_protocol::live::LIVE_KEEPALIVE_SECS;
use talkback_protocol::normalize_thread_key;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};

pub use hub::{Hub, MAX_STREAMS_DEFAULT, Permit};
pub use payload::{Outgoing, present_batch};

use crate::AppState;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::store::{StoreError, ThreadId, Wakeup};

/// Events read from the store at once while catching up.
const BATCH: usize = 500;
/// Events waiting for a slow client; the stream task waits when they are not taken.
const QUEUE: usize = 32;
/// The header browsers send when they reconnect an `EventSource` by themselves.
const LAST_EVENT_ID: &str = "last-event-id";

/// Query of the events route; `key` is optional here so that a missing key gets the protocol's
/// "thread key is missing" message rather than a parser error.
#[derive(Deserialize)]
pub struct EventsParams {
    key: Option<String>,
    after: Option<u64>,
}

/// `GET /api/v1/events`
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventsParams>,
) -> Result<Response, AppError> {
    let key = normalize_thread_key(q.key.as_deref().unwrap_or_default())?;
    let resume = resume_point(&headers, q.after)?;
    let permit = state.live.admit().ok_or_else(|| {
        AppError::Unavailable(
            "This server has too many live connections open; live updates will retry later."
                .to_owned(),
        )
    })?;
    // Subscribing before the start position is read means a change committed in between is
    // either counted in the start position or nudged afterwards: never lost.
    let wakeups = state.store.wakeups();
    let thread = state.store.thread_by_key(key.clone()).await?.map(|t| t.id);
    let last = match (resume, thread) {
        (Some(after), _) => after,
        (None, Some(t)) => state.store.last_event(t).await?,
        (None, None) => 0,
    };
    let (tx, rx) = mpsc::channel(QUEUE);
    let follower = Follower {
        state,
        key,
        thread,
        last,
        wakeups,
        tx,
        _permit: permit,
    };
    tokio::spawn(follower.run());
    let keep_alive = KeepAlive::new()
        .interval(Duration::from_secs(LIVE_KEEPALIVE_SECS))
        .text("keep-alive");
    Ok(Sse::new(Queue(rx)).keep_alive(keep_alive).into_response())
}

/// Where to start: `Last-Event-ID` (an automatic reconnect) wins over `after`.
fn resume_point(headers: &HeaderMap, after: Option<u64>) -> Result<Option<i64>, AppError> {
    let header = headers
        .get(LAST_EVENT_ID)
        .map(|v| v.to_str().unwrap_or("").trim())
        .filter(|v| !v.is_empty());
    let chosen = match header {
        Some(raw) => Some(raw.parse::<u64>().map_err(|_| {
            AppError::BadRequest(format!(
                "Last-Event-ID must be the id of an event of this stream (a whole number), not {raw:?}."
            ))
        })?),
        None => after,
    };
    Ok(chosen.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
}

/// Why a stream ends.
enum Stop {
    /// The client went away or the server is shutting down.
    Gone,
    /// The store failed; the client reconnects and resumes.
    Store(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}

/// One stream's task: sends what it missed, then what happens, until told to stop.
struct Follower {
    state: AppState,
    key: String,
    /// `None` until the thread's first comment creates it.
    thread: Option<ThreadId>,
    last: i64,
    wakeups: broadcast::Receiver<Wakeup>,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    _permit: Permit,
}

impl Follower {
    async fn run(mut self) {
        let closing = self.state.live.closed();
        tokio::pin!(closing);
        loop {
            if let Err(Stop::Store(e)) = self.catch_up().await {
                eprintln!("talkback-server: live stream of {:?} ended: {e}", self.key);
                return;
            }
            let tx = self.tx.clone();
            tokio::select! {
                () = &mut closing => return,
                () = tx.closed() => return,
                more = self.relevant_wakeup() => if !more { return },
            }
        }
    }

    /// Waits for a nudge that may concern this thread; `false` once nudges can never come.
    async fn relevant_wakeup(&mut self) -> bool {
        loop {
            match self.wakeups.recv().await {
                Ok(Wakeup::Thread(t)) if self.thread.is_none_or(|own| own == t) => return true,
                Ok(Wakeup::Thread(_)) => {}
                // Lost nudges could have been ours: look.
                Ok(Wakeup::All) | Err(RecvError::Lagged(_)) => return true,
                Err(RecvError::Closed) => return false,
            }
        }
    }

    /// Sends every event after `last`, in order, batch by batch.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        if self.thread.is_none() {
            self.thread = self
                .state
                .store
                .thread_by_key(self.key.clone())
                .await?
                .map(|t| t.id);
        }
        let Some(thread) = self.thread else {
            return Ok(());
        };
        loop {
            let batch = self
                .state
                .store
                .events_after(thread, self.last, BATCH)
                .await?;
            let Some(newest) = batch.last().map(|e| e.seq) else {
                return Ok(());
            };
            for out in present_batch(&self.state, thread, &batch).await? {
                self.tx
                    .send(Ok(frame(&out)))
                    .await
                    .map_err(|_| Stop::Gone)?;
            }
            self.last = newest;
        }
    }
}

/// The SSE frame of one event.
fn frame(out: &Outgoing) -> Event {
    Event::default()
        .id(out.seq.to_string())
        .event(out.event.kind().as_str())
        .data(out.event.data())
}

/// The receiving end of a stream's queue, as the body of the response.
struct Queue(mpsc::Receiver<Result<Event, Infallible>>);

impl futures_core::Stream for Queue {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn last_event_id_wins_over_after_and_must_be_a_number() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, Some(4)).ok(), Some(Some(4)));
        assert_eq!(resume_point(&headers, None).ok(), Some(None));
        headers.insert(LAST_EVENT_ID, HeaderValue::from_static("9"));
        assert_eq!(resume_point(&headers, Some(4)).ok(), Some(Some(9)));
        headers.insert(LAST_EVENT_ID, HeaderValue::from_static("nine"));
        assert!(resume_point(&headers, Some(4)).is_err());
    }
}
