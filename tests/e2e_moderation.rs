//! End-to-end tests of moderation as readers and moderators meet it in the widget: a held
//! comment is marked "Awaiting moderation" for its author only, a moderator signed in inside
//! the widget hides a comment for everyone, a locked thread shows no form (and a post sent into
//! a thread locked meanwhile keeps its draft), and a report is thanked for.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use fantoccini::Client;
use serde_json::{Value as Json, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::api::Post;
use support::{DEMO_KEY, Harness};

/// The moderator `--demo-moderator` creates.
const MODERATOR: (&str, &str) = ("editor", "talkback-demo");

/// One request to the server with an optional `Authorization` value; returns status and JSON.
fn call(base: &str, method: &str, path: &str, auth: Option<&str>, body: Option<Json>) -> (u16, Json) {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(a) = auth {
        head.push_str(&format!("Authorization: {a}\r\n"));
    }
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    ));
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(payload.as_bytes()))
        .unwrap_or_else(|e| panic!("send {method} {path}: {e}"));
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("read {method} {path}: {e}"));
    let raw = String::from_utf8_lossy(&raw);
    let (headers, content) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, serde_json::from_str(content).unwrap_or(Json::Null))
}

/// A moderator session token, signed in through the API.
async fn moderator_token(base: &str) -> String {
    let base = base.to_owned();
    tokio::task::spawn_blocking(move || {
        let body = json!({ "name": MODERATOR.0, "password": MODERATOR.1 });
        let (status, session) = call(&base, "POST", "/api/v1/admin/session", None, Some(body));
        assert_eq!(status, 200, "the demo moderator signs in: {session}");
        session["token"].as_str().expect("a session token").to_owned()
    })
    .await
    .expect("sign-in task")
}

/// A moderator request through the API; panics unless it succeeds.
async fn moderate(base: &str, token: &str, path: &str, body: Json) -> Json {
    let (base, auth, path) = (base.to_owned(), format!("Moderator {token}"), path.to_owned());
    tokio::task::spawn_blocking(move || {
        let (status, answer) = call(&base, "POST", &path, Some(&auth), Some(body));
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    })
    .await
    .expect("moderator task")
}

/// Runs a script in another browser's page with `root` bound to the widget's shadow root.
async fn js_on(c: &Client, body: &str) -> Json {
    let script = format!("const root = document.querySelector('#talkback')?.shadowRoot ?? null;\n{body}");
    c.execute(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Opens the demo in another browser and waits until its thread is drawn.
async fn open_other(c: &Client, base: &str) {
    c.goto(&format!("{base}/")).await.expect("the demo page loads");
    // The widget loads when it nears the viewport.
    js_on(c, "document.getElementById('talkback')?.scrollIntoView(); return null;").await;
    wait_on(
        c,
        "the other reader's widget shows the thread",
        "return !!root && !!root.querySelector('article.tb-comment') && !root.querySelector('.tb-loading');",
    )
    .await;
}

async fn wait_on(c: &Client, what: &str, body: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while js_on(c, body).await != json!(true) {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether any comment of the widget shows `text`.
/// How many requests the page made so far for files whose URL contains `name`.
fn requests_of(name: &str) -> String {
    format!("return performance.getEntriesByType('resource').filter(e => e.name.includes({name:?})).length;")
}

/// The readers' bundle's wasm, and the full bundle's (moderator controls, peer adapters).
const READERS_WASM: &str = "/talkback_bg-";
const FULL_BUNDLE: &str = "/talkback-full";

fn shows(text: &str) -> String {
    format!(
        "return [...root.querySelectorAll('.tb-body')].some(b => b.textContent.includes({}));",
        json!(text)
    )
}

async fn type_and_post(h: &Harness, body: &str) {
    h.top_form("textarea[name=body]")
        .await
        .send_keys(body)
        .await
        .expect("type the comment");
    h.top_form("button[type=submit]")
        .await
        .click()
        .await
        .expect("click Post comment");
}

/// The text of the marker beside a comment's author, once shown.
async fn held_marker(h: &Harness, id: &str) -> String {
    h.own(id, ".tb-held").await.text().await.expect("marker text")
}

#[tokio::test]
async fn a_held_comment_is_marked_for_its_author_and_hidden_from_others_until_approved() {
    let h = Harness::start_with(&["--moderation", "pre", "--demo-moderator"]).await;
    h.open_demo().await;
    type_and_post(&h, "Held until an editor reads it").await;
    // Marked once the server answered (the comment then has its stored id).
    let mine = h.comment_id("article.tb-is-held").await;
    assert_eq!(h.comment_with("Held until an editor reads it").await.id, mine);
    assert_eq!(held_marker(&h, &mine).await, "Awaiting moderation");
    let note = h.own(&mine, ".tb-held-note").await.text().await.expect("note");
    assert!(note.contains("until a moderator approves it"), "{note}");

    h.reload().await;
    let after = h.comment_with("Held until an editor reads it").await;
    assert_eq!(after.id, mine);
    assert_eq!(
        held_marker(&h, &mine).await,
        "Awaiting moderation",
        "still marked after a reload"
    );

    let other = h.second_browser().await;
    open_other(&other, &h.base).await;
    assert_eq!(
        js_on(&other, &shows("Held until an editor reads it")).await,
        json!(false),
        "another reader does not see it"
    );

    let token = moderator_token(&h.base).await;
    let done = moderate(
        &h.base,
        &token,
        "/api/v1/admin/actions",
        json!({ "action": "approve", "ids": [mine] }),
    )
    .await;
    assert_eq!(done["results"][0]["error"], Json::Null, "{done}");
    // The author's page follows the thread live: the approval takes the mark away in place.
    h.wait_js_eq(
        "the author's mark goes away live",
        "return root.querySelectorAll('.tb-held').length;",
        vec![],
        json!(0),
    )
    .await;
    other.refresh().await.expect("reload");
    wait_on(
        &other,
        "the approved comment is shown to the other reader",
        &shows("Held until an editor reads it"),
    )
    .await;
    assert_eq!(
        js_on(&other, "return root.querySelectorAll('.tb-held').length;").await,
        json!(0)
    );
    other.close().await.expect("close the second browser");
}

#[tokio::test]
async fn a_moderator_signed_in_inside_the_widget_hides_a_comment_for_everyone() {
    let h = Harness::start_with(&["--demo-moderator"]).await;
    h.seed(|api| {
        api.post(Post {
            thread: DEMO_KEY,
            parent: None,
            body: "Buy cheap watches here",
        })
    })
    .await;
    h.open_demo().await;
    let target = h.comment_with("Buy cheap watches here").await;
    // Readers see no moderator controls, and do not download them.
    assert_eq!(
        h.js("return root.querySelectorAll('.tb-mod-action').length;", vec![])
            .await,
        json!(0)
    );
    assert_eq!(h.js(&requests_of(READERS_WASM), vec![]).await, json!(1));
    assert_eq!(
        h.js(&requests_of(FULL_BUNDLE), vec![]).await,
        json!(0),
        "a reader's page loads only the readers' bundle"
    );

    h.widget(".tb-mod-open")
        .await
        .click()
        .await
        .expect("open the moderator sign-in");
    h.widget(".tb-mod-sign-in input[name=moderator]")
        .await
        .send_keys(MODERATOR.0)
        .await
        .expect("name");
    h.widget(".tb-mod-sign-in input[name=password]")
        .await
        .send_keys(MODERATOR.1)
        .await
        .expect("password");
    h.widget(".tb-mod-sign-in button[type=submit]")
        .await
        .click()
        .await
        .expect("sign in");
    // The readers' bundle has only the link: the loader mounted the full bundle with the form open.
    let who = h.widget(".tb-mod-who").await.text().await.expect("who");
    assert_eq!(who, "Moderating as editor");
    assert_eq!(
        h.js(&requests_of(FULL_BUNDLE), vec![]).await,
        json!(2),
        "the full bundle's glue and wasm, once the moderator signed in"
    );
    h.own(&target.id, ".tb-mod-action[data-action=hide]").await;

    h.own(&target.id, ".tb-mod-action[data-action=hide]")
        .await
        .click()
        .await
        .expect("click Hide");
    h.own(&target.id, ".tb-mod-confirm input[name=reason]")
        .await
        .send_keys("spam")
        .await
        .expect("reason");
    h.own(&target.id, ".tb-mod-confirm button[type=submit]")
        .await
        .click()
        .await
        .expect("confirm Hide");
    h.wait_js_eq(
        "the hidden comment leaves the page",
        &shows("Buy cheap watches here"),
        vec![],
        json!(false),
    )
    .await;

    let other = h.second_browser().await;
    open_other(&other, &h.base).await;
    assert_eq!(
        js_on(&other, &shows("Buy cheap watches here")).await,
        json!(false),
        "hidden for another reader"
    );
    other.close().await.expect("close the second browser");

    // The session lasts for the tab: after a reload the controls are still there, from the full
    // bundle straight away, until Sign out.
    h.reload().await;
    h.widget(".tb-mod-action").await;
    assert_eq!(
        h.js(&requests_of(READERS_WASM), vec![]).await,
        json!(0),
        "a stored session loads the full bundle only"
    );
    h.widget(".tb-sign-out").await.click().await.expect("sign out");
    h.widget(".tb-mod-open").await;
    assert_eq!(
        h.js("return root.querySelectorAll('.tb-mod-action').length;", vec![])
            .await,
        json!(0)
    );
    // Signed out, the next page view is a reader's again.
    h.reload().await;
    h.widget(".tb-mod-open").await;
    assert_eq!(h.js(&requests_of(FULL_BUNDLE), vec![]).await, json!(0));
}

#[tokio::test]
async fn a_locked_thread_shows_the_closed_notice_and_no_form_and_a_late_post_keeps_its_draft() {
    let h = Harness::start_with(&["--demo-moderator"]).await;
    h.open_demo().await;
    h.top_form("textarea[name=body]")
        .await
        .send_keys("Written before the lock")
        .await
        .expect("type");
    let token = moderator_token(&h.base).await;
    let info = moderate(
        &h.base,
        &token,
        "/api/v1/admin/threads/lock",
        json!({ "thread": DEMO_KEY, "locked": true }),
    )
    .await;
    assert_eq!(info["locked"], json!(true), "{info}");

    h.top_form("button[type=submit]")
        .await
        .click()
        .await
        .expect("click Post comment");
    let error = h
        .wait_js(
            "the form shows the server's refusal",
            "return root.querySelector('.tb-form-error')?.textContent ?? null;",
            vec![],
        )
        .await;
    assert!(error.as_str().is_some_and(|e| !e.is_empty()), "{error}");
    let draft = h
        .js(
            "return root.querySelector('form.tb-form textarea[name=body]').value;",
            vec![],
        )
        .await;
    assert_eq!(draft, json!("Written before the lock"), "the draft is kept");

    h.reload().await;
    let closed = h.widget(".tb-closed").await.text().await.expect("notice");
    assert_eq!(closed, "Comments are closed on this article.");
    assert_eq!(
        h.js("return root.querySelectorAll('form.tb-form').length;", vec![])
            .await,
        json!(0),
        "no form"
    );
    assert_eq!(
        h.js("return root.querySelectorAll('.tb-reply').length;", vec![]).await,
        json!(0),
        "no reply buttons"
    );
}

#[tokio::test]
async fn a_reader_reports_a_comment_with_a_reason_and_is_thanked() {
    let h = Harness::start_with(&["--demo-moderator"]).await;
    h.seed(|api| {
        api.post(Post {
            thread: DEMO_KEY,
            parent: None,
            body: "You are all idiots",
        })
    })
    .await;
    h.open_demo().await;
    let target = h.comment_with("You are all idiots").await;
    h.own(&target.id, ".tb-report")
        .await
        .click()
        .await
        .expect("click Report");
    // Sending without a reason says what is missing and sends nothing.
    h.own(&target.id, ".tb-report-form button[type=submit]")
        .await
        .click()
        .await
        .expect("send");
    h.own(&target.id, ".tb-report-form .tb-form-error").await;
    h.own(&target.id, ".tb-report-form input[value=abuse]")
        .await
        .click()
        .await
        .expect("pick Abuse");
    h.own(&target.id, ".tb-report-form textarea[name=note]")
        .await
        .send_keys("insults everyone")
        .await
        .expect("note");
    h.own(&target.id, ".tb-report-form button[type=submit]")
        .await
        .click()
        .await
        .expect("send");
    let thanks = h
        .own(&target.id, ".tb-report-thanks")
        .await
        .text()
        .await
        .expect("thanks");
    assert_eq!(thanks, "Thanks — a moderator will look at it.");
    let action = h.own(&target.id, ".tb-reported").await.text().await.expect("reported");
    assert_eq!(action, "Reported");

    let token = moderator_token(&h.base).await;
    let (base, auth) = (h.base.clone(), format!("Moderator {token}"));
    let queue = tokio::task::spawn_blocking(move || {
        call(&base, "GET", "/api/v1/admin/queue?status=reported", Some(&auth), None)
    })
    .await
    .expect("queue task");
    assert_eq!(queue.0, 200, "{}", queue.1);
    let item = &queue.1["items"][0];
    assert_eq!(item["comment"]["id"], json!(target.id), "{}", queue.1);
    assert_eq!(item["reports"][0]["reason"], json!("abuse"));
    assert_eq!(item["reports"][0]["note"], json!("insults everyone"));
}

#[tokio::test]
#[ignore = "writes screenshots of the moderation UI; run with TALKBACK_SCREENSHOT_DIR set and --ignored"]
async fn screenshots_of_the_moderation_ui() {
    let dir = std::path::PathBuf::from(std::env::var_os("TALKBACK_SCREENSHOT_DIR").expect("TALKBACK_SCREENSHOT_DIR"));
    let h = Harness::start_with(&["--moderation", "pre", "--demo-moderator"]).await;
    let pinned = h
        .seed(|api| {
            api.thread(DEMO_KEY, "best", 1)["comments"][0]["id"]
                .as_str()
                .map(str::to_owned)
        })
        .await;
    let token = moderator_token(&h.base).await;
    moderate(
        &h.base,
        &token,
        "/api/v1/admin/actions",
        json!({ "action": "pin", "ids": [pinned] }),
    )
    .await;
    for width in [1200u32, 360] {
        h.client.set_window_size(width, 1400).await.expect("resize");
        h.open_demo().await;
        if width == 1200 {
            type_and_post(&h, "I was at the council meeting: the bridge closes to cars in March.").await;
            h.comment_id("article.tb-is-held").await;
        }
        h.js(
            "root.querySelector('.tb-is-held')?.scrollIntoView({block: 'start'}); return null;",
            vec![],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("held-{width}.png")), png).expect("write");
        h.js(
            "root.querySelector('.tb-pinned').closest('article').scrollIntoView({block: 'start'}); return null;",
            vec![],
        )
        .await;
        h.js("root.querySelector('.tb-report').click(); return null;", vec![])
            .await;
        h.widget(".tb-report-form").await;
        h.js(
            "root.querySelector('.tb-report-form input[value=spam]').click(); return null;",
            vec![],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("pinned-report-{width}.png")), png).expect("write");
        if h.js("return !!root.querySelector('.tb-mod-open');", vec![]).await == json!(true) {
            h.widget(".tb-mod-open").await.click().await.expect("open sign-in");
            // The form arrives with the full bundle, mounted in place of the readers' one.
            let name = h.widget(".tb-mod-sign-in input[name=moderator]").await;
            h.js("root.querySelector('.tb-moderator').scrollIntoView({block: 'end'}); return null;", vec![])
                .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = h.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("sign-in-{width}.png")), png).expect("write");
            name.send_keys(MODERATOR.0).await.expect("name");
            h.widget(".tb-mod-sign-in input[name=password]")
                .await
                .send_keys(MODERATOR.1)
                .await
                .expect("pw");
            h.widget(".tb-mod-sign-in button[type=submit]")
                .await
                .click()
                .await
                .expect("sign in");
        }
        h.widget(".tb-mod-bar").await;
        h.js(
            "root.querySelector('.tb-pinned').closest('article').scrollIntoView({block: 'start'}); return null;",
            vec![],
        )
        .await;
        h.js(
            "root.querySelector('.tb-mod-action[data-action=hide]').click(); return null;",
            vec![],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("moderator-{width}.png")), png).expect("write");
        h.js(
            "root.querySelector('.tb-moderator').scrollIntoView({block: 'end'}); return null;",
            vec![],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("foot-{width}.png")), png).expect("write");
        // Signed out for the next width, so it shows the sign-in from the readers' bundle too.
        h.js("sessionStorage.clear(); return null;", vec![]).await;
    }
}
