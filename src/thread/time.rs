//! Comment times: RFC 3339 parsing and the short relative text readers expect.

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

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

/// A date like "24 Nov 2026" in the reader's zone.
pub fn date_text(ms: i64, zone: Zone) -> String {
    let (y, m, d) = civil_from_days(zone.day(ms));
    let month = usize::try_from(m - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("");
    format!("{d} {month} {y}")
}

/// A date and time like "24 Nov 2026, 08:15", for the tooltip of the relative text.
pub fn full_text(ms: i64, zone: Zone) -> String {
    let in_day = zone.local(ms).rem_euclid(DAY);
    format!(
        "{}, {:02}:{:02}",
        date_text(ms, zone),
        in_day / HOUR,
        (in_day % HOUR) / MINUTE
    )
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

/// How long ago `then_ms` was at `now_ms`: "just now", "5 minutes ago", "3 hours ago", then by
/// the reader's calendar "yesterday", "3 days ago", then a date. Times slightly in the future
/// (clock skew) count as "just now".
pub fn relative(then_ms: i64, now_ms: i64, zone: Zone) -> String {
    let ago = now_ms.saturating_sub(then_ms);
    if ago < -5 * MINUTE {
        return date_text(then_ms, zone);
    }
    if ago < MINUTE {
        return "just now".to_owned();
    }
    if ago < HOUR {
        return plural(ago / MINUTE, "minute");
    }
    let days = zone.day(now_ms) - zone.day(then_ms);
    match days {
        _ if ago < DAY && days <= 1 => plural(ago / HOUR, "hour"),
        1 => "yesterday".to_owned(),
        2..=6 => format!("{days} days ago"),
        _ => date_text(then_ms, zone),
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
    fn relative_text_reads_naturally() {
        let utc = Zone(0);
        let at = |ago: i64| relative(T0 - ago, T0, utc);
        assert_eq!(at(0), "just now");
        assert_eq!(at(59_000), "just now");
        assert_eq!(at(-30_000), "just now", "small clock skew");
        assert_eq!(at(MINUTE), "1 minute ago");
        assert_eq!(at(5 * MINUTE + 10_000), "5 minutes ago");
        assert_eq!(at(HOUR), "1 hour ago");
        assert_eq!(at(8 * HOUR), "8 hours ago");
        assert_eq!(at(DAY), "yesterday");
        assert_eq!(at(3 * DAY), "3 days ago");
        assert_eq!(at(6 * DAY), "6 days ago");
        assert_eq!(at(7 * DAY), "17 Nov 2026");
        assert_eq!(
            relative(T0 + DAY, T0, utc),
            "25 Nov 2026",
            "far future shows the date"
        );
    }

    #[test]
    fn days_follow_the_readers_calendar() {
        // Posted 23:30 on the 24th, read 00:49 on the 26th: two calendar days, though under 48 hours.
        let posted = parse_rfc3339("2026-11-24T23:30:00Z").unwrap();
        let read = parse_rfc3339("2026-11-26T00:49:00Z").unwrap();
        assert_eq!(relative(posted, read, Zone(0)), "2 days ago");
        // 10 hours ago but before midnight: still "10 hours ago", not "yesterday".
        let late = parse_rfc3339("2026-11-25T14:49:00Z").unwrap();
        assert_eq!(relative(late, read, Zone(0)), "10 hours ago");
        // In New York (UTC-5) it was posted at 18:30 on the 24th and read at 19:49 on the 25th.
        assert_eq!(relative(posted, read, Zone(-300)), "yesterday");
        assert_eq!(full_text(posted, Zone(-300)), "24 Nov 2026, 18:30");
        assert_eq!(date_text(read, Zone(60)), "26 Nov 2026");
    }

    #[test]
    fn dates_round_trip_through_the_calendar() {
        assert_eq!(date_text(0, Zone(0)), "1 Jan 1970");
        assert_eq!(date_text(1_709_208_000_000, Zone(0)), "29 Feb 2024");
        assert_eq!(date_text(-1, Zone(0)), "31 Dec 1969");
        assert_eq!(full_text(T0, Zone(0)), "24 Nov 2026, 08:15");
    }
}
