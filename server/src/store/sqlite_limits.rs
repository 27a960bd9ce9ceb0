//! [`LimitStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::StoreError;
use super::limits::{Counter, Hit, LimitStore, expiry, prefix_pattern, to_count, window};
use super::sqlite::SqliteStore;

#[async_trait]
impl LimitStore for SqliteStore {
    async fn hit(&self, key: String, window_secs: u64, now: i64) -> Result<Hit, StoreError> {
        let (start, end) = window(window_secs, now);
        self.with(move |c| {
            // A counter from an older window starts again at 1; a newer one (another
            // instance's clock ahead of ours) keeps counting.
            let (count, window_end): (i64, i64) = c.query_row(
                "INSERT INTO limit_counters (key, window_start, count, expires_at)
                 VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (key) DO UPDATE SET
                     count = CASE WHEN limit_counters.window_start >= excluded.window_start
                                  THEN limit_counters.count + 1 ELSE 1 END,
                     window_start = MAX(limit_counters.window_start, excluded.window_start),
                     expires_at = MAX(limit_counters.expires_at, excluded.expires_at)
                 RETURNING count, expires_at",
                params![key, start, end],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count == 1 {
                c.execute(
                    "DELETE FROM limit_counters WHERE expires_at <= ?1",
                    params![now],
                )?;
            }
            Ok(Hit {
                count: to_count(count),
                window_end,
            })
        })
        .await
    }

    async fn mark(
        &self,
        key: String,
        value: String,
        ttl_secs: u64,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let until = expiry(ttl_secs, now);
        self.with(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let set: Option<String> = tx
                .query_row(
                    "INSERT INTO limit_marks (key, value, expires_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE
                         SET value = excluded.value, expires_at = excluded.expires_at
                         WHERE limit_marks.expires_at <= ?4
                     RETURNING value",
                    params![key, value, until, now],
                    |r| r.get(0),
                )
                .optional()?;
            let earlier = match set {
                Some(_) => {
                    tx.execute(
                        "DELETE FROM limit_marks WHERE expires_at <= ?1",
                        params![now],
                    )?;
                    None
                }
                None => tx
                    .query_row(
                        "SELECT value FROM limit_marks WHERE key = ?1",
                        params![key],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            tx.commit()?;
            Ok(earlier)
        })
        .await
    }

    async fn unmark(&self, key: String) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute("DELETE FROM limit_marks WHERE key = ?1", params![key])?;
            Ok(())
        })
        .await
    }

    async fn counters(&self, prefix: String, now: i64) -> Result<Vec<Counter>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT key, count, expires_at FROM limit_counters
                 WHERE key LIKE ?1 ESCAPE '\\' AND expires_at > ?2 ORDER BY count DESC, key",
            )?;
            let rows = stmt.query_map(params![prefix_pattern(&prefix), now], |r| {
                Ok(Counter {
                    key: r.get(0)?,
                    count: to_count(r.get(1)?),
                    window_end: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
