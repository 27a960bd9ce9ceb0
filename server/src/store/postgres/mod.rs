//! The PostgreSQL store: several server instances share one database.
//!
//! Everything an instance knows lives in the database (readers, the instance secret, comments,
//! events), so instances are interchangeable behind a load balancer. Writes record their event
//! in the same transaction and NOTIFY [`listen::CHANNEL`]; every instance LISTENs and turns
//! notifications into [`Wakeup`]s.

mod copy;
mod identity;
mod limits;
mod listen;
mod moderation;
mod moderation_transfer;
mod notify;
mod schema;
pub mod tls;
mod transfer;
mod writes;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use talkback_protocol::Vote;
use tokio::sync::broadcast;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

pub use copy::{CopyCounts, copy_from_sqlite};

use super::{
    BatchOutcome, CommentRow, EditGrant, EventKind, EventRow, ExportedComment, ExportedThread,
    ImportBatch, ImportThread, InsertComment, Linking, Posted, ReaderId, Store, StoreError,
    Tallies, ThreadId, ThreadRow, Wakeup,
};
use crate::clock::now_micros;
use crate::tree::Node;

/// Connections kept per instance; each request holds one for its few statements.
const POOL_SIZE: usize = 16;

/// How long connecting (or checking a pooled connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a free pooled connection before failing.
const POOL_WAIT: Duration = Duration::from_secs(10);

/// The columns [`comment_row`] reads, in its order, then the asking reader's vote.
const COMMENT_COLUMNS: &str = "c.id, c.parent_id, c.reader_id, c.author, c.body_html,
     c.created_at, c.edited_at, c.deleted, c.upvotes, c.downvotes";

/// Selects a thread with its visible comment count; append the `WHERE`.
const THREAD_SELECT: &str = "SELECT t.id, t.key, t.title, t.url,
        (SELECT COUNT(*) FROM comments WHERE thread_id = t.id AND NOT deleted AND status = 'visible'),
        t.locked, t.last_event
 FROM threads t";

/// A [`Store`] on a PostgreSQL database, through a connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    wake: broadcast::Sender<Wakeup>,
    /// Stops the LISTEN task when the last clone of the store is dropped.
    _listener: Arc<AbortOnDrop>,
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:pass@host:port/db`), migrates the schema and starts
    /// listening for other instances' events. Must run inside a Tokio runtime.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_ca(url, None).await
    }

    /// Like [`PostgresStore::open`], also trusting the CA certificates in `ca_file` (PEM) for
    /// TLS (`--db-ca-file`).
    pub async fn open_with_ca(url: &str, ca_file: Option<&Path>) -> Result<Self, StoreError> {
        let tls = tls::connector(ca_file)?;
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::Database(format!(
                "{}: not a PostgreSQL connection URL: {e}",
                redact(url)
            ))
        })?;
        // An unreachable database should fail a request in seconds, not after TCP gives up.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let (mut client, connection) = config.connect(tls.clone()).await.map_err(|e| {
            connect_error(&config, &format!("cannot connect to {}", redact(url)), &e)
        })?;
        let driver = tokio::spawn(async move {
            // The migration client is dropped right after use; its end is not news.
            let _ = connection.await;
        });
        schema::migrate(&mut client, &random_hex(16)).await?;
        drop(client);
        let _ = driver.await;

        let manager = Manager::from_config(
            config.clone(),
            tls.clone(),
            // A test query before handing out a pooled connection: after PostgreSQL restarts,
            // dead connections are replaced instead of failing the next request.
            ManagerConfig {
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Database(format!("cannot build the connection pool: {e}")))?;
        // The listener is idle between notifications: probe it so that a silently dropped
        // connection is noticed (and its lost notifications reported) within a minute.
        config.keepalives_idle(Duration::from_secs(30));
        let listening = listen::connect(&config, &tls).await?;
        let (wake, _) = broadcast::channel(1024);
        let task = tokio::spawn(listen::run(config, tls, listening, wake.clone()));
        Ok(PostgresStore {
            pool,
            wake,
            _listener: Arc::new(AbortOnDrop(task)),
        })
    }

    /// A pooled connection.
    async fn client(&self) -> Result<Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Database(format!("no PostgreSQL connection: {e}")))
    }

    /// Runs a read-only query (prepared once per connection), once more on a fresh connection
    /// if the first one turned out to be closed (safe: nothing was written).
    async fn read(
        &self,
        what: &str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        let mut retried = false;
        loop {
            let client = self.client().await?;
            let result = match client.prepare_cached(sql).await {
                Ok(statement) => client.query(&statement, params).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(rows) => return Ok(rows),
                Err(e) if e.is_closed() && !retried => retried = true,
                Err(e) => return Err(db_error(what, &e)),
            }
        }
    }

    /// Like [`PostgresStore::read`] for at most one row.
    async fn read_opt(
        &self,
        what: &str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<tokio_postgres::Row>, StoreError> {
        Ok(self.read(what, sql, params).await?.into_iter().next())
    }
}

/// An operator-readable text for a failed statement: what was being done and the server's
/// own message with its SQLSTATE.
pub(super) fn db_error(what: &str, e: &tokio_postgres::Error) -> StoreError {
    StoreError::Database(format!("{what}: {}", describe(e)))
}

/// Like [`db_error`] for a failed connection attempt, saying what to do when TLS was the cause.
pub(super) fn connect_error(
    config: &tokio_postgres::Config,
    what: &str,
    e: &tokio_postgres::Error,
) -> StoreError {
    match tls::explain(config, e) {
        Some(why) => StoreError::Database(format!("{what}: {why}")),
        None => db_error(what, e),
    }
}

/// The useful part of a driver error: the server's message, or the I/O cause.
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                s.push_str(": ");
                s.push_str(detail);
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// Whether a statement failed on a unique index with this name.
pub(super) fn violates(e: &tokio_postgres::Error, constraint: &str) -> bool {
    e.as_db_error().is_some_and(|db| {
        db.code() == &SqlState::UNIQUE_VIOLATION && db.constraint() == Some(constraint)
    })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn vote_of(v: i64) -> Vote {
    match v {
        1 => Vote::Up,
        -1 => Vote::Down,
        _ => Vote::None,
    }
}

/// Reads [`COMMENT_COLUMNS`] and the vote column after them.
fn comment_row(r: &tokio_postgres::Row) -> Result<CommentRow, StoreError> {
    let get = |e: tokio_postgres::Error| db_error("unexpected comment row", &e);
    Ok(CommentRow {
        id: r.try_get(0).map_err(get)?,
        parent_id: r.try_get(1).map_err(get)?,
        reader_id: r.try_get(2).map_err(get)?,
        author: r.try_get(3).map_err(get)?,
        body_html: r.try_get(4).map_err(get)?,
        created_at: r.try_get(5).map_err(get)?,
        edited_at: r.try_get(6).map_err(get)?,
        deleted: r.try_get(7).map_err(get)?,
        upvotes: to_u64(r.try_get(8).map_err(get)?),
        downvotes: to_u64(r.try_get(9).map_err(get)?),
        my_vote: vote_of(r.try_get(10).map_err(get)?),
        verified: false,
    })
}

fn thread_row(r: &tokio_postgres::Row) -> Result<ThreadRow, StoreError> {
    let get = |e: tokio_postgres::Error| db_error("unexpected thread row", &e);
    Ok(ThreadRow {
        id: r.try_get(0).map_err(get)?,
        key: r.try_get(1).map_err(get)?,
        title: r.try_get(2).map_err(get)?,
        url: r.try_get(3).map_err(get)?,
        comment_count: to_u64(r.try_get(4).map_err(get)?),
        locked: r.try_get(5).map_err(get)?,
        last_event: r.try_get(6).map_err(get)?,
    })
}

/// Reads column `i` of a row, with an operator-readable error.
fn col<'a, T: tokio_postgres::types::FromSql<'a>>(
    r: &'a tokio_postgres::Row,
    i: usize,
) -> Result<T, StoreError> {
    r.try_get(i)
        .map_err(|e| db_error("unexpected column in a result", &e))
}

#[async_trait]
impl Store for PostgresStore {
    async fn instance_secret(&self) -> Result<String, StoreError> {
        let row = self
            .read_opt(
                "cannot read the instance secret",
                "SELECT value FROM settings WHERE name = 'instance_secret'",
                &[],
            )
            .await?
            .ok_or_else(|| StoreError::Database("the instance secret is missing".into()))?;
        col(&row, 0)
    }

    async fn create_reader(&self, token_hash: String) -> Result<ReaderId, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO readers (token_hash, created_at) VALUES ($1, $2) RETURNING id",
                &[&token_hash, &now_micros()],
            )
            .await
            .map_err(|e| db_error("cannot create a reader", &e))?;
        col(&row, 0)
    }

    async fn find_reader(&self, token_hash: String) -> Result<Option<ReaderId>, StoreError> {
        self.read_opt(
            "cannot look up a reader",
            "SELECT id FROM readers WHERE token_hash = $1",
            &[&token_hash],
        )
        .await?
        .map(|r| col(&r, 0))
        .transpose()
    }

    async fn thread_by_key(&self, key: String) -> Result<Option<ThreadRow>, StoreError> {
        let sql = format!("{THREAD_SELECT} WHERE t.key = $1");
        self.read_opt("cannot read a thread", &sql, &[&key])
            .await?
            .as_ref()
            .map(thread_row)
            .transpose()
    }

    async fn thread_of_comment(&self, comment_id: String) -> Result<Option<ThreadId>, StoreError> {
        self.read_opt(
            "cannot find a comment's thread",
            "SELECT thread_id FROM comments WHERE id = $1",
            &[&comment_id],
        )
        .await?
        .map(|r| col(&r, 0))
        .transpose()
    }

    async fn thread_by_id(&self, id: ThreadId) -> Result<Option<ThreadRow>, StoreError> {
        let sql = format!("{THREAD_SELECT} WHERE t.id = $1");
        self.read_opt("cannot read a thread", &sql, &[&id])
            .await?
            .as_ref()
            .map(thread_row)
            .transpose()
    }

    async fn skeleton(&self, thread: ThreadId) -> Result<Vec<Node>, StoreError> {
        let rows = self
            .read(
                "cannot read a thread's comments",
                "SELECT id, parent_id, created_at, deleted, upvotes, downvotes, status, pinned,
                        reader_id
                 FROM comments WHERE thread_id = $1",
                &[&thread],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Node {
                    id: col(r, 0)?,
                    parent: col(r, 1)?,
                    created_at: col(r, 2)?,
                    deleted: col(r, 3)?,
                    upvotes: to_u64(col(r, 4)?),
                    downvotes: to_u64(col(r, 5)?),
                    status: crate::tree::status_of(&col::<String>(r, 6)?),
                    pinned: col(r, 7)?,
                    reader: col(r, 8)?,
                })
            })
            .collect()
    }

    async fn comments(
        &self,
        ids: Vec<String>,
        reader: Option<ReaderId>,
    ) -> Result<Vec<CommentRow>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, COALESCE(v.value, 0)::BIGINT
             FROM comments c
             LEFT JOIN votes v ON v.comment_id = c.id AND v.reader_id = $2
             WHERE c.id = ANY($1)"
        );
        let reader = reader.unwrap_or(-1);
        let rows = self
            .read("cannot read comments", &sql, &[&ids, &reader])
            .await?;
        rows.iter().map(comment_row).collect()
    }

    async fn insert_comment(&self, c: InsertComment) -> Result<Posted, StoreError> {
        writes::insert_comment(self, c).await
    }

    async fn edit_comment(
        &self,
        comment_id: String,
        grant: EditGrant,
        body_md: String,
        body_html: String,
    ) -> Result<CommentRow, StoreError> {
        writes::edit_comment(self, &comment_id, grant, &body_md, &body_html).await
    }

    async fn delete_comment(&self, comment_id: String, grant: EditGrant) -> Result<(), StoreError> {
        writes::delete_comment(self, &comment_id, grant).await
    }

    async fn set_vote(
        &self,
        comment_id: String,
        reader: ReaderId,
        vote: Vote,
    ) -> Result<Tallies, StoreError> {
        writes::set_vote(self, &comment_id, reader, vote).await
    }

    async fn counts(&self, keys: Vec<String>) -> Result<HashMap<String, u64>, StoreError> {
        let rows = self
            .read(
                "cannot count comments",
                "SELECT t.key, COUNT(c.id) FROM threads t
                 LEFT JOIN comments c ON c.thread_id = t.id AND NOT c.deleted
                                     AND c.status = 'visible'
                 WHERE t.key = ANY($1) GROUP BY t.key",
                &[&keys],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((col(r, 0)?, to_u64(col(r, 1)?))))
            .collect()
    }

    async fn import_thread(&self, thread: ImportThread) -> Result<usize, StoreError> {
        writes::import_thread(self, thread).await
    }

    async fn import_batch(&self, batch: ImportBatch) -> Result<BatchOutcome, StoreError> {
        transfer::import_batch(self, batch).await
    }

    async fn link_imported(
        &self,
        source_prefix: Option<String>,
        list_max: usize,
    ) -> Result<Linking, StoreError> {
        transfer::link_imported(self, source_prefix.as_deref().unwrap_or_default(), list_max).await
    }

    async fn export_threads(
        &self,
        after: ThreadId,
        limit: usize,
    ) -> Result<Vec<ExportedThread>, StoreError> {
        transfer::export_threads(self, after, limit).await
    }

    async fn export_comments(&self, thread: ThreadId) -> Result<Vec<ExportedComment>, StoreError> {
        transfer::export_comments(self, thread).await
    }

    async fn events_after(
        &self,
        thread: ThreadId,
        after: i64,
        limit: usize,
    ) -> Result<Vec<EventRow>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .read(
                "cannot read events",
                "SELECT seq, kind, comment_id FROM events WHERE thread_id = $1 AND seq > $2
                 ORDER BY seq LIMIT $3",
                &[&thread, &after, &limit],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = col(r, 1)?;
            // A kind written by a newer server is skipped rather than failing the stream.
            if let Some(kind) = EventKind::parse(&kind) {
                out.push(EventRow {
                    seq: col(r, 0)?,
                    kind,
                    comment_id: col(r, 2)?,
                });
            }
        }
        Ok(out)
    }

    async fn last_event(&self, thread: ThreadId) -> Result<i64, StoreError> {
        match self
            .read_opt(
                "cannot read a thread's last event",
                "SELECT last_event FROM threads WHERE id = $1",
                &[&thread],
            )
            .await?
        {
            Some(r) => col(&r, 0),
            None => Ok(0),
        }
    }

    fn wakeups(&self) -> broadcast::Receiver<Wakeup> {
        self.wake.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://tb:secret@db.example:5432/talkback"),
            "postgres://tb:***@db.example:5432/talkback"
        );
        assert_eq!(redact("postgres://tb@db/x"), "postgres://tb@db/x");
    }
}
