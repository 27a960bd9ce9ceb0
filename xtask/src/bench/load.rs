//! Server throughput: reads and posts on the 1,000-comment thread, the same concurrent clients
//! against Talkback and against Isso, one after the other on this machine.

use super::setup::{Servers, key};
use crate::loadgen::{self, Config, Report, expect_ok};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Clients sending at once.
pub const CONCURRENCY: usize = 32;
/// Measured time of each run.
pub const DURATION: Duration = Duration::from_secs(10);
/// Unmeasured run before each measured one (connections, caches, Python's first imports).
pub const WARMUP: Duration = Duration::from_secs(2);
/// The thread the load goes to.
pub const SIZE: usize = 1_000;

/// The four measured runs.
pub struct Load {
    pub talkback_read: Report,
    pub isso_read: Report,
    pub talkback_post: Report,
    pub isso_post: Report,
}

/// Reads first (the thread still has exactly [`SIZE`] comments), then posts.
pub fn run(servers: &Servers) -> Result<Load> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the load generator's runtime")?;
    let key = key(SIZE);
    let enc = key.replace('/', "%2F");
    // Both reads are what each system's own client asks for on page load: the widget's first
    // page (src/backend/talkback.rs: 20 top-level comments, 5 replies each)…
    let tb_read = format!(
        "{}/api/v1/thread?key={enc}&sort=best&limit=20&replies=5",
        servers.talkback
    );
    // …and Isso's embed.js (every top-level comment, nested_limit = max-comments-nested = 5).
    let isso_read = format!("{}/?uri={enc}&nested_limit=5", servers.isso);
    let talkback_read = measured(&runtime, "Talkback read", move |c, _| {
        let url = tb_read.clone();
        async move { expect_ok(c.get(url).send().await?).await }
    })?;
    let isso_read = measured(&runtime, "Isso read", move |c, _| {
        let url = isso_read.clone();
        async move { expect_ok(c.get(url).send().await?).await }
    })?;

    // Each client is its own reader, as in a comment section.
    let tokens = Arc::new(runtime.block_on(reader_tokens(&servers.talkback, CONCURRENCY))?);
    let tb_post = format!("{}/api/v1/comments", servers.talkback);
    let talkback_post = measured(&runtime, "Talkback post", move |c, i| {
        let (url, token) = (tb_post.clone(), tokens[i as usize % tokens.len()].clone());
        let body = json!({ "thread": key, "author": "Bench", "body": post_body(i) }).to_string();
        async move {
            let sent = c
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body);
            expect_ok(sent.send().await?).await
        }
    })?;
    let isso_post_url = format!("{}/new?uri={enc}", servers.isso);
    let isso_post = measured(&runtime, "Isso post", move |c, i| {
        let url = isso_post_url.clone();
        let body = json!({ "author": "Bench", "text": post_body(i) }).to_string();
        async move {
            expect_ok(
                c.post(url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?,
            )
            .await
        }
    })?;
    Ok(Load {
        talkback_read,
        isso_read,
        talkback_post,
        isso_post,
    })
}

/// A warm-up run, then the measured one, printed as it finishes.
fn measured<F, Fut>(runtime: &tokio::runtime::Runtime, name: &str, request: F) -> Result<Report>
where
    F: Fn(reqwest::Client, u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<()>> + Send,
{
    runtime.block_on(loadgen::run(
        Config {
            concurrency: CONCURRENCY,
            duration: WARMUP,
        },
        request.clone(),
    ));
    let report = runtime.block_on(loadgen::run(
        Config {
            concurrency: CONCURRENCY,
            duration: DURATION,
        },
        request,
    ));
    println!(
        "xtask: bench: {name}, {CONCURRENCY} clients: {}",
        report.summary()
    );
    if report.latencies.is_empty() {
        bail!(
            "{name}: every request failed; the first error: {}",
            report.first_error.unwrap_or_default()
        );
    }
    if let Some(e) = &report.first_error {
        println!("xtask: bench: {name}: first error: {e}");
    }
    Ok(report)
}

async fn reader_tokens(base: &str, n: usize) -> Result<Vec<String>> {
    let client = reqwest::Client::new();
    let mut tokens = Vec::with_capacity(n);
    for _ in 0..n {
        let reply = client
            .post(format!("{base}/api/v1/readers"))
            .send()
            .await
            .context("POST /api/v1/readers")?;
        let status = reply.status();
        let text = reply.text().await?;
        if !status.is_success() {
            bail!("POST /api/v1/readers: HTTP {status}: {text}");
        }
        let value: serde_json::Value =
            serde_json::from_str(&text).context("reader token reply is not JSON")?;
        let token = value
            .get("token")
            .and_then(|t| t.as_str())
            .context("no token in the reader reply")?;
        tokens.push(token.to_owned());
    }
    Ok(tokens)
}

/// A body of typical length, different each time (no server may dedupe it).
fn post_body(i: u64) -> String {
    format!(
        "Comment {i} from the load test. The detour along the ring road adds ten minutes, and the \
         buses will finally run on time, which is the whole point of the scheme."
    )
}
