//! Talking to a comment server. The UI sees only the [`Backend`] trait and the protocol's types,
//! so an adapter for another server (Isso, Waline, …) can translate its peer's shapes in one place.

pub mod error;
#[cfg(target_arch = "wasm32")]
mod http;
#[cfg(feature = "peers")]
pub mod isso;
#[cfg(feature = "peers")]
mod local;
pub mod moderator;
#[cfg(feature = "peers")]
pub mod peer;
pub mod talkback;
pub mod token;
#[cfg(feature = "peers")]
pub mod waline;

use std::future::Future;
use std::pin::Pin;

use talkback_protocol::{
    Comment, CommentId, ContextPage, Cursor, NewComment, RepliesPage, SortOrder, ThreadPage, Vote,
    VoteResult,
};

pub use error::BackendError;

/// A request in flight. Not `Send`: browsers run the widget on one thread.
pub type Pending<T> = Pin<Box<dyn Future<Output = Result<T, BackendError>>>>;

/// What a server supports; the UI hides what is missing instead of offering buttons that fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Readers can vote at all.
    pub votes: bool,
    /// Down votes exist (some servers only count likes).
    pub downvotes: bool,
    /// Replies can be paged with a cursor.
    pub reply_pages: bool,
    /// Readers can edit and delete their own comments for a while after posting.
    pub edit: bool,
    /// The server renders a preview of a body exactly as it would store it.
    pub preview: bool,
    /// A vote can be withdrawn or changed after it was cast.
    pub vote_undo: bool,
    /// Levels of nesting the server keeps (`Some(2)`: comments and replies; a reply to a reply
    /// is stored under the top-level comment); `None` for any depth.
    pub max_depth: Option<usize>,
    /// The orders the server can sort a thread in; the sort menu offers only these.
    pub sorts: &'static [SortOrder],
    /// The thread's header can show the server's count of all its comments.
    pub counts: bool,
    /// The server pushes changes of the thread while the page is open ([`Backend::events_url`]).
    pub live: bool,
}

/// Which kind of server `data-api` points at (`data-backend`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackendKind {
    /// A server speaking the Talkback protocol (ours or any conforming one).
    #[default]
    Talkback,
    /// An Isso server (0.13 and later API).
    #[cfg(feature = "peers")]
    Isso,
    /// A Waline server (`@waline/vercel` API).
    #[cfg(feature = "peers")]
    Waline,
}

impl BackendKind {
    /// Reads `data-backend`; blank means Talkback, anything unknown is an error naming the choices.
    pub fn parse(s: Option<&str>) -> Result<Self, String> {
        match s.map(str::trim).unwrap_or("").to_ascii_lowercase().as_str() {
            "" | "talkback" => Ok(BackendKind::Talkback),
            #[cfg(feature = "peers")]
            "isso" => Ok(BackendKind::Isso),
            #[cfg(feature = "peers")]
            "waline" => Ok(BackendKind::Waline),
            // The loader mounts the full bundle for these; only a page loading the readers'
            // bundle by hand gets here.
            #[cfg(not(feature = "peers"))]
            peer @ ("isso" | "waline") => Err(format!(
                "data-backend=\"{peer}\" needs the full bundle; load the widget through embed.js"
            )),
            other => Err(format!(
                "data-backend=\"{other}\" is not supported; use \"talkback\", \"isso\" or \"waline\""
            )),
        }
    }

    /// Whether threads are keyed by the page's path (as Isso and Waline clients do) rather than
    /// by the canonical URL.
    pub fn keys_by_path(self) -> bool {
        !matches!(self, BackendKind::Talkback)
    }
}

/// A client for the server at `api`, of the given kind.
#[cfg(target_arch = "wasm32")]
pub fn connect(kind: BackendKind, api: &str, sso: Option<&str>) -> std::rc::Rc<dyn Backend> {
    match kind {
        BackendKind::Talkback => {
            std::rc::Rc::new(talkback::TalkbackBackend::new(api).signed_in(sso))
        }
        #[cfg(feature = "peers")]
        BackendKind::Isso => std::rc::Rc::new(isso::IssoBackend::new(api)),
        #[cfg(feature = "peers")]
        BackendKind::Waline => std::rc::Rc::new(waline::WalineBackend::new(api)),
    }
}

/// A comment server as the widget needs it.
pub trait Backend {
    /// What this server supports.
    fn capabilities(&self) -> Capabilities;
    /// A page of a thread in `sort` order: metadata, top-level comments with their first replies.
    fn load_thread(
        &self,
        key: &str,
        sort: SortOrder,
        cursor: Option<&Cursor>,
    ) -> Pending<ThreadPage>;
    /// The next direct replies of a comment (the cursor was made for the same `sort`).
    fn load_replies(
        &self,
        id: &CommentId,
        sort: SortOrder,
        cursor: &Cursor,
    ) -> Pending<RepliesPage>;
    /// A comment with its ancestors and first replies, for a permalink.
    fn load_context(&self, id: &CommentId, sort: SortOrder) -> Pending<ContextPage>;
    /// The server's rendering of a body, without storing it.
    fn preview(&self, body: String) -> Pending<String>;
    /// Replaces the body of the reader's own comment; the answer is the comment as stored.
    fn edit(&self, id: &CommentId, body: String) -> Pending<Comment>;
    /// Deletes the reader's own comment.
    fn delete(&self, id: &CommentId) -> Pending<()>;
    /// Posts a comment or reply; the answer is the stored comment.
    fn post_comment(&self, comment: NewComment) -> Pending<Comment>;
    /// Sets the reader's vote on a comment; the answer carries the new tallies.
    fn vote(&self, id: &CommentId, vote: Vote) -> Pending<VoteResult>;
    /// The server-sent event stream of a thread's changes, resuming after event `after`; `None`
    /// for a server without live updates.
    fn events_url(&self, key: &str, after: Option<u64>) -> Option<String> {
        let _ = (key, after);
        None
    }
    /// Whether readers can report comments and moderators act from inside the widget.
    fn moderation(&self) -> bool {
        false
    }
    /// Reports a comment to the site's moderators.
    fn report(&self, id: &CommentId, report: talkback_protocol::ReportRequest) -> Pending<()> {
        let _ = (id, report);
        Box::pin(async { Err(BackendError::Unsupported("reports")) })
    }
    /// The moderator's work from the widget; `None` for a server without it.
    #[cfg(all(target_arch = "wasm32", feature = "moderation"))]
    fn desk(&self) -> Option<std::rc::Rc<moderator::Desk>> {
        None
    }
}
