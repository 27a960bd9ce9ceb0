//! Sort orders of a thread and the "best" ranking, shared so widget and server agree.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// How comments are ordered; replies are ordered the same way within their parent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Highest lower bound of the Wilson interval of the up/down votes first.
    #[default]
    Best,
    /// Most recently posted first.
    Newest,
    /// First posted first.
    Oldest,
}

impl SortOrder {
    /// Every order, in the order a sort menu lists them.
    pub const ALL: [SortOrder; 3] = [SortOrder::Best, SortOrder::Newest, SortOrder::Oldest];

    /// The wire name: `best`, `newest` or `oldest`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Best => "best",
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
        }
    }

    /// Reads a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<SortOrder> {
        SortOrder::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The normal quantile for a two-sided 95% interval.
const Z_95: f64 = 1.96;

/// Lower bound of the 95% Wilson score interval of the share of up votes; 0.0 without votes.
///
/// Unlike the raw score it rewards certainty: 40 up / 5 down ranks above 3 up / 0 down.
pub fn wilson_lower_bound(up: u64, down: u64) -> f64 {
    let n = up.saturating_add(down) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let p = up as f64 / n;
    let z2 = Z_95 * Z_95;
    let centre = p + z2 / (2.0 * n);
    let spread = Z_95 * ((p * (1.0 - p) + z2 / (4.0 * n)) / n).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).max(0.0)
}

/// What a sort order looks at in a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey<'a> {
    /// Number of up votes.
    pub upvotes: u64,
    /// Number of down votes.
    pub downvotes: u64,
    /// Creation time, RFC 3339 UTC as the server sends it (so text order is time order).
    pub created_at: &'a str,
    /// The comment id, the last tie breaker.
    pub id: &'a str,
}

impl<'a> SortKey<'a> {
    /// The sort key of a wire comment.
    pub fn of(c: &'a crate::wire::Comment) -> Self {
        SortKey {
            upvotes: c.upvotes,
            downvotes: c.downvotes,
            created_at: &c.created_at,
            id: c.id.as_str(),
        }
    }
}

/// Orders two comments as the server does: `Less` means `a` is shown before `b`.
///
/// Best: higher Wilson bound, then more up votes, then newer, then id. Newest/Oldest: by time,
/// then id. The server orders by a finer clock than `created_at` shows, so two comments posted
/// within the same second may still come in either order here.
pub fn compare(sort: SortOrder, a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    let by_id = a.id.cmp(b.id);
    match sort {
        SortOrder::Best => wilson_lower_bound(b.upvotes, b.downvotes)
            .total_cmp(&wilson_lower_bound(a.upvotes, a.downvotes))
            .then(b.upvotes.cmp(&a.upvotes))
            .then(b.created_at.cmp(a.created_at))
            .then(by_id),
        SortOrder::Newest => b.created_at.cmp(a.created_at).then(by_id),
        SortOrder::Oldest => a.created_at.cmp(b.created_at).then(by_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(id: &'a str, up: u64, down: u64, at: &'a str) -> SortKey<'a> {
        SortKey {
            upvotes: up,
            downvotes: down,
            created_at: at,
            id,
        }
    }

    #[test]
    fn wilson_bound_matches_known_values() {
        assert_eq!(wilson_lower_bound(0, 0), 0.0);
        assert_eq!(wilson_lower_bound(0, 10), 0.0);
        let cases = [
            ((1, 0), 0.2065),
            ((10, 0), 0.7225),
            ((40, 5), 0.7650),
            ((5, 5), 0.2366),
            ((100, 100), 0.4314),
        ];
        for ((up, down), want) in cases {
            let got = wilson_lower_bound(up, down);
            assert!(
                (got - want).abs() < 1e-3,
                "{up}/{down}: {got} instead of {want}"
            );
        }
    }

    #[test]
    fn best_prefers_certainty_over_raw_score() {
        // 3/0 has a better share but far less evidence than 40/5; 50/52 (net -2) beats a single up vote.
        let at = "2026-11-24T08:00:00Z";
        let mut v = [
            key("sure", 40, 5, at),
            key("few", 3, 0, at),
            key("split", 50, 52, at),
            key("one", 1, 0, at),
            key("none", 0, 0, at),
            key("hated", 0, 9, at),
        ];
        v.sort_by(|a, b| compare(SortOrder::Best, a, b));
        let ids: Vec<&str> = v.iter().map(|k| k.id).collect();
        assert_eq!(ids, ["sure", "few", "split", "one", "hated", "none"]);
    }

    #[test]
    fn best_ties_go_to_more_up_votes_then_newer_then_id() {
        let mut v = [
            key("b", 0, 0, "2026-11-24T08:00:00Z"),
            key("a", 0, 0, "2026-11-24T08:00:00Z"),
            key("newer", 0, 0, "2026-11-24T09:00:00Z"),
            key("downed", 0, 3, "2026-11-24T07:00:00Z"),
        ];
        v.sort_by(|a, b| compare(SortOrder::Best, a, b));
        let ids: Vec<&str> = v.iter().map(|k| k.id).collect();
        // All bounds are 0; none has up votes; so time decides, then id.
        assert_eq!(ids, ["newer", "a", "b", "downed"]);
    }

    #[test]
    fn newest_and_oldest_are_by_time() {
        let early = key("x", 9, 0, "2026-11-24T08:00:00Z");
        let late = key("y", 0, 0, "2026-11-24T09:00:00Z");
        assert_eq!(compare(SortOrder::Newest, &late, &early), Ordering::Less);
        assert_eq!(compare(SortOrder::Oldest, &early, &late), Ordering::Less);
    }

    #[test]
    fn wire_names_round_trip() {
        for o in SortOrder::ALL {
            assert_eq!(SortOrder::parse(o.as_str()), Some(o));
        }
        assert_eq!(SortOrder::parse("Best"), None);
        assert_eq!(SortOrder::default(), SortOrder::Best);
    }
}
