//! Leptos components. They read state and send intents; parsing and arithmetic live elsewhere.

pub mod app;
mod avatar;
mod comment;
mod compose;
mod dom;
pub mod events;
mod fetch;
mod form;
mod fresh;
mod item;
mod keys;
pub mod lang;
pub mod live;
#[cfg(feature = "moderation")]
mod moderate;
#[cfg(not(feature = "moderation"))]
#[path = "moderate_none.rs"]
mod moderate;
mod own;
mod replies;
mod report;
mod state;
mod stream;
mod votes;
