//! End-to-end tests of abuse resistance as a reader meets it: posting too fast shows how long
//! to wait in seconds, minutes or hours, counts down, disables Post until then and keeps the
//! draft; a post sent sooner than anyone could write it is explained; and a reader's own
//! comments offer no vote buttons.
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

/// The text of the top-level form's error as seen on screen, once one is shown.
async fn form_error(h: &Harness) -> String {
    let shown = h
        .wait_js(
            "the top-level form shows an error",
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             const e = form?.querySelector('.tb-form-error');
             return e ? (e.querySelector('[aria-hidden=true]') ?? e).textContent : null;",
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

/// The wait the message names: its number and unit ("45 s", "3 min", "1 h").
fn wait_in(message: &str) -> (u64, String) {
    let rest = message
        .split("try again in ")
        .nth(1)
        .unwrap_or_else(|| panic!("the message says how long to wait: {message:?}"));
    let mut words = rest.split([' ', '\u{a0}', '\u{202f}']);
    let n = words
        .next()
        .and_then(|n| n.replace([',', '.'], "").parse().ok())
        .unwrap_or_else(|| panic!("a number of the wait in {message:?}"));
    let unit = words.next().unwrap_or_default().trim_end_matches('.').to_owned();
    (n, unit)
}

/// The top-level form's error as shown now, if any.
async fn form_error_now(h: &Harness) -> Option<String> {
    h.js(
        "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
         const e = form?.querySelector('.tb-form-error');
             return e ? (e.querySelector('[aria-hidden=true]') ?? e).textContent : null;",
        vec![],
    )
    .await
    .as_str()
    .map(str::to_owned)
}

/// Whether the top-level form's Post button can be pressed.
async fn post_enabled(h: &Harness) -> bool {
    h.js(
        "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
         return !form.querySelector('button[type=submit]').disabled;",
        vec![],
    )
    .await
        == json!(true)
}

#[tokio::test]
async fn a_long_wait_reads_in_minutes_or_hours_and_keeps_the_draft() {
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
    assert!(message.contains("You're posting too fast"), "{message:?}");
    let (n, unit) = wait_in(&message);
    // Up to an hour: minutes (or "1 h" in its first minute); seconds only in the hour's last minute.
    match unit.as_str() {
        "min" => assert!((1..=59).contains(&n), "{message:?}"),
        "h" => assert_eq!(n, 1, "{message:?}"),
        "s" => assert!((1..=59).contains(&n), "{message:?}"),
        other => panic!("unknown unit {other:?} in {message:?}"),
    }
    assert!(!post_enabled(&h).await, "Post waits until the server takes posts again");
    assert_eq!(draft(&h).await, second, "the draft is kept for later");
    // Typing more keeps the countdown (and the draft grows).
    h.top_form("textarea[name=body]").await.send_keys(" Really.").await.expect("types on");
    assert!(form_error(&h).await.contains("try again in"));
    assert_eq!(draft(&h).await, format!("{second} Really."));
    let shown = h
        .js(
            "return [...root.querySelectorAll('.tb-body')].some(b => b.textContent.includes(arguments[0]));",
            vec![json!(second)],
        )
        .await;
    assert_eq!(shown, json!(false), "the refused comment is not left in the thread");
}

#[tokio::test]
async fn the_wait_counts_down_and_post_comes_back_with_the_draft() {
    // One post per minute: the second waits until the minute is over (at most 60 s).
    let h = Harness::start_with(&[
        "--rate-limits",
        "on",
        "--posts-per-minute",
        "1",
        "--posts-per-hour",
        "0",
    ])
    .await;
    h.open_demo().await;
    type_and_post(&h, "A first quick remark.").await;
    h.comment_with("A first quick remark.").await;
    h.wait_requests("/api/v1/comments", 1).await;

    let second = "A second remark that has to wait.";
    type_and_post(&h, second).await;
    let first = wait_in(&form_error(&h).await);
    assert!(
        (first.1 == "s" && (1..=60).contains(&first.0)) || first == (1, "min".to_owned()),
        "{first:?}"
    );
    assert!(!post_enabled(&h).await);
    if first.1 == "s" && first.0 > 3 {
        // The alert stays the same element while only the visible number changes, so screen
        // readers are not told the message again every second.
        let mark = "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
                    const e = form.querySelector('.tb-form-error');
                    if (arguments[0]) e.dataset.seen = 'yes';
                    return e.dataset.seen ?? null;";
        h.js(mark, vec![json!(true)]).await;
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        let later = wait_in(&form_error(&h).await);
        assert!(later.1 == "s" && later.0 < first.0, "counts down: {first:?} then {later:?}");
        assert_eq!(h.js(mark, vec![json!(false)]).await, json!("yes"), "the alert was not made anew");
    }
    // The screen reader text is the first message and does not change every second.
    let spoken = h
        .js(
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form.querySelector('.tb-form-error .tb-sr-only')?.textContent ?? null;",
            vec![],
        )
        .await;
    assert!(spoken.as_str().unwrap_or_default().contains("try again in"), "{spoken}");

    // Up to a minute of waiting, longer than the harness's usual patience.
    let started = std::time::Instant::now();
    while !(post_enabled(&h).await && form_error_now(&h).await.is_none()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(75),
            "Post is still disabled: {:?}",
            form_error_now(&h).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(draft(&h).await, second, "the draft waited too");
    h.top_form("button[type=submit]").await.click().await.expect("click Post comment");
    h.comment_with(second).await;
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

#[tokio::test]
#[ignore = "writes abuse-wait-*.png into TALKBACK_SCREENSHOT_DIR, for looking at the countdown"]
async fn screenshots_of_the_wait() {
    let dir = std::env::var_os("TALKBACK_SCREENSHOT_DIR").map(std::path::PathBuf::from).expect("TALKBACK_SCREENSHOT_DIR");
    let h = Harness::start_with(&["--rate-limits", "on", "--posts-per-minute", "0", "--posts-per-hour", "1"]).await;
    h.open_demo().await;
    type_and_post(&h, "My first thought on this.").await;
    h.comment_with("My first thought on this.").await;
    type_and_post(&h, "And a second one, right away.").await;
    form_error(&h).await;
    for (name, width) in [("abuse-wait-desktop.png", 1200), ("abuse-wait-mobile.png", 360)] {
        h.client.set_window_size(width, 900).await.expect("resize the window");
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        h.js(
            "[...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article')).scrollIntoView({block: 'center'}); return null;",
            vec![],
        )
        .await;
        let png = h.client.screenshot().await.expect("take a screenshot");
        std::fs::write(dir.join(name), png).expect("write the screenshot");
    }
}
