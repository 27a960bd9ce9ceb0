//! The protocol's operations as one-line calls that expect success.
//!
//! Each returns the parsed answer or a failure naming the request and what came back, so a
//! check reads as a list of steps.

use serde_json::json;
use talkback_protocol::routes::{
    COMMENT, COMMENTS, CONTEXT, COUNTS, PREVIEW, READERS, REPLIES, THREAD, VOTE,
};
use talkback_protocol::{
    Comment, CommentId, ContextPage, CountsRequest, CountsResponse, EditComment, NewComment,
    Preview, PreviewRequest, ReaderToken, RepliesPage, ThreadPage, Vote, VoteRequest, VoteResult,
};

use crate::client::{Api, Reply};
use crate::outcome::Failure;

/// A comment body for `thread`, posted under a fixed name.
pub fn new_comment(thread: &str, body: &str) -> NewComment {
    NewComment {
        thread: thread.to_owned(),
        author: Some("Conformance".to_owned()),
        body: body.to_owned(),
        ..Default::default()
    }
}

/// A reply to `parent` in `thread`.
pub fn new_reply(thread: &str, parent: &CommentId, body: &str) -> NewComment {
    NewComment {
        parent_id: Some(parent.clone()),
        ..new_comment(thread, body)
    }
}

impl Api {
    /// `POST /api/v1/readers` → 201, a new reader's token.
    pub async fn reader(&self) -> Result<String, Failure> {
        let reply = self.route("post", READERS, None).send().await?;
        let t: ReaderToken = reply.ok(201)?;
        if t.token.trim().is_empty() {
            return Err(Failure(
                "POST /api/v1/readers answered an empty token".into(),
            ));
        }
        Ok(t.token)
    }

    /// `POST /api/v1/comments` as `token`, unchecked.
    pub async fn try_post(&self, token: &str, c: &NewComment) -> Result<Reply, Failure> {
        self.route("post", COMMENTS, None)
            .token(token)
            .json(c)
            .send()
            .await
    }

    /// `POST /api/v1/comments` → 201, the stored comment.
    pub async fn post(&self, token: &str, c: &NewComment) -> Result<Comment, Failure> {
        self.try_post(token, c).await?.ok(201)
    }

    /// Posts a top-level comment with `body` to `thread`.
    pub async fn post_body(
        &self,
        token: &str,
        thread: &str,
        body: &str,
    ) -> Result<Comment, Failure> {
        self.post(token, &new_comment(thread, body)).await
    }

    /// Posts a reply to `parent`.
    pub async fn reply_to(
        &self,
        token: &str,
        thread: &str,
        parent: &CommentId,
        body: &str,
    ) -> Result<Comment, Failure> {
        self.post(token, &new_reply(thread, parent, body)).await
    }

    /// `GET /api/v1/thread?key=…` plus `extra` parameters, unchecked.
    pub async fn try_thread(
        &self,
        key: &str,
        extra: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<Reply, Failure> {
        self.route("get", THREAD, None)
            .query(&[("key", key)])
            .query(extra)
            .maybe_token(token)
            .send()
            .await
    }

    /// `GET /api/v1/thread` → 200.
    pub async fn thread(
        &self,
        key: &str,
        extra: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<ThreadPage, Failure> {
        self.try_thread(key, extra, token).await?.ok(200)
    }

    /// `GET /api/v1/comments/{id}/replies` → 200.
    pub async fn replies(
        &self,
        id: &CommentId,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<RepliesPage, Failure> {
        self.route("get", REPLIES, Some(id.as_str()))
            .query(query)
            .maybe_token(token)
            .send()
            .await?
            .ok(200)
    }

    /// `PUT /api/v1/comments/{id}/vote`, unchecked.
    pub async fn try_vote(&self, token: &str, id: &str, value: Vote) -> Result<Reply, Failure> {
        self.route("put", VOTE, Some(id))
            .token(token)
            .json(&VoteRequest { value })
            .send()
            .await
    }

    /// `PUT /api/v1/comments/{id}/vote` → 200, the tallies after the vote.
    pub async fn vote(
        &self,
        token: &str,
        id: &CommentId,
        value: Vote,
    ) -> Result<VoteResult, Failure> {
        self.try_vote(token, id.as_str(), value).await?.ok(200)
    }

    /// `PATCH /api/v1/comments/{id}`, unchecked.
    pub async fn try_edit(&self, token: &str, id: &str, body: &str) -> Result<Reply, Failure> {
        self.route("patch", COMMENT, Some(id))
            .token(token)
            .json(&EditComment {
                body: body.to_owned(),
            })
            .send()
            .await
    }

    /// `DELETE /api/v1/comments/{id}`, unchecked.
    pub async fn try_delete(&self, token: &str, id: &str) -> Result<Reply, Failure> {
        self.route("delete", COMMENT, Some(id))
            .token(token)
            .send()
            .await
    }

    /// `DELETE /api/v1/comments/{id}` → 204.
    pub async fn delete(&self, token: &str, id: &CommentId) -> Result<(), Failure> {
        self.try_delete(token, id.as_str()).await?.status_is(204)
    }

    /// `GET /api/v1/comments/{id}/context`, unchecked.
    pub async fn try_context(
        &self,
        id: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> Result<Reply, Failure> {
        self.route("get", CONTEXT, Some(id))
            .query(query)
            .maybe_token(token)
            .send()
            .await
    }

    /// `GET /api/v1/comments/{id}/context` → 200.
    pub async fn context(
        &self,
        id: &CommentId,
        token: Option<&str>,
    ) -> Result<ContextPage, Failure> {
        self.try_context(id.as_str(), &[], token).await?.ok(200)
    }

    /// `POST /api/v1/counts` → 200.
    pub async fn counts(&self, threads: &[&str]) -> Result<CountsResponse, Failure> {
        let req = CountsRequest {
            threads: threads.iter().map(|s| (*s).to_owned()).collect(),
        };
        self.route("post", COUNTS, None)
            .json(&req)
            .send()
            .await?
            .ok(200)
    }

    /// `POST /api/v1/preview`, unchecked.
    pub async fn try_preview(&self, body: &str) -> Result<Reply, Failure> {
        self.route("post", PREVIEW, None)
            .json(&PreviewRequest {
                body: body.to_owned(),
            })
            .send()
            .await
    }

    /// `POST /api/v1/preview` → 200.
    pub async fn preview(&self, body: &str) -> Result<Preview, Failure> {
        self.try_preview(body).await?.ok(200)
    }

    /// `POST /api/v1/comments` with an arbitrary JSON body, for malformed-input checks.
    pub async fn post_json(&self, token: &str, body: serde_json::Value) -> Result<Reply, Failure> {
        self.route("post", COMMENTS, None)
            .token(token)
            .json(&body)
            .send()
            .await
    }

    /// A comment id that is well formed but names no comment.
    pub fn unknown_id(&self) -> String {
        format!("nx{}", self.nonce())
    }
}

/// `{"thread": …, "body": …}` as raw JSON, for checks that send something the types cannot.
pub fn raw_comment(thread: &str, body: &str) -> serde_json::Value {
    json!({ "thread": thread, "body": body })
}
