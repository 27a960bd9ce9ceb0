//! Opaque paging cursors: the sort order and the last comment a client has been sent.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use talkback_protocol::{CommentId, Cursor, SortOrder};

use crate::order::{Mark, display_cmp};

/// A place in one sort order; pages continue strictly after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// The order this position belongs to; it means nothing in another.
    pub sort: SortOrder,
    /// The last comment sent, or `None` for "before the first one".
    pub after: Option<Mark>,
}

impl Position {
    /// The position before every comment, for "replies from the first one on".
    pub fn start(sort: SortOrder) -> Self {
        Position { sort, after: None }
    }

    /// The position just after `mark` in `sort` order.
    pub fn after(sort: SortOrder, mark: Mark) -> Self {
        Position {
            sort,
            after: Some(mark),
        }
    }

    /// Whether a comment with this mark comes after the position.
    pub fn precedes(&self, mark: &Mark) -> bool {
        self.after
            .as_ref()
            .is_none_or(|a| display_cmp(self.sort, mark, a).is_gt())
    }

    /// Wraps the position into the opaque form sent to clients.
    ///
    /// The vote tallies are kept so the "best" rank of the last comment can be recomputed
    /// exactly, whatever votes it gets later.
    pub fn to_cursor(&self) -> Cursor {
        let text = match &self.after {
            None => format!("v2:{}:", self.sort.as_str()),
            Some(m) => format!(
                "v2:{}:{}{}:{}:{}:{}",
                self.sort.as_str(),
                if m.pinned { "p" } else { "" },
                m.created_at,
                m.upvotes,
                m.downvotes,
                m.id
            ),
        };
        Cursor(URL_SAFE_NO_PAD.encode(text))
    }

    /// Reads a cursor a client sent back; any tampering is an error, never a panic.
    ///
    /// Cursors of the first protocol version (`v1:time:id`) were all made in oldest-first order.
    pub fn from_cursor(raw: &str) -> Result<Self, BadCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| BadCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| BadCursor)?;
        if let Some(rest) = text.strip_prefix("v1:") {
            let (time, id) = rest.split_once(':').ok_or(BadCursor)?;
            return Ok(Position {
                sort: SortOrder::Oldest,
                after: mark(time, "0", "0", id)?,
            });
        }
        let rest = text.strip_prefix("v2:").ok_or(BadCursor)?;
        let (sort, rest) = rest.split_once(':').ok_or(BadCursor)?;
        let sort = SortOrder::parse(sort).ok_or(BadCursor)?;
        if rest.is_empty() {
            return Ok(Position::start(sort));
        }
        let mut parts = rest.splitn(4, ':');
        let mut next = || parts.next().ok_or(BadCursor);
        let (time, up, down, id) = (next()?, next()?, next()?, next()?);
        let after = mark(time, up, down, id)?.ok_or(BadCursor)?;
        Ok(Position::after(sort, after))
    }
}

/// Parses the parts of a mark; an empty id means the start.
fn mark(time: &str, up: &str, down: &str, id: &str) -> Result<Option<Mark>, BadCursor> {
    if id.is_empty() {
        return Ok(None);
    }
    CommentId::parse(id).ok_or(BadCursor)?;
    // A pinned comment's time carries a `p`, so the cursor keeps its place before the others.
    let (pinned, time) = match time.strip_prefix('p') {
        Some(t) => (true, t),
        None => (false, time),
    };
    Ok(Some(Mark {
        pinned,
        created_at: time.parse().map_err(|_| BadCursor)?,
        id: id.to_owned(),
        upvotes: up.parse().map_err(|_| BadCursor)?,
        downvotes: down.parse().map_err(|_| BadCursor)?,
    }))
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
        let m = Mark {
            pinned: false,
            created_at: 1_790_000_000_000_000,
            id: "abc_-9".into(),
            upvotes: 4,
            downvotes: 1,
        };
        let pinned = Mark {
            pinned: true,
            ..m.clone()
        };
        for p in [
            Position::after(SortOrder::Best, m.clone()),
            Position::after(SortOrder::Oldest, pinned),
            Position::after(SortOrder::Newest, m),
            Position::start(SortOrder::Oldest),
            Position::start(SortOrder::Best),
        ] {
            assert_eq!(Position::from_cursor(&p.to_cursor().0), Ok(p));
        }
    }

    #[test]
    fn first_version_cursors_read_as_oldest_first() {
        let old = URL_SAFE_NO_PAD.encode("v1:12:c1");
        let p =
            Position::from_cursor(&old).map(|p| (p.sort, p.after.map(|m| (m.created_at, m.id))));
        assert_eq!(p, Ok((SortOrder::Oldest, Some((12, "c1".to_owned())))));
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for raw in [
            "",
            "!!!",
            "djE6eDpt",
            "bm9wZQ",
            &URL_SAFE_NO_PAD.encode("v1:12:bad id"),
            &URL_SAFE_NO_PAD.encode("v2:worst:"),
            &URL_SAFE_NO_PAD.encode("v2:best:1:2:c1"),
            &URL_SAFE_NO_PAD.encode("v2:best:1:2:-3:c1"),
            &URL_SAFE_NO_PAD.encode("v2:best:1:2:3:c1:x"),
        ] {
            assert_eq!(Position::from_cursor(raw), Err(BadCursor), "{raw}");
        }
    }
}
