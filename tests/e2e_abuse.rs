//! End-to-end tests of abuse resistance as a reader meets it: posting too fast shows how long
//! to wait and keeps the draft, a post sent sooner than anyone could write it is explained,
//! and a reader's own comments offer no vote buttons.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::json;
use support::{DEMO_KEY, Harness};

/// Types `body` into the top-level form and clicks Post.
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

/// The text of the top-level form's error, once one is shown.
async fn form_error(h: &Harness) -> String {
    let shown = h
        .wait_js(
            "the top-level form shows an error",
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form?.querySelector('.tb-form-error')?.textContent ?? null;",
            vec![],
        )
        .await;
    shown.as_str().unwrap_or_default().to_owned()
}

/// The id the server gave the demo thread's comment with this body.
async fn stored_id(h: &Harness, body: &str) -> String {
    let body = body.to_owned();
    h.seed(move |api| {
        let page = api.thread(DEMO_KEY, "newest", 100);
        page["comments"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["body_html"].as_str().is_some_and(|b| b.contains(&body)))
            .and_then(|c| c["id"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("the server stored no comment with body {body:?}"))
    })
    .await
}

/// What the top-level form's text area holds.
async fn draft(h: &Harness) -> String {
    let value = h
        .js(
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form.querySelector('textarea[name=body]').value;",
            vec![],
        )
        .await;
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_reader_who_posts_too_fast_sees_how_long_to_wait_and_keeps_the_draft() {
    // One post per hour: the second is refused whatever second of the minute the test runs in.
    let h = Harness::start_with(&[
        "--rate-limits",
        "on",
        "--posts-per-minute",
        "0",
        "--posts-per-hour",
        "1",
    ])
    .await;
    h.open_demo().await;
    type_and_post(&h, "My first thought on this.").await;
    h.comment_with("My first thought on this.").await;
    h.wait_requests("/api/v1/comments", 1).await;

    let second = "And a second one, right away.";
    type_and_post(&h, second).await;
    let message = form_error(&h).await;
    let seconds: u64 = message
        .split("try again in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.replace([',', '.', '\u{a0}', '\u{202f}'], "").parse().ok())
        .unwrap_or_else(|| panic!("the message says how many seconds to wait: {message:?}"));
    assert!(message.contains("You're posting too fast"), "{message:?}");
    assert!((1..=3600).contains(&seconds), "{seconds} s in {message:?}");
    assert_eq!(draft(&h).await, second, "the draft is kept for later");
    let shown = h
        .js(
            "return [...root.querySelectorAll('.tb-body')].some(b => b.textContent.includes(arguments[0]));",
            vec![json!(second)],
        )
        .await;
    assert_eq!(shown, json!(false), "the refused comment is not left in the thread");
}

#[tokio::test]
async fn a_post_sent_before_anyone_could_write_it_is_explained_and_kept() {
    let h = Harness::start_with(&["--min-submit-ms", "600000"]).await;
    h.open_demo().await;
    let body = "Typed by a very fast robot.";
    type_and_post(&h, body).await;
    let message = form_error(&h).await;
    assert!(message.contains("That was quick"), "{message:?}");
    assert_eq!(draft(&h).await, body);
    // The honeypot is in the form but not on screen or in the tab order.
    let trap = h
        .js(
            "const i = root.querySelector('form.tb-form input[name=website]');
             const r = i.getBoundingClientRect();
             return [i.tabIndex, i.closest('[aria-hidden=true]') !== null, r.right <= 0 || r.bottom <= 0];",
            vec![],
        )
        .await;
    assert_eq!(trap, json!([-1, true, true]));
}

#[tokio::test]
async fn a_reader_sees_no_vote_buttons_on_their_own_comment() {
    let h = Harness::start().await;
    h.open_demo().await;
    let body = "Voting on this would be cheating.";
    type_and_post(&h, body).await;
    h.wait_requests("/api/v1/comments", 1).await;
    let mine = stored_id(&h, body).await;
    for pass in ["after posting", "after a reload"] {
        let seen = h
            .wait_js(
                &format!("the stored comment {mine} is shown {pass}"),
                "const art = root.getElementById('comment-' + arguments[0]);
                 if (!art) return null;
                 const own = s => [...art.querySelectorAll(s)]
                     .filter(e => e.closest('article') === art && e.getClientRects().length > 0).length;
                 return [own('.tb-score'), own('button.tb-vote')];",
                vec![json!(mine)],
            )
            .await;
        assert_eq!(seen, json!([1, 0]), "{pass}: the score shows, no vote buttons");
        let others = h
            .js(
                "return [...root.querySelectorAll('article.tb-comment:not(.tb-deleted)')]
                     .filter(a => a.id !== 'comment-' + arguments[0])
                     .some(a => a.querySelector('button.tb-vote.tb-up')?.getClientRects().length > 0);",
                vec![json!(mine)],
            )
            .await;
        assert_eq!(others, json!(true), "{pass}: other readers' comments can be voted on");
        if pass == "after posting" {
            h.reload().await;
        }
    }
}
