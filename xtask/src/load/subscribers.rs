//! Live-update subscribers of a load run: each keeps an event stream open on one instance,
//! follows it to another when its instance dies, resumes from the last id it saw, and records
//! every event id it received.

use anyhow::Result;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use talkback_protocol::routes;

use super::traffic::Target;

/// What one subscriber saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Every event id, in arrival order.
    pub ids: Vec<u64>,
    /// How many times the stream had to be opened again.
    pub reconnects: u64,
}

/// Follows the thread's events until `stop` is set and then until it has seen `until()` (the
/// thread's last event at the end of the run), or `grace` passes.
pub async fn follow(
    target: Target,
    first: usize,
    stop: Arc<AtomicBool>,
    until: Arc<std::sync::atomic::AtomicU64>,
    grace: Duration,
) -> Result<Seen> {
    let client = reqwest::Client::new();
    let mut seen = Seen::default();
    let mut attempt = first;
    let mut stop_seen_at: Option<tokio::time::Instant> = None;
    loop {
        let last = seen.ids.last().copied().unwrap_or(0);
        let done = |last: u64| {
            stop.load(Ordering::Relaxed) && until.load(Ordering::Relaxed) <= last && until.load(Ordering::Relaxed) > 0
        };
        if done(last) {
            return Ok(seen);
        }
        if stop.load(Ordering::Relaxed) {
            let at = *stop_seen_at.get_or_insert_with(tokio::time::Instant::now);
            if at.elapsed() > grace {
                return Ok(seen);
            }
        }
        let base = &target.bases[attempt % target.bases.len()];
        // `after` on the first connection (0: from the thread's first event), Last-Event-ID
        // afterwards, as a browser's EventSource resumes.
        // Load-run keys are plain ASCII words: no escaping needed.
        let url = format!("{base}{}?key={}", routes::EVENTS, target.key);
        let request = if seen.ids.is_empty() {
            client.get(format!("{url}&after=0"))
        } else {
            client.get(url).header("last-event-id", last.to_string())
        };
        if let Ok(mut response) = request.send().await
            && response.status().is_success()
        {
            let mut buffer = String::new();
            loop {
                let chunk = tokio::time::timeout(Duration::from_millis(500), response.chunk()).await;
                match chunk {
                    Ok(Ok(Some(bytes))) => {
                        buffer.push_str(&String::from_utf8_lossy(&bytes));
                        take_ids(&mut buffer, &mut seen.ids);
                    }
                    // The stream ended or broke: the instance went away.
                    Ok(Ok(None)) | Ok(Err(_)) => break,
                    Err(_) => {}
                }
                let last = seen.ids.last().copied().unwrap_or(0);
                if done(last) {
                    return Ok(seen);
                }
                if stop.load(Ordering::Relaxed) {
                    let at = *stop_seen_at.get_or_insert_with(tokio::time::Instant::now);
                    if at.elapsed() > grace {
                        return Ok(seen);
                    }
                }
            }
        }
        seen.reconnects += 1;
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Moves the ids of the complete events in `buffer` to `ids`, keeping a partial event.
fn take_ids(buffer: &mut String, ids: &mut Vec<u64>) {
    while let Some(end) = buffer.find("\n\n") {
        let event: String = buffer.drain(..end + 2).collect();
        for line in event.lines() {
            if let Some(Ok(id)) = line.strip_prefix("id:").map(|id| id.trim().parse()) {
                ids.push(id);
            }
        }
    }
}

/// Gaps and repeats in what a subscriber saw of events 1..=last.
pub fn missing_and_repeated(ids: &[u64], last: u64) -> (Vec<u64>, usize) {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let before = sorted.len();
    sorted.dedup();
    let repeated = before - sorted.len();
    let missing = (1..=last).filter(|id| sorted.binary_search(id).is_err()).collect();
    (missing, repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_taken_from_complete_events_only() {
        let mut buffer = "id: 1\nevent: posted\ndata: {}\n\n: keep-alive\n\nid: 2\nevent: vo".to_owned();
        let mut ids = Vec::new();
        take_ids(&mut buffer, &mut ids);
        assert_eq!(ids, vec![1]);
        buffer.push_str("ted\ndata: {}\n\n");
        take_ids(&mut buffer, &mut ids);
        assert_eq!(ids, vec![1, 2]);
    }

    #[test]
    fn gaps_and_repeats_are_reported() {
        assert_eq!(missing_and_repeated(&[1, 2, 2, 4], 5), (vec![3, 5], 1));
        assert_eq!(missing_and_repeated(&[1, 2, 3], 3), (vec![], 0));
    }
}
