//! End-to-end tests of the server over real HTTP against a real SQLite file.

mod common;

mod abuse;
mod comments;
mod context;
mod cors_and_static;
mod editing;
mod live;
mod moderation;
mod paging;
mod persistence;
mod posting;
mod safety;
mod sorting;
mod validation;
mod votes;
