//! Progress of a long import or export: a bar with counts and rate on a terminal, a plain line
//! every few seconds otherwise (logs, CI), and the process's peak memory for the summary.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is printed when not on a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Reports progress on standard error.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    bytes: bool,
    total: u64,
    started: Instant,
    last_line: Instant,
    quiet: bool,
}

impl Progress {
    /// Starts reporting work of `total` units (bytes when `bytes`, else rows or threads;
    /// 0 when unknown).
    pub fn new(label: &'static str, total: u64, bytes: bool, quiet: bool) -> Self {
        let now = Instant::now();
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let length = (total > 0).then_some(total);
            let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
            let template = match (bytes, length.is_some()) {
                (true, true) => {
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left) {msg}"
                }
                (false, true) => "{prefix} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left) {msg}",
                // Nothing to measure against (an export): a spinner with counts.
                (_, false) => "{prefix} {spinner} {pos} threads, {msg} ({elapsed})",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label);
            bar
        });
        Progress {
            bar,
            label,
            bytes,
            total,
            started: now,
            last_line: now,
            quiet,
        }
    }

    /// Records that `done` units are finished and `comments` comments handled.
    pub fn update(&mut self, done: u64, comments: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.set_message(format!("{comments} comments"));
            return;
        }
        if self.quiet || self.last_line.elapsed() < LINE_EVERY {
            return;
        }
        self.last_line = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = comments as f64 / secs;
        let share = if self.total > 0 {
            format!("{:.0}% ", done as f64 * 100.0 / self.total as f64)
        } else {
            String::new()
        };
        let amount = if self.bytes {
            format!("{} of {}", megabytes(done), megabytes(self.total))
        } else if self.total > 0 {
            format!("{done} of {}", self.total)
        } else {
            format!("{done}")
        };
        eprintln!(
            "{}: {share}({amount}), {comments} comments, {rate:.0} comments/s",
            self.label
        );
    }

    /// Removes the bar; returns the time taken.
    pub fn finish(self) -> Duration {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
        self.started.elapsed()
    }
}

/// `12.3 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The most memory this process has held (resident set high-water mark), in bytes, where the
/// system tells (Linux).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let peak = super::peak_memory().expect("VmHWM");
            assert!(peak > 100_000, "{peak}");
        }
    }
}
