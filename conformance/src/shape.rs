//! Checks that response objects carry every field of the protocol, `null` rather than missing.
//!
//! serde fills a missing `Option` field with `None`, so parsing alone would let a backend leave
//! fields out; the protocol says every field is always present. The field lists here are
//! compared with the protocol crate's own types by a unit test, so they cannot drift.

use serde::de::DeserializeOwned;
use serde_json::Value;
use talkback_protocol::{
    Comment, ContextPage, CountsResponse, Preview, ReaderToken, RepliesPage, ThreadPage, VoteResult,
};

/// Fields of a `ThreadInfo`.
pub const THREAD_INFO: &[&str] = &[
    "key",
    "title",
    "url",
    "comment_count",
    "locked",
    "reply_mail",
];
/// Fields of a `Comment`.
pub const COMMENT: &[&str] = &[
    "id",
    "parent_id",
    "author",
    "avatar_seed",
    "body_html",
    "created_at",
    "score",
    "upvotes",
    "downvotes",
    "my_vote",
    "reply_count",
    "deleted",
    "replies_cursor",
    "edited_at",
    "editable_until",
    "verified",
    "status",
    "pinned",
];
/// Fields of a `ThreadPage`.
pub const THREAD_PAGE: &[&str] = &["thread", "comments", "next_cursor", "last_event_id"];
/// Fields of a `RepliesPage`.
pub const REPLIES_PAGE: &[&str] = &["comments", "next_cursor"];
/// Fields of a `ContextPage`.
pub const CONTEXT_PAGE: &[&str] = &["thread", "target", "comments"];
/// Fields of a `VoteResult`.
pub const VOTE_RESULT: &[&str] = &["comment_id", "score", "upvotes", "downvotes", "my_vote"];

/// A response body type of the protocol and the fields it must carry.
pub trait Wire: DeserializeOwned {
    /// The protocol's name of the type, for messages.
    const NAME: &'static str;
    /// Checks that every required field is present, naming the first missing one.
    fn shape(v: &Value) -> Result<(), String>;
}

/// Fails naming the first field of `fields` that `v` lacks (or says `v` is no object).
pub fn has_fields(v: &Value, type_name: &str, fields: &[&str]) -> Result<(), String> {
    let Some(obj) = v.as_object() else {
        return Err(format!("a {type_name} must be a JSON object, got {v}"));
    };
    match fields.iter().find(|f| !obj.contains_key(**f)) {
        Some(f) => Err(format!(
            "a {type_name} lacks the field `{f}` (send `null` for no value; fields are never left out)"
        )),
        None => Ok(()),
    }
}

fn comments(v: &Value) -> Result<(), String> {
    match v.get("comments").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .try_for_each(|c| has_fields(c, "Comment", COMMENT)),
        None => Err("`comments` must be an array".to_owned()),
    }
}

fn thread_info(v: &Value) -> Result<(), String> {
    has_fields(
        v.get("thread").unwrap_or(&Value::Null),
        "ThreadInfo",
        THREAD_INFO,
    )
}

impl Wire for Comment {
    const NAME: &'static str = "Comment";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, COMMENT)
    }
}

impl Wire for ThreadPage {
    const NAME: &'static str = "ThreadPage";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, THREAD_PAGE)?;
        thread_info(v)?;
        comments(v)
    }
}

impl Wire for RepliesPage {
    const NAME: &'static str = "RepliesPage";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, REPLIES_PAGE)?;
        comments(v)
    }
}

impl Wire for ContextPage {
    const NAME: &'static str = "ContextPage";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, CONTEXT_PAGE)?;
        thread_info(v)?;
        comments(v)
    }
}

impl Wire for VoteResult {
    const NAME: &'static str = "VoteResult";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, VOTE_RESULT)
    }
}

impl Wire for ReaderToken {
    const NAME: &'static str = "ReaderToken";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, &["token"])
    }
}

impl Wire for CountsResponse {
    const NAME: &'static str = "CountsResponse";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, &["counts"])
    }
}

impl Wire for Preview {
    const NAME: &'static str = "Preview";
    fn shape(v: &Value) -> Result<(), String> {
        has_fields(v, Self::NAME, &["body_html"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use talkback_protocol::{CommentId, Cursor, ThreadInfo, Vote};

    fn keys(v: &impl Serialize) -> Vec<String> {
        match serde_json::to_value(v) {
            Ok(Value::Object(m)) => m.keys().cloned().collect(),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn sorted(fields: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        v.sort();
        v
    }

    fn sample_comment() -> Comment {
        Comment {
            id: CommentId::parse("c1").expect("valid id"),
            parent_id: None,
            author: None,
            avatar_seed: "ab".into(),
            body_html: String::new(),
            created_at: "2026-11-24T08:15:00Z".into(),
            score: 0,
            upvotes: 0,
            downvotes: 0,
            my_vote: Vote::None,
            reply_count: 0,
            deleted: false,
            replies_cursor: Some(Cursor("x".into())),
            edited_at: None,
            editable_until: None,
            verified: false,
            status: Default::default(),
            pinned: false,
        }
    }

    #[test]
    fn field_lists_match_the_protocol_types() {
        let info = ThreadInfo {
            key: "k".into(),
            title: None,
            url: None,
            comment_count: 0,
            locked: false,
            reply_mail: false,
        };
        assert_eq!(keys(&info), sorted(THREAD_INFO));
        assert_eq!(keys(&sample_comment()), sorted(COMMENT));
        let page = ThreadPage {
            thread: info.clone(),
            comments: vec![],
            next_cursor: None,
            last_event_id: None,
        };
        assert_eq!(keys(&page), sorted(THREAD_PAGE));
        let replies = RepliesPage {
            comments: vec![],
            next_cursor: None,
        };
        assert_eq!(keys(&replies), sorted(REPLIES_PAGE));
        let context = ContextPage {
            thread: info,
            target: CommentId::parse("c1").expect("valid id"),
            comments: vec![],
        };
        assert_eq!(keys(&context), sorted(CONTEXT_PAGE));
        let vote = VoteResult {
            comment_id: CommentId::parse("c1").expect("valid id"),
            score: 0,
            upvotes: 0,
            downvotes: 0,
            my_vote: Vote::None,
        };
        assert_eq!(keys(&vote), sorted(VOTE_RESULT));
    }

    #[test]
    fn a_missing_nullable_field_is_caught_and_named() {
        let mut v = serde_json::to_value(sample_comment()).expect("serializes");
        assert_eq!(Comment::shape(&v), Ok(()));
        if let Value::Object(m) = &mut v {
            m.remove("edited_at");
        }
        let err = Comment::shape(&v).expect_err("missing field must fail");
        assert!(err.contains("`edited_at`"), "{err}");
    }

    #[test]
    fn comments_inside_a_page_are_checked_too() {
        let mut c = serde_json::to_value(sample_comment()).expect("serializes");
        if let Value::Object(m) = &mut c {
            m.remove("replies_cursor");
        }
        let page = serde_json::json!({
            "thread": {"key": "k", "title": null, "url": null, "comment_count": 1, "locked": false, "reply_mail": false},
            "comments": [c],
            "next_cursor": null,
            "last_event_id": null
        });
        let err = ThreadPage::shape(&page).expect_err("nested missing field must fail");
        assert!(err.contains("`replies_cursor`"), "{err}");
    }
}
