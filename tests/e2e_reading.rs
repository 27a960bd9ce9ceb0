//! End-to-end tests of reading a thread: sort order, paging through a 1,000-comment thread,
//! collapsing, and permalinks to comments that are deep and far down.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value as Json, json};
use std::collections::HashSet;
use support::api::{Api, Post};
use support::{DEMO_KEY, Harness};

/// The test page whose thread the tests fill through the API (tests/pages/thread.html).
const THREAD_PAGE: &str = "/thread.html";
/// Its `data-thread`.
const THREAD_KEY: &str = "e2e-thread";

/// Ids of the comments shown at the top of the view (not inside another comment), in order.
const TOP_LEVEL_JS: &str = "const top = [...root.querySelectorAll('article.tb-comment')]
    .filter(a => !a.parentElement.closest('article'));";

/// Top-level ids of the API's first page of `key` in `sort` order.
fn api_top_level(api: &Api, key: &str, sort: &str) -> Vec<String> {
    let page = api.thread(key, sort, 100);
    let comments = page["comments"].as_array().unwrap_or_else(|| panic!("no comments in {page}"));
    comments.iter().filter(|c| c["parent_id"].is_null()).filter_map(|c| c["id"].as_str().map(str::to_owned)).collect()
}

/// Waits until the top-level comments the widget shows are the first ones of `want`, in order.
async fn wait_top_level(h: &Harness, want: &[String], when: &str) {
    h.wait_js_eq(
        &format!("{when}: the top-level comments are a prefix of the server's order {want:?}"),
        &format!(
            "{TOP_LEVEL_JS}
             const ids = top.map(a => a.id.replace(/^comment-/, ''));
             if (ids.length === 0) return 'nothing shown';
             return ids.every((id, i) => id === arguments[0][i]) ? 'in order' : ids;"
        ),
        vec![json!(want)],
        json!("in order"),
    )
    .await;
}

/// The sort menu's current value.
async fn sort_value(h: &Harness) -> String {
    let select = h.widget("select.tb-sort").await;
    select.prop("value").await.expect("read the sort menu").unwrap_or_default()
}

#[tokio::test]
async fn the_chosen_sort_order_is_applied_and_remembered_after_a_reload() {
    let h = Harness::start().await;
    h.open_demo().await;
    let orders = h.seed(|api| ["best", "newest", "oldest"].map(|sort| api_top_level(api, DEMO_KEY, sort))).await;
    let [best, newest, oldest] = &orders;
    assert_ne!(best, newest, "the demo thread's best and newest orders differ, or this test proves nothing");
    assert_ne!(newest, oldest, "the demo thread has comments at different times");

    let labels = h
        .js(
            "return [...root.querySelectorAll('select.tb-sort option')].map(o => [o.value, o.textContent.trim()]);",
            vec![],
        )
        .await;
    assert_eq!(labels, json!([["best", "Best"], ["newest", "Newest"], ["oldest", "Oldest"]]));
    assert_eq!(sort_value(&h).await, "best", "a new reader sees the best comments first");
    wait_top_level(&h, best, "by default").await;

    h.widget("select.tb-sort").await.select_by_value("newest").await.expect("choose Newest");
    wait_top_level(&h, newest, "after choosing Newest").await;
    let times = h
        .js(
            &format!(
                "{TOP_LEVEL_JS} return top.map(a => Date.parse(a.querySelector('time').getAttribute('datetime')));"
            ),
            vec![],
        )
        .await;
    let times: Vec<i64> = times.as_array().expect("times").iter().filter_map(Json::as_i64).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first means falling times: {times:?}");

    h.reload().await;
    assert_eq!(sort_value(&h).await, "newest", "the choice survives a reload");
    wait_top_level(&h, newest, "after reloading").await;
    let stored = h.js("return localStorage.getItem('talkback.sort');", vec![]).await;
    assert_eq!(stored, json!("newest"));

    h.widget("select.tb-sort").await.select_by_value("oldest").await.expect("choose Oldest");
    wait_top_level(&h, oldest, "after choosing Oldest").await;
}

#[tokio::test]
async fn data_sort_presets_the_order_but_the_readers_choice_wins() {
    let h = Harness::start().await;
    h.open("/oldest-first.html").await;
    let [oldest, newest] = h.seed(|api| ["oldest", "newest"].map(|sort| api_top_level(api, DEMO_KEY, sort))).await;
    assert_eq!(sort_value(&h).await, "oldest", "data-sort=\"oldest\" presets the menu");
    wait_top_level(&h, &oldest, "with data-sort=\"oldest\"").await;

    h.widget("select.tb-sort").await.select_by_value("newest").await.expect("choose Newest");
    wait_top_level(&h, &newest, "after choosing Newest").await;
    h.reload().await;
    assert_eq!(sort_value(&h).await, "newest", "the reader's remembered choice beats data-sort");
    wait_top_level(&h, &newest, "after reloading").await;
}

/// What the widget shows of the big thread: top-level ids, ids of the first comment's direct
/// replies, every article id, and the texts of the two paging buttons (null when absent).
async fn big_thread_state(h: &Harness, first: &str) -> Json {
    h.js(
        &format!(
            "{TOP_LEVEL_JS}
             const first = root.getElementById('comment-' + arguments[0]);
             const all = [...root.querySelectorAll('article.tb-comment')];
             const replies = all.filter(a => a.parentElement.closest('article') === first);
             const own = sel => first && [...first.querySelectorAll(sel)].find(el => el.closest('article') === first);
             const more = root.querySelector('button.tb-more-comments');
             return {{
                 top: top.map(a => a.id), replies: replies.map(a => a.id), all: all.map(a => a.id),
                 replyTexts: replies.map(a => a.querySelector('.tb-body').textContent.trim()),
                 moreReplies: own('button.tb-more-replies')?.textContent.trim() ?? null,
                 moreComments: more ? more.textContent.trim() : null,
             }};"
        ),
        vec![json!(first)],
    )
    .await
}

fn strings(v: &Json) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn assert_unique(ids: &[String], when: &str) {
    let mut seen = HashSet::new();
    let twice: Vec<&String> = ids.iter().filter(|id| !seen.insert(*id)).collect();
    assert!(twice.is_empty(), "{when}: comments shown twice: {twice:?}");
}

#[tokio::test]
async fn a_thousand_comment_thread_pages_in_replies_and_top_level_comments_without_duplicates() {
    const REPLIES: usize = 150;
    const OTHERS: usize = 849;
    let h = Harness::start().await;
    let base = h.base.clone();
    let first = h
        .seed(move |api| {
            let first = api.post(Post { thread: THREAD_KEY, parent: None, body: "The first comment, much answered." });
            for i in 1..=REPLIES {
                let body = format!("Reply {i} to the first comment.");
                api.post(Post { thread: THREAD_KEY, parent: Some(&first), body: &body });
            }
            for i in 1..=OTHERS {
                let body = format!("Top-level comment {i}.");
                api.post(Post { thread: THREAD_KEY, parent: None, body: &body });
            }
            // One up vote (by another reader: nobody can vote on their own comment) ranks it
            // first under Best, so it is on the first page.
            Api::new_reader(&base).vote(&first, 1);
            first
        })
        .await;
    h.open(THREAD_PAGE).await;
    h.comment_with("The first comment, much answered.").await;

    let count = h.widget(".tb-count").await.text().await.expect("header text");
    let digits: String = count.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits, "1000", "header says {count:?}");

    // Show more replies until all are shown.
    let mut state = big_thread_state(&h, &first).await;
    let mut shown = strings(&state["replies"]).len();
    assert!(shown > 0 && shown < REPLIES, "the first page shows some of the {REPLIES} replies, not {shown}");
    let mut clicks = 0;
    while shown < REPLIES {
        let want = format!("Show {} more replies", REPLIES - shown);
        assert_eq!(state["moreReplies"], json!(want), "with {shown} of {REPLIES} replies shown");
        h.own(&first, "button.tb-more-replies").await.click().await.expect("click Show more replies");
        clicks += 1;
        assert!(clicks <= REPLIES, "clicking Show more replies never shows them all");
        h.wait_js(
            "more replies are shown",
            "const first = root.getElementById('comment-' + arguments[0]);
             return [...root.querySelectorAll('article.tb-comment')]
                 .filter(a => a.parentElement.closest('article') === first).length > arguments[1];",
            vec![json!(first), json!(shown)],
        )
        .await;
        state = big_thread_state(&h, &first).await;
        assert_unique(&strings(&state["all"]), "after Show more replies");
        shown = strings(&state["replies"]).len();
    }
    assert_eq!(shown, REPLIES);
    assert_eq!(state["moreReplies"], Json::Null, "no Show more replies once all are shown");
    let texts: HashSet<String> = strings(&state["replyTexts"]).into_iter().collect();
    let expected: HashSet<String> = (1..=REPLIES).map(|i| format!("Reply {i} to the first comment.")).collect();
    assert_eq!(texts, expected, "every reply is shown once");

    // Load more comments twice.
    for _ in 0..2 {
        let before = strings(&state["top"]);
        assert!(before.len() < OTHERS + 1, "the first pages do not hold all top-level comments");
        assert_eq!(state["moreComments"], json!("Load more comments"));
        h.widget("button.tb-more-comments").await.click().await.expect("click Load more comments");
        h.wait_js(
            "more top-level comments are shown",
            &format!("{TOP_LEVEL_JS} return top.length > arguments[0];"),
            vec![json!(before.len())],
        )
        .await;
        state = big_thread_state(&h, &first).await;
        let after = strings(&state["top"]);
        assert_eq!(after[..before.len()], before[..], "loaded comments are added after the ones shown");
        assert_unique(&strings(&state["all"]), "after Load more comments");
    }

    let fetched = h
        .js(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name))
                 .filter(u => u.pathname.startsWith('/api/')).map(u => u.pathname + u.search);",
            vec![],
        )
        .await;
    let fetched = strings(&fetched);
    assert_unique(&fetched, "requests to the API");
}

/// A comment's collapse state: aria-expanded, collapsed class, own body shown, loaded descendants
/// shown, summary text (whitespace folded).
const COLLAPSE_STATE_JS: &str = "const art = root.getElementById('comment-' + arguments[0]);
    const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
    const summary = own('.tb-collapsed-summary');
    return [own('button.tb-collapse')?.getAttribute('aria-expanded') ?? 'no button',
            art.classList.contains('tb-collapsed'), !!own('.tb-body'),
            art.querySelectorAll('article.tb-comment').length,
            summary ? summary.textContent.replace(/\\s+/g, ' ').trim() : null];";

async fn wait_collapse(h: &Harness, id: &str, want: &Json, when: &str) {
    let what = format!("{when}: comment {id} shows [aria-expanded, collapsed, body, replies, summary]");
    h.wait_js_eq(&what, COLLAPSE_STATE_JS, vec![json!(id)], want.clone()).await;
}

#[tokio::test]
async fn a_comment_collapses_with_its_replies_and_expands_from_the_keyboard() {
    let h = Harness::start().await;
    h.open_demo().await;
    // A top-level comment with a few replies, none of them deleted (so "N replies" is unambiguous).
    let found = h
        .js(
            "const art = [...root.querySelectorAll('article.tb-comment[data-depth=\"0\"]:not(.tb-deleted)')]
                 .find(a => a.querySelectorAll('article.tb-comment').length >= 2
                     && !a.querySelector('article.tb-deleted'));
             return art ? [art.id.replace(/^comment-/, ''), art.querySelector('.tb-author').textContent.trim(),
                           art.querySelectorAll('article.tb-comment').length] : null;",
            vec![],
        )
        .await;
    let id = found[0].as_str().expect("the demo has a top-level comment with replies").to_owned();
    let author = found[1].as_str().unwrap_or_default().to_owned();
    let n = found[2].as_u64().expect("reply count");

    let expanded = json!(["true", false, true, n, null]);
    wait_collapse(&h, &id, &expanded, "at first").await;
    let button = h.own(&id, "button.tb-collapse").await;
    let label = button.attr("aria-label").await.expect("read aria-label").unwrap_or_default();
    assert!(!label.trim().is_empty(), "the collapse button has an aria-label");

    button.click().await.expect("click collapse");
    let summary = format!("{author} · {n} replies hidden");
    let collapsed = json!(["false", true, false, 0, summary]);
    wait_collapse(&h, &id, &collapsed, "after clicking collapse").await;

    // Keyboard: focus the button and press Enter.
    h.js(
        "const art = root.getElementById('comment-' + arguments[0]);
         [...art.querySelectorAll('button.tb-collapse')].find(b => b.closest('article') === art).focus();
         return null;",
        vec![json!(id)],
    )
    .await;
    let focused = h.js("return root.activeElement?.classList.contains('tb-collapse') ?? false;", vec![]).await;
    assert_eq!(focused, json!(true), "the collapse button takes keyboard focus");
    let enter = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: Key::Enter.into() })
        .then(KeyAction::Up { value: Key::Enter.into() });
    h.client.perform_actions(enter).await.expect("press Enter");
    wait_collapse(&h, &id, &expanded, "after pressing Enter on the collapse button").await;
}

#[tokio::test]
async fn a_permalink_to_a_comment_eight_levels_deep_and_off_the_first_page_shows_and_highlights_it() {
    let h = Harness::start().await;
    let (chain, first_page) = h
        .seed(|api| {
            // The argument starts first, so later top-level comments push it off the first page
            // (with no votes, Best puts newer comments first).
            let mut chain =
                vec![api.post(Post { thread: THREAD_KEY, parent: None, body: "Start of a long argument." })];
            for depth in 1..=8 {
                let body = format!("Level {depth} of the argument.");
                let parent = chain.last().cloned();
                chain.push(api.post(Post { thread: THREAD_KEY, parent: parent.as_deref(), body: &body }));
            }
            for i in 1..=110 {
                let body = format!("A later comment, number {i}.");
                api.post(Post { thread: THREAD_KEY, parent: None, body: &body });
            }
            (chain, api_top_level(api, THREAD_KEY, "best"))
        })
        .await;
    assert!(!first_page.contains(&chain[0]), "the argument is not on the first page, or this test proves nothing");
    let (target, parent) = (&chain[8], &chain[7]);

    h.open(&format!("{THREAD_PAGE}#comment-{target}")).await;
    let shown = h.comment_with("Level 8 of the argument.").await;
    assert_eq!(shown.id, *target);
    assert_eq!(shown.parent.as_deref(), Some(format!("comment-{parent}").as_str()), "it is shown under its parent");
    h.wait_js(
        "the linked comment is highlighted",
        "return root.getElementById('comment-' + arguments[0])?.classList.contains('tb-highlight');",
        vec![json!(target)],
    )
    .await;
    h.wait_js(
        "the linked comment is scrolled into view",
        "const r = root.getElementById('comment-' + arguments[0]).getBoundingClientRect();
         return r.height > 0 && r.top >= 0 && r.top < window.innerHeight;",
        vec![json!(target)],
    )
    .await;
}

#[tokio::test]
async fn the_link_action_copies_the_permalink_or_shows_it_when_copying_is_refused() {
    let h = Harness::start().await;
    h.open_demo().await;
    let id = h.comment_id("article.tb-comment[data-depth=\"1\"]:not(.tb-deleted)").await;
    let want = h.js("return location.origin + location.pathname + '#comment-' + arguments[0];", vec![json!(id)]).await;
    // The page's clipboard, replaced so the test can read what was copied (and refuse later).
    h.js(
        "window.__copied = [];
         Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: text =>
             window.__refuse ? Promise.reject(new Error('denied')) : (window.__copied.push(text), Promise.resolve()) });
         return null;",
        vec![],
    )
    .await;

    h.own(&id, "button.tb-link").await.click().await.expect("click Link");
    h.wait_js_eq("the permalink is copied", "return window.__copied;", vec![], json!([want])).await;
    h.wait_js(
        "\"Link copied\" is announced",
        "return [...root.querySelectorAll('[role=status]')].some(s => s.textContent.includes('Link copied'));",
        vec![],
    )
    .await;

    h.js("window.__refuse = true; return null;", vec![]).await;
    h.own(&id, "button.tb-link").await.click().await.expect("click Link again");
    let shown = h.own(&id, "input.tb-link-url").await.prop("value").await.expect("read the shown link");
    assert_eq!(shown.map(Json::from), Some(want), "without a clipboard the link is shown to copy by hand");
}

#[tokio::test]
async fn an_empty_thread_invites_the_first_comment() {
    let h = Harness::start().await;
    h.open(THREAD_PAGE).await;
    let empty = h.widget(".tb-empty").await.text().await.expect("empty state text");
    assert_eq!(empty.trim(), "No comments yet. Start the conversation.");
    let header = h.widget(".tb-count").await.text().await.expect("header text");
    assert_eq!(header.trim(), "No comments yet");
    h.top_form("textarea[name=body]").await.send_keys("First!").await.expect("type the first comment");
    h.top_form("button[type=submit]").await.click().await.expect("post it");
    h.comment_with("First!").await;
    h.wait_js("the empty state goes", "return !root.querySelector('.tb-empty');", vec![]).await;
}
