//! docs/benchmarks.svg: render time against thread size, log x, written by hand (a handful of
//! lines and labels does not need a plotting library).

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

/// A round step for about five gridlines up to `max`: 1, 2 or 5 times a power of ten.
pub fn tick_step(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow)
}

/// The whole SVG document; `sizes` are the x ticks (thread sizes, plotted on a log scale).
pub fn chart(title: &str, sizes: &[f64], series: &[Series]) -> String {
    let max_y = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let step = tick_step(max_y);
    let top_y = (max_y / step).ceil().max(1.0) * step;
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
    let y = |ms: f64| TOP + plot_h - ms / top_y * plot_h;

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
    let mut v = 0.0;
    while v <= top_y + step / 2.0 {
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
            LEFT + plot_w,
            y(v),
            y(v),
            LEFT - 8.0,
            y(v) + 4.0,
            v
        );
        v += step;
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
        r##"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle" fill="#333">ms after navigation (median)</text>"##,
        TOP + plot_h / 2.0
    );
    for (i, line) in series.iter().enumerate() {
        let dash = if line.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let points: Vec<String> = line
            .points
            .iter()
            .map(|&(n, ms)| format!("{:.1},{:.1}", x(n), y(ms)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="2.5"{dash} points="{}"/>"#,
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
            r#"<line x1="{lx}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{}" stroke-width="2.5"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
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
    fn ticks_are_round() {
        assert_eq!(tick_step(1000.0), 200.0);
        assert_eq!(tick_step(730.0), 200.0);
        assert_eq!(tick_step(90.0), 20.0);
        assert_eq!(tick_step(4.0), 1.0);
        assert_eq!(tick_step(0.0), 1.0);
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
