//! A small HTTP load driver: a fixed number of workers send requests back to back for a fixed
//! time, every latency is kept, and the report gives throughput, percentiles and errors.
//!
//! ```ignore
//! let report = loadgen::run(Config { concurrency: 32, duration: Duration::from_secs(10) }, |client, _i| async move {
//!     loadgen::expect_ok(client.get("http://127.0.0.1:8080/api/v1/thread?key=k").send().await?).await
//! }).await;
//! println!("{}", report.summary());
//! ```
//!
//! Closed-loop on purpose (each worker waits for its answer before the next request): it
//! measures what a server sustains with N clients, not how it queues under an open arrival rate.

use anyhow::{Result, bail};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How much load to apply.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Workers sending requests at the same time (each one request at a time).
    pub concurrency: usize,
    /// How long the measured run lasts; requests in flight at the end still count.
    pub duration: Duration,
}

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Latency of every successful request, sorted ascending.
    pub latencies: Vec<Duration>,
    /// Requests whose closure returned an error.
    pub errors: u64,
    /// The first error seen, for the message when a run fails.
    pub first_error: Option<String>,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
}

impl Report {
    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.latencies.len() as f64 / secs
        } else {
            0.0
        }
    }

    /// The latency below which a fraction `q` (0..=1) of successful requests finished.
    pub fn percentile(&self, q: f64) -> Option<Duration> {
        percentile(&self.latencies, q)
    }

    /// One line: requests, errors, throughput, p50 and p99.
    pub fn summary(&self) -> String {
        let ms = |d: Option<Duration>| {
            d.map_or("-".to_owned(), |d| {
                format!("{:.1} ms", d.as_secs_f64() * 1e3)
            })
        };
        format!(
            "{} ok, {} errors in {:.1} s: {:.1} req/s, p50 {}, p99 {}",
            self.latencies.len(),
            self.errors,
            self.elapsed.as_secs_f64(),
            self.throughput(),
            ms(self.percentile(0.5)),
            ms(self.percentile(0.99)),
        )
    }
}

/// Nearest-rank percentile of an ascending slice: the smallest value with at least `q` of the
/// values at or below it.
pub fn percentile(sorted: &[Duration], q: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.saturating_sub(1).min(sorted.len() - 1)])
}

/// Runs `request(client, i)` from `config.concurrency` workers until `config.duration` has
/// passed; `i` numbers the requests 0, 1, 2… across all workers (for unique bodies). Every
/// worker shares one `reqwest::Client`, so connections are pooled and kept alive as a browser's
/// would be.
pub async fn run<F, Fut>(config: Config, request: F) -> Report
where
    F: Fn(reqwest::Client, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send,
{
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.concurrency)
        .build()
        .unwrap_or_default();
    let request = Arc::new(request);
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..config.concurrency.max(1) {
        let (client, request, counter) = (client.clone(), request.clone(), counter.clone());
        workers.spawn(async move {
            let mut part = Report::default();
            while Instant::now() < deadline {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let sent = Instant::now();
                match request(client.clone(), i).await {
                    Ok(()) => part.latencies.push(sent.elapsed()),
                    Err(e) => {
                        part.errors += 1;
                        part.first_error.get_or_insert_with(|| format!("{e:#}"));
                    }
                }
            }
            part
        });
    }
    let mut report = Report::default();
    while let Some(done) = workers.join_next().await {
        match done {
            Ok(part) => {
                report.latencies.extend(part.latencies);
                report.errors += part.errors;
                if report.first_error.is_none() {
                    report.first_error = part.first_error;
                }
            }
            // A worker that panicked lost its figures; count it as one error rather than hide it.
            Err(e) => {
                report.errors += 1;
                report
                    .first_error
                    .get_or_insert_with(|| format!("a worker stopped: {e}"));
            }
        }
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    report
}

/// Reads the whole body (so the server's full work is timed) and fails unless the status is 2xx.
pub async fn expect_ok(response: reqwest::Response) -> Result<()> {
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&v, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&v, 0.99), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&v, 1.0), Some(Duration::from_millis(100)));
        assert_eq!(percentile(&v, 0.0), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&ms(&[7]), 0.99), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn throughput_counts_successes_per_second() {
        let r = Report {
            latencies: ms(&[1; 50]),
            errors: 3,
            first_error: None,
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(r.throughput(), 25.0);
        assert!(
            r.summary()
                .starts_with("50 ok, 3 errors in 2.0 s: 25.0 req/s")
        );
    }

    #[test]
    fn a_run_counts_every_request_and_every_error() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let report = runtime.block_on(run(
            Config {
                concurrency: 4,
                duration: Duration::from_millis(50),
            },
            |_client, i| async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                if i % 2 == 0 { Ok(()) } else { bail!("odd {i}") }
            },
        ));
        assert!(!report.latencies.is_empty());
        let total = report.latencies.len() as u64 + report.errors;
        assert!(
            report.errors >= total / 2 - 4 && report.errors <= total / 2 + 4,
            "{report:?}"
        );
        assert!(report.first_error.unwrap().starts_with("odd "));
    }
}
