//! The paths of protocol v1, in the `{param}` syntax shared by axum and OpenAPI.

/// `POST`: issue an anonymous reader token.
pub const READERS: &str = "/api/v1/readers";
/// `GET ?key=&limit=&replies=&cursor=`: thread metadata and a page of top-level comments.
pub const THREAD: &str = "/api/v1/thread";
/// `POST`: post a comment or a reply.
pub const COMMENTS: &str = "/api/v1/comments";
/// `GET ?limit=&cursor=`: the next direct replies of a comment, with their replies.
pub const REPLIES: &str = "/api/v1/comments/{id}/replies";
/// `PUT`: set the reader's vote on a comment.
pub const VOTE: &str = "/api/v1/comments/{id}/vote";
/// `PATCH`: edit the reader's own comment; `DELETE`: delete it (both within the edit window).
pub const COMMENT: &str = "/api/v1/comments/{id}";
/// `GET ?sort=&replies=`: a comment with its ancestors and its replies, for permalinks.
pub const CONTEXT: &str = "/api/v1/comments/{id}/context";
/// `POST`: render a comment body exactly as it would be stored, without storing it.
pub const PREVIEW: &str = "/api/v1/preview";
/// `POST`: comment counts for a list of thread keys.
pub const COUNTS: &str = "/api/v1/counts";

/// `GET ?key=&after=`: the thread's changes as server-sent events (`text/event-stream`).
pub const EVENTS: &str = "/api/v1/events";

/// Every route with its method, for the OpenAPI consistency test and the conformance suite.
pub const ALL: &[(&str, &str)] = &[
    ("post", READERS),
    ("get", THREAD),
    ("post", COMMENTS),
    ("get", REPLIES),
    ("put", VOTE),
    ("post", COUNTS),
    ("patch", COMMENT),
    ("delete", COMMENT),
    ("get", CONTEXT),
    ("post", PREVIEW),
    ("get", EVENTS),
];

/// Routes a backend may leave out; clients and the conformance suite treat them as a capability.
pub const OPTIONAL: &[(&str, &str)] = &[("get", EVENTS)];

/// Fills the `{id}` parameter of a route with a comment id.
pub fn with_id(route: &str, id: &str) -> String {
    route.replace("{id}", id)
}
