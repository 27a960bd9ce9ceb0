//! `cargo xtask bench` (first part): transfer sizes of the widget's files, and the requests the
//! demo page makes before its first comment is on screen, counted in headless Chromium.

use crate::conformance::Server;
use crate::{Workspace, build, size, tools};
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

/// Builds, prints the size table, then counts the demo's requests before first paint.
pub fn run(ws: &Workspace) -> Result<()> {
    let widget = build::run(ws)?;
    print_transfer_sizes(&ws.dist, &widget.files)?;
    tools::ensure_browser()?;
    let server_bin = ws.build_server()?;
    let requests = requests_before_first_comment(ws, &server_bin)?;
    print_requests(&requests);
    Ok(())
}

/// Raw, gzip -9 and (when the `brotli` tool is installed) brotli -q 11 size of each file.
fn print_transfer_sizes(dist: &Path, files: &[PathBuf]) -> Result<()> {
    let brotli = tools::which("brotli");
    println!("\n{:<34} {:>10} {:>10} {:>12}", "widget transfer size (bytes)", "raw", "gzip -9", "brotli -q 11");
    let mut totals = [0u64; 3];
    let mut brotli_total = Some(0u64);
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        let gz = build::gzip_len(&bytes)? as u64;
        let br = match &brotli { Some(bin) => Some(brotli_len(bin, file)?), None => None };
        totals[0] += bytes.len() as u64;
        totals[1] += gz;
        brotli_total = brotli_total.zip(br).map(|(t, b)| t + b);
        let name = file.strip_prefix(dist).unwrap_or(file).display().to_string();
        println!("{name:<34} {:>10} {gz:>10} {:>12}", bytes.len(), shown(br));
    }
    println!("{:<34} {:>10} {:>10} {:>12}", "total", totals[0], totals[1], shown(brotli_total));
    let verdict = if totals[1] <= size::TARGET_GZIP { "met" } else { "NOT met" };
    println!("target: total <= {} bytes gzip -9: {verdict}", size::TARGET_GZIP);
    if brotli.is_none() {
        println!("(brotli column empty: install Debian's `brotli` package to fill it)");
    }
    Ok(())
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
        fs::remove_dir_all(&scratch).with_context(|| format!("could not clear {}", scratch.display()))?;
    }
    fs::create_dir_all(&scratch).with_context(|| format!("could not create {}", scratch.display()))?;
    let child = Command::new(server_bin)
        .arg("--db")
        .arg(scratch.join("bench.db"))
        .args(["--listen", "127.0.0.1:0", "--seed-demo", "--static"])
        .arg(&ws.dist)
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
    driver.call("POST", &format!("/session/{session}/url"), Some(json!({ "url": format!("{base}/") })))?;
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
    let entries = script(
        "return performance.getEntriesByType('resource').map(e => [e.name, e.startTime]);",
    )?;
    let requests = entries
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| Some(Request { url: e.get(0)?.as_str()?.to_owned(), start_ms: e.get(1)?.as_f64()? }))
                .filter(|r| r.start_ms <= at_ms)
                .collect()
        })
        .unwrap_or_default();
    Ok(FirstPaint { at_ms, requests })
}

/// Which part of the page a request belongs to, for the summary.
fn kind(url: &str) -> &'static str {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let file = path.split(['?', '#']).next().unwrap_or(path).rsplit('/').next().unwrap_or("");
    if path.starts_with("/api/") {
        "api"
    } else if file == "embed.js" || (file.starts_with("talkback") && [".js", ".wasm", ".css"].iter().any(|e| file.ends_with(e))) {
        "widget"
    } else {
        "page"
    }
}

fn print_requests(paint: &FirstPaint) {
    println!("\nrequests started before the first comment was inserted ({:.0} ms after navigation):", paint.at_ms);
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
        fs::create_dir_all(profile).with_context(|| format!("could not create {}", profile.display()))?;
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
                bail!("{} did not answer on port {port} within {START_TIMEOUT:?}", tools::CHROMEDRIVER);
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
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let payload = read_response(BufReader::new(stream))?;
        let value: Value = serde_json::from_str(&payload)
            .with_context(|| format!("chromedriver answered {method} {path} with non-JSON: {payload}"))?;
        if let Some(error) = value.pointer("/value/error").and_then(Value::as_str) {
            let message = value.pointer("/value/message").and_then(Value::as_str).unwrap_or("");
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
        let length = length.context("chromedriver sent neither Content-Length nor a chunked body")?;
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
        assert_eq!(kind("http://127.0.0.1:9/talkback_bg-0123456789.wasm"), "widget");
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
