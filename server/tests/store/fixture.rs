//! A fresh store of either kind, kept alive (with its files) for one test.

use std::sync::Arc;

use talkback_server::store::Store;
use talkback_server::store::postgres::PostgresStore;
use talkback_server::store::sqlite::SqliteStore;
use tempfile::TempDir;

pub struct Fixture {
    store: Arc<dyn Store>,
    /// Where the SQLite file lives; `None` for PostgreSQL.
    _dir: Option<TempDir>,
}

impl Fixture {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("talkback.db");
        let store = SqliteStore::open(&path).expect("open SQLite");
        Fixture {
            store: Arc::new(store),
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Self {
        let url = pg_database().await;
        let store = PostgresStore::open(&url).await.expect("open PostgreSQL");
        Fixture {
            store: Arc::new(store),
            _dir: None,
        }
    }

    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }
}

/// A fresh database on this binary's shared cluster (process spawning kept off the runtime).
pub async fn pg_database() -> String {
    match tokio::task::spawn_blocking(talkback_pgtest::try_database).await {
        Ok(Ok(url)) => url,
        Ok(Err(e)) => panic!("no PostgreSQL for this test: {e}"),
        Err(e) => panic!("cluster task failed: {e}"),
    }
}
