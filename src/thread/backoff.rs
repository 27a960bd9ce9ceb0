//! When to try again after the live-update connection failed: exponential, capped, jittered, so
//! readers of a restarted server do not all reconnect in the same second.

use std::time::Duration;

/// First wait after a failure.
pub const FIRST: Duration = Duration::from_secs(1);
/// Longest wait between attempts.
pub const MOST: Duration = Duration::from_secs(30);

/// Failures in a row since the connection last opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait before the next attempt, given a random `jitter` in `0.0..=1.0`: between half
    /// and all of 1 s, 2 s, 4 s … 30 s.
    pub fn next_delay(&mut self, jitter: f64) -> Duration {
        let full = FIRST
            .saturating_mul(1u32 << self.failures.min(16))
            .min(MOST);
        self.failures = self.failures.saturating_add(1);
        // `mul_f64` panics on NaN; a broken random source just means no jitter.
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 1.0 };
        let share = 0.5 + 0.5 * jitter;
        full.mul_f64(share)
    }

    /// The connection opened: the next failure starts from the first wait again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_thirty_seconds() {
        let mut b = Backoff::default();
        let full: Vec<u64> = (0..8).map(|_| b.next_delay(1.0).as_secs()).collect();
        assert_eq!(full, [1, 2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn jitter_takes_up_to_half_off_and_bad_jitter_is_clamped() {
        let mut b = Backoff::default();
        assert_eq!(b.next_delay(0.0), Duration::from_millis(500));
        assert_eq!(b.next_delay(f64::NAN), Duration::from_secs(2));
        assert_eq!(b.next_delay(7.0), Duration::from_secs(4));
        assert_eq!(b.next_delay(-1.0), Duration::from_secs(4));
    }

    #[test]
    fn an_open_connection_starts_over() {
        let mut b = Backoff::default();
        for _ in 0..10 {
            b.next_delay(1.0);
        }
        b.reset();
        assert_eq!(b.next_delay(1.0), FIRST);
    }
}
