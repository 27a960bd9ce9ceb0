//! What an import or export did, in words for the person who ran it.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::Format;
use super::entry::{Skipped, Visibility};
use super::progress::megabytes;
use crate::store::Orphan;

/// How many skipped entries and orphans are listed one by one.
pub const EXAMPLES_MAX: usize = 20;

/// The result of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportSummary {
    /// The input's format (`None` only in a default value).
    pub format: Option<Format>,
    /// Threads that hold imported comments (new or from an earlier run).
    pub threads: u64,
    /// Comments written by this run.
    pub written: u64,
    /// Comments found already stored (an earlier run of the same import).
    pub already_present: u64,
    /// Comments kept only as deleted placeholders (so replies keep their place), by reason.
    pub placeholders: BTreeMap<&'static str, u64>,
    /// Comments kept with their text but not shown to readers (held for approval, or rejected
    /// as spam), by the source's reason.
    pub moderated: BTreeMap<&'static str, u64>,
    /// The file asked for pre-moderation, and the site now has it.
    pub pre_moderation: bool,
    /// Readers linked to their site accounts by this run.
    pub accounts: u64,
    /// Bans written by this run.
    pub bans: u64,
    /// Audit entries written by this run.
    pub audit: u64,
    /// Skipped entries by kind of reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// The first skipped entries, with where they are.
    pub skipped_examples: Vec<Skipped>,
    /// Replies attached in the final pass: their parent (or an ancestor) came after them in the input.
    pub linked_late: u64,
    /// Comments whose parent is not in the input, kept as top-level comments.
    pub orphans: u64,
    /// The first of them.
    pub orphan_examples: Vec<Orphan>,
    /// Threads whose key is not a web address (the widget will only find them by `data-thread`).
    pub keys_not_urls: u64,
    /// Remarks about the input as a whole.
    pub notes: Vec<String>,
    /// The run stopped before the end on request (`--stop-after`).
    pub stopped_early: bool,
    /// Size of the input in bytes (rows for a database).
    pub input_size: u64,
    /// Time taken.
    pub elapsed: Duration,
    /// Peak resident memory of the process, in bytes.
    pub peak_memory: Option<u64>,
}

impl ImportSummary {
    /// Comments handled: written or found present.
    pub fn comments(&self) -> u64 {
        self.written + self.already_present
    }

    /// Skipped entries of all kinds.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = self.format.map_or("?", Format::name);
        let state = if self.stopped_early {
            "stopped early"
        } else {
            "finished"
        };
        writeln!(
            f,
            "import from {from} {state} in {:.1} s",
            self.elapsed.as_secs_f64()
        )?;
        writeln!(f, "  threads:   {}", self.threads)?;
        writeln!(
            f,
            "  comments:  {} written, {} already there from an earlier run",
            self.written, self.already_present
        )?;
        for (why, n) in &self.placeholders {
            writeln!(
                f,
                "             {n} {why}: kept as deleted placeholders, text not imported"
            )?;
        }
        for (why, n) in &self.moderated {
            let as_what = if *why == Visibility::Spam.label() {
                "stored as rejected"
            } else {
                "held for approval"
            };
            writeln!(
                f,
                "             {n} {why}: {as_what}, hidden from readers; moderators find them in /admin"
            )?;
        }
        if self.pre_moderation {
            writeln!(
                f,
                "  moderation: pre-moderation, as in the export: new comments wait for approval"
            )?;
        }
        if self.accounts + self.bans + self.audit > 0 {
            writeln!(
                f,
                "  moderation: {} bans, {} audit entries, {} site accounts written",
                self.bans, self.audit, self.accounts
            )?;
        }
        if self.linked_late > 0 {
            writeln!(
                f,
                "             {} replies attached in a final pass (their parent, or its parent, came later in the file)",
                self.linked_late
            )?;
        }
        if self.orphans > 0 {
            writeln!(
                f,
                "  orphans:   {} comments whose parent is not in the export are shown top-level",
                self.orphans
            )?;
            for o in &self.orphan_examples {
                let what = o.source.as_deref().unwrap_or(&o.id);
                writeln!(
                    f,
                    "             {what}: parent {} not found",
                    o.missing_parent
                )?;
            }
        }
        writeln!(f, "  skipped:   {}", self.skipped_total())?;
        for (kind, n) in &self.skipped {
            writeln!(f, "             {n} {kind}")?;
        }
        for s in &self.skipped_examples {
            writeln!(f, "             {}: {}", s.at, s.reason)?;
        }
        if self.skipped_total() > self.skipped_examples.len() as u64 {
            writeln!(f, "             (only the first {EXAMPLES_MAX} are listed)")?;
        }
        if self.keys_not_urls > 0 {
            writeln!(
                f,
                "  note:      {} thread keys are not web addresses; pages find them only through \
                 data-thread, or map them with --map-url FROM=TO",
                self.keys_not_urls
            )?;
        }
        for n in &self.notes {
            writeln!(f, "  note:      {n}")?;
        }
        let secs = self.elapsed.as_secs_f64().max(0.001);
        write!(
            f,
            "  speed:     {:.0} comments/s",
            self.comments() as f64 / secs
        )?;
        if self.format != Some(Format::Isso) {
            write!(
                f,
                ", {}/s",
                megabytes((self.input_size as f64 / secs) as u64)
            )?;
        }
        writeln!(f)?;
        if let Some(peak) = self.peak_memory {
            writeln!(f, "  peak memory: {}", megabytes(peak))?;
        }
        Ok(())
    }
}

/// The result of an export.
#[derive(Clone, Debug, Default)]
pub struct ExportSummary {
    /// Threads written.
    pub threads: u64,
    /// Comments written.
    pub comments: u64,
    /// Site accounts, bans and audit entries written.
    pub moderation: u64,
    /// Size of the file.
    pub bytes: u64,
    /// Time taken.
    pub elapsed: Duration,
    /// Peak resident memory of the process, in bytes.
    pub peak_memory: Option<u64>,
}

impl fmt::Display for ExportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "export finished in {:.1} s: {} threads, {} comments, {} moderation records, {}",
            self.elapsed.as_secs_f64(),
            self.threads,
            self.comments,
            self.moderation,
            megabytes(self.bytes)
        )?;
        if let Some(peak) = self.peak_memory {
            writeln!(f, "  peak memory: {}", megabytes(peak))?;
        }
        Ok(())
    }
}
