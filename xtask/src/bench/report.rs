//! The one table the bench prints and writes into docs/benchmarks.md, and the machine it ran on.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// Whether a row's target was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    NotMet,
    /// The row has no target of its own (context for another row).
    Info,
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    pub figure: String,
    pub talkback: String,
    pub isso: String,
    /// Talkback divided by Isso.
    pub ratio: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    fn cells(&self) -> [String; 6] {
        let verdict = match self.verdict {
            Verdict::Met => "met",
            Verdict::NotMet => "**NOT met**",
            Verdict::Info => "",
        };
        [
            self.figure.clone(),
            self.talkback.clone(),
            self.isso.clone(),
            self.ratio.clone(),
            self.target.clone(),
            verdict.to_owned(),
        ]
    }
}

const HEADER: [&str; 6] = ["figure", "Talkback", "Isso", "ratio", "target", "verdict"];

/// The rows as a Markdown table (figures right-aligned).
pub fn markdown_table(rows: &[Row]) -> String {
    let mut out = format!(
        "| {} |\n| --- | ---: | ---: | ---: | --- | --- |\n",
        HEADER.join(" | ")
    );
    for row in rows {
        out.push_str(&format!("| {} |\n", row.cells().join(" | ")));
    }
    out
}

/// The rows as aligned plain text, for the terminal.
pub fn plain_table(rows: &[Row]) -> String {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| r.cells().map(|c| c.replace("**", "")))
        .collect();
    let mut width = HEADER.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: [&str; 6]| {
        let mut s = String::new();
        for (i, (c, w)) in row.iter().zip(width).enumerate() {
            let pad = " ".repeat(w - c.chars().count());
            // Figures read best right-aligned, words left-aligned.
            if (1..=3).contains(&i) {
                s.push_str(&format!("{pad}{c}  "))
            } else {
                s.push_str(&format!("{c}{pad}  "))
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(HEADER);
    for row in &cells {
        out.push_str(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5],
        ]));
    }
    out
}

/// Marks the part of docs/benchmarks.md the command rewrites; the rest of the file is prose
/// written by people and kept as it is.
pub const BEGIN: &str = "<!-- cargo xtask bench: begin (generated, rewritten on every run) -->";
/// See [`BEGIN`].
pub const END: &str = "<!-- cargo xtask bench: end -->";

/// `existing` with the text between the markers replaced by `generated`; when the markers are
/// missing, `fallback` (a whole new document containing both markers) is used instead.
pub fn splice(existing: Option<&str>, generated: &str, fallback: &str) -> String {
    let block = format!("{BEGIN}\n{}\n{END}", generated.trim_end());
    let doc = existing
        .filter(|d| d.contains(BEGIN) && d.contains(END))
        .unwrap_or(fallback);
    match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &doc[..b], &doc[e + END.len()..]),
        _ => format!("{doc}\n{block}\n"),
    }
}

/// What the figures were measured on.
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub ram: String,
    pub os: String,
    pub chromium: String,
    pub date: String,
    /// /proc/loadavg's 1, 5 and 15 minute figures when the table was made: other work on the
    /// machine shares its cores with both systems.
    pub load: String,
}

impl Machine {
    /// Reads /proc and asks Chromium for its version; a part that cannot be read says "unknown".
    pub fn describe(chromium: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|r| r.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
            );
        let os = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let chromium = output(Command::new(chromium).arg("--version"))
            .unwrap_or_else(|_| "unknown".to_owned());
        let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
            .unwrap_or_else(|_| "unknown".to_owned());
        let load = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| "unknown".to_owned());
        Machine {
            load,
            cpu,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            ram,
            os,
            chromium,
            date,
        }
    }

    /// One Markdown line.
    pub fn line(&self) -> String {
        format!(
            "{} ({} cores), {} RAM, {}; {}; measured {} (load average at the end: {})",
            self.cpu, self.cores, self.ram, self.os, self.chromium, self.date, self.load
        )
    }
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().context("could not run a command")?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(verdict: Verdict) -> Row {
        Row {
            figure: "transfer".into(),
            talkback: "287,273 B".into(),
            isso: "20,000 B".into(),
            ratio: "14.36×".into(),
            target: "≤ 61,440 B".into(),
            verdict,
        }
    }

    #[test]
    fn markdown_rows_have_six_cells_and_bold_failures() {
        let table = markdown_table(&[row(Verdict::NotMet), row(Verdict::Met)]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines.iter().all(|l| l.matches(" | ").count() == 5),
            "{table}"
        );
        assert!(lines[2].ends_with("| **NOT met** |"));
        assert!(lines[3].ends_with("| met |"));
    }

    #[test]
    fn plain_columns_line_up() {
        let table = plain_table(&[row(Verdict::NotMet), row(Verdict::Info)]);
        let lines: Vec<&str> = table.lines().collect();
        // The Talkback column is right-aligned: header and figure end in the same column.
        let header_end = lines[0].find("Talkback").map(|i| i + "Talkback".len());
        let figure_end = lines[1].find("287,273 B").map(|i| i + "287,273 B".len());
        assert_eq!(header_end, figure_end, "{table}");
        assert!(lines[1].ends_with("NOT met"));
    }

    #[test]
    fn splicing_keeps_the_prose_around_the_markers() {
        let old = format!("# Title\nintro\n{BEGIN}\nold table\n{END}\nnotes kept\n");
        let new = splice(Some(&old), "new table\n", "unused");
        assert_eq!(
            new,
            format!("# Title\nintro\n{BEGIN}\nnew table\n{END}\nnotes kept\n")
        );
        let fresh = splice(None, "t", &format!("# B\n{BEGIN}\n{END}\nprose\n"));
        assert_eq!(fresh, format!("# B\n{BEGIN}\nt\n{END}\nprose\n"));
        let unmarked = splice(
            Some("hand-written, no markers"),
            "t",
            &format!("{BEGIN}{END}"),
        );
        assert_eq!(unmarked, format!("{BEGIN}\nt\n{END}"));
    }
}
