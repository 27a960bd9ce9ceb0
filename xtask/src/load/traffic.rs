//! The readers, writers and voters of a load run, and the ledger of what the servers
//! acknowledged — the ground truth the checks compare the database with afterwards.

use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use talkback_protocol::{Comment, CommentId, NewComment, ReaderToken, Vote, VoteRequest, routes};

/// How long one logical request keeps retrying through crashes and database restarts.
const RETRY_FOR: Duration = Duration::from_secs(60);

/// Where the traffic goes: every server instance, tried in turn when one does not answer.
#[derive(Clone)]
pub struct Target {
    /// Base URLs of the instances.
    pub bases: Arc<Vec<String>>,
    /// The thread every client writes to.
    pub key: String,
}

/// A comment a server acknowledged: it must be stored exactly once, under this parent.
#[derive(Clone, Debug)]
pub struct Acked {
    /// The id the server answered with.
    pub id: String,
    /// The parent the client asked for.
    pub parent: Option<String>,
}

/// Everything the servers acknowledged during the run.
#[derive(Default)]
pub struct Ledger {
    /// Acknowledged comments, in acknowledgement order.
    pub comments: Mutex<Vec<Acked>>,
    /// Each voter's last acknowledged vote per comment (voter index → comment → vote).
    pub votes: Mutex<HashMap<(usize, String), Vote>>,
    /// Requests that needed another try (an instance down, the database restarting).
    pub retries: std::sync::atomic::AtomicU64,
}

/// A reader token held by one voter at a time, so its votes reach the server in the order the
/// ledger records them.
pub struct Voter {
    /// Bearer token.
    pub token: String,
    lock: tokio::sync::Mutex<()>,
}

/// Creates `n` anonymous readers through the API.
pub async fn readers(client: &reqwest::Client, target: &Target, n: usize) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let url = format!("{}{}", target.bases[i % target.bases.len()], routes::READERS);
        let body = client.post(url).send().await?.error_for_status()?.bytes().await?;
        let token: ReaderToken = serde_json::from_slice(&body).context("reader token answer")?;
        out.push(token.token);
    }
    Ok(out)
}

/// Wraps tokens as voters.
pub fn voters(tokens: Vec<String>) -> Vec<Voter> {
    tokens
        .into_iter()
        .map(|token| Voter {
            token,
            lock: tokio::sync::Mutex::new(()),
        })
        .collect()
}

/// Sends one request built by `build` to instance `first`, then to the others in turn while
/// the answer is a transport error or a 5xx, for up to [`RETRY_FOR`]. A 4xx is a bug in the
/// server or in this client and fails at once.
async fn send_retrying(
    ledger: &Ledger,
    target: &Target,
    first: usize,
    build: impl Fn(&str) -> reqwest::RequestBuilder,
) -> Result<Vec<u8>> {
    let started = Instant::now();
    let mut attempt = 0usize;
    loop {
        let base = &target.bases[(first + attempt) % target.bases.len()];
        let outcome = match build(base).timeout(Duration::from_secs(10)).send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(body) if status.is_success() => return Ok(body.to_vec()),
                    Ok(body) if status.is_client_error() => {
                        bail!("HTTP {status} from {base}: {}", String::from_utf8_lossy(&body))
                    }
                    Ok(body) => format!("HTTP {status}: {}", String::from_utf8_lossy(&body)),
                    Err(e) => e.to_string(),
                }
            }
            Err(e) => e.to_string(),
        };
        if started.elapsed() > RETRY_FOR {
            bail!("no instance accepted the request within {RETRY_FOR:?}; last answer: {outcome}");
        }
        attempt += 1;
        ledger.retries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Posts one comment (a reply to an acknowledged comment every other time) and records it.
pub async fn post(
    client: reqwest::Client,
    target: Target,
    ledger: Arc<Ledger>,
    writers: Arc<Vec<String>>,
    i: u64,
) -> Result<()> {
    let parent = {
        let acked = ledger.comments.lock().map_err(|_| anyhow::anyhow!("ledger poisoned"))?;
        (i % 2 == 1 && !acked.is_empty()).then(|| acked[pick(i, acked.len())].id.clone())
    };
    let token = &writers[(i as usize) % writers.len()];
    let new = NewComment {
        thread: target.key.clone(),
        parent_id: parent.as_deref().and_then(CommentId::parse),
        author: Some(format!("Load writer {}", i as usize % writers.len())),
        body: format!("Load comment number {i}: a sentence long enough to look like a reader's remark."),
        // The same key on every retry: a post that reached a server which died before answering
        // must not be stored twice when it is sent again to the other instance.
        client_token: Some(format!("load-{i}")),
        ..NewComment::default()
    };
    let json = serde_json::to_vec(&new)?;
    let body = send_retrying(&ledger, &target, i as usize, |base| {
        client
            .post(format!("{base}{}", routes::COMMENTS))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(json.clone())
    })
    .await?;
    let stored: Comment = serde_json::from_slice(&body).context("post answer")?;
    if stored.parent_id.as_ref().map(|p| p.as_str()) != parent.as_deref() {
        bail!(
            "comment {} was answered with parent {:?}, sent {parent:?}",
            stored.id.as_str(),
            stored.parent_id
        );
    }
    ledger
        .comments
        .lock()
        .map_err(|_| anyhow::anyhow!("ledger poisoned"))?
        .push(Acked {
            id: stored.id.as_str().to_owned(),
            parent,
        });
    Ok(())
}

/// Sets a vote of one voter on an acknowledged comment and records it once acknowledged.
pub async fn vote(
    client: reqwest::Client,
    target: Target,
    ledger: Arc<Ledger>,
    voters: Arc<Vec<Voter>>,
    i: u64,
) -> Result<()> {
    let comment = {
        let acked = ledger.comments.lock().map_err(|_| anyhow::anyhow!("ledger poisoned"))?;
        (!acked.is_empty()).then(|| acked[pick(i.wrapping_mul(7), acked.len())].id.clone())
    };
    let Some(comment) = comment else {
        tokio::time::sleep(Duration::from_millis(20)).await;
        return Ok(());
    };
    let index = (i as usize) % voters.len();
    let voter = &voters[index];
    let _held = voter.lock.lock().await;
    let value = match i % 3 {
        0 => Vote::Up,
        1 => Vote::Down,
        _ => Vote::None,
    };
    let json = serde_json::to_vec(&VoteRequest { value })?;
    send_retrying(&ledger, &target, i as usize, |base| {
        client
            .put(format!("{base}{}", routes::with_id(routes::VOTE, &comment)))
            .bearer_auth(&voter.token)
            .header("content-type", "application/json")
            .body(json.clone())
    })
    .await?;
    ledger
        .votes
        .lock()
        .map_err(|_| anyhow::anyhow!("ledger poisoned"))?
        .insert((index, comment), value);
    Ok(())
}

/// Reads the thread's first page from one instance.
pub async fn read(client: reqwest::Client, target: Target, ledger: Arc<Ledger>, i: u64) -> Result<()> {
    send_retrying(&ledger, &target, i as usize, |base| {
        client.get(format!("{base}{}?key={}", routes::THREAD, target.key))
    })
    .await
    .map(|_| ())
}

/// A spread-out index below `len` (a multiplicative hash: no rand dependency needed).
fn pick(i: u64, len: usize) -> usize {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16) as usize % len.max(1)
}
