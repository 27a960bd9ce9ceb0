//! The context route behind permalinks: a deep comment with its ancestors and its replies.

use reqwest::Method;
use talkback_protocol::{ContextPage, ErrorCode, RepliesPage};

use crate::common::{TestServer, expect_error};

#[tokio::test]
async fn a_comment_8_levels_deep_comes_with_its_ancestor_path_and_replies() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    // Enough top-level comments that the chain's root is not on a first page of 5.
    let root = s.post_id(&t, "t", None, "root of the argument").await;
    for i in 0..8 {
        s.post(&t, "t", None, &format!("later top-level {i}")).await;
    }
    let mut chain = vec![root.clone()];
    for depth in 1..=8 {
        let parent = chain.last().cloned().unwrap_or_default();
        // A sibling at every level, which the context must leave out.
        s.post(&t, "t", Some(&parent), &format!("aside at depth {depth}"))
            .await;
        chain.push(
            s.post_id(&t, "t", Some(&parent), &format!("depth {depth}"))
                .await,
        );
    }
    let target = chain[8].clone();
    let child = s
        .post_id(&t, "t", Some(&target), "reply to the deep one")
        .await;
    let grandchild = s.post_id(&t, "t", Some(&child), "and one more").await;

    let first = s.thread("key=t&limit=5&replies=1&sort=newest", None).await;
    assert!(
        first.comments.iter().all(|c| c.id.as_str() != target),
        "the target is not on the first page"
    );

    let ctx: ContextPage = s
        .get(
            &format!("/api/v1/comments/{target}/context?sort=oldest"),
            None,
        )
        .await;
    assert_eq!(ctx.target.as_str(), target);
    assert_eq!(ctx.thread.key, "t");
    assert_eq!(ctx.thread.comment_count, 9 + 16 + 2);
    let ids: Vec<&str> = ctx.comments.iter().map(|c| c.id.as_str()).collect();
    let mut expected: Vec<&str> = chain.iter().map(String::as_str).collect();
    expected.extend([child.as_str(), grandchild.as_str()]);
    assert_eq!(
        ids, expected,
        "ancestors root first, the target, then its replies"
    );
    for pair in ctx.comments.windows(2) {
        assert_eq!(
            pair[1].parent_id.as_ref(),
            Some(&pair[0].id),
            "each comment replies to the one before"
        );
    }
    for ancestor in &ctx.comments[..8] {
        assert_eq!(
            ancestor.reply_count, 2,
            "counts include the replies left out"
        );
        assert!(
            ancestor.replies_cursor.is_some(),
            "a way to fetch the siblings"
        );
    }
    let target_c = &ctx.comments[8];
    assert_eq!(
        (target_c.reply_count, target_c.replies_cursor.is_none()),
        (1, true)
    );

    // The ancestor's cursor leads to all its replies, including the one on the path.
    let cursor = ctx.comments[3]
        .replies_cursor
        .clone()
        .map(|c| c.0)
        .unwrap_or_default();
    let path = format!(
        "/api/v1/comments/{}/replies?sort=oldest&cursor={cursor}&limit=100",
        chain[3]
    );
    let siblings: RepliesPage = s.get(&path, None).await;
    let direct: Vec<&str> = siblings
        .comments
        .iter()
        .filter(|c| c.parent_id.as_ref().is_some_and(|p| p.as_str() == chain[3]))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(direct.len(), 2);
    assert!(direct.contains(&chain[4].as_str()));
}

#[tokio::test]
async fn context_of_missing_or_vanished_comments_is_not_found() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let gone = s.post_id(&t, "t", None, "soon gone").await;
    let res = s
        .send(
            Method::DELETE,
            &format!("/api/v1/comments/{gone}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = s
        .send(
            Method::GET,
            &format!("/api/v1/comments/{gone}/context"),
            None,
            None,
        )
        .await;
    expect_error(res, 404, ErrorCode::NotFound).await;
    let res = s
        .send(Method::GET, "/api/v1/comments/nope/context", None, None)
        .await;
    expect_error(res, 404, ErrorCode::NotFound).await;
    let res = s
        .send(
            Method::GET,
            "/api/v1/comments/nope/context?replies=101",
            None,
            None,
        )
        .await;
    expect_error(res, 422, ErrorCode::ValidationFailed).await;
}
