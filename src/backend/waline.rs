//! Adapter for Waline servers (the API of `@waline/vercel`; tested against 1.39.3).
//!
//! Waline answers everything in an envelope `{errno, errmsg, data}`, and most refusals come with
//! HTTP 200 and `errno ≠ 0` (`errmsg` is a string, or an object of field messages). A thread is
//! a page of top-level comments, each with all its replies flat in `children`; a reply names
//! its parent (`pid`) and its top-level comment (`rid`), and a new reply must send both. Only
//! likes exist (no dislikes; `like: false` takes one back), nobody is told who liked, and
//! comments by readers who are not signed in cannot be edited or deleted. This module turns all
//! of that into protocol types and [`BackendError`]s.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};
use talkback_protocol::{
    Comment, CommentId, Cursor, NewComment, SortOrder, ThreadInfo, ThreadPage, Vote, VoteResult,
};

use super::BackendError;
use super::local::Marks;
use super::peer::{
    count_replies, id_of, name_of, number_of, parents_first, rfc3339_from_ms, seed_from,
};
use super::talkback::{api_base, encode_component};

/// Top-level comments per page (Waline allows up to 100).
pub const PAGE: u32 = 50;

/// Waline's name for a sort order (`like_desc` ranks by likes).
pub fn sort_param(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Best => "like_desc",
        SortOrder::Newest => "insertedAt_desc",
        SortOrder::Oldest => "insertedAt_asc",
    }
}

/// `GET` URL of a page (1-based) of a thread.
pub fn list_url(api: &str, path: &str, sort: SortOrder, page: u32, page_size: u32) -> String {
    format!(
        "{}/api/comment?path={}&page={page}&pageSize={page_size}&sortBy={}",
        api_base(api),
        encode_component(path),
        sort_param(sort)
    )
}

/// `POST` URL of a new comment.
pub fn post_url(api: &str) -> String {
    format!("{}/api/comment", api_base(api))
}

/// `PUT` URL of a like.
pub fn like_url(api: &str, id: u64) -> String {
    format!("{}/api/comment/{id}", api_base(api))
}

/// Accepts an id as a number or a numeric string (storages differ), anything else as absent.
fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// One comment as Waline sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WalineComment {
    #[serde(deserialize_with = "lenient_id")]
    object_id: Option<u64>,
    #[serde(default)]
    nick: Option<String>,
    /// Rendered, sanitized HTML.
    #[serde(default)]
    comment: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(default)]
    time: Option<f64>,
    #[serde(default)]
    like: Option<f64>,
    #[serde(default)]
    avatar: Option<String>,
    #[serde(default, deserialize_with = "lenient_id")]
    pid: Option<u64>,
    #[serde(default)]
    children: Vec<WalineComment>,
}

/// A page of a thread.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WalineList {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    total_pages: Option<u32>,
    /// Every visible comment of the thread, replies included.
    #[serde(default)]
    count: u64,
    #[serde(default)]
    data: Vec<WalineComment>,
}

/// The envelope around every answer.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    errno: i64,
    #[serde(default)]
    errmsg: serde_json::Value,
    #[serde(default)]
    data: serde_json::Value,
}

/// Opens the envelope: the `data` of a success, or the refusal in words for the reader.
fn open(status: u16, body: &str, what: &'static str) -> Result<serde_json::Value, BackendError> {
    let Ok(env) = serde_json::from_str::<Envelope>(body) else {
        return Err(if (200..300).contains(&status) {
            BackendError::Malformed(what)
        } else {
            BackendError::Http {
                status,
                code: None,
                message: None,
            }
        });
    };
    if env.errno == 0 && (200..300).contains(&status) {
        return Ok(env.data);
    }
    Err(error_of(status, env.errno, &env.errmsg))
}

/// Words for a Waline refusal (`errno`/`errmsg`, with HTTP 200 or an error status).
pub fn error_of(status: u16, errno: i64, errmsg: &serde_json::Value) -> BackendError {
    let text = match errmsg {
        serde_json::Value::String(s) => s.trim().to_owned(),
        // Field errors: {"comment": "comment can not be blank"}.
        serde_json::Value::Object(fields) => fields
            .values()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    };
    let lower = text.to_ascii_lowercase();
    let refused = |s: &str| BackendError::Refused(s.to_owned());
    let code = if errno != 0 && status == 200 {
        u16::try_from(errno).ok().filter(|c| (400..600).contains(c))
    } else {
        None
    };
    match code.unwrap_or(status) {
        _ if lower.contains("too fast") => refused(
            "You're posting faster than this comment server allows. Wait a minute, then post again.",
        ),
        _ if lower.contains("duplicate") => refused("You already posted this exact comment here."),
        _ if lower.contains("blank") || lower.contains("required") => {
            refused("Write something before posting.")
        }
        401 => refused(
            "This comment server lets only signed-in readers change their comments; comments posted without signing in can't be edited or deleted.",
        ),
        403 => refused("The comment server refused this."),
        s if (200..300).contains(&s) => {
            if !text.is_empty() && text.chars().count() <= 200 {
                BackendError::Refused(format!("The comment server refused this: {text}"))
            } else {
                refused("The comment server refused this.")
            }
        }
        s => BackendError::Http {
            status: s,
            code: None,
            message: None,
        },
    }
}

/// What this browser remembers about the reader: the comments they liked.
#[derive(Clone, Copy, Debug)]
pub struct Mine<'a> {
    /// Likes given from this browser.
    pub votes: &'a Marks,
}

fn to_comment(
    c: &WalineComment,
    parent: Option<u64>,
    mine: Mine<'_>,
) -> Result<Comment, BackendError> {
    let id = id_of(c.object_id.ok_or(BackendError::Malformed("a comment id"))?)?;
    let author = name_of(c.nick.as_deref());
    let likes = c.like.filter(|l| l.is_finite() && *l > 0.0).unwrap_or(0.0) as u64;
    // The avatar URL ends in a hash of the author's email, the same for everyone who left it out:
    // with the name it tells readers apart without keeping the URL.
    let hash = c
        .avatar
        .as_deref()
        .and_then(|a| a.rsplit('/').next())
        .map(|s| s.split(['?', '#']).next().unwrap_or(s))
        .unwrap_or("");
    let seed = seed_from(&format!("{}|{hash}", author.as_deref().unwrap_or("")));
    let time = c
        .time
        .filter(|t| t.is_finite() && t.abs() < 1e15)
        .unwrap_or(0.0);
    Ok(Comment {
        my_vote: mine.votes.vote(&id),
        id,
        parent_id: parent.map(id_of).transpose()?,
        author,
        avatar_seed: seed,
        body_html: c.comment.clone().unwrap_or_default(),
        created_at: rfc3339_from_ms(time as i64),
        score: i64::try_from(likes).unwrap_or(i64::MAX),
        upvotes: likes,
        downvotes: 0,
        reply_count: 0,
        deleted: false,
        replies_cursor: None,
        edited_at: None,
        editable_until: None,
        verified: false,
        status: Default::default(),
        pinned: false,
    })
}

/// Reads a page of a thread: each top-level comment followed by its replies, a reply under the
/// comment it answers (`pid`) when that is on the page, else under its top-level comment.
/// `roots` learns the top-level comment of every comment, for replying later.
pub fn thread_page(
    path: &str,
    status: u16,
    body: &str,
    mine: Mine<'_>,
    roots: &mut HashMap<u64, u64>,
) -> Result<ThreadPage, BackendError> {
    let data = open(status, body, "the thread")?;
    let list: WalineList =
        serde_json::from_value(data).map_err(|_| BackendError::Malformed("the thread"))?;
    let mut comments = Vec::new();
    for root in &list.data {
        let root_id = root
            .object_id
            .ok_or(BackendError::Malformed("a comment id"))?;
        roots.insert(root_id, root_id);
        comments.push(to_comment(root, None, mine)?);
        let on_page: Vec<u64> = root.children.iter().filter_map(|c| c.object_id).collect();
        for child in &root.children {
            let parent = child
                .pid
                .filter(|p| *p == root_id || on_page.contains(p))
                .unwrap_or(root_id);
            if let Some(cid) = child.object_id {
                roots.insert(cid, root_id);
            }
            comments.push(to_comment(child, Some(parent), mine)?);
        }
    }
    let mut comments = parents_first(comments);
    count_replies(&mut comments);
    let page = list.page.unwrap_or(1);
    let next_cursor = list
        .total_pages
        .filter(|total| page < *total)
        .map(|_| Cursor((page + 1).to_string()));
    Ok(ThreadPage {
        thread: ThreadInfo {
            key: path.to_owned(),
            title: None,
            url: None,
            comment_count: list.count,
            locked: false,
            // The widget cannot tell whether this server mails replies; it promises nothing.
            reply_mail: false,
        },
        comments,
        next_cursor,
        last_event_id: None,
    })
}

/// The page number a cursor made by [`thread_page`] stands for.
pub fn page_of(cursor: Option<&Cursor>) -> Result<u32, BackendError> {
    match cursor {
        None => Ok(1),
        Some(c) => {
            c.0.parse()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or(BackendError::Malformed("a page cursor"))
        }
    }
}

/// The JSON of a new comment: a reply sends its parent (`pid`) and that parent's top-level
/// comment (`rid`), which `roots` knows from the loaded thread.
pub fn post_json(c: &NewComment, roots: &HashMap<u64, u64>) -> Result<String, BackendError> {
    let pid = c.parent_id.as_ref().map(number_of).transpose()?;
    let rid = pid.map(|p| roots.get(&p).copied().unwrap_or(p));
    let mut json = serde_json::json!({
        "url": c.thread,
        "comment": c.body,
        "nick": c.author,
        "mail": c.email.clone().unwrap_or_default(),
        "link": "",
        "ua": "",
    });
    if let (Some(pid), Some(rid), Some(obj)) = (pid, rid, json.as_object_mut()) {
        obj.insert("pid".into(), pid.into());
        obj.insert("rid".into(), rid.into());
    }
    Ok(json.to_string())
}

/// Reads the answer to a new comment; `parent` is the comment replied to.
pub fn posted(
    status: u16,
    body: &str,
    parent: Option<&CommentId>,
    mine: Mine<'_>,
) -> Result<Comment, BackendError> {
    let data = open(status, body, "the posted comment")?;
    let c: WalineComment =
        serde_json::from_value(data).map_err(|_| BackendError::Malformed("the posted comment"))?;
    let parent = match parent {
        Some(p) => Some(number_of(p)?),
        None => None,
    };
    to_comment(&c, c.pid.or(parent), mine)
}

/// The JSON of a like (`true`) or of taking one back (`false`).
pub fn like_json(vote: Vote) -> Result<String, BackendError> {
    match vote {
        Vote::Up => Ok(r#"{"like":true}"#.to_owned()),
        Vote::None => Ok(r#"{"like":false}"#.to_owned()),
        Vote::Down => Err(BackendError::Unsupported("down votes")),
    }
}

/// Reads the answer to a like: the comment with its new count, or empty data for an unknown id.
pub fn vote_result(
    id: &CommentId,
    wanted: Vote,
    status: u16,
    body: &str,
) -> Result<VoteResult, BackendError> {
    let data = open(status, body, "the vote count")?;
    if data.as_str().is_some_and(str::is_empty) || data.is_null() {
        return Err(BackendError::Http {
            status: 404,
            code: None,
            message: None,
        });
    }
    // The answer is the stored row (with `id`, not `objectId`): only its count matters here.
    let like = data
        .get("like")
        .and_then(serde_json::Value::as_f64)
        .ok_or(BackendError::Malformed("the vote count"))?;
    let likes = if like.is_finite() && like > 0.0 {
        like as u64
    } else {
        0
    };
    Ok(VoteResult {
        comment_id: id.clone(),
        score: i64::try_from(likes).unwrap_or(i64::MAX),
        upvotes: likes,
        downvotes: 0,
        my_vote: wanted,
    })
}

#[cfg(target_arch = "wasm32")]
pub use client::WalineBackend;

#[cfg(target_arch = "wasm32")]
mod client {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use gloo_net::http::Method;
    use talkback_protocol::{
        Comment, CommentId, ContextPage, Cursor, NewComment, RepliesPage, SortOrder, ThreadPage,
        Vote, VoteResult,
    };

    use super::{
        Mine, PAGE, like_json, like_url, list_url, page_of, post_json, post_url, posted,
        thread_page, vote_result,
    };
    use crate::backend::http::send;
    use crate::backend::local::Store;
    use crate::backend::peer::{context_of, number_of};
    use crate::backend::talkback::api_base;
    use crate::backend::{Backend, BackendError, Capabilities, Pending};

    /// Pages looked through for a permalink's comment before giving up.
    const CONTEXT_PAGES: u32 = 20;
    /// Top-level comments per page when looking for a permalink (Waline's maximum).
    const CONTEXT_PAGE_SIZE: u32 = 100;

    /// A client of a Waline server.
    #[derive(Clone)]
    pub struct WalineBackend {
        inner: Rc<Inner>,
    }

    struct Inner {
        api: String,
        votes: Store,
        /// The top-level comment of every comment seen, for the `rid` of a reply.
        roots: RefCell<HashMap<u64, u64>>,
        /// The thread last loaded, where permalinks are looked up.
        key: RefCell<Option<String>>,
    }

    impl WalineBackend {
        /// A client for the Waline server at `api`.
        pub fn new(api: &str) -> Self {
            WalineBackend {
                inner: Rc::new(Inner {
                    api: api_base(api),
                    votes: Store::new("waline-likes", api),
                    roots: RefCell::new(HashMap::new()),
                    key: RefCell::new(None),
                }),
            }
        }
    }

    impl Inner {
        async fn page(
            &self,
            path: &str,
            sort: SortOrder,
            page: u32,
            size: u32,
        ) -> Result<ThreadPage, BackendError> {
            let r = send(
                Method::GET,
                &list_url(&self.api, path, sort, page, size),
                None,
                None,
            )
            .await?;
            let votes = self.votes.load();
            let mut roots = self.roots.borrow_mut();
            thread_page(path, r.status, &r.body, Mine { votes: &votes }, &mut roots)
        }
    }

    impl Backend for WalineBackend {
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                votes: true,
                downvotes: false,
                reply_pages: false,
                edit: false,
                preview: false,
                vote_undo: true,
                max_depth: None,
                sorts: &SortOrder::ALL,
                counts: true,
                live: false,
            }
        }

        fn load_thread(
            &self,
            key: &str,
            sort: SortOrder,
            cursor: Option<&Cursor>,
        ) -> Pending<ThreadPage> {
            let inner = self.inner.clone();
            let (key, page) = (key.to_owned(), page_of(cursor));
            inner.key.replace(Some(key.clone()));
            Box::pin(async move { inner.page(&key, sort, page?, PAGE).await })
        }

        fn load_replies(&self, _: &CommentId, _: SortOrder, _: &Cursor) -> Pending<RepliesPage> {
            // Every reply comes with its top-level comment, so the UI never asks.
            Box::pin(async { Err(BackendError::Unsupported("paging through replies")) })
        }

        fn load_context(&self, id: &CommentId, sort: SortOrder) -> Pending<ContextPage> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                let key = inner.key.borrow().clone().ok_or(BackendError::Unsupported(
                    "opening a comment before its thread is loaded",
                ))?;
                for n in 1..=CONTEXT_PAGES {
                    let page = inner.page(&key, sort, n, CONTEXT_PAGE_SIZE).await?;
                    let last = page.next_cursor.is_none();
                    if let Some(found) = context_of(page.thread, page.comments, &id) {
                        return Ok(found);
                    }
                    if last {
                        break;
                    }
                }
                Err(BackendError::Http {
                    status: 404,
                    code: None,
                    message: None,
                })
            })
        }

        fn preview(&self, _: String) -> Pending<String> {
            Box::pin(async { Err(BackendError::Unsupported("previews")) })
        }

        fn edit(&self, _: &CommentId, _: String) -> Pending<Comment> {
            Box::pin(async { Err(BackendError::Unsupported("editing comments")) })
        }

        fn delete(&self, _: &CommentId) -> Pending<()> {
            Box::pin(async { Err(BackendError::Unsupported("deleting comments")) })
        }

        fn post_comment(&self, comment: NewComment) -> Pending<Comment> {
            let inner = self.inner.clone();
            Box::pin(async move {
                let json = post_json(&comment, &inner.roots.borrow())?;
                let r = send(Method::POST, &post_url(&inner.api), None, Some(&json)).await?;
                let votes = inner.votes.load();
                let saved = posted(
                    r.status,
                    &r.body,
                    comment.parent_id.as_ref(),
                    Mine { votes: &votes },
                )?;
                // A reply's top-level comment is its parent's; a new top-level comment is its own.
                if let Ok(n) = number_of(&saved.id) {
                    let root = match comment.parent_id.as_ref().map(number_of) {
                        Some(Ok(p)) => inner.roots.borrow().get(&p).copied().unwrap_or(p),
                        _ => n,
                    };
                    inner.roots.borrow_mut().insert(n, root);
                }
                Ok(saved)
            })
        }

        fn vote(&self, id: &CommentId, vote: Vote) -> Pending<VoteResult> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                let json = like_json(vote)?;
                let url = like_url(&inner.api, number_of(&id)?);
                let r = send(Method::PUT, &url, None, Some(&json)).await?;
                let result = vote_result(&id, vote, r.status, &r.body)?;
                // Waline does not say who liked: this browser remembers, to show the like as given.
                inner.votes.update(|m| m.set_vote(&id, vote));
                Ok(result)
            })
        }
    }
}

#[cfg(test)]
mod tests;
