//! Leptos components. They read state and send intents; parsing and arithmetic live elsewhere.

pub mod app;
mod avatar;
mod comment;
mod compose;
mod dom;
mod fetch;
mod form;
mod own;
mod replies;
mod state;
mod votes;
