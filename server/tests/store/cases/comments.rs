//! Posting, replies, idempotency, editing, deleting, votes and counts.

use talkback_protocol::Vote;
use talkback_server::store::{EditGrant, ImportComment, ImportThread, StoreError, Tallies};

use super::{S, comment, grant, post, reader};

pub async fn posting_and_reading(store: S) {
    let ann = reader(&store).await;
    assert_eq!(
        store.find_reader("nobody".into()).await.expect("find"),
        None
    );
    assert!(
        store
            .thread_by_key("k".into())
            .await
            .expect("thread")
            .is_none()
    );
    let posted = store
        .insert_comment(comment("c1", "k", ann, None))
        .await
        .expect("post");
    assert!(posted.created);
    assert_eq!(posted.row.body_html, "<p>body of c1</p>");
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("thread")
        .expect("exists");
    assert_eq!(
        (thread.comment_count, thread.title.as_deref()),
        (1, Some("Title"))
    );
    let by_id = store
        .thread_by_id(thread.id)
        .await
        .expect("by id")
        .expect("exists");
    assert_eq!(by_id.key, "k");
    assert_eq!(
        store.thread_of_comment("c1".into()).await.expect("of"),
        Some(thread.id)
    );
    assert_eq!(
        store.thread_of_comment("nope".into()).await.expect("of"),
        None
    );
    let rows = store
        .comments(vec!["c1".into(), "nope".into()], Some(ann))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.reader_id, row.author.as_deref(), row.deleted),
        (ann, Some("Ann"), false)
    );
    assert_eq!((row.edited_at, row.my_vote), (None, Vote::None));
    let skeleton = store.skeleton(thread.id).await.expect("skeleton");
    assert_eq!(skeleton.len(), 1);
    assert_eq!(skeleton[0].id, "c1");
}

pub async fn replies_check_their_parent(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("root", "a", ann, None)).await;
    post(&store, comment("reply", "a", ann, Some("root"))).await;
    post(&store, comment("other", "b", ann, None)).await;
    let rows = store
        .comments(vec!["reply".into()], None)
        .await
        .expect("rows");
    assert_eq!(rows[0].parent_id.as_deref(), Some("root"));
    let err = store
        .insert_comment(comment("x", "a", ann, Some("missing")))
        .await;
    assert!(matches!(err, Err(StoreError::ParentNotFound)), "{err:?}");
    let err = store
        .insert_comment(comment("x", "a", ann, Some("other")))
        .await;
    assert!(
        matches!(err, Err(StoreError::ParentInOtherThread)),
        "{err:?}"
    );
    store
        .delete_comment("root".into(), grant(ann))
        .await
        .expect("delete");
    let err = store
        .insert_comment(comment("x", "a", ann, Some("root")))
        .await;
    assert!(matches!(err, Err(StoreError::ParentDeleted)), "{err:?}");
    // The refused replies wrote nothing, not even a thread.
    assert!(
        store
            .thread_of_comment("x".into())
            .await
            .expect("of")
            .is_none()
    );
}

pub async fn client_tokens_make_posts_idempotent(store: S) {
    let ann = reader(&store).await;
    let bob = reader(&store).await;
    let with_token = |id: &str, who| {
        let mut c = comment(id, "k", who, None);
        c.client_token = Some("tok".into());
        c
    };
    let first = store
        .insert_comment(with_token("c1", ann))
        .await
        .expect("first");
    let again = store
        .insert_comment(with_token("c2", ann))
        .await
        .expect("again");
    assert!(first.created && !again.created);
    assert_eq!(again.row.id, "c1");
    assert_eq!(again.row.body_html, "<p>body of c1</p>");
    // Tokens are per reader: another reader's same token is a new comment.
    let other = store
        .insert_comment(with_token("c3", bob))
        .await
        .expect("bob");
    assert!(other.created);
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists");
    assert_eq!(thread.comment_count, 2);
}

pub async fn concurrent_posts_with_one_token_store_one_comment(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("first", "k", ann, None)).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = comment(&format!("try{n}"), "k", ann, None);
            c.client_token = Some("same".into());
            store.insert_comment(c).await.expect("post")
        }));
    }
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let posted = t.await.expect("task");
        created += usize::from(posted.created);
        ids.insert(posted.row.id);
    }
    assert_eq!((created, ids.len()), (1, 1));
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists");
    assert_eq!(thread.comment_count, 2);
}

pub async fn the_edit_window_and_ownership_guard_changes(store: S) {
    let ann = reader(&store).await;
    let bob = reader(&store).await;
    post(&store, comment("c1", "k", ann, None)).await;
    let g = grant(ann);
    let edited = store
        .edit_comment("c1".into(), g, "new".into(), "<p>new</p>".into())
        .await
        .expect("edit");
    assert_eq!(
        (edited.body_html.as_str(), edited.edited_at),
        ("<p>new</p>", Some(g.now))
    );
    let err = store
        .edit_comment("c1".into(), grant(bob), "x".into(), "x".into())
        .await;
    assert!(matches!(err, Err(StoreError::NotYours)), "{err:?}");
    let late = EditGrant {
        now: g.now + 3_601_000_000,
        ..g
    };
    let err = store
        .edit_comment("c1".into(), late, "x".into(), "x".into())
        .await;
    assert!(
        matches!(err, Err(StoreError::EditWindowClosed { window_secs: 3600 })),
        "{err:?}"
    );
    let err = store.delete_comment("c1".into(), late).await;
    assert!(
        matches!(err, Err(StoreError::EditWindowClosed { .. })),
        "{err:?}"
    );
    let err = store
        .edit_comment("nope".into(), g, "x".into(), "x".into())
        .await;
    assert!(matches!(err, Err(StoreError::CommentNotFound)), "{err:?}");
    store.delete_comment("c1".into(), g).await.expect("delete");
    let err = store
        .edit_comment("c1".into(), g, "x".into(), "x".into())
        .await;
    assert!(matches!(err, Err(StoreError::CommentDeleted)), "{err:?}");
}

pub async fn deleting_erases_content_and_keeps_the_place(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("root", "k", ann, None)).await;
    post(&store, comment("reply", "k", ann, Some("root"))).await;
    store
        .delete_comment("root".into(), grant(ann))
        .await
        .expect("delete");
    let rows = store
        .comments(vec!["root".into()], None)
        .await
        .expect("rows");
    let row = &rows[0];
    assert!(row.deleted);
    assert_eq!((row.author.as_deref(), row.body_html.as_str()), (None, ""));
    let exported = export_all(&store).await;
    let root = exported.iter().find(|c| c.id == "root").expect("kept");
    assert_eq!((root.email.as_deref(), root.body_md.as_str()), (None, ""));
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("exists");
    assert_eq!(thread.comment_count, 1);
    assert_eq!(store.skeleton(thread.id).await.expect("skeleton").len(), 2);
}

async fn export_all(store: &S) -> Vec<talkback_server::store::ExportedComment> {
    let mut out = Vec::new();
    for t in store.export_threads(0, 100).await.expect("threads") {
        out.extend(store.export_comments(t.id).await.expect("comments"));
    }
    out
}

pub async fn votes_adjust_tallies_by_the_difference(store: S) {
    let ann = reader(&store).await;
    let bob = reader(&store).await;
    post(&store, comment("c1", "k", ann, None)).await;
    let t = |up, down| Tallies {
        upvotes: up,
        downvotes: down,
    };
    let vote = |who, v| store.set_vote("c1".into(), who, v);
    assert_eq!(vote(bob, Vote::Up).await.expect("up"), t(1, 0));
    assert_eq!(vote(bob, Vote::Up).await.expect("again"), t(1, 0));
    assert_eq!(vote(ann, Vote::Up).await.expect("ann"), t(2, 0));
    assert_eq!(vote(bob, Vote::Down).await.expect("switch"), t(1, 1));
    let rows = store
        .comments(vec!["c1".into()], Some(bob))
        .await
        .expect("rows");
    assert_eq!(rows[0].my_vote, Vote::Down);
    assert_eq!(vote(bob, Vote::None).await.expect("withdraw"), t(1, 0));
    assert_eq!(
        vote(bob, Vote::None).await.expect("withdraw again"),
        t(1, 0)
    );
    let err = store.set_vote("nope".into(), bob, Vote::Up).await;
    assert!(matches!(err, Err(StoreError::CommentNotFound)), "{err:?}");
    store
        .delete_comment("c1".into(), grant(ann))
        .await
        .expect("delete");
    let err = store.set_vote("c1".into(), bob, Vote::Up).await;
    assert!(matches!(err, Err(StoreError::CommentDeleted)), "{err:?}");

    // Imported tallies have no vote rows behind them: a vote moves them by one, not to one.
    let imported = ImportThread {
        key: "imp".into(),
        title: None,
        url: None,
        reader_token_hashes: vec!["imported-author".into()],
        comments: vec![ImportComment {
            id: "old".into(),
            parent_id: None,
            reader: 0,
            author: None,
            body_md: "x".into(),
            body_html: "<p>x</p>".into(),
            created_at: 1,
            deleted: false,
            upvotes: 5,
            downvotes: 2,
        }],
    };
    store.import_thread(imported).await.expect("import");
    assert_eq!(
        store
            .set_vote("old".into(), bob, Vote::Up)
            .await
            .expect("up"),
        t(6, 2)
    );
    assert_eq!(
        store
            .set_vote("old".into(), bob, Vote::None)
            .await
            .expect("off"),
        t(5, 2)
    );
}

pub async fn counts_skip_deleted_comments(store: S) {
    let ann = reader(&store).await;
    post(&store, comment("a1", "a", ann, None)).await;
    post(&store, comment("a2", "a", ann, None)).await;
    post(&store, comment("b1", "b", ann, None)).await;
    store
        .delete_comment("a2".into(), grant(ann))
        .await
        .expect("delete");
    let counts = store
        .counts(vec!["a".into(), "b".into(), "unknown".into()])
        .await
        .expect("counts");
    assert_eq!((counts.get("a"), counts.get("b")), (Some(&1), Some(&1)));
    assert_eq!(counts.get("unknown").copied().unwrap_or(0), 0);
}
