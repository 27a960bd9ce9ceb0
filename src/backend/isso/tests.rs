//! The adapter against answers recorded from a real Isso 0.14.0 (see docs/backends.md).

use talkback_protocol::{CommentId, NewComment, SortOrder, Vote};

use super::*;
use crate::backend::local::Marks;

const THREAD: &str = r#"{"id": null, "total_replies": 4, "hidden_replies": 1, "replies": [
 {"id": 1, "parent": null, "created": 1795657032.743185, "modified": null, "mode": 1,
  "text": "<p>hi there</p>", "author": "Ann &amp; Co", "website": null, "likes": 3, "dislikes": 1,
  "hash": "4505c1eeda98", "total_replies": 2, "hidden_replies": 0, "replies": [
   {"id": 2, "parent": 1, "created": 1795657040.0, "modified": 1795657100.5, "mode": 1,
    "text": "<p>reply</p>", "author": null, "website": null, "likes": 0, "dislikes": 0, "hash": "aa11"},
   {"id": 4, "parent": 1, "created": 1795657050.0, "modified": null, "mode": 4,
    "text": "", "author": null, "website": null, "likes": 0, "dislikes": 0, "hash": "bb22"}]},
 {"id": 3, "parent": null, "created": 1795657060.0, "modified": null, "mode": 1,
  "text": "<p>second</p>", "author": "Bo", "website": null, "likes": 0, "dislikes": 2,
  "hash": "cc33", "total_replies": 0, "hidden_replies": 0, "replies": []}],
 "config": {"reply-to-self": false}}"#;

const NEW: &str = r#"{"id": 7, "parent": 1, "created": 1795657032.743185, "modified": null, "mode": 1, "text": "<p>hi there</p>", "author": "Ann", "website": null, "likes": 0, "dislikes": 0, "notification": null, "hash": "4505c1eeda98"}"#;

const SHORT: &str = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>text is too short (minimum length: 3)</p>\n";
const LONG: &str = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>text is too long (maximum length: 65535)</p>\n";
const BAD_JSON: &str = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Unable to read JSON request</p>\n";
const NO_TITLE: &str = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Cannot create new thread: URI /a is not accessible and no title was provided. Please provide a title parameter in your request.</p>\n";
const BAD_SORT: &str = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Invalid sort option. Must be one of: &#39;newest&#39;, &#39;oldest&#39;, &#39;upvotes&#39;</p>\n";
const CSRF: &str = "<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n<p>CSRF</p>\n";
const FORBIDDEN: &str = "<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n<p>You don&#39;t have the permission to access the requested resource. It is either read-protected or not readable by the server.</p>\n";
const NOT_FOUND: &str = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";
const TOO_LARGE: &str = "<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n<h1>Request Entity Too Large</h1>\n<p>The data value transmitted exceeds the capacity limit.</p>\n";
const VOTE_REFUSED: &str = r#"{"likes": 1, "dislikes": 0, "message": "Upvote denied because a vote has already been registered for this remote address: 127.0.0.0"}"#;
const VOTE_FULL: &str = r#"{"likes": 140, "dislikes": 2, "message": "Upvote denied due to a \"likes + dislikes\" total too high (142 >= 142)"}"#;
const COOKIE: &str = "isso-7=WzEsIjU2MTcwZjU0MjliMzVkZWEwODFiYjY1OWI4ODRiNDc1Y2E5MzI5YTkiXQ.aweNSA.gb87artwBDmcBpNtsj5W9fKN12Q; Expires=Thu, 26 Nov 2026 01:52:12 GMT; Max-Age=900; Path=/; SameSite=Lax";

fn id(s: &str) -> CommentId {
    CommentId::parse(s).unwrap()
}

fn nobody() -> (Marks, Marks) {
    (Marks::default(), Marks::default())
}

fn mine<'a>(m: &'a (Marks, Marks)) -> Mine<'a> {
    Mine {
        votes: &m.0,
        own: &m.1,
        now_ms: 1_795_657_100_000,
    }
}

#[test]
fn a_thread_becomes_protocol_comments_in_order() {
    let m = nobody();
    let page = thread_page("/a", 200, THREAD, 0, mine(&m)).unwrap();
    assert_eq!(page.thread.key, "/a");
    assert_eq!(page.thread.comment_count, 4);
    let ids: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "4", "3"]);
    let first = &page.comments[0];
    assert_eq!(
        first.author.as_deref(),
        Some("Ann & Co"),
        "escaped names are unescaped"
    );
    assert_eq!(first.created_at, "2026-11-26T01:37:12Z");
    assert_eq!((first.score, first.upvotes, first.downvotes), (2, 3, 1));
    assert_eq!(first.reply_count, 2);
    assert_eq!(first.avatar_seed, "4505c1eeda98");
    assert_eq!(page.comments[1].parent_id, Some(id("1")));
    assert_eq!(page.comments[1].author, None, "no name is a guest");
    assert_eq!(
        page.comments[1].edited_at.as_deref(),
        Some("2026-11-26T01:38:20Z")
    );
    assert!(
        page.comments[2].deleted,
        "mode 4 is a deleted comment kept for its replies"
    );
    assert_eq!(page.comments[3].score, -2);
    assert_eq!(
        page.next_cursor,
        Some(talkback_protocol::Cursor("2".into()))
    );
    assert_eq!(offset_of(page.next_cursor.as_ref()).unwrap(), 2);
}

#[test]
fn votes_and_edit_windows_remembered_here_show_up() {
    let mut m = nobody();
    m.0.set_vote(&id("3"), Vote::Down);
    m.1.set(&id("1"), 1_795_657_200_000);
    m.1.set(&id("2"), 1_795_657_000_000);
    let page = thread_page("/a", 200, THREAD, 0, mine(&m)).unwrap();
    assert_eq!(page.comments[3].my_vote, Vote::Down);
    assert_eq!(
        page.comments[0].editable_until.as_deref(),
        Some("2026-11-26T01:40:00Z")
    );
    assert_eq!(
        page.comments[1].editable_until, None,
        "the window has closed"
    );
}

#[test]
fn the_edit_window_comes_from_the_cookie_copy() {
    assert_eq!(edit_window_ms(COOKIE), Some(900_000));
    assert_eq!(
        edit_window_ms("isso-7=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"),
        None
    );
    assert_eq!(edit_window_ms("garbage"), None);
    assert_eq!(edit_window_ms(""), None);
}

#[test]
fn a_new_comment_carries_the_title_and_a_numeric_parent() {
    let c = NewComment {
        thread: "/a".into(),
        parent_id: Some(id("12")),
        author: Some("Ann".into()),
        body: "Hello there".into(),
        title: None,
        url: Some("https://news.example/a".into()),
        ..NewComment::default()
    };
    let json: serde_json::Value = serde_json::from_str(&new_comment_json(&c).unwrap()).unwrap();
    assert_eq!(json["parent"], 12);
    assert_eq!(
        json["title"], "https://news.example/a",
        "never empty, so Isso does not fetch the page"
    );
    assert_eq!(json["text"], "Hello there");
    let bare = NewComment {
        thread: "/b".into(),
        body: "abc".into(),
        ..NewComment::default()
    };
    let json: serde_json::Value = serde_json::from_str(&new_comment_json(&bare).unwrap()).unwrap();
    assert_eq!(json["title"], "/b");
    assert_eq!(json["parent"], serde_json::Value::Null);
    let from_elsewhere = NewComment {
        parent_id: Some(id("c_1")),
        ..c
    };
    assert!(matches!(
        new_comment_json(&from_elsewhere),
        Err(BackendError::Unsupported(_))
    ));
}

#[test]
fn texts_isso_would_refuse_are_refused_before_sending() {
    let c = NewComment {
        thread: "/a".into(),
        body: " hi ".into(),
        ..NewComment::default()
    };
    let e = new_comment_json(&c).unwrap_err();
    assert!(e.to_string().contains("at least 3 characters"), "{e}");
    assert!(edit_json("ok").is_err());
    assert!(edit_json("okay").is_ok());
}

#[test]
fn the_stored_comment_is_read_from_201_and_202() {
    let m = nobody();
    for status in [201, 202] {
        let c = stored_comment(Action::Post, status, NEW, mine(&m)).unwrap();
        assert_eq!(c.id, id("7"));
        assert_eq!(c.parent_id, Some(id("1")));
    }
}

#[test]
fn every_html_error_page_becomes_a_clear_message() {
    let m = nobody();
    let post =
        |status: u16, body: &str| stored_comment(Action::Post, status, body, mine(&m)).unwrap_err();
    assert_eq!(
        post(400, SHORT).to_string(),
        "This comment server needs at least 3 characters. Please write a little more."
    );
    assert_eq!(
        post(400, LONG).to_string(),
        "That's too long for this comment server. Please shorten it."
    );
    assert!(post(400, NO_TITLE).to_string().contains("page's title"));
    assert_eq!(
        post(400, BAD_JSON).to_string(),
        "The comment server refused the request (error 400). Please try again later."
    );
    assert_eq!(
        post(403, CSRF).to_string(),
        "The comment server didn't accept this browser. Reload the page and try again."
    );
    assert_eq!(
        post(413, TOO_LARGE).to_string(),
        "That is too long to send. Please shorten it."
    );
    assert_eq!(
        post(403, "<p>ratelimit exceeded (2 comments per 60 seconds)</p>").to_string(),
        "The comment server refused this comment: ratelimit exceeded (2 comments per 60 seconds)"
    );
    let change = stored_comment(Action::Change, 403, FORBIDDEN, mine(&m)).unwrap_err();
    assert!(
        change
            .to_string()
            .starts_with("This comment can no longer be changed"),
        "{change}"
    );
    assert!(
        deleted(404, NOT_FOUND)
            .unwrap_err()
            .to_string()
            .contains("may have been deleted")
    );
    assert!(
        deleted(200, "null").is_ok(),
        "a deleted comment without replies answers null"
    );
    let read = thread_page("/a", 400, BAD_SORT, 0, mine(&m)).unwrap_err();
    assert!(
        read.to_string().contains("can't order comments that way"),
        "{read}"
    );
    let gone = thread_page("/a", 502, "<html>proxy</html>", 0, mine(&m)).unwrap_err();
    assert!(gone.is_transient());
    assert_eq!(
        html_message(BAD_SORT).as_deref(),
        Some("Invalid sort option. Must be one of: 'newest', 'oldest', 'upvotes'")
    );
}

#[test]
fn null_and_garbage_bodies_are_errors_not_panics() {
    let m = nobody();
    for body in [
        "null",
        "",
        "[]",
        "{\"replies\": 5}",
        "<html>",
        "{\"replies\":[{\"id\":-1}]}",
    ] {
        assert!(
            matches!(
                thread_page("/a", 200, body, 0, mine(&m)),
                Err(BackendError::Malformed(_))
            ),
            "{body:?}"
        );
        assert!(
            stored_comment(Action::Post, 201, body, mine(&m)).is_err(),
            "{body:?}"
        );
        assert!(preview_html(200, body).is_err(), "{body:?}");
    }
    assert_eq!(
        preview_html(200, r#"{"text": "<p><em>hi</em></p>"}"#).unwrap(),
        "<p><em>hi</em></p>"
    );
}

#[test]
fn refused_and_unknown_votes_with_http_200_are_errors() {
    let refused = vote_result(&id("1"), Vote::Up, 200, VOTE_REFUSED).unwrap_err();
    assert!(matches!(refused, BackendError::Refused(_)));
    assert!(
        refused
            .to_string()
            .contains("one vote per comment from each network"),
        "{refused}"
    );
    let full = vote_result(&id("1"), Vote::Up, 200, VOTE_FULL).unwrap_err();
    assert!(full.to_string().contains("all the votes"), "{full}");
    let unknown = vote_result(&id("999"), Vote::Up, 200, "null").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "The comment server couldn't find that. It may have been removed."
    );
    assert!(matches!(
        vote_result(&id("1"), Vote::Up, 200, "{}"),
        Err(BackendError::Malformed(_))
    ));
    let ok = vote_result(&id("1"), Vote::Down, 200, r#"{"likes": 2, "dislikes": 1}"#).unwrap();
    assert_eq!(
        (ok.score, ok.upvotes, ok.downvotes, ok.my_vote),
        (1, 2, 1, Vote::Down)
    );
    let csrf = vote_result(&id("1"), Vote::Up, 403, CSRF).unwrap_err();
    assert!(matches!(csrf, BackendError::Http { status: 403, .. }));
}

#[test]
fn urls_follow_isso_routes() {
    assert_eq!(
        fetch_url(
            "http://127.0.0.1:8081/",
            "/2026/bridge?x=1",
            SortOrder::Best,
            Some(50),
            100
        ),
        "http://127.0.0.1:8081/?uri=%2F2026%2Fbridge%3Fx%3D1&sort=upvotes&limit=50&offset=100"
    );
    assert_eq!(
        fetch_url("http://i", "/a", SortOrder::Oldest, None, 0),
        "http://i/?uri=%2Fa&sort=oldest"
    );
    assert_eq!(new_url("http://i/isso", "/a"), "http://i/isso/new?uri=%2Fa");
    assert_eq!(vote_url("http://i", 5, false), "http://i/id/5/dislike");
    assert_eq!(comment_url("http://i", 5), "http://i/id/5");
}
