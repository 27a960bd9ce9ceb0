//! Several server instances on one PostgreSQL, as behind a load balancer: a reader whose page
//! talks to one instance sees, live, what another reader posts through the other instance.
//!
//! Run through `cargo xtask test`, which installs PostgreSQL and builds what this needs.

#[allow(dead_code)]
mod support;

use std::time::Duration;

use fantoccini::elements::{Element, ElementRef};
use serde_json::{Value as Json, json};
use support::Harness;
use support::api::{Api, Post};

/// WebDriver's key for element references in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The thread of `tests/pages/thread.html`.
const THREAD: &str = "e2e-thread";

/// Runs `work` as a fresh API reader of the instance at `base`.
async fn as_reader<T: Send + 'static>(base: &str, work: impl FnOnce(&Api) -> T + Send + 'static) -> T {
    let base = base.to_owned();
    tokio::task::spawn_blocking(move || work(&Api::new_reader(&base))).await.expect("the API call ran")
}

#[tokio::test]
async fn what_one_instance_takes_in_appears_live_on_a_page_of_the_other() {
    let db = talkback_pgtest::database();
    let mut h = Harness::start_on(&db, &[]).await;
    let a = h.base.clone();
    let b = h.another_instance();
    let parent = as_reader(&a, |api| api.post(Post { thread: THREAD, parent: None, body: "The parent, via A" })).await;

    // The page under test is served by instance B, so its widget reads and listens there.
    h.client.goto(&format!("{b}/thread.html")).await.expect("instance B serves the page");
    h.scroll_to_widget().await;
    h.wait_js_eq(
        "the page's live connection to instance B is open",
        "return root?.querySelector('.tb-root')?.dataset.live ?? null;",
        vec![],
        json!("open"),
    )
    .await;
    h.comment_with("The parent, via A").await;

    // A second reader, on a page served by instance A, replies through the widget.
    let second = h.second_browser().await;
    second.goto(&format!("{a}/thread.html")).await.expect("instance A serves the page");
    let find_reply = "const root = document.querySelector('#talkback')?.shadowRoot;
        const art = root?.getElementById('comment-' + arguments[0]);
        const own = art && [...art.querySelectorAll('button.tb-reply')].find(b => b.closest('article') === art);
        if (own) own.scrollIntoView();
        return own ?? null;";
    let reply_button = wait_for(&second, find_reply, vec![json!(parent)], "the second page shows Reply").await;
    element(&second, &reply_button).click().await.expect("click Reply on instance A's page");
    let find_form = "const root = document.querySelector('#talkback').shadowRoot;
        const art = root.getElementById('comment-' + arguments[0]);
        const form = art && [...art.querySelectorAll('form.tb-form')].find(f => f.closest('article') === art);
        return form ? [form.querySelector('textarea[name=body]'), form.querySelector('button[type=submit]')] : null;";
    let form = wait_for(&second, find_form, vec![json!(parent)], "the reply form opens").await;
    element(&second, &form[0]).send_keys("A reply, posted through instance A").await.expect("type the reply");
    element(&second, &form[1]).click().await.expect("post the reply");

    // It appears in place under its parent on the page connected to instance B, without a reload.
    let shown = h.comment_with("A reply, posted through instance A").await;
    assert_eq!(shown.parent.as_deref(), Some(format!("comment-{parent}").as_str()));
    assert_eq!(shown.depth, 1);

    // And a new top-level comment posted through A waits behind B's page's "new comments" pill.
    as_reader(&a, |api| api.post(Post { thread: THREAD, parent: None, body: "Top-level, via A" })).await;
    h.wait_js_eq(
        "instance B's page offers the comment behind its pill",
        "return root.querySelector('.tb-new-comments')?.textContent.trim() ?? null;",
        vec![],
        json!("1 new comment"),
    )
    .await;
    second.close().await.expect("close the second browser");
}

/// Polls `script` in `client` until it returns something other than null.
async fn wait_for(client: &fantoccini::Client, script: &str, args: Vec<Json>, what: &str) -> Json {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = client.execute(script, args.clone()).await.expect("run a script in the page");
        if !found.is_null() {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn element(client: &fantoccini::Client, value: &Json) -> Element {
    let id = value.get(ELEMENT_KEY).and_then(Json::as_str).expect("an element reference");
    Element::from_element_id(client.clone(), ElementRef::from(id.to_owned()))
}
