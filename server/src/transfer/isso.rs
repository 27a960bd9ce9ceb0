//! An Isso database (SQLite): `threads(id, uri, title)` and `comments(tid, id, parent, created,
//! modified, mode, text, author, email, likes, dislikes, …)`, read in pages of rows so that any
//! size of database streams through.
//!
//! Isso's `uri` is a path (`/2013/05/hello/`); `--map-url /=https://blog.example/` turns it into
//! the article URL the widget uses. `mode` 1 is shown, 2 waits for moderation, 4 is deleted.

use std::collections::VecDeque;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row, params};
use talkback_protocol::CommentStatus;

use super::entry::{
    Body, CommentEntry, Entry, Identity, Location, Skipped, ThreadEntry, Visibility,
};
use super::times::from_unix_seconds;
use super::{EntrySource, TransferError};

/// Rows fetched per query.
const PAGE: i64 = 500;

/// Reads an Isso database.
pub struct IssoSource {
    conn: Connection,
    phase: Phase,
    after: i64,
    ready: VecDeque<Entry>,
    done: u64,
    total: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Threads,
    Comments,
    Finished,
}

impl IssoSource {
    /// Opens the database read-only and checks that it has Isso's tables.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        if !path.is_file() {
            return Err(TransferError::Open {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
                TransferError::NotThisFormat(format!(
                    "cannot open {} as SQLite: {e}",
                    path.display()
                ))
            })?;
        let not_isso = |e: rusqlite::Error| {
            TransferError::NotThisFormat(format!(
                "{} is not an Isso database ({e}); expected tables threads(id, uri, title) and \
                 comments(tid, id, parent, created, modified, mode, text, author, email, likes, dislikes)",
                path.display()
            ))
        };
        // Preparing fails when a table or column is missing: the cheapest check of the schema.
        conn.prepare("SELECT id, uri, title FROM threads")
            .map_err(not_isso)?;
        conn.prepare(
            "SELECT tid, id, parent, created, modified, mode, text, author, email, likes, dislikes
             FROM comments",
        )
        .map_err(not_isso)?;
        let rows: i64 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM threads) + (SELECT COUNT(*) FROM comments)",
                [],
                |r| r.get(0),
            )
            .map_err(not_isso)?;
        Ok(IssoSource {
            conn,
            phase: Phase::Threads,
            after: i64::MIN,
            ready: VecDeque::new(),
            done: 0,
            total: u64::try_from(rows).unwrap_or(0),
        })
    }

    fn fetch_threads(&mut self) -> Result<(), TransferError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, uri, title FROM threads WHERE id > ?1 ORDER BY id LIMIT ?2")
            .map_err(db)?;
        let mut rows = stmt.query(params![self.after, PAGE]).map_err(db)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(db)? {
            n += 1;
            let id: i64 = r.get(0).map_err(db)?;
            self.after = id;
            let at = Location::Row {
                table: "threads",
                id,
            };
            self.ready.push_back(match text(r, 1) {
                Some(uri) => Entry::Thread(ThreadEntry {
                    source_id: id.to_string(),
                    key: uri,
                    title: text(r, 2),
                    url: None,
                    created_at: None,
                    locked: false,
                }),
                None => Skipped::malformed(at, "thread without uri"),
            });
        }
        if n == 0 {
            self.phase = Phase::Comments;
            self.after = i64::MIN;
        }
        Ok(())
    }

    fn fetch_comments(&mut self) -> Result<(), TransferError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.tid, c.parent, c.created, c.modified, c.mode, c.text, c.author,
                        c.email, c.likes, c.dislikes, p.created
                 FROM comments c LEFT JOIN comments p ON p.id = c.parent
                 WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
            )
            .map_err(db)?;
        let mut rows = stmt.query(params![self.after, PAGE]).map_err(db)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(db)? {
            n += 1;
            let id: i64 = r.get(0).map_err(db)?;
            self.after = id;
            self.ready.push_back(comment(r, id));
        }
        if n == 0 {
            self.phase = Phase::Finished;
        }
        Ok(())
    }
}

/// A source reference unique across Isso databases: ids restart at 1 in each, creation times
/// to the microsecond practically never meet.
fn source_ref(id: i64, created: i64) -> String {
    format!("isso:{id}@{created}")
}

fn comment(r: &Row<'_>, id: i64) -> Entry {
    let at = Location::Row {
        table: "comments",
        id,
    };
    let Some(tid) = integer(r, 1) else {
        return Skipped::malformed(at, "comment without tid");
    };
    let Some(created) = real(r, 3).and_then(from_unix_seconds) else {
        return Skipped::malformed(at, "comment without a readable created time");
    };
    let parent = integer(r, 2).map(|p| match real(r, 11).and_then(from_unix_seconds) {
        Some(pc) => source_ref(p, pc),
        // The parent row is gone; keep a reference that will be reported as missing.
        None => format!("isso:{p}"),
    });
    let visibility = match integer(r, 5) {
        Some(1) => Visibility::Visible,
        Some(4) => Visibility::Deleted,
        _ => Visibility::Unapproved,
    };
    let author = text(r, 7);
    let identity = match (text(r, 8), &author) {
        (Some(email), _) => format!("isso:email:{}", email.to_lowercase()),
        (None, Some(name)) => format!("isso:name:{name}"),
        (None, None) => format!("isso:anonymous:{}", source_ref(id, created)),
    };
    let count = |i| {
        integer(r, i)
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0)
    };
    Entry::Comment(CommentEntry {
        at,
        source: Some(source_ref(id, created)),
        keep_id: None,
        thread: tid.to_string(),
        parent,
        author,
        identity: Identity::Key(identity),
        body: Body::Markdown(text(r, 6).unwrap_or_default()),
        created_at: created,
        edited_at: real(r, 4).and_then(from_unix_seconds),
        visibility,
        status: CommentStatus::Visible,
        pinned: false,
        upvotes: count(9),
        downvotes: count(10),
        email: None,
        restore: false,
    })
}

/// Isso's columns are loosely typed; these read what is there and give `None` otherwise.
fn text(r: &Row<'_>, i: usize) -> Option<String> {
    match r.get_ref(i).ok()? {
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            Some(String::from_utf8_lossy(t).trim().to_owned()).filter(|s| !s.is_empty())
        }
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Null => None,
    }
}

fn integer(r: &Row<'_>, i: usize) -> Option<i64> {
    match r.get_ref(i).ok()? {
        ValueRef::Integer(n) => Some(n),
        ValueRef::Real(f) if f.is_finite() => Some(f as i64),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn real(r: &Row<'_>, i: usize) -> Option<f64> {
    match r.get_ref(i).ok()? {
        ValueRef::Integer(n) => Some(n as f64),
        ValueRef::Real(f) => Some(f),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn db(e: rusqlite::Error) -> TransferError {
    TransferError::NotThisFormat(format!("reading the Isso database failed: {e}"))
}

impl EntrySource for IssoSource {
    fn next_entry(&mut self) -> Result<Option<Entry>, TransferError> {
        loop {
            if let Some(e) = self.ready.pop_front() {
                self.done += 1;
                return Ok(Some(e));
            }
            match self.phase {
                Phase::Threads => self.fetch_threads()?,
                Phase::Comments => self.fetch_comments()?,
                Phase::Finished => return Ok(None),
            }
        }
    }

    fn done(&self) -> u64 {
        self.done
    }

    fn total(&self) -> u64 {
        self.total
    }

    fn counts_bytes(&self) -> bool {
        false
    }
}
