//! How long a reader asked to slow down must wait, in the unit people use for it ("45 s",
//! "3 min", "2 h"), and how much of the wait is left as it counts down.

/// A wait, rounded up to a whole number of the largest unit that keeps it readable: never
/// shorter than the server asked for, so the button is not enabled too early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Under a minute.
    Seconds(u64),
    /// Under an hour.
    Minutes(u64),
    /// An hour or more.
    Hours(u64),
}

impl Wait {
    /// The wait for `seconds` seconds.
    pub fn of(seconds: u64) -> Wait {
        if seconds < 60 {
            return Wait::Seconds(seconds);
        }
        let minutes = seconds.div_ceil(60);
        if minutes < 60 {
            Wait::Minutes(minutes)
        } else {
            Wait::Hours(seconds.div_ceil(3600))
        }
    }

    /// The locale key of its unit and the number to fill in.
    pub fn key_and_count(self) -> (&'static str, u64) {
        match self {
            Wait::Seconds(n) => ("wait.seconds", n),
            Wait::Minutes(n) => ("wait.minutes", n),
            Wait::Hours(n) => ("wait.hours", n),
        }
    }
}

/// Whole seconds from `now_ms` until `deadline_ms`, rounded up; 0 once it has passed.
pub fn seconds_left(deadline_ms: i64, now_ms: i64) -> u64 {
    u64::try_from(deadline_ms.saturating_sub(now_ms))
        .unwrap_or(0)
        .div_ceil(1000)
}

/// Milliseconds until the shown number of seconds next changes (at most a second, at least 1).
pub fn until_next_second(deadline_ms: i64, now_ms: i64) -> u32 {
    let left = deadline_ms.saturating_sub(now_ms).max(1);
    u32::try_from((left - 1) % 1000 + 1).unwrap_or(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_seconds_minutes_or_hours() {
        assert_eq!(Wait::of(45), Wait::Seconds(45));
        assert_eq!(Wait::of(59), Wait::Seconds(59));
        assert_eq!(Wait::of(60), Wait::Minutes(1));
        assert_eq!(Wait::of(61), Wait::Minutes(2), "rounded up, never shorter");
        assert_eq!(Wait::of(180), Wait::Minutes(3));
        assert_eq!(Wait::of(3540), Wait::Minutes(59));
        assert_eq!(Wait::of(3541), Wait::Hours(1), "not '60 min'");
        assert_eq!(Wait::of(3600), Wait::Hours(1));
        assert_eq!(Wait::of(7200), Wait::Hours(2));
        assert_eq!(Wait::of(5400), Wait::Hours(2));
        assert_eq!(Wait::of(180).key_and_count(), ("wait.minutes", 3));
        assert_eq!(Wait::of(7200).key_and_count(), ("wait.hours", 2));
        assert_eq!(Wait::of(45).key_and_count(), ("wait.seconds", 45));
    }

    #[test]
    fn the_countdown_rounds_up_and_ends_at_zero() {
        assert_eq!(seconds_left(10_000, 0), 10);
        assert_eq!(seconds_left(10_000, 1), 10);
        assert_eq!(seconds_left(10_000, 9_001), 1);
        assert_eq!(seconds_left(10_000, 10_000), 0);
        assert_eq!(seconds_left(10_000, 12_000), 0);
    }

    #[test]
    fn ticks_land_where_the_shown_second_changes() {
        assert_eq!(until_next_second(10_000, 0), 1000);
        assert_eq!(until_next_second(10_000, 300), 700);
        assert_eq!(until_next_second(10_000, 9_999), 1);
        assert_eq!(until_next_second(10_000, 10_500), 1);
    }
}
