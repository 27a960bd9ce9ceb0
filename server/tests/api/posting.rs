//! Idempotent posts, stored-but-hidden emails and the preview route.

use reqwest::Method;
use serde_json::{Value, json};
use talkback_protocol::{ErrorCode, Preview};

use crate::common::{TestServer, expect_error};

#[tokio::test]
async fn the_same_client_token_twice_posts_once() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let body = json!({"thread": "t", "body": "only once", "client_token": "tok-1"});
    let first = s.post_raw(Some(&t), body.clone()).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap_or_default();
    let again = s.post_raw(Some(&t), body.clone()).await;
    assert_eq!(again.status(), 200, "a repeat is not a new comment");
    let again: Value = again.json().await.unwrap_or_default();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["body_html"], first["body_html"]);
    assert_eq!(s.thread("key=t", None).await.thread.comment_count, 1);

    // The key is per reader, and a new key is a new comment.
    let other = s.reader().await;
    assert_eq!(s.post_raw(Some(&other), body).await.status(), 201);
    let fresh = json!({"thread": "t", "body": "only once", "client_token": "tok-2"});
    assert_eq!(s.post_raw(Some(&t), fresh).await.status(), 201);
    assert_eq!(s.thread("key=t", None).await.thread.comment_count, 3);

    let bad = json!({"thread": "t", "body": "x", "client_token": "has space"});
    expect_error(
        s.post_raw(Some(&t), bad).await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
}

#[tokio::test]
async fn an_email_is_stored_but_never_sent_back() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let secret = "hidden.reader@example.org";
    let post = json!({"thread": "t", "body": "notify me", "email": secret, "client_token": "e1"});
    let res = s.post_raw(Some(&t), post.clone()).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap_or_default();
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let reply = json!({"thread": "t", "parent_id": id, "body": "me too", "email": secret});
    assert_eq!(s.post_raw(Some(&t), reply).await.status(), 201);

    let mut answers = vec![created.to_string()];
    let repeat = s.post_raw(Some(&t), post).await;
    answers.push(repeat.text().await.unwrap_or_default());
    for (method, path, body) in [
        (Method::GET, "/api/v1/thread?key=t".to_owned(), None),
        (Method::GET, format!("/api/v1/comments/{id}/replies"), None),
        (Method::GET, format!("/api/v1/comments/{id}/context"), None),
        (
            Method::PATCH,
            format!("/api/v1/comments/{id}"),
            Some(json!({"body": "edited"})),
        ),
    ] {
        let res = s.send(method.clone(), &path, Some(&t), body).await;
        assert!(res.status().is_success(), "{method} {path}");
        answers.push(res.text().await.unwrap_or_default());
    }
    for text in answers {
        assert!(
            !text.contains("hidden.reader"),
            "an answer leaks the email: {text}"
        );
        assert!(
            !text.contains("\"email\""),
            "an answer has an email field: {text}"
        );
    }

    let bad = json!({"thread": "t", "body": "x", "email": "not an address"});
    let message = expect_error(
        s.post_raw(Some(&t), bad).await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    assert!(message.contains("email"), "{message}");
}

#[tokio::test]
async fn the_preview_is_exactly_what_gets_stored() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let text = "**Bold** and [a link](https://example.com)\n\n> quoted <script>alert(1)</script>\n\n```\ncode\n```\n\n- one\n- two";
    let res = s
        .send(
            Method::POST,
            "/api/v1/preview",
            None,
            Some(json!({ "body": text })),
        )
        .await;
    assert_eq!(res.status(), 200, "no reader token needed");
    let preview: Preview = res.json().await.expect("preview");
    let stored = s.post(&t, "t", None, text).await;
    assert_eq!(
        stored["body_html"].as_str(),
        Some(preview.body_html.as_str())
    );
    assert!(preview.body_html.contains("rel=\"nofollow ugc noopener\""));
    assert!(!preview.body_html.contains("<script"));
    assert_eq!(
        s.thread("key=t", None).await.thread.comment_count,
        1,
        "previews store nothing"
    );

    let empty = s
        .send(
            Method::POST,
            "/api/v1/preview",
            None,
            Some(json!({"body": "  "})),
        )
        .await;
    expect_error(empty, 422, ErrorCode::ValidationFailed).await;
    let long = "x".repeat(10_001);
    let too_long = s
        .send(
            Method::POST,
            "/api/v1/preview",
            None,
            Some(json!({ "body": long })),
        )
        .await;
    expect_error(too_long, 422, ErrorCode::ValidationFailed).await;
    let missing = s
        .send(Method::POST, "/api/v1/preview", None, Some(json!({})))
        .await;
    expect_error(missing, 400, ErrorCode::BadRequest).await;
}
