//! Everything that can go wrong talking to a server, in words a reader can act on.

use std::fmt;

use serde::de::DeserializeOwned;
use talkback_protocol::{ErrorBody, ErrorCode, ValidationError};

/// Longest server message shown to a reader; anything longer is probably not meant for people.
const MESSAGE_MAX_CHARS: usize = 300;

/// Why a request to the comment server did not give the widget what it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendError {
    /// The request never got an answer (offline, DNS, CORS refused, server down).
    Network,
    /// No answer within the time limit.
    Timeout,
    /// The server answered with an error status.
    Http {
        /// HTTP status code.
        status: u16,
        /// The protocol error code, when the body was an `ErrorBody`.
        code: Option<ErrorCode>,
        /// The server's message, when the body was an `ErrorBody`.
        message: Option<String>,
    },
    /// The server answered success with a body that is not what the protocol promises.
    Malformed(&'static str),
    /// The widget refused the input before sending it.
    Invalid(ValidationError),
    /// This server cannot do what was asked.
    Unsupported(&'static str),
    /// The server refused, for a reason the adapter put into words for the reader.
    Refused(String),
    /// Too many requests: the server asks to wait this many seconds (429 with `retry_after`).
    RateLimited {
        /// Seconds until the server takes the request again.
        seconds: u64,
    },
}

impl BackendError {
    /// The error for a non-success answer, using the server's `ErrorBody` when it sent one.
    pub fn from_status(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        if let Some(seconds) = parsed
            .as_ref()
            .filter(|_| status == 429)
            .and_then(|b| b.error.retry_after)
        {
            return BackendError::RateLimited { seconds };
        }
        let (code, message) = match parsed {
            Some(b) => {
                let m = b.error.message.trim().to_owned();
                (
                    Some(b.error.code),
                    (!m.is_empty() && m.chars().count() <= MESSAGE_MAX_CHARS).then_some(m),
                )
            }
            None => (None, None),
        };
        BackendError::Http {
            status,
            code,
            message,
        }
    }

    /// The server's own message when it is written for readers: validation, limits, "not
    /// found" and the edit window. Otherwise its wording may be technical, and the widget
    /// speaks for itself.
    pub fn readers_message(&self) -> Option<&str> {
        match self {
            BackendError::Http {
                status,
                code,
                message: Some(m),
            } if matches!(status, 404 | 413 | 422 | 429)
                || matches!(
                    code,
                    Some(ErrorCode::EditWindowClosed | ErrorCode::ThreadLocked | ErrorCode::Banned)
                ) =>
            {
                Some(m)
            }
            _ => None,
        }
    }

    /// True when trying the same request again later might work.
    pub fn is_transient(&self) -> bool {
        match self {
            BackendError::Network | BackendError::Timeout => true,
            BackendError::Http { status, .. } => *status == 429 || *status >= 500,
            BackendError::RateLimited { .. } => true,
            _ => false,
        }
    }
}

/// Decodes a server answer: a success status with the promised JSON, or the matching error.
pub fn decode<T: DeserializeOwned>(
    status: u16,
    body: &str,
    what: &'static str,
) -> Result<T, BackendError> {
    if !(200..300).contains(&status) {
        return Err(BackendError::from_status(status, body));
    }
    serde_json::from_str(body).map_err(|_| BackendError::Malformed(what))
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendError::Network => f.write_str(
                "Couldn't reach the comment server. Check your connection and try again.",
            ),
            BackendError::Timeout => {
                f.write_str("The comment server took too long to answer. Please try again.")
            }
            BackendError::Http { status, code, .. } => {
                match (self.readers_message(), code) {
                    (Some(m), _) => f.write_str(m),
                    (_, Some(ErrorCode::Forbidden)) => {
                        f.write_str("Only the person who wrote this comment can change it.")
                    }
                    (_, Some(ErrorCode::EditWindowClosed)) => f.write_str(
                        "The time for changing this comment is over; it can no longer be edited or deleted.",
                    ),
                    (_, Some(ErrorCode::OwnComment)) => {
                        f.write_str("You can't vote on your own comment.")
                    }
                    _ => f.write_str(&status_text(*status)),
                }
            }
            BackendError::Malformed(what) => {
                write!(
                    f,
                    "The comment server sent {what} this page couldn't read. Please try again later."
                )
            }
            BackendError::Invalid(e) => write!(f, "{e}"),
            BackendError::Unsupported(what) => {
                write!(f, "This comment server doesn't support {what}.")
            }
            BackendError::Refused(why) => f.write_str(why),
            BackendError::RateLimited { seconds } => {
                write!(f, "You're posting too fast — try again in {seconds} s.")
            }
        }
    }
}

fn status_text(status: u16) -> String {
    match status {
        401 | 403 => {
            "The comment server didn't accept this browser. Reload the page and try again."
                .to_owned()
        }
        404 => "The comment server couldn't find that. It may have been removed.".to_owned(),
        413 => "That is too long to send. Please shorten it.".to_owned(),
        422 => "The comment server refused this comment.".to_owned(),
        429 => "You're doing that too often. Wait a moment and try again.".to_owned(),
        s if s >= 500 => {
            "The comment server had a problem. Please try again in a moment.".to_owned()
        }
        s => format!("The comment server refused the request (error {s}). Please try again later."),
    }
}

impl std::error::Error for BackendError {}

impl From<ValidationError> for BackendError {
    fn from(e: ValidationError) -> Self {
        BackendError::Invalid(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::ReaderToken;

    #[test]
    fn a_429_with_retry_after_says_how_long_to_wait() {
        let body = r#"{"error":{"code":"rate_limited","message":"x","retry_after":42}}"#;
        let e = BackendError::from_status(429, body);
        assert_eq!(e, BackendError::RateLimited { seconds: 42 });
        assert!(e.to_string().contains("try again in 42 s"), "{e}");
        let bare = BackendError::from_status(
            429,
            r#"{"error":{"code":"rate_limited","message":"Slow down."}}"#,
        );
        assert_eq!(
            bare.to_string(),
            "Slow down.",
            "without retry_after the server's words stay"
        );
    }

    #[test]
    fn validation_messages_from_the_server_reach_the_reader() {
        let body =
            r#"{"error":{"code":"validation_failed","message":"Write something before posting."}}"#;
        let e = BackendError::from_status(422, body);
        assert_eq!(e.to_string(), "Write something before posting.");
        assert!(matches!(
            e,
            BackendError::Http {
                status: 422,
                code: Some(ErrorCode::ValidationFailed),
                ..
            }
        ));
    }

    #[test]
    fn html_error_pages_and_500s_get_a_plain_message() {
        let e = BackendError::from_status(502, "<html><body>Bad gateway</body></html>");
        assert_eq!(
            e,
            BackendError::Http {
                status: 502,
                code: None,
                message: None
            }
        );
        assert_eq!(
            e.to_string(),
            "The comment server had a problem. Please try again in a moment."
        );
        assert!(e.is_transient());
        let internal = BackendError::from_status(
            500,
            r#"{"error":{"code":"internal","message":"db locked at store.rs:12"}}"#,
        );
        assert!(
            !internal.to_string().contains("store.rs"),
            "technical text stays hidden"
        );
    }

    #[test]
    fn unknown_error_codes_and_huge_messages_do_not_break_decoding() {
        let e = BackendError::from_status(
            429,
            r#"{"error":{"code":"slow_down_please","message":"Too fast."}}"#,
        );
        assert!(matches!(
            e,
            BackendError::Http {
                code: Some(ErrorCode::Unknown),
                ..
            }
        ));
        assert_eq!(e.to_string(), "Too fast.");
        let long = format!(
            r#"{{"error":{{"code":"not_found","message":"{}"}}}}"#,
            "x".repeat(5000)
        );
        assert_eq!(
            BackendError::from_status(404, &long).to_string(),
            "The comment server couldn't find that. It may have been removed."
        );
    }

    #[test]
    fn success_with_a_wrong_body_is_malformed_not_a_panic() {
        for body in [
            "",
            "null",
            "<html>",
            r#"{"token": 5}"#,
            r#"{"tok":"x"}"#,
            "[1,2]",
            "{\"token\":\"a\"",
            "\u{0}",
        ] {
            assert_eq!(
                decode::<ReaderToken>(201, body, "a reader token"),
                Err(BackendError::Malformed("a reader token")),
                "{body:?}"
            );
        }
        assert_eq!(
            decode::<ReaderToken>(201, r#"{"token":"abc","extra":1}"#, "t")
                .unwrap()
                .token,
            "abc"
        );
    }

    #[test]
    fn a_closed_edit_window_is_explained_in_the_servers_words() {
        let msg = "Comments can be edited for 15 minutes after posting; this one can no longer be changed.";
        let body = format!(r#"{{"error":{{"code":"edit_window_closed","message":"{msg}"}}}}"#);
        assert_eq!(BackendError::from_status(403, &body).to_string(), msg);
        let other = BackendError::from_status(
            403,
            r#"{"error":{"code":"forbidden","message":"reader 17 != 4"}}"#,
        );
        assert_eq!(
            other.to_string(),
            "Only the person who wrote this comment can change it."
        );
    }

    #[test]
    fn errors_tell_the_reader_what_to_do() {
        assert_eq!(
            BackendError::Network.to_string(),
            "Couldn't reach the comment server. Check your connection and try again."
        );
        assert!(BackendError::Timeout.to_string().contains("try again"));
        assert!(
            BackendError::Malformed("the thread")
                .to_string()
                .starts_with("The comment server sent the thread")
        );
        assert_eq!(
            decode::<ReaderToken>(418, "teapot", "t")
                .unwrap_err()
                .to_string(),
            "The comment server refused the request (error 418). Please try again later."
        );
    }
}
