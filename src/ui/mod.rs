//! Leptos components. They read state and send intents; parsing and arithmetic live elsewhere.

pub mod app;
mod avatar;
mod comment;
mod form;
mod state;
