//! Storage of readers who signed in through the site: one reader per site account, so the
//! account's comments stay editable from any device.

use async_trait::async_trait;

use super::{ReaderId, StoreError};

/// Readers keyed by the site's account id (`readers.external_id`).
#[async_trait]
pub trait IdentityStore: Send + Sync + 'static {
    /// The reader of the site account `external_id`; created on first sight when `create`,
    /// else `None` for an account never seen.
    async fn account_reader(
        &self,
        external_id: String,
        create: bool,
    ) -> Result<Option<ReaderId>, StoreError>;
    /// Those of `readers` that are site accounts (any order, no duplicates).
    async fn verified_readers(&self, readers: Vec<ReaderId>) -> Result<Vec<ReaderId>, StoreError>;
}

/// The stored token hash of an account reader: never the hash of a bearer token (those are bare
/// hex), so no bearer token can stand in for an account.
pub fn account_token_hash(external_id: &str) -> String {
    format!("sso:{}", crate::ids::token_hash(external_id))
}
