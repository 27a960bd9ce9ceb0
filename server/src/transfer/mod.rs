//! Moving comments in and out: imports from Disqus, WordPress and Isso, and our own export
//! format (versioned JSON lines) for backups and moves between servers.
//!
//! Every format reader turns its input into [`entry::Entry`] values one at a time, so memory
//! does not grow with the size of the file; [`import`] converts, sanitizes and writes them in
//! batches, and [`export`] writes the whole site back out. Format details and the export
//! format are documented in `docs/import-export.md`.

pub mod disqus;
pub mod entry;
pub mod export;
pub mod html;
pub mod import;
pub mod isso;
pub mod jsonl;
pub mod mapping;
pub mod moderation;
pub mod progress;
pub mod summary;
pub mod synthetic;
pub mod times;
pub mod wordpress;
pub mod xml;

use std::fmt;
use std::path::PathBuf;

pub use export::run_export;
pub use import::{ImportOptions, run_import};
pub use mapping::UrlMap;
pub use summary::{ExportSummary, ImportSummary};

use crate::store::StoreError;
use entry::Entry;

/// The formats `talkback-server import --from` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Disqus XML export.
    Disqus,
    /// WordPress export (WXR).
    Wordpress,
    /// Isso SQLite database.
    Isso,
    /// Talkback's own JSON-lines export.
    Talkback,
}

impl Format {
    /// The prefix of source references of this format (`disqus:123`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Disqus => "disqus",
            Format::Wordpress => "wordpress",
            Format::Isso => "isso",
            Format::Talkback => "talkback",
        }
    }
}

/// Something a format reader yields entries from, and how far along it is.
pub trait EntrySource {
    /// The next entry, or `None` at the end of the input.
    fn next_entry(&mut self) -> Result<Option<Entry>, TransferError>;
    /// Work done so far, in the unit of [`EntrySource::total`].
    fn done(&self) -> u64;
    /// Total work (bytes of a file, rows of a database).
    fn total(&self) -> u64;
    /// Whether [`EntrySource::done`] counts bytes (else rows).
    fn counts_bytes(&self) -> bool {
        true
    }
    /// Something the reader noticed about the input as a whole, for the summary.
    fn closing_note(&self) -> Option<String> {
        None
    }
}

/// Why an import or export stopped.
#[derive(Debug)]
pub enum TransferError {
    /// The input file cannot be read.
    Open {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Reading or writing failed midway.
    Io(std::io::Error),
    /// The XML is not well-formed at this point; everything before it was imported.
    Xml {
        /// Line where the parser stopped.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// The file ends inside an element: probably cut short.
    Truncated {
        /// The element left open.
        element: String,
        /// Line where it starts.
        line: u64,
    },
    /// The input is not in the expected format at all; the text says what was found.
    NotThisFormat(String),
    /// The database failed.
    Store(StoreError),
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::Open { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            TransferError::Io(e) => write!(f, "i/o error: {e}"),
            TransferError::Xml { line, message } => write!(
                f,
                "the XML is broken at line {line} ({message}); entries before it were imported, \
                 fix the file and run the same import again to add the rest"
            ),
            TransferError::Truncated { element, line } => write!(
                f,
                "the file ends inside <{element}> opened at line {line}: it looks cut short; \
                 entries before it were imported"
            ),
            TransferError::NotThisFormat(m) => f.write_str(m),
            TransferError::Store(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for TransferError {}

impl From<StoreError> for TransferError {
    fn from(e: StoreError) -> Self {
        TransferError::Store(e)
    }
}

impl From<std::io::Error> for TransferError {
    fn from(e: std::io::Error) -> Self {
        TransferError::Io(e)
    }
}

/// Opens `path` for buffered reading, returning it with its size.
pub(crate) fn open_file(
    path: &std::path::Path,
) -> Result<(std::io::BufReader<std::fs::File>, u64), TransferError> {
    let open_err = |source| TransferError::Open {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(open_err)?;
    let size = file.metadata().map_err(open_err)?.len();
    Ok((std::io::BufReader::with_capacity(256 * 1024, file), size))
}
