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

/// `POST`: report a comment to the moderators (once per reader and comment).
pub const REPORT: &str = "/api/v1/comments/{id}/report";

/// `POST`: sign a moderator in; `GET`: who is signed in; `DELETE`: sign out.
pub const ADMIN_SESSION: &str = "/api/v1/admin/session";
/// `GET ?status=&thread=&author=&cursor=&limit=`: comments waiting for a moderator.
pub const ADMIN_QUEUE: &str = "/api/v1/admin/queue";
/// `POST`: one moderation action on one or more comments.
pub const ADMIN_ACTIONS: &str = "/api/v1/admin/actions";
/// `POST`: lock or unlock a thread.
pub const ADMIN_THREAD_LOCK: &str = "/api/v1/admin/threads/lock";
/// `GET`: the bans in force; `POST`: ban a reader (by comment) or an address range.
pub const ADMIN_BANS: &str = "/api/v1/admin/bans";
/// `DELETE`: lift a ban.
pub const ADMIN_BAN: &str = "/api/v1/admin/bans/{id}";
/// `GET ?cursor=&limit=`: the audit log, newest first.
pub const ADMIN_AUDIT: &str = "/api/v1/admin/audit";
/// `GET`: address ranges near or over the new-reader-token ceiling (token farming).
pub const ADMIN_FARMING: &str = "/api/v1/admin/farming";
/// `GET`: the site's moderation settings; `PUT` (admins only): change them.
pub const ADMIN_SETTINGS: &str = "/api/v1/admin/settings";

/// The moderation routes of the reference server: reports and the admin API. Optional for other
/// backends (the widget hides the report button and moderator tools without them).
pub const MODERATION: &[(&str, &str)] = &[
    ("post", REPORT),
    ("post", ADMIN_SESSION),
    ("get", ADMIN_SESSION),
    ("delete", ADMIN_SESSION),
    ("get", ADMIN_QUEUE),
    ("post", ADMIN_ACTIONS),
    ("post", ADMIN_THREAD_LOCK),
    ("get", ADMIN_BANS),
    ("post", ADMIN_BANS),
    ("delete", ADMIN_BAN),
    ("get", ADMIN_AUDIT),
    ("get", ADMIN_FARMING),
    ("get", ADMIN_SETTINGS),
    ("put", ADMIN_SETTINGS),
];

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
    ("post", REPORT),
    ("post", ADMIN_SESSION),
    ("get", ADMIN_SESSION),
    ("delete", ADMIN_SESSION),
    ("get", ADMIN_QUEUE),
    ("post", ADMIN_ACTIONS),
    ("post", ADMIN_THREAD_LOCK),
    ("get", ADMIN_BANS),
    ("post", ADMIN_BANS),
    ("delete", ADMIN_BAN),
    ("get", ADMIN_AUDIT),
    ("get", ADMIN_FARMING),
    ("get", ADMIN_SETTINGS),
    ("put", ADMIN_SETTINGS),
];

/// Routes a backend may leave out; clients and the conformance suite treat them as a capability.
/// Live updates, and the moderation routes of [`MODERATION`].
pub const OPTIONAL: &[(&str, &str)] = &[
    ("get", EVENTS),
    ("post", REPORT),
    ("post", ADMIN_SESSION),
    ("get", ADMIN_SESSION),
    ("delete", ADMIN_SESSION),
    ("get", ADMIN_QUEUE),
    ("post", ADMIN_ACTIONS),
    ("post", ADMIN_THREAD_LOCK),
    ("get", ADMIN_BANS),
    ("post", ADMIN_BANS),
    ("delete", ADMIN_BAN),
    ("get", ADMIN_AUDIT),
    ("get", ADMIN_FARMING),
    ("get", ADMIN_SETTINGS),
    ("put", ADMIN_SETTINGS),
];

/// Fills the `{id}` parameter of a route with a comment id.
pub fn with_id(route: &str, id: &str) -> String {
    route.replace("{id}", id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_routes_are_all_listed_and_optional() {
        for route in MODERATION {
            assert!(ALL.contains(route) && OPTIONAL.contains(route), "{route:?}");
        }
    }
}
