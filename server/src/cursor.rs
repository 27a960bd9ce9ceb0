//! Opaque paging cursors: the position of the last comment a client has seen.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use talkback_protocol::{CommentId, Cursor};

/// A place in the `(created_at, id)` order of comments; pages continue strictly after it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Creation time in microseconds since the Unix epoch.
    pub created_at: i64,
    /// Comment id, the tie-breaker for equal times.
    pub id: String,
}

impl Position {
    /// The position before every comment, for "replies from the first one on".
    pub fn start() -> Self {
        Position {
            created_at: i64::MIN,
            id: String::new(),
        }
    }

    /// Wraps the position into the opaque form sent to clients.
    pub fn to_cursor(&self) -> Cursor {
        Cursor(URL_SAFE_NO_PAD.encode(format!("v1:{}:{}", self.created_at, self.id)))
    }

    /// Reads a cursor a client sent back; any tampering is an error, never a panic.
    pub fn from_cursor(raw: &str) -> Result<Self, BadCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| BadCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| BadCursor)?;
        let rest = text.strip_prefix("v1:").ok_or(BadCursor)?;
        let (time, id) = rest.split_once(':').ok_or(BadCursor)?;
        let created_at = time.parse::<i64>().map_err(|_| BadCursor)?;
        if !id.is_empty() && CommentId::parse(id).is_none() {
            return Err(BadCursor);
        }
        Ok(Position {
            created_at,
            id: id.to_owned(),
        })
    }
}

/// A cursor that this server did not issue.
#[derive(Debug, PartialEq, Eq)]
pub struct BadCursor;

impl std::fmt::Display for BadCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "The cursor is not one this server issued; load the first page again without it.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for p in [
            Position {
                created_at: 1_790_000_000_000_000,
                id: "abc_-9".into(),
            },
            Position::start(),
        ] {
            assert_eq!(Position::from_cursor(&p.to_cursor().0), Ok(p));
        }
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for raw in [
            "",
            "!!!",
            "djE6eDpt",
            "bm9wZQ",
            &URL_SAFE_NO_PAD.encode("v1:12:bad id"),
        ] {
            assert_eq!(Position::from_cursor(raw), Err(BadCursor), "{raw}");
        }
    }
}
