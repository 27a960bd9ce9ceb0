//! Talkback's export format, version 2: JSON lines, one object per line with a `type` —
//! a `header`, the site's `settings`, its site `account`s, then each `thread` followed by its
//! `comment`s (parents before replies), the `ban`s in force and the `audit` log, then an `end`
//! line with the counts, so a cut-short file is noticed. Documented in
//! `docs/import-export.md`; readers ignore fields they do not know.
//!
//! Version 2 added moderation (comment `status` and `pinned`, thread `locked`, the moderation
//! mode, site accounts, bans and the audit log). It is a new version rather than new fields
//! because a version 1 reader would ignore them and show held and hidden comments to everyone;
//! this reader still reads version 1 files, whose comments are all visible and unpinned.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};
use talkback_protocol::moderation::{BanKind, ModAction, ModerationMode, TargetKind};
use talkback_protocol::{CommentId, CommentStatus};

use super::entry::{
    Body, CommentEntry, Entry, Identity, Location, Skipped, ThreadEntry, Visibility,
};
use super::times::parse_timestamp;
use super::{EntrySource, TransferError, open_file};

/// The `format` value of the header line.
pub const FORMAT_NAME: &str = "talkback-export";
/// The version this server writes; it reads this one and every earlier one.
pub const FORMAT_VERSION: u32 = 2;
/// Longest line read; longer ones are skipped as malformed.
const LINE_MAX_BYTES: usize = 1024 * 1024;

/// One line of the export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    /// First line: what the file is.
    Header {
        /// Always [`FORMAT_NAME`].
        format: String,
        /// [`FORMAT_VERSION`] when written by this server.
        version: u32,
        /// When the export was made (RFC 3339).
        exported_at: String,
        /// The program that wrote it.
        generator: String,
    },
    /// The site's settings (version 2), right after the header.
    Settings {
        /// Pre- or post-moderation of new comments.
        #[serde(default)]
        moderation: ModerationMode,
    },
    /// A reader who signs in through the site (version 2): restored readers stay linked to
    /// their accounts.
    Account {
        /// The reader's token hash (`sso:…`), as in comment lines.
        reader: String,
        /// The site's account id.
        account: String,
    },
    /// A thread; its comments follow it.
    Thread {
        /// Normalized key.
        key: String,
        /// Article title.
        title: Option<String>,
        /// Article URL.
        url: Option<String>,
        /// Creation time (RFC 3339 with fraction).
        created_at: String,
        /// Closed to new comments (version 2; absent means open).
        #[serde(default)]
        locked: bool,
    },
    /// A comment.
    Comment(CommentLine),
    /// A ban in force when the file was written (version 2).
    Ban {
        /// `reader` or `ip_range`.
        kind: BanKind,
        /// The banned reader's token hash.
        reader: Option<String>,
        /// The comment the ban was made from.
        comment: Option<String>,
        /// The banned range (CIDR).
        ip_range: Option<String>,
        /// Whether moderators may see the range (`false` for a reader's own address).
        #[serde(default)]
        range_shown: bool,
        /// The moderator who made it.
        created_by: String,
        /// When (RFC 3339).
        created_at: String,
        /// When it ends (RFC 3339); `null` for good.
        expires_at: Option<String>,
        /// Why.
        reason: Option<String>,
    },
    /// An audit-log entry (version 2), oldest first.
    Audit {
        /// The moderator's name.
        moderator: String,
        /// What they did.
        action: ModAction,
        /// On what kind of thing.
        target_kind: TargetKind,
        /// Comment id, thread key, ban number or setting name.
        target: String,
        /// Details.
        detail: Option<String>,
        /// Why.
        reason: Option<String>,
        /// When (RFC 3339).
        created_at: String,
    },
    /// Last line: what the file holds.
    End {
        /// Number of thread lines.
        threads: u64,
        /// Number of comment lines.
        comments: u64,
    },
}

/// A comment line: everything needed to restore it exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentLine {
    /// Key of its thread.
    pub thread: String,
    /// Comment id, kept on restore so permalinks keep working.
    pub id: String,
    /// Parent id.
    pub parent: Option<String>,
    /// SHA-256 (hex) of the author's reader token: the reader keeps its comments after a restore.
    pub reader: String,
    /// Display name.
    pub author: Option<String>,
    /// Markdown source; rendered and sanitized again on import.
    pub body_md: String,
    /// Creation time (RFC 3339 with fraction).
    pub created_at: String,
    /// Last edit.
    pub edited_at: Option<String>,
    /// Deleted placeholder.
    pub deleted: bool,
    /// Up-vote tally.
    pub upvotes: u64,
    /// Down-vote tally.
    pub downvotes: u64,
    /// Email for reply notifications (private: never shown by the API).
    pub email: Option<String>,
    /// Where an imported comment came from (`disqus:123`), so imports stay idempotent.
    pub source: Option<String>,
    /// Moderation status (version 2; absent means visible).
    #[serde(default)]
    pub status: CommentStatus,
    /// Pinned to the top of its thread (version 2; absent means not).
    #[serde(default)]
    pub pinned: bool,
}

/// Reads an export file.
pub struct JsonlSource<R: BufRead> {
    input: R,
    line_no: u64,
    bytes: u64,
    total: u64,
    buf: Vec<u8>,
    saw_header: bool,
    saw_end: bool,
}

impl JsonlSource<std::io::BufReader<std::fs::File>> {
    /// Opens an export file.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        let (reader, size) = open_file(path)?;
        Ok(Self::new(reader, size))
    }
}

impl<R: BufRead> JsonlSource<R> {
    /// Reads an export from any buffered input of `total` bytes.
    pub fn new(input: R, total: u64) -> Self {
        JsonlSource {
            input,
            line_no: 0,
            bytes: 0,
            total,
            buf: Vec::new(),
            saw_header: false,
            saw_end: false,
        }
    }

    /// Reads one line into `buf`; `false` at the end of the input.
    fn read_line(&mut self) -> Result<bool, TransferError> {
        self.buf.clear();
        let n = std::io::Read::take(&mut self.input, LINE_MAX_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(false);
        }
        self.bytes += n as u64;
        self.line_no += 1;
        if self.buf.len() > LINE_MAX_BYTES && !self.buf.ends_with(b"\n") {
            // Skip the rest of the oversized line.
            let mut rest = Vec::new();
            self.bytes += self.input.read_until(b'\n', &mut rest)? as u64;
        }
        Ok(true)
    }

    fn header(&mut self, line: Line) -> Result<(), TransferError> {
        match line {
            Line::Header {
                format, version, ..
            } if format == FORMAT_NAME => {
                if !(1..=FORMAT_VERSION).contains(&version) {
                    return Err(TransferError::NotThisFormat(format!(
                        "this is a version {version} export; this server reads versions 1 to {FORMAT_VERSION}: \
                         use a talkback-server at least as new as the one that wrote it"
                    )));
                }
                self.saw_header = true;
                Ok(())
            }
            _ => Err(not_an_export()),
        }
    }
}

fn not_an_export() -> TransferError {
    TransferError::NotThisFormat(format!(
        "this is not a Talkback export: the first line must be a {{\"type\":\"header\",\"format\":\"{FORMAT_NAME}\",…}} object"
    ))
}

/// Converts a comment line into an entry, or says what is wrong with it.
fn comment_entry(at: Location, c: CommentLine) -> Entry {
    if CommentId::parse(&c.id).is_none() {
        return Skipped::malformed(at, format!("comment id {:?} is not a valid id", c.id));
    }
    if c.reader.is_empty() || c.reader.len() > 128 {
        return Skipped::malformed(at, format!("comment {}: reader must be a token hash", c.id));
    }
    let Some(created_at) = parse_timestamp(&c.created_at) else {
        return Skipped::malformed(
            at,
            format!(
                "comment {}: created_at {:?} is not RFC 3339",
                c.id, c.created_at
            ),
        );
    };
    Entry::Comment(CommentEntry {
        at,
        source: c.source,
        keep_id: Some(c.id),
        thread: c.thread,
        parent: c.parent,
        author: c.author,
        identity: Identity::TokenHash(c.reader),
        body: Body::Markdown(c.body_md),
        created_at,
        edited_at: c.edited_at.as_deref().and_then(parse_timestamp),
        visibility: if c.deleted {
            Visibility::Deleted
        } else {
            Visibility::Visible
        },
        upvotes: c.upvotes,
        downvotes: c.downvotes,
        email: c.email,
        status: c.status,
        pinned: c.pinned,
        restore: true,
    })
}

impl<R: BufRead> EntrySource for JsonlSource<R> {
    fn next_entry(&mut self) -> Result<Option<Entry>, TransferError> {
        loop {
            if !self.read_line()? {
                if !self.saw_header {
                    return Err(not_an_export());
                }
                return Ok(None);
            }
            let at = Location::Line(self.line_no);
            let text = String::from_utf8_lossy(&self.buf);
            if text.trim().is_empty() {
                continue;
            }
            if self.buf.len() > LINE_MAX_BYTES {
                return Ok(Some(Skipped::malformed(at, "line longer than 1 MiB")));
            }
            let parsed = serde_json::from_str::<Line>(&text);
            if !self.saw_header {
                self.header(parsed.map_err(|_| not_an_export())?)?;
                continue;
            }
            let line = match parsed {
                Ok(line) => line,
                Err(e) => return Ok(Some(Skipped::malformed(at, e.to_string()))),
            };
            match line {
                Line::Header { .. } => {
                    return Ok(Some(Skipped::malformed(at, "a second header line")));
                }
                Line::Settings { moderation } => {
                    return Ok(Some(Entry::Moderation(moderation)));
                }
                Line::Thread {
                    key,
                    title,
                    url,
                    created_at,
                    locked,
                } => {
                    return Ok(Some(Entry::Thread(ThreadEntry {
                        source_id: key.clone(),
                        key,
                        title,
                        url,
                        created_at: parse_timestamp(&created_at),
                        locked,
                    })));
                }
                Line::Comment(c) => return Ok(Some(comment_entry(at, c))),
                line @ (Line::Account { .. } | Line::Ban { .. } | Line::Audit { .. }) => {
                    return Ok(Some(super::moderation::entry(at, line)));
                }
                Line::End { .. } => self.saw_end = true,
            }
        }
    }

    fn done(&self) -> u64 {
        self.bytes
    }

    fn total(&self) -> u64 {
        self.total
    }

    fn closing_note(&self) -> Option<String> {
        (!self.saw_end).then(|| {
            "the file has no end line: it may have been cut short (everything in it was imported)"
                .to_owned()
        })
    }
}
