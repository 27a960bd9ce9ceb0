//! The native Talkback protocol v1.

use talkback_protocol::limits::REPLIES_LIMIT_DEFAULT;
use talkback_protocol::{CommentId, Cursor, SortOrder, routes};

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The API base without trailing slashes, so routes can be appended.
pub fn api_base(api: &str) -> String {
    api.trim().trim_end_matches('/').to_owned()
}

/// Top-level comments asked for per thread page: what a first screen needs, not the protocol's maximum.
pub const FIRST_PAGE_COMMENTS: u32 = 20;
/// Direct replies asked for under each comment of a thread page; the rest wait behind "Show N more replies".
pub const FIRST_PAGE_REPLIES: u32 = 5;

/// `GET` URL of a thread page.
pub fn thread_url(api: &str, key: &str, sort: SortOrder, cursor: Option<&Cursor>) -> String {
    let mut url = format!(
        "{}{}?key={}&sort={}&limit={FIRST_PAGE_COMMENTS}&replies={FIRST_PAGE_REPLIES}",
        api_base(api),
        routes::THREAD,
        encode_component(key),
        sort.as_str()
    );
    if let Some(c) = cursor {
        url.push_str("&cursor=");
        url.push_str(&encode_component(&c.0));
    }
    url
}

/// `GET` URL of a page of replies.
pub fn replies_url(api: &str, id: &CommentId, sort: SortOrder, cursor: &Cursor) -> String {
    format!(
        "{}{}?sort={}&limit={REPLIES_LIMIT_DEFAULT}&cursor={}",
        api_base(api),
        routes::with_id(routes::REPLIES, id.as_str()),
        sort.as_str(),
        encode_component(&cursor.0)
    )
}

/// URL of a thread's live-update stream, resuming after event `after` when one was seen.
pub fn events_url(api: &str, key: &str, after: Option<u64>) -> String {
    let mut url = format!(
        "{}{}?key={}",
        api_base(api),
        routes::EVENTS,
        encode_component(key)
    );
    if let Some(n) = after {
        url.push_str(&format!("&after={n}"));
    }
    url
}

/// `GET` URL of a comment's permalink context.
pub fn context_url(api: &str, id: &CommentId, sort: SortOrder) -> String {
    format!(
        "{}{}?sort={}&replies={FIRST_PAGE_REPLIES}",
        api_base(api),
        routes::with_id(routes::CONTEXT, id.as_str()),
        sort.as_str()
    )
}

#[cfg(target_arch = "wasm32")]
pub use client::TalkbackBackend;

#[cfg(target_arch = "wasm32")]
mod client {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gloo_net::http::Method;
    use talkback_protocol::{
        Comment, CommentId, ContextPage, Cursor, EditComment, NewComment, Preview, PreviewRequest,
        ReaderToken, RepliesPage, SortOrder, ThreadPage, Vote, VoteRequest, VoteResult, routes,
    };

    use super::{api_base, context_url, events_url, replies_url, thread_url};
    use crate::backend::error::decode;
    use crate::backend::http::{Reply, send, send_signed};
    #[cfg(feature = "moderation")]
    use crate::backend::moderator::Desk;
    use crate::backend::token::{storage_key, store};
    use crate::backend::{Backend, BackendError, Capabilities, Pending};

    /// A client of a Talkback server.
    #[derive(Clone)]
    pub struct TalkbackBackend {
        inner: Rc<Inner>,
    }

    struct Inner {
        api: String,
        storage_key: String,
        /// The token in use; mirrors storage so a refusing `localStorage` still works for the page's life.
        token: RefCell<Option<String>>,
        /// The moderator signed in from this tab, if any.
        #[cfg(feature = "moderation")]
        desk: Rc<Desk>,
        /// The site's sign-in token (`data-sso`), sent with every request.
        sso: Option<String>,
    }

    impl TalkbackBackend {
        /// A client for the server at `api` (e.g. `https://comments.example.com`).
        pub fn new(api: &str) -> Self {
            let storage_key = storage_key(api);
            let token = store::load(&storage_key);
            TalkbackBackend {
                inner: Rc::new(Inner {
                    api: api_base(api),
                    storage_key,
                    token: RefCell::new(token),
                    #[cfg(feature = "moderation")]
                    desk: Rc::new(Desk::new(&api_base(api))),
                    sso: None,
                }),
            }
        }

        /// The same client sending the site's sign-in token, if there is one.
        pub fn signed_in(self, sso: Option<&str>) -> Self {
            let inner = Inner {
                api: self.inner.api.clone(),
                storage_key: self.inner.storage_key.clone(),
                token: RefCell::new(self.inner.stored_token()),
                #[cfg(feature = "moderation")]
                desk: Rc::clone(&self.inner.desk),
                sso: sso.map(str::to_owned),
            };
            TalkbackBackend {
                inner: Rc::new(inner),
            }
        }
    }

    impl Inner {
        fn url(&self, route: &str) -> String {
            format!("{}{route}", self.api)
        }

        fn stored_token(&self) -> Option<String> {
            self.token.borrow().clone()
        }

        fn forget_token(&self) {
            self.token.replace(None);
            store::forget(&self.storage_key);
        }

        async fn fresh_token(&self) -> Result<String, BackendError> {
            let reply = send(Method::POST, &self.url(routes::READERS), None, Some("{}")).await?;
            let token = decode::<ReaderToken>(reply.status, &reply.body, "a reader token")?.token;
            store::save(&self.storage_key, &token);
            self.token.replace(Some(token.clone()));
            Ok(token)
        }

        /// Sends a request that needs a reader: gets a token on first need, and when the server no
        /// longer knows a stored token, replaces it once and retries.
        async fn authed(
            &self,
            method: Method,
            url: &str,
            json: Option<&str>,
        ) -> Result<Reply, BackendError> {
            let (token, was_stored) = match self.stored_token() {
                Some(t) => (t, true),
                None => (self.fresh_token().await?, false),
            };
            let sso = self.sso.as_deref();
            let reply = send_signed(method.clone(), url, Some(&token), sso, json).await?;
            // A refused sign-in is the site's to renew; a new reader token would not help.
            if reply.status == 401 && was_stored && !reply.body.contains("sso_invalid") {
                self.forget_token();
                let token = self.fresh_token().await?;
                return send_signed(method, url, Some(&token), sso, json).await;
            }
            Ok(reply)
        }

        /// Sends a read that is better with a reader (to learn `my_vote`) but works without one.
        async fn read(&self, url: &str) -> Result<Reply, BackendError> {
            let token = self.stored_token();
            let sso = self.sso.as_deref();
            let reply = send_signed(Method::GET, url, token.as_deref(), sso, None).await?;
            if reply.status == 401 && token.is_some() {
                self.forget_token();
                return send_signed(Method::GET, url, None, sso, None).await;
            }
            Ok(reply)
        }
    }

    fn to_json<T: serde::Serialize>(v: &T) -> Result<String, BackendError> {
        serde_json::to_string(v).map_err(|_| BackendError::Malformed("a request"))
    }

    impl Backend for TalkbackBackend {
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                votes: true,
                downvotes: true,
                reply_pages: true,
                edit: true,
                preview: true,
                vote_undo: true,
                max_depth: None,
                sorts: &SortOrder::ALL,
                counts: true,
                live: true,
            }
        }

        fn events_url(&self, key: &str, after: Option<u64>) -> Option<String> {
            Some(events_url(&self.inner.api, key, after))
        }

        fn moderation(&self) -> bool {
            true
        }

        #[cfg(feature = "moderation")]
        fn desk(&self) -> Option<Rc<Desk>> {
            Some(self.inner.desk.clone())
        }

        fn report(&self, id: &CommentId, report: talkback_protocol::ReportRequest) -> Pending<()> {
            let inner = self.inner.clone();
            let url = inner.url(&routes::with_id(routes::REPORT, id.as_str()));
            Box::pin(async move {
                let json = to_json(&report)?;
                let r = inner.authed(Method::POST, &url, Some(&json)).await?;
                if (200..300).contains(&r.status) {
                    Ok(())
                } else {
                    Err(BackendError::from_status(r.status, &r.body))
                }
            })
        }

        fn load_thread(
            &self,
            key: &str,
            sort: SortOrder,
            cursor: Option<&Cursor>,
        ) -> Pending<ThreadPage> {
            let inner = self.inner.clone();
            let url = thread_url(&inner.api, key, sort, cursor);
            Box::pin(async move {
                let r = inner.read(&url).await?;
                decode(r.status, &r.body, "the thread")
            })
        }

        fn load_replies(
            &self,
            id: &CommentId,
            sort: SortOrder,
            cursor: &Cursor,
        ) -> Pending<RepliesPage> {
            let inner = self.inner.clone();
            let url = replies_url(&inner.api, id, sort, cursor);
            Box::pin(async move {
                let r = inner.read(&url).await?;
                decode(r.status, &r.body, "the replies")
            })
        }

        fn load_context(&self, id: &CommentId, sort: SortOrder) -> Pending<ContextPage> {
            let inner = self.inner.clone();
            let url = context_url(&inner.api, id, sort);
            Box::pin(async move {
                let r = inner.read(&url).await?;
                decode(r.status, &r.body, "the linked comment")
            })
        }

        fn preview(&self, body: String) -> Pending<String> {
            let inner = self.inner.clone();
            Box::pin(async move {
                let json = to_json(&PreviewRequest { body })?;
                let url = inner.url(routes::PREVIEW);
                let r = send(Method::POST, &url, None, Some(&json)).await?;
                decode::<Preview>(r.status, &r.body, "the preview").map(|p| p.body_html)
            })
        }

        fn edit(&self, id: &CommentId, body: String) -> Pending<Comment> {
            let inner = self.inner.clone();
            let url = inner.url(&routes::with_id(routes::COMMENT, id.as_str()));
            Box::pin(async move {
                let json = to_json(&EditComment { body })?;
                let r = inner.authed(Method::PATCH, &url, Some(&json)).await?;
                decode(r.status, &r.body, "the edited comment")
            })
        }

        fn delete(&self, id: &CommentId) -> Pending<()> {
            let inner = self.inner.clone();
            let url = inner.url(&routes::with_id(routes::COMMENT, id.as_str()));
            Box::pin(async move {
                let r = inner.authed(Method::DELETE, &url, None).await?;
                if (200..300).contains(&r.status) {
                    Ok(())
                } else {
                    Err(BackendError::from_status(r.status, &r.body))
                }
            })
        }

        fn post_comment(&self, comment: NewComment) -> Pending<Comment> {
            let inner = self.inner.clone();
            Box::pin(async move {
                let body = to_json(&comment)?;
                let r = inner
                    .authed(Method::POST, &inner.url(routes::COMMENTS), Some(&body))
                    .await?;
                decode(r.status, &r.body, "the posted comment")
            })
        }

        fn vote(&self, id: &CommentId, vote: Vote) -> Pending<VoteResult> {
            let inner = self.inner.clone();
            let url = inner.url(&routes::with_id(routes::VOTE, id.as_str()));
            Box::pin(async move {
                let body = to_json(&VoteRequest { value: vote })?;
                let r = inner.authed(Method::PUT, &url, Some(&body)).await?;
                decode(r.status, &r.body, "the vote count")
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_keys_survive_the_query_string() {
        let url = thread_url(
            "http://127.0.0.1:8080/",
            "https://a.example/p?id=7&x=1 #",
            SortOrder::Best,
            None,
        );
        assert_eq!(
            url,
            "http://127.0.0.1:8080/api/v1/thread?key=https%3A%2F%2Fa.example%2Fp%3Fid%3D7%26x%3D1%20%23&sort=best&limit=20&replies=5"
        );
        let next = thread_url(
            "http://h",
            "k",
            SortOrder::Newest,
            Some(&Cursor("a+b/=".into())),
        );
        assert!(next.contains("sort=newest&"), "{next}");
        assert!(next.ends_with("&cursor=a%2Bb%2F%3D"), "{next}");
    }

    #[test]
    fn events_url_resumes_after_the_last_event_seen() {
        assert_eq!(
            events_url("http://h/", "https://a.example/p?x=1", None),
            "http://h/api/v1/events?key=https%3A%2F%2Fa.example%2Fp%3Fx%3D1"
        );
        assert_eq!(events_url("http://h", "k", Some(42)), "http://h/api/v1/events?key=k&after=42");
    }

    #[test]
    fn non_ascii_keys_are_utf8_encoded() {
        assert_eq!(encode_component("é ü"), "%C3%A9%20%C3%BC");
    }

    #[test]
    fn replies_url_names_the_comment() {
        let id = CommentId::parse("c_12").unwrap();
        assert_eq!(
            replies_url(
                "https://c.example",
                &id,
                SortOrder::Oldest,
                &Cursor("xyz".into())
            ),
            "https://c.example/api/v1/comments/c_12/replies?sort=oldest&limit=50&cursor=xyz"
        );
        assert_eq!(
            context_url("https://c.example/", &id, SortOrder::Best),
            "https://c.example/api/v1/comments/c_12/context?sort=best&replies=5"
        );
    }
}
