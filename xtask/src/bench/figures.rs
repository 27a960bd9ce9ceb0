//! From measurements to the table's rows, each with its target and whether it was met.

use super::render::Run;
use super::report::{Row, Verdict};
use super::stats::{Unit, median, ratio, shown};
use crate::loadgen::Report;
use std::time::Duration;

/// Median of each figure over several page loads of one system and size.
#[derive(Clone, Debug, Default)]
pub struct Medians {
    pub first_ms: Option<f64>,
    pub interactive_ms: Option<f64>,
    pub comments: Option<f64>,
    pub nodes: Option<f64>,
    pub heap: Option<f64>,
    pub load_task_ms: Option<f64>,
    pub scroll_task_ms: Option<f64>,
    pub requests: Option<f64>,
    pub api_requests: Option<f64>,
}

impl Medians {
    /// The median of every field over `runs`.
    pub fn of(runs: &[Run]) -> Medians {
        let m = |f: fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        Medians {
            first_ms: m(|r| r.first_ms),
            interactive_ms: m(|r| r.interactive_ms),
            comments: m(|r| r.comments),
            nodes: m(|r| r.nodes),
            heap: m(|r| r.heap),
            load_task_ms: m(|r| r.load_task_ms),
            scroll_task_ms: m(|r| r.scroll_task_ms),
            requests: m(|r| r.requests),
            api_requests: m(|r| r.api_requests),
        }
    }
}

/// Render medians of one thread size, both systems.
pub struct Sized {
    pub size: usize,
    pub talkback: Medians,
    pub isso: Medians,
}

/// Server figures of one system.
pub struct Server<'a> {
    pub read: &'a Report,
    pub post: &'a Report,
}

/// Everything the table is made from.
pub struct Inputs<'a> {
    /// gzip -9 bytes of the widget's files and of Isso's client.
    pub talkback_gzip: u64,
    pub isso_gzip: u64,
    pub target_gzip: u64,
    pub render: &'a [Sized],
    pub talkback: Server<'a>,
    pub isso: Server<'a>,
    pub concurrency: usize,
    pub load_size: usize,
}

/// Rows in the order of the targets.
pub fn rows(input: &Inputs) -> Vec<Row> {
    let mut rows = Vec::new();
    let (tb, is) = (input.talkback_gzip as f64, input.isso_gzip as f64);
    rows.push(row(
        "transfer size, gzip -9 (all client files)",
        Some(tb),
        Some(is),
        Unit::Bytes,
        format!("≤ {} B (60 KB)", super::stats::thousands(input.target_gzip)),
        verdict(tb <= input.target_gzip as f64),
    ));
    // The request counts are the same on every size; the 1,000 thread is the reference.
    if let Some(at) = input
        .render
        .iter()
        .find(|s| s.size == 1_000)
        .or(input.render.first())
    {
        let requests = at.talkback.requests;
        rows.push(row(
            "requests before the first comment is painted",
            requests,
            at.isso.requests,
            Unit::Count,
            "≤ 4".into(),
            requests.map_or(Verdict::NotMet, |r| verdict(r <= 4.0)),
        ));
        let api = at.talkback.api_requests;
        rows.push(row(
            "… of which API requests",
            api,
            at.isso.api_requests,
            Unit::Count,
            "= 1".into(),
            api.map_or(Verdict::NotMet, |r| verdict(r == 1.0)),
        ));
    }
    for s in input.render {
        let n = super::stats::thousands(s.size as u64);
        let half_of_isso = |tb: Option<f64>, is: Option<f64>| -> (String, Verdict) {
            if s.size != 1_000 {
                return (String::new(), Verdict::Info);
            }
            let met = matches!((tb, is), (Some(t), Some(i)) if t <= 0.5 * i);
            ("≤ 0.5× Isso".into(), verdict(met))
        };
        let (target, v) = half_of_isso(s.talkback.first_ms, s.isso.first_ms);
        rows.push(row(
            &format!("{n} comments: first comments painted"),
            s.talkback.first_ms,
            s.isso.first_ms,
            Unit::Ms,
            target,
            v,
        ));
        let (target, v) = half_of_isso(s.talkback.interactive_ms, s.isso.interactive_ms);
        rows.push(row(
            &format!("{n} comments: whole first page rendered, main thread quiet"),
            s.talkback.interactive_ms,
            s.isso.interactive_ms,
            Unit::Ms,
            target,
            v,
        ));
        rows.push(row(
            &format!("{n} comments: comments on the first page"),
            s.talkback.comments,
            s.isso.comments,
            Unit::Count,
            String::new(),
            Verdict::Info,
        ));
    }
    let small = input.render.iter().find(|s| s.size == 1_000);
    if let Some(big) = input.render.iter().find(|s| s.size == 10_000) {
        let bounded = |get: fn(&Medians) -> Option<f64>| -> Verdict {
            match (small.and_then(|s| get(&s.talkback)), get(&big.talkback)) {
                (Some(a), Some(b)) => verdict(b <= 1.5 * a),
                _ => Verdict::NotMet,
            }
        };
        for (label, get, unit) in [
            (
                "DOM nodes",
                (|m: &Medians| m.nodes) as fn(&Medians) -> Option<f64>,
                Unit::Count,
            ),
            (
                "JS heap after GC + wasm memory",
                |m: &Medians| m.heap,
                Unit::MiB,
            ),
        ] {
            if let Some(s) = small {
                rows.push(row(
                    &format!("1,000 comments: {label}"),
                    get(&s.talkback),
                    get(&s.isso),
                    unit,
                    String::new(),
                    Verdict::Info,
                ));
            }
            rows.push(row(
                &format!("10,000 comments: {label}"),
                get(&big.talkback),
                get(&big.isso),
                unit,
                "≤ 1.5× the 1,000 figure".into(),
                bounded(get),
            ));
        }
        // Context for the scrolling figure: what loading itself blocked the main thread for.
        for s in [small, Some(big)].into_iter().flatten() {
            let n = super::stats::thousands(s.size as u64);
            rows.push(row(
                &format!("{n} comments: longest task while loading"),
                s.talkback.load_task_ms,
                s.isso.load_task_ms,
                Unit::Ms,
                String::new(),
                Verdict::Info,
            ));
        }
        let task = big.talkback.scroll_task_ms;
        rows.push(row(
            "10,000 comments: longest task while scrolling (0 = none over 50 ms)",
            task,
            big.isso.scroll_task_ms,
            Unit::Ms,
            "≤ 50 ms".into(),
            task.map_or(Verdict::NotMet, |t| verdict(t <= 50.0)),
        ));
    }
    let per_sec = |r: &Report| Some(r.throughput());
    let ms = |d: Option<Duration>| d.map(|d| d.as_secs_f64() * 1e3);
    let (c, n) = (
        input.concurrency,
        super::stats::thousands(input.load_size as u64),
    );
    let (tr, ir) = (input.talkback.read, input.isso.read);
    rows.push(row(
        &format!("thread read throughput ({n} comments, {c} clients)"),
        per_sec(tr),
        per_sec(ir),
        Unit::PerSec,
        "≥ 20× Isso".into(),
        verdict(tr.throughput() >= 20.0 * ir.throughput()),
    ));
    for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
        rows.push(row(
            &format!("thread read latency {label}"),
            ms(tr.percentile(q)),
            ms(ir.percentile(q)),
            Unit::Ms,
            String::new(),
            Verdict::Info,
        ));
    }
    let (tp, ip) = (input.talkback.post, input.isso.post);
    rows.push(row(
        &format!("post throughput ({c} clients)"),
        per_sec(tp),
        per_sec(ip),
        Unit::PerSec,
        String::new(),
        Verdict::Info,
    ));
    for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
        rows.push(row(
            &format!("post latency {label}"),
            ms(tp.percentile(q)),
            ms(ip.percentile(q)),
            Unit::Ms,
            String::new(),
            Verdict::Info,
        ));
    }
    rows.push(row(
        "failed requests (reads + posts)",
        Some((tr.errors + tp.errors) as f64),
        Some((ir.errors + ip.errors) as f64),
        Unit::Count,
        String::new(),
        Verdict::Info,
    ));
    rows
}

fn verdict(met: bool) -> Verdict {
    if met { Verdict::Met } else { Verdict::NotMet }
}

fn row(
    figure: &str,
    talkback: Option<f64>,
    isso: Option<f64>,
    unit: Unit,
    target: String,
    verdict: Verdict,
) -> Row {
    Row {
        figure: figure.to_owned(),
        talkback: shown(talkback, unit),
        isso: shown(isso, unit),
        ratio: ratio(talkback, isso),
        target,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn medians(first: f64, nodes: f64) -> Medians {
        Medians {
            first_ms: Some(first),
            interactive_ms: Some(first * 2.0),
            comments: Some(50.0),
            nodes: Some(nodes),
            heap: Some(4e6),
            load_task_ms: Some(0.0),
            scroll_task_ms: Some(0.0),
            requests: Some(5.0),
            api_requests: Some(1.0),
        }
    }

    fn report(per_sec: u64) -> Report {
        Report {
            latencies: vec![Duration::from_millis(3); per_sec as usize],
            errors: 0,
            first_error: None,
            elapsed: Duration::from_secs(1),
        }
    }

    #[test]
    fn targets_are_judged_from_the_medians() {
        let render = [
            Sized {
                size: 1_000,
                talkback: medians(100.0, 3000.0),
                isso: medians(300.0, 9000.0),
            },
            Sized {
                size: 10_000,
                talkback: medians(120.0, 3100.0),
                isso: medians(3000.0, 90000.0),
            },
        ];
        let (r1, r2, r3, r4) = (report(2000), report(50), report(500), report(40));
        let rows = rows(&Inputs {
            talkback_gzip: 287_273,
            isso_gzip: 20_000,
            target_gzip: 61_440,
            render: &render,
            talkback: Server {
                read: &r1,
                post: &r3,
            },
            isso: Server {
                read: &r2,
                post: &r4,
            },
            concurrency: 32,
            load_size: 1_000,
        });
        let find = |start: &str| {
            rows.iter()
                .find(|r| r.figure.starts_with(start))
                .unwrap_or_else(|| panic!("no row {start}"))
        };
        assert_eq!(find("transfer size").verdict, Verdict::NotMet);
        assert_eq!(find("transfer size").talkback, "287,273 B");
        assert_eq!(find("requests before").verdict, Verdict::NotMet);
        assert_eq!(find("… of which API").verdict, Verdict::Met);
        assert_eq!(
            find("1,000 comments: first comments painted").verdict,
            Verdict::Met
        );
        assert_eq!(
            find("1,000 comments: first comments painted").ratio,
            "0.33×"
        );
        assert_eq!(
            find("10,000 comments: first comments painted").verdict,
            Verdict::Info
        );
        assert_eq!(find("10,000 comments: DOM nodes").verdict, Verdict::Met);
        assert_eq!(
            find("10,000 comments: longest task while scrolling").verdict,
            Verdict::Met
        );
        assert_eq!(find("thread read throughput").verdict, Verdict::Met);
        assert_eq!(find("thread read throughput").ratio, "40.0×");
        assert_eq!(find("failed requests").talkback, "0");
    }
}
