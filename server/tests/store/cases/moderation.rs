//! Moderation: status changes with their audit entries and events, pins and visibility in the
//! skeleton, locks, bans, reports, the queue, sessions and failed sign-ins.

use talkback_protocol::moderation::{ModAction, ModerationMode, QueueFilter, ReportReason, Role};
use talkback_protocol::{CommentStatus, Vote};
use talkback_server::clock::now_micros;
use talkback_server::store::moderation::{Actor, BanTarget, QueueSelect};
use talkback_server::store::{EventKind, StoreError};

use super::{S, comment, post, reader};

fn editor(reason: &str) -> Actor {
    Actor {
        name: "editor".into(),
        reason: Some(reason.into()),
        now: now_micros(),
    }
}

fn select(filter: QueueFilter) -> QueueSelect {
    QueueSelect {
        filter,
        thread: None,
        author: None,
        before: None,
        limit: 50,
    }
}

async fn kinds(store: &S, key: &str) -> Vec<(EventKind, String)> {
    let thread = store
        .thread_by_key(key.into())
        .await
        .expect("thread")
        .expect("exists")
        .id;
    store
        .events_after(thread, 0, 100)
        .await
        .expect("events")
        .into_iter()
        .map(|e| (e.kind, e.comment_id))
        .collect()
}

pub async fn every_action_changes_status_and_writes_its_audit_entry(store: S) {
    let ann = reader(&store).await;
    let mut held = comment("held", "k", ann, None);
    held.status = CommentStatus::Held;
    post(&store, held).await;
    post(&store, comment("plain", "k", ann, None)).await;
    let count = |s: S| async move {
        s.thread_by_key("k".into())
            .await
            .expect("t")
            .expect("exists")
            .comment_count
    };
    assert_eq!(count(store.clone()).await, 1, "held comments do not count");
    let queue = store.queue(select(QueueFilter::Held)).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].comment.id, "held");

    let steps = [
        ("held", ModAction::Approve, CommentStatus::Visible),
        ("plain", ModAction::Hide, CommentStatus::Hidden),
        ("plain", ModAction::Restore, CommentStatus::Visible),
    ];
    for (id, action, status) in steps {
        let row = store
            .moderate(id.into(), action, editor("why"), None)
            .await
            .expect("action");
        assert_eq!(row.status, status, "{action:?}");
    }
    assert_eq!(count(store.clone()).await, 2);
    let row = store
        .moderate("held".into(), ModAction::Pin, editor("good"), None)
        .await
        .expect("pin");
    assert!(row.pinned);
    // Wrong states are refused with a reason and change nothing.
    let err = store
        .moderate("plain".into(), ModAction::Approve, editor("x"), None)
        .await
        .expect_err("not held");
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    let err = store
        .moderate("nope".into(), ModAction::Hide, editor("x"), None)
        .await
        .expect_err("unknown");
    assert!(matches!(err, StoreError::CommentNotFound), "{err:?}");
    store
        .moderate("plain".into(), ModAction::Delete, editor("gone"), None)
        .await
        .expect("delete");
    let log = store.audit_log(None, 50).await.expect("log");
    let got: Vec<(ModAction, String, Option<String>)> = log
        .iter()
        .map(|e| (e.action, e.target.clone(), e.reason.clone()))
        .collect();
    let why = |s: &str| Some(s.to_owned());
    assert_eq!(
        got,
        [
            (ModAction::Delete, "plain".into(), why("gone")),
            (ModAction::Pin, "held".into(), why("good")),
            (ModAction::Restore, "plain".into(), why("why")),
            (ModAction::Hide, "plain".into(), why("why")),
            (ModAction::Approve, "held".into(), why("why")),
        ]
    );
    assert!(log.iter().all(|e| e.moderator == "editor"));
    let older = store.audit_log(Some(log[1].id), 50).await.expect("page 2");
    assert_eq!(older.len(), 3);
    // Readers' view changed at approve (posted), hide (deleted), restore (posted), delete.
    assert_eq!(
        kinds(&store, "k").await,
        [
            (EventKind::Posted, "held".into()),
            (EventKind::Posted, "plain".into()),
            (EventKind::Posted, "held".into()),
            (EventKind::Deleted, "plain".into()),
            (EventKind::Posted, "plain".into()),
            (EventKind::Deleted, "plain".into()),
        ]
    );
}

pub async fn the_skeleton_carries_status_pins_and_authors(store: S) {
    let ann = reader(&store).await;
    let mut held = comment("h", "k", ann, None);
    held.status = CommentStatus::Held;
    post(&store, held).await;
    post(&store, comment("p", "k", ann, None)).await;
    store
        .moderate("p".into(), ModAction::Pin, editor("x"), None)
        .await
        .expect("pin");
    let thread = store
        .thread_by_key("k".into())
        .await
        .expect("t")
        .expect("e");
    let nodes = store.skeleton(thread.id).await.expect("skeleton");
    let h = nodes.iter().find(|n| n.id == "h").expect("h");
    assert_eq!(
        (h.status, h.reader, h.pinned),
        (CommentStatus::Held, ann, false)
    );
    let p = nodes.iter().find(|n| n.id == "p").expect("p");
    assert!(p.pinned);
    let counts = store.counts(vec!["k".into()]).await.expect("counts");
    assert_eq!(counts.get("k"), Some(&1));
}

pub async fn locks_bans_and_reports(store: S) {
    let ann = reader(&store).await;
    let bob = reader(&store).await;
    let mut c = comment("c", "k", ann, None);
    c.ip = Some("203.0.113.9".into());
    post(&store, c).await;
    assert!(!store.thread_locked("k".into()).await.expect("lock?"));
    let t = store
        .lock_thread("k".into(), true, editor("heated"))
        .await
        .expect("lock")
        .expect("thread");
    assert!(t.locked);
    assert!(store.thread_locked("k".into()).await.expect("lock?"));
    assert!(
        store
            .lock_thread("unknown".into(), true, editor("x"))
            .await
            .expect("lock")
            .is_none()
    );

    let now = now_micros();
    let ip = "203.0.113.9".parse().ok();
    assert!(store.ban_of(ann, None, now).await.expect("ban?").is_none());
    store
        .moderate(
            "c".into(),
            ModAction::BanAuthor,
            editor("spam"),
            Some(now + 60_000_000),
        )
        .await
        .expect("ban author");
    let ban = store
        .ban_of(ann, None, now)
        .await
        .expect("ban?")
        .expect("banned");
    assert_eq!(ban.comment_id.as_deref(), Some("c"));
    assert!(store.ban_of(bob, None, now).await.expect("ban?").is_none());
    assert!(
        store
            .ban_of(ann, None, now + 61_000_000)
            .await
            .expect("ban?")
            .is_none(),
        "bans expire"
    );
    store
        .moderate("c".into(), ModAction::BanIp, editor("spam"), None)
        .await
        .expect("ban address");
    let by_ip = store
        .ban_of(bob, ip, now)
        .await
        .expect("ban?")
        .expect("address banned");
    assert!(!by_ip.range_shown, "a reader's own address stays hidden");
    let range = store
        .ban(
            BanTarget::Range("2001:db8::/32".into()),
            None,
            editor("net"),
        )
        .await
        .expect("range ban");
    assert!(
        store
            .ban_of(bob, "2001:db8::7".parse().ok(), now)
            .await
            .expect("ban?")
            .is_some()
    );
    assert_eq!(store.bans(now).await.expect("bans").len(), 3);
    assert!(store.lift_ban(range.id, editor("ok")).await.expect("lift"));
    assert!(!store.lift_ban(range.id, editor("ok")).await.expect("again"));
    assert_eq!(store.bans(now).await.expect("bans").len(), 2);

    for (who, reason) in [
        (bob, ReportReason::Spam),
        (bob, ReportReason::Abuse),
        (ann, ReportReason::OffTopic),
    ] {
        store
            .report("c".into(), who, reason, Some("note".into()), now_micros())
            .await
            .expect("report");
    }
    let reported = store
        .queue(select(QueueFilter::Reported))
        .await
        .expect("queue");
    assert_eq!(reported.len(), 1);
    assert_eq!(
        reported[0].report_count, 2,
        "one report per reader and comment"
    );
    assert_eq!(reported[0].reports.len(), 2);
    store
        .moderate("c".into(), ModAction::Dismiss, editor("fine"), None)
        .await
        .expect("dismiss");
    assert!(
        store
            .queue(select(QueueFilter::Reported))
            .await
            .expect("queue")
            .is_empty()
    );
    let err = store
        .report("missing".into(), bob, ReportReason::Spam, None, now)
        .await
        .expect_err("unknown comment");
    assert!(matches!(err, StoreError::CommentNotFound));
    let actions: Vec<ModAction> = store
        .audit_log(None, 50)
        .await
        .expect("log")
        .iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            ModAction::Dismiss,
            ModAction::Unban,
            ModAction::Ban,
            ModAction::BanIp,
            ModAction::BanAuthor,
            ModAction::Lock
        ]
    );
}

pub async fn queue_filters_and_pages_newest_first(store: S) {
    let ann = reader(&store).await;
    for i in 0..5 {
        let mut c = comment(
            &format!("c{i}"),
            if i % 2 == 0 { "a" } else { "b" },
            ann,
            None,
        );
        c.status = CommentStatus::Held;
        c.created_at = 1_000 + i;
        post(&store, c).await;
    }
    let first = store
        .queue(QueueSelect {
            limit: 2,
            ..select(QueueFilter::Held)
        })
        .await
        .expect("page 1");
    let ids: Vec<&str> = first.iter().map(|r| r.comment.id.as_str()).collect();
    assert_eq!(ids, ["c4", "c3"]);
    let last = first.last().expect("last");
    let rest = store
        .queue(QueueSelect {
            before: Some((last.comment.created_at, last.comment.id.clone())),
            ..select(QueueFilter::Held)
        })
        .await
        .expect("page 2");
    let ids: Vec<&str> = rest.iter().map(|r| r.comment.id.as_str()).collect();
    assert_eq!(ids, ["c2", "c1", "c0"]);
    let in_a = store
        .queue(QueueSelect {
            thread: Some("a".into()),
            ..select(QueueFilter::All)
        })
        .await
        .expect("thread a");
    assert_eq!(in_a.len(), 3);
    let by_ann = store
        .queue(QueueSelect {
            author: Some("Ann".into()),
            ..select(QueueFilter::All)
        })
        .await
        .expect("by author");
    assert_eq!(by_ann.len(), 5);
    store
        .moderate("c0".into(), ModAction::Reject, editor("no"), None)
        .await
        .expect("reject");
    let hidden = store
        .queue(select(QueueFilter::Hidden))
        .await
        .expect("hidden");
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0].comment.status, CommentStatus::Rejected);
}

pub async fn moderators_sessions_and_sign_in_failures(store: S) {
    store
        .create_moderator("ada".into(), "hash".into(), Role::Admin)
        .await
        .expect("create");
    let err = store
        .create_moderator("ada".into(), "other".into(), Role::Moderator)
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Refused(_)));
    let ada = store
        .moderator("ada".into())
        .await
        .expect("read")
        .expect("ada");
    assert_eq!(
        (ada.role, ada.password_hash.as_str()),
        (Role::Admin, "hash")
    );
    let now = now_micros();
    store
        .create_session("tok".into(), ada.id, now + 1_000_000)
        .await
        .expect("session");
    let s = store
        .session("tok".into(), now)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(s.moderator.name, "ada");
    assert!(
        store
            .session("tok".into(), now + 2_000_000)
            .await
            .expect("read")
            .is_none()
    );
    assert!(store.end_session("tok".into()).await.expect("end"));
    assert!(
        store
            .session("tok".into(), now)
            .await
            .expect("read")
            .is_none()
    );
    for _ in 0..3 {
        store
            .record_sign_in_failure("ada".into(), now)
            .await
            .expect("fail");
    }
    assert_eq!(
        store
            .sign_in_failures("ada".into(), now - 1)
            .await
            .expect("n"),
        3
    );
    assert_eq!(
        store
            .sign_in_failures("ada".into(), now + 1)
            .await
            .expect("n"),
        0
    );
    assert_eq!(store.sign_in_failures("bob".into(), 0).await.expect("n"), 0);
    assert_eq!(
        store.moderation_mode().await.expect("mode"),
        ModerationMode::Post
    );
    store
        .set_moderation_mode(ModerationMode::Pre, Some(editor("busy")))
        .await
        .expect("set");
    assert_eq!(
        store.moderation_mode().await.expect("mode"),
        ModerationMode::Pre
    );
    let log = store.audit_log(None, 5).await.expect("log");
    assert_eq!(log[0].action, ModAction::Settings);
    assert_eq!(log[0].detail.as_deref(), Some("pre"));
}

pub async fn votes_count_only_on_published_comments(store: S) {
    let (ann, bob) = (reader(&store).await, reader(&store).await);
    for (id, status) in [
        ("held", CommentStatus::Held),
        ("hidden", CommentStatus::Hidden),
        ("rejected", CommentStatus::Rejected),
        ("shown", CommentStatus::Visible),
    ] {
        let mut c = comment(id, "v", ann, None);
        c.status = status;
        post(&store, c).await;
    }
    for (id, status) in [
        ("held", CommentStatus::Held),
        ("hidden", CommentStatus::Hidden),
        ("rejected", CommentStatus::Rejected),
    ] {
        let err = store.set_vote(id.into(), bob, Vote::Up).await;
        assert!(
            matches!(err, Err(StoreError::NotPublished(s)) if s == status),
            "{id}: {err:?}"
        );
    }
    let tallies = store
        .set_vote("shown".into(), bob, Vote::Up)
        .await
        .expect("vote");
    assert_eq!((tallies.upvotes, tallies.downvotes), (1, 0));
    store
        .moderate("shown".into(), ModAction::Hide, editor("rude"), None)
        .await
        .expect("hide");
    let err = store.set_vote("shown".into(), bob, Vote::Down).await;
    assert!(
        matches!(err, Err(StoreError::NotPublished(CommentStatus::Hidden))),
        "{err:?}"
    );
    let events = kinds(&store, "v").await;
    assert!(
        !events
            .iter()
            .any(|(k, id)| *k == EventKind::Voted && id != "shown"),
        "refused votes record no event: {events:?}"
    );
}
