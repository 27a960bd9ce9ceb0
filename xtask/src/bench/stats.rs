//! Medians and the ways figures are written in the table.

/// The median of `values` (mean of the middle two for an even count); `None` when empty or when
/// any value is NaN.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// `a / b` as "0.42×", or "-" when either side is missing or `b` is zero.
pub fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => {
            let r = a / b;
            if r >= 100.0 {
                format!("{r:.0}×")
            } else if r >= 10.0 {
                format!("{r:.1}×")
            } else if r >= 0.1 || r <= 0.0 {
                format!("{r:.2}×")
            } else {
                // Small ratios keep two significant digits instead of rounding to 0.00.
                let decimals = (-r.log10().floor()) as usize + 1;
                format!("{r:.decimals$}×")
            }
        }
        _ => "-".to_owned(),
    }
}

/// A whole number with thousands separators: 287273 → "287,273".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A figure with its unit, or "-" when it was not measured.
pub fn shown(value: Option<f64>, unit: Unit) -> String {
    let Some(v) = value else {
        return "-".to_owned();
    };
    match unit {
        Unit::Ms => format!("{} ms", thousands(v.round() as u64)),
        Unit::Bytes => format!("{} B", thousands(v.round() as u64)),
        Unit::MiB => format!("{:.1} MiB", v / (1024.0 * 1024.0)),
        Unit::Count => thousands(v.round() as u64),
        Unit::PerSec => format!("{} req/s", thousands(v.round() as u64)),
    }
}

/// How a figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Ms,
    Bytes,
    MiB,
    Count,
    PerSec,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn ratios_keep_two_or_three_significant_digits() {
        assert_eq!(ratio(Some(1.0), Some(4.0)), "0.25×");
        assert_eq!(ratio(Some(250.0), Some(10.0)), "25.0×");
        assert_eq!(ratio(Some(2500.0), Some(10.0)), "250×");
        assert_eq!(ratio(Some(2.0), Some(100.0)), "0.020×");
        assert_eq!(ratio(Some(35.0), Some(30947.0)), "0.0011×");
        assert_eq!(ratio(Some(0.0), Some(5.0)), "0.00×");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "-");
        assert_eq!(ratio(None, Some(1.0)), "-");
    }

    #[test]
    fn figures_are_written_with_units() {
        assert_eq!(thousands(287_273), "287,273");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(shown(Some(12.4), Unit::Ms), "12 ms");
        assert_eq!(shown(Some(30947.1), Unit::Ms), "30,947 ms");
        assert_eq!(shown(Some(3.0 * 1024.0 * 1024.0), Unit::MiB), "3.0 MiB");
        assert_eq!(shown(Some(1234.4), Unit::PerSec), "1,234 req/s");
        assert_eq!(shown(None, Unit::Count), "-");
    }
}
