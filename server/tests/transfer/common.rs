//! A site on a fresh database: import into it, read its threads back over the API.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use talkback_protocol::ThreadPage;
use talkback_server::store::Store;
use talkback_server::store::sqlite::SqliteStore;
use talkback_server::transfer::{Format, ImportOptions, ImportSummary, UrlMap, run_import};
use talkback_server::{Config, start};
use tempfile::TempDir;

/// Path of a fixture file.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub struct Site {
    pub dir: TempDir,
    pub db: PathBuf,
    pub store: Arc<SqliteStore>,
}

impl Site {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("talkback.db");
        let store = Arc::new(SqliteStore::open(&db).expect("open store"));
        Site { dir, db, store }
    }

    pub async fn import(&self, format: Format, file: &Path, maps: &[&str]) -> ImportSummary {
        let mut options = ImportOptions::new(format);
        options.quiet = true;
        options.maps = maps
            .iter()
            .map(|m| m.parse::<UrlMap>().expect("rule"))
            .collect();
        run_import(self.store.as_ref(), file, &options)
            .await
            .expect("import runs")
    }

    /// Every comment of the thread over the API, oldest first, with replies under parents.
    pub async fn page(&self, key: &str) -> ThreadPage {
        let mut config = Config::new(&self.db);
        config.listen = "127.0.0.1:0".to_owned();
        let running = start(&config).await.expect("server starts");
        let url = format!(
            "http://{}/api/v1/thread?key={}&sort=oldest&limit=100&replies=100",
            running.addr,
            encode(key)
        );
        let page: ThreadPage = reqwest::Client::new()
            .get(url)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("thread page");
        running.stop().await.expect("server stops");
        page
    }

    /// Keys of all threads, in creation order.
    pub async fn keys(&self) -> Vec<String> {
        self.store
            .export_threads(0, 10_000)
            .await
            .expect("threads")
            .into_iter()
            .map(|t| t.key)
            .collect()
    }

    /// Runs a query returning one integer.
    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }
}

/// A comment as a reader sees it: depth, author, text, time, deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub depth: usize,
    pub author: Option<String>,
    pub body_html: String,
    pub created_at: String,
    pub deleted: bool,
    pub upvotes: u64,
    pub downvotes: u64,
}

/// The page as a reader sees it, in display order.
pub fn seen(page: &ThreadPage) -> Vec<Seen> {
    let mut depth: HashMap<String, usize> = HashMap::new();
    page.comments
        .iter()
        .map(|c| {
            let d = c
                .parent_id
                .as_ref()
                .and_then(|p| depth.get(p.as_str()))
                .map_or(0, |d| d + 1);
            depth.insert(c.id.as_str().to_owned(), d);
            Seen {
                depth: d,
                author: c.author.clone(),
                body_html: c.body_html.clone(),
                created_at: c.created_at.clone(),
                deleted: c.deleted,
                upvotes: c.upvotes,
                downvotes: c.downvotes,
            }
        })
        .collect()
}

/// Finds the comment whose text contains `needle`.
pub fn find<'a>(seen: &'a [Seen], needle: &str) -> &'a Seen {
    seen.iter()
        .find(|s| s.body_html.contains(needle))
        .unwrap_or_else(|| panic!("no comment contains {needle:?} in {seen:#?}"))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
