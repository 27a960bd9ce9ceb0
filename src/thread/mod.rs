//! Pure thread logic: no DOM, no network, so every rule here is tested natively.

pub mod backoff;
pub mod compose;
pub mod edit;
pub mod form;
pub mod key;
pub mod link;
pub mod moderation;
pub mod nesting;
pub mod prefs;
pub mod sso;
pub mod time;
pub mod tree;
pub mod updates;
pub mod view;
pub mod vote;
pub mod wait;
