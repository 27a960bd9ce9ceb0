use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestServer, expect_error, q};
use talkback_protocol::ErrorCode;

#[tokio::test]
async fn a_posted_comment_is_in_its_thread_with_the_articles_title() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let res = s.post_raw(Some(&token), json!({"thread": "https://News.example/story/", "body": "Hello **bridge**", "author": " Ada ",
                        "title": "Story", "url": "https://news.example/story"})).await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["author"], "Ada");
    assert_eq!(c["body_html"], "<p>Hello <strong>bridge</strong></p>\n");
    assert_eq!(c["deleted"], false);
    assert_eq!(c["parent_id"], Value::Null);
    assert!(c["created_at"].as_str().unwrap().ends_with('Z'));

    let page = s.thread(&q("https://news.example/story"), None).await;
    assert_eq!(page.thread.key, "https://news.example/story");
    assert_eq!(page.thread.title.as_deref(), Some("Story"));
    assert_eq!(
        page.thread.url.as_deref(),
        Some("https://news.example/story")
    );
    assert_eq!(page.thread.comment_count, 1);
    assert_eq!(page.comments.len(), 1);
    assert_eq!(page.comments[0].id.as_str(), c["id"].as_str().unwrap());
    assert_eq!(
        page.comments[0].avatar_seed,
        c["avatar_seed"].as_str().unwrap()
    );
}

#[tokio::test]
async fn an_empty_name_posts_as_a_guest() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let res = s
        .post_raw(
            Some(&token),
            json!({"thread": "t", "body": "hi", "author": "  "}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["author"], Value::Null);
}

#[tokio::test]
async fn replies_come_right_after_their_parent() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let a = s.post(&token, "t", None, "A").await;
    let b = s.post(&token, "t", None, "B").await;
    let a_id = a["id"].as_str().unwrap();
    let a1 = s.post(&token, "t", Some(a_id), "A1").await;
    let a1a = s
        .post(&token, "t", Some(a1["id"].as_str().unwrap()), "A1a")
        .await;
    assert_eq!(a1["parent_id"], a["id"]);

    let page = s.thread("key=t&sort=oldest", None).await;
    let order: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    let expected: Vec<&str> = [&a, &a1, &a1a, &b]
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, expected);
    assert_eq!(page.comments[0].reply_count, 1);
    assert_eq!(page.thread.comment_count, 4);
}

#[tokio::test]
async fn a_reply_must_name_a_comment_of_the_same_thread() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let other = s.post(&token, "other-thread", None, "elsewhere").await;
    for parent in [other["id"].as_str().unwrap(), "doesNotExist"] {
        let res = s
            .post_raw(
                Some(&token),
                json!({"thread": "new-thread", "parent_id": parent, "body": "reply"}),
            )
            .await;
        expect_error(res, 422, ErrorCode::ValidationFailed).await;
    }
    // The refused replies did not create their thread.
    let page = s.thread("key=new-thread", None).await;
    assert_eq!(page.thread.comment_count, 0);
    assert_eq!(page.thread.title, None);
}

#[tokio::test]
async fn an_unknown_thread_is_empty_and_its_key_normalized() {
    let s = TestServer::start().await;
    let page = s.thread(&q("HTTPS://Example.com:443/a/b/#c"), None).await;
    assert_eq!(page.thread.key, "https://example.com/a/b");
    assert_eq!(page.thread.comment_count, 0);
    assert!(page.comments.is_empty() && page.next_cursor.is_none());
}

#[tokio::test]
async fn counts_follow_normalized_keys_and_keep_keys_as_sent() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    s.post(&token, "https://example.com/a", None, "one").await;
    s.post(&token, "https://example.com/a", None, "two").await;
    let keys = [
        "https://example.com/a",
        "https://EXAMPLE.com/a/#comments",
        "https://example.com/unknown",
    ];
    let res = s
        .send(
            Method::POST,
            "/api/v1/counts",
            None,
            Some(json!({"threads": keys})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["counts"][keys[0]], 2);
    assert_eq!(body["counts"][keys[1]], 2);
    assert_eq!(body["counts"][keys[2]], 0);
}
