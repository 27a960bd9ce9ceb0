//! The SQLite store: one file, WAL mode, schema migrated on open.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rand::RngCore;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use talkback_protocol::Vote;

use super::sqlite_transfer;
use super::{
    BatchOutcome, CommentRow, EditGrant, EventKind, EventRow, ExportedComment, ExportedThread,
    ImportBatch, ImportThread, InsertComment, Linking, Posted, ReaderId, Store, StoreError,
    Tallies, ThreadId, ThreadRow, Wakeup,
};
use crate::clock::now_micros;
use crate::tree::Node;

/// Schema steps; `PRAGMA user_version` records how many have been applied. Never edit a step
/// that has shipped: databases in the field have run it; add a new one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE readers (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE threads (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    title      TEXT,
    url        TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE comments (
    id         TEXT PRIMARY KEY,
    thread_id  INTEGER NOT NULL REFERENCES threads(id),
    parent_id  TEXT REFERENCES comments(id),
    reader_id  INTEGER NOT NULL REFERENCES readers(id),
    author     TEXT,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    upvotes    INTEGER NOT NULL DEFAULT 0,
    downvotes  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_by_thread ON comments(thread_id, created_at, id);
CREATE INDEX comments_by_parent ON comments(parent_id, created_at, id);
CREATE TABLE votes (
    comment_id TEXT NOT NULL REFERENCES comments(id),
    reader_id  INTEGER NOT NULL REFERENCES readers(id),
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    PRIMARY KEY (comment_id, reader_id)
) WITHOUT ROWID;
"#,
    // Editing, reply-notification addresses and idempotent posts.
    r#"
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
ALTER TABLE comments ADD COLUMN email TEXT;
ALTER TABLE comments ADD COLUMN client_token TEXT;
CREATE UNIQUE INDEX comments_by_client_token ON comments(reader_id, client_token)
    WHERE client_token IS NOT NULL;
"#,
    // Imports: where a comment came from (unique, so a second run writes nothing twice) and a
    // parent reference still waiting for its comment.
    r#"
ALTER TABLE comments ADD COLUMN source TEXT;
ALTER TABLE comments ADD COLUMN pending_parent TEXT;
CREATE UNIQUE INDEX comments_by_source ON comments(source) WHERE source IS NOT NULL;
CREATE INDEX comments_waiting_for_parent ON comments(pending_parent)
    WHERE pending_parent IS NOT NULL;
"#,
    // Live updates: each thread's changes, numbered per thread, for readers catching up.
    r#"
ALTER TABLE threads ADD COLUMN last_event INTEGER NOT NULL DEFAULT 0;
CREATE TABLE events (
    thread_id  INTEGER NOT NULL REFERENCES threads(id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (thread_id, seq)
) WITHOUT ROWID;
"#,
    // Moderation (store/moderation.rs): comment status and pins, the address a comment came
    // from, locked threads, moderators and their sessions, failed sign-ins, reports, bans and
    // the audit log.
    r#"
ALTER TABLE comments ADD COLUMN status TEXT NOT NULL DEFAULT 'visible';
ALTER TABLE comments ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN ip TEXT;
CREATE INDEX comments_by_status ON comments(status, created_at) WHERE status <> 'visible';
ALTER TABLE threads ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE moderators (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE mod_sessions (
    token_hash   TEXT PRIMARY KEY,
    moderator_id INTEGER NOT NULL REFERENCES moderators(id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sign_in_failures (
    name TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_name ON sign_in_failures(name, at);
CREATE TABLE reports (
    comment_id TEXT NOT NULL REFERENCES comments(id),
    reader_id  INTEGER NOT NULL REFERENCES readers(id),
    reason     TEXT NOT NULL,
    note       TEXT,
    created_at INTEGER NOT NULL,
    dismissed  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (comment_id, reader_id)
) WITHOUT ROWID;
CREATE TABLE bans (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    reader_id   INTEGER REFERENCES readers(id),
    comment_id  TEXT,
    ip_range    TEXT,
    range_shown INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    reason      TEXT,
    lifted_at   INTEGER
);
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    moderator   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT,
    reason      TEXT,
    created_at  INTEGER NOT NULL
);
"#,
    // Abuse limits (store/limits.rs): fixed-window counters and short-lived marks of recent
    // posts, shared by everything that uses this file.
    r#"
CREATE TABLE limit_counters (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limit_counters_expiry ON limit_counters(expires_at);
CREATE TABLE limit_marks (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limit_marks_expiry ON limit_marks(expires_at);
"#,
    // Sign-in through the site (one reader per site account) and reply notifications
    // (confirmed addresses, the outbox); see store/identity.rs and store/notify.rs.
    r#"
ALTER TABLE readers ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX readers_by_external_id ON readers(external_id) WHERE external_id IS NOT NULL;
CREATE TABLE notify_addresses (
    email             TEXT PRIMARY KEY,
    confirm_token     TEXT NOT NULL UNIQUE,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL,
    confirm_sent_at   INTEGER NOT NULL,
    confirmed_at      INTEGER,
    unsubscribed_at   INTEGER
);
CREATE TABLE notify_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    unsubscribe_url TEXT,
    created_at      INTEGER NOT NULL,
    next_try_at     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX notify_outbox_due ON notify_outbox(next_try_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
"#,
];

/// The columns [`comment_row`] reads, in its order.
const COMMENT_COLUMNS: &str =
    "c.id, c.parent_id, c.reader_id, c.author, c.body_html, c.created_at, c.edited_at,
     c.deleted, c.upvotes, c.downvotes";

/// SQLite allows at most 999 bound parameters in older builds; stay well below.
const IN_CHUNK: usize = 400;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// A [`Store`] on one SQLite file, shared through a single serialized connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// One file has one writer process, so nudges stay in this process.
    pub(super) wake: tokio::sync::broadcast::Sender<Wakeup>,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Database(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            eprintln!(
                "talkback-server: {} does not support WAL mode (got {mode}); continuing",
                path.display()
            );
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut conn = conn;
        migrate(&mut conn)?;
        let secret = random_hex(16);
        conn.execute(
            "INSERT OR IGNORE INTO settings (name, value) VALUES ('instance_secret', ?1)",
            [secret],
        )?;
        let (wake, _) = tokio::sync::broadcast::channel(256);
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            wake,
        })
    }

    /// Runs `f` on the connection off the async runtime.
    pub(super) async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no half-written state (transactions roll back
            // on drop), so a poisoned lock is safe to keep using.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Database(format!("store task failed: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Database(format!(
            "the database has schema version {version}, newer than this server knows ({known}); upgrade talkback-server"
        )));
    }
    for (step, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (step + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads [`COMMENT_COLUMNS`] and then the asking reader's vote, if `with_vote`.
fn comment_row(r: &rusqlite::Row<'_>, with_vote: bool) -> rusqlite::Result<CommentRow> {
    Ok(CommentRow {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        reader_id: r.get(2)?,
        author: r.get(3)?,
        body_html: r.get(4)?,
        created_at: r.get(5)?,
        edited_at: r.get(6)?,
        deleted: r.get(7)?,
        upvotes: to_u64(r.get(8)?),
        downvotes: to_u64(r.get(9)?),
        my_vote: if with_vote {
            vote_of(r.get(10)?)
        } else {
            Vote::None
        },
        verified: false,
    })
}

pub(super) fn thread_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ThreadRow> {
    Ok(ThreadRow {
        id: r.get(0)?,
        key: r.get(1)?,
        title: r.get(2)?,
        url: r.get(3)?,
        comment_count: to_u64(r.get(4)?),
        locked: r.get(5)?,
        last_event: r.get(6)?,
    })
}

/// Selects a thread with its visible comment count; append the `WHERE`.
pub(super) const THREAD_SELECT: &str = "SELECT t.id, t.key, t.title, t.url,
        (SELECT COUNT(*) FROM comments WHERE thread_id = t.id AND deleted = 0 AND status = 'visible'),
        t.locked, t.last_event
 FROM threads t";

/// Loads a comment (with the given reader's vote) inside a transaction or connection.
fn load_comment(
    conn: &Connection,
    id: &str,
    reader: ReaderId,
) -> Result<Option<CommentRow>, StoreError> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS}, COALESCE(v.value, 0) FROM comments c
         LEFT JOIN votes v ON v.comment_id = c.id AND v.reader_id = ?2 WHERE c.id = ?1"
    );
    Ok(conn
        .query_row(&sql, params![id, reader], |r| comment_row(r, true))
        .optional()?)
}

/// Checks that `grant` allows changing the comment: it exists, is not deleted, is the reader's
/// own and is inside the edit window.
fn check_grant(conn: &Connection, id: &str, grant: EditGrant) -> Result<(), StoreError> {
    let found: Option<(ReaderId, i64, bool)> = conn
        .query_row(
            "SELECT reader_id, created_at, deleted FROM comments WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match found {
        None => Err(StoreError::CommentNotFound),
        Some((_, _, true)) => Err(StoreError::CommentDeleted),
        Some((owner, _, _)) if owner != grant.reader => Err(StoreError::NotYours),
        Some((_, created, _)) if !grant.open_for(created) => Err(StoreError::EditWindowClosed {
            window_secs: grant.window_secs,
        }),
        Some(_) => Ok(()),
    }
}

/// Appends an event to the thread's sequence inside the caller's transaction.
pub(super) fn record_event(
    conn: &Connection,
    thread: ThreadId,
    kind: EventKind,
    comment_id: &str,
) -> Result<(), StoreError> {
    let seq: i64 = conn.query_row(
        "UPDATE threads SET last_event = last_event + 1 WHERE id = ?1 RETURNING last_event",
        [thread],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO events (thread_id, seq, kind, comment_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![thread, seq, kind.as_str(), comment_id, now_micros()],
    )?;
    Ok(())
}

/// The thread of a comment, inside the caller's transaction.
fn thread_id_of(conn: &Connection, comment_id: &str) -> Result<ThreadId, StoreError> {
    conn.query_row(
        "SELECT thread_id FROM comments WHERE id = ?1",
        [comment_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::CommentNotFound)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn vote_of(v: i64) -> Vote {
    match v {
        1 => Vote::Up,
        -1 => Vote::Down,
        _ => Vote::None,
    }
}

/// Creates the thread or fills in a title/URL it lacked; returns its id.
fn upsert_thread(
    conn: &Connection,
    key: &str,
    title: Option<&str>,
    url: Option<&str>,
) -> Result<ThreadId, StoreError> {
    Ok(conn.query_row(
        "INSERT INTO threads (key, title, url, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(key) DO UPDATE SET title = COALESCE(threads.title, excluded.title),
                                        url = COALESCE(threads.url, excluded.url)
         RETURNING id",
        params![key, title, url, now_micros()],
        |r| r.get(0),
    )?)
}

#[async_trait]
impl Store for SqliteStore {
    async fn instance_secret(&self) -> Result<String, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT value FROM settings WHERE name = 'instance_secret'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn create_reader(&self, token_hash: String) -> Result<ReaderId, StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO readers (token_hash, created_at) VALUES (?1, ?2)",
                params![token_hash, now_micros()],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    async fn find_reader(&self, token_hash: String) -> Result<Option<ReaderId>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT id FROM readers WHERE token_hash = ?1",
                [token_hash],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn thread_by_key(&self, key: String) -> Result<Option<ThreadRow>, StoreError> {
        self.with(move |c| {
            let sql = format!("{THREAD_SELECT} WHERE t.key = ?1");
            Ok(c.query_row(&sql, [key], thread_row).optional()?)
        })
        .await
    }

    async fn thread_by_id(&self, id: ThreadId) -> Result<Option<ThreadRow>, StoreError> {
        self.with(move |c| {
            let sql = format!("{THREAD_SELECT} WHERE t.id = ?1");
            Ok(c.query_row(&sql, [id], thread_row).optional()?)
        })
        .await
    }

    async fn thread_of_comment(&self, comment_id: String) -> Result<Option<ThreadId>, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT thread_id FROM comments WHERE id = ?1",
                [comment_id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn skeleton(&self, thread: ThreadId) -> Result<Vec<Node>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, parent_id, created_at, deleted, upvotes, downvotes, status, pinned, reader_id
                 FROM comments WHERE thread_id = ?1",
            )?;
            let rows = stmt.query_map([thread], |r| {
                Ok(Node {
                    id: r.get(0)?,
                    parent: r.get(1)?,
                    created_at: r.get(2)?,
                    deleted: r.get(3)?,
                    upvotes: to_u64(r.get(4)?),
                    downvotes: to_u64(r.get(5)?),
                    status: crate::tree::status_of(&r.get::<_, String>(6)?),
                    pinned: r.get(7)?,
                    reader: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn comments(
        &self,
        ids: Vec<String>,
        reader: Option<ReaderId>,
    ) -> Result<Vec<CommentRow>, StoreError> {
        self.with(move |c| {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(IN_CHUNK) {
                let marks = vec!["?"; chunk.len()].join(",");
                let sql = format!(
                    "SELECT {COMMENT_COLUMNS}, COALESCE(v.value, 0)
                     FROM comments c
                     LEFT JOIN votes v ON v.comment_id = c.id AND v.reader_id = ?
                     WHERE c.id IN ({marks})"
                );
                let mut args = vec![Value::Integer(reader.unwrap_or(-1))];
                args.extend(chunk.iter().map(|id| Value::Text(id.clone())));
                let mut stmt = c.prepare(&sql)?;
                let rows = stmt.query_map(params_from_iter(args), |r| comment_row(r, true))?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn insert_comment(&self, new: InsertComment) -> Result<Posted, StoreError> {
        let wake = self.wake.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(token) = &new.client_token {
                let earlier: Option<String> = tx
                    .query_row(
                        "SELECT id FROM comments WHERE reader_id = ?1 AND client_token = ?2",
                        params![new.reader_id, token],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = earlier {
                    let row = load_comment(&tx, &id, new.reader_id)?.ok_or(StoreError::CommentNotFound)?;
                    return Ok(Posted { row, created: false });
                }
            }
            if let Some(parent) = &new.parent_id {
                let found: Option<(String, bool)> = tx
                    .query_row(
                        "SELECT t.key, c.deleted FROM comments c JOIN threads t ON t.id = c.thread_id
                         WHERE c.id = ?1",
                        [parent],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                match found {
                    None => return Err(StoreError::ParentNotFound),
                    Some((key, _)) if key != new.thread_key => return Err(StoreError::ParentInOtherThread),
                    Some((_, true)) => return Err(StoreError::ParentDeleted),
                    Some(_) => {}
                }
            }
            let thread_id = upsert_thread(&tx, &new.thread_key, new.title.as_deref(), new.url.as_deref())?;
            tx.execute(
                "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html, created_at,
                                       email, client_token, status, ip)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    new.id,
                    thread_id,
                    new.parent_id,
                    new.reader_id,
                    new.author,
                    new.body_md,
                    new.body_html,
                    new.created_at,
                    new.email,
                    new.client_token,
                    new.status.as_str(),
                    new.ip
                ],
            )?;
            record_event(&tx, thread_id, EventKind::Posted, &new.id)?;
            tx.commit()?;
            nudge(&wake, thread_id);
            let row = CommentRow {
                id: new.id,
                parent_id: new.parent_id,
                reader_id: new.reader_id,
                author: new.author,
                body_html: new.body_html,
                created_at: new.created_at,
                edited_at: None,
                deleted: false,
                upvotes: 0,
                downvotes: 0,
                my_vote: Vote::None,
                verified: false,
            };
            Ok(Posted { row, created: true })
        })
        .await
    }

    async fn edit_comment(
        &self,
        comment_id: String,
        grant: EditGrant,
        body_md: String,
        body_html: String,
    ) -> Result<CommentRow, StoreError> {
        let wake = self.wake.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            check_grant(&tx, &comment_id, grant)?;
            tx.execute(
                "UPDATE comments SET body_md = ?1, body_html = ?2, edited_at = ?3 WHERE id = ?4",
                params![body_md, body_html, grant.now, comment_id],
            )?;
            let row =
                load_comment(&tx, &comment_id, grant.reader)?.ok_or(StoreError::CommentNotFound)?;
            let thread = thread_id_of(&tx, &comment_id)?;
            record_event(&tx, thread, EventKind::Edited, &comment_id)?;
            tx.commit()?;
            nudge(&wake, thread);
            Ok(row)
        })
        .await
    }

    async fn delete_comment(&self, comment_id: String, grant: EditGrant) -> Result<(), StoreError> {
        let wake = self.wake.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            check_grant(&tx, &comment_id, grant)?;
            // The words, the name and the address go; the row stays as the parent of any replies.
            tx.execute(
                "UPDATE comments SET deleted = 1, author = NULL, body_md = '', body_html = '', email = NULL,
                                    ip = NULL
                 WHERE id = ?1",
                [&comment_id],
            )?;
            let thread = thread_id_of(&tx, &comment_id)?;
            record_event(&tx, thread, EventKind::Deleted, &comment_id)?;
            tx.commit()?;
            nudge(&wake, thread);
            Ok(())
        })
        .await
    }

    async fn set_vote(
        &self,
        comment_id: String,
        reader: ReaderId,
        vote: Vote,
    ) -> Result<Tallies, StoreError> {
        let wake = self.wake.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found: Option<(bool, String)> = tx
                .query_row("SELECT deleted, status FROM comments WHERE id = ?1", [&comment_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match found {
                None => return Err(StoreError::CommentNotFound),
                Some((true, _)) => return Err(StoreError::CommentDeleted),
                Some((false, status)) => super::not_published(&status)?,
            }
            let old: i64 = tx
                .query_row(
                    "SELECT value FROM votes WHERE comment_id = ?1 AND reader_id = ?2",
                    params![comment_id, reader],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0);
            let new = i64::from(vote.as_i8());
            if new == 0 {
                tx.execute("DELETE FROM votes WHERE comment_id = ?1 AND reader_id = ?2", params![comment_id, reader])?;
            } else {
                tx.execute(
                    "INSERT INTO votes (comment_id, reader_id, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT(comment_id, reader_id) DO UPDATE SET value = excluded.value",
                    params![comment_id, reader, new],
                )?;
            }
            // Adjust by the difference rather than recount: imported tallies have no vote rows.
            let up_delta = i64::from(new == 1) - i64::from(old == 1);
            let down_delta = i64::from(new == -1) - i64::from(old == -1);
            let (up, down): (i64, i64) = tx.query_row(
                "UPDATE comments SET upvotes = MAX(upvotes + ?1, 0), downvotes = MAX(downvotes + ?2, 0)
                 WHERE id = ?3 RETURNING upvotes, downvotes",
                params![up_delta, down_delta, comment_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let thread = thread_id_of(&tx, &comment_id)?;
            if new != old {
                record_event(&tx, thread, EventKind::Voted, &comment_id)?;
            }
            tx.commit()?;
            if new != old {
                nudge(&wake, thread);
            }
            Ok(Tallies { upvotes: to_u64(up), downvotes: to_u64(down) })
        })
        .await
    }

    async fn counts(&self, keys: Vec<String>) -> Result<HashMap<String, u64>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT COUNT(*) FROM comments c JOIN threads t ON t.id = c.thread_id
                 WHERE t.key = ?1 AND c.deleted = 0 AND c.status = 'visible'",
            )?;
            let mut out = HashMap::new();
            for key in keys {
                let n: i64 = stmt.query_row([&key], |r| r.get(0))?;
                out.insert(key, to_u64(n));
            }
            Ok(out)
        })
        .await
    }

    async fn import_thread(&self, thread: ImportThread) -> Result<usize, StoreError> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let thread_id = upsert_thread(&tx, &thread.key, thread.title.as_deref(), thread.url.as_deref())?;
            let existing: i64 =
                tx.query_row("SELECT COUNT(*) FROM comments WHERE thread_id = ?1", [thread_id], |r| r.get(0))?;
            if existing > 0 {
                return Ok(0);
            }
            let now = now_micros();
            let mut readers = Vec::with_capacity(thread.reader_token_hashes.len());
            for hash in &thread.reader_token_hashes {
                tx.execute("INSERT INTO readers (token_hash, created_at) VALUES (?1, ?2)", params![hash, now])?;
                readers.push(tx.last_insert_rowid());
            }
            for ic in &thread.comments {
                let reader = readers.get(ic.reader).copied().ok_or_else(|| {
                    StoreError::Database(format!("imported comment {} names reader #{} that was not given", ic.id, ic.reader))
                })?;
                tx.execute(
                    "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                                           created_at, deleted, upvotes, downvotes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        ic.id,
                        thread_id,
                        ic.parent_id,
                        reader,
                        ic.author,
                        ic.body_md,
                        ic.body_html,
                        ic.created_at,
                        ic.deleted,
                        i64::try_from(ic.upvotes).unwrap_or(i64::MAX),
                        i64::try_from(ic.downvotes).unwrap_or(i64::MAX)
                    ],
                )?;
            }
            tx.commit()?;
            Ok(thread.comments.len())
        })
        .await
    }

    async fn import_batch(&self, batch: ImportBatch) -> Result<BatchOutcome, StoreError> {
        self.with(move |c| sqlite_transfer::import_batch(c, batch))
            .await
    }

    async fn link_imported(
        &self,
        source_prefix: Option<String>,
        list_max: usize,
    ) -> Result<Linking, StoreError> {
        self.with(move |c| sqlite_transfer::link_imported(c, source_prefix.as_deref(), list_max))
            .await
    }

    async fn export_threads(
        &self,
        after: ThreadId,
        limit: usize,
    ) -> Result<Vec<ExportedThread>, StoreError> {
        self.with(move |c| sqlite_transfer::export_threads(c, after, limit))
            .await
    }

    async fn export_comments(&self, thread: ThreadId) -> Result<Vec<ExportedComment>, StoreError> {
        self.with(move |c| sqlite_transfer::export_comments(c, thread))
            .await
    }

    async fn events_after(
        &self,
        thread: ThreadId,
        after: i64,
        limit: usize,
    ) -> Result<Vec<EventRow>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, kind, comment_id FROM events WHERE thread_id = ?1 AND seq > ?2
                 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![thread, after, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, kind, comment_id) = row?;
                // A kind written by a newer server is skipped rather than failing the stream.
                if let Some(kind) = EventKind::parse(&kind) {
                    out.push(EventRow {
                        seq,
                        kind,
                        comment_id,
                    });
                }
            }
            Ok(out)
        })
        .await
    }

    async fn last_event(&self, thread: ThreadId) -> Result<i64, StoreError> {
        self.with(move |c| {
            Ok(c.query_row(
                "SELECT last_event FROM threads WHERE id = ?1",
                [thread],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
        })
        .await
    }

    fn wakeups(&self) -> tokio::sync::broadcast::Receiver<Wakeup> {
        self.wake.subscribe()
    }
}

/// Tells subscribers a thread changed; having none is fine.
pub(super) fn nudge(wake: &tokio::sync::broadcast::Sender<Wakeup>, thread: ThreadId) {
    let _ = wake.send(Wakeup::Thread(thread));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{EditGrant, InsertComment};

    fn insert(id: &str, reader: ReaderId, token: Option<&str>) -> InsertComment {
        InsertComment {
            id: id.into(),
            thread_key: "t".into(),
            title: None,
            url: None,
            parent_id: None,
            reader_id: reader,
            author: None,
            body_md: "new".into(),
            body_html: "<p>new</p>".into(),
            created_at: now_micros(),
            email: Some("a@example.org".into()),
            client_token: token.map(Into::into),
            status: Default::default(),
            ip: None,
        }
    }

    /// A database written by the first release (schema 1) opens, upgrades in place and keeps
    /// its comments; the new columns and the per-reader idempotency index then work.
    #[tokio::test]
    async fn a_foundation_database_is_upgraded_in_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
            conn.pragma_update(None, "user_version", 1)
                .expect("version");
            conn.execute_batch(
                "INSERT INTO readers (id, token_hash, created_at) VALUES (1, 'h', 0);
                 INSERT INTO threads (id, key, created_at) VALUES (1, 't', 0);
                 INSERT INTO comments (id, thread_id, reader_id, body_md, body_html, created_at)
                 VALUES ('old', 1, 1, 'hi', '<p>hi</p>', 5);",
            )
            .expect("old rows");
        }
        let store = SqliteStore::open(&path).expect("upgrade");
        let version: i64 = store
            .with(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .await
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let old = store
            .comments(vec!["old".into()], None)
            .await
            .expect("read");
        assert_eq!(
            old.first().map(|r| (r.body_html.as_str(), r.edited_at)),
            Some(("<p>hi</p>", None))
        );

        let first = store
            .insert_comment(insert("n1", 1, Some("k")))
            .await
            .expect("insert");
        let again = store
            .insert_comment(insert("n2", 1, Some("k")))
            .await
            .expect("repeat");
        assert!(first.created && !again.created);
        assert_eq!(again.row.id, "n1");
        let count: i64 = store
            .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM comments", [], |r| r.get(0))?))
            .await
            .expect("count");
        assert_eq!(count, 2);

        let grant = EditGrant {
            reader: 1,
            now: now_micros(),
            window_secs: 60,
        };
        let edited = store
            .edit_comment("n1".into(), grant, "x".into(), "<p>x</p>".into())
            .await
            .expect("edit");
        assert_eq!(edited.edited_at, Some(grant.now));
        let too_old = store
            .edit_comment("old".into(), grant, "x".into(), "<p>x</p>".into())
            .await;
        assert!(matches!(
            too_old,
            Err(StoreError::EditWindowClosed { window_secs: 60 })
        ));
        let stranger = EditGrant { reader: 2, ..grant };
        assert!(matches!(
            store.delete_comment("n1".into(), stranger).await,
            Err(StoreError::NotYours)
        ));
    }

    /// A database of the previous release (schema 2) gains the import columns in place, and an
    /// import into it is idempotent: the source key is unique.
    #[tokio::test]
    async fn a_schema_2_database_takes_imports_after_upgrade() {
        use crate::store::{ImportBatch, ImportedComment, ImportedThread};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v2.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
            conn.execute_batch(MIGRATIONS[1]).expect("schema 2");
            conn.pragma_update(None, "user_version", 2)
                .expect("version");
        }
        let store = SqliteStore::open(&path).expect("upgrade");
        let batch = |id: &str| ImportBatch {
            threads: vec![ImportedThread {
                key: "k".into(),
                title: None,
                url: None,
                created_at: 1,
                locked: false,
            }],
            comments: vec![ImportedComment {
                thread: 0,
                id: id.into(),
                source: Some("disqus:1".into()),
                parent: None,
                reader_key: "import:x".into(),
                author: None,
                body_md: "hi".into(),
                body_html: "<p>hi</p>".into(),
                created_at: 2,
                edited_at: None,
                deleted: false,
                upvotes: 0,
                downvotes: 0,
                email: None,
                status: talkback_protocol::CommentStatus::Visible,
                pinned: false,
            }],
        };
        let first = store.import_batch(batch("a1")).await.expect("first");
        let again = store.import_batch(batch("a2")).await.expect("again");
        assert_eq!((first.written, again.written, again.present), (1, 0, 1));
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("new.db");
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
        drop(conn);
        assert!(
            matches!(SqliteStore::open(&path), Err(StoreError::Database(m)) if m.contains("newer"))
        );
    }
}
