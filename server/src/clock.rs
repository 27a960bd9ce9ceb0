//! Time as stored (integer microseconds, so order is exact) and as sent (RFC 3339 UTC).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Microseconds since the Unix epoch, now.
pub fn now_micros() -> i64 {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000;
    i64::try_from(nanos).unwrap_or(i64::MAX)
}

/// Formats stored microseconds as RFC 3339 in UTC to the second, e.g. `2026-11-24T08:15:00Z`.
pub fn rfc3339(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_utc_with_z() {
        assert_eq!(rfc3339(1_795_508_100_250_000), "2026-11-24T08:15:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
