//! Abuse resistance over real HTTP: rate limits (429 + Retry-After) per reader and per
//! address, shared by two instances on one database; the token-farming ceiling; self-votes;
//! the honeypot, time-to-submit, link limit, duplicates and the word list.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use talkback_protocol::{ErrorBody, ErrorCode};
use talkback_server::Config;
use talkback_server::abuse::{AbuseConfig, Switch};

use crate::common::{TestServer, expect_error};

/// A server with every abuse rule off except what `adjust` turns on.
async fn server(adjust: impl FnOnce(&mut AbuseConfig)) -> TestServer {
    TestServer::start_with(|c: &mut Config| {
        c.abuse = AbuseConfig::off();
        adjust(&mut c.abuse);
    })
    .await
}

/// Rate limits on, each at `limit` except the ones `adjust` lowers (0 would turn them off).
fn rates(a: &mut AbuseConfig) {
    a.rate_limits = Switch::On;
    a.posts_per_minute = 1000;
    a.posts_per_hour = 1000;
    a.ip_posts_per_minute = 1000;
    a.ip_posts_per_hour = 1000;
    a.votes_per_minute = 1000;
    a.ip_votes_per_minute = 1000;
    a.new_readers_per_hour = 1000;
}

async fn post(s: &TestServer, token: &str, body: Value) -> Response {
    s.post_raw(Some(token), body).await
}

fn comment(body: &str) -> Value {
    json!({ "thread": "https://news.example/abuse", "body": body })
}

async fn vote(s: &TestServer, token: &str, id: &str, value: i8) -> Response {
    s.send(
        Method::PUT,
        &format!("/api/v1/comments/{id}/vote"),
        Some(token),
        Some(json!({ "value": value })),
    )
    .await
}

/// Asserts a 429 whose `Retry-After` header and `retry_after` agree, at most `window` seconds,
/// and whose message says the wait in seconds; returns the message.
async fn expect_rate_limited(res: Response, window: u64) -> String {
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let header: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in whole seconds");
    assert!((1..=window).contains(&header), "Retry-After {header}");
    let body: ErrorBody = res.json().await.expect("error body");
    assert_eq!(body.error.code, ErrorCode::RateLimited);
    assert_eq!(
        body.error.retry_after,
        Some(header),
        "body and header agree"
    );
    assert!(
        body.error
            .message
            .contains(&format!("try again in {header} s")),
        "{}",
        body.error.message
    );
    body.error.message
}

#[tokio::test]
async fn posts_over_the_reader_limit_get_429_with_retry_after() {
    let s = server(|a| {
        rates(a);
        a.posts_per_minute = 2;
    })
    .await;
    let t = s.reader().await;
    for n in 0..2 {
        let res = post(&s, &t, comment(&format!("post {n}"))).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let message = expect_rate_limited(post(&s, &t, comment("post 3")).await, 60).await;
    assert!(message.contains("posting too fast"), "{message}");
    let other = s.reader().await;
    let res = post(&s, &other, comment("someone else")).await;
    assert_eq!(res.status(), StatusCode::CREATED, "the limit is per reader");
}

#[tokio::test]
async fn posts_over_the_address_limit_get_429_whichever_reader_sends_them() {
    let s = server(|a| {
        rates(a);
        a.ip_posts_per_hour = 3;
    })
    .await;
    for n in 0..3 {
        let t = s.reader().await;
        let res = post(&s, &t, comment(&format!("reader {n}"))).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let fresh = s.reader().await;
    expect_rate_limited(post(&s, &fresh, comment("a fourth reader")).await, 3600).await;
}

#[tokio::test]
async fn votes_over_the_reader_and_address_limits_get_429() {
    let s = server(|a| {
        rates(a);
        a.votes_per_minute = 2;
        a.ip_votes_per_minute = 3;
    })
    .await;
    let author = s.reader().await;
    let ids: Vec<String> = futures_ids(&s, &author, 3).await;
    let voter = s.reader().await;
    for id in &ids[..2] {
        assert_eq!(vote(&s, &voter, id, 1).await.status(), StatusCode::OK);
    }
    let message = expect_rate_limited(vote(&s, &voter, &ids[2], 1).await, 60).await;
    assert!(message.contains("voting too fast"), "{message}");
    // The third vote from this address was counted too; the next reader is over the
    // address limit of 3 at once.
    let second = s.reader().await;
    expect_rate_limited(vote(&s, &second, &ids[0], 1).await, 60).await;
}

async fn futures_ids(s: &TestServer, token: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            s.post_id(token, "https://news.example/abuse", None, &format!("c{i}"))
                .await,
        );
    }
    ids
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_limits() {
    let a = server(|a| {
        rates(a);
        a.posts_per_minute = 2;
    })
    .await;
    let mut config = a.config.clone();
    config.listen = "127.0.0.1:0".into();
    let b = TestServer::start_in(tempfile::tempdir().expect("dir"), config).await;
    let t = a.reader().await;
    assert_eq!(
        post(&a, &t, comment("on a")).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(&b, &t, comment("on b")).await.status(),
        StatusCode::CREATED
    );
    expect_rate_limited(post(&a, &t, comment("on a again")).await, 60).await;
    expect_rate_limited(post(&b, &t, comment("on b again")).await, 60).await;
}

#[tokio::test]
async fn token_farming_hits_a_ceiling_per_address_range_that_operators_can_see() {
    let s = server(|a| {
        rates(a);
        a.new_readers_per_hour = 3;
    })
    .await;
    for _ in 0..3 {
        s.reader().await;
    }
    let res = s.send(Method::POST, "/api/v1/readers", None, None).await;
    let message = expect_rate_limited(res, 3600).await;
    assert!(
        message.contains("new readers from your network"),
        "{message}"
    );
    let res = s.send(Method::POST, "/api/v1/readers", None, None).await;
    expect_rate_limited(res, 3600).await;
    let store = talkback_server::store::open(&s.config.db)
        .await
        .expect("store");
    let farmed = store
        .counters(
            talkback_server::abuse::FARMING_PREFIX.into(),
            talkback_server::clock::now_micros(),
        )
        .await
        .expect("counters");
    let seen: Vec<(&str, u64)> = farmed.iter().map(|c| (c.key.as_str(), c.count)).collect();
    assert_eq!(
        seen,
        [("farm:127.0.0.0/24", 2)],
        "refusals are counted per range"
    );
}

#[tokio::test]
async fn readers_cannot_vote_on_their_own_comments() {
    let s = server(|_| {}).await;
    let author = s.reader().await;
    let id = s
        .post_id(&author, "https://news.example/abuse", None, "mine")
        .await;
    for value in [1, -1] {
        let message = expect_error(
            vote(&s, &author, &id, value).await,
            403,
            ErrorCode::OwnComment,
        )
        .await;
        assert!(message.contains("your own comment"), "{message}");
    }
    assert_eq!(
        vote(&s, &author, &id, 0).await.status(),
        StatusCode::OK,
        "withdrawing is allowed"
    );
    let other = s.reader().await;
    assert_eq!(vote(&s, &other, &id, 1).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_filled_honeypot_is_refused_with_a_message_a_person_understands() {
    let s = server(|_| {}).await;
    let t = s.reader().await;
    let mut bot = comment("Great article, visit my site");
    bot["website"] = json!("https://spam.example");
    let message = expect_error(post(&s, &t, bot).await, 422, ErrorCode::ValidationFailed).await;
    assert!(message.contains("hidden form field"), "{message}");
    let mut human = comment("Great article");
    human["website"] = json!("");
    assert_eq!(post(&s, &t, human).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn posts_sent_faster_than_a_person_writes_are_refused() {
    let s = server(|a| a.min_submit_ms = 2500).await;
    let t = s.reader().await;
    let mut quick = comment("first!");
    quick["form_shown_ms"] = json!(400);
    let message = expect_error(post(&s, &t, quick).await, 422, ErrorCode::ValidationFailed).await;
    assert!(message.contains("That was quick"), "{message}");
    let mut considered = comment("A considered reply");
    considered["form_shown_ms"] = json!(12_000);
    assert_eq!(post(&s, &t, considered).await.status(), StatusCode::CREATED);
    let res = post(&s, &t, comment("from a client that does not measure")).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "omitting the field is fine"
    );
}

#[tokio::test]
async fn comments_with_too_many_links_are_refused_saying_how_many_are_allowed() {
    let s = server(|a| a.max_links = 2).await;
    let t = s.reader().await;
    let spam = comment("https://a.example [b](https://b.example) www.c.example");
    let message = expect_error(post(&s, &t, spam).await, 422, ErrorCode::ValidationFailed).await;
    assert!(
        message.contains("at most 2 links") && message.contains("has 3"),
        "{message}"
    );
    let ok = comment("Sources: https://a.example and https://b.example");
    assert_eq!(post(&s, &t, ok).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_same_text_again_is_a_duplicate_unless_it_is_the_same_post_retried() {
    let s = server(|a| a.duplicate_window = 600).await;
    let t = s.reader().await;
    let mut first = comment("I could not agree more.");
    first["client_token"] = json!("tok-1");
    assert_eq!(
        post(&s, &t, first.clone()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(&s, &t, first).await.status(),
        StatusCode::OK,
        "a retry is answered, not refused"
    );
    let again = comment("i could NOT   agree more");
    let message = expect_error(post(&s, &t, again).await, 409, ErrorCode::Duplicate).await;
    assert!(message.contains("same comment"), "{message}");
    let neighbour = s.reader().await;
    let res = post(&s, &neighbour, comment("I could not agree more.")).await;
    expect_error(res, 409, ErrorCode::Duplicate).await;
    let res = post(&s, &t, comment("Something else entirely.")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_refused_post_does_not_block_posting_the_same_text_again() {
    let s = server(|a| a.duplicate_window = 600).await;
    let t = s.reader().await;
    let mut reply = comment("Replying to nothing");
    reply["parent_id"] = json!("doesNotExist");
    expect_error(post(&s, &t, reply).await, 422, ErrorCode::ValidationFailed).await;
    assert_eq!(
        post(&s, &t, comment("Replying to nothing")).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn word_list_matches_are_held_for_a_moderator_not_dropped() {
    let dir = tempfile::tempdir().expect("dir");
    let list = dir.path().join("words.txt");
    std::fs::write(&list, "# sent to the queue\ncasino\ncheap pills\n").expect("word list");
    let s = server(|a| a.word_list = Some(list.clone())).await;
    let t = s.reader().await;
    let res = post(&s, &t, comment("Try our CASINO tonight!")).await;
    assert_eq!(res.status(), StatusCode::CREATED, "a match is stored");
    let held: Value = res.json().await.expect("json");
    assert_eq!(held["status"], "held", "{held}");
    let res = post(
        &s,
        &t,
        comment("Casinos bore me; cheap prices and pills too."),
    )
    .await;
    let fine: Value = res.json().await.expect("json");
    assert_eq!(
        fine["status"], "visible",
        "whole words and phrases only: {fine}"
    );

    let key = crate::common::q("https://news.example/abuse");
    let others = s.thread(&key, None).await;
    let ids: Vec<&str> = others.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [fine["id"].as_str().expect("id")],
        "others do not see the held comment"
    );
    let author = s.thread(&key, Some(&t)).await;
    assert_eq!(author.comments.len(), 2, "its author still sees it");
}
