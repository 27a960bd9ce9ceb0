//! Imports and exports on the SQLite store: batch writes that skip what is already stored,
//! late parent linking, and reading threads back in a restorable order.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::transfer::{
    BatchOutcome, ExportedComment, ExportedThread, ImportBatch, Linking, Orphan, parents_first,
};
use super::{StoreError, ThreadId};
use crate::clock::now_micros;
use crate::tree::status_of;

/// Writes one batch in a single transaction.
pub(super) fn import_batch(
    conn: &mut Connection,
    batch: ImportBatch,
) -> Result<BatchOutcome, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut thread_ids = Vec::with_capacity(batch.threads.len());
    for t in &batch.threads {
        let id: ThreadId = tx.query_row(
            "INSERT INTO threads (key, title, url, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET title = COALESCE(threads.title, excluded.title),
                                            url = COALESCE(threads.url, excluded.url)
             RETURNING id",
            params![t.key, t.title, t.url, t.created_at],
            |r| r.get(0),
        )?;
        if t.locked {
            tx.execute("UPDATE threads SET locked = 1 WHERE id = ?1", [id])?;
        }
        thread_ids.push(id);
    }
    let mut readers: HashMap<String, i64> = HashMap::new();
    let mut outcome = BatchOutcome::default();
    let now = now_micros();
    {
        let mut find_parent = tx.prepare_cached(
            "SELECT id, thread_id, pending_parent IS NULL FROM comments WHERE source = ?1
             UNION ALL
             SELECT id, thread_id, pending_parent IS NULL FROM comments WHERE id = ?1
             LIMIT 1",
        )?;
        let mut reader_stmt = tx.prepare_cached(
            "INSERT INTO readers (token_hash, created_at) VALUES (?1, ?2)
             ON CONFLICT(token_hash) DO UPDATE SET token_hash = excluded.token_hash
             RETURNING id",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                                   created_at, edited_at, deleted, upvotes, downvotes, email,
                                   source, pending_parent, status, pinned)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT DO NOTHING",
        )?;
        for c in batch.comments {
            let thread_id = thread_ids.get(c.thread).copied().ok_or_else(|| {
                StoreError::Database(format!(
                    "imported comment {} names thread #{} that the batch does not hold",
                    c.id, c.thread
                ))
            })?;
            // A parent is linked at once only when it is settled (itself linked or top-level):
            // that way a chain of references can never close into a cycle.
            let (parent_id, pending) = match &c.parent {
                None => (None, None),
                Some(reference) => {
                    let found: Option<(String, ThreadId, bool)> = find_parent
                        .query_row([reference], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                        .optional()?;
                    match found {
                        Some((pid, tid, true)) if tid == thread_id && pid != c.id => {
                            (Some(pid), None)
                        }
                        _ => (None, Some(reference.clone())),
                    }
                }
            };
            let reader = match readers.get(&c.reader_key) {
                Some(id) => *id,
                None => {
                    let id: i64 =
                        reader_stmt.query_row(params![c.reader_key, now], |r| r.get(0))?;
                    readers.insert(c.reader_key.clone(), id);
                    id
                }
            };
            let changed = insert.execute(params![
                c.id,
                thread_id,
                parent_id,
                reader,
                c.author,
                c.body_md,
                c.body_html,
                c.created_at,
                c.edited_at,
                c.deleted,
                i64::try_from(c.upvotes).unwrap_or(i64::MAX),
                i64::try_from(c.downvotes).unwrap_or(i64::MAX),
                c.email,
                c.source,
                pending,
                c.status.as_str(),
                c.pinned,
            ])?;
            if changed > 0 {
                outcome.written += 1;
            } else {
                outcome.present += 1;
            }
        }
    }
    tx.commit()?;
    Ok(outcome)
}

/// Links waiting replies to parents that are now settled, round after round (one per level of
/// replies that arrived before their parents), then lists what is left.
pub(super) fn link_imported(
    conn: &mut Connection,
    source_prefix: Option<&str>,
    list_max: usize,
) -> Result<Linking, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut linked = 0u64;
    loop {
        let mut round = 0usize;
        // Two statements rather than one `OR` so that each uses its own index.
        for column in ["source", "id"] {
            let sql = format!(
                "UPDATE comments AS c SET parent_id = p.id, pending_parent = NULL
                 FROM comments AS p
                 WHERE c.pending_parent IS NOT NULL AND p.{column} = c.pending_parent
                   AND p.thread_id = c.thread_id AND p.pending_parent IS NULL AND p.id <> c.id"
            );
            round += tx.execute(&sql, [])?;
        }
        if round == 0 {
            break;
        }
        linked += round as u64;
    }
    // An empty prefix matches every waiting comment.
    let prefix = source_prefix.unwrap_or_default();
    const MATCHES: &str =
        "pending_parent IS NOT NULL AND substr(COALESCE(source, ''), 1, length(?1)) = ?1";
    let orphan_count: i64 = tx.query_row(
        &format!("SELECT COUNT(*) FROM comments WHERE {MATCHES}"),
        [prefix],
        |r| r.get(0),
    )?;
    let mut orphans = Vec::new();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT id, source, pending_parent FROM comments WHERE {MATCHES}
             ORDER BY created_at, id LIMIT ?2"
        ))?;
        let limit = i64::try_from(list_max).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![prefix, limit], |r| {
            Ok(Orphan {
                id: r.get(0)?,
                source: r.get(1)?,
                missing_parent: r.get(2)?,
            })
        })?;
        for row in rows {
            orphans.push(row?);
        }
    }
    tx.commit()?;
    Ok(Linking {
        linked,
        orphan_count: u64::try_from(orphan_count).unwrap_or(0),
        orphans,
    })
}

/// A page of threads in id order.
pub(super) fn export_threads(
    conn: &Connection,
    after: ThreadId,
    limit: usize,
) -> Result<Vec<ExportedThread>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key, title, url, created_at, locked FROM threads WHERE id > ?1
         ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(
        params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
        |r| {
            Ok(ExportedThread {
                id: r.get(0)?,
                key: r.get(1)?,
                title: r.get(2)?,
                url: r.get(3)?,
                created_at: r.get(4)?,
                locked: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A thread's comments, each parent before its replies.
pub(super) fn export_comments(
    conn: &Connection,
    thread: ThreadId,
) -> Result<Vec<ExportedComment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.parent_id, r.token_hash, c.author, c.body_md, c.created_at, c.edited_at,
                c.deleted, c.upvotes, c.downvotes, c.email, c.source, c.status, c.pinned
         FROM comments c JOIN readers r ON r.id = c.reader_id
         WHERE c.thread_id = ?1 ORDER BY c.created_at, c.id",
    )?;
    let rows = stmt.query_map([thread], |r| {
        Ok(ExportedComment {
            id: r.get(0)?,
            parent_id: r.get(1)?,
            reader_key: r.get(2)?,
            author: r.get(3)?,
            body_md: r.get(4)?,
            created_at: r.get(5)?,
            edited_at: r.get(6)?,
            deleted: r.get(7)?,
            upvotes: u64::try_from(r.get::<_, i64>(8)?).unwrap_or(0),
            downvotes: u64::try_from(r.get::<_, i64>(9)?).unwrap_or(0),
            email: r.get(10)?,
            source: r.get(11)?,
            status: status_of(&r.get::<_, String>(12)?),
            pinned: r.get(13)?,
        })
    })?;
    let all = rows.collect::<Result<Vec<_>, _>>()?;
    Ok(parents_first(all))
}
