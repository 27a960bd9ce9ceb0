//! End-to-end tests of the server over real HTTP against a real SQLite file.

mod common;

mod abuse;
mod comments;
mod context;
mod cors_and_static;
mod editing;
mod identity;
mod live;
mod moderation;
mod notify;
mod paging;
mod persistence;
mod posting;
mod safety;
mod smtp_sink;
mod sorting;
mod validation;
mod votes;
