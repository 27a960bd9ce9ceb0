//! The size ratchet: what one reader's page view of the widget transfers (gzip -9 total of
//! embed.js and the readers' bundle: glue with the css, wasm) may not grow more than [`SLACK`] bytes past the figure recorded in
//! `xtask/size-budget.toml`. `cargo xtask size --record` writes the current figure there.

use crate::{Workspace, build};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How far (gzip bytes) the total may move from the record before the ratchet speaks up: room
/// for a small fix without ceremony, and for build noise.
pub const SLACK: u64 = 1024;
/// The target for the whole widget, gzip -9 (reported, not enforced).
pub const TARGET_GZIP: u64 = 60 * 1024;
const BUDGET_FILE: &str = "xtask/size-budget.toml";

/// Raw and gzip -9 byte counts of a set of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Sum of the files' sizes on disk.
    pub raw: u64,
    /// Sum of each file's gzip -9 size (each file travels compressed on its own).
    pub gzip: u64,
}

/// What the ratchet concludes from the recorded and the measured gzip totals.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within [`SLACK`] of the record.
    Steady,
    /// Grew by this many bytes, more than [`SLACK`]: the test run fails.
    Grew(u64),
    /// Shrank by this many bytes, more than [`SLACK`]: the record should be lowered.
    Shrank(u64),
}

/// Compares a measurement with the record.
pub fn verdict(recorded: Totals, now: Totals) -> Verdict {
    if now.gzip > recorded.gzip + SLACK {
        Verdict::Grew(now.gzip - recorded.gzip)
    } else if now.gzip + SLACK < recorded.gzip {
        Verdict::Shrank(recorded.gzip - now.gzip)
    } else {
        Verdict::Steady
    }
}

/// Sums the raw and gzip -9 sizes of `files`.
pub fn measure(files: &[PathBuf]) -> Result<Totals> {
    let mut totals = Totals { raw: 0, gzip: 0 };
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        totals.raw += bytes.len() as u64;
        totals.gzip += build::gzip_len(&bytes)? as u64;
    }
    Ok(totals)
}

/// `cargo xtask size [--record]`: builds, prints the ratchet's verdict, and with `--record`
/// writes the measured totals into the budget file.
pub fn run(ws: &Workspace, args: &[String]) -> Result<ExitCode> {
    let record = match args {
        [] => false,
        [flag] if flag == "--record" => true,
        other => bail!("`cargo xtask size` takes only `--record`, got {other:?}"),
    };
    let widget = build::run(ws)?;
    let now = widget.readers_size;
    print_full(&widget);
    if record {
        let path = ws.root.join(BUDGET_FILE);
        fs::write(&path, render_budget(now))
            .with_context(|| format!("could not write {}", path.display()))?;
        println!("xtask: recorded {} bytes gzip ({} raw) in {BUDGET_FILE}; commit it", now.gzip, now.raw);
        return Ok(ExitCode::SUCCESS);
    }
    Ok(if check(ws, now)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Prints the full bundle's total: not held by the ratchet (readers never load it), but every
/// change to it is visible in the log.
pub fn print_full(widget: &build::Widget) {
    let full = widget.full_size;
    println!(
        "xtask: full bundle (peer backends, moderators) {} bytes gzip -9 ({} raw); not held by the ratchet",
        full.gzip, full.raw
    );
}

/// Prints how `now` compares with the record; false when the widget grew past the slack.
pub fn check(ws: &Workspace, now: Totals) -> Result<bool> {
    let recorded = read_budget(&ws.root.join(BUDGET_FILE))?;
    let target = if now.gzip <= TARGET_GZIP { "met" } else { "not met yet" };
    println!(
        "xtask: widget size {} bytes gzip -9 ({} raw); recorded {} (+{SLACK} allowed); \
         target {TARGET_GZIP}: {target}",
        now.gzip, now.raw, recorded.gzip
    );
    match verdict(recorded, now) {
        Verdict::Steady => Ok(true),
        Verdict::Grew(by) => {
            eprintln!("{}", grew_message(recorded, now, by));
            Ok(false)
        }
        Verdict::Shrank(by) => {
            println!(
                "xtask: the widget shrank by {by} bytes gzip since the record: lock the gain in with \
                 `cargo xtask size --record` and commit {BUDGET_FILE}"
            );
            Ok(true)
        }
    }
}

/// The failure text: what grew, by how much, and the two ways forward.
pub fn grew_message(recorded: Totals, now: Totals, by: u64) -> String {
    format!(
        "xtask: SIZE RATCHET: the widget grew by {by} bytes gzip -9 ({} -> {}), more than the \
         {SLACK} bytes allowed over {BUDGET_FILE}.\n\
         xtask: see the per-file table above; `twiggy top`/`twiggy dominators` on the wasm show \
         what was added (docs/size.md).\n\
         xtask: cut it back, or, if the growth is worth it, run `cargo xtask size --record` and \
         commit {BUDGET_FILE} with the change so review sees the new figure.",
        recorded.gzip, now.gzip
    )
}

fn read_budget(path: &Path) -> Result<Totals> {
    let text = fs::read_to_string(path).with_context(|| {
        format!("could not read {}; create it with `cargo xtask size --record`", path.display())
    })?;
    parse_budget(&text).with_context(|| format!("in {}", path.display()))
}

/// Reads `raw = N` and `gzip = N` lines; `#` starts a comment.
fn parse_budget(text: &str) -> Result<Totals> {
    let (mut raw, mut gzip) = (None, None);
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            bail!("line {}: expected `key = number`, got `{line}`", number + 1);
        };
        let value: u64 = value
            .trim()
            .parse()
            .with_context(|| format!("line {}: `{}` is not a byte count", number + 1, value.trim()))?;
        match key.trim() {
            "raw" => raw = Some(value),
            "gzip" => gzip = Some(value),
            other => bail!("line {}: unknown key `{other}` (expected `raw` or `gzip`)", number + 1),
        }
    }
    match (raw, gzip) {
        (Some(raw), Some(gzip)) => Ok(Totals { raw, gzip }),
        _ => bail!("both `raw` and `gzip` must be recorded"),
    }
}

fn render_budget(now: Totals) -> String {
    format!(
        "# Size ratchet of the widget: bytes one reader's page view transfers (embed.js + the readers'\n\
         # bundle's wasm-bindgen glue + .wasm, each gzip -9 on its own; the CSS is inside the glue), the\n\
         # \"widget total\" `cargo xtask build` prints. The full bundle (moderators, Isso/Waline) is not held.\n\
         # `cargo xtask test` fails when `gzip` grows more than {SLACK} bytes past the figure below, and\n\
         # asks for a new record when it shrank by more than that.\n\
         # Update it with `cargo xtask size --record` (it builds and writes this file), then commit it:\n\
         # after every cut, to hold the gain; after a reviewed, deliberate growth, to accept it.\n\
         # The issue's target is {TARGET_GZIP} gzip; docs/size.md shows where the bytes go.\n\
         raw = {}\n\
         gzip = {}\n",
        now.raw, now.gzip
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: Totals = Totals { raw: 500_000, gzip: 100_000 };

    fn gz(gzip: u64) -> Totals {
        Totals { raw: 0, gzip }
    }

    #[test]
    fn growth_within_the_slack_passes_and_beyond_it_fails() {
        assert_eq!(verdict(RECORD, gz(100_000 + SLACK)), Verdict::Steady);
        assert_eq!(verdict(RECORD, gz(100_000 + SLACK + 1)), Verdict::Grew(SLACK + 1));
    }

    #[test]
    fn a_shrink_beyond_the_slack_asks_for_a_new_record() {
        assert_eq!(verdict(RECORD, gz(100_000 - SLACK)), Verdict::Steady);
        assert_eq!(verdict(RECORD, gz(100_000 - SLACK - 1)), Verdict::Shrank(SLACK + 1));
    }

    #[test]
    fn a_rendered_record_reads_back_the_same() {
        let text = render_budget(Totals { raw: 123_456, gzip: 54_321 });
        assert_eq!(parse_budget(&text).unwrap(), Totals { raw: 123_456, gzip: 54_321 });
        assert!(text.contains("cargo xtask size --record"), "{text}");
    }

    #[test]
    fn a_broken_record_names_the_line() {
        let err = parse_budget("raw = 1\ngzip = lots\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        let err = parse_budget("raw = 1\n").unwrap_err();
        assert!(err.to_string().contains("gzip"), "{err}");
    }

    #[test]
    fn the_failure_says_how_much_and_how_to_record() {
        let text = grew_message(RECORD, gz(102_000), 2_000);
        assert!(text.contains("2000 bytes") && text.contains("cargo xtask size --record"), "{text}");
    }

    #[test]
    fn the_committed_record_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("size-budget.toml");
        let text = fs::read_to_string(&path).expect("xtask/size-budget.toml is committed");
        parse_budget(&text).expect("xtask/size-budget.toml is well formed");
    }
}
