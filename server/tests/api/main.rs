//! End-to-end tests of the server over real HTTP against a real SQLite file.

mod common;

mod comments;
mod cors_and_static;
mod paging;
mod persistence;
mod safety;
mod validation;
mod votes;
