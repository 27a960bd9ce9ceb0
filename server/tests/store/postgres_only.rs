//! PostgreSQL-only behaviour: several instances on one database, and surviving a restart.

use std::time::Duration;

use talkback_server::store::postgres::PostgresStore;
use talkback_server::store::{Store, Wakeup};

use crate::cases::{S, comment, reader};
use crate::fixture::pg_database;

/// Instances starting together migrate once; both then work on the same data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    let url = pg_database().await;
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::open(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for o in opens {
        stores.push(o.await.expect("task").expect("open"));
    }
    let secrets: std::collections::HashSet<String> = {
        let mut s = std::collections::HashSet::new();
        for store in &stores {
            s.insert(store.instance_secret().await.expect("secret"));
        }
        s
    };
    assert_eq!(secrets.len(), 1, "one secret for all instances");
}

/// A change made through one instance wakes subscribers of another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wakeups_cross_instances() {
    let url = pg_database().await;
    let a: S = std::sync::Arc::new(PostgresStore::open(&url).await.expect("a"));
    let b: S = std::sync::Arc::new(PostgresStore::open(&url).await.expect("b"));
    let mut on_b = b.wakeups();
    let ann = reader(&a).await;
    // Readers live in the database: instance b knows a's reader.
    let rows = b.find_reader("nobody".into()).await.expect("find");
    assert!(rows.is_none());
    a.insert_comment(comment("c1", "k", ann, None))
        .await
        .expect("post on a");
    let thread = b
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("seen by b")
        .id;
    let got = tokio::time::timeout(Duration::from_secs(10), on_b.recv())
        .await
        .expect("b hears of it within 10 s")
        .expect("open");
    assert_eq!(got, Wakeup::Thread(thread));
}

/// After PostgreSQL restarts, requests succeed again (at most one fails) and subscribers are
/// told to look at everything, since notifications may have been lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_recovers_after_a_postgres_restart() {
    let cluster = tokio::task::spawn_blocking(talkback_pgtest::Cluster::start)
        .await
        .expect("task")
        .unwrap_or_else(|e| panic!("no PostgreSQL for this test: {e}"));
    let url = cluster.create_database().expect("database");
    let store: S = std::sync::Arc::new(PostgresStore::open(&url).await.expect("open"));
    let ann = reader(&store).await;
    store
        .insert_comment(comment("before", "k", ann, None))
        .await
        .expect("post");
    let mut wake = store.wakeups();

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop_server().expect("stop");
        cluster.start_server().expect("start");
        cluster
    })
    .await
    .expect("restart");

    let mut failures = 0;
    let thread = loop {
        match store.thread_by_key("k".into()).await {
            Ok(t) => break t.expect("thread kept"),
            Err(e) if failures == 0 => {
                eprintln!("first request after the restart failed: {e}");
                failures += 1;
            }
            Err(e) => panic!("the store did not recover: {e}"),
        }
    };
    assert_eq!(thread.comment_count, 1);
    store
        .insert_comment(comment("after", "k", ann, None))
        .await
        .expect("post after restart");
    // The listener reconnects and says so.
    let all = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match wake.recv().await {
                Ok(Wakeup::All) => return true,
                Ok(Wakeup::Thread(_)) => continue,
                Err(_) => return false,
            }
        }
    })
    .await
    .expect("Wakeup::All within 20 s");
    assert!(all);
    drop(store);
    drop(cluster);
}
