//! Talkback protocol v1: the one definition of what crosses the wire.
//!
//! The widget, the reference server and the conformance suite all depend on this crate so that
//! they cannot disagree about a field name, a limit or an error code. It has no web or database
//! dependencies on purpose: it must compile to wasm cheaply and be usable by any Rust backend.
//! `openapi.yaml` beside this crate documents the same contract for non-Rust backends; a test keeps
//! the two in step.

pub mod error;
pub mod key;
pub mod limits;
pub mod live;
pub mod moderation;
pub mod routes;
pub mod sort;
pub mod validate;
pub mod wire;

pub use error::{ApiError, ErrorBody, ErrorCode};
pub use key::normalize_thread_key;
pub use live::{
    CommentEvent, DeletedEvent, EventsQuery, LiveEvent, LiveEventError, LiveEventKind, VotedEvent,
};
pub use moderation::{CommentStatus, ReportReason, ReportRequest};
pub use sort::{SortOrder, wilson_lower_bound};
pub use validate::ValidationError;
pub use wire::*;
