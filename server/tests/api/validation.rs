use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestServer, expect_error};
use talkback_protocol::ErrorCode;

#[tokio::test]
async fn comment_limits_are_enforced_with_readable_messages() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let cases: [(Value, u16, ErrorCode, &str); 7] = [
        (
            json!({"thread": "t", "body": " \n "}),
            422,
            ErrorCode::ValidationFailed,
            "Write something before posting.",
        ),
        (
            json!({"thread": "t", "body": "x".repeat(10_001)}),
            422,
            ErrorCode::ValidationFailed,
            "10001 characters",
        ),
        (
            json!({"thread": "t", "body": "b", "author": "n".repeat(81)}),
            422,
            ErrorCode::ValidationFailed,
            "at most 80",
        ),
        (
            json!({"thread": "  ", "body": "b"}),
            422,
            ErrorCode::ValidationFailed,
            "The thread key is missing.",
        ),
        (json!({"body": "b"}), 400, ErrorCode::BadRequest, "thread"),
        (
            json!({"thread": "t", "body": "b", "url": "javascript:x"}),
            422,
            ErrorCode::ValidationFailed,
            "http",
        ),
        (
            json!({"thread": "t", "body": "b", "parent_id": "bad id!"}),
            400,
            ErrorCode::BadRequest,
            "comment id",
        ),
    ];
    for (body, status, code, says) in cases {
        let msg = expect_error(s.post_raw(Some(&t), body).await, status, code).await;
        assert!(msg.contains(says), "{msg:?} should mention {says:?}");
    }
    let longest = json!({"thread": "t", "body": "x".repeat(10_000), "author": "n".repeat(80)});
    assert_eq!(s.post_raw(Some(&t), longest).await.status(), 201);
}

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let url = s.url("/api/v1/comments");
    let bad_json = s
        .client
        .post(&url)
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{\"thread\": ")
        .send()
        .await
        .unwrap();
    expect_error(bad_json, 400, ErrorCode::BadRequest).await;
    let wrong_type = s
        .client
        .post(&url)
        .bearer_auth(&t)
        .header("content-type", "text/plain")
        .body(r#"{"thread":"t","body":"b"}"#)
        .send()
        .await
        .unwrap();
    expect_error(wrong_type, 415, ErrorCode::UnsupportedMediaType).await;
    let huge = json!({"thread": "t", "body": "x".repeat(70 * 1024)});
    expect_error(
        s.post_raw(Some(&t), huge).await,
        413,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    let vote = s
        .send(
            Method::PUT,
            "/api/v1/comments/abc/vote",
            Some(&t),
            Some(json!({"value": 2})),
        )
        .await;
    expect_error(vote, 400, ErrorCode::BadRequest).await;
}

#[tokio::test]
async fn thread_queries_are_checked() {
    let s = TestServer::start().await;
    let get = |path: &'static str| s.send(Method::GET, path, None, None);
    expect_error(
        get("/api/v1/thread").await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    expect_error(
        get("/api/v1/thread?key=").await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    expect_error(
        get("/api/v1/thread?key=t&limit=0").await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    expect_error(
        get("/api/v1/thread?key=t&limit=101").await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    expect_error(
        get("/api/v1/thread?key=t&limit=ten").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_error(
        get("/api/v1/thread?key=t&cursor=not-a-cursor").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_error(
        get("/api/v1/comments/abc/replies?cursor=%21%21").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_error(
        get("/api/v1/comments/a.b/replies").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_error(
        get("/api/v1/comments/nope/replies").await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(get("/api/v1/thread?key=t&replies=0").await.status(), 200);
}

#[tokio::test]
async fn writes_need_a_known_reader_token() {
    let s = TestServer::start().await;
    let body = json!({"thread": "t", "body": "b"});
    expect_error(
        s.post_raw(None, body.clone()).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(
        s.post_raw(Some("forged"), body).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    let vote = json!({"value": 1});
    expect_error(
        s.send(Method::PUT, "/api/v1/comments/abc/vote", None, Some(vote))
            .await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let s = TestServer::start().await;
    expect_error(
        s.send(Method::GET, "/api/v1/nothing", None, None).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        s.send(Method::GET, "/api/v2/thread", None, None).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        s.send(Method::GET, "/", None, None).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        s.send(Method::DELETE, "/api/v1/thread?key=t", None, None)
            .await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    let none = s
        .send(
            Method::POST,
            "/api/v1/counts",
            None,
            Some(json!({"threads": []})),
        )
        .await;
    expect_error(none, 422, ErrorCode::ValidationFailed).await;
    let many: Vec<String> = (0..101).map(|i| format!("k{i}")).collect();
    let res = s
        .send(
            Method::POST,
            "/api/v1/counts",
            None,
            Some(json!({ "threads": many })),
        )
        .await;
    expect_error(res, 422, ErrorCode::ValidationFailed).await;
}
