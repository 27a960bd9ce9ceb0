//! [`LimitStore`] on PostgreSQL: one UPSERT per counted event, so instances sharing the
//! database share every limit.

use async_trait::async_trait;

use super::{PostgresStore, db_error};
use crate::store::StoreError;
use crate::store::limits::{Counter, Hit, LimitStore, expiry, prefix_pattern, to_count, window};

#[async_trait]
impl LimitStore for PostgresStore {
    async fn hit(&self, key: String, window_secs: u64, now: i64) -> Result<Hit, StoreError> {
        let (start, end) = window(window_secs, now);
        let client = self.client().await?;
        // A counter from an older window starts again at 1; a newer one (another instance's
        // clock ahead of ours) keeps counting.
        let row = client
            .query_one(
                "INSERT INTO limit_counters (key, window_start, count, expires_at)
                 VALUES ($1, $2, 1, $3)
                 ON CONFLICT (key) DO UPDATE SET
                     count = CASE WHEN limit_counters.window_start >= excluded.window_start
                                  THEN limit_counters.count + 1 ELSE 1 END,
                     window_start = GREATEST(limit_counters.window_start, excluded.window_start),
                     expires_at = GREATEST(limit_counters.expires_at, excluded.expires_at)
                 RETURNING count, expires_at",
                &[&key, &start, &end],
            )
            .await
            .map_err(|e| db_error("cannot count a request", &e))?;
        let count: i64 = row.get(0);
        if count == 1 {
            client
                .execute("DELETE FROM limit_counters WHERE expires_at <= $1", &[&now])
                .await
                .map_err(|e| db_error("cannot prune old request counters", &e))?;
        }
        Ok(Hit {
            count: to_count(count),
            window_end: row.get(1),
        })
    }

    async fn mark(
        &self,
        key: String,
        value: String,
        ttl_secs: u64,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let until = expiry(ttl_secs, now);
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("cannot start a transaction", &e))?;
        let set = tx
            .query_opt(
                "INSERT INTO limit_marks (key, value, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE
                     SET value = excluded.value, expires_at = excluded.expires_at
                     WHERE limit_marks.expires_at <= $4
                 RETURNING value",
                &[&key, &value, &until, &now],
            )
            .await
            .map_err(|e| db_error("cannot store a recent post's mark", &e))?;
        let earlier = match set {
            Some(_) => {
                tx.execute("DELETE FROM limit_marks WHERE expires_at <= $1", &[&now])
                    .await
                    .map_err(|e| db_error("cannot prune old marks", &e))?;
                None
            }
            None => tx
                .query_opt("SELECT value FROM limit_marks WHERE key = $1", &[&key])
                .await
                .map_err(|e| db_error("cannot read a recent post's mark", &e))?
                .map(|r| r.get(0)),
        };
        tx.commit()
            .await
            .map_err(|e| db_error("cannot commit a mark", &e))?;
        Ok(earlier)
    }

    async fn unmark(&self, key: String) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("DELETE FROM limit_marks WHERE key = $1", &[&key])
            .await
            .map_err(|e| db_error("cannot remove a mark", &e))?;
        Ok(())
    }

    async fn counters(&self, prefix: String, now: i64) -> Result<Vec<Counter>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT key, count, expires_at FROM limit_counters
                 WHERE key LIKE $1 ESCAPE '\\' AND expires_at > $2 ORDER BY count DESC, key",
                &[&prefix_pattern(&prefix), &now],
            )
            .await
            .map_err(|e| db_error("cannot read request counters", &e))?;
        Ok(rows
            .iter()
            .map(|r| Counter {
                key: r.get(0),
                count: to_count(r.get(1)),
                window_end: r.get(2),
            })
            .collect())
    }
}
