//! End-to-end tests of live updates: two readers on one thread in real Chromium, the second
//! reader's changes reaching the first page in place, new comments waiting behind the
//! "N new comments" pill, reconnecting after a server restart, and `data-live="off"`.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use fantoccini::Client;
use fantoccini::elements::{Element, ElementRef};
use serde_json::{Value as Json, json};
use support::Harness;
use support::api::{Api, Post};

/// WebDriver's key for element references in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The thread of `tests/pages/thread.html`.
const THREAD: &str = "e2e-thread";

/// Another reader, talking to the server through the API (its own token, so its own votes).
#[derive(Clone)]
struct Other(Arc<Api>);

impl Other {
    async fn new(h: &Harness) -> Other {
        let base = h.base.clone();
        let api = tokio::task::spawn_blocking(move || Api::new_reader(&base)).await.expect("a reader");
        Other(Arc::new(api))
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce(&Api) -> T + Send + 'static) -> T {
        let api = self.0.clone();
        tokio::task::spawn_blocking(move || work(&api)).await.expect("the API call ran")
    }

    async fn post(&self, parent: Option<&str>, body: &str) -> String {
        let (parent, body) = (parent.map(str::to_owned), body.to_owned());
        self.run(move |api| api.post(Post { thread: THREAD, parent: parent.as_deref(), body: &body })).await
    }
}

/// Opens the test thread and waits until its live connection is open.
async fn open_live(h: &Harness) {
    h.open("/thread.html").await;
    wait_live(h, "open").await;
}

async fn wait_live(h: &Harness, state: &str) {
    h.wait_js_eq(
        &format!("the live connection is {state}"),
        "return root.querySelector('.tb-root')?.dataset.live ?? null;",
        vec![],
        json!(state),
    )
    .await;
}

/// Where the first comment of the list is on screen, and which one it is.
async fn first_comment(h: &Harness) -> Json {
    h.js(
        "const a = root.querySelector('.tb-thread > .tb-item > article');
         return a ? [a.id, Math.round(a.getBoundingClientRect().top)] : null;",
        vec![],
    )
    .await
}

async fn header(h: &Harness) -> String {
    h.js("return root.querySelector('.tb-count').textContent;", vec![]).await.as_str().unwrap_or_default().to_owned()
}

async fn wait_header(h: &Harness, want: &str) {
    h.wait_js_eq(
        &format!("the header says {want:?}"),
        "return root.querySelector('.tb-count').textContent;",
        vec![],
        json!(want),
    )
    .await;
}

/// Waits until no comment's own body contains `text`.
async fn wait_gone(h: &Harness, text: &str) {
    h.wait_js(
        &format!("no comment shows {text:?}"),
        "return ![...root.querySelectorAll('.tb-body')].some(b => b.textContent.includes(arguments[0]));",
        vec![json!(text)],
    )
    .await;
}

/// The second browser posts a top-level comment through the widget, as a reader would.
async fn post_from(second: &Client, base: &str, body: &str) {
    second.goto(&format!("{base}/thread.html")).await.expect("the second browser opens the thread");
    second
        .execute("document.getElementById('talkback').scrollIntoView(); return null;", vec![])
        .await
        .expect("scroll to the widget");
    let script = "const root = document.querySelector('#talkback')?.shadowRoot;
        const form = root && [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
        return form ? [form.querySelector('textarea[name=body]'), form.querySelector('button[type=submit]')] : null;";
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let found = loop {
        let found = second.execute(script, vec![]).await.expect("look for the form");
        if !found.is_null() {
            break found;
        }
        assert!(std::time::Instant::now() < deadline, "the second browser shows the comment form");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let element = |v: &Json| {
        let id = v.get(ELEMENT_KEY).and_then(Json::as_str).expect("an element reference");
        Element::from_element_id(second.clone(), ElementRef::from(id.to_owned()))
    };
    element(&found[0]).send_keys(body).await.expect("type in the second browser");
    element(&found[1]).click().await.expect("post from the second browser");
}

#[tokio::test]
async fn another_readers_changes_arrive_without_moving_the_page() {
    let h = Harness::start().await;
    let other = Other::new(&h).await;
    let parent = other.post(None, "The parent comment").await;
    let older = other.post(None, "An older comment").await;
    open_live(&h).await;
    wait_header(&h, "2 comments").await;
    let before = first_comment(&h).await;

    // A new top-level comment from another browser waits behind the pill: nothing moves.
    let second = h.second_browser().await;
    post_from(&second, &h.base, "Fresh from the second browser").await;
    let pill = h.widget(".tb-new-comments").await;
    assert_eq!(pill.text().await.expect("pill text"), "1 new comment");
    wait_header(&h, "3 comments").await;
    assert_eq!(first_comment(&h).await, before, "the list did not move or change");
    assert!(
        h.js("return !root.textContent.includes('Fresh from the second browser');", vec![]).await == json!(true),
        "the new comment is not shown before the reader asks"
    );
    pill.click().await.expect("click the pill");
    let fresh = h.comment_with("Fresh from the second browser").await;
    assert_eq!(fresh.depth, 0);
    assert_eq!(first_comment(&h).await[0], json!(format!("comment-{}", fresh.id)), "shown at the top");
    h.wait_js(
        "the live region says the comment was added",
        "return root.querySelector('[role=status]').textContent.includes('1 new comment shown');",
        vec![],
    )
    .await;
    assert_eq!(h.js("return root.querySelectorAll('.tb-new-comments').length;", vec![]).await, json!(0));
    second.close().await.expect("close the second browser");

    // A reply appears in place under its parent.
    let reply = other.post(Some(&parent), "A reply from elsewhere").await;
    let shown = h.comment_with("A reply from elsewhere").await;
    assert_eq!(shown.id, reply);
    assert_eq!(shown.parent.as_deref(), Some(format!("comment-{parent}").as_str()));
    wait_header(&h, "4 comments").await;

    // The page votes up; another reader's down vote changes the score, not the page's own vote.
    h.own(&parent, "button.tb-up").await.click().await.expect("vote up");
    h.wait_requests("/vote", 1).await;
    let id = parent.clone();
    // Readers cannot vote on their own comments: a third reader votes down.
    let voter = Other::new(&h).await;
    voter.run(move |api| api.vote(&id, -1)).await;
    h.wait_js_eq(
        "the score counts both votes and the page's own up vote stays pressed",
        "const art = root.getElementById('comment-' + arguments[0]);
         const own = s => [...art.querySelectorAll(s)].find(el => el.closest('article') === art);
         return [own('.tb-score').textContent.trim(), own('button.tb-up').getAttribute('aria-pressed'),
                 own('button.tb-down').getAttribute('aria-pressed')];",
        vec![json!(parent)],
        json!(["0", "true", "false"]),
    )
    .await;

    // An edit and a deletion change the page in place.
    let id = older.clone();
    other.run(move |api| api.edit(&id, "An older comment, *edited*")).await;
    h.wait_js(
        "the edit is shown in place",
        "const b = root.getElementById('comment-' + arguments[0])?.querySelector('.tb-body');
         return !!b && b.innerHTML.includes('<em>edited</em>');",
        vec![json!(older)],
    )
    .await;
    let id = reply.clone();
    other.run(move |api| api.delete(&id)).await;
    wait_gone(&h, "A reply from elsewhere").await;
    wait_header(&h, "3 comments").await;
}

#[tokio::test]
async fn the_readers_own_comment_is_shown_once_and_counted_once() {
    let h = Harness::start().await;
    let other = Other::new(&h).await;
    other.post(None, "Someone was here first").await;
    open_live(&h).await;
    h.top_form("textarea[name=body]").await.send_keys("My own live comment").await.expect("type");
    h.top_form("button[type=submit]").await.click().await.expect("post");
    h.wait_requests("/api/v1/comments", 1).await;
    h.comment_with("My own live comment").await;
    wait_header(&h, "2 comments").await;
    // Its event arrives too; it must neither queue it behind the pill nor count it twice.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.js("return root.querySelectorAll('.tb-new-comments').length;", vec![]).await, json!(0));
    assert_eq!(
        h.js(
            "return [...root.querySelectorAll('.tb-body')].filter(b => b.textContent.includes('My own live comment')).length;",
            vec![]
        )
        .await,
        json!(1)
    );
    assert_eq!(header(&h).await, "2 comments");
}

#[tokio::test]
async fn after_a_server_restart_the_page_reconnects_and_catches_up() {
    let mut h = Harness::start().await;
    let other = Other::new(&h).await;
    let parent = other.post(None, "Before the restart").await;
    open_live(&h).await;
    // One event seen, so the page knows where to resume.
    other.post(Some(&parent), "A reply before the restart").await;
    h.comment_with("A reply before the restart").await;

    // While the page's server is down, changes are made through a stand-in on the same database.
    let p = parent.clone();
    h.outage(move |api| {
        api.post(Post { thread: THREAD, parent: Some(&p), body: "A reply during the outage" });
        api.post(Post { thread: THREAD, parent: None, body: "A comment during the outage" });
    })
    .await;
    let shown = h.comment_with("A reply during the outage").await;
    assert_eq!(shown.parent.as_deref(), Some(format!("comment-{parent}").as_str()));
    let pill = h.widget(".tb-new-comments").await;
    assert_eq!(pill.text().await.expect("pill text"), "1 new comment");
    wait_header(&h, "4 comments").await;
    wait_live(&h, "open").await;

    // And the stream goes on after the catch-up.
    other.post(None, "After the restart").await;
    h.wait_js_eq(
        "the pill counts the next comment too",
        "return root.querySelector('.tb-new-comments')?.textContent ?? null;",
        vec![],
        json!("2 new comments"),
    )
    .await;
}

/// Makes the page look hidden or shown to the widget, as switching tabs would.
async fn set_hidden(h: &Harness, hidden: bool) {
    h.js(
        "Object.defineProperty(document, 'hidden', { configurable: true, get: () => arguments[0] });
         document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); return null;",
        vec![json!(hidden)],
    )
    .await;
}

#[tokio::test]
async fn a_page_left_hidden_lets_go_of_its_stream_and_catches_up_when_shown() {
    let h = Harness::start().await;
    let other = Other::new(&h).await;
    other.post(None, "Before the reader left").await;
    open_live(&h).await;
    // A glance at another tab keeps the stream.
    set_hidden(&h, true).await;
    set_hidden(&h, false).await;
    set_hidden(&h, true).await;
    // 15 s of grace, then the connection closes (the wait allows 20 s).
    wait_live(&h, "paused").await;
    other.post(None, "Posted while the tab was in the background").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(header(&h).await, "1 comment", "nothing arrives while the stream is closed");
    set_hidden(&h, false).await;
    wait_live(&h, "open").await;
    h.wait_js_eq(
        "the comment posted meanwhile waits behind the pill",
        "return root.querySelector('.tb-new-comments')?.textContent ?? null;",
        vec![],
        json!("1 new comment"),
    )
    .await;
    wait_header(&h, "2 comments").await;
}

#[tokio::test]
async fn with_live_updates_off_nothing_arrives() {
    let h = Harness::start().await;
    let other = Other::new(&h).await;
    other.post(None, "Already there").await;
    h.client.goto(&format!("{}/spa.html", h.base)).await.expect("the app page loads");
    h.js(
        "window.probe = Talkback.mount(document.getElementById('app'),
             { thread: arguments[0], loading: 'eager', live: 'off' }); return null;",
        vec![json!(THREAD)],
    )
    .await;
    let app = "const r = document.getElementById('app').shadowRoot;";
    h.wait_js_eq(
        "the widget shows the thread with live updates off",
        &format!("{app} return [r?.querySelector('.tb-count')?.textContent ?? null, r?.querySelector('.tb-root')?.dataset.live ?? null];"),
        vec![],
        json!(["1 comment", "off"]),
    )
    .await;
    other.post(None, "Posted while the page is open").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let seen = h
        .js(
            &format!(
                "{app} return [r.querySelector('.tb-count').textContent, r.querySelectorAll('.tb-new-comments').length,
                 performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/events')).length];"
            ),
            vec![],
        )
        .await;
    assert_eq!(seen, json!(["1 comment", 0, 0]), "no connection, no pill, no new count");
}

#[tokio::test]
#[ignore = "writes screenshots of the new-comments pill; run with TALKBACK_SCREENSHOT_DIR and --ignored"]
async fn screenshots_of_the_new_comments_pill() {
    let dir = std::env::var_os("TALKBACK_SCREENSHOT_DIR").map(std::path::PathBuf::from).expect("TALKBACK_SCREENSHOT_DIR");
    let h = Harness::start().await;
    let other = Other::new(&h).await;
    for n in 0..3 {
        other.post(None, &format!("Comment number {n} with a few words so it wraps on a phone screen.")).await;
    }
    for (name, width) in [("live-pill-360.png", 360), ("live-pill-1200.png", 1200)] {
        h.client.set_window_size(width, 900).await.expect("resize");
        open_live(&h).await;
        other.post(None, "New").await;
        other.post(None, "Newer").await;
        h.widget(".tb-new-comments").await;
        h.js("root.querySelector('.tb-new-slot').scrollIntoView({block: 'center'}); return null;", vec![]).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(name), png).expect("write the screenshot");
    }
}
