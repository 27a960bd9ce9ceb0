//! One page load in a fresh headless Chromium profile, timed from inside the page: when the
//! first comment is painted, when the first page is rendered and the main thread quiet, how
//! many nodes and how much heap that took, and the longest task while scrolling down.

use super::Driver;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// A comment element of either client (Talkback renders into a shadow root, Isso into
/// `#isso-root`; Isso's postbox reuses `.isso-comment` without an id, so the id tells them apart).
const COMMENT: &str = r#"article.tb-comment, .isso-comment[id^="isso-"]"#;
/// The main thread counts as idle after this long with no DOM change and no long task.
const QUIET_MS: f64 = 1000.0;
/// How long a page gets to become quiet.
const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// Installed before the page's own scripts. It watches the document and every shadow root; after
/// a change it waits two animation frames (the second one starts only once the first frame,
/// with the change, has been painted) and notes the time, the first time a comment is there in
/// `first`, every time in `lastPaint`. Long tasks and the wasm memories are collected too.
const PROBE: &str = r#"
(() => {
  const SEL = __COMMENT__;
  const B = window.__bench = { first: null, lastPaint: 0, tasks: [], roots: [], wasm: [], seq: 0 };
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) B.tasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {}
  const has = () => !!document.querySelector(SEL) || B.roots.some(r => r.querySelector(SEL));
  let pending = false;
  const changed = () => {
    B.seq++;
    if (pending) return;
    pending = true;
    const seen = B.seq;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      pending = false;
      const t = performance.now();
      B.lastPaint = t;
      if (B.first === null && has()) B.first = t;
      // Changes made between the two frames are painted only in the next one.
      if (B.seq !== seen) changed();
    }));
  };
  const watch = root => new MutationObserver(changed)
    .observe(root, { childList: true, subtree: true, characterData: true });
  watch(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    B.roots.push(root);
    watch(root);
    return root;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (!original) continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then(r => {
        const memory = (r.instance || r).exports?.memory;
        if (memory) B.wasm.push(memory);
        return r;
      });
    };
  }
})();
"#;

/// Polled until the page is quiet: [first, lastPaint, end of the last long task, now].
const STATE: &str = r#"
const B = window.__bench;
if (!B) return null;
const lastTask = B.tasks.reduce((m, [s, d]) => Math.max(m, s + d), 0);
return [B.first, B.lastPaint, lastTask, performance.now()];
"#;

/// Comments, nodes (shadow roots included), heap after a GC, and the requests started before
/// the first comment was painted.
const SNAPSHOT: &str = r#"
const B = window.__bench;
const SEL = __COMMENT__;
const count = root => {
  let n = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    n++;
    if (node.shadowRoot) n += count(node.shadowRoot);
  }
  return n;
};
if (window.gc) window.gc();
const comments = document.querySelectorAll(SEL).length
  + B.roots.reduce((n, r) => n + r.querySelectorAll(SEL).length, 0);
const wasm = B.wasm.reduce((n, m) => n + m.buffer.byteLength, 0);
const early = performance.getEntriesByType('resource').filter(e => e.startTime <= B.first);
const api = early.filter(e => !/\.(js|wasm|css)(\?|$)/.test(new URL(e.name).pathname + new URL(e.name).search));
const longest = B.tasks.reduce((m, [, d]) => Math.max(m, d), 0);
return { comments, nodes: count(document), heap: performance.memory.usedJSHeapSize + wasm,
         requests: early.length, api: api.length, longest };
"#;

/// Scrolls down in steps of most of a screen every 50 ms (up to 150 steps, 30 s or the end of
/// the page), then reports the longest task that started meanwhile and how many there were.
const SCROLL: &str = r#"
const done = arguments[arguments.length - 1];
const B = window.__bench;
const start = performance.now();
const page = document.scrollingElement;
let steps = 0;
const step = () => {
  window.scrollBy(0, Math.round(innerHeight * 0.8));
  steps++;
  if (steps < 150 && performance.now() - start < 30000 && page.scrollTop + innerHeight < page.scrollHeight - 2) {
    setTimeout(step, 50);
  } else {
    setTimeout(() => {
      const tasks = B.tasks.filter(([s]) => s >= start);
      done([steps, tasks.reduce((m, [, d]) => Math.max(m, d), 0), tasks.length]);
    }, 1000);
  }
};
step();
"#;

/// What one page load measured (times in ms after navigation start, heap in bytes).
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub first_ms: f64,
    pub interactive_ms: f64,
    pub comments: f64,
    pub nodes: f64,
    /// JS heap after a GC plus the wasm linear memory (which the JS heap figure leaves out).
    pub heap: f64,
    /// Longest task while loading, up to the quiet point (0 when none reached 50 ms).
    pub load_task_ms: f64,
    /// Longest task while scrolling (0 when none reached 50 ms).
    pub scroll_task_ms: f64,
    pub scroll_tasks: f64,
    pub requests: f64,
    pub api_requests: f64,
}

/// Loads `url` once in a new session with a fresh profile under `profile`.
pub fn measure(driver: &Driver, profile: &Path, url: &str) -> Result<Run> {
    let session = driver.new_session(profile)?;
    let result = measure_in(driver, &session, url);
    // Best effort: a failed delete leaves a browser that the driver's exit takes down anyway.
    let _ = driver.call("DELETE", &format!("/session/{session}"), None);
    let _ = std::fs::remove_dir_all(profile);
    result.with_context(|| format!("measuring {url}"))
}

fn measure_in(driver: &Driver, session: &str, url: &str) -> Result<Run> {
    let at = |p: &str| format!("/session/{session}{p}");
    driver.call(
        "POST",
        &at("/timeouts"),
        Some(json!({ "script": 300_000, "pageLoad": 300_000 })),
    )?;
    let quoted = serde_json::to_string(COMMENT).context("quoting the selector")?;
    driver.call(
        "POST",
        &at("/goog/cdp/execute"),
        Some(json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": PROBE.replace("__COMMENT__", &quoted) },
        })),
    )?;
    driver.call("POST", &at("/url"), Some(json!({ "url": url })))?;
    let script = |kind: &str, body: &str| -> Result<Value> {
        let reply = driver.call(
            "POST",
            &at(&format!("/execute/{kind}")),
            Some(json!({ "script": body, "args": [] })),
        )?;
        Ok(reply.get("value").cloned().unwrap_or(Value::Null))
    };
    let started = Instant::now();
    let (first_ms, interactive_ms) = loop {
        let state = script("sync", STATE)?;
        let n = |i: usize| state.get(i).and_then(Value::as_f64);
        if let (Some(first), Some(paint), Some(task), Some(now)) = (n(0), n(1), n(2), n(3)) {
            let busy_until = paint.max(task);
            if now - busy_until >= QUIET_MS {
                break (first, busy_until);
            }
        }
        if started.elapsed() > RENDER_TIMEOUT {
            bail!("no comment, or never quiet, within {RENDER_TIMEOUT:?} (last state {state})");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let snap = script("sync", &SNAPSHOT.replace("__COMMENT__", &quoted))?;
    let field = |name: &str| {
        snap.get(name)
            .and_then(Value::as_f64)
            .with_context(|| format!("no {name} in {snap}"))
    };
    let scroll = script("async", SCROLL)?;
    let s = |i: usize| {
        scroll
            .get(i)
            .and_then(Value::as_f64)
            .with_context(|| format!("bad scroll result {scroll}"))
    };
    Ok(Run {
        first_ms,
        interactive_ms,
        comments: field("comments")?,
        nodes: field("nodes")?,
        heap: field("heap")?,
        load_task_ms: field("longest")?,
        scroll_task_ms: s(1)?,
        scroll_tasks: s(2)?,
        requests: field("requests")?,
        api_requests: field("api")?,
    })
}
