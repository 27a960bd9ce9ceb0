//! End-to-end tests of the moderation page `/admin` in real Chromium: a comment held under
//! pre-moderation is invisible to readers until a moderator approves it there (by button or by
//! keyboard shortcut), bulk actions, the author filter, range bans made by hand, the token-farming
//! list with its one-click ban, and a wrong password.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use serde_json::{Value as Json, json};
use support::api::Post;
use support::{DEMO_KEY, Harness};

/// Pre-moderation, and the demo moderator `editor` / `talkback-demo` (an admin).
const SERVER_ARGS: [&str; 3] = ["--moderation", "pre", "--demo-moderator"];
const TIMEOUT: Duration = Duration::from_secs(20);

/// Polls `script` in `c` until it returns something other than null/false.
async fn wait(c: &Client, what: &str, script: &str, args: Vec<Json>) -> Json {
    let started = Instant::now();
    loop {
        let got = c.execute(script, args.clone()).await.unwrap_or(Json::Null);
        if !matches!(got, Json::Null | Json::Bool(false)) {
            return got;
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn find(c: &Client, css: &str) -> Element {
    wait(
        c,
        &format!("{css} is on the page"),
        "return !!document.querySelector(arguments[0]);",
        vec![json!(css)],
    )
    .await;
    c.find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Opens /admin in `c` and signs in with `name` / `password`.
async fn sign_in(c: &Client, base: &str, name: &str, password: &str) {
    c.goto(&format!("{base}/admin/")).await.expect("/admin loads");
    find(c, "#signin-name")
        .await
        .send_keys(name)
        .await
        .expect("types the name");
    find(c, "#signin-password")
        .await
        .send_keys(password)
        .await
        .expect("types the password");
    find(c, "form.signin-card button[type=submit]")
        .await
        .click()
        .await
        .expect("submits");
}

/// The queue item whose comment body contains `text`: its DOM id and status.
async fn item(c: &Client, text: &str) -> (String, String) {
    let got = wait(
        c,
        &format!("the queue shows a comment with {text:?}"),
        "const a = [...document.querySelectorAll('article.item')]
             .find(a => a.querySelector('.comment .body').textContent.includes(arguments[0]));
         return a ? [a.id, a.dataset.status] : null;",
        vec![json!(text)],
    )
    .await;
    (
        got[0].as_str().unwrap_or_default().to_owned(),
        got[1].as_str().unwrap_or_default().to_owned(),
    )
}

async fn wait_status(c: &Client, text: &str, status: &str) {
    wait(
        c,
        &format!("the comment with {text:?} is {status}"),
        "const a = [...document.querySelectorAll('article.item')]
             .find(a => a.querySelector('.comment .body').textContent.includes(arguments[0]));
         return !!a && a.dataset.status === arguments[1];",
        vec![json!(text), json!(status)],
    )
    .await;
}

async fn press(c: &Client, key: char) {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys)
        .await
        .unwrap_or_else(|e| panic!("pressing {key}: {e}"));
}

/// True when the reader's widget shows a comment containing `text`.
async fn reader_sees(h: &Harness, text: &str) -> bool {
    h.widget_html().await.contains(text)
}

#[tokio::test(flavor = "current_thread")]
async fn a_held_comment_appears_for_everyone_once_approved_in_admin() {
    let h = Harness::start_with(&SERVER_ARGS).await;
    h.open_demo().await;
    let thread = h.api_thread().await;
    let parent = thread["comments"][0]["id"]
        .as_str()
        .expect("the demo thread has comments")
        .to_owned();
    let parent_text = thread["comments"][0]["body_html"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    h.seed(move |api| {
        api.post(Post {
            thread: DEMO_KEY,
            parent: Some(&parent),
            body: "A held reply about the bridge",
        });
        api.post(Post {
            thread: DEMO_KEY,
            parent: None,
            body: "A held opinion on the car ban",
        });
    })
    .await;

    h.reload().await;
    assert!(
        !reader_sees(&h, "A held reply").await,
        "another reader sees a held comment"
    );
    assert!(
        !reader_sees(&h, "A held opinion").await,
        "another reader sees a held comment"
    );

    let admin = h.second_browser().await;
    sign_in(&admin, &h.base, "editor", "talkback-demo").await;
    let (reply, status) = item(&admin, "A held reply about the bridge").await;
    assert_eq!(status, "held");
    // The reply is shown under its parent, collapsed.
    let context = wait(
        &admin,
        "the reply's context lists its parent",
        "const ctx = document.getElementById(arguments[0]).querySelector('details.context');
         return ctx ? [ctx.open, ctx.textContent] : null;",
        vec![json!(reply)],
    )
    .await;
    assert_eq!(context[0], json!(false), "the context starts collapsed");
    let first_words: String = parent_text.replace("<p>", "").chars().take(12).collect();
    assert!(
        context[1].as_str().unwrap_or_default().contains(&first_words),
        "the context {context} shows the parent {first_words:?}"
    );

    // By button.
    admin
        .find(fantoccini::Locator::Css(&format!(
            "#{reply} button[data-action=approve]"
        )))
        .await
        .expect("an Approve button")
        .click()
        .await
        .expect("clicks Approve");
    wait_status(&admin, "A held reply about the bridge", "visible").await;

    // By keyboard: newest first, so the opinion is above the reply; a approves it.
    let (opinion, _) = item(&admin, "A held opinion on the car ban").await;
    let order = admin
        .execute(
            "return [...document.querySelectorAll('article.item')].map(a => a.id);",
            vec![],
        )
        .await;
    assert_eq!(
        order.ok().and_then(|o| o[0].as_str().map(str::to_owned)),
        Some(opinion.clone()),
        "newest first"
    );
    find(&admin, "h2#queue-title")
        .await
        .click()
        .await
        .expect("clicks the page");
    // The Approve click left focus on the reply (second); j stays on the last item, k goes up.
    press(&admin, 'j').await;
    wait(
        &admin,
        "j keeps the last item focused",
        "return document.activeElement?.id === arguments[0];",
        vec![json!(reply)],
    )
    .await;
    press(&admin, 'k').await;
    wait(
        &admin,
        "j focuses the first item",
        "return document.activeElement?.id === arguments[0];",
        vec![json!(opinion)],
    )
    .await;
    press(&admin, 'a').await;
    wait_status(&admin, "A held opinion on the car ban", "visible").await;

    // The reader's page, reloaded, shows both.
    h.reload().await;
    h.comment_with("A held reply about the bridge").await;
    h.comment_with("A held opinion on the car ban").await;
    let _ = admin.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn bulk_actions_apply_to_the_selected_comments_only() {
    let h = Harness::start_with(&SERVER_ARGS).await;
    h.seed(|api| {
        for n in 1..=3 {
            api.post(Post {
                thread: DEMO_KEY,
                parent: None,
                body: &format!("Bulk candidate number {n}"),
            });
        }
    })
    .await;
    let admin = h.second_browser().await;
    sign_in(&admin, &h.base, "editor", "talkback-demo").await;
    for n in [1, 3] {
        let (id, _) = item(&admin, &format!("Bulk candidate number {n}")).await;
        admin
            .find(fantoccini::Locator::Css(&format!("#{id} .pick input")))
            .await
            .expect("a checkbox")
            .click()
            .await
            .expect("selects");
    }
    let bar = find(&admin, ".bulk").await;
    assert!(bar.text().await.unwrap_or_default().contains("2 selected"));
    find(&admin, ".bulk button:nth-of-type(1)")
        .await
        .click()
        .await
        .expect("clicks Approve selected");
    wait_status(&admin, "Bulk candidate number 1", "visible").await;
    wait_status(&admin, "Bulk candidate number 3", "visible").await;
    assert_eq!(
        item(&admin, "Bulk candidate number 2").await.1,
        "held",
        "an unselected comment is left alone"
    );
    let live = wait(
        &admin,
        "the result is announced",
        "return document.querySelector('.live')?.textContent;",
        vec![],
    )
    .await;
    assert!(
        live.as_str().unwrap_or_default().contains("2 comments approved"),
        "announced {live}"
    );

    // The thread can be locked from any of its comments; the bans screen lists none yet.
    find(&admin, "article.item button.lock")
        .await
        .click()
        .await
        .expect("clicks Lock thread");
    wait(
        &admin,
        "the lock is announced",
        "return document.querySelector('.live')?.textContent.includes('Thread locked');",
        vec![],
    )
    .await;
    find(&admin, "nav.nav button:nth-of-type(2)")
        .await
        .click()
        .await
        .expect("opens Bans");
    wait(
        &admin,
        "the bans screen shows",
        "return document.querySelector('.bans .empty')?.textContent;",
        vec![],
    )
    .await;

    h.open_demo().await;
    h.comment_with("Bulk candidate number 1").await;
    h.comment_with("Bulk candidate number 3").await;
    assert!(
        !reader_sees(&h, "Bulk candidate number 2").await,
        "the unselected comment is still held"
    );
    let _ = admin.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_wrong_password_is_refused_with_a_message() {
    let h = Harness::start_with(&SERVER_ARGS).await;
    sign_in(&h.client, &h.base, "editor", "not-the-password").await;
    let said = wait(
        &h.client,
        "the form shows why",
        "const t = document.querySelector('#signin-error')?.textContent; return t ? t : null;",
        vec![],
    )
    .await;
    assert!(!said.as_str().unwrap_or_default().is_empty());
    assert!(
        h.client
            .find(fantoccini::Locator::Css("#signin-password"))
            .await
            .is_ok(),
        "still on the form"
    );
    // The page is served with a strict policy.
    let csp = h
        .client
        .execute_async(
            "const done = arguments[0]; fetch('/admin/').then(r => done(r.headers.get('content-security-policy')));",
            vec![],
        )
        .await
        .unwrap_or(Json::Null);
    assert!(
        csp.as_str().unwrap_or_default().contains("frame-ancestors 'none'"),
        "CSP {csp}"
    );
}

/// Replaces the value of the input `css` with `text`, as a person selecting it and typing would.
async fn fill(c: &Client, css: &str, text: &str) {
    let field = find(c, css).await;
    c.execute(
        "const i = document.querySelector(arguments[0]); i.value = '';
         i.dispatchEvent(new Event('input', {bubbles: true})); return null;",
        vec![json!(css)],
    )
    .await
    .expect("empties the field");
    field.send_keys(text).await.unwrap_or_else(|e| panic!("types into {css}: {e}"));
}

async fn click(c: &Client, css: &str) {
    find(c, css).await.click().await.unwrap_or_else(|e| panic!("clicks {css}: {e}"));
}

/// Opens the Bans screen of a signed-in /admin page.
async fn open_bans(c: &Client) {
    click(c, "nav.nav button:nth-of-type(2)").await;
    find(c, "form.range-form").await;
}

/// Types `body` into the reader's top-level form and clicks Post.
async fn reader_posts(h: &Harness, body: &str) {
    h.top_form("textarea[name=body]").await.send_keys(body).await.expect("types the comment");
    h.top_form("button[type=submit]").await.click().await.expect("clicks Post comment");
}

#[tokio::test(flavor = "current_thread")]
async fn an_address_range_banned_by_hand_cannot_post_until_lifted() {
    let h = Harness::start_with(&["--demo-moderator"]).await;
    let admin = h.second_browser().await;
    sign_in(&admin, &h.base, "editor", "talkback-demo").await;
    open_bans(&admin).await;

    // A prefix longer than the address is explained next to the field, and nothing is sent.
    fill(&admin, "#ban-range", "10.0.0.0/33").await;
    click(&admin, "form.range-form button[type=submit]").await;
    let said = wait(
        &admin,
        "the form explains the bad range",
        "const e = document.getElementById('ban-range-error').textContent;
         return e && document.getElementById('ban-range').getAttribute('aria-invalid') === 'true' ? e : null;",
        vec![],
    )
    .await;
    assert!(said.as_str().unwrap_or_default().starts_with("10.0.0.0/33 is not a range"), "{said}");

    // The test's browsers reach the server from 127.0.0.1.
    fill(&admin, "#ban-range", "127.0.0.0/8").await;
    admin
        .execute(
            "const s = document.getElementById('ban-length'); s.value = '0';
             s.dispatchEvent(new Event('change', {bubbles: true})); return null;",
            vec![],
        )
        .await
        .expect("chooses 1 hour");
    fill(&admin, "#ban-reason", "flood from the test network").await;
    click(&admin, "form.range-form button[type=submit]").await;
    let row = wait(
        &admin,
        "the new ban is listed",
        "const r = document.querySelector('li.ban-row[data-range=\"127.0.0.0/8\"]'); return r ? r.textContent : null;",
        vec![],
    )
    .await;
    let row = row.as_str().unwrap_or_default();
    assert!(row.contains("Addresses 127.0.0.0/8") && row.contains("flood from the test network"), "{row}");
    assert!(row.contains("until"), "a 1-hour ban says until when: {row}");
    let error = admin.execute("return document.getElementById('ban-range-error').textContent;", vec![]).await;
    assert_eq!(error.ok(), Some(json!("")), "the earlier complaint is gone");

    h.open_demo().await;
    let body = "Posted from a banned network.";
    reader_posts(&h, body).await;
    let refusal = h
        .wait_js(
            "the reader's form says they are banned",
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form?.querySelector('.tb-form-error')?.textContent || null;",
            vec![],
        )
        .await;
    assert!(refusal.as_str().unwrap_or_default().contains("stopped you from posting"), "{refusal}");

    click(&admin, "li.ban-row[data-range=\"127.0.0.0/8\"] button").await;
    wait(
        &admin,
        "the ban is lifted and leaves the list",
        "return !document.querySelector('li.ban-row[data-range=\"127.0.0.0/8\"]')
             && document.querySelector('.live')?.textContent.includes('Ban lifted');",
        vec![],
    )
    .await;
    // The draft was kept; posting it again now works.
    h.top_form("button[type=submit]").await.click().await.expect("clicks Post comment again");
    h.comment_with(body).await;
    let _ = admin.close().await;
}

/// One request to the server as a client at `ip` (the server runs with `--trust-proxy`, so it
/// takes the address from `X-Forwarded-For`); returns the status and the body.
fn request_from(base: &str, ip: &str, method: &str, path: &str, token: Option<&str>, body: Option<Json>) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Forwarded-For: {ip}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        payload.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(payload.as_bytes())).expect("sends the request");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("reads the answer");
    let (headers, content) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, content.to_owned())
}

#[tokio::test(flavor = "current_thread")]
async fn ranges_farming_reader_tokens_are_listed_and_banned_in_one_click() {
    let h = Harness::start_with(&[
        "--demo-moderator",
        "--trust-proxy",
        "--rate-limits",
        "on",
        "--new-readers-per-hour",
        "3",
    ])
    .await;
    let base = h.base.clone();
    // Five new tokens from one /24 (two refused), one from another network (under half the ceiling).
    let statuses = tokio::task::spawn_blocking(move || {
        let mut got: Vec<u16> =
            (1..=5).map(|i| request_from(&base, &format!("203.0.113.{i}"), "POST", "/api/v1/readers", None, None).0).collect();
        got.push(request_from(&base, "192.0.2.1", "POST", "/api/v1/readers", None, None).0);
        got
    })
    .await
    .expect("asks for tokens");
    assert_eq!(statuses, [201, 201, 201, 429, 429, 201]);

    let admin = h.second_browser().await;
    sign_in(&admin, &h.base, "editor", "talkback-demo").await;
    open_bans(&admin).await;
    let row = r#"ul.farm-list li[data-range="203.0.113.0/24"]"#;
    let shown = wait(
        &admin,
        "the farming range is listed",
        "return document.querySelector(arguments[0])?.textContent ?? null;",
        vec![json!(row)],
    )
    .await;
    let shown = shown.as_str().unwrap_or_default();
    assert!(shown.contains("Over the ceiling"), "{shown}");
    assert!(shown.contains("5 new reader tokens this hour · 2 refused today"), "{shown}");
    let listed = admin
        .execute("return [...document.querySelectorAll('ul.farm-list li')].map(r => r.dataset.range);", vec![])
        .await
        .expect("reads the rows");
    assert_eq!(listed, json!(["203.0.113.0/24"]), "a range with one token is not listed");

    click(&admin, &format!("{row} button")).await;
    wait(
        &admin,
        "the range is banned and listed among the bans",
        "return !!document.querySelector('li.ban-row[data-range=\"203.0.113.0/24\"]')
             && document.querySelector(arguments[0] + ' button').disabled
             && document.querySelector(arguments[0] + ' button').textContent.includes('Banned');",
        vec![json!(row)],
    )
    .await;

    // A reader from that range can no longer post; one from elsewhere still can.
    let base = h.base.clone();
    let (farm, elsewhere) = tokio::task::spawn_blocking(move || {
        let (_, reader) = request_from(&base, "198.51.100.4", "POST", "/api/v1/readers", None, None);
        let token: Json = serde_json::from_str(&reader).expect("a reader token");
        let token = token["token"].as_str().expect("token").to_owned();
        let post = |ip: &str, body: &str| {
            request_from(&base, ip, "POST", "/api/v1/comments", Some(&token), Some(json!({"thread": DEMO_KEY, "body": body})))
        };
        (post("203.0.113.9", "From the farm"), post("198.51.100.4", "From a neighbour"))
    })
    .await
    .expect("posts");
    assert_eq!(farm.0, 403, "{}", farm.1);
    assert!(farm.1.contains("banned"), "{}", farm.1);
    assert_eq!(elsewhere.0, 201, "{}", elsewhere.1);
    let _ = admin.close().await;
}

/// The bodies of the comments the queue lists, top to bottom.
async fn queue_bodies(c: &Client) -> Vec<String> {
    let got = c
        .execute(
            "return [...document.querySelectorAll('article.item .comment .body')].map(b => b.textContent.trim());",
            vec![],
        )
        .await
        .expect("reads the queue");
    serde_json::from_value(got).unwrap_or_default()
}

/// Types `author` into the queue's author filter and presses Apply, then waits for `want`.
async fn filter_by_author(c: &Client, author: &str, want: &[&str]) {
    fill(c, "form.narrow input[name=author]", author).await;
    click(c, "form.narrow button[type=submit]").await;
    let want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
    let started = Instant::now();
    loop {
        let got = queue_bodies(c).await;
        if got == want {
            return;
        }
        assert!(started.elapsed() < TIMEOUT, "filtered by {author:?}, the queue shows {got:?}, not {want:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_queue_narrows_to_one_author_and_back() {
    let h = Harness::start_with(&SERVER_ARGS).await;
    let base = h.base.clone();
    tokio::task::spawn_blocking(move || {
        let reader = || {
            let (_, r) = request_from(&base, "127.0.0.1", "POST", "/api/v1/readers", None, None);
            let r: Json = serde_json::from_str(&r).expect("a reader token");
            r["token"].as_str().expect("token").to_owned()
        };
        let (ada, bob) = (reader(), reader());
        // Oldest first, so the queue (newest first) lists them in reverse.
        for (token, author, body) in [
            (&ada, "Ada Quill", "Ada on the bridge"),
            (&bob, "Bob Stone", "Bob on the bridge"),
            (&ada, "Ada Quill", "Ada once more"),
        ] {
            let (status, answer) = request_from(
                &base,
                "127.0.0.1",
                "POST",
                "/api/v1/comments",
                Some(token),
                Some(json!({"thread": DEMO_KEY, "body": body, "author": author})),
            );
            assert_eq!(status, 201, "{answer}");
        }
    })
    .await
    .expect("posts as two authors");

    let admin = h.second_browser().await;
    sign_in(&admin, &h.base, "editor", "talkback-demo").await;
    item(&admin, "Ada once more").await;
    assert_eq!(queue_bodies(&admin).await, ["Ada once more", "Bob on the bridge", "Ada on the bridge"]);
    filter_by_author(&admin, "Ada Quill", &["Ada once more", "Ada on the bridge"]).await;
    filter_by_author(&admin, "Bob Stone", &["Bob on the bridge"]).await;
    // The filter stays while switching views.
    click(&admin, ".filters button:nth-of-type(4)").await;
    wait(
        &admin,
        "the All view is chosen",
        "return document.querySelector('.filters button:nth-of-type(4)').getAttribute('aria-pressed') === 'true';",
        vec![],
    )
    .await;
    filter_by_author(&admin, "Bob Stone", &["Bob on the bridge"]).await;
    filter_by_author(&admin, "Nobody Here", &[]).await;
    wait(
        &admin,
        "an empty result says so",
        "return document.querySelector('.queue .empty')?.textContent.includes('Nothing here') ?? false;",
        vec![],
    )
    .await;
    // Empty means everyone again (still the All view, so the demo's comments come back too).
    fill(&admin, "form.narrow input[name=author]", "").await;
    click(&admin, "form.narrow button[type=submit]").await;
    wait(
        &admin,
        "the queue lists every author again",
        "const b = [...document.querySelectorAll('article.item .comment .body')].map(b => b.textContent);
         return b.length > 3 && b.some(t => t.includes('Ada')) && b.some(t => t.includes('Bob'));",
        vec![],
    )
    .await;
    let _ = admin.close().await;
}

async fn axe_violations(c: &Client) -> Json {
    support::axe::violations(c).await
}

async fn assert_accessible(c: &Client, view: &str) {
    let violations = axe_violations(c).await;
    assert_eq!(violations, json!([]), "axe-core violations on /admin's {view}");
}

#[tokio::test(flavor = "current_thread")]
async fn axe_finds_no_violations_on_any_admin_view() {
    let h = Harness::start_with(&[
        "--moderation",
        "pre",
        "--demo-moderator",
        "--trust-proxy",
        "--rate-limits",
        "on",
        "--new-readers-per-hour",
        "2",
    ])
    .await;
    let base = h.base.clone();
    tokio::task::spawn_blocking(move || {
        for i in 1..=3 {
            request_from(&base, &format!("203.0.113.{i}"), "POST", "/api/v1/readers", None, None);
        }
    })
    .await
    .expect("farms some tokens");
    h.open_demo().await;
    let parent = h.api_thread().await["comments"][0]["id"].as_str().expect("the demo has comments").to_owned();
    h.seed(move |api| {
        api.post(Post { thread: DEMO_KEY, parent: Some(&parent), body: "A held reply with **bold** words" });
    })
    .await;
    let c = &h.client;

    // Sign-in, empty and after a refusal.
    c.goto(&format!("{}/admin/", h.base)).await.expect("/admin loads");
    find(c, "#signin-name").await;
    assert_accessible(c, "sign-in form").await;
    sign_in(c, &h.base, "editor", "wrong password").await;
    wait(c, "the refusal shows", "return !!document.querySelector('#signin-error')?.textContent;", vec![]).await;
    assert_accessible(c, "sign-in form with its error").await;

    // The queue, with the shortcut help, the context and a selection open.
    sign_in(c, &h.base, "editor", "talkback-demo").await;
    let (id, _) = item(c, "A held reply").await;
    click(c, &format!("#{id} details.context summary")).await;
    click(c, &format!("#{id} .pick input")).await;
    find(c, ".bulk").await;
    // The shortcut list too ('?' outside any field).
    find(c, "h2#queue-title").await.click().await.expect("clicks the page");
    press(c, '?').await;
    find(c, ".help[role=dialog]").await;
    assert_accessible(c, "queue").await;
    click(c, ".filters button:nth-of-type(4)").await;
    wait(c, "the All view lists the demo", "return document.querySelectorAll('article.item').length > 5;", vec![]).await;
    assert_accessible(c, "queue (All)").await;

    // Bans: the form with a complaint, the farming list, a ban in force.
    open_bans(c).await;
    find(c, "ul.farm-list li").await;
    fill(c, "#ban-range", "198.51.100.0/24").await;
    click(c, "form.range-form button[type=submit]").await;
    find(c, "li.ban-row").await;
    fill(c, "#ban-range", "10.0.0.0/33").await;
    click(c, "form.range-form button[type=submit]").await;
    wait(c, "the complaint shows", "return !!document.getElementById('ban-range-error').textContent;", vec![]).await;
    assert_accessible(c, "bans").await;

    click(c, "nav.nav button:nth-of-type(3)").await;
    find(c, ".audit table tbody tr").await;
    assert_accessible(c, "audit log").await;

    click(c, "nav.nav button:nth-of-type(4)").await;
    find(c, ".settings input[type=radio]").await;
    assert_accessible(c, "settings").await;

    // The check can fail: a nameless button is reported.
    c.execute("document.querySelector('main').append(document.createElement('button')); return null;", vec![])
        .await
        .expect("adds a nameless button");
    let violations = axe_violations(c).await;
    assert!(violations.to_string().contains("button-name"), "{violations}");
}

/// (file name, viewport width, viewport height)
const SHOTS: &[(&str, u32, u32)] = &[("admin-desktop.png", 1200, 1100), ("admin-mobile.png", 360, 1100)];

#[tokio::test(flavor = "current_thread")]
#[ignore = "writes admin-*.png into TALKBACK_SCREENSHOT_DIR, for looking at the page"]
async fn screenshots_of_the_queue() {
    let dir = std::env::var_os("TALKBACK_SCREENSHOT_DIR")
        .map(std::path::PathBuf::from)
        .expect("TALKBACK_SCREENSHOT_DIR");
    let h = Harness::start_with(&[
        "--moderation",
        "pre",
        "--demo-moderator",
        "--trust-proxy",
        "--rate-limits",
        "on",
        "--new-readers-per-hour",
        "3",
    ])
    .await;
    let base = h.base.clone();
    tokio::task::spawn_blocking(move || {
        for i in 1..=7 {
            request_from(&base, &format!("203.0.113.{i}"), "POST", "/api/v1/readers", None, None);
        }
        for i in 1..=2 {
            request_from(&base, &format!("2001:db8:aa:bb00::{i}"), "POST", "/api/v1/readers", None, None);
        }
    })
    .await
    .expect("farms some tokens");
    h.open_demo().await;
    let thread = h.api_thread().await;
    let parent = thread["comments"][0]["id"]
        .as_str()
        .expect("the demo thread has comments")
        .to_owned();
    h.seed(move |api| {
        api.post(Post {
            thread: DEMO_KEY,
            parent: Some(&parent),
            body: "I cycle over the bridge every day and the **car ban** made it much calmer. Keep it.",
        });
        api.post(Post {
            thread: DEMO_KEY,
            parent: None,
            body: "Cheap watches at example dot com, best prices!!!",
        });
    })
    .await;
    sign_in(&h.client, &h.base, "editor", "talkback-demo").await;
    item(&h.client, "Cheap watches").await;
    h.client
        .execute(
            "document.querySelector('details.context').open = true; return null;",
            vec![],
        )
        .await
        .ok();
    let (id, _) = item(&h.client, "Cheap watches").await;
    h.client
        .find(fantoccini::Locator::Css(&format!("#{id} .pick input")))
        .await
        .expect("checkbox")
        .click()
        .await
        .ok();
    for &(name, width, height) in SHOTS {
        h.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
        tokio::time::sleep(Duration::from_millis(400)).await;
        h.client
            .execute("window.scrollTo(0, 0); return null;", vec![])
            .await
            .ok();
        let png = h.client.screenshot().await.expect("take a screenshot");
        std::fs::write(dir.join(name), png).expect("write the screenshot");
    }
    // The Bans screen with a range ban in force and a mistake being explained.
    open_bans(&h.client).await;
    fill(&h.client, "#ban-range", "198.51.100.0/24").await;
    fill(&h.client, "#ban-reason", "vote flood").await;
    click(&h.client, "form.range-form button[type=submit]").await;
    find(&h.client, "li.ban-row").await;
    fill(&h.client, "#ban-range", "10.0.0.0/33").await;
    click(&h.client, "form.range-form button[type=submit]").await;
    for &(name, width, height) in SHOTS {
        h.client.set_window_size(width, height).await.expect("resize the window");
        tokio::time::sleep(Duration::from_millis(400)).await;
        h.client.execute("window.scrollTo(0, 0); return null;", vec![]).await.ok();
        let png = h.client.screenshot().await.expect("take a screenshot");
        std::fs::write(dir.join(name.replace("admin-", "admin-bans-")), png).expect("write the screenshot");
    }
}
