//! Which store a `--db` value names, and opening it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::postgres::PostgresStore;
use super::sqlite::SqliteStore;
use super::{Store, StoreError};

/// Where the data lives, as given to `--db`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file: a plain path or `sqlite://path`.
    Sqlite(PathBuf),
    /// A PostgreSQL database: `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl Location {
    /// Reads a `--db` value; anything without a known scheme is a SQLite file path.
    pub fn parse(db: &Path) -> Location {
        let Some(text) = db.to_str() else {
            return Location::Sqlite(db.to_owned());
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_owned())
        } else if let Some(path) = text.strip_prefix("sqlite://") {
            Location::Sqlite(PathBuf::from(path))
        } else {
            Location::Sqlite(db.to_owned())
        }
    }
}

/// Opens (creating and migrating as needed) the store a `--db` value names.
pub async fn open(db: &Path) -> Result<Arc<dyn Store>, StoreError> {
    open_with_ca(db, None).await
}

/// Like [`open`]; `db_ca_file` (`--db-ca-file`) adds a trusted CA for TLS to PostgreSQL.
pub async fn open_with_ca(
    db: &Path,
    db_ca_file: Option<&Path>,
) -> Result<Arc<dyn Store>, StoreError> {
    match Location::parse(db) {
        Location::Sqlite(path) => {
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
                .await
                .map_err(|e| StoreError::Database(format!("store task failed: {e}")))??;
            Ok(Arc::new(store))
        }
        Location::Postgres(url) => Ok(Arc::new(
            PostgresStore::open_with_ca(&url, db_ca_file).await?,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_values_name_their_store() {
        let parse = |s: &str| Location::parse(Path::new(s));
        assert_eq!(parse("talkback.db"), Location::Sqlite("talkback.db".into()));
        assert_eq!(
            parse("sqlite:///var/lib/tb.db"),
            Location::Sqlite("/var/lib/tb.db".into())
        );
        assert_eq!(parse("sqlite://rel.db"), Location::Sqlite("rel.db".into()));
        assert_eq!(
            parse("postgres://tb@db/talkback"),
            Location::Postgres("postgres://tb@db/talkback".into())
        );
        assert_eq!(
            parse("postgresql://tb@db/talkback"),
            Location::Postgres("postgresql://tb@db/talkback".into())
        );
    }
}
