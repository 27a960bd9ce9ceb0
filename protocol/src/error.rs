//! The error body every failing request returns.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. Clients must treat an unknown code like `internal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON or lacks required fields (400).
    BadRequest,
    /// A field breaks a limit or a rule; the message names it (422).
    ValidationFailed,
    /// A reader token is required or the one sent is unknown (401).
    Unauthorized,
    /// The reader may not change this comment: it is someone else's (403).
    Forbidden,
    /// The comment's edit window has closed; it can no longer be edited or deleted (403).
    EditWindowClosed,
    /// Readers cannot vote on their own comments (403).
    OwnComment,
    /// The thread is locked by a moderator: no new comments (403).
    ThreadLocked,
    /// The reader or their address is banned from posting and voting; the message says until
    /// when (403).
    Banned,
    /// The site's signed sign-in token (`X-Talkback-SSO`) was refused: bad signature, expired
    /// or malformed; the message says which (401).
    SsoInvalid,
    /// The comment or route does not exist (404).
    NotFound,
    /// The request body is larger than the limit (413).
    PayloadTooLarge,
    /// The request's content type is not `application/json` (415).
    UnsupportedMediaType,
    /// The same text was just posted by this reader or from this address (409).
    Duplicate,
    /// Too many requests; retry after `retry_after` seconds (429).
    RateLimited,
    /// The server failed; retrying may help (500).
    Internal,
    /// The server cannot take this request now, such as too many open event streams; retry
    /// later (503).
    Unavailable,
    /// A code this client version does not know.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that goes with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::Unauthorized | ErrorCode::SsoInvalid => 401,
            ErrorCode::Forbidden | ErrorCode::EditWindowClosed | ErrorCode::OwnComment => 403,
            ErrorCode::ThreadLocked | ErrorCode::Banned => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Duplicate => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

/// The inner error object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// A sentence a person can act on.
    pub message: String,
    /// For `rate_limited`: whole seconds to wait before trying again (also sent as the
    /// `Retry-After` header); `null` otherwise.
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// `{ "error": { "code": "...", "message": "..." } }`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ApiError,
}

impl ErrorBody {
    /// Builds an error body.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ApiError {
                code,
                message: message.into(),
                retry_after: None,
            },
        }
    }

    /// A `rate_limited` body saying how many seconds to wait.
    pub fn rate_limited(message: impl Into<String>, retry_after: u64) -> Self {
        let mut body = ErrorBody::new(ErrorCode::RateLimited, message);
        body.error.retry_after = Some(retry_after);
        body
    }
}
