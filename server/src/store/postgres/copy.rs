//! `talkback-server migrate`: copies a SQLite database into PostgreSQL with every id, tally,
//! event and the instance secret, so readers keep their tokens and avatars, and with all
//! moderation, sign-in and notification state (statuses, pins, locks, moderators, sessions,
//! reports, bans, the audit log, site accounts, subscriptions and the outbox), so that nothing
//! a moderator held back becomes visible by moving.
//!
//! Rows go in batches, each one `INSERT … SELECT FROM UNNEST(arrays)` that skips rows already
//! there: a run that stopped half-way can simply be run again. Before copying anything, every
//! column of the SQLite schema is checked against what this module copies, so a column added
//! later without teaching `migrate` about it stops the command instead of being lost.

mod tables;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params, params_from_iter};
use tokio_postgres::types::ToSql;

use super::{PostgresStore, col, db_error};
use crate::clock::now_micros;
use crate::store::StoreError;
use crate::store::sqlite::SqliteStore;
use tables::{NOT_COPIED, TABLES, copy_table, sequence_fixes};

/// Rows read and written per batch.
const BATCH: usize = 1000;

/// Tables copied by the hand-written loops below (ids and references need care there), with
/// every column they copy.
const HAND_COPIED: &[(&str, &[&str])] = &[
    ("settings", &["name", "value"]),
    (
        "readers",
        &["id", "token_hash", "created_at", "external_id"],
    ),
    (
        "threads",
        &[
            "id",
            "key",
            "title",
            "url",
            "created_at",
            "last_event",
            "locked",
        ],
    ),
    (
        "comments",
        &[
            "id",
            "thread_id",
            "parent_id",
            "reader_id",
            "author",
            "body_md",
            "body_html",
            "created_at",
            "deleted",
            "upvotes",
            "downvotes",
            "edited_at",
            "email",
            "client_token",
            "source",
            "pending_parent",
            "status",
            "pinned",
            "ip",
        ],
    ),
    ("votes", &["comment_id", "reader_id", "value"]),
    (
        "events",
        &["thread_id", "seq", "kind", "comment_id", "created_at"],
    ),
];

/// How many rows of each table the target holds after a copy, and how many this run added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyCounts {
    /// (table, rows added by this run, rows in the target now), in copy order.
    pub tables: Vec<(&'static str, u64, u64)>,
}

impl std::fmt::Display for CopyCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, added, total) in &self.tables {
            writeln!(f, "{table:>16}: {added} copied, {total} in the target")?;
        }
        Ok(())
    }
}

fn sqlite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(format!("reading the SQLite database: {e}"))
}

/// Copies everything from the SQLite file at `from` into `to`. The SQLite file is first
/// brought to the current schema (as the server would on start).
///
/// SQLite is read on the calling task: this is a one-off command, not a request handler.
pub async fn copy_from_sqlite(from: &Path, to: &PostgresStore) -> Result<CopyCounts, StoreError> {
    drop(SqliteStore::open(from)?);
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Database(format!("cannot open {}: {e}", from.display())))?;
    check_coverage(&src)?;
    let mut counts = CopyCounts::default();
    let client = to.client().await?;

    // The secret salts avatar seeds: keeping it keeps every reader's avatar.
    let settings: Vec<(String, String)> = {
        let mut stmt = src
            .prepare("SELECT name, value FROM settings")
            .map_err(sqlite_err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sqlite_err)?;
        rows.collect::<Result<_, _>>().map_err(sqlite_err)?
    };
    for (name, value) in &settings {
        client
            .execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[name, value],
            )
            .await
            .map_err(|e| db_error("cannot copy settings", &e))?;
    }

    let before = table_count(&client, "readers").await?;
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String, i64, Option<String>)> = query(
            &src,
            "SELECT id, token_hash, created_at, external_id FROM readers WHERE id > ?1
             ORDER BY id LIMIT ?2",
            params![after, BATCH as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut cols = (vec![], vec![], vec![], vec![]);
        for (id, hash, created, external) in rows {
            cols.0.push(id);
            cols.1.push(hash);
            cols.2.push(created);
            cols.3.push(external);
        }
        let ids = cols.0;
        // A row already there counts only if it is the same reader (the no-op update reports
        // it); anything else means the target holds another site. Site accounts keep their
        // external id, so a signed-in reader is the same reader after the move.
        let stored = insert(
            &client,
            "readers",
            "INSERT INTO readers (id, token_hash, created_at, external_id)
             SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[])
             ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash
                 WHERE readers.token_hash = excluded.token_hash",
            &[&ids, &cols.1, &cols.2, &cols.3],
        )
        .await?;
        same_site("readers", stored, ids.len())?;
    }
    counts.add("readers", before, table_count(&client, "readers").await?);

    let before = table_count(&client, "threads").await?;
    let mut after = 0i64;
    loop {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(i64, String, Option<String>, Option<String>, i64, i64, bool)> = query(
            &src,
            "SELECT id, key, title, url, created_at, last_event, locked FROM threads WHERE id > ?1
             ORDER BY id LIMIT ?2",
            params![after, BATCH as i64],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut cols = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for (id, key, title, url, created, last_event, locked) in rows {
            cols.0.push(id);
            cols.1.push(key);
            cols.2.push(title);
            cols.3.push(url);
            cols.4.push(created);
            cols.5.push(last_event);
            cols.6.push(locked);
        }
        let sent = cols.0.len();
        let stored = insert(
            &client,
            "threads",
            "INSERT INTO threads (id, key, title, url, created_at, last_event, locked)
             SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[],
                                  $6::BIGINT[], $7::BOOLEAN[])
             ON CONFLICT (id) DO UPDATE
                 SET last_event = GREATEST(threads.last_event, excluded.last_event)
                 WHERE threads.key = excluded.key",
            &[
                &cols.0, &cols.1, &cols.2, &cols.3, &cols.4, &cols.5, &cols.6,
            ],
        )
        .await?;
        same_site("threads", stored, sent)?;
    }
    counts.add("threads", before, table_count(&client, "threads").await?);

    let before = table_count(&client, "comments").await?;
    // Parents before replies, so that every reference is already there when a row arrives.
    let order: Vec<String> = query(
        &src,
        "WITH RECURSIVE d(id, depth) AS (
             SELECT id, 0 FROM comments WHERE parent_id IS NULL
             UNION ALL
             SELECT c.id, d.depth + 1 FROM comments c JOIN d ON c.parent_id = d.id)
         SELECT id FROM d ORDER BY depth, id",
        [],
        |r| r.get(0),
    )?;
    for chunk in order.chunks(BATCH) {
        copy_comments(&src, &client, chunk).await?;
    }
    counts.add("comments", before, table_count(&client, "comments").await?);

    let before = table_count(&client, "votes").await?;
    let mut after = (String::new(), 0i64);
    loop {
        let rows: Vec<(String, i64, i16)> = query(
            &src,
            "SELECT comment_id, reader_id, value FROM votes WHERE (comment_id, reader_id) > (?1, ?2)
             ORDER BY comment_id, reader_id LIMIT ?3",
            params![after.0, after.1, BATCH as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let Some(last) = rows.last() else { break };
        after = (last.0.clone(), last.1);
        let (comments, readers, values) = unzip3(rows);
        insert(
            &client,
            "votes",
            "INSERT INTO votes (comment_id, reader_id, value)
             SELECT * FROM UNNEST($1::TEXT[], $2::BIGINT[], $3::SMALLINT[]) ON CONFLICT DO NOTHING",
            &[&comments, &readers, &values],
        )
        .await?;
    }
    counts.add("votes", before, table_count(&client, "votes").await?);

    let before = table_count(&client, "events").await?;
    let mut after = (0i64, 0i64);
    loop {
        let rows: Vec<(i64, i64, String, String, i64)> = query(
            &src,
            "SELECT thread_id, seq, kind, comment_id, created_at FROM events
             WHERE (thread_id, seq) > (?1, ?2) ORDER BY thread_id, seq LIMIT ?3",
            params![after.0, after.1, BATCH as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let Some(last) = rows.last() else { break };
        after = (last.0, last.1);
        let mut cols = (vec![], vec![], vec![], vec![], vec![]);
        for (thread, seq, kind, comment, created) in rows {
            cols.0.push(thread);
            cols.1.push(seq);
            cols.2.push(kind);
            cols.3.push(comment);
            cols.4.push(created);
        }
        insert(
            &client,
            "events",
            "INSERT INTO events (thread_id, seq, kind, comment_id, created_at)
             SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[])
             ON CONFLICT DO NOTHING",
            &[&cols.0, &cols.1, &cols.2, &cols.3, &cols.4],
        )
        .await?;
    }
    counts.add("events", before, table_count(&client, "events").await?);

    let now = now_micros();
    for table in TABLES {
        let before = table_count(&client, table.name).await?;
        copy_table(&src, &client, table, now).await?;
        counts.add(table.name, before, table_count(&client, table.name).await?);
    }

    // Ids were copied as they were; new rows must be numbered after them.
    client
        .batch_execute(&sequence_fixes())
        .await
        .map_err(|e| db_error("cannot move the id sequences past the copied rows", &e))?;
    Ok(counts)
}

impl CopyCounts {
    fn add(&mut self, table: &'static str, before: i64, after: i64) {
        let added = u64::try_from(after - before).unwrap_or(0);
        self.tables
            .push((table, added, u64::try_from(after).unwrap_or(0)));
    }
}

/// Copies the comments with these ids in one statement.
async fn copy_comments(
    src: &Connection,
    client: &tokio_postgres::Client,
    ids: &[String],
) -> Result<(), StoreError> {
    let marks = vec!["?"; ids.len()].join(",");
    let sql = format!(
        "SELECT id, thread_id, parent_id, reader_id, author, body_md, body_html, created_at,
                deleted, upvotes, downvotes, edited_at, email, client_token, source, pending_parent,
                status, pinned, ip
         FROM comments WHERE id IN ({marks})"
    );
    let mut stmt = src.prepare(&sql).map_err(sqlite_err)?;
    let mut rows = stmt.query(params_from_iter(ids)).map_err(sqlite_err)?;
    let mut id = vec![];
    let mut thread = vec![];
    let mut parent: Vec<Option<String>> = vec![];
    let mut reader = vec![];
    let mut author: Vec<Option<String>> = vec![];
    let mut md: Vec<String> = vec![];
    let mut html: Vec<String> = vec![];
    let mut created = vec![];
    let mut deleted: Vec<bool> = vec![];
    let mut up = vec![];
    let mut down = vec![];
    let mut edited: Vec<Option<i64>> = vec![];
    let mut email: Vec<Option<String>> = vec![];
    let mut token: Vec<Option<String>> = vec![];
    let mut source: Vec<Option<String>> = vec![];
    let mut pending: Vec<Option<String>> = vec![];
    let mut status: Vec<String> = vec![];
    let mut pinned: Vec<bool> = vec![];
    let mut ip: Vec<Option<String>> = vec![];
    while let Some(r) = rows.next().map_err(sqlite_err)? {
        id.push(r.get::<_, String>(0).map_err(sqlite_err)?);
        thread.push(r.get::<_, i64>(1).map_err(sqlite_err)?);
        parent.push(r.get(2).map_err(sqlite_err)?);
        reader.push(r.get::<_, i64>(3).map_err(sqlite_err)?);
        author.push(r.get(4).map_err(sqlite_err)?);
        md.push(r.get(5).map_err(sqlite_err)?);
        html.push(r.get(6).map_err(sqlite_err)?);
        created.push(r.get::<_, i64>(7).map_err(sqlite_err)?);
        deleted.push(r.get(8).map_err(sqlite_err)?);
        up.push(r.get::<_, i64>(9).map_err(sqlite_err)?);
        down.push(r.get::<_, i64>(10).map_err(sqlite_err)?);
        edited.push(r.get(11).map_err(sqlite_err)?);
        email.push(r.get(12).map_err(sqlite_err)?);
        token.push(r.get(13).map_err(sqlite_err)?);
        source.push(r.get(14).map_err(sqlite_err)?);
        pending.push(r.get(15).map_err(sqlite_err)?);
        status.push(r.get(16).map_err(sqlite_err)?);
        pinned.push(r.get(17).map_err(sqlite_err)?);
        ip.push(r.get(18).map_err(sqlite_err)?);
    }
    insert(
        client,
        "comments",
        "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                               created_at, deleted, upvotes, downvotes, edited_at, email,
                               client_token, source, pending_parent, status, pinned, ip)
         SELECT * FROM UNNEST($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::BIGINT[], $5::TEXT[],
                              $6::TEXT[], $7::TEXT[], $8::BIGINT[], $9::BOOLEAN[], $10::BIGINT[],
                              $11::BIGINT[], $12::BIGINT[], $13::TEXT[], $14::TEXT[], $15::TEXT[],
                              $16::TEXT[], $17::TEXT[], $18::BOOLEAN[], $19::TEXT[])
         ON CONFLICT DO NOTHING",
        &[
            &id, &thread, &parent, &reader, &author, &md, &html, &created, &deleted, &up, &down,
            &edited, &email, &token, &source, &pending, &status, &pinned, &ip,
        ],
    )
    .await
    .map(drop)
}

/// Refuses to copy a SQLite file with a column this module would not copy and has not
/// decided to leave behind: a schema step added without teaching `migrate` would otherwise lose
/// that column silently (as moderation state once was).
fn check_coverage(src: &Connection) -> Result<(), StoreError> {
    let tables: Vec<String> = query(
        src,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
        [],
        |r| r.get(0),
    )?;
    let mut missing = Vec::new();
    for table in tables {
        if NOT_COPIED.iter().any(|(t, _)| *t == table) {
            continue;
        }
        let copied: Vec<&str> = HAND_COPIED
            .iter()
            .filter(|(t, _)| *t == table)
            .flat_map(|(_, cols)| cols.iter().copied())
            .chain(
                TABLES
                    .iter()
                    .filter(|t| t.name == table)
                    .flat_map(|t| t.columns.iter().map(|c| c.0)),
            )
            .collect();
        let columns: Vec<String> = query(
            src,
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
            [&table],
            |r| r.get(0),
        )?;
        missing.extend(
            columns
                .into_iter()
                .filter(|c| !copied.contains(&c.as_str()))
                .map(|c| format!("{table}.{c}")),
        );
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Database(format!(
            "nothing was copied: this talkback-server does not know how to copy {} from SQLite to \
             PostgreSQL (a bug: report it with this message)",
            missing.join(", ")
        )))
    }
}

/// Reads all rows of a SQLite query.
fn query<T, P: rusqlite::Params>(
    src: &Connection,
    sql: &str,
    params: P,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = src.prepare(sql).map_err(sqlite_err)?;
    let rows = stmt.query_map(params, map).map_err(sqlite_err)?;
    rows.collect::<Result<_, _>>().map_err(sqlite_err)
}

/// Fails when fewer rows were written or matched than sent: rows with the same id but other
/// content are already in the target.
fn same_site(table: &str, stored: u64, sent: usize) -> Result<(), StoreError> {
    if stored == sent as u64 {
        Ok(())
    } else {
        Err(StoreError::Database(format!(
            "cannot copy {table}: the target holds different {table} under the same ids; migrate into an empty database"
        )))
    }
}

/// Runs one batch insert, naming the table in the error; a clash on a key that is not the
/// row's id means the target already holds other data. Returns the rows written or updated.
async fn insert(
    client: &tokio_postgres::Client,
    table: &str,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, StoreError> {
    client.execute(sql, params).await.map_err(|e| {
        db_error(
            &format!(
                "cannot copy {table} (the target must be empty or hold an earlier copy of this same database)"
            ),
            &e,
        )
    })
}

async fn table_count(client: &tokio_postgres::Client, table: &str) -> Result<i64, StoreError> {
    let row = client
        .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .await
        .map_err(|e| db_error(&format!("cannot count {table}"), &e))?;
    col(&row, 0)
}

fn unzip3<A, B, C>(rows: Vec<(A, B, C)>) -> (Vec<A>, Vec<B>, Vec<C>) {
    let mut out = (
        Vec::with_capacity(rows.len()),
        Vec::with_capacity(rows.len()),
        Vec::with_capacity(rows.len()),
    );
    for (a, b, c) in rows {
        out.0.push(a);
        out.1.push(b);
        out.2.push(c);
    }
    out
}
