//! Reading the time stamps of other systems and writing our own, all as microseconds (UTC).

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Parses `2012-12-12T12:12:12Z`, `2012-12-12T12:12:12+02:00`, or a time without an offset
/// (`2012-12-12T12:12:12`, `2012-12-12 12:12:12`), which is taken as UTC, as exports write it.
pub fn parse_timestamp(raw: &str) -> Option<i64> {
    let s = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return micros(t);
    }
    let mut fixed = s.replacen(' ', "T", 1);
    let has_offset = fixed
        .get(19..)
        .is_some_and(|tail| tail.contains(['Z', 'z', '+', '-']));
    if !has_offset {
        fixed.push('Z');
    }
    OffsetDateTime::parse(&fixed, &Rfc3339)
        .ok()
        .and_then(micros)
}

/// Converts Unix seconds with a fraction (Isso's `created`) to microseconds.
pub fn from_unix_seconds(seconds: f64) -> Option<i64> {
    let us = (seconds * 1_000_000.0).round();
    // The year 10000 bound keeps the value inside what RFC 3339 (and i64) can carry.
    (us.is_finite() && (0.0..253_402_300_800_000_000.0).contains(&us)).then_some(us as i64)
}

/// Formats microseconds as RFC 3339 UTC, keeping the fraction so a restore orders comments as
/// before (`2026-11-24T08:15:00.250001Z`).
pub fn format_exact(micros: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .ok()
        .and_then(|t| t.to_offset(UtcOffset::UTC).format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

fn micros(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_time_styles_parse_as_utc() {
        let z = parse_timestamp("2013-05-01T12:34:56Z");
        assert_eq!(z, Some(1_367_411_696_000_000));
        assert_eq!(parse_timestamp("2013-05-01T12:34:56"), z);
        assert_eq!(parse_timestamp(" 2013-05-01 12:34:56 "), z);
        assert_eq!(parse_timestamp("2013-05-01T14:34:56+02:00"), z);
        assert_eq!(parse_timestamp("0000-00-00 00:00:00"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn exact_times_round_trip() {
        for us in [0, 1_795_508_100_250_001, 1_367_411_696_000_000] {
            assert_eq!(parse_timestamp(&format_exact(us)), Some(us));
        }
        assert_eq!(format_exact(1_795_508_100_000_000), "2026-11-24T08:15:00Z");
    }

    #[test]
    fn unix_seconds_convert() {
        assert_eq!(from_unix_seconds(1.5), Some(1_500_000));
        assert_eq!(from_unix_seconds(f64::NAN), None);
        assert_eq!(from_unix_seconds(-1.0), None);
    }
}
