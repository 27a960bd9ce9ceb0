//! Imports and exports on the PostgreSQL store, with the same rules as SQLite's: batches skip
//! what is already stored, parents found later are linked afterwards, exports read back in a
//! restorable order.

use std::collections::HashMap;

use super::{PostgresStore, col, db_error, to_i64, to_u64, writes::upsert_thread};
use crate::clock::now_micros;
use crate::store::transfer::{
    BatchOutcome, ExportedComment, ExportedThread, ImportBatch, Linking, Orphan, parents_first,
};
use crate::store::{StoreError, ThreadId};
use crate::tree::status_of;

/// Writes one batch in a single transaction.
pub(super) async fn import_batch(
    store: &PostgresStore,
    batch: ImportBatch,
) -> Result<BatchOutcome, StoreError> {
    let mut client = store.client().await?;
    let tx = client
        .transaction()
        .await
        .map_err(|e| db_error("cannot start an import batch", &e))?;
    let mut thread_ids = Vec::with_capacity(batch.threads.len());
    for t in &batch.threads {
        let id = upsert_thread(
            &tx,
            &t.key,
            t.title.as_deref(),
            t.url.as_deref(),
            t.created_at,
        )
        .await?;
        if t.locked {
            tx.execute("UPDATE threads SET locked = TRUE WHERE id = $1", &[&id])
                .await
                .map_err(|e| db_error("cannot lock an imported thread", &e))?;
        }
        thread_ids.push(id);
    }
    let prepare = |sql: &'static str| {
        let tx = &tx;
        async move {
            tx.prepare(sql)
                .await
                .map_err(|e| db_error("cannot prepare the import", &e))
        }
    };
    let find_parent = prepare(
        "(SELECT id, thread_id, pending_parent IS NULL FROM comments WHERE source = $1
          UNION ALL
          SELECT id, thread_id, pending_parent IS NULL FROM comments WHERE id = $1)
         LIMIT 1",
    )
    .await?;
    let reader_stmt = prepare(
        "INSERT INTO readers (token_hash, created_at) VALUES ($1, $2)
         ON CONFLICT (token_hash) DO UPDATE SET token_hash = excluded.token_hash
         RETURNING id",
    )
    .await?;
    let insert = prepare(
        "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                               created_at, edited_at, deleted, upvotes, downvotes, email,
                               source, pending_parent, status, pinned)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT DO NOTHING",
    )
    .await?;
    let mut readers: HashMap<String, i64> = HashMap::new();
    let mut outcome = BatchOutcome::default();
    let now = now_micros();
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
                let found = tx
                    .query_opt(&find_parent, &[reference])
                    .await
                    .map_err(|e| db_error("cannot look up an imported parent", &e))?;
                let settled = match &found {
                    Some(r) => Some((col::<String>(r, 0)?, col::<i64>(r, 1)?, col::<bool>(r, 2)?)),
                    None => None,
                };
                match settled {
                    Some((pid, tid, true)) if tid == thread_id && pid != c.id => (Some(pid), None),
                    _ => (None, Some(reference.clone())),
                }
            }
        };
        let reader = match readers.get(&c.reader_key) {
            Some(id) => *id,
            None => {
                let row = tx
                    .query_one(&reader_stmt, &[&c.reader_key, &now])
                    .await
                    .map_err(|e| db_error("cannot store an imported reader", &e))?;
                let id: i64 = col(&row, 0)?;
                readers.insert(c.reader_key.clone(), id);
                id
            }
        };
        let changed = tx
            .execute(
                &insert,
                &[
                    &c.id,
                    &thread_id,
                    &parent_id,
                    &reader,
                    &c.author,
                    &c.body_md,
                    &c.body_html,
                    &c.created_at,
                    &c.edited_at,
                    &c.deleted,
                    &to_i64(c.upvotes),
                    &to_i64(c.downvotes),
                    &c.email,
                    &c.source,
                    &pending,
                    &c.status.as_str(),
                    &c.pinned,
                ],
            )
            .await
            .map_err(|e| db_error(&format!("cannot import comment {}", c.id), &e))?;
        if changed > 0 {
            outcome.written += 1;
        } else {
            outcome.present += 1;
        }
    }
    tx.commit()
        .await
        .map_err(|e| db_error("cannot commit an import batch", &e))?;
    Ok(outcome)
}

/// Links waiting replies to parents that are now settled, round after round, then lists what
/// is left; an empty prefix matches every waiting comment.
pub(super) async fn link_imported(
    store: &PostgresStore,
    prefix: &str,
    list_max: usize,
) -> Result<Linking, StoreError> {
    let mut client = store.client().await?;
    let tx = client
        .transaction()
        .await
        .map_err(|e| db_error("cannot start linking", &e))?;
    let mut linked = 0u64;
    loop {
        let mut round = 0u64;
        // Two statements rather than one `OR` so that each uses its own index.
        for column in ["source", "id"] {
            let sql = format!(
                "UPDATE comments AS c SET parent_id = p.id, pending_parent = NULL
                 FROM comments AS p
                 WHERE c.pending_parent IS NOT NULL AND p.{column} = c.pending_parent
                   AND p.thread_id = c.thread_id AND p.pending_parent IS NULL AND p.id <> c.id"
            );
            round += tx
                .execute(&sql, &[])
                .await
                .map_err(|e| db_error("cannot link imported replies", &e))?;
        }
        if round == 0 {
            break;
        }
        linked += round;
    }
    const MATCHES: &str = "pending_parent IS NOT NULL AND starts_with(COALESCE(source, ''), $1)";
    let count = tx
        .query_one(
            &format!("SELECT COUNT(*) FROM comments WHERE {MATCHES}"),
            &[&prefix],
        )
        .await
        .map_err(|e| db_error("cannot count orphans", &e))?;
    let orphan_count = to_u64(col(&count, 0)?);
    let limit = i64::try_from(list_max).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            &format!(
                "SELECT id, source, pending_parent FROM comments WHERE {MATCHES}
                 ORDER BY created_at, id COLLATE \"C\" LIMIT $2"
            ),
            &[&prefix, &limit],
        )
        .await
        .map_err(|e| db_error("cannot list orphans", &e))?;
    let orphans = rows
        .iter()
        .map(|r| {
            Ok(Orphan {
                id: col(r, 0)?,
                source: col(r, 1)?,
                missing_parent: col(r, 2)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    tx.commit()
        .await
        .map_err(|e| db_error("cannot commit linking", &e))?;
    Ok(Linking {
        linked,
        orphan_count,
        orphans,
    })
}

/// A page of threads in id order.
pub(super) async fn export_threads(
    store: &PostgresStore,
    after: ThreadId,
    limit: usize,
) -> Result<Vec<ExportedThread>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = store
        .read(
            "cannot export threads",
            "SELECT id, key, title, url, created_at, locked FROM threads WHERE id > $1
             ORDER BY id LIMIT $2",
            &[&after, &limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ExportedThread {
                id: col(r, 0)?,
                key: col(r, 1)?,
                title: col(r, 2)?,
                url: col(r, 3)?,
                created_at: col(r, 4)?,
                locked: col(r, 5)?,
            })
        })
        .collect()
}

/// A thread's comments, each parent before its replies.
pub(super) async fn export_comments(
    store: &PostgresStore,
    thread: ThreadId,
) -> Result<Vec<ExportedComment>, StoreError> {
    let rows = store
        .read(
            "cannot export comments",
            "SELECT c.id, c.parent_id, r.token_hash, c.author, c.body_md, c.created_at,
                    c.edited_at, c.deleted, c.upvotes, c.downvotes, c.email, c.source,
                    c.status, c.pinned
             FROM comments c JOIN readers r ON r.id = c.reader_id
             WHERE c.thread_id = $1 ORDER BY c.created_at, c.id COLLATE \"C\"",
            &[&thread],
        )
        .await?;
    let all = rows
        .iter()
        .map(|r| {
            Ok(ExportedComment {
                id: col(r, 0)?,
                parent_id: col(r, 1)?,
                reader_key: col(r, 2)?,
                author: col(r, 3)?,
                body_md: col(r, 4)?,
                created_at: col(r, 5)?,
                edited_at: col(r, 6)?,
                deleted: col(r, 7)?,
                upvotes: to_u64(col(r, 8)?),
                downvotes: to_u64(col(r, 9)?),
                email: col(r, 10)?,
                source: col(r, 11)?,
                status: status_of(&col::<String>(r, 12)?),
                pinned: col(r, 13)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(parents_first(all))
}
