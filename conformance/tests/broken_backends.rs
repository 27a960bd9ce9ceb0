//! Each check can fail: a proxy breaks the reference server in one way at a time, and the
//! suite must name the broken check with a reason a backend author can act on, while checks
//! of what still works keep passing.

mod support;

use support::proxy::{self, Fault};
use talkback_conformance::{Options, Outcome, Status, report};
use talkback_server::{Config, Running};
use tempfile::TempDir;

async fn reference() -> (TempDir, Running) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("talkback.db"));
    config.listen = "127.0.0.1:0".to_owned();
    let running = talkback_server::start(&config)
        .await
        .expect("server starts");
    (dir, running)
}

/// Runs the checks starting with `only` against the reference server broken by `fault`.
async fn run_broken(fault: Fault, only: &[&str]) -> Vec<Outcome> {
    let (_dir, running) = reference().await;
    let base = proxy::start(&format!("http://{}", running.addr), fault).await;
    let options = Options {
        only: only.iter().map(|s| (*s).to_owned()).collect(),
        ..Options::new(&base)
    };
    let outcomes = talkback_conformance::run(&options)
        .await
        .expect("suite runs");
    println!("{fault:?}:\n{}", report::table(&outcomes));
    running.stop().await.expect("server stops");
    outcomes
}

fn status<'a>(outcomes: &'a [Outcome], name: &str) -> &'a Status {
    &outcomes
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no outcome for {name}"))
        .status
}

fn assert_fails(outcomes: &[Outcome], name: &str, reason_part: &str) {
    match status(outcomes, name) {
        Status::Fail(why) => assert!(
            why.contains(reason_part),
            "{name} failed, but the reason {why:?} does not say {reason_part:?}"
        ),
        other => panic!("{name} should fail, got {other:?}"),
    }
}

fn assert_passes(outcomes: &[Outcome], name: &str) {
    assert_eq!(
        status(outcomes, name),
        &Status::Pass,
        "{name} should still pass"
    );
}

#[tokio::test]
async fn a_repeated_vote_counted_twice_is_caught() {
    let out = run_broken(Fault::RepeatedVoteCountsTwice, &["vote."]).await;
    assert_fails(
        &out,
        "vote.same-twice-counts-once",
        "after the same up vote sent twice: (upvotes, downvotes, score, my_vote) is (2, 0, 2, Up), expected (1, 0, 1, Up)",
    );
    assert_passes(&out, "vote.up");
    assert_passes(&out, "vote.one-per-reader");
}

#[tokio::test]
async fn a_cursor_on_the_last_page_is_caught() {
    let out = run_broken(Fault::CursorOnLastPage, &["paging.top-level."]).await;
    for sort in ["best", "newest", "oldest"] {
        assert_fails(
            &out,
            &format!("paging.top-level.{sort}"),
            "number of pages for 7 comments with limit=3 (next_cursor must be absent on the last) is 4, expected 3",
        );
    }
}

#[tokio::test]
async fn an_ignored_sort_is_caught() {
    let out = run_broken(Fault::IgnoreSort, &["paging.top-level.", "paging.replies."]).await;
    assert_fails(&out, "paging.top-level.newest", "in `newest` order");
    assert_fails(&out, "paging.replies.oldest", "in `oldest` order");
    assert_passes(&out, "paging.top-level.best");
}

#[tokio::test]
async fn a_leaked_email_is_caught() {
    let out = run_broken(Fault::LeakEmail, &["post.email"]).await;
    assert_fails(
        &out,
        "post.email-never-returned",
        "POST /api/v1/comments has an `email` field",
    );
}

#[tokio::test]
async fn a_wrong_error_status_and_code_is_caught() {
    let out = run_broken(
        Fault::ValidationAs400,
        &[
            "validate.body",
            "validate.malformed-json",
            "post.reply-parent",
        ],
    )
    .await;
    assert_fails(
        &out,
        "validate.body",
        "expected 422 validation_failed, got 400 bad_request",
    );
    assert_fails(
        &out,
        "post.reply-parent-in-other-thread",
        "expected 422 validation_failed, got 400 bad_request",
    );
    assert_passes(&out, "validate.malformed-json");
}

#[tokio::test]
async fn a_plain_text_404_is_caught() {
    let out = run_broken(Fault::PlainText404, &["routes.", "vote.unknown"]).await;
    assert_fails(
        &out,
        "routes.unknown-route-404-json",
        "Content-Type \"text/plain\"",
    );
    assert_fails(&out, "vote.unknown-comment-404", "Content-Type");
    assert_passes(&out, "routes.wrong-method-json");
}

#[tokio::test]
async fn a_backend_without_live_updates_is_skipped_not_failed() {
    let out = run_broken(Fault::NoLiveUpdates, &["live."]).await;
    let live: Vec<&Outcome> = out.iter().filter(|o| o.name.starts_with("live.")).collect();
    assert_eq!(live.len(), 6, "every live check ran");
    for o in live {
        assert!(
            matches!(&o.status, Status::Skip(why) if why.contains("does not offer live updates")),
            "{}: {:?}",
            o.name,
            o.status
        );
    }
}

#[tokio::test]
async fn live_markup_in_bodies_is_caught() {
    let out = run_broken(Fault::UnsanitizedBodies, &["post.markup", "post.links"]).await;
    assert_fails(&out, "post.markup-is-inert", "a <script> element");
    assert_passes(&out, "post.links-get-rel");
}

#[tokio::test]
async fn left_out_null_fields_are_caught() {
    let out = run_broken(Fault::OmitNullFields, &["post.stored", "thread.empty"]).await;
    assert_fails(
        &out,
        "post.stored-comment",
        "a Comment lacks the field `parent_id`",
    );
    assert_passes(&out, "thread.empty");
}

#[tokio::test]
async fn an_unreachable_backend_fails_every_check_with_the_reason() {
    let options = Options {
        only: vec!["readers.".to_owned()],
        ..Options::new("http://127.0.0.1:9")
    };
    let out = talkback_conformance::run(&options)
        .await
        .expect("suite runs");
    assert_fails(
        &out,
        "readers.issue-token",
        "no answer from http://127.0.0.1:9",
    );
}

#[tokio::test]
async fn an_edit_window_that_never_closes_is_caught() {
    // The server keeps its 15-minute window while the suite is told it is 1 second.
    let (_dir, running) = reference().await;
    let options = Options {
        edit_window_secs: Some(1),
        only: vec!["edit.window-closes".to_owned()],
        ..Options::new(&format!("http://{}", running.addr))
    };
    let out = talkback_conformance::run(&options)
        .await
        .expect("suite runs");
    running.stop().await.expect("server stops");
    assert_fails(
        &out,
        "edit.window-closes",
        "editable_until after the window closed is Some(",
    );
}
