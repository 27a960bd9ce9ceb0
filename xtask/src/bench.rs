//! `cargo xtask bench`: the widget's transfer sizes, the requests the demo page makes before its
//! first comment, then Talkback against a real Isso 0.14.0 holding the same threads: render
//! times in headless Chromium (100, 1,000 and 10,000 comments), memory, long tasks while
//! scrolling, and server throughput under concurrent clients. Prints one table and writes it to
//! docs/benchmarks.md, with the render curve in docs/benchmarks.svg.

mod figures;
mod load;
mod render;
mod report;
mod setup;
mod stats;
mod svg;
mod thread;

use crate::conformance::Server;
use crate::{Workspace, build, peers, run_cmd, size, tools};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the page gets to show its first comment.
const PAINT_TIMEOUT: Duration = Duration::from_secs(30);
/// Page loads per system and thread size; the table shows medians.
const RUNS: usize = 5;

/// Builds (the server in release), prints the size table and the demo's requests, then runs
/// the comparison with Isso and writes docs/benchmarks.md and docs/benchmarks.svg.
/// `--runs N` changes the number of page loads per figure.
pub fn run(ws: &Workspace, args: &[String]) -> Result<()> {
    let runs = match args {
        [] => RUNS,
        [flag, n] if flag == "--runs" => n
            .parse()
            .with_context(|| format!("--runs takes a number, not `{n}`"))?,
        _ => bail!("usage: cargo xtask bench [--runs N]"),
    };
    let widget = build::run(ws)?;
    let talkback_gzip = print_transfer_sizes(&ws.dist, &widget.files)?;
    tools::ensure_browser()?;
    let isso_bin = peers::ensure(ws)?.isso;
    let server_bin = build_release_server(ws)?;
    let requests = requests_before_first_comment(ws, &server_bin)?;
    print_requests(&requests);
    compare(ws, &server_bin, &isso_bin, talkback_gzip, runs.max(1))
}

/// `cargo build --release -p talkback-server`: the figures are for the server as deployed.
fn build_release_server(ws: &Workspace) -> Result<PathBuf> {
    run_cmd(ws.cargo().args([
        "build",
        "--release",
        "-p",
        "talkback-server",
        "--bin",
        "talkback-server",
    ]))?;
    let bin = ws.target.join("release").join("talkback-server");
    if !bin.is_file() {
        bail!(
            "cargo built talkback-server in release but {} does not exist",
            bin.display()
        );
    }
    Ok(bin)
}

/// Seeds both servers, times the pages, loads the servers, then prints and writes the results.
fn compare(
    ws: &Workspace,
    server_bin: &Path,
    isso_bin: &Path,
    talkback_gzip: u64,
    runs: usize,
) -> Result<()> {
    let scratch = ws.target.join("bench-compare");
    let servers = setup::start(ws, &scratch, server_bin, isso_bin)?;
    let isso_client =
        fs::read(setup::isso_client(isso_bin)?).context("could not read Isso's embed.min.js")?;
    let isso_gzip = build::gzip_len(&isso_client)? as u64;

    let driver = Driver::start(&scratch.join("profiles"))?;
    let mut render = Vec::new();
    for size in setup::SIZES {
        let (mut tb, mut is) = (Vec::new(), Vec::new());
        // Alternating the systems spreads any drift of the machine over both.
        for i in 0..runs {
            for (system, out) in [("talkback", &mut tb), ("isso", &mut is)] {
                let profile = scratch
                    .join("profiles")
                    .join(format!("{system}-{size}-{i}"));
                let run = render::measure(&driver, &profile, &setup::page(&servers, system, size))?;
                println!(
                    "xtask: bench: {system:<8} {size:>6} comments, run {}: first {:.0} ms, quiet {:.0} ms, {} comments, {} nodes, {:.1} MiB, longest task {:.0} ms; scrolling: {} long tasks, longest {:.0} ms",
                    i + 1,
                    run.first_ms,
                    run.interactive_ms,
                    run.comments,
                    run.nodes,
                    run.heap / 1048576.0,
                    run.load_task_ms,
                    run.scroll_tasks,
                    run.scroll_task_ms
                );
                out.push(run);
            }
        }
        render.push(figures::Sized {
            size,
            talkback: figures::Medians::of(&tb),
            isso: figures::Medians::of(&is),
        });
    }
    drop(driver);
    let load = load::run(&servers)?;
    drop(servers);

    let rows = figures::rows(&figures::Inputs {
        talkback_gzip,
        isso_gzip,
        target_gzip: size::TARGET_GZIP,
        render: &render,
        talkback: figures::Server {
            read: &load.talkback_read,
            post: &load.talkback_post,
        },
        isso: figures::Server {
            read: &load.isso_read,
            post: &load.isso_post,
        },
        concurrency: load::CONCURRENCY,
        load_size: load::SIZE,
    });
    let machine = report::Machine::describe(Path::new(tools::CHROMIUM));
    println!("\n{}", report::plain_table(&rows));
    println!("machine: {}", machine.line());
    write_docs(ws, &rows, &machine, &render, runs)
}

/// Rewrites the generated part of docs/benchmarks.md and the whole of docs/benchmarks.svg.
fn write_docs(
    ws: &Workspace,
    rows: &[report::Row],
    machine: &report::Machine,
    render: &[figures::Sized],
    runs: usize,
) -> Result<()> {
    let generated = format!(
        "Measured on: {}.\n\nTalkback at this commit against Isso {} (its server and its own client, embed.min.js). \
         Ratio = Talkback ÷ Isso. Render figures are medians of {runs} page loads per system and size, \
         each in a fresh Chromium profile; server figures are {} s of {} concurrent clients after a {} s warm-up.\n\n{}\n\
         ![Render time against thread size](benchmarks.svg)\n",
        machine.line(),
        peers::ISSO_VERSION,
        load::DURATION.as_secs(),
        load::CONCURRENCY,
        load::WARMUP.as_secs(),
        report::markdown_table(rows),
    );
    let path = ws.root.join("docs").join("benchmarks.md");
    let existing = fs::read_to_string(&path).ok();
    let fallback = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench`.\n\n{}\n{}\n",
        report::BEGIN,
        report::END
    );
    let doc = report::splice(existing.as_deref(), &generated, &fallback);
    fs::write(&path, doc).with_context(|| format!("could not write {}", path.display()))?;

    let sizes: Vec<f64> = render.iter().map(|s| s.size as f64).collect();
    let line = |label: &str, color, dashed, get: fn(&figures::Sized) -> Option<f64>| svg::Series {
        label: label.to_owned(),
        color,
        dashed,
        points: render
            .iter()
            .filter_map(|s| Some((s.size as f64, get(s)?)))
            .collect(),
    };
    let series = [
        line("Talkback: quiet", "#1f6fb4", false, |s| {
            s.talkback.interactive_ms
        }),
        line("Talkback: first painted", "#1f6fb4", true, |s| {
            s.talkback.first_ms
        }),
        line("Isso: quiet", "#e0701b", false, |s| s.isso.interactive_ms),
        line("Isso: first painted", "#e0701b", true, |s| s.isso.first_ms),
    ];
    let chart = svg::chart(
        "Render time against thread size (headless Chromium)",
        &sizes,
        &series,
    );
    let svg_path = ws.root.join("docs").join("benchmarks.svg");
    fs::write(&svg_path, chart)
        .with_context(|| format!("could not write {}", svg_path.display()))?;
    println!("xtask: wrote {} and {}", path.display(), svg_path.display());
    Ok(())
}

/// Raw, gzip -9 and (when the `brotli` tool is installed) brotli -q 11 size of each file;
/// returns the gzip total.
fn print_transfer_sizes(dist: &Path, files: &[PathBuf]) -> Result<u64> {
    let brotli = tools::which("brotli");
    println!(
        "\n{:<34} {:>10} {:>10} {:>12}",
        "widget transfer size (bytes)", "raw", "gzip -9", "brotli -q 11"
    );
    let mut totals = [0u64; 3];
    let mut brotli_total = Some(0u64);
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        let gz = build::gzip_len(&bytes)? as u64;
        let br = match &brotli {
            Some(bin) => Some(brotli_len(bin, file)?),
            None => None,
        };
        totals[0] += bytes.len() as u64;
        totals[1] += gz;
        brotli_total = brotli_total.zip(br).map(|(t, b)| t + b);
        let name = file
            .strip_prefix(dist)
            .unwrap_or(file)
            .display()
            .to_string();
        println!("{name:<34} {:>10} {gz:>10} {:>12}", bytes.len(), shown(br));
    }
    println!(
        "{:<34} {:>10} {:>10} {:>12}",
        "total",
        totals[0],
        totals[1],
        shown(brotli_total)
    );
    let verdict = if totals[1] <= size::TARGET_GZIP {
        "met"
    } else {
        "NOT met"
    };
    println!(
        "target: total <= {} bytes gzip -9: {verdict}",
        size::TARGET_GZIP
    );
    if brotli.is_none() {
        println!("(brotli column empty: install Debian's `brotli` package to fill it)");
    }
    Ok(totals[1])
}

fn shown(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn brotli_len(bin: &Path, file: &Path) -> Result<u64> {
    let out = Command::new(bin)
        .args(["-q", "11", "-c"])
        .arg(file)
        .output()
        .with_context(|| format!("could not run {}", bin.display()))?;
    if !out.status.success() {
        bail!("{} failed on {}", bin.display(), file.display());
    }
    Ok(out.stdout.len() as u64)
}

/// One network request the page made, from the Resource Timing API.
#[derive(Debug)]
struct Request {
    url: String,
    start_ms: f64,
}

/// What the page had fetched when its first comment appeared.
struct FirstPaint {
    /// Milliseconds after navigation start when the first comment article was inserted.
    at_ms: f64,
    requests: Vec<Request>,
}

/// Serves the seeded demo, opens it in headless Chromium and returns the requests started
/// before the first comment article was inserted into the widget's shadow root.
fn requests_before_first_comment(ws: &Workspace, server_bin: &Path) -> Result<FirstPaint> {
    let scratch = ws.target.join("bench");
    if scratch.exists() {
        fs::remove_dir_all(&scratch)
            .with_context(|| format!("could not clear {}", scratch.display()))?;
    }
    fs::create_dir_all(&scratch)
        .with_context(|| format!("could not create {}", scratch.display()))?;
    let child = Command::new(server_bin)
        .arg("--db")
        .arg(scratch.join("bench.db"))
        .args(["--listen", "127.0.0.1:0", "--seed-demo", "--static"])
        .arg(&ws.dist)
        // The throughput runs post from one address as fast as they can.
        .args(["--rate-limits", "off", "--duplicate-window", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {}", server_bin.display()))?;
    let mut server = Server(child);
    let base = server.wait_listening()?;
    let driver = Driver::start(&scratch.join("chromium-profile"))?;
    let session = driver.new_session(&scratch.join("chromium-profile"))?;
    let result = measure_page(&driver, &session, base.trim_end_matches('/'));
    // Best effort: the driver and the browser go away with the driver process anyway.
    let _ = driver.call("DELETE", &format!("/session/{session}"), None);
    drop(server);
    result
}

/// Installed before any page script runs: notes when the first comment enters a shadow root.
const OBSERVE_FIRST_COMMENT: &str = r#"
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    new MutationObserver((_, observer) => {
      if (root.querySelector('article.tb-comment')) {
        window.__tbFirstComment = performance.now();
        observer.disconnect();
      }
    }).observe(root, { childList: true, subtree: true });
    return root;
  };
})();
"#;

fn measure_page(driver: &Driver, session: &str, base: &str) -> Result<FirstPaint> {
    driver.call(
        "POST",
        &format!("/session/{session}/goog/cdp/execute"),
        Some(json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": OBSERVE_FIRST_COMMENT },
        })),
    )?;
    driver.call(
        "POST",
        &format!("/session/{session}/url"),
        Some(json!({ "url": format!("{base}/") })),
    )?;
    let script = |body: &str| -> Result<Value> {
        let reply = driver.call(
            "POST",
            &format!("/session/{session}/execute/sync"),
            Some(json!({ "script": body, "args": [] })),
        )?;
        Ok(reply.get("value").cloned().unwrap_or(Value::Null))
    };
    // The loader waits until the widget is near the viewport, as it would for a reader.
    script("document.querySelector('#talkback')?.scrollIntoView(); return true;")?;
    let started = Instant::now();
    let at_ms = loop {
        if let Some(at) = script("return window.__tbFirstComment ?? null;")?.as_f64() {
            break at;
        }
        if started.elapsed() > PAINT_TIMEOUT {
            bail!("the demo showed no comment within {PAINT_TIMEOUT:?} (is the build broken?)");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let entries =
        script("return performance.getEntriesByType('resource').map(e => [e.name, e.startTime]);")?;
    let requests = entries
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| {
                    Some(Request {
                        url: e.get(0)?.as_str()?.to_owned(),
                        start_ms: e.get(1)?.as_f64()?,
                    })
                })
                .filter(|r| r.start_ms <= at_ms)
                .collect()
        })
        .unwrap_or_default();
    Ok(FirstPaint { at_ms, requests })
}

/// Which part of the page a request belongs to, for the summary.
fn kind(url: &str) -> &'static str {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let file = path
        .split(['?', '#'])
        .next()
        .unwrap_or(path)
        .rsplit('/')
        .next()
        .unwrap_or("");
    if path.starts_with("/api/") {
        "api"
    } else if file == "embed.js"
        || (file.starts_with("talkback")
            && [".js", ".wasm", ".css"].iter().any(|e| file.ends_with(e)))
    {
        "widget"
    } else {
        "page"
    }
}

fn print_requests(paint: &FirstPaint) {
    println!(
        "\nrequests started before the first comment was inserted ({:.0} ms after navigation):",
        paint.at_ms
    );
    for r in &paint.requests {
        println!("  {:>8.1} ms  {:<7} {}", r.start_ms, kind(&r.url), r.url);
    }
    let count = |k: &str| paint.requests.iter().filter(|r| kind(&r.url) == k).count();
    let (widget, api, page) = (count("widget"), count("api"), count("page"));
    println!(
        "widget requests before first comment: {} ({widget} widget files + {api} API); the host \
         page's own: {page} (not counted)",
        widget + api
    );
    println!("target: at most 4 requests (loader, glue, wasm, thread) with 1 API request");
}

/// A chromedriver child, spoken to in plain HTTP/1.1 (WebDriver is JSON over HTTP, so no
/// client library is needed for the four calls made here).
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(profile: &Path) -> Result<Driver> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        fs::create_dir_all(profile)
            .with_context(|| format!("could not create {}", profile.display()))?;
        let child = Command::new(tools::CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", tools::CHROMEDRIVER))?;
        let driver = Driver { child, port };
        let started = Instant::now();
        while driver.call("GET", "/status", None).is_err() {
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "{} did not answer on port {port} within {START_TIMEOUT:?}",
                    tools::CHROMEDRIVER
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }

    /// Opens headless Chromium with the flags it needs as root and without reaching outside.
    fn new_session(&self, profile: &Path) -> Result<String> {
        let reply = self.call(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
                "binary": tools::CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1200,900",
                    // Exact performance.memory figures, and gc() to read the heap after a GC.
                    "--enable-precise-memory-info", "--js-flags=--expose-gc",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }}}})),
        )?;
        reply
            .pointer("/value/sessionId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("chromedriver gave no session id: {reply}"))
    }

    /// One WebDriver call; a WebDriver error in the reply becomes an `Err` with its message.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        // Generous: a call waits for the page's main thread, which Isso's client keeps busy for
        // many seconds on 10,000 comments, longer still when the machine is shared.
        stream.set_read_timeout(Some(Duration::from_secs(300)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let payload = read_response(BufReader::new(stream))
            .with_context(|| format!("no answer from chromedriver to {method} {path}"))?;
        let value: Value = serde_json::from_str(&payload).with_context(|| {
            format!("chromedriver answered {method} {path} with non-JSON: {payload}")
        })?;
        if let Some(error) = value.pointer("/value/error").and_then(Value::as_str) {
            let message = value
                .pointer("/value/message")
                .and_then(Value::as_str)
                .unwrap_or("");
            bail!("WebDriver {method} {path}: {error}: {message}");
        }
        Ok(value)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one HTTP/1.1 response body: chromedriver keeps the connection open, so the body ends
/// where its Content-Length (or its last chunk) says, not at end of stream.
fn read_response(mut reader: impl BufRead) -> Result<String> {
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            bail!("chromedriver closed the connection before the end of its headers");
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                _ => {}
            }
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim(), 16)
                .with_context(|| format!("bad chunk size `{}` from chromedriver", size.trim()))?;
            if size == 0 {
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else {
        let length =
            length.context("chromedriver sent neither Content-Length nor a chunked body")?;
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    }
    String::from_utf8(body).context("chromedriver sent a body that is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_sorted_into_widget_api_and_page() {
        assert_eq!(kind("http://127.0.0.1:9/embed.js"), "widget");
        assert_eq!(
            kind("http://127.0.0.1:9/talkback_bg-0123456789.wasm"),
            "widget"
        );
        assert_eq!(kind("http://127.0.0.1:9/talkback-0123456789.css"), "widget");
        assert_eq!(kind("http://127.0.0.1:9/api/v1/thread?key=k"), "api");
        assert_eq!(kind("http://127.0.0.1:9/demo/site.css"), "page");
    }

    #[test]
    fn a_response_body_ends_at_its_length_even_on_an_open_connection() {
        let reply = "HTTP/1.1 200 OK\r\nContent-Length:7\r\n\r\n{\"a\":1}and more";
        assert_eq!(read_response(reply.as_bytes()).unwrap(), "{\"a\":1}");
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(read_response(reply.as_bytes()).unwrap(), "{\"a\":1}");
    }
}
