//! End-to-end tests of the loader: lazy loading without layout shift, the JS API for single-page
//! apps (mount, update, destroy without leaks), the `<talkback-thread>` element and the events
//! sites can listen to.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use std::time::Duration;
use support::{DEMO_KEY, Harness, cdp};

/// Requests for the wasm app made so far.
const WASM_REQUESTS: &str =
    "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length;";

/// Runs an async script (`done` is its callback) and returns what it passes to `done`.
async fn run_async(h: &Harness, body: &str, args: Vec<Json>) -> Json {
    let script = format!("const done = arguments[arguments.length - 1];\n{body}");
    match h.client.execute_async(&script, args).await {
        Ok(v) => v,
        Err(e) => panic!("async script failed: {e}\n{script}"),
    }
}

#[tokio::test]
async fn the_app_is_fetched_only_near_the_viewport_and_nothing_above_it_moves() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/lazy.html", h.base))
        .await
        .expect("the long article loads");
    let before = h
        .wait_js(
            "the loader has reserved room",
            "const host = document.getElementById('talkback');
             return host.shadowRoot ? [host.getBoundingClientRect().height,
                 document.getElementById('above').getBoundingClientRect().top + scrollY] : null;",
            vec![],
        )
        .await;
    assert!(
        before[0].as_f64().unwrap_or(0.0) >= 400.0,
        "room is reserved while loading: {before}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        h.js(WASM_REQUESTS, vec![]).await,
        json!(0),
        "no wasm request while the comments are far away"
    );

    // Near, but not yet in view: data-root-margin is 100px.
    h.js(
        "const top = document.getElementById('talkback').getBoundingClientRect().top + scrollY;
         window.scrollTo(0, top - innerHeight - 50); return null;",
        vec![],
    )
    .await;
    h.wait_js(
        "the wasm is requested once the comments are near",
        WASM_REQUESTS,
        vec![],
    )
    .await;
    h.scroll_to_widget().await;
    h.wait_js(
        "the thread is painted",
        "return !!root && !!root.querySelector('article.tb-comment') && !root.querySelector('.tb-loading');",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = h
        .js(
            "const host = document.getElementById('talkback');
             const above = window.__shifts.flatMap(e => e.sources.map(s => s.node))
                 .filter(n => n && !host.contains(n)
                     && (n.compareDocumentPosition(host) & Node.DOCUMENT_POSITION_FOLLOWING));
             return [document.getElementById('above').getBoundingClientRect().top + scrollY,
                     above.length, performance.getEntriesByType('resource')
                         .filter(e => e.name.includes('/api/v1/')).map(e => new URL(e.name).pathname)];",
            vec![],
        )
        .await;
    assert_eq!(
        after[0], before[1],
        "the paragraph above the comments did not move"
    );
    assert_eq!(
        after[1],
        json!(0),
        "no layout shift of anything above the widget"
    );
    assert_eq!(
        after[2],
        json!(["/api/v1/thread"]),
        "one API request before the first comments are painted"
    );
}

#[tokio::test]
async fn spa_mount_update_and_destroy_with_events_on_the_host_element() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/spa.html", h.base))
        .await
        .expect("the app page loads");
    let ready = run_async(
        &h,
        "const el = document.getElementById('app');
         el.addEventListener('talkback:ready', e => done(e.detail), { once: true });
         window.handle = Talkback.mount(el, { thread: arguments[0], loading: 'eager' });",
        vec![json!(DEMO_KEY)],
    )
    .await;
    assert_eq!(
        ready["thread"], DEMO_KEY,
        "talkback:ready names the thread: {ready}"
    );
    assert!(
        ready["count"].as_u64().unwrap_or(0) > 10,
        "and its count: {ready}"
    );

    // Client-side navigation: the same handle shows another thread.
    let ready = run_async(
        &h,
        "const el = document.getElementById('app');
         el.addEventListener('talkback:ready', e => done([e.detail,
             el.shadowRoot.querySelector('.tb-count').textContent,
             el.shadowRoot.querySelectorAll('article').length]), { once: true });
         handle.update({ thread: 'spa-second-article' });",
        vec![],
    )
    .await;
    assert_eq!(
        ready,
        json!([{ "thread": "spa-second-article", "count": 0 }, "No comments yet", 0])
    );

    // A theme switch restyles in place: same DOM, no reload of the thread.
    let switched = h
        .js(
            "const sr = document.getElementById('app').shadowRoot;
             const section = sr.querySelector('.tb-root');
             handle.update({ theme: 'dark' });
             return [sr.querySelector('.tb-mount').dataset.theme, sr.querySelector('.tb-root') === section];",
            vec![],
        )
        .await;
    assert_eq!(switched, json!(["dark", true]));
    h.wait_js_eq(
        "the dark palette applies",
        "return getComputedStyle(document.getElementById('app').shadowRoot.querySelector('.tb-root')).backgroundColor;",
        vec![],
        json!("rgb(27, 29, 33)"),
    )
    .await;

    let gone = h
        .js(
            "handle.destroy(); handle.destroy();
             const sr = document.getElementById('app').shadowRoot;
             return [sr.childNodes.length, Talkback.live()];",
            vec![],
        )
        .await;
    assert_eq!(
        gone,
        json!([0, 0]),
        "destroy empties the shadow root and stops every timer and listener"
    );
}

#[tokio::test]
async fn mounting_and_destroying_100_times_leaks_no_nodes_listeners_timers_or_memory() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/spa.html", h.base))
        .await
        .expect("the app page loads");
    // Each cycle waits for the thread to be painted, so every timer and listener was started.
    let cycles = "const el = document.getElementById('app');
        let left = arguments[0], most = 0;
        const next = () => {
            if (left-- === 0) return done(most);
            el.addEventListener('talkback:ready', () => {
                most = Math.max(most, Talkback.live());
                h.destroy();
                setTimeout(next, 0);
            }, { once: true });
            const h = Talkback.mount(el, { thread: arguments[1], loading: 'eager' });
        };
        next();";
    let most = run_async(&h, cycles, vec![json!(3), json!(DEMO_KEY)]).await;
    assert!(
        most.as_u64().unwrap_or(0) >= 2,
        "a mounted widget holds its clock and hashchange listener: {most}"
    );
    let counts = "return [document.querySelectorAll('*').length,
        document.getElementById('app').shadowRoot.childNodes.length, Talkback.live()];";
    let base_page = h.js(counts, vec![]).await;
    let (_, base_nodes, base_listeners) = cdp::dom_counters(&h.client).await;
    let base_heap = heap_used(&h).await;
    // The counters do see the widget: one mounted thread is thousands of nodes.
    run_async(
        &h,
        "const el = document.getElementById('app');
         el.addEventListener('talkback:ready', () => done(), { once: true });
         window.probe = Talkback.mount(el, { thread: arguments[0], loading: 'eager' });",
        vec![json!(DEMO_KEY)],
    )
    .await;
    let (_, mounted_nodes, _) = cdp::dom_counters(&h.client).await;
    h.js("probe.destroy(); return null;", vec![]).await;
    assert!(
        mounted_nodes > base_nodes + 1000,
        "a mounted thread shows in the node count: {base_nodes} -> {mounted_nodes}"
    );

    let started = std::time::Instant::now();
    // In batches, each well within WebDriver's 30 s script timeout on a busy machine.
    for _ in 0..10 {
        run_async(&h, cycles, vec![json!(10), json!(DEMO_KEY)]).await;
    }
    println!(
        "100 mount/ready/destroy cycles of the demo thread took {:?}",
        started.elapsed()
    );
    assert_eq!(
        h.js(counts, vec![]).await,
        base_page,
        "page nodes, shadow root and live timers are back to baseline"
    );
    let (_, nodes, listeners) = cdp::dom_counters(&h.client).await;
    let heap = heap_used(&h).await;
    println!(
        "DOM nodes {base_nodes} -> {nodes}, JS listeners {base_listeners} -> {listeners}, JS heap {base_heap} -> {heap}"
    );
    assert_eq!(
        listeners, base_listeners,
        "event listeners are back to baseline"
    );
    // One demo thread is about 2,500 nodes: a leak of one thread in 100 would show.
    assert!(
        nodes <= base_nodes + 100,
        "DOM nodes are back to baseline: {base_nodes} -> {nodes}"
    );
    assert!(
        heap < base_heap + 2_000_000.0,
        "JS heap stays flat: {base_heap} -> {heap} bytes"
    );
}

/// Bytes of JS heap in use after a full garbage collection.
async fn heap_used(h: &Harness) -> f64 {
    cdp::call(&h.client, "HeapProfiler.collectGarbage", json!({})).await;
    let usage = cdp::call(&h.client, "Runtime.getHeapUsage", json!({})).await;
    usage["usedSize"]
        .as_f64()
        .unwrap_or_else(|| panic!("no usedSize in {usage}"))
}

#[tokio::test]
async fn talkback_thread_elements_mount_on_connect_work_independently_and_clean_up_on_disconnect() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/element.html", h.base))
        .await
        .expect("the page loads");
    let shown = "const text = id => document.getElementById(id)?.shadowRoot?.querySelector('.tb-count')?.textContent ?? null;
        return [text('first'), text('second')];";
    let both = h
        .wait_js(
            "both threads are shown",
            &format!("const r = (() => {{ {shown} }})(); return r[0] && r[1] ? r : null;"),
            vec![],
        )
        .await;
    assert_ne!(
        both[0], "No comments yet",
        "the first element shows the demo thread: {both}"
    );
    assert_eq!(
        both[1], "No comments yet",
        "the second its own, empty thread: {both}"
    );
    let themes = h
        .js(
            "return ['first', 'second'].map(id => getComputedStyle(
                 document.getElementById(id).shadowRoot.querySelector('.tb-root')).colorScheme);",
            vec![],
        )
        .await;
    assert_eq!(
        themes,
        json!(["light dark", "dark"]),
        "each element has its own theme attribute"
    );

    // Disconnecting cleans up; connecting again mounts afresh; an attribute change remounts.
    // Both live streams open first, so both widgets hold the same timers and listeners.
    h.wait_js_eq(
        "both widgets' live streams are open",
        "return ['first', 'second'].map(id =>
             document.getElementById(id).shadowRoot.querySelector('.tb-root')?.dataset.live ?? null);",
        vec![],
        json!(["open", "open"]),
    )
    .await;
    let live = h
        .js(
            "const el = document.getElementById('second'); const before = Talkback.live();
             el.remove(); const after = Talkback.live();
             window.second = el; return [before, after];",
            vec![],
        )
        .await;
    let (before, after) = (
        live[0].as_u64().unwrap_or(0),
        live[1].as_u64().unwrap_or(99),
    );
    assert!(
        before >= 4 && after * 2 == before,
        "removing one of two elements stops its timers: {live}"
    );
    h.js(
        "second.setAttribute('thread', arguments[0]); document.body.append(second); return null;",
        vec![json!(DEMO_KEY)],
    )
    .await;
    h.wait_js_eq(
        "the element shows its new thread once connected again",
        shown,
        vec![],
        json!([both[0], both[0]]),
    )
    .await;
}

#[tokio::test]
async fn ready_voted_posted_and_error_events_reach_the_page_with_details() {
    let mut h = Harness::start().await;
    h.client
        .goto(&format!("{}/", h.base))
        .await
        .expect("the demo loads");
    // Listening before the widget is near the viewport, so `ready` is caught too.
    h.js(
        "window.__events = [];
         for (const name of ['ready', 'posted', 'voted', 'error'])
             document.getElementById('talkback').addEventListener('talkback:' + name, e => __events.push([name, e.detail]));
         return null;",
        vec![],
    )
    .await;
    h.scroll_to_widget().await;
    let ready = h
        .wait_js(
            "talkback:ready",
            "return __events.find(e => e[0] === 'ready') ?? null;",
            vec![],
        )
        .await;
    assert_eq!(ready[1]["thread"], DEMO_KEY);

    let id = h.comment_id("article.tb-comment:not(.tb-deleted)").await;
    h.own(&id, "button.tb-up")
        .await
        .click()
        .await
        .expect("vote up");
    let voted = h
        .wait_js(
            "talkback:voted",
            "return __events.find(e => e[0] === 'voted') ?? null;",
            vec![],
        )
        .await;
    assert_eq!(
        (voted[1]["id"].as_str(), voted[1]["value"].as_i64()),
        (Some(id.as_str()), Some(1)),
        "{voted}"
    );
    assert!(voted[1]["score"].is_number(), "{voted}");

    let body = "A comment the site's analytics hears about.";
    h.top_form("textarea[name=body]")
        .await
        .send_keys(body)
        .await
        .expect("type");
    h.top_form("button[type=submit]")
        .await
        .click()
        .await
        .expect("post");
    let posted = h
        .wait_js(
            "talkback:posted",
            "return __events.find(e => e[0] === 'posted') ?? null;",
            vec![],
        )
        .await;
    let shown = h.comment_with(body).await;
    assert_eq!(
        posted[1],
        json!({ "thread": DEMO_KEY, "id": shown.id, "parentId": null })
    );

    h.stop_server();
    let other = h
        .comment_id("ul.tb-thread > li.tb-item + li.tb-item > article.tb-comment:not(.tb-deleted)")
        .await;
    h.own(&other, "button.tb-down")
        .await
        .click()
        .await
        .expect("vote down");
    let error = h
        .wait_js(
            "talkback:error",
            "return __events.find(e => e[0] === 'error') ?? null;",
            vec![],
        )
        .await;
    assert_eq!(error[1]["kind"], "vote", "{error}");
    assert!(
        !error[1]["message"].as_str().unwrap_or_default().is_empty(),
        "{error}"
    );
}
