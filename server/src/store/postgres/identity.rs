//! [`IdentityStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::clock::now_micros;
use crate::store::identity::{IdentityStore, account_token_hash};
use crate::store::{ReaderId, StoreError};

#[async_trait]
impl IdentityStore for PostgresStore {
    async fn account_reader(
        &self,
        external_id: String,
        create: bool,
    ) -> Result<Option<ReaderId>, StoreError> {
        if create {
            // Two instances seeing a new account at once both insert; the index keeps one.
            let client = self.client().await?;
            client
                .execute(
                    // The token hash comes from the account id alone: a reader holding it
                    // without the id (restored from an old export) is this account.
                    "INSERT INTO readers (token_hash, created_at, external_id) VALUES ($1, $2, $3)
                     ON CONFLICT (token_hash) DO UPDATE SET external_id = excluded.external_id
                     WHERE readers.external_id IS NULL",
                    &[
                        &account_token_hash(&external_id),
                        &now_micros(),
                        &external_id,
                    ],
                )
                .await
                .map_err(|e| super::db_error("cannot store a signed-in reader", &e))?;
        }
        let row = self
            .read_opt(
                "cannot find a signed-in reader",
                "SELECT id FROM readers WHERE external_id = $1",
                &[&external_id],
            )
            .await?;
        row.map(|r| super::col(&r, 0)).transpose()
    }

    async fn verified_readers(&self, readers: Vec<ReaderId>) -> Result<Vec<ReaderId>, StoreError> {
        if readers.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .read(
                "cannot read signed-in readers",
                "SELECT id FROM readers WHERE external_id IS NOT NULL AND id = ANY($1)",
                &[&readers],
            )
            .await?;
        rows.iter().map(|r| super::col(r, 0)).collect()
    }
}
