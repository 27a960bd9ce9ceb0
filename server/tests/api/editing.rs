//! Editing and deleting one's own comments inside the edit window.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{Value, json};
use talkback_protocol::{Comment, ErrorCode};

use crate::common::{TestServer, expect_error, q};

async fn patch(s: &TestServer, token: Option<&str>, id: &str, body: &str) -> Response {
    s.send(
        Method::PATCH,
        &format!("/api/v1/comments/{id}"),
        token,
        Some(json!({ "body": body })),
    )
    .await
}

async fn delete(s: &TestServer, token: Option<&str>, id: &str) -> Response {
    s.send(
        Method::DELETE,
        &format!("/api/v1/comments/{id}"),
        token,
        None,
    )
    .await
}

fn find<'a>(comments: &'a [Comment], id: &str) -> Option<&'a Comment> {
    comments.iter().find(|c| c.id.as_str() == id)
}

#[tokio::test]
async fn the_author_edits_within_the_window_and_is_refused_after_it() {
    let s = TestServer::start_with(|c| c.edit_window = 1).await;
    let t = s.reader().await;
    let posted = s.post(&t, "t", None, "frist").await;
    let id = posted["id"].as_str().unwrap_or_default().to_owned();
    assert!(
        posted["editable_until"].is_string(),
        "the author learns the deadline when posting"
    );
    assert_eq!(posted["edited_at"], Value::Null);

    let res = patch(&s, Some(&t), &id, "*first*, sorry").await;
    assert_eq!(res.status(), 200);
    let edited: Comment = res.json().await.expect("comment");
    assert_eq!(edited.body_html, "<p><em>first</em>, sorry</p>\n");
    assert!(edited.edited_at.is_some());
    let page = s.thread("key=t", Some(&t)).await;
    let stored = find(&page.comments, &id).expect("still there");
    assert_eq!(stored.body_html, edited.body_html);
    assert_eq!(stored.edited_at, edited.edited_at);
    let anonymous = s.thread("key=t", None).await;
    assert_eq!(
        find(&anonymous.comments, &id).and_then(|c| c.editable_until.clone()),
        None,
        "only for the author"
    );

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let page = s.thread("key=t", Some(&t)).await;
    assert_eq!(
        find(&page.comments, &id).and_then(|c| c.editable_until.clone()),
        None,
        "the window has closed"
    );
    let message = expect_error(
        patch(&s, Some(&t), &id, "too late").await,
        403,
        ErrorCode::EditWindowClosed,
    )
    .await;
    assert_eq!(
        message,
        "Comments can be edited for 1 second after posting; this one can no longer be changed."
    );
    expect_error(
        delete(&s, Some(&t), &id).await,
        403,
        ErrorCode::EditWindowClosed,
    )
    .await;
    let page = s.thread("key=t", None).await;
    assert_eq!(
        find(&page.comments, &id).map(|c| c.body_html.as_str()),
        Some("<p><em>first</em>, sorry</p>\n")
    );
}

#[tokio::test]
async fn nobody_else_may_change_a_comment() {
    let s = TestServer::start().await;
    let author = s.reader().await;
    let other = s.reader().await;
    let id = s.post_id(&author, "t", None, "mine").await;
    let message = expect_error(
        patch(&s, Some(&other), &id, "yours now").await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert!(message.contains("Only the reader who wrote"), "{message}");
    expect_error(
        delete(&s, Some(&other), &id).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    expect_error(
        patch(&s, None, &id, "anyone?").await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(delete(&s, None, &id).await, 401, ErrorCode::Unauthorized).await;
    expect_error(
        patch(&s, Some(&author), "nope", "x").await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        patch(&s, Some(&author), &id, "  ").await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    let page = s.thread("key=t", Some(&other)).await;
    assert_eq!(
        page.comments.first().map(|c| c.body_html.as_str()),
        Some("<p>mine</p>\n")
    );
    assert_eq!(
        page.comments.first().and_then(|c| c.editable_until.clone()),
        None
    );
}

#[tokio::test]
async fn deleting_keeps_a_placeholder_only_for_comments_with_replies() {
    let s = TestServer::start().await;
    let a = s.reader().await;
    let b = s.reader().await;
    let parent = s.post_id(&a, "t", None, "parent").await;
    let reply = s.post_id(&b, "t", Some(&parent), "reply").await;
    let leaf = s.post_id(&a, "t", None, "lonely").await;
    let own_reply = s.post_id(&a, "t", Some(&parent), "second reply").await;
    assert_eq!(s.thread("key=t", None).await.thread.comment_count, 4);

    assert_eq!(delete(&s, Some(&a), &parent).await.status(), 204);
    let page = s.thread("key=t&sort=oldest", Some(&a)).await;
    assert_eq!(page.thread.comment_count, 3);
    let placeholder = find(&page.comments, &parent).expect("kept for its replies");
    assert!(placeholder.deleted);
    assert_eq!(
        (
            placeholder.author.as_deref(),
            placeholder.body_html.as_str()
        ),
        (None, "")
    );
    assert_eq!(placeholder.editable_until, None);
    assert!(find(&page.comments, &reply).is_some());

    assert_eq!(delete(&s, Some(&a), &leaf).await.status(), 204);
    assert_eq!(delete(&s, Some(&a), &own_reply).await.status(), 204);
    let page = s.thread("key=t&sort=oldest", None).await;
    assert_eq!(page.thread.comment_count, 1);
    assert!(
        find(&page.comments, &leaf).is_none(),
        "gone without replies"
    );
    assert!(find(&page.comments, &own_reply).is_none());
    assert_eq!(
        find(&page.comments, &parent).map(|c| c.reply_count),
        Some(1),
        "the count drops"
    );
    let counts: Value = s
        .send(
            Method::POST,
            "/api/v1/counts",
            None,
            Some(json!({"threads": ["t"]})),
        )
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(counts["counts"]["t"], 1);

    expect_error(delete(&s, Some(&a), &leaf).await, 404, ErrorCode::NotFound).await;
    expect_error(
        patch(&s, Some(&a), &parent, "undo").await,
        404,
        ErrorCode::NotFound,
    )
    .await;

    // The last visible reply going takes the placeholder with it.
    assert_eq!(delete(&s, Some(&b), &reply).await.status(), 204);
    let page = s.thread(&q("t"), None).await;
    assert!(page.comments.is_empty());
    assert_eq!(page.thread.comment_count, 0);
}
