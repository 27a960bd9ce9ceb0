//! Writes that change comments: each runs in one transaction that also appends the thread's
//! event and NOTIFYs the other instances, so an event is seen exactly when its change is.

use deadpool_postgres::Transaction;
use talkback_protocol::Vote;
use tokio_postgres::Statement;

use super::{
    COMMENT_COLUMNS, PostgresStore, col, comment_row, db_error, listen, to_i64, to_u64, violates,
};
use crate::clock::now_micros;
use crate::store::{
    CommentRow, EditGrant, EventKind, ImportThread, InsertComment, Posted, ReaderId, StoreError,
    Tallies, ThreadId,
};

/// Loads a comment with the given reader's vote.
async fn load_comment(
    tx: &Transaction<'_>,
    id: &str,
    reader: ReaderId,
) -> Result<Option<CommentRow>, StoreError> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS}, COALESCE(v.value, 0)::BIGINT FROM comments c
         LEFT JOIN votes v ON v.comment_id = c.id AND v.reader_id = $2 WHERE c.id = $1"
    );
    tx.query_opt(&stmt(tx, &sql).await?, &[&id, &reader])
        .await
        .map_err(|e| db_error("cannot read a comment", &e))?
        .as_ref()
        .map(comment_row)
        .transpose()
}

/// Appends an event to the thread's sequence and NOTIFYs, inside the caller's transaction.
/// The `UPDATE` locks the thread's row until commit, so writers of one thread take their
/// numbers one after another and commit in that order: the sequence has no gaps.
pub(super) async fn record_event(
    tx: &Transaction<'_>,
    thread: ThreadId,
    kind: EventKind,
    comment_id: &str,
) -> Result<(), StoreError> {
    let row = tx
        .query_one(
            &stmt(
                tx,
                "UPDATE threads SET last_event = last_event + 1 WHERE id = $1 RETURNING last_event",
            )
            .await?,
            &[&thread],
        )
        .await
        .map_err(|e| db_error("cannot number an event", &e))?;
    let seq: i64 = col(&row, 0)?;
    tx.execute(
        &stmt(
            tx,
            "INSERT INTO events (thread_id, seq, kind, comment_id, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        )
        .await?,
        &[&thread, &seq, &kind.as_str(), &comment_id, &now_micros()],
    )
    .await
    .map_err(|e| db_error("cannot record an event", &e))?;
    // Delivered to listeners only if and when the transaction commits.
    tx.execute(
        &stmt(tx, "SELECT pg_notify($1, $2)").await?,
        &[&listen::CHANNEL, &thread.to_string()],
    )
    .await
    .map_err(|e| db_error("cannot notify other instances", &e))?;
    Ok(())
}

/// Locks the comment and checks that `grant` allows changing it; returns its thread.
async fn check_grant(
    tx: &Transaction<'_>,
    id: &str,
    grant: EditGrant,
) -> Result<ThreadId, StoreError> {
    let found = tx
        .query_opt(
            &stmt(
                tx,
                "SELECT reader_id, created_at, deleted, thread_id FROM comments WHERE id = $1
             FOR UPDATE",
            )
            .await?,
            &[&id],
        )
        .await
        .map_err(|e| db_error("cannot read a comment", &e))?;
    let Some(r) = found else {
        return Err(StoreError::CommentNotFound);
    };
    let (owner, created, deleted): (ReaderId, i64, bool) = (col(&r, 0)?, col(&r, 1)?, col(&r, 2)?);
    if deleted {
        Err(StoreError::CommentDeleted)
    } else if owner != grant.reader {
        Err(StoreError::NotYours)
    } else if !grant.open_for(created) {
        Err(StoreError::EditWindowClosed {
            window_secs: grant.window_secs,
        })
    } else {
        col(&r, 3)
    }
}

/// Creates the thread or fills in a title/URL it lacked; returns its id.
pub(super) async fn upsert_thread(
    tx: &Transaction<'_>,
    key: &str,
    title: Option<&str>,
    url: Option<&str>,
    created_at: i64,
) -> Result<ThreadId, StoreError> {
    let row = tx
        .query_one(
            &stmt(
                tx,
                "INSERT INTO threads (key, title, url, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET title = COALESCE(threads.title, excluded.title),
                                             url = COALESCE(threads.url, excluded.url)
             RETURNING id",
            )
            .await?,
            &[&key, &title, &url, &created_at],
        )
        .await
        .map_err(|e| db_error("cannot store a thread", &e))?;
    col(&row, 0)
}

/// Prepares `sql` once per pooled connection: later uses skip a round trip.
async fn stmt(tx: &Transaction<'_>, sql: &str) -> Result<Statement, StoreError> {
    tx.prepare_cached(sql)
        .await
        .map_err(|e| db_error("cannot prepare a statement", &e))
}

async fn begin<'a>(
    client: &'a mut deadpool_postgres::Object,
) -> Result<Transaction<'a>, StoreError> {
    client
        .transaction()
        .await
        .map_err(|e| db_error("cannot start a transaction", &e))
}

async fn commit(tx: Transaction<'_>) -> Result<(), StoreError> {
    tx.commit().await.map_err(|e| db_error("cannot commit", &e))
}

/// The comment a reader already posted with this idempotency token, if any.
async fn earlier_post(
    tx: &Transaction<'_>,
    reader: ReaderId,
    token: &str,
) -> Result<Option<CommentRow>, StoreError> {
    let id: Option<String> = tx
        .query_opt(
            &stmt(
                tx,
                "SELECT id FROM comments WHERE reader_id = $1 AND client_token = $2",
            )
            .await?,
            &[&reader, &token],
        )
        .await
        .map_err(|e| db_error("cannot look up a client token", &e))?
        .map(|r| col(&r, 0))
        .transpose()?;
    match id {
        Some(id) => load_comment(tx, &id, reader).await,
        None => Ok(None),
    }
}

pub(super) async fn insert_comment(
    store: &PostgresStore,
    new: InsertComment,
) -> Result<Posted, StoreError> {
    match try_insert(store, &new).await {
        Ok(posted) => Ok(posted),
        // The same token posted twice at once: the other request won the unique index; its
        // comment is the answer to this one too.
        Err(Retry::SameToken) => {
            let mut client = store.client().await?;
            let tx = begin(&mut client).await?;
            let token = new.client_token.as_deref().unwrap_or_default();
            let row = earlier_post(&tx, new.reader_id, token)
                .await?
                .ok_or(StoreError::CommentNotFound)?;
            Ok(Posted {
                row,
                created: false,
            })
        }
        Err(Retry::No(e)) => Err(e),
    }
}

enum Retry {
    SameToken,
    No(StoreError),
}

impl From<StoreError> for Retry {
    fn from(e: StoreError) -> Self {
        Retry::No(e)
    }
}

async fn try_insert(store: &PostgresStore, new: &InsertComment) -> Result<Posted, Retry> {
    let mut client = store.client().await?;
    let tx = begin(&mut client).await?;
    if let Some(token) = &new.client_token
        && let Some(row) = earlier_post(&tx, new.reader_id, token).await?
    {
        return Ok(Posted {
            row,
            created: false,
        });
    }
    if let Some(parent) = &new.parent_id {
        // Shared lock: the parent cannot be deleted until this reply is committed.
        let found = tx
            .query_opt(
                &stmt(
                    &tx,
                    "SELECT t.key, c.deleted FROM comments c JOIN threads t ON t.id = c.thread_id
                 WHERE c.id = $1 FOR SHARE OF c",
                )
                .await?,
                &[parent],
            )
            .await
            .map_err(|e| db_error("cannot read the parent comment", &e))?;
        let Some(r) = found else {
            return Err(StoreError::ParentNotFound.into());
        };
        let (key, deleted): (String, bool) = (col(&r, 0)?, col(&r, 1)?);
        if key != new.thread_key {
            return Err(StoreError::ParentInOtherThread.into());
        }
        if deleted {
            return Err(StoreError::ParentDeleted.into());
        }
    }
    let thread_id = upsert_thread(
        &tx,
        &new.thread_key,
        new.title.as_deref(),
        new.url.as_deref(),
        now_micros(),
    )
    .await?;
    let inserted = tx
        .execute(
&stmt(&tx, "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                                   created_at, email, client_token, status, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)").await?,
            &[
                &new.id,
                &thread_id,
                &new.parent_id,
                &new.reader_id,
                &new.author,
                &new.body_md,
                &new.body_html,
                &new.created_at,
                &new.email,
                &new.client_token,
                &new.status.as_str(),
                &new.ip,
            ],
        )
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if violates(&e, "comments_by_client_token") => return Err(Retry::SameToken),
        Err(e) => return Err(db_error("cannot store a comment", &e).into()),
    }
    record_event(&tx, thread_id, EventKind::Posted, &new.id).await?;
    commit(tx).await?;
    let row = CommentRow {
        id: new.id.clone(),
        parent_id: new.parent_id.clone(),
        reader_id: new.reader_id,
        author: new.author.clone(),
        body_html: new.body_html.clone(),
        created_at: new.created_at,
        edited_at: None,
        deleted: false,
        upvotes: 0,
        downvotes: 0,
        my_vote: Vote::None,
        verified: false,
    };
    Ok(Posted { row, created: true })
}

pub(super) async fn edit_comment(
    store: &PostgresStore,
    comment_id: &str,
    grant: EditGrant,
    body_md: &str,
    body_html: &str,
) -> Result<CommentRow, StoreError> {
    let mut client = store.client().await?;
    let tx = begin(&mut client).await?;
    let thread = check_grant(&tx, comment_id, grant).await?;
    tx.execute(
        &stmt(
            &tx,
            "UPDATE comments SET body_md = $1, body_html = $2, edited_at = $3 WHERE id = $4",
        )
        .await?,
        &[&body_md, &body_html, &grant.now, &comment_id],
    )
    .await
    .map_err(|e| db_error("cannot edit a comment", &e))?;
    let row = load_comment(&tx, comment_id, grant.reader)
        .await?
        .ok_or(StoreError::CommentNotFound)?;
    record_event(&tx, thread, EventKind::Edited, comment_id).await?;
    commit(tx).await?;
    Ok(row)
}

pub(super) async fn delete_comment(
    store: &PostgresStore,
    comment_id: &str,
    grant: EditGrant,
) -> Result<(), StoreError> {
    let mut client = store.client().await?;
    let tx = begin(&mut client).await?;
    let thread = check_grant(&tx, comment_id, grant).await?;
    // The words, the name and the address go; the row stays as the parent of any replies.
    tx.execute(
        &stmt(
            &tx,
            "UPDATE comments SET deleted = TRUE, author = NULL, body_md = '', body_html = '',
                             email = NULL, ip = NULL
         WHERE id = $1",
        )
        .await?,
        &[&comment_id],
    )
    .await
    .map_err(|e| db_error("cannot delete a comment", &e))?;
    record_event(&tx, thread, EventKind::Deleted, comment_id).await?;
    commit(tx).await
}

pub(super) async fn set_vote(
    store: &PostgresStore,
    comment_id: &str,
    reader: ReaderId,
    vote: Vote,
) -> Result<Tallies, StoreError> {
    let mut client = store.client().await?;
    let tx = begin(&mut client).await?;
    // Locking the comment serializes votes on it, so the read-then-adjust below is exact.
    let found = tx
        .query_opt(
            &stmt(
                &tx,
                "SELECT deleted, thread_id, status FROM comments WHERE id = $1 FOR UPDATE",
            )
            .await?,
            &[&comment_id],
        )
        .await
        .map_err(|e| db_error("cannot read a comment", &e))?;
    let Some(r) = found else {
        return Err(StoreError::CommentNotFound);
    };
    if col::<bool>(&r, 0)? {
        return Err(StoreError::CommentDeleted);
    }
    crate::store::not_published(&col::<String>(&r, 2)?)?;
    let thread: ThreadId = col(&r, 1)?;
    let old: i64 = match tx
        .query_opt(
            &stmt(
                &tx,
                "SELECT value::BIGINT FROM votes WHERE comment_id = $1 AND reader_id = $2",
            )
            .await?,
            &[&comment_id, &reader],
        )
        .await
        .map_err(|e| db_error("cannot read a vote", &e))?
    {
        Some(r) => col(&r, 0)?,
        None => 0,
    };
    let new = i64::from(vote.as_i8());
    if new == 0 {
        tx.execute(
            &stmt(
                &tx,
                "DELETE FROM votes WHERE comment_id = $1 AND reader_id = $2",
            )
            .await?,
            &[&comment_id, &reader],
        )
        .await
        .map_err(|e| db_error("cannot withdraw a vote", &e))?;
    } else {
        let value = i16::from(vote.as_i8());
        tx.execute(
            &stmt(
                &tx,
                "INSERT INTO votes (comment_id, reader_id, value) VALUES ($1, $2, $3)
             ON CONFLICT (comment_id, reader_id) DO UPDATE SET value = excluded.value",
            )
            .await?,
            &[&comment_id, &reader, &value],
        )
        .await
        .map_err(|e| db_error("cannot store a vote", &e))?;
    }
    // Adjust by the difference rather than recount: imported tallies have no vote rows.
    let up_delta = i64::from(new == 1) - i64::from(old == 1);
    let down_delta = i64::from(new == -1) - i64::from(old == -1);
    let row = tx
        .query_one(
            &stmt(
                &tx,
                "UPDATE comments SET upvotes = GREATEST(upvotes + $1, 0),
                                 downvotes = GREATEST(downvotes + $2, 0)
             WHERE id = $3 RETURNING upvotes, downvotes",
            )
            .await?,
            &[&up_delta, &down_delta, &comment_id],
        )
        .await
        .map_err(|e| db_error("cannot update tallies", &e))?;
    let tallies = Tallies {
        upvotes: to_u64(col(&row, 0)?),
        downvotes: to_u64(col(&row, 1)?),
    };
    if new != old {
        record_event(&tx, thread, EventKind::Voted, comment_id).await?;
    }
    commit(tx).await?;
    Ok(tallies)
}

pub(super) async fn import_thread(
    store: &PostgresStore,
    thread: ImportThread,
) -> Result<usize, StoreError> {
    let mut client = store.client().await?;
    let tx = begin(&mut client).await?;
    let now = now_micros();
    // The upsert locks the thread's row: a second instance seeding at the same moment waits
    // here and then sees the first one's comments.
    let thread_id = upsert_thread(
        &tx,
        &thread.key,
        thread.title.as_deref(),
        thread.url.as_deref(),
        now,
    )
    .await?;
    let existing: i64 = col(
        &tx.query_one(
            &stmt(&tx, "SELECT COUNT(*) FROM comments WHERE thread_id = $1").await?,
            &[&thread_id],
        )
        .await
        .map_err(|e| db_error("cannot count a thread's comments", &e))?,
        0,
    )?;
    if existing > 0 {
        return Ok(0);
    }
    let mut readers = Vec::with_capacity(thread.reader_token_hashes.len());
    for hash in &thread.reader_token_hashes {
        let row = tx
            .query_one(
                &stmt(
                    &tx,
                    "INSERT INTO readers (token_hash, created_at) VALUES ($1, $2) RETURNING id",
                )
                .await?,
                &[hash, &now],
            )
            .await
            .map_err(|e| db_error("cannot create an imported reader", &e))?;
        readers.push(col::<i64>(&row, 0)?);
    }
    let insert = tx
        .prepare(
            "INSERT INTO comments (id, thread_id, parent_id, reader_id, author, body_md, body_html,
                                   created_at, deleted, upvotes, downvotes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .await
        .map_err(|e| db_error("cannot prepare the import", &e))?;
    for ic in &thread.comments {
        let reader = readers.get(ic.reader).copied().ok_or_else(|| {
            StoreError::Database(format!(
                "imported comment {} names reader #{} that was not given",
                ic.id, ic.reader
            ))
        })?;
        tx.execute(
            &insert,
            &[
                &ic.id,
                &thread_id,
                &ic.parent_id,
                &reader,
                &ic.author,
                &ic.body_md,
                &ic.body_html,
                &ic.created_at,
                &ic.deleted,
                &to_i64(ic.upvotes),
                &to_i64(ic.downvotes),
            ],
        )
        .await
        .map_err(|e| db_error(&format!("cannot import comment {}", ic.id), &e))?;
    }
    commit(tx).await?;
    Ok(thread.comments.len())
}
