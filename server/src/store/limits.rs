//! Counters behind the abuse limits ([`crate::abuse`]), kept in the database so that every
//! server instance sharing it counts the same posts, votes and new readers.

use async_trait::async_trait;

use super::StoreError;

/// One counted event: how many there are in its window, including this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Events counted for the key in the current window.
    pub count: u64,
    /// When the current window ends, in microseconds since the Unix epoch.
    pub window_end: i64,
}

/// A live counter, as operators see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// The counter's key, such as `readers:203.0.113.0/24:3600`.
    pub key: String,
    /// Events in the current window.
    pub count: u64,
    /// When the window ends, in microseconds since the Unix epoch.
    pub window_end: i64,
}

/// Fixed-window counters and short-lived marks.
///
/// Windows are aligned to multiples of their length since the epoch, so every instance puts an
/// event into the same window; one UPSERT per [`LimitStore::hit`] counts it, and windows that
/// ended are pruned as new ones start.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Counts one event for `key` in the window of `window_secs` that holds `now` (µs).
    async fn hit(&self, key: String, window_secs: u64, now: i64) -> Result<Hit, StoreError>;
    /// Sets the mark `key` to `value` for `ttl_secs` unless an unexpired mark is there; returns
    /// the value of that earlier mark, or `None` when this call set it.
    async fn mark(
        &self,
        key: String,
        value: String,
        ttl_secs: u64,
        now: i64,
    ) -> Result<Option<String>, StoreError>;
    /// Removes a mark (a post refused after marking must not block its own retry).
    async fn unmark(&self, key: String) -> Result<(), StoreError>;
    /// The counters whose key starts with `prefix` and whose window is still open at `now`.
    async fn counters(&self, prefix: String, now: i64) -> Result<Vec<Counter>, StoreError>;
}

/// Start and end (µs) of the window of `window_secs` holding `now`.
pub fn window(window_secs: u64, now: i64) -> (i64, i64) {
    let len = i64::try_from(window_secs.max(1))
        .unwrap_or(i64::MAX / 1_000_000)
        .saturating_mul(1_000_000);
    let start = now - now.rem_euclid(len);
    (start, start.saturating_add(len))
}

/// The end (µs) of a mark set at `now` for `ttl_secs`.
pub fn expiry(ttl_secs: u64, now: i64) -> i64 {
    now.saturating_add(
        i64::try_from(ttl_secs)
            .unwrap_or(i64::MAX)
            .saturating_mul(1_000_000),
    )
}

/// Count of a stored counter (stored as a signed integer).
pub(super) fn to_count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `LIKE` pattern matching every key that starts with `prefix` (with `\` as the escape).
pub(super) fn prefix_pattern(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_so_every_instance_agrees() {
        let minute = 60_000_000;
        assert_eq!(window(60, 5 * minute + 7), (5 * minute, 6 * minute));
        assert_eq!(window(60, 5 * minute), (5 * minute, 6 * minute));
        assert_eq!(expiry(10, 1), 10_000_001);
        assert_eq!(prefix_pattern("a_b%"), "a\\_b\\%%");
    }
}
