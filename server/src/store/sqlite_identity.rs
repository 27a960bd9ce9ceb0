//! [`IdentityStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

use super::identity::{IdentityStore, account_token_hash};
use super::sqlite::SqliteStore;
use super::{ReaderId, StoreError};
use crate::clock::now_micros;

#[async_trait]
impl IdentityStore for SqliteStore {
    async fn account_reader(
        &self,
        external_id: String,
        create: bool,
    ) -> Result<Option<ReaderId>, StoreError> {
        self.with(move |c| {
            if create {
                // An account's token hash comes from its id alone, so a reader holding it without
                // the id (restored from an export that had no account lines) is this account.
                c.execute(
                    "INSERT INTO readers (token_hash, created_at, external_id) VALUES (?1, ?2, ?3)
                     ON CONFLICT (token_hash) DO UPDATE SET external_id = excluded.external_id
                     WHERE readers.external_id IS NULL",
                    params![account_token_hash(&external_id), now_micros(), external_id],
                )?;
            }
            Ok(c.query_row(
                "SELECT id FROM readers WHERE external_id = ?1",
                [&external_id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn verified_readers(&self, readers: Vec<ReaderId>) -> Result<Vec<ReaderId>, StoreError> {
        if readers.is_empty() {
            return Ok(Vec::new());
        }
        self.with(move |c| {
            let mut found = Vec::new();
            // Stay below SQLite's bound-parameter limit of older builds.
            for chunk in readers.chunks(400) {
                let marks = vec!["?"; chunk.len()].join(",");
                let sql = format!(
                    "SELECT id FROM readers WHERE external_id IS NOT NULL AND id IN ({marks})"
                );
                let mut stmt = c.prepare(&sql)?;
                let args = chunk.iter().map(|id| Value::Integer(*id));
                let rows = stmt.query_map(params_from_iter(args), |r| r.get(0))?;
                for row in rows {
                    found.push(row?);
                }
            }
            found.sort_unstable();
            found.dedup();
            Ok(found)
        })
        .await
    }
}
