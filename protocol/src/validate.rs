//! Validation of client input against the protocol's limits, shared by server and widget.

use std::fmt;

use crate::key::normalize_thread_key;
use crate::limits::*;
use crate::wire::{CommentId, NewComment};

/// Why a piece of input was refused. The `Display` text is shown to readers as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidationError {
    /// The comment has no text.
    BodyEmpty,
    /// The comment is longer than the limit.
    BodyTooLong { max: usize, len: usize },
    /// The name is longer than the limit.
    NameTooLong { max: usize },
    /// The name contains control characters.
    NameInvalid,
    /// No thread key was given.
    ThreadKeyEmpty,
    /// The thread key is longer than the limit.
    ThreadKeyTooLong { max: usize },
    /// The thread key contains control characters.
    ThreadKeyInvalid,
    /// The title is longer than the limit.
    TitleTooLong { max: usize },
    /// The title contains control characters.
    TitleInvalid,
    /// The URL is not an http(s) URL or is too long.
    UrlInvalid,
    /// A paging limit is outside its range.
    LimitOutOfRange { min: u32, max: u32 },
    /// Too many thread keys in one counts request (or none).
    CountsKeys { max: usize },
    /// The email address is not one.
    EmailInvalid,
    /// The idempotency key is empty, too long or not URL-safe.
    ClientTokenInvalid,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BodyEmpty => write!(f, "Write something before posting."),
            Self::BodyTooLong { max, len } => {
                write!(
                    f,
                    "Your comment is {len} characters long; the limit is {max}. Please shorten it."
                )
            }
            Self::NameTooLong { max } => write!(f, "Names can be at most {max} characters long."),
            Self::NameInvalid => write!(f, "The name contains characters that cannot be shown."),
            Self::ThreadKeyEmpty => write!(f, "The thread key is missing."),
            Self::ThreadKeyTooLong { max } => {
                write!(f, "Thread keys can be at most {max} characters long.")
            }
            Self::ThreadKeyInvalid => write!(f, "The thread key contains control characters."),
            Self::TitleTooLong { max } => write!(f, "Titles can be at most {max} characters long."),
            Self::TitleInvalid => write!(f, "The title contains characters that cannot be shown."),
            Self::UrlInvalid => write!(
                f,
                "The article URL must be an http or https URL of at most {URL_MAX_CHARS} characters."
            ),
            Self::LimitOutOfRange { min, max } => {
                write!(f, "limit must be between {min} and {max}.")
            }
            Self::CountsKeys { max } => {
                write!(f, "Ask for the counts of 1 to {max} threads at a time.")
            }
            Self::EmailInvalid => write!(
                f,
                "The email address does not look right: it needs one @, no spaces and at most {EMAIL_MAX_CHARS} characters."
            ),
            Self::ClientTokenInvalid => write!(
                f,
                "client_token must be 1 to {CLIENT_TOKEN_MAX_LEN} characters of A-Z a-z 0-9 - _."
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// A [`NewComment`] that passed validation, with its text trimmed and its thread key normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidComment {
    /// Normalized thread key.
    pub thread: String,
    /// Parent comment, if a reply.
    pub parent_id: Option<CommentId>,
    /// Trimmed name; `None` posts as a guest.
    pub author: Option<String>,
    /// Trimmed markdown body.
    pub body: String,
    /// Trimmed title, if any.
    pub title: Option<String>,
    /// Trimmed URL, if any.
    pub url: Option<String>,
    /// Trimmed email address, if any.
    pub email: Option<String>,
    /// Idempotency key, if any.
    pub client_token: Option<String>,
}

/// Checks a comment body against the limits; returns it trimmed.
pub fn body(raw: &str) -> Result<String, ValidationError> {
    let body = raw.trim();
    let len = body.chars().count();
    if len == 0 {
        return Err(ValidationError::BodyEmpty);
    }
    if len > BODY_MAX_CHARS {
        return Err(ValidationError::BodyTooLong {
            max: BODY_MAX_CHARS,
            len,
        });
    }
    Ok(body.to_owned())
}

/// Checks an author name; an empty name means a guest (`None`).
pub fn author(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let name = raw.unwrap_or_default().trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(ValidationError::NameTooLong {
            max: NAME_MAX_CHARS,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(ValidationError::NameInvalid);
    }
    Ok(Some(name.to_owned()))
}

/// Checks an optional email address; empty means none.
///
/// Deliberately loose (one `@` with text on both sides, no whitespace): only a sent mail can
/// prove an address, and a stricter rule would refuse real ones.
pub fn email(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let email = raw.unwrap_or_default().trim();
    if email.is_empty() {
        return Ok(None);
    }
    let ok = email.chars().count() <= EMAIL_MAX_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if !ok {
        return Err(ValidationError::EmailInvalid);
    }
    Ok(Some(email.to_owned()))
}

/// Checks an optional idempotency key (not trimmed: it is machine-made and compared exactly).
pub fn client_token(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(token) = raw else { return Ok(None) };
    let ok = !token.is_empty()
        && token.len() <= CLIENT_TOKEN_MAX_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(ValidationError::ClientTokenInvalid);
    }
    Ok(Some(token.to_owned()))
}

/// Checks a whole new comment.
pub fn new_comment(c: &NewComment) -> Result<ValidComment, ValidationError> {
    let title = match c.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > TITLE_MAX_CHARS => {
            return Err(ValidationError::TitleTooLong {
                max: TITLE_MAX_CHARS,
            });
        }
        Some(t) if t.chars().any(char::is_control) => return Err(ValidationError::TitleInvalid),
        t => t.map(str::to_owned),
    };
    let url = match c.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let lower = u.to_ascii_lowercase();
            let http = lower.starts_with("http://") || lower.starts_with("https://");
            if !http
                || u.chars().count() > URL_MAX_CHARS
                || u.chars().any(|ch| ch.is_control() || ch.is_whitespace())
            {
                return Err(ValidationError::UrlInvalid);
            }
            Some(u.to_owned())
        }
        None => None,
    };
    Ok(ValidComment {
        thread: normalize_thread_key(&c.thread)?,
        parent_id: c.parent_id.clone(),
        author: author(c.author.as_deref())?,
        body: body(&c.body)?,
        title,
        url,
        email: email(c.email.as_deref())?,
        client_token: client_token(c.client_token.as_deref())?,
    })
}

/// Checks a page size, applying the default when absent.
pub fn page_limit(limit: Option<u32>, default: u32, min: u32) -> Result<u32, ValidationError> {
    match limit {
        None => Ok(default),
        Some(n) if (min..=PAGE_LIMIT_MAX).contains(&n) => Ok(n),
        Some(_) => Err(ValidationError::LimitOutOfRange {
            min,
            max: PAGE_LIMIT_MAX,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(body: &str) -> NewComment {
        NewComment {
            thread: "t".into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn body_limits_count_characters_not_bytes() {
        assert!(body(&"é".repeat(BODY_MAX_CHARS)).is_ok());
        assert_eq!(
            body(&"é".repeat(BODY_MAX_CHARS + 1)),
            Err(ValidationError::BodyTooLong {
                max: BODY_MAX_CHARS,
                len: BODY_MAX_CHARS + 1
            })
        );
        assert_eq!(body(" \n\t "), Err(ValidationError::BodyEmpty));
    }

    #[test]
    fn empty_name_is_a_guest_and_long_names_are_refused() {
        assert_eq!(author(Some("   ")), Ok(None));
        assert_eq!(author(None), Ok(None));
        assert_eq!(author(Some(" Ada ")), Ok(Some("Ada".into())));
        assert!(author(Some(&"x".repeat(81))).is_err());
        assert_eq!(author(Some("a\u{7}b")), Err(ValidationError::NameInvalid));
    }

    #[test]
    fn urls_must_be_http() {
        let mut c = comment("hi");
        c.url = Some("javascript:alert(1)".into());
        assert_eq!(new_comment(&c), Err(ValidationError::UrlInvalid));
        c.url = Some("https://example.com/a".into());
        assert_eq!(
            new_comment(&c).unwrap().url.as_deref(),
            Some("https://example.com/a")
        );
    }

    #[test]
    fn emails_are_checked_loosely_and_empty_means_none() {
        assert_eq!(
            email(Some(" ada@example.org ")),
            Ok(Some("ada@example.org".into()))
        );
        assert_eq!(email(Some("  ")), Ok(None));
        assert_eq!(email(None), Ok(None));
        for bad in ["ada", "@example.org", "ada@", "a b@example.org", "a@b@c"] {
            assert_eq!(
                email(Some(bad)),
                Err(ValidationError::EmailInvalid),
                "{bad}"
            );
        }
        let long = format!("{}@example.org", "a".repeat(EMAIL_MAX_CHARS));
        assert_eq!(email(Some(&long)), Err(ValidationError::EmailInvalid));
    }

    #[test]
    fn client_tokens_are_url_safe_and_short() {
        assert_eq!(client_token(Some("k-1_Z")), Ok(Some("k-1_Z".into())));
        assert_eq!(client_token(None), Ok(None));
        for bad in ["", "a b", "ä", &"x".repeat(CLIENT_TOKEN_MAX_LEN + 1)] {
            assert_eq!(
                client_token(Some(bad)),
                Err(ValidationError::ClientTokenInvalid),
                "{bad}"
            );
        }
        let mut c = comment("hi");
        c.client_token = Some("no/slash".into());
        assert_eq!(new_comment(&c), Err(ValidationError::ClientTokenInvalid));
    }

    #[test]
    fn page_limits() {
        assert_eq!(page_limit(None, 50, 1), Ok(50));
        assert_eq!(
            page_limit(Some(0), 50, 1),
            Err(ValidationError::LimitOutOfRange { min: 1, max: 100 })
        );
        assert_eq!(page_limit(Some(0), 50, 0), Ok(0));
        assert!(page_limit(Some(101), 50, 1).is_err());
    }
}
