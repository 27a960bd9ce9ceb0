//! Pure thread logic: no DOM, no network, so every rule here is tested natively.

pub mod form;
pub mod key;
pub mod time;
pub mod tree;
pub mod vote;
