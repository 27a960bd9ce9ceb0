use talkback_server::seed_data::{COMMENTS, THREAD_KEY, THREAD_TITLE};

use reqwest::Method;
use serde_json::json;
use talkback_protocol::ErrorCode;

use crate::common::{TestServer, expect_error, q};

#[tokio::test]
async fn comments_and_readers_survive_a_restart() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let id = s.post(&t, "t", None, "still here?").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (dir, config) = s.stop().await;

    let s = TestServer::start_in(dir, config).await;
    let page = s.thread("key=t", None).await;
    assert_eq!(page.comments.len(), 1);
    assert_eq!(page.comments[0].id.as_str(), id);
    // The reader's token still works after the restart.
    s.post(&t, "t", Some(&id), "yes").await;
}

#[tokio::test]
async fn the_demo_seed_fills_the_thread_once() {
    let s = TestServer::start_with(|c| c.seed_demo = true).await;
    let page = s
        .thread(&format!("{}&limit=100&replies=100", q(THREAD_KEY)), None)
        .await;
    let visible = COMMENTS.iter().filter(|c| !c.deleted).count() as u64;
    assert_eq!(page.thread.comment_count, visible);
    assert_eq!(page.thread.title.as_deref(), Some(THREAD_TITLE));
    let live = page.comments.iter().filter(|c| !c.deleted).count() as u64;
    assert_eq!(
        live, visible,
        "every seeded comment is reachable on one big page"
    );
    for c in page.comments.iter().filter(|c| c.deleted) {
        assert!(c.author.is_none() && c.body_html.is_empty() && c.reply_count > 0);
    }
    let (dir, mut config) = s.stop().await;
    config.seed_demo = true;
    let s = TestServer::start_in(dir, config).await;
    let again = s.thread(&q(THREAD_KEY), None).await;
    assert_eq!(
        again.thread.comment_count, visible,
        "a second start does not seed twice"
    );
}

#[tokio::test]
async fn deleted_comments_take_no_replies_or_votes() {
    let s = TestServer::start_with(|c| c.seed_demo = true).await;
    let page = s
        .thread(&format!("{}&limit=100&replies=100", q(THREAD_KEY)), None)
        .await;
    let deleted = page
        .comments
        .iter()
        .find(|c| c.deleted)
        .expect("the demo has a deleted comment with replies");
    let t = s.reader().await;
    let reply = json!({"thread": THREAD_KEY, "parent_id": deleted.id, "body": "to the void"});
    let msg = expect_error(
        s.post_raw(Some(&t), reply).await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert!(msg.contains("deleted"), "{msg}");
    let path = format!("/api/v1/comments/{}/vote", deleted.id);
    let vote = s
        .send(Method::PUT, &path, Some(&t), Some(json!({"value": 1})))
        .await;
    expect_error(vote, 422, ErrorCode::ValidationFailed).await;
}
