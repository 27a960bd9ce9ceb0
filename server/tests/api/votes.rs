use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestServer, expect_error};
use talkback_protocol::{ErrorCode, Vote};

async fn vote(s: &TestServer, token: &str, id: &str, value: i8) -> Value {
    let res = s
        .send(
            Method::PUT,
            &format!("/api/v1/comments/{id}/vote"),
            Some(token),
            Some(json!({"value": value})),
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn tallies(v: &Value) -> (i64, i64, i64) {
    (
        v["upvotes"].as_i64().unwrap(),
        v["downvotes"].as_i64().unwrap(),
        v["score"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn one_reader_has_one_vote_that_can_switch_and_be_withdrawn() {
    let s = TestServer::start().await;
    let author = s.reader().await;
    let token = s.reader().await;
    let id = s.post(&author, "t", None, "vote on me").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(tallies(&vote(&s, &token, &id, 1).await), (1, 0, 1));
    assert_eq!(
        tallies(&vote(&s, &token, &id, 1).await),
        (1, 0, 1),
        "a repeated vote counts once"
    );
    let switched = vote(&s, &token, &id, -1).await;
    assert_eq!(tallies(&switched), (0, 1, -1));
    assert_eq!(switched["my_vote"], -1);
    let withdrawn = vote(&s, &token, &id, 0).await;
    assert_eq!(tallies(&withdrawn), (0, 0, 0));
    assert_eq!(withdrawn["my_vote"], 0);
}

#[tokio::test]
async fn votes_of_readers_add_up_and_each_sees_their_own() {
    let s = TestServer::start().await;
    let (a, b, c) = (s.reader().await, s.reader().await, s.reader().await);
    let author = s.reader().await;
    let id = s.post(&author, "t", None, "popular").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    vote(&s, &a, &id, 1).await;
    vote(&s, &b, &id, 1).await;
    assert_eq!(tallies(&vote(&s, &c, &id, -1).await), (2, 1, 1));

    let mine = |page: talkback_protocol::ThreadPage| page.comments[0].my_vote;
    assert_eq!(mine(s.thread("key=t", Some(&a)).await), Vote::Up);
    assert_eq!(mine(s.thread("key=t", Some(&c)).await), Vote::Down);
    assert_eq!(mine(s.thread("key=t", None).await), Vote::None);
    // A stale token reads like none, so a reader whose token was lost can still read.
    assert_eq!(
        mine(s.thread("key=t", Some("no-such-token")).await),
        Vote::None
    );
    let page = s.thread("key=t", None).await;
    assert_eq!(
        (
            page.comments[0].upvotes,
            page.comments[0].downvotes,
            page.comments[0].score
        ),
        (2, 1, 1)
    );
}

#[tokio::test]
async fn voting_on_an_unknown_comment_is_not_found() {
    let s = TestServer::start().await;
    let token = s.reader().await;
    let res = s
        .send(
            Method::PUT,
            "/api/v1/comments/nothingHere/vote",
            Some(&token),
            Some(json!({"value": 1})),
        )
        .await;
    expect_error(res, 404, ErrorCode::NotFound).await;
}
