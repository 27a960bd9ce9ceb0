//! Imports (whole threads and resumable batches) and exports.

use talkback_protocol::CommentStatus;
use talkback_server::store::{
    ImportBatch, ImportComment, ImportThread, ImportedComment, ImportedThread,
};

use super::{S, comment, post, reader};

fn seed_comment(id: &str, parent: Option<&str>, at: i64) -> ImportComment {
    ImportComment {
        id: id.into(),
        parent_id: parent.map(Into::into),
        reader: 0,
        author: Some("Seed".into()),
        body_md: id.into(),
        body_html: format!("<p>{id}</p>"),
        created_at: at,
        deleted: false,
        upvotes: 1,
        downvotes: 0,
    }
}

pub async fn import_thread_writes_only_into_an_empty_thread(store: S) {
    let thread = |ids: &[&str]| ImportThread {
        key: "demo".into(),
        title: Some("Demo".into()),
        url: None,
        reader_token_hashes: vec![format!("seed-{}", ids[0])],
        comments: ids
            .iter()
            .enumerate()
            .map(|(n, id)| seed_comment(id, None, n as i64))
            .collect(),
    };
    assert_eq!(
        store
            .import_thread(thread(&["s1", "s2"]))
            .await
            .expect("first"),
        2
    );
    assert_eq!(
        store.import_thread(thread(&["s3"])).await.expect("second"),
        0
    );
    let t = store
        .thread_by_key("demo".into())
        .await
        .expect("t")
        .expect("exists");
    assert_eq!((t.comment_count, t.title.as_deref()), (2, Some("Demo")));
}

fn imported(id: &str, source: &str, parent: Option<&str>, at: i64) -> ImportedComment {
    ImportedComment {
        thread: 0,
        id: id.into(),
        source: Some(source.into()),
        parent: parent.map(Into::into),
        reader_key: "import:someone".into(),
        author: Some("Imp".into()),
        body_md: id.into(),
        body_html: format!("<p>{id}</p>"),
        created_at: at,
        edited_at: Some(at + 1),
        deleted: false,
        upvotes: 3,
        downvotes: 1,
        email: Some("imp@example.org".into()),
        status: CommentStatus::Visible,
        pinned: false,
    }
}

fn batch(comments: Vec<ImportedComment>) -> ImportBatch {
    ImportBatch {
        threads: vec![ImportedThread {
            key: "imp".into(),
            title: Some("Imported".into()),
            url: Some("https://example.org/imp".into()),
            created_at: 1,
            locked: false,
        }],
        comments,
    }
}

pub async fn import_batches_are_idempotent_and_link_late_parents(store: S) {
    // The reply comes in the batch before its parent; a second reply's parent never comes.
    let first = batch(vec![
        imported("r1", "x:2", Some("x:1"), 20),
        imported("lost", "x:9", Some("x:404"), 30),
    ]);
    let second = batch(vec![imported("p1", "x:1", None, 10)]);
    let out = store.import_batch(first.clone()).await.expect("first");
    assert_eq!((out.written, out.present), (2, 0));
    store.import_batch(second.clone()).await.expect("second");
    let linking = store
        .link_imported(Some("x:".into()), 10)
        .await
        .expect("link");
    assert_eq!((linking.linked, linking.orphan_count), (1, 1));
    assert_eq!(linking.orphans[0].id, "lost");
    assert_eq!(linking.orphans[0].missing_parent, "x:404");
    let other_prefix = store
        .link_imported(Some("y:".into()), 10)
        .await
        .expect("link");
    assert_eq!(other_prefix.orphan_count, 0);
    // Running it all again writes nothing, even under other ids.
    let mut again = first.clone();
    again.comments[0].id = "r1-again".into();
    let out = store.import_batch(again).await.expect("again");
    assert_eq!((out.written, out.present), (0, 2));
    let rows = store.comments(vec!["r1".into()], None).await.expect("rows");
    assert_eq!(rows[0].parent_id.as_deref(), Some("p1"));
    assert_eq!(
        (rows[0].upvotes, rows[0].downvotes, rows[0].edited_at),
        (3, 1, Some(21))
    );
    let t = store
        .thread_by_key("imp".into())
        .await
        .expect("t")
        .expect("exists");
    assert_eq!(t.comment_count, 3);
}

pub async fn export_puts_parents_first(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("root", "k", ann, None)).await;
    post(&store, comment("reply", "k", ann, Some("root"))).await;
    post(&store, comment("second", "k", ann, None)).await;
    store
        .import_batch(ImportBatch {
            threads: vec![ImportedThread {
                key: "k".into(),
                title: None,
                url: None,
                created_at: 0,
                locked: false,
            }],
            // Older than its parent: export must still put the parent first.
            comments: vec![ImportedComment {
                thread: 0,
                parent: Some("second".into()),
                ..imported("early", "x:early", None, 1)
            }],
        })
        .await
        .expect("import");
    let threads = store.export_threads(0, 10).await.expect("threads");
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].title.as_deref(), Some("Title"));
    assert!(
        store
            .export_threads(threads[0].id, 10)
            .await
            .expect("after")
            .is_empty()
    );
    let comments = store
        .export_comments(threads[0].id)
        .await
        .expect("comments");
    let ids: Vec<&str> = comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["root", "reply", "second", "early"]);
    assert_eq!(comments[0].email.as_deref(), Some("ann@example.org"));
    assert_eq!(comments[3].source.as_deref(), Some("x:early"));
    assert_eq!(comments[3].reader_key, "import:someone");
}

pub async fn imports_keep_status_pins_and_locks(store: S) {
    let mut locked = batch(vec![
        ImportedComment {
            pinned: true,
            ..imported("pinned", "m:1", None, 10)
        },
        ImportedComment {
            status: CommentStatus::Held,
            ..imported("held", "m:2", None, 20)
        },
        ImportedComment {
            status: CommentStatus::Hidden,
            ..imported("hidden", "m:3", None, 30)
        },
    ]);
    locked.threads[0].locked = true;
    store.import_batch(locked).await.expect("import");
    // A later import that does not lock the thread leaves the lock alone.
    let mut open = batch(vec![imported("late", "m:4", None, 40)]);
    open.threads[0].locked = false;
    store.import_batch(open).await.expect("import");

    let t = store
        .thread_by_key("imp".into())
        .await
        .expect("t")
        .expect("exists");
    assert!(t.locked);
    assert_eq!(
        t.comment_count, 2,
        "held and hidden comments are not counted"
    );
    let threads = store.export_threads(0, 10).await.expect("threads");
    assert!(threads[0].locked);
    let seen: Vec<(String, CommentStatus, bool)> = store
        .export_comments(t.id)
        .await
        .expect("comments")
        .into_iter()
        .map(|c| (c.id, c.status, c.pinned))
        .collect();
    assert_eq!(
        seen,
        [
            ("pinned".to_owned(), CommentStatus::Visible, true),
            ("held".to_owned(), CommentStatus::Held, false),
            ("hidden".to_owned(), CommentStatus::Hidden, false),
            ("late".to_owned(), CommentStatus::Visible, false),
        ]
    );
}
