//! The adapter against answers recorded from a real Waline 1.39.3 (see docs/backends.md).

use std::collections::HashMap;

use talkback_protocol::{CommentId, Cursor, NewComment, SortOrder, Vote};

use super::*;
use crate::backend::local::Marks;

const LIST: &str = r#"{"errno":0,"errmsg":"","data":{"page":1,"totalPages":2,"pageSize":10,"count":4,"data":[
 {"status":"approved","comment":"<p>Hello <strong>world</strong></p>\n","link":"","nick":"Ann","pid":null,"rid":null,"user_id":null,"sticky":null,"like":3,"objectId":1,"browser":"","os":"","avatar":"https://seccdn.libravatar.org/avatar/d41d8cd98f00b204e9800998ecf8427e","orig":"Hello **world**","time":1795657066000,"children":[
  {"status":"approved","comment":"<p>reply one</p>\n","link":null,"nick":"Bob","pid":1,"rid":1,"user_id":null,"sticky":null,"like":0,"objectId":2,"avatar":"https://seccdn.libravatar.org/avatar/37a6259cc0c1dae299a7866489dff0bd","time":1795657067000,"reply_user":{"nick":"Ann","link":"","avatar":""}},
  {"status":"approved","comment":"<p>reply to Bob</p>\n","link":null,"nick":null,"pid":"2","rid":"1","like":1,"objectId":"5","avatar":"","time":1795657068000,"reply_user":{"nick":"Bob"}},
  {"status":"approved","comment":"<p>parent gone</p>\n","nick":"Cy","pid":99,"rid":1,"like":0,"objectId":6,"time":1795657069000}]},
 {"status":"approved","comment":"<p>second</p>\n","nick":"Di","pid":null,"rid":null,"like":0,"objectId":3,"time":1795657070000,"children":[]}]}}"#;

const POSTED: &str = r#"{"errno":0,"errmsg":"","data":{"nick":"Bob","pid":1,"rid":1,"url":"/a","comment":"<p>reply one</p>\n","status":"approved","objectId":2,"browser":"","os":"","avatar":"https://seccdn.libravatar.org/avatar/5e543256c480ac577d30f76f9120eb74","orig":"reply one","like":0,"time":1795657066423}}"#;
const TOO_FAST: &str = r#"{"errno":1000,"errmsg":"Comment too fast!"}"#;
const DUPLICATE: &str = r#"{"errno":1000,"errmsg":"Duplicate Content"}"#;
const BLANK: &str = r#"{"errno":1001,"errmsg":{"comment":"comment can not be blank"}}"#;
const UNAUTHORIZED: &str = r#"{"errno":401,"errmsg":"Unauthorized"}"#;
const BAD_PARAMS: &str = r#"{"errno":400,"errmsg":"Incorrect parameter format"}"#;
const NOT_FOUND: &str = r#"{"errno":404,"errmsg":"url `/api/nope` not found."}"#;
const LIKED: &str = r#"{"errno":0,"errmsg":"","data":{"id":1,"user_id":null,"comment":"<p>Hello <strong>world</strong></p>\n","link":"","nick":"Ann","rid":null,"pid":null,"sticky":null,"status":"approved","like":1,"url":"/a","browser":"","os":"","avatar":"https://seccdn.libravatar.org/avatar/d41d8cd98f00b204e9800998ecf8427e","orig":"Hello **world**","time":1795657066000}}"#;
const LIKE_UNKNOWN: &str = r#"{"errno":0,"errmsg":"","data":""}"#;

fn id(s: &str) -> CommentId {
    CommentId::parse(s).unwrap()
}

fn nobody() -> Marks {
    Marks::default()
}

#[test]
fn a_page_becomes_a_tree_with_replies_under_the_comment_they_answer() {
    let votes = nobody();
    let mut roots = HashMap::new();
    let page = thread_page("/a", 200, LIST, Mine { votes: &votes }, &mut roots).unwrap();
    let shape: Vec<(&str, Option<&str>)> = page
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.parent_id.as_ref().map(CommentId::as_str)))
        .collect();
    assert_eq!(
        shape,
        [
            ("1", None),
            ("2", Some("1")),
            ("5", Some("2")),
            ("6", Some("1")),
            ("3", None)
        ],
        "pid places a reply under its parent; an unknown pid falls back to rid"
    );
    assert_eq!(page.thread.comment_count, 4);
    assert_eq!(page.next_cursor, Some(Cursor("2".into())));
    assert_eq!(page_of(page.next_cursor.as_ref()).unwrap(), 2);
    let first = &page.comments[0];
    assert_eq!(first.author.as_deref(), Some("Ann"));
    assert_eq!((first.score, first.upvotes, first.downvotes), (3, 3, 0));
    assert_eq!(first.reply_count, 2);
    assert_eq!(first.created_at, "2026-11-26T01:37:46Z");
    assert_ne!(
        first.avatar_seed, page.comments[1].avatar_seed,
        "readers without an email still get their own picture"
    );
    assert_eq!(
        page.comments[2].author, None,
        "a reply without a name is a guest"
    );
    assert_eq!(page.comments[1].reply_count, 1);
    assert_eq!(
        roots.get(&5),
        Some(&1),
        "the root of every comment is learnt for replying"
    );
    assert_eq!(roots.get(&3), Some(&3));
}

#[test]
fn likes_given_here_are_shown_as_the_readers_vote() {
    let mut votes = nobody();
    votes.set_vote(&id("5"), Vote::Up);
    let page = thread_page("/a", 200, LIST, Mine { votes: &votes }, &mut HashMap::new()).unwrap();
    assert_eq!(page.comments[2].my_vote, Vote::Up);
    assert_eq!(page.comments[0].my_vote, Vote::None);
}

#[test]
fn a_reply_sends_its_parent_and_its_root() {
    let roots = HashMap::from([(5u64, 1u64), (1, 1)]);
    let reply = NewComment {
        thread: "/a".into(),
        parent_id: Some(id("5")),
        author: Some("Eve".into()),
        body: "Agreed".into(),
        ..NewComment::default()
    };
    let json: serde_json::Value =
        serde_json::from_str(&post_json(&reply, &roots).unwrap()).unwrap();
    assert_eq!(
        (json["pid"].clone(), json["rid"].clone()),
        (5.into(), 1.into())
    );
    assert_eq!(json["url"], "/a");
    assert_eq!(json["comment"], "Agreed");
    assert_eq!(json["nick"], "Eve");
    let top = NewComment {
        parent_id: None,
        author: None,
        ..reply
    };
    let json: serde_json::Value = serde_json::from_str(&post_json(&top, &roots).unwrap()).unwrap();
    assert!(json.get("pid").is_none() && json.get("rid").is_none());
    assert_eq!(json["nick"], serde_json::Value::Null);
}

#[test]
fn the_posted_comment_keeps_its_parent() {
    let votes = nobody();
    let c = posted(200, POSTED, Some(&id("1")), Mine { votes: &votes }).unwrap();
    assert_eq!(c.id, id("2"));
    assert_eq!(c.parent_id, Some(id("1")));
    assert_eq!(c.body_html, "<p>reply one</p>\n");
}

#[test]
fn errno_envelopes_with_http_200_become_clear_messages() {
    let votes = nobody();
    let post =
        |status: u16, body: &str| posted(status, body, None, Mine { votes: &votes }).unwrap_err();
    assert_eq!(
        post(200, TOO_FAST).to_string(),
        "You're posting faster than this comment server allows. Wait a minute, then post again."
    );
    assert_eq!(
        post(200, DUPLICATE).to_string(),
        "You already posted this exact comment here."
    );
    assert_eq!(
        post(200, BLANK).to_string(),
        "Write something before posting."
    );
    assert!(
        post(401, UNAUTHORIZED)
            .to_string()
            .contains("can't be edited or deleted")
    );
    assert_eq!(
        post(400, BAD_PARAMS).to_string(),
        "The comment server refused the request (error 400). Please try again later."
    );
    assert_eq!(
        post(404, NOT_FOUND).to_string(),
        "The comment server couldn't find that. It may have been removed."
    );
    assert_eq!(
        post(200, r#"{"errno":1000,"errmsg":"Forbidden word"}"#).to_string(),
        "The comment server refused this: Forbidden word"
    );
    assert_eq!(
        post(200, r#"{"errno":403,"errmsg":""}"#).to_string(),
        "The comment server refused this.",
        "an errno that is an HTTP status is read as one"
    );
    assert!(post(500, "Internal Server Error").is_transient());
}

#[test]
fn null_and_garbage_bodies_are_errors_not_panics() {
    let votes = nobody();
    for body in [
        "",
        "null",
        "[]",
        "<html>",
        r#"{"errno":0,"data":null}"#,
        r#"{"errno":0,"data":{"data":[{"nick":"x"}]}}"#,
    ] {
        assert!(
            thread_page("/a", 200, body, Mine { votes: &votes }, &mut HashMap::new()).is_err(),
            "{body:?}"
        );
        assert!(
            posted(200, body, None, Mine { votes: &votes }).is_err(),
            "{body:?}"
        );
    }
}

#[test]
fn likes_count_and_unknown_ids_are_not_found() {
    let ok = vote_result(&id("1"), Vote::Up, 200, LIKED).unwrap();
    assert_eq!(
        (ok.score, ok.upvotes, ok.downvotes, ok.my_vote),
        (1, 1, 0, Vote::Up)
    );
    assert!(matches!(
        vote_result(&id("1"), Vote::Up, 200, r#"{"errno":0,"errmsg":"","data":{"id":1}}"#),
        Err(BackendError::Malformed(_))
    ));
    let unknown = vote_result(&id("999"), Vote::Up, 200, LIKE_UNKNOWN).unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "The comment server couldn't find that. It may have been removed."
    );
    assert!(matches!(
        like_json(Vote::Down),
        Err(BackendError::Unsupported(_))
    ));
    assert_eq!(like_json(Vote::None).unwrap(), r#"{"like":false}"#);
}

#[test]
fn urls_follow_waline_routes() {
    assert_eq!(
        list_url(
            "http://127.0.0.1:8360/",
            "/2026/a b",
            SortOrder::Best,
            2,
            50
        ),
        "http://127.0.0.1:8360/api/comment?path=%2F2026%2Fa%20b&page=2&pageSize=50&sortBy=like_desc"
    );
    assert_eq!(post_url("http://w"), "http://w/api/comment");
    assert_eq!(like_url("http://w", 9), "http://w/api/comment/9");
    assert!(page_of(Some(&Cursor("0".into()))).is_err());
}
