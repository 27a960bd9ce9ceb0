//! The checks, one module per area of the protocol. Each check makes its own thread key, so the
//! suite can run against a live backend again and again.

pub mod context;
pub mod cors;
pub mod editing;
pub mod live;
pub mod paging;
pub mod posting;
pub mod readers;
pub mod threads;
pub mod validation;
pub mod votes;

use talkback_protocol::{Comment, CommentId, ThreadPage};

use crate::outcome::Failure;

/// The comment with `id` in a page, or a failure saying it is missing.
pub fn find<'a>(page: &'a [Comment], id: &CommentId, why: &str) -> Result<&'a Comment, Failure> {
    page.iter()
        .find(|c| &c.id == id)
        .ok_or_else(|| Failure(format!("comment {id} is missing ({why})")))
}

/// Fails unless the thread reports `want` visible comments.
pub fn count_is(page: &ThreadPage, want: u64) -> Result<(), Failure> {
    crate::outcome::ensure_eq("thread.comment_count", page.thread.comment_count, want)
}

/// True for an RFC 3339 UTC time like `2026-11-24T08:15:00Z` (fractions allowed).
pub fn is_utc_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19)
        && s.ends_with('Z')
}

#[cfg(test)]
mod tests {
    use super::is_utc_time;

    #[test]
    fn utc_times() {
        assert!(is_utc_time("2026-11-24T08:15:00Z"));
        assert!(is_utc_time("2026-11-24T08:15:00.123Z"));
        assert!(!is_utc_time("2026-11-24T08:15:00+01:00"));
        assert!(!is_utc_time("2026-11-24 08:15:00Z"));
        assert!(!is_utc_time("yesterday"));
    }
}
