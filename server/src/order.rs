//! The display order of comments under each sort: one total order per sort, so that paging by
//! "everything after this comment" never skips or repeats one.

use std::cmp::Ordering;

use talkback_protocol::{SortOrder, wilson_lower_bound};

/// What the sort orders look at in a comment; also what a cursor remembers of the last one sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Pinned top-level comments come before all others, in every order.
    pub pinned: bool,
    /// Creation time in microseconds since the Unix epoch.
    pub created_at: i64,
    /// Comment id, the last tie breaker.
    pub id: String,
    /// Up votes when the mark was taken.
    pub upvotes: u64,
    /// Down votes when the mark was taken.
    pub downvotes: u64,
}

/// `Less` when `a` is shown before `b` in `sort` order.
///
/// Best: higher Wilson lower bound, then more up votes, then newer, then id — as the protocol's
/// [`talkback_protocol::sort::compare`] describes, but on exact microseconds.
pub fn display_cmp(sort: SortOrder, a: &Mark, b: &Mark) -> Ordering {
    let by_id = a.id.cmp(&b.id);
    let pins = b.pinned.cmp(&a.pinned);
    pins.then(match sort {
        SortOrder::Best => wilson_lower_bound(b.upvotes, b.downvotes)
            .total_cmp(&wilson_lower_bound(a.upvotes, a.downvotes))
            .then(b.upvotes.cmp(&a.upvotes))
            .then(b.created_at.cmp(&a.created_at))
            .then(by_id),
        SortOrder::Newest => b.created_at.cmp(&a.created_at).then(by_id),
        SortOrder::Oldest => a.created_at.cmp(&b.created_at).then(by_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(id: &str, t: i64, up: u64, down: u64) -> Mark {
        Mark {
            pinned: false,
            created_at: t,
            id: id.into(),
            upvotes: up,
            downvotes: down,
        }
    }

    fn sorted(sort: SortOrder, mut v: Vec<Mark>) -> Vec<String> {
        v.sort_by(|a, b| display_cmp(sort, a, b));
        v.into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn each_sort_orders_as_documented() {
        let v = vec![
            mark("old-loved", 1, 40, 5),
            mark("mid-lucky", 2, 3, 0),
            mark("new-bare", 3, 0, 0),
        ];
        assert_eq!(
            sorted(SortOrder::Best, v.clone()),
            ["old-loved", "mid-lucky", "new-bare"]
        );
        assert_eq!(
            sorted(SortOrder::Newest, v.clone()),
            ["new-bare", "mid-lucky", "old-loved"]
        );
        assert_eq!(
            sorted(SortOrder::Oldest, v),
            ["old-loved", "mid-lucky", "new-bare"]
        );
    }

    #[test]
    fn equal_times_fall_back_to_the_id() {
        let v = vec![mark("b", 5, 0, 0), mark("a", 5, 0, 0)];
        assert_eq!(sorted(SortOrder::Oldest, v.clone()), ["a", "b"]);
        assert_eq!(sorted(SortOrder::Newest, v.clone()), ["a", "b"]);
        assert_eq!(sorted(SortOrder::Best, v), ["a", "b"]);
    }
}
