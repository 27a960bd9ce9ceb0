//! Adapter for Isso servers (the API of Isso 0.13 and later; tested against 0.14.0).
//!
//! Isso differs from our protocol in ways the widget must not see: threads are keyed by the page
//! path (`uri`), comments nest two levels deep (a reply to a reply is stored under the top-level
//! comment), votes are counted per network without saying who voted and cannot be taken back,
//! edits are authorised by a cookie that expires after a while (its `X-Set-Cookie` copy tells
//! when), errors are HTML pages, and refused votes or unknown ids come back as HTTP 200. This
//! module turns all of that into protocol types and [`BackendError`]s.

use serde::Deserialize;
use talkback_protocol::{
    Comment, CommentId, Cursor, NewComment, SortOrder, ThreadInfo, ThreadPage, Vote, VoteResult,
};

use super::BackendError;
use super::local::Marks;
use super::peer::{
    count_replies, id_of, ms_from_secs, name_of, number_of, rfc3339_from_ms, seed_from,
    unescape_html,
};
use super::talkback::{api_base, encode_component};

/// Top-level comments per page.
pub const PAGE: usize = 50;
/// Isso refuses shorter texts (with an HTML page); checked before sending.
pub const MIN_TEXT_CHARS: usize = 3;

/// Isso's name for a sort order (`upvotes` ranks by likes minus dislikes).
pub fn sort_param(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Best => "upvotes",
        SortOrder::Newest => "newest",
        SortOrder::Oldest => "oldest",
    }
}

/// `GET` URL of a thread: `limit` top-level comments from `offset`, each with all its replies.
pub fn fetch_url(
    api: &str,
    uri: &str,
    sort: SortOrder,
    limit: Option<usize>,
    offset: usize,
) -> String {
    let mut url = format!(
        "{}/?uri={}&sort={}",
        api_base(api),
        encode_component(uri),
        sort_param(sort)
    );
    if let Some(l) = limit {
        url.push_str(&format!("&limit={l}&offset={offset}"));
    }
    url
}

/// `POST` URL of a new comment in a thread.
pub fn new_url(api: &str, uri: &str) -> String {
    format!("{}/new?uri={}", api_base(api), encode_component(uri))
}

/// URL of one comment (`PUT` edits, `DELETE` deletes).
pub fn comment_url(api: &str, id: u64) -> String {
    format!("{}/id/{id}", api_base(api))
}

/// `POST` URL of a like (`up`) or dislike.
pub fn vote_url(api: &str, id: u64, up: bool) -> String {
    let verb = if up { "like" } else { "dislike" };
    format!("{}/id/{id}/{verb}", api_base(api))
}

/// `POST` URL of the preview.
pub fn preview_url(api: &str) -> String {
    format!("{}/preview", api_base(api))
}

/// One comment as Isso sends it.
#[derive(Clone, Debug, Deserialize)]
struct IssoComment {
    id: u64,
    #[serde(default)]
    parent: Option<u64>,
    #[serde(default)]
    created: f64,
    #[serde(default)]
    modified: Option<f64>,
    /// 1 published, 2 awaiting moderation, 4 deleted (kept because it has replies).
    #[serde(default)]
    mode: i64,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    likes: i64,
    #[serde(default)]
    dislikes: i64,
    #[serde(default)]
    hash: Option<String>,
    #[serde(default)]
    total_replies: Option<u64>,
    #[serde(default)]
    replies: Vec<IssoComment>,
}

/// A thread (or a page of it) as Isso sends it.
#[derive(Debug, Deserialize)]
struct IssoThread {
    /// At the top: every comment of the thread, replies included.
    #[serde(default)]
    total_replies: u64,
    /// At the top: top-level comments after this page.
    #[serde(default)]
    hidden_replies: i64,
    replies: Vec<IssoComment>,
}

/// The answer to a like or dislike.
#[derive(Debug, Deserialize)]
struct IssoVote {
    likes: i64,
    dislikes: i64,
    /// Present when the vote was not counted (HTTP 200 all the same).
    #[serde(default)]
    message: Option<String>,
}

/// What this browser remembers about the reader: their votes and their editable comments.
#[derive(Clone, Copy, Debug)]
pub struct Mine<'a> {
    /// Votes cast from this browser.
    pub votes: &'a Marks,
    /// Own comments and the end of their edit windows (ms).
    pub own: &'a Marks,
    /// The time now (ms).
    pub now_ms: i64,
}

fn to_comment(c: &IssoComment, mine: Mine<'_>) -> Result<Comment, BackendError> {
    let id = id_of(c.id)?;
    let deleted = c.mode == 4;
    let author = if deleted {
        None
    } else {
        name_of(c.author.as_deref())
    };
    let likes = u64::try_from(c.likes).unwrap_or(0);
    let dislikes = u64::try_from(c.dislikes).unwrap_or(0);
    let editable_until = mine
        .own
        .get(&id)
        .filter(|until| *until > mine.now_ms && !deleted)
        .map(rfc3339_from_ms);
    Ok(Comment {
        parent_id: c.parent.map(id_of).transpose()?,
        avatar_seed: c
            .hash
            .clone()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| seed_from(author.as_deref().unwrap_or(""))),
        author,
        body_html: if deleted {
            String::new()
        } else {
            c.text.clone().unwrap_or_default()
        },
        created_at: rfc3339_from_ms(ms_from_secs(c.created)),
        score: c.likes.saturating_sub(c.dislikes),
        upvotes: likes,
        downvotes: dislikes,
        my_vote: mine.votes.vote(&id),
        reply_count: c.total_replies.unwrap_or(0),
        deleted,
        replies_cursor: None,
        edited_at: c.modified.map(|m| rfc3339_from_ms(ms_from_secs(m))),
        editable_until,
        verified: false,
        status: Default::default(),
        pinned: false,
        id,
    })
}

/// Reads a thread answer: the page of top-level comments from `offset`, each followed by its
/// replies, with the thread's total count and a cursor when more top-level comments exist.
pub fn thread_page(
    uri: &str,
    status: u16,
    body: &str,
    offset: usize,
    mine: Mine<'_>,
) -> Result<ThreadPage, BackendError> {
    if status != 200 {
        return Err(error_of(Action::Read, status, body));
    }
    let thread: IssoThread =
        serde_json::from_str(body).map_err(|_| BackendError::Malformed("the thread"))?;
    let mut comments = Vec::new();
    for top in &thread.replies {
        comments.push(to_comment(top, mine)?);
        for reply in &top.replies {
            comments.push(to_comment(reply, mine)?);
        }
    }
    count_replies(&mut comments);
    let next_cursor =
        (thread.hidden_replies > 0).then(|| Cursor((offset + thread.replies.len()).to_string()));
    Ok(ThreadPage {
        thread: ThreadInfo {
            key: uri.to_owned(),
            title: None,
            url: None,
            comment_count: thread.total_replies,
            locked: false,
            // The widget cannot tell whether this server mails replies; it promises nothing.
            reply_mail: false,
        },
        comments,
        next_cursor,
        last_event_id: None,
    })
}

/// The offset a cursor made by [`thread_page`] stands for.
pub fn offset_of(cursor: Option<&Cursor>) -> Result<usize, BackendError> {
    match cursor {
        None => Ok(0),
        Some(c) => {
            c.0.parse()
                .map_err(|_| BackendError::Malformed("a page cursor"))
        }
    }
}

/// Reads the answer to a new comment (201, or 202 when it awaits moderation) or to an edit.
pub fn stored_comment(
    action: Action,
    status: u16,
    body: &str,
    mine: Mine<'_>,
) -> Result<Comment, BackendError> {
    if !matches!(status, 200..=202) {
        return Err(error_of(action, status, body));
    }
    let c: IssoComment =
        serde_json::from_str(body).map_err(|_| BackendError::Malformed("the stored comment"))?;
    to_comment(&c, mine)
}

/// The JSON of a new comment. Isso needs a title with the first comment of a thread, else it
/// tries to fetch the page itself; the page title, URL or thread key serves.
pub fn new_comment_json(c: &NewComment) -> Result<String, BackendError> {
    check_text(&c.body)?;
    let parent = c.parent_id.as_ref().map(number_of).transpose()?;
    let title = [&c.title, &c.url]
        .into_iter()
        .flatten()
        .map(|t| t.trim())
        .find(|t| !t.is_empty())
        .unwrap_or(c.thread.as_str());
    let json = serde_json::json!({
        "text": c.body,
        "author": c.author,
        "email": c.email,
        "website": null,
        "parent": parent,
        "title": title,
    });
    Ok(json.to_string())
}

/// The JSON of an edit.
pub fn edit_json(body: &str) -> Result<String, BackendError> {
    check_text(body)?;
    Ok(serde_json::json!({ "text": body }).to_string())
}

fn check_text(body: &str) -> Result<(), BackendError> {
    if body.trim().chars().count() < MIN_TEXT_CHARS {
        return Err(BackendError::Refused(format!(
            "This comment server needs at least {MIN_TEXT_CHARS} characters. Please write a little more."
        )));
    }
    Ok(())
}

/// Reads the answer to a like or dislike. Isso answers 200 in every case: `null` for an unknown
/// comment, and a `message` when it did not count the vote.
pub fn vote_result(
    id: &CommentId,
    wanted: Vote,
    status: u16,
    body: &str,
) -> Result<VoteResult, BackendError> {
    if status != 200 {
        return Err(error_of(Action::Vote, status, body));
    }
    if body.trim() == "null" {
        return Err(BackendError::Http {
            status: 404,
            code: None,
            message: None,
        });
    }
    let v: IssoVote =
        serde_json::from_str(body).map_err(|_| BackendError::Malformed("the vote count"))?;
    if let Some(why) = v.message {
        return Err(BackendError::Refused(vote_refused(&why)));
    }
    Ok(VoteResult {
        comment_id: id.clone(),
        score: v.likes.saturating_sub(v.dislikes),
        upvotes: u64::try_from(v.likes).unwrap_or(0),
        downvotes: u64::try_from(v.dislikes).unwrap_or(0),
        my_vote: wanted,
    })
}

fn vote_refused(why: &str) -> String {
    if why.contains("already been registered") {
        "This comment server counts one vote per comment from each network, and none on your own comments, so this vote wasn't counted.".to_owned()
    } else if why.contains("too high") {
        "This comment has all the votes the comment server takes; yours wasn't counted.".to_owned()
    } else {
        "The comment server didn't count this vote.".to_owned()
    }
}

/// Reads the answer to a preview: `{"text": "<p>…</p>"}`.
pub fn preview_html(status: u16, body: &str) -> Result<String, BackendError> {
    #[derive(Deserialize)]
    struct Preview {
        text: String,
    }
    if status != 200 {
        return Err(error_of(Action::Post, status, body));
    }
    serde_json::from_str::<Preview>(body)
        .map(|p| p.text)
        .map_err(|_| BackendError::Malformed("the preview"))
}

/// Reads the answer to a delete: `null`, or the emptied comment when it has replies.
pub fn deleted(status: u16, body: &str) -> Result<(), BackendError> {
    if status == 200 {
        Ok(())
    } else {
        Err(error_of(Action::Change, status, body))
    }
}

/// How long the reader may still change a comment, from the `X-Set-Cookie` Isso sends with a
/// new or edited comment (`isso-12=…; Max-Age=900; …`), in ms; `None` without a usable cookie.
pub fn edit_window_ms(x_set_cookie: &str) -> Option<i64> {
    x_set_cookie
        .split(';')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("max-age"))
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .filter(|secs| *secs > 0)
        .map(|secs| secs.saturating_mul(1000))
}

/// What the reader was doing when an error came back; the same status means different things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Loading comments.
    Read,
    /// Posting a comment or previewing one.
    Post,
    /// Voting.
    Vote,
    /// Editing or deleting an own comment.
    Change,
}

/// The message inside one of Isso's HTML error pages (`<p>text is too short …</p>`).
pub fn html_message(body: &str) -> Option<String> {
    let start = body.find("<p>")? + 3;
    let end = body.get(start..)?.find("</p>")? + start;
    let text = unescape_html(body.get(start..end)?.trim());
    (!text.is_empty()).then_some(text)
}

/// Turns an Isso error answer (an HTML page, or anything else) into words for the reader.
pub fn error_of(action: Action, status: u16, body: &str) -> BackendError {
    let message = html_message(body).unwrap_or_default();
    let refused = |s: &str| BackendError::Refused(s.to_owned());
    match (status, action) {
        (400, _) if message.contains("too short") => {
            refused("This comment server needs at least 3 characters. Please write a little more.")
        }
        (400, _) if message.contains("too long") => {
            refused("That's too long for this comment server. Please shorten it.")
        }
        (400, _) if message.contains("Cannot create new thread") => refused(
            "The comment server couldn't start a discussion for this page because it didn't get the page's title. Reload the page and try again.",
        ),
        (400, _) if message.contains("sort") => {
            refused("The comment server can't order comments that way. Choose another order.")
        }
        (403, Action::Change) => refused(
            "This comment can no longer be changed: the comment server allows edits only for a short while after posting, and only from the browser it was written in.",
        ),
        (403, Action::Post)
            if !message.is_empty()
                && !message.contains("CSRF")
                && !message.contains("permission") =>
        {
            BackendError::Refused(format!(
                "The comment server refused this comment: {message}"
            ))
        }
        (404, Action::Change | Action::Vote) => {
            refused("That comment is no longer on the comment server; it may have been deleted.")
        }
        _ => BackendError::Http {
            status,
            code: None,
            message: None,
        },
    }
}

#[cfg(target_arch = "wasm32")]
pub use client::IssoBackend;

#[cfg(target_arch = "wasm32")]
mod client {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gloo_net::http::Method;
    use talkback_protocol::{
        Comment, CommentId, ContextPage, Cursor, NewComment, RepliesPage, SortOrder, ThreadPage,
        Vote, VoteResult,
    };

    use super::{
        Action, Mine, PAGE, comment_url, deleted, edit_json, edit_window_ms, fetch_url,
        new_comment_json, new_url, offset_of, preview_html, preview_url, stored_comment,
        thread_page, vote_result, vote_url,
    };
    use crate::backend::http::{Extra, send_with};
    use crate::backend::local::Store;
    use crate::backend::peer::{context_of, number_of};
    use crate::backend::talkback::api_base;
    use crate::backend::{Backend, BackendError, Capabilities, Pending};

    /// The header Isso copies its edit cookie into, readable across origins.
    const COOKIE_HEADER: &str = "X-Set-Cookie";

    /// A client of an Isso server.
    #[derive(Clone)]
    pub struct IssoBackend {
        inner: Rc<Inner>,
    }

    struct Inner {
        api: String,
        votes: Store,
        own: Store,
        /// The thread last loaded, where permalinks are looked up.
        key: RefCell<Option<String>>,
    }

    impl IssoBackend {
        /// A client for the Isso server at `api`.
        pub fn new(api: &str) -> Self {
            IssoBackend {
                inner: Rc::new(Inner {
                    api: api_base(api),
                    votes: Store::new("isso-votes", api),
                    own: Store::new("isso-own", api),
                    key: RefCell::new(None),
                }),
            }
        }
    }

    fn now_ms() -> i64 {
        js_sys::Date::now() as i64
    }

    /// Cookies go both ways on every request: Isso sets the edit cookie on a new comment and
    /// checks it on edits and deletes.
    fn with_cookies() -> Extra {
        Extra {
            credentials: true,
            header: Some(COOKIE_HEADER),
        }
    }

    impl Inner {
        async fn page(
            &self,
            uri: &str,
            sort: SortOrder,
            limit: Option<usize>,
            offset: usize,
        ) -> Result<ThreadPage, BackendError> {
            let url = fetch_url(&self.api, uri, sort, limit, offset);
            let r = send_with(Method::GET, &url, None, None, with_cookies()).await?;
            let (votes, mut own) = (self.votes.load(), self.own.load());
            own.drop_expired(now_ms());
            thread_page(
                uri,
                r.status,
                &r.body,
                offset,
                Mine {
                    votes: &votes,
                    own: &own,
                    now_ms: now_ms(),
                },
            )
        }

        /// Remembers until when the reader may change a comment, from Isso's cookie copy.
        fn remember_own(&self, id: &CommentId, cookie: Option<&str>) {
            if let Some(ms) = cookie.and_then(edit_window_ms) {
                let until = now_ms().saturating_add(ms);
                self.own.update(|m| {
                    m.drop_expired(now_ms());
                    m.set(id, until);
                });
            }
        }

        async fn store(
            &self,
            action: Action,
            method: Method,
            url: &str,
            json: &str,
        ) -> Result<Comment, BackendError> {
            let r = send_with(method, url, None, Some(json), with_cookies()).await?;
            let (votes, own) = (self.votes.load(), Default::default());
            let mut comment = stored_comment(
                action,
                r.status,
                &r.body,
                Mine {
                    votes: &votes,
                    own: &own,
                    now_ms: now_ms(),
                },
            )?;
            self.remember_own(&comment.id, r.header.as_deref());
            comment.editable_until = self
                .own
                .load()
                .get(&comment.id)
                .map(crate::backend::peer::rfc3339_from_ms);
            Ok(comment)
        }
    }

    impl Backend for IssoBackend {
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                votes: true,
                downvotes: true,
                reply_pages: false,
                edit: true,
                preview: true,
                vote_undo: false,
                max_depth: Some(2),
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
            let (key, offset) = (key.to_owned(), offset_of(cursor));
            inner.key.replace(Some(key.clone()));
            Box::pin(async move { inner.page(&key, sort, Some(PAGE), offset?).await })
        }

        fn load_replies(&self, _: &CommentId, _: SortOrder, _: &Cursor) -> Pending<RepliesPage> {
            // Every reply comes with its thread page, so the UI never asks.
            Box::pin(async { Err(BackendError::Unsupported("paging through replies")) })
        }

        fn load_context(&self, id: &CommentId, sort: SortOrder) -> Pending<ContextPage> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                // Isso finds a comment only within its thread: the one this page loaded.
                let key = inner.key.borrow().clone().ok_or(BackendError::Unsupported(
                    "opening a comment before its thread is loaded",
                ))?;
                let page = inner.page(&key, sort, None, 0).await?;
                context_of(page.thread, page.comments, &id).ok_or(BackendError::Http {
                    status: 404,
                    code: None,
                    message: None,
                })
            })
        }

        fn preview(&self, body: String) -> Pending<String> {
            let inner = self.inner.clone();
            Box::pin(async move {
                let json = serde_json::json!({ "text": body }).to_string();
                let r = send_with(
                    Method::POST,
                    &preview_url(&inner.api),
                    None,
                    Some(&json),
                    Extra::default(),
                )
                .await?;
                preview_html(r.status, &r.body)
            })
        }

        fn edit(&self, id: &CommentId, body: String) -> Pending<Comment> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                let url = comment_url(&inner.api, number_of(&id)?);
                let json = edit_json(&body)?;
                inner.store(Action::Change, Method::PUT, &url, &json).await
            })
        }

        fn delete(&self, id: &CommentId) -> Pending<()> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                let url = comment_url(&inner.api, number_of(&id)?);
                let r = send_with(Method::DELETE, &url, None, None, with_cookies()).await?;
                deleted(r.status, &r.body)?;
                inner.own.update(|m| m.remove(&id));
                Ok(())
            })
        }

        fn post_comment(&self, comment: NewComment) -> Pending<Comment> {
            let inner = self.inner.clone();
            Box::pin(async move {
                let json = new_comment_json(&comment)?;
                let url = new_url(&inner.api, &comment.thread);
                inner.store(Action::Post, Method::POST, &url, &json).await
            })
        }

        fn vote(&self, id: &CommentId, vote: Vote) -> Pending<VoteResult> {
            let inner = self.inner.clone();
            let id = id.clone();
            Box::pin(async move {
                let up = match vote {
                    Vote::Up => true,
                    Vote::Down => false,
                    Vote::None => return Err(BackendError::Unsupported("taking back a vote")),
                };
                let url = vote_url(&inner.api, number_of(&id)?, up);
                let r = send_with(Method::POST, &url, None, Some("{}"), Extra::default()).await?;
                let result = vote_result(&id, vote, r.status, &r.body)?;
                // Isso does not say who voted: this browser remembers, to show the vote as cast.
                inner.votes.update(|m| m.set_vote(&id, vote));
                Ok(result)
            })
        }
    }
}

#[cfg(test)]
mod tests;
