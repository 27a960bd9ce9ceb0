//! The one error type of the HTTP layer and its JSON form.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use talkback_protocol::{ErrorBody, ErrorCode, ValidationError};

use crate::store::StoreError;

/// Everything a request can fail with; each variant becomes a JSON [`ErrorBody`].
#[derive(Debug)]
pub enum AppError {
    /// Malformed request: bad JSON, missing field, bad cursor or id (400).
    BadRequest(String),
    /// Input breaks a limit or a rule (422).
    Validation(String),
    /// No or unknown reader token where one is required (401).
    Unauthorized(String),
    /// The site's sign-in token was refused (401).
    SsoInvalid(String),
    /// The comment belongs to another reader (403).
    Forbidden(String),
    /// The comment's edit window has closed (403).
    EditWindowClosed(String),
    /// A vote on the reader's own comment (403).
    OwnComment(String),
    /// The same text was just posted (409).
    Duplicate(String),
    /// Over a rate limit; `retry_after` seconds until it allows the request again (429).
    RateLimited { message: String, retry_after: u64 },
    /// A moderator locked the thread (403).
    ThreadLocked(String),
    /// The reader or their address is banned (403).
    Banned(String),
    /// Unknown comment or route (404).
    NotFound(String),
    /// The route exists but not with this method (400, as the protocol has no code of its own for it).
    MethodNotAllowed,
    /// Request body over the limit (413).
    PayloadTooLarge,
    /// Body not sent as `application/json` (415).
    UnsupportedMediaType,
    /// A server-side failure; the detail is logged, not sent (500).
    Internal(String),
    /// The server cannot take this request now, such as too many open event streams (503).
    Unavailable(String),
}

impl AppError {
    fn code_and_message(self) -> (ErrorCode, String) {
        match self {
            AppError::BadRequest(m) => (ErrorCode::BadRequest, m),
            AppError::Validation(m) => (ErrorCode::ValidationFailed, m),
            AppError::Unauthorized(m) => (ErrorCode::Unauthorized, m),
            AppError::SsoInvalid(m) => (ErrorCode::SsoInvalid, m),
            AppError::Forbidden(m) => (ErrorCode::Forbidden, m),
            AppError::EditWindowClosed(m) => (ErrorCode::EditWindowClosed, m),
            AppError::OwnComment(m) => (ErrorCode::OwnComment, m),
            AppError::Duplicate(m) => (ErrorCode::Duplicate, m),
            AppError::RateLimited { message, .. } => (ErrorCode::RateLimited, message),
            AppError::NotFound(m) => (ErrorCode::NotFound, m),
            AppError::Unavailable(m) => (ErrorCode::Unavailable, m),
            AppError::ThreadLocked(m) => (ErrorCode::ThreadLocked, m),
            AppError::Banned(m) => (ErrorCode::Banned, m),
            AppError::MethodNotAllowed => (
                ErrorCode::BadRequest,
                "This route does not accept that HTTP method.".to_owned(),
            ),
            AppError::PayloadTooLarge => (
                ErrorCode::PayloadTooLarge,
                format!(
                    "The request body is larger than {} bytes.",
                    talkback_protocol::limits::REQUEST_MAX_BYTES
                ),
            ),
            AppError::UnsupportedMediaType => (
                ErrorCode::UnsupportedMediaType,
                "Send the request body as JSON with `Content-Type: application/json`.".to_owned(),
            ),
            AppError::Internal(detail) => {
                eprintln!("talkback-server: internal error: {detail}");
                (
                    ErrorCode::Internal,
                    "The server failed to handle this request; try again later.".to_owned(),
                )
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::RateLimited {
            message,
            retry_after,
        } = self
        {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(ErrorBody::rate_limited(message, retry_after)),
            )
                .into_response();
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after));
            return response;
        }
        let (code, message) = self.code_and_message();
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(ErrorBody::new(code, message))).into_response()
    }
}

impl AppError {
    /// The error as it appears inside another answer (the per-comment results of a bulk action).
    pub fn into_api_error(self) -> talkback_protocol::ApiError {
        let (code, message) = self.code_and_message();
        ErrorBody::new(code, message).error
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Validation(e.to_string())
    }
}

impl From<crate::sso::SsoError> for AppError {
    fn from(e: crate::sso::SsoError) -> Self {
        AppError::SsoInvalid(e.to_string())
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
            _ => AppError::BadRequest(format!(
                "The request body is not the expected JSON: {}",
                rejection.body_text()
            )),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(format!(
            "The query string is not valid: {}",
            rejection.body_text()
        ))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::CommentNotFound => {
                AppError::NotFound("There is no comment with this id.".to_owned())
            }
            StoreError::ParentNotFound => {
                AppError::Validation("The comment you are replying to does not exist.".to_owned())
            }
            StoreError::ParentInOtherThread => AppError::Validation(
                "The comment you are replying to belongs to another thread.".to_owned(),
            ),
            StoreError::ParentDeleted => AppError::Validation(
                "The comment you are replying to was deleted; replies to it are closed.".to_owned(),
            ),
            StoreError::CommentDeleted => AppError::Validation(
                "This comment was deleted; it can no longer be voted on.".to_owned(),
            ),
            StoreError::NotPublished(status) => AppError::Validation(
                match status {
                    talkback_protocol::CommentStatus::Held => {
                        "This comment is waiting for a moderator's approval; it can be voted on once it is published."
                    }
                    talkback_protocol::CommentStatus::Rejected => {
                        "A moderator did not publish this comment, so it cannot be voted on."
                    }
                    _ => "A moderator has taken this comment down; it can no longer be voted on.",
                }
                .to_owned(),
            ),
            StoreError::NotYours => AppError::Forbidden(
                "Only the reader who wrote this comment can change it.".to_owned(),
            ),
            StoreError::EditWindowClosed { window_secs } => AppError::EditWindowClosed(format!(
                "Comments can be edited for {} after posting; this one can no longer be changed.",
                duration_text(window_secs)
            )),
            StoreError::Refused(why) => AppError::Validation(why),
            StoreError::Database(detail) => AppError::Internal(detail),
        }
    }
}

/// A window length as people say it: "15 minutes", "1 hour", "90 seconds".
pub fn duration_text(secs: u64) -> String {
    let (n, unit) = match secs {
        0 => return "no time at all".to_owned(),
        s if s % 3600 == 0 => (s / 3600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn windows_read_naturally() {
        assert_eq!(duration_text(900), "15 minutes");
        assert_eq!(duration_text(3600), "1 hour");
        assert_eq!(duration_text(1), "1 second");
        assert_eq!(duration_text(90), "90 seconds");
    }
}
