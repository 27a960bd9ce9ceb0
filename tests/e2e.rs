//! End-to-end tests: the demo article served by the real server, the widget in headless Chromium.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::Harness;

/// What a reader sees of one comment's votes.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Votes {
    score: i64,
    up: bool,
    down: bool,
}

/// Reads score and pressed states in one script, so a re-render cannot interleave.
async fn votes(h: &Harness, id: &str) -> Votes {
    let found = h
        .wait_js(
            &format!("comment {id} shows its score and vote buttons"),
            "const art = root.getElementById('comment-' + arguments[0]);
             if (!art) return null;
             const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
             const score = own('.tb-score'), up = own('button.tb-up'), down = own('button.tb-down');
             if (!score || !up || !down) return null;
             return [score.textContent.trim(), up.getAttribute('aria-pressed'), down.getAttribute('aria-pressed')];",
            vec![json!(id)],
        )
        .await;
    let text = found[0].as_str().unwrap_or_default();
    let score = text.parse().unwrap_or_else(|_| panic!("score of {id} is not a number: {text:?}"));
    Votes { score, up: found[1] == json!("true"), down: found[2] == json!("true") }
}

/// Polls until the comment shows `want`; the UI may take a moment to (re)render.
async fn wait_votes(h: &Harness, id: &str, want: Votes, when: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = votes(h, id).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "{when}: comment {id} shows {got:?}, expected {want:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Deepest `data-depth` rendered inline; deeper replies are behind "Continue this thread".
const MAX_INLINE_DEPTH: i64 = 6;

/// Whether comment `id` is a descendant of `root`, given each comment's parent.
fn is_below(id: &str, root: &str, parent_of: &HashMap<String, Option<String>>) -> bool {
    let mut cur = parent_of.get(id).cloned().flatten();
    while let Some(p) = cur {
        if p == root {
            return true;
        }
        cur = parent_of.get(&p).cloned().flatten();
    }
    false
}

fn count_text(n: u64) -> String {
    match n {
        0 => "No comments yet".to_owned(),
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    }
}

#[tokio::test]
async fn seeded_thread_renders_six_levels_inline_and_continues_deeper_ones_in_place() {
    let h = Harness::start().await;
    h.open_demo().await;

    let page = h.api_thread().await;
    let api: Vec<&Json> = page["comments"].as_array().expect("comments array").iter().collect();
    let parent_of: HashMap<String, Option<String>> = api
        .iter()
        .map(|c| {
            let id = c["id"].as_str().expect("comment id").to_owned();
            (id, c["parent_id"].as_str().map(str::to_owned))
        })
        .collect();
    let depth_of = |id: &str| {
        let mut depth = 0;
        let mut cur = parent_of.get(id).cloned().flatten();
        while let Some(p) = cur {
            depth += 1;
            cur = parent_of.get(&p).cloned().flatten();
        }
        depth
    };

    let rendered = h
        .js(
            "return [...root.querySelectorAll('article.tb-comment')].map(a => [
                 a.id, Number(a.dataset.depth), a.parentElement?.closest('article')?.id ?? null]);",
            vec![],
        )
        .await;
    let rendered = rendered.as_array().expect("rendered list");
    let inline: Vec<&str> =
        api.iter().filter_map(|c| c["id"].as_str()).filter(|id| depth_of(id) <= MAX_INLINE_DEPTH).collect();
    assert_eq!(rendered.len(), inline.len(), "every comment the API sends down to depth 6 is rendered once");

    let mut deepest = 0;
    for row in rendered {
        let article_id = row[0].as_str().expect("article id");
        let id = article_id.strip_prefix("comment-").expect("ids look like comment-<id>");
        let expected_parent = parent_of
            .get(id)
            .unwrap_or_else(|| panic!("rendered {id} is not in the API's thread"))
            .as_ref()
            .map(|p| format!("comment-{p}"));
        let parent = row[2].as_str().map(str::to_owned);
        assert_eq!(parent, expected_parent, "parent article of {id}");
        let depth = row[1].as_i64().expect("numeric data-depth");
        assert_eq!(depth, depth_of(id), "data-depth of {id}");
        deepest = deepest.max(depth);
    }
    assert_eq!(deepest, MAX_INLINE_DEPTH, "six levels of replies are shown inline");

    // Deeper replies hide behind "Continue this thread", which shows that comment as the root.
    let (deep, deep_replies): (Vec<&str>, usize) = {
        let cut: Vec<&str> = api
            .iter()
            .filter(|c| c["reply_count"].as_u64().unwrap_or(0) > 0)
            .filter_map(|c| c["id"].as_str())
            .filter(|id| depth_of(id) == MAX_INLINE_DEPTH)
            .collect();
        let below = cut.first().map_or(0, |root| {
            api.iter().filter_map(|c| c["id"].as_str()).filter(|id| is_below(id, root, &parent_of)).count()
        });
        (cut, below)
    };
    let first = *deep.first().expect("the demo thread nests deeper than six levels");
    for id in &deep {
        let text = h.own(id, "button.tb-continue").await.text().await.expect("button text");
        assert_eq!(text.trim(), "Continue this thread →", "comment {id} at depth 6 has replies");
    }
    h.own(first, "button.tb-continue").await.click().await.expect("click Continue this thread");
    let view = "const arts = [...root.querySelectorAll('article.tb-comment')];
         const back = root.querySelector('button.tb-back');
         return [arts.length, arts[0]?.id ?? null, arts[0]?.dataset.depth ?? null,
                 back ? back.textContent.trim() : null];";
    let want = json!([deep_replies + 1, format!("comment-{first}"), "0", "← Back to the full thread"]);
    h.wait_js_eq("the continued thread is shown as its own root", view, vec![], want).await;
    h.widget("button.tb-back").await.click().await.expect("click Back");
    let want = json!([inline.len(), rendered[0][0], "0", null]);
    h.wait_js_eq("the full thread is back", view, vec![], want).await;

    let count = page["thread"]["comment_count"].as_u64().expect("comment_count");
    let header = h.widget(".tb-count").await.text().await.expect("header text");
    assert_eq!(header.trim(), count_text(count));
}

#[tokio::test]
async fn a_reply_five_levels_deep_lands_under_its_parent_and_survives_a_reload() {
    let h = Harness::start().await;
    h.open_demo().await;
    let parent = h.comment_id("article.tb-comment[data-depth=\"5\"]:not(.tb-deleted)").await;

    h.own(&parent, "button.tb-reply").await.click().await.expect("click Reply");
    let has_name = h
        .js(
            "const art = root.getElementById('comment-' + arguments[0]);
             return [...art.querySelectorAll('form.tb-form input[name=author]')]
                 .some(i => i.closest('article') === art);",
            vec![json!(parent)],
        )
        .await;
    if has_name == json!(true) {
        let name = h.own(&parent, "form.tb-form input[name=author]").await;
        name.send_keys("Ruth from Riverside").await.expect("type a name");
    }
    let body = "Reply written by the end-to-end test, six levels down.";
    let textarea = h.own(&parent, "form.tb-form textarea[name=body]").await;
    textarea.send_keys(body).await.expect("type the reply");
    h.own(&parent, "form.tb-form button[type=submit]").await.click().await.expect("submit");

    let want_parent = Some(format!("comment-{parent}"));
    let shown = h.comment_with(body).await;
    assert_eq!((shown.depth, shown.parent), (6, want_parent.clone()), "reply placement before reload");
    h.wait_requests("/api/v1/comments", 1).await;

    h.reload().await;
    let shown = h.comment_with(body).await;
    assert_eq!((shown.depth, shown.parent), (6, want_parent), "reply placement after reload");
}

#[tokio::test]
async fn an_up_vote_is_kept_withdrawn_on_second_click_and_can_become_a_down_vote() {
    let h = Harness::start().await;
    h.open_demo().await;
    let id = h.comment_id("article.tb-comment[data-depth=\"0\"]:not(.tb-deleted)").await;
    let start = votes(&h, &id).await;
    assert!(!start.up && !start.down, "a new reader has no votes: {start:?}");
    let s0 = start.score;
    let none = Votes { score: s0, up: false, down: false };
    let up = Votes { score: s0 + 1, up: true, down: false };
    let down = Votes { score: s0 - 1, up: false, down: true };

    h.own(&id, "button.tb-up").await.click().await.expect("click up");
    wait_votes(&h, &id, up, "after voting up").await;
    h.wait_requests("/vote", 1).await;
    h.reload().await;
    wait_votes(&h, &id, up, "after voting up and reloading").await;

    h.own(&id, "button.tb-up").await.click().await.expect("click up again");
    wait_votes(&h, &id, none, "after clicking the pressed up button").await;
    h.wait_requests("/vote", 1).await;
    h.reload().await;
    wait_votes(&h, &id, none, "after withdrawing and reloading").await;

    h.own(&id, "button.tb-down").await.click().await.expect("click down");
    wait_votes(&h, &id, down, "after voting down").await;
    h.wait_requests("/vote", 1).await;
    h.reload().await;
    wait_votes(&h, &id, down, "after voting down and reloading").await;
}

#[tokio::test]
async fn markup_in_a_comment_is_shown_as_text_and_never_runs() {
    const ATTACK: &str = r#"<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>"#;
    let h = Harness::start().await;
    h.open_demo().await;

    h.top_form("input[name=author]").await.send_keys("Mallory").await.expect("type name");
    h.top_form("textarea[name=body]").await.send_keys(ATTACK).await.expect("type body");
    h.top_form("button[type=submit]").await.click().await.expect("submit");

    for when in ["after posting", "after reloading"] {
        let text = h.comment_with(r#"onerror="window.__xss=1""#).await.body;
        assert!(text.contains("<img src=x") && text.contains("<script>"), "{when}: body text is {text:?}");
        let live = h
            .js("return root.querySelectorAll('.tb-body img, .tb-body script, script, img[src=x]').length;", vec![])
            .await;
        assert_eq!(live, json!(0), "{when}: no img or script element exists in the widget");
        // Give an onerror handler, had one been created, time to fire.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let xss = h.js("return typeof window.__xss;", vec![]).await;
        assert_eq!(xss, json!("undefined"), "{when}: the markup ran");
        if when == "after posting" {
            h.wait_requests("/api/v1/comments", 1).await;
            h.reload().await;
        }
    }
}

#[tokio::test]
async fn a_dead_server_rolls_back_votes_and_keeps_the_typed_comment() {
    let mut h = Harness::start().await;
    h.open_demo().await;
    let id = h.comment_id("article.tb-comment[data-depth=\"0\"]:not(.tb-deleted)").await;
    let before = votes(&h, &id).await;
    h.stop_server();

    h.own(&id, "button.tb-up").await.click().await.expect("click up");
    h.wait_js(
        "a vote error is announced at the comment",
        "const art = root.getElementById('comment-' + arguments[0]);
         return [...art.querySelectorAll('.tb-error[role=alert]')]
             .some(e => e.closest('article') === art && e.textContent.trim() !== '');",
        vec![json!(id)],
    )
    .await;
    wait_votes(&h, &id, before, "after a failed vote").await;

    let text = "This comment cannot reach the server.";
    h.top_form("textarea[name=body]").await.send_keys(text).await.expect("type body");
    h.top_form("button[type=submit]").await.click().await.expect("submit");
    let error = h.top_form(".tb-form-error[role=alert]").await;
    let message = error.text().await.expect("error text");
    assert!(!message.trim().is_empty(), "the post error says something");
    let kept = h.top_form("textarea[name=body]").await.prop("value").await.expect("value");
    assert_eq!(kept.as_deref(), Some(text), "the typed comment stays in the textarea");
}
