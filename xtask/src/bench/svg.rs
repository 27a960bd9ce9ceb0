//! docs/benchmarks.svg: render time against thread size, both axes logarithmic (Isso's times
//! grow a hundredfold over the sizes while Talkback's stay flat; a linear axis would flatten
//! one of them), written by hand: a handful of lines and labels needs no plotting library.

use std::fmt::Write as _;

/// One line of the chart.
pub struct Series {
    pub label: String,
    /// CSS colour of the line and its points.
    pub color: &'static str,
    /// Dashed lines for the "first comments painted" figures, solid for "interactive".
    pub dashed: bool,
    /// (thread size, milliseconds); a missing measurement is left out.
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 720.0;
const H: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 220.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

/// Gridlines for a log axis covering `min..=max`: the 1, 2, 5 × 10ⁿ values from the largest
/// one at or below `min` to the smallest one at or above `max`.
pub fn log_ticks(min: f64, max: f64) -> Vec<f64> {
    if !(min > 0.0 && max >= min && max.is_finite()) {
        return vec![1.0, 10.0];
    }
    let steps = |decade: i32| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(decade));
    let mut all: Vec<f64> = (min.log10().floor() as i32..=max.log10().ceil() as i32)
        .flat_map(steps)
        .collect();
    all.push(10f64.powi(max.log10().ceil() as i32 + 1));
    let low = all
        .iter()
        .rposition(|&t| t <= min * (1.0 + 1e-9))
        .unwrap_or(0);
    let high = all
        .iter()
        .position(|&t| t >= max * (1.0 - 1e-9))
        .unwrap_or(all.len() - 1);
    let mut ticks = all[low..=high.max(low + 1).min(all.len() - 1)].to_vec();
    ticks.dedup();
    ticks
}

/// The whole SVG document; `sizes` are the x ticks (thread sizes, plotted on a log scale).
pub fn chart(title: &str, sizes: &[f64], series: &[Series]) -> String {
    let ys = || {
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|v| *v > 0.0)
    };
    let ticks = log_ticks(ys().fold(f64::MAX, f64::min), ys().fold(0.0, f64::max));
    let (y_lo, y_hi) = (ticks[0].log10(), ticks[ticks.len() - 1].log10());
    let (lo, hi) = sizes
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &s| (l.min(s), h.max(s)));
    let (lo, hi) = if lo < hi {
        (lo.log10(), hi.log10())
    } else {
        (lo.log10() - 1.0, lo.log10() + 1.0)
    };
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |size: f64| LEFT + (size.log10() - lo) / (hi - lo) * plot_w;
    let y = |ms: f64| TOP + plot_h - (ms.max(ticks[0]).log10() - y_lo) / (y_hi - y_lo) * plot_h;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="system-ui, sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r##"<rect width="{W}" height="{H}" fill="#fff"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="24" font-size="15" font-weight="600">{}</text>"#,
        escape(title)
    );
    // Horizontal gridlines with their millisecond labels.
    for &v in &ticks {
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
            LEFT + plot_w,
            y(v),
            y(v),
            LEFT - 8.0,
            y(v) + 4.0,
            super::stats::thousands(v as u64)
        );
    }
    for &size in sizes {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{1}" y2="{2:.1}" stroke="#e3e3e3"/><text x="{0:.1}" y="{3:.1}" text-anchor="middle" fill="#555">{4}</text>"##,
            x(size),
            TOP,
            TOP + plot_h,
            TOP + plot_h + 18.0,
            super::stats::thousands(size as u64)
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">comments in the thread (log scale)</text>"##,
        LEFT + plot_w / 2.0,
        H - 16.0
    );
    let _ = writeln!(
        s,
        r##"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle" fill="#333">ms after navigation (median, log scale)</text>"##,
        TOP + plot_h / 2.0
    );
    for (i, line) in series.iter().enumerate() {
        // Dashed lines are drawn thinner, so a solid line under them stays visible.
        let dash = if line.dashed {
            r#" stroke-dasharray="6 4" stroke-width="1.5""#
        } else {
            r#" stroke-width="2.5""#
        };
        let points: Vec<String> = line
            .points
            .iter()
            .map(|&(n, ms)| format!("{:.1},{:.1}", x(n), y(ms)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{}"{dash} points="{}"/>"#,
            line.color,
            points.join(" ")
        );
        for &(n, ms) in &line.points {
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{}: {} comments, {ms:.0} ms</title></circle>"#,
                x(n),
                y(ms),
                line.color,
                escape(&line.label),
                n
            );
        }
        let ly = TOP + 10.0 + i as f64 * 22.0;
        let lx = W - RIGHT + 16.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{}"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 28.0,
            line.color,
            lx + 36.0,
            ly + 4.0,
            escape(&line.label)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_bracket_the_values_with_round_numbers() {
        assert_eq!(
            log_ticks(386.0, 19177.0),
            vec![200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0]
        );
        assert_eq!(log_ticks(100.0, 1000.0), vec![100.0, 200.0, 500.0, 1000.0]);
        assert_eq!(log_ticks(450.0, 480.0), vec![200.0, 500.0]);
        assert_eq!(log_ticks(0.0, 5.0), vec![1.0, 10.0]);
    }

    #[test]
    fn the_chart_has_a_line_per_series_on_a_log_axis() {
        let series = [
            Series {
                label: "Talkback <interactive>".into(),
                color: "#1f77b4",
                dashed: false,
                points: vec![(100.0, 50.0), (1000.0, 60.0), (10000.0, 70.0)],
            },
            Series {
                label: "Isso".into(),
                color: "#ff7f0e",
                dashed: true,
                points: vec![(100.0, 80.0), (10000.0, 900.0)],
            },
        ];
        let svg = chart("Render time", &[100.0, 1000.0, 10000.0], &series);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains("Talkback &lt;interactive&gt;"));
        assert!(svg.contains(">10,000</text>"));
        // Log x: 1,000 sits half-way between 100 and 10,000.
        let first = "points=\"";
        let at = svg.find(first).unwrap() + first.len();
        let xs: Vec<f64> = svg[at..]
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|p| p.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert!(((xs[1] - xs[0]) - (xs[2] - xs[1])).abs() < 0.2, "{xs:?}");
    }
}
