//! The token-farming view for moderators: which address ranges asked for many new reader tokens
//! this hour, and how many were refused today, read from the same counters that enforce the
//! ceiling ([`super::check_new_reader`]), so every instance reports the same.

use talkback_protocol::moderation::{FarmingRange, FarmingReport};

use super::{FARMING_PREFIX, Switch};
use crate::AppState;
use crate::clock::now_micros;
use crate::error::AppError;
use crate::store::limits::Counter;

/// Key prefix of the hourly new-reader counters, per address range.
pub const READERS_PREFIX: &str = "readers:";
/// Suffix of those keys: the window length in seconds.
pub const READERS_SUFFIX: &str = ":3600";

/// The report for `GET /api/v1/admin/farming`.
pub async fn report(state: &AppState) -> Result<FarmingReport, AppError> {
    let config = &state.abuse.config;
    let ceiling = (config.rate_limits == Switch::On && config.new_readers_per_hour > 0)
        .then_some(config.new_readers_per_hour);
    let now = now_micros();
    let hour = state.store.counters(READERS_PREFIX.to_owned(), now).await?;
    let refused = state.store.counters(FARMING_PREFIX.to_owned(), now).await?;
    Ok(select(ceiling, &hour, &refused))
}

/// Ranges at or over half the `ceiling` this hour, or with refusals today, busiest first.
pub fn select(ceiling: Option<u64>, hour: &[Counter], refused: &[Counter]) -> FarmingReport {
    let mut ranges: Vec<FarmingRange> = Vec::new();
    for c in hour {
        let Some(range) = c
            .key
            .strip_prefix(READERS_PREFIX)
            .and_then(|k| k.strip_suffix(READERS_SUFFIX))
        else {
            continue;
        };
        // Half the ceiling: early enough to act before readers there are refused.
        if ceiling.is_some_and(|max| c.count.saturating_mul(2) >= max) {
            ranges.push(FarmingRange {
                range: range.to_owned(),
                new_readers: c.count,
                refused_today: 0,
                over: ceiling.is_some_and(|max| c.count > max),
            });
        }
    }
    for c in refused {
        let Some(range) = c.key.strip_prefix(FARMING_PREFIX) else {
            continue;
        };
        match ranges.iter_mut().find(|r| r.range == range) {
            Some(r) => r.refused_today = c.count,
            None => {
                let now = hour
                    .iter()
                    .find(|h| h.key == format!("{READERS_PREFIX}{range}{READERS_SUFFIX}"))
                    .map_or(0, |h| h.count);
                ranges.push(FarmingRange {
                    range: range.to_owned(),
                    new_readers: now,
                    refused_today: c.count,
                    over: ceiling.is_some_and(|max| now > max),
                });
            }
        }
    }
    ranges.sort_by(|a, b| {
        (b.new_readers, b.refused_today, &a.range).cmp(&(a.new_readers, a.refused_today, &b.range))
    });
    FarmingReport { ceiling, ranges }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(key: &str, count: u64) -> Counter {
        Counter {
            key: key.to_owned(),
            count,
            window_end: 0,
        }
    }

    #[test]
    fn ranges_from_half_the_ceiling_up_and_refused_ones_are_listed_busiest_first() {
        let hour = [
            counter("readers:203.0.113.0/24:3600", 31),
            counter("readers:198.51.100.0/24:3600", 15),
            counter("readers:192.0.2.0/24:3600", 14),
            counter("readers:2001:db8:aa:bb00::/56:3600", 20),
        ];
        let refused = [
            counter("farm:203.0.113.0/24", 1),
            counter("farm:100.64.0.0/24", 7),
        ];
        let r = select(Some(30), &hour, &refused);
        assert_eq!(r.ceiling, Some(30));
        let got: Vec<_> = r
            .ranges
            .iter()
            .map(|f| (f.range.as_str(), f.new_readers, f.refused_today, f.over))
            .collect();
        assert_eq!(
            got,
            [
                ("203.0.113.0/24", 31, 1, true),
                ("2001:db8:aa:bb00::/56", 20, 0, false),
                ("198.51.100.0/24", 15, 0, false),
                ("100.64.0.0/24", 0, 7, false),
            ]
        );
    }

    #[test]
    fn without_a_ceiling_only_refusals_are_listed() {
        let r = select(
            None,
            &[counter("readers:203.0.113.0/24:3600", 500)],
            &[counter("farm:198.51.100.0/24", 2)],
        );
        assert_eq!(r.ceiling, None);
        assert_eq!(r.ranges.len(), 1);
        assert_eq!(r.ranges[0].range, "198.51.100.0/24");
    }
}
