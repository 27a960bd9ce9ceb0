//! Events: one per change, numbered per thread without gaps, and wakeups naming the thread.

use std::time::Duration;

use talkback_protocol::Vote;
use talkback_server::store::{EventKind, EventRow, Wakeup};

use super::{S, comment, grant, post, reader};

pub async fn every_change_records_one_event(store: S) {
    let ann = reader(&store).await;
    let bob = reader(&store).await;
    post(&store, comment("c1", "k", ann, None)).await;
    post(&store, comment("c2", "k", ann, Some("c1"))).await;
    store
        .edit_comment("c1".into(), grant(ann), "x".into(), "<p>x</p>".into())
        .await
        .expect("edit");
    store
        .set_vote("c2".into(), bob, Vote::Up)
        .await
        .expect("vote");
    // The same vote again changes nothing and records nothing.
    store
        .set_vote("c2".into(), bob, Vote::Up)
        .await
        .expect("same vote");
    store
        .delete_comment("c2".into(), grant(ann))
        .await
        .expect("delete");
    // A repeated post (same token) is no change either.
    let mut c = comment("c3", "k", ann, None);
    c.client_token = Some("t".into());
    store.insert_comment(c.clone()).await.expect("post");
    store.insert_comment(c).await.expect("repeat");
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists")
        .id;
    let events = store.events_after(thread, 0, 100).await.expect("events");
    let ev = |seq, kind, id: &str| EventRow {
        seq,
        kind,
        comment_id: id.into(),
    };
    assert_eq!(
        events,
        [
            ev(1, EventKind::Posted, "c1"),
            ev(2, EventKind::Posted, "c2"),
            ev(3, EventKind::Edited, "c1"),
            ev(4, EventKind::Voted, "c2"),
            ev(5, EventKind::Deleted, "c2"),
            ev(6, EventKind::Posted, "c3"),
        ]
    );
    assert_eq!(store.last_event(thread).await.expect("last"), 6);
    let tail = store.events_after(thread, 4, 1).await.expect("tail");
    assert_eq!(tail, [ev(5, EventKind::Deleted, "c2")]);
    assert_eq!(store.last_event(thread + 1000).await.expect("none"), 0);
}

pub async fn concurrent_writers_get_gapless_ordered_seqs(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("root", "k", ann, None)).await;
    let voters: Vec<_> = {
        let mut v = Vec::new();
        for _ in 0..10 {
            v.push(reader(&store).await);
        }
        v
    };
    let mut tasks = Vec::new();
    for n in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("c{n}");
            store
                .insert_comment(comment(&id, "k", ann, Some("root")))
                .await
                .expect("post");
        }));
    }
    for voter in voters {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .set_vote("root".into(), voter, Vote::Up)
                .await
                .expect("vote");
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists")
        .id;
    let events = store.events_after(thread, 0, 1000).await.expect("events");
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=31).collect::<Vec<i64>>());
    assert_eq!(store.last_event(thread).await.expect("last"), 31);
    let root = store
        .comments(vec!["root".into()], None)
        .await
        .expect("root");
    assert_eq!(root[0].upvotes, 10);
}

pub async fn wakeups_name_the_changed_thread(store: S) {
    let ann = reader(&store).await;
    let mut wake = store.wakeups();
    post(&store, comment("c1", "k", ann, None)).await;
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists")
        .id;
    let got = tokio::time::timeout(Duration::from_secs(10), wake.recv())
        .await
        .expect("a wakeup within 10 s")
        .expect("channel open");
    assert_eq!(got, Wakeup::Thread(thread));
}

pub async fn the_instance_secret_is_stable(store: S) {
    let a = store.instance_secret().await.expect("secret");
    let b = store.instance_secret().await.expect("again");
    assert_eq!(a, b);
    assert!(a.len() >= 16, "{a}");
}
