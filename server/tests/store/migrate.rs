//! `migrate`: a demo site on SQLite, copied into PostgreSQL, serves the same pages to the same
//! readers, and a second run copies nothing twice.

use reqwest::Client;
use serde_json::{Value, json};
use talkback_server::store::Store;
use talkback_server::store::postgres::{PostgresStore, copy_from_sqlite};
use talkback_server::store::sqlite::SqliteStore;
use talkback_server::{Config, Running, start};

use crate::fixture::pg_database;

mod moderation;

async fn serve(db: &str, seed: bool) -> Running {
    let mut config = Config::new(db);
    config.listen = "127.0.0.1:0".into();
    config.seed_demo = seed;
    start(&config).await.expect("server starts")
}

/// Every thread page (all comments, oldest first) as `token`'s reader sees it.
async fn pages(base: &str, keys: &[String], token: &str) -> Vec<Value> {
    let client = Client::new();
    let mut out = Vec::new();
    for key in keys {
        for token in [None, Some(token)] {
            let mut req = client.get(format!(
                "{base}/api/v1/thread?key={}&sort=oldest&limit=100&replies=100",
                encode(key)
            ));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.expect("request");
            assert_eq!(res.status(), 200, "thread {key}");
            out.push(res.json().await.expect("page"));
        }
    }
    out
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_sqlite_site_serves_the_same_pages_from_postgres() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = dir.path().join("site.db").display().to_string();

    // The demo thread, plus a reader's own activity on a second thread.
    let site = serve(&sqlite, true).await;
    let base = format!("http://{}", site.addr);
    let client = Client::new();
    let reader: Value = client
        .post(format!("{base}/api/v1/readers"))
        .send()
        .await
        .expect("reader")
        .json()
        .await
        .expect("json");
    let token = reader["token"].as_str().expect("token").to_owned();
    let post = |body: Value| {
        client
            .post(format!("{base}/api/v1/comments"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let root: Value = post(
        json!({"thread": "https://example.org/second", "body": "first *words*", "author": "Ann",
                                   "email": "ann@example.org", "client_token": "tok-1"}),
    )
    .await
    .expect("post")
    .json()
    .await
    .expect("json");
    let root_id = root["id"].as_str().expect("id").to_owned();
    let reply: Value = post(
        json!({"thread": "https://example.org/second", "parent_id": root_id, "body": "a reply"}),
    )
    .await
    .expect("reply")
    .json()
    .await
    .expect("json");
    let reply_id = reply["id"].as_str().expect("id").to_owned();
    // Readers cannot vote on their own comments: a second reader votes.
    let voter: Value = client
        .post(format!("{base}/api/v1/readers"))
        .send()
        .await
        .expect("voter")
        .json()
        .await
        .expect("json");
    let voter = voter["token"].as_str().expect("token").to_owned();
    for (id, value) in [(&root_id, 1), (&reply_id, -1)] {
        let res = client
            .put(format!("{base}/api/v1/comments/{id}/vote"))
            .bearer_auth(&voter)
            .json(&json!({"value": value}))
            .send()
            .await
            .expect("vote");
        assert_eq!(
            res.status(),
            200,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }
    let res = client
        .patch(format!("{base}/api/v1/comments/{reply_id}"))
        .bearer_auth(&token)
        .json(&json!({"body": "an edited reply"}))
        .send()
        .await
        .expect("edit");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    site.stop().await.expect("stops");

    let source = SqliteStore::open(std::path::Path::new(&sqlite)).expect("reopen");
    let keys: Vec<String> = source
        .export_threads(0, 100)
        .await
        .expect("threads")
        .into_iter()
        .map(|t| t.key)
        .collect();
    assert_eq!(keys.len(), 2);
    let site = serve(&sqlite, false).await;
    let before = pages(&format!("http://{}", site.addr), &keys, &token).await;
    site.stop().await.expect("stops");

    let url = pg_database().await;
    let target = PostgresStore::open(&url).await.expect("open target");
    let first = copy_from_sqlite(std::path::Path::new(&sqlite), &target)
        .await
        .expect("copy");
    let added = |c: &talkback_server::store::postgres::CopyCounts, table: &str| {
        c.tables
            .iter()
            .find(|t| t.0 == table)
            .map(|t| (t.1, t.2))
            .expect("table counted")
    };
    let (comments, total) = added(&first, "comments");
    assert!(comments > 20 && comments == total, "{first}");
    assert_eq!(added(&first, "votes"), (2, 2), "{first}");
    assert!(added(&first, "events").0 >= 5, "{first}");
    let again = copy_from_sqlite(std::path::Path::new(&sqlite), &target)
        .await
        .expect("copy again");
    assert!(
        again.tables.iter().all(|t| t.1 == 0),
        "a second run copied rows again:\n{again}"
    );

    for key in &keys {
        let (a, b) = (
            source
                .thread_by_key(key.clone())
                .await
                .expect("a")
                .expect("thread"),
            target
                .thread_by_key(key.clone())
                .await
                .expect("b")
                .expect("thread"),
        );
        assert_eq!(
            source.events_after(a.id, 0, 1000).await.expect("events"),
            target.events_after(b.id, 0, 1000).await.expect("events")
        );
        assert_eq!(
            source.last_event(a.id).await.expect("last"),
            target.last_event(b.id).await.expect("last")
        );
    }
    assert_eq!(
        source.instance_secret().await.expect("secret"),
        target.instance_secret().await.expect("secret")
    );
    drop(target);

    let site = serve(&url, false).await;
    let pg_base = format!("http://{}", site.addr);
    let after = pages(&pg_base, &keys, &token).await;
    assert_eq!(before, after);
    // New rows get fresh ids after the copied ones.
    let res = client
        .post(format!("{pg_base}/api/v1/readers"))
        .send()
        .await
        .expect("reader");
    assert_eq!(res.status(), 201);
    let res = client
        .post(format!("{pg_base}/api/v1/comments"))
        .bearer_auth(&token)
        .json(&json!({"thread": "https://example.org/third", "body": "new here"}))
        .send()
        .await
        .expect("post");
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    site.stop().await.expect("stops");
}

/// Copying a second, different site into the same database is refused, not merged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_sites_copy_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = pg_database().await;
    let target = PostgresStore::open(&url).await.expect("open target");
    for (n, key) in ["first-site", "second-site"].into_iter().enumerate() {
        let path = dir.path().join(format!("{key}.db"));
        let site: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(SqliteStore::open(&path).expect("site"));
        let reader = crate::cases::reader(&site).await;
        crate::cases::post(&site, crate::cases::comment(key, key, reader, None)).await;
        let copied = copy_from_sqlite(&path, &target).await;
        match n {
            0 => assert!(copied.is_ok(), "{copied:?}"),
            _ => {
                let err = copied.expect_err("a different site");
                assert!(err.to_string().contains("empty database"), "{err}");
            }
        }
    }
}

/// A column `migrate` does not know how to copy stops it before anything is written, naming
/// the column, instead of being dropped on the way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_column_stops_the_copy_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("site.db");
    {
        let site: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(SqliteStore::open(&path).expect("site"));
        let reader = crate::cases::reader(&site).await;
        crate::cases::post(&site, crate::cases::comment("c1", "k", reader, None)).await;
    }
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch("ALTER TABLE comments ADD COLUMN mood TEXT"))
        .expect("add a column");
    let url = pg_database().await;
    let target = PostgresStore::open(&url).await.expect("open target");
    let err = copy_from_sqlite(&path, &target)
        .await
        .expect_err("an unknown column");
    assert!(err.to_string().contains("comments.mood"), "{err}");
    assert!(
        target
            .thread_by_key("k".into())
            .await
            .expect("read")
            .is_none(),
        "nothing was copied"
    );
}
