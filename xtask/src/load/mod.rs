//! `cargo xtask load`: two server instances on one PostgreSQL under concurrent readers,
//! writers, voters and live subscribers, with a kill -9 of one instance and a PostgreSQL
//! restart in the middle; then a SQLite server killed during writes. Prints throughput and
//! latency, checks that nothing acknowledged was lost or doubled and that every subscriber saw
//! every event, and fails when a check does not hold.
//!
//! `--quick` is the bounded run `cargo xtask test` makes (debug server, a few seconds);
//! without it the run is longer, uses a release server and writes its figures into
//! docs/deployment.md.

mod checks;
mod instances;
mod subscribers;
mod traffic;

use crate::{Workspace, loadgen, run_cmd};
use anyhow::{Context, Result, anyhow};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checks::Check;
use instances::Instance;
use traffic::{Ledger, Target};

/// The size of one run.
#[derive(Clone, Copy)]
struct Shape {
    duration: Duration,
    readers: usize,
    writers: usize,
    voters: usize,
    subscribers: usize,
}

const QUICK: Shape = Shape {
    duration: Duration::from_secs(12),
    readers: 4,
    writers: 4,
    voters: 4,
    subscribers: 4,
};
const FULL: Shape = Shape {
    duration: Duration::from_secs(40),
    readers: 32,
    writers: 8,
    voters: 16,
    subscribers: 8,
};

/// `cargo xtask load [--quick]`: fails when any check does not hold.
pub fn run(ws: &Workspace, args: &[String]) -> Result<ExitCode> {
    let quick = args.iter().any(|a| a == "--quick");
    Ok(if passes(ws, quick)? {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs the load and fault checks and says whether every check held.
pub fn passes(ws: &Workspace, quick: bool) -> Result<bool> {
    let shape = if quick { QUICK } else { FULL };
    let bin = if quick {
        ws.build_server()?
    } else {
        run_cmd(ws.cargo().args([
            "build",
            "--release",
            "-p",
            "talkback-server",
            "--bin",
            "talkback-server",
        ]))?;
        ws.target.join("release").join("talkback-server")
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;

    println!("xtask load: starting a throwaway PostgreSQL cluster");
    let cluster = Arc::new(talkback_pgtest::Cluster::start().map_err(|e| anyhow!("{e}"))?);
    let url = cluster.create_database().map_err(|e| anyhow!("{e}"))?;
    let shared = runtime.block_on(postgres_run(&bin, &url, cluster.clone(), shape))?;
    drop(cluster);

    let dir = std::env::temp_dir().join(format!("talkback-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let crash = runtime.block_on(sqlite_crash(&bin, &dir.join("site.db"), shape));
    let _ = std::fs::remove_dir_all(&dir);
    let crash = crash?;

    let report = format!("{}\n{}", shared.text, crash.text);
    println!("\n{report}");
    let ok = shared.ok && crash.ok;
    if !quick && ok {
        write_figures(ws, &report)?;
    }
    if !ok {
        eprintln!("xtask load: FAILED: a check above did not hold");
    }
    Ok(ok)
}

/// A finished part of the run: its report text and whether every check held.
struct Outcome {
    text: String,
    ok: bool,
}

/// Two instances on one PostgreSQL database, with the faults.
async fn postgres_run(
    bin: &std::path::Path,
    url: &str,
    cluster: Arc<talkback_pgtest::Cluster>,
    shape: Shape,
) -> Result<Outcome> {
    let first = Instance::start(bin, url)?;
    let second = Instance::start(bin, url)?;
    let target = Target {
        bases: Arc::new(vec![first.base(), second.base()]),
        key: "load-test".into(),
    };
    let instances = Arc::new(Mutex::new([first, second]));
    let client = reqwest::Client::new();
    let ledger = Arc::new(Ledger::default());
    let writers = Arc::new(traffic::readers(&client, &target, shape.writers).await?);
    let voter_tokens = traffic::readers(&client, &target, shape.voters).await?;
    let voters = Arc::new(traffic::voters(voter_tokens.clone()));
    // The first comment creates the thread, so subscribers have something to follow from 1.
    traffic::post(client.clone(), target.clone(), ledger.clone(), writers.clone(), 0).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let until = Arc::new(AtomicU64::new(0));
    let mut subs = tokio::task::JoinSet::new();
    for i in 0..shape.subscribers {
        subs.spawn(subscribers::follow(
            target.clone(),
            i,
            stop.clone(),
            until.clone(),
            Duration::from_secs(20),
        ));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let faults = tokio::spawn(faults(instances.clone(), shape.duration, cluster));
    let config = |concurrency| loadgen::Config {
        concurrency,
        duration: shape.duration,
    };
    let (t, l) = (target.clone(), ledger.clone());
    let reads = loadgen::run(config(shape.readers), move |c, i| {
        traffic::read(c, t.clone(), l.clone(), i)
    });
    let (t, l, w) = (target.clone(), ledger.clone(), writers.clone());
    // Numbering from 1: post 0 was the thread's first comment.
    let posts = loadgen::run(config(shape.writers), move |c, i| {
        traffic::post(c, t.clone(), l.clone(), w.clone(), i + 1)
    });
    let (t, l, v) = (target.clone(), ledger.clone(), voters.clone());
    let votes = loadgen::run(config(shape.voters), move |c, i| {
        traffic::vote(c, t.clone(), l.clone(), v.clone(), i)
    });
    let (reads, posts, votes) = tokio::join!(reads, posts, votes);
    let timeline = faults.await.map_err(|e| anyhow!("fault task: {e}"))??;

    let stored = checks::fetch_postgres(url, &target.key).await?;
    until.store(u64::try_from(stored.last_event).unwrap_or(0), Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    let mut seen = Vec::new();
    while let Some(s) = subs.join_next().await {
        seen.push(s.map_err(|e| anyhow!("subscriber: {e}"))??);
    }
    let mut checks = checks::compare(&stored, &ledger, &voter_tokens)?;
    let last = u64::try_from(stored.last_event).unwrap_or(0);
    let mut problems = Vec::new();
    for (i, s) in seen.iter().enumerate() {
        let (missing, repeated) = subscribers::missing_and_repeated(&s.ids, last);
        if !missing.is_empty() {
            problems.push(format!(
                "subscriber {i} missed {} events (first {:?})",
                missing.len(),
                missing.first()
            ));
        }
        if repeated > 0 {
            problems.push(format!("subscriber {i} got {repeated} events twice"));
        }
    }
    let reconnects: u64 = seen.iter().map(|s| s.reconnects).sum();
    checks.push(Check {
        what: format!(
            "{} live subscribers each saw all {last} events once ({reconnects} reconnects)",
            seen.len()
        ),
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    });
    // The instances stop here, not before the subscribers have finished catching up.
    drop(instances);

    let mut text = String::new();
    writeln!(text, "PostgreSQL, two instances, {:?} of load:", shape.duration)?;
    writeln!(
        text,
        "{:<8} {:>7} {:>9} {:>10} {:>10} {:>7}",
        "", "clients", "req/s", "p50 ms", "p99 ms", "errors"
    )?;
    for (name, clients, report) in [
        ("read", shape.readers, &reads),
        ("post", shape.writers, &posts),
        ("vote", shape.voters, &votes),
    ] {
        writeln!(
            text,
            "{name:<8} {clients:>7} {:>9.0} {:>10} {:>10} {:>7}",
            report.throughput(),
            ms(report.percentile(0.5)),
            ms(report.percentile(0.99)),
            report.errors
        )?;
        if let Some(e) = &report.first_error {
            writeln!(text, "         first error: {e}")?;
        }
    }
    writeln!(
        text,
        "faults: {timeline}; {} requests retried on the other instance",
        ledger.retries.load(Ordering::Relaxed)
    )?;
    let errors = reads.errors + posts.errors + votes.errors;
    checks.push(Check {
        what: "every request was answered (through the other instance while one was down)".into(),
        problem: (errors > 0).then(|| format!("{errors} requests failed after retrying")),
    });
    let ok = render_checks(&mut text, &checks)?;
    Ok(Outcome { text, ok })
}

/// Kills instance 0 hard at 30 % of the run and brings it back a second later; restarts
/// PostgreSQL at 60 %. Returns the timeline.
async fn faults(
    instances: Arc<Mutex<[Instance; 2]>>,
    duration: Duration,
    cluster: Arc<talkback_pgtest::Cluster>,
) -> Result<String> {
    let started = Instant::now();
    tokio::time::sleep(duration.mul_f32(0.3)).await;
    let at = started.elapsed();
    let i = instances.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut guard = i.lock().map_err(|_| anyhow!("instances poisoned"))?;
        guard[0].kill_hard()?;
        drop(guard);
        std::thread::sleep(Duration::from_secs(1));
        i.lock().map_err(|_| anyhow!("instances poisoned"))?[0].restart()
    })
    .await??;
    let back = started.elapsed();
    tokio::time::sleep(duration.mul_f32(0.6).saturating_sub(started.elapsed())).await;
    let pg_at = started.elapsed();
    tokio::task::spawn_blocking(move || -> Result<()> {
        cluster.stop_server().map_err(|e| anyhow!("stopping PostgreSQL: {e}"))?;
        std::thread::sleep(Duration::from_secs(1));
        cluster
            .start_server()
            .map_err(|e| anyhow!("starting PostgreSQL again: {e}"))
    })
    .await??;
    Ok(format!(
        "instance 1 killed (SIGKILL) at {:.1} s, back at {:.1} s; PostgreSQL stopped at {:.1} s, back at {:.1} s",
        at.as_secs_f64(),
        back.as_secs_f64(),
        pg_at.as_secs_f64(),
        started.elapsed().as_secs_f64()
    ))
}

/// A SQLite server killed (SIGKILL) while writers post: afterwards the file is intact and
/// holds every acknowledged comment.
async fn sqlite_crash(bin: &std::path::Path, db: &std::path::Path, shape: Shape) -> Result<Outcome> {
    let db_arg = db.to_str().context("temporary path is not UTF-8")?.to_owned();
    let instance = Instance::start(bin, &db_arg)?;
    let target = Target {
        bases: Arc::new(vec![instance.base()]),
        key: "crash-test".into(),
    };
    let instance = Arc::new(Mutex::new(instance));
    let client = reqwest::Client::new();
    let ledger = Arc::new(Ledger::default());
    let writers = Arc::new(traffic::readers(&client, &target, shape.writers).await?);
    let duration = Duration::from_secs(4);
    let killer = {
        let instance = instance.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            std::thread::sleep(Duration::from_millis(1500));
            instance.lock().map_err(|_| anyhow!("instance poisoned"))?.kill_hard()?;
            std::thread::sleep(Duration::from_millis(500));
            instance.lock().map_err(|_| anyhow!("instance poisoned"))?.restart()
        })
    };
    let (t, l, w) = (target.clone(), ledger.clone(), writers.clone());
    let posts = loadgen::run(
        loadgen::Config {
            concurrency: shape.writers,
            duration,
        },
        move |c, i| traffic::post(c, t.clone(), l.clone(), w.clone(), i),
    )
    .await;
    killer.await.map_err(|e| anyhow!("killer: {e}"))??;
    let path = db.to_path_buf();
    let key = target.key.clone();
    let stored = tokio::task::spawn_blocking(move || checks::fetch_sqlite(&path, &key)).await??;
    let mut checks = checks::compare(&stored, &ledger, &[])?;
    checks.insert(
        0,
        Check {
            what: "the SQLite file passes PRAGMA integrity_check after the kill".into(),
            problem: None,
        },
    );
    checks.push(Check {
        what: "every post was answered (after the restart)".into(),
        problem: (posts.errors > 0).then(|| format!("{} posts failed: {:?}", posts.errors, posts.first_error)),
    });
    drop(instance);
    let mut text = String::new();
    writeln!(
        text,
        "SQLite, one instance killed (SIGKILL) during writes at 1.5 s, restarted 0.5 s later:"
    )?;
    writeln!(
        text,
        "post: {} acknowledged, {:.0} req/s",
        posts.latencies.len(),
        posts.throughput()
    )?;
    let ok = render_checks(&mut text, &checks)?;
    Ok(Outcome { text, ok })
}

fn render_checks(text: &mut String, checks: &[Check]) -> Result<bool> {
    let mut ok = true;
    for check in checks {
        match &check.problem {
            None => writeln!(text, "  ok    {}", check.what)?,
            Some(p) => {
                ok = false;
                writeln!(text, "  FAIL  {}: {p}", check.what)?;
            }
        }
    }
    Ok(ok)
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".into(), |d| format!("{:.1}", d.as_secs_f64() * 1000.0))
}

/// Replaces the figures between the markers in docs/deployment.md.
fn write_figures(ws: &Workspace, report: &str) -> Result<()> {
    const BEGIN: &str = "<!-- load figures: begin (written by `cargo xtask load`) -->";
    const END: &str = "<!-- load figures: end -->";
    let path = ws.root.join("docs/deployment.md");
    let doc = std::fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let block = format!(
        "{BEGIN}\nMeasured on {cpu}, {cores} cores, everything on one machine:\n\n```text\n{}\n```\n{END}",
        report.trim_end()
    );
    let updated = match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &doc[..b], &doc[e + END.len()..]),
        _ => format!("{}\n\n{block}\n", doc.trim_end()),
    };
    std::fs::write(&path, updated).with_context(|| format!("could not write {}", path.display()))?;
    println!("xtask load: figures written to {}", path.display());
    Ok(())
}
