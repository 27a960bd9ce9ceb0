//! Comment times: RFC 3339 parsing and the short relative text readers expect.

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Parses an RFC 3339 timestamp (`2026-11-24T08:15:00Z`, fractions and offsets allowed) into
/// milliseconds since the Unix epoch; `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |at: usize, ok: &[u8]| b.get(at).is_some_and(|c| ok.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && sep(i + 3, b":") => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if *sign == b'-' { -m } else { m }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    // A leap second is shown as the second before it.
    let secs = days * 86_400 + hour * 3_600 + min * 60 + sec.min(59) - offset_min * 60;
    Some(secs * 1_000 + millis)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since the epoch, as (year, month 1–12, day 1–31).
// The peer adapters' (`peers` feature) and the tests'.
#[cfg_attr(not(feature = "peers"), allow(dead_code))]
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The reader's clock offset from UTC in minutes (east positive), so dates are the reader's dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Zone(pub i64);

impl Zone {
    fn local(self, ms: i64) -> i64 {
        ms.saturating_add(self.0.saturating_mul(MINUTE))
    }

    fn day(self, ms: i64) -> i64 {
        self.local(ms).div_euclid(DAY)
    }
}

/// How long ago something happened, in the unit a reader expects; the browser's `Intl` words it
/// in the reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ago {
    /// Under a minute (or slightly in the future: clock skew).
    JustNow,
    /// Whole minutes, under an hour.
    Minutes(i64),
    /// Whole hours, the same or the previous calendar day.
    Hours(i64),
    /// The previous calendar day.
    Yesterday,
    /// Two to six calendar days.
    Days(i64),
    /// Longer ago, or in the future: show the date.
    On(i64),
}

/// How long ago `then_ms` was at `now_ms`: minutes, hours, then by the reader's calendar
/// yesterday and days, then a date.
pub fn ago(then_ms: i64, now_ms: i64, zone: Zone) -> Ago {
    let ago = now_ms.saturating_sub(then_ms);
    if ago < -5 * MINUTE {
        return Ago::On(then_ms);
    }
    if ago < MINUTE {
        return Ago::JustNow;
    }
    if ago < HOUR {
        return Ago::Minutes(ago / MINUTE);
    }
    let days = zone.day(now_ms) - zone.day(then_ms);
    match days {
        _ if ago < DAY && days <= 1 => Ago::Hours(ago / HOUR),
        1 => Ago::Yesterday,
        2..=6 => Ago::Days(days),
        _ => Ago::On(then_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_508_100_000; // 2026-11-24T08:15:00Z

    #[test]
    fn parses_the_servers_timestamps() {
        assert_eq!(parse_rfc3339("2026-11-24T08:15:00Z"), Some(T0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-24T08:15:00.5Z"), Some(T0 + 500));
        assert_eq!(parse_rfc3339("2026-11-24T08:15:00.123456Z"), Some(T0 + 123));
        assert_eq!(parse_rfc3339("2026-11-24T09:15:00+01:00"), Some(T0));
        assert_eq!(parse_rfc3339("2026-11-24T03:15:00-05:00"), Some(T0));
        assert_eq!(
            parse_rfc3339("2024-02-29t12:00:00z"),
            Some(1_709_208_000_000)
        );
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1_000));
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "",
            "yesterday",
            "2026-11-24",
            "2026-11-24T08:15:00",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T08:15:00.Z",
            "2026-11-24T08:15:00Zjunk",
            "2026-11-24T08:15:00+0100",
            "２０２６-11-24T08:15:00Z",
            "2026-1a-24T08:15:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ago_picks_the_unit_a_reader_expects() {
        let utc = Zone(0);
        let at = |ago_ms: i64| ago(T0 - ago_ms, T0, utc);
        assert_eq!(at(0), Ago::JustNow);
        assert_eq!(at(59_000), Ago::JustNow);
        assert_eq!(at(-30_000), Ago::JustNow, "small clock skew");
        assert_eq!(at(MINUTE), Ago::Minutes(1));
        assert_eq!(at(5 * MINUTE + 10_000), Ago::Minutes(5));
        assert_eq!(at(HOUR), Ago::Hours(1));
        assert_eq!(at(8 * HOUR), Ago::Hours(8));
        assert_eq!(at(DAY), Ago::Yesterday);
        assert_eq!(at(3 * DAY), Ago::Days(3));
        assert_eq!(at(6 * DAY), Ago::Days(6));
        assert_eq!(at(7 * DAY), Ago::On(T0 - 7 * DAY));
        assert_eq!(
            ago(T0 + DAY, T0, utc),
            Ago::On(T0 + DAY),
            "far future shows the date"
        );
    }

    #[test]
    fn days_follow_the_readers_calendar() {
        // Posted 23:30 on the 24th, read 00:49 on the 26th: two calendar days, though under 48 hours.
        let posted = parse_rfc3339("2026-11-24T23:30:00Z").unwrap();
        let read = parse_rfc3339("2026-11-26T00:49:00Z").unwrap();
        assert_eq!(ago(posted, read, Zone(0)), Ago::Days(2));
        // 10 hours ago but before midnight: still hours, not "yesterday".
        let late = parse_rfc3339("2026-11-25T14:49:00Z").unwrap();
        assert_eq!(ago(late, read, Zone(0)), Ago::Hours(10));
        // In New York (UTC-5) it was posted at 18:30 on the 24th and read at 19:49 on the 25th.
        assert_eq!(ago(posted, read, Zone(-300)), Ago::Yesterday);
    }

    #[test]
    fn dates_round_trip_through_the_calendar() {
        for day in [-1, 0, 19_782, 20_416] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
