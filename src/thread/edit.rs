//! The edit window of the reader's own comments, as the UI shows it.

const MINUTE_MS: i64 = 60_000;

/// Whether the window that ends at `until_ms` is still open at `now_ms`.
pub fn is_open(until_ms: Option<i64>, now_ms: i64) -> bool {
    until_ms.is_some_and(|u| u > now_ms)
}

/// Whole minutes left to edit ("12 min left"), counted up so the last minute still reads 1;
/// `None` once closed.
pub fn minutes_left(until_ms: i64, now_ms: i64) -> Option<u64> {
    let left = until_ms.checked_sub(now_ms).filter(|l| *l > 0)?;
    u64::try_from((left + MINUTE_MS - 1) / MINUTE_MS).ok()
}

/// Milliseconds until the remaining text next changes (or the window closes), so a timer can
/// wake exactly then; `None` once closed.
pub fn next_change_in(until_ms: i64, now_ms: i64) -> Option<i64> {
    let left = until_ms.checked_sub(now_ms).filter(|l| *l > 0)?;
    let into_minute = left % MINUTE_MS;
    Some(if into_minute == 0 {
        MINUTE_MS
    } else {
        into_minute
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_time_counts_whole_minutes_up() {
        let until = 1_000_000_000;
        assert_eq!(minutes_left(until, until - 15 * MINUTE_MS), Some(15));
        assert_eq!(minutes_left(until, until - 11 * MINUTE_MS - 1), Some(12));
        assert_eq!(minutes_left(until, until - 3_000), Some(1));
        assert_eq!(minutes_left(until, until), None);
        assert_eq!(minutes_left(until, until + 1), None);
    }

    #[test]
    fn the_window_is_open_only_before_its_end() {
        assert!(is_open(Some(10), 9));
        assert!(!is_open(Some(10), 10));
        assert!(!is_open(None, 0), "not the reader's comment");
    }

    #[test]
    fn timers_wake_when_the_text_changes() {
        let until = 1_000_000_000;
        assert_eq!(next_change_in(until, until - 3_000), Some(3_000));
        assert_eq!(
            next_change_in(until, until - 2 * MINUTE_MS - 500),
            Some(500)
        );
        assert_eq!(next_change_in(until, until - MINUTE_MS), Some(MINUTE_MS));
        assert_eq!(next_change_in(until, until), None);
    }
}
