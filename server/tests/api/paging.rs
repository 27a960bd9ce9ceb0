use std::collections::HashSet;

use reqwest::Method;
use talkback_protocol::RepliesPage;

use crate::common::TestServer;

#[tokio::test]
async fn top_level_pages_continue_without_overlap() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let mut posted = Vec::new();
    for i in 0..7 {
        posted.push(
            s.post(&t, "t", None, &format!("comment {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut seen = Vec::new();
    let mut query = "key=t&limit=3&sort=oldest".to_owned();
    let mut pages = 0;
    loop {
        let page = s.thread(&query, None).await;
        pages += 1;
        assert!(page.comments.len() <= 3);
        assert_eq!(page.thread.comment_count, 7);
        seen.extend(page.comments.iter().map(|c| c.id.as_str().to_owned()));
        match page.next_cursor {
            Some(c) => query = format!("key=t&limit=3&sort=oldest&cursor={}", c.0),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, posted, "every comment once, oldest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);
}

#[tokio::test]
async fn held_back_replies_come_from_the_replies_route() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let parent = s.post(&t, "t", None, "parent").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut replies = Vec::new();
    for i in 0..4 {
        replies.push(
            s.post(&t, "t", Some(&parent), &format!("reply {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let nested = s.post(&t, "t", Some(&replies[2]), "nested").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let page = s.thread("key=t&replies=1&sort=oldest", None).await;
    let ids: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [parent.as_str(), replies[0].as_str()]);
    let head = &page.comments[0];
    assert_eq!(head.reply_count, 4);
    let cursor = head
        .replies_cursor
        .clone()
        .expect("a replies cursor for the held-back replies")
        .0;
    assert!(page.comments[1].replies_cursor.is_none());

    let path = format!("/api/v1/comments/{parent}/replies?limit=2&sort=oldest&cursor={cursor}");
    let more: RepliesPage = s
        .send(Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = more.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [replies[1].as_str(), replies[2].as_str(), nested.as_str()]
    );
    let next = more.next_cursor.expect("one reply still to come").0;

    let path = format!("/api/v1/comments/{parent}/replies?limit=2&sort=oldest&cursor={next}");
    let last: RepliesPage = s
        .send(Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = last.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [replies[3].as_str()]);
    assert!(last.next_cursor.is_none());
}
