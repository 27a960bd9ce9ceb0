//! The abuse-limit counters and marks (`LimitStore`).

use std::sync::Arc;

use talkback_server::clock::now_micros;
use talkback_server::store::limits::window;

use super::S;

const MINUTE: i64 = 60_000_000;

/// A time in the middle of a minute window, so the test never straddles two.
fn mid_minute() -> i64 {
    let (start, _) = window(60, now_micros());
    start + MINUTE / 2
}

pub async fn hits_count_per_key_and_window(store: S) {
    let now = mid_minute();
    let (_, end) = window(60, now);
    for n in 1..=3 {
        let hit = store
            .hit("post:reader:1:60".into(), 60, now)
            .await
            .expect("hit");
        assert_eq!((hit.count, hit.window_end), (n, end), "hit {n}");
    }
    let other = store
        .hit("post:reader:2:60".into(), 60, now)
        .await
        .expect("hit");
    assert_eq!(other.count, 1, "another key counts on its own");
    let next = store
        .hit("post:reader:1:60".into(), 60, now + MINUTE)
        .await
        .expect("hit");
    assert_eq!(next.count, 1, "the next window starts again");
    assert_eq!(next.window_end, end + MINUTE);
    let late = store
        .hit("post:reader:1:60".into(), 60, now)
        .await
        .expect("hit");
    assert_eq!(
        late.count, 2,
        "a late instance adds to the newer window, never resets it"
    );
}

pub async fn concurrent_hits_are_each_counted_once(store: S) {
    let now = mid_minute();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.hit("vote:ip:192.0.2.1:60".into(), 60, now).await })
        })
        .collect();
    let mut counts = Vec::new();
    for t in tasks {
        counts.push(t.await.expect("task").expect("hit").count);
    }
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<u64>>(),
        "each hit saw its own count"
    );
}

pub async fn marks_hold_until_they_expire(store: S) {
    let now = now_micros();
    let key = "dup:reader:1:abc".to_owned();
    assert_eq!(
        store
            .mark(key.clone(), "token:a".into(), 600, now)
            .await
            .expect("mark"),
        None
    );
    assert_eq!(
        store
            .mark(key.clone(), "token:b".into(), 600, now + 1)
            .await
            .expect("mark"),
        Some("token:a".into()),
        "an unexpired mark is reported and kept"
    );
    let later = now + 601 * 1_000_000;
    assert_eq!(
        store
            .mark(key.clone(), "token:c".into(), 600, later)
            .await
            .expect("mark"),
        None,
        "an expired mark is replaced"
    );
    store.unmark(key.clone()).await.expect("unmark");
    assert_eq!(
        store
            .mark(key, "token:d".into(), 600, later)
            .await
            .expect("mark"),
        None
    );
}

pub async fn counters_are_listed_by_prefix_while_open(store: S) {
    let now = mid_minute();
    for _ in 0..3 {
        store
            .hit("farm:203.0.113.0/24".into(), 60, now)
            .await
            .expect("hit");
    }
    store
        .hit("farm:198.51.100.0/24".into(), 60, now)
        .await
        .expect("hit");
    store.hit("farm_x".into(), 60, now).await.expect("hit");
    store
        .hit("post:reader:1:60".into(), 60, now)
        .await
        .expect("hit");
    let listed = store.counters("farm:".into(), now).await.expect("counters");
    let seen: Vec<(&str, u64)> = listed.iter().map(|c| (c.key.as_str(), c.count)).collect();
    assert_eq!(
        seen,
        [("farm:203.0.113.0/24", 3), ("farm:198.51.100.0/24", 1)]
    );
    let after = store
        .counters("farm:".into(), now + MINUTE)
        .await
        .expect("counters");
    assert!(after.is_empty(), "closed windows are not listed: {after:?}");
}
