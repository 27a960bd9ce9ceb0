//! Export → import into an empty database gives back the same site.

use std::collections::HashMap;

use talkback_server::seed::seed_demo;
use talkback_server::transfer::{Format, run_export};

use crate::common::{Site, fixture, seen};

/// A site with everything the importers produce (placeholders, orphans, edits, votes) plus
/// the demo thread as the server seeds it.
async fn busy_site() -> Site {
    let site = Site::new();
    site.import(
        Format::Disqus,
        &fixture("disqus.xml"),
        &["http://www.northbankherald.example=https://www.northbankherald.example"],
    )
    .await;
    site.import(Format::Wordpress, &fixture("wordpress.xml"), &[])
        .await;
    let isso = site.dir.path().join("isso.db");
    let sql = std::fs::read_to_string(fixture("isso.sql")).expect("fixture");
    rusqlite::Connection::open(&isso)
        .and_then(|c| c.execute_batch(&sql))
        .expect("isso db");
    site.import(Format::Isso, &isso, &["/=https://trams.example/"])
        .await;
    seed_demo(site.store.as_ref()).await.expect("demo thread");
    site
}

/// The export's lines without the header (which carries the time of export).
fn body_lines(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("export file");
    text.lines().skip(1).map(str::to_owned).collect()
}

#[tokio::test]
async fn export_then_import_gives_back_the_same_site() {
    let original = busy_site().await;
    let first = original.dir.path().join("site.jsonl");
    let exported = run_export(original.store.as_ref(), &first, true)
        .await
        .expect("export");
    assert_eq!(exported.threads, 7, "{exported}");
    let total = original.count("SELECT COUNT(*) FROM comments");
    assert_eq!(exported.comments, total as u64);

    let restored = Site::new();
    let summary = restored.import(Format::Talkback, &first, &[]).await;
    assert_eq!(summary.written, exported.comments, "{summary}");
    assert_eq!(summary.skipped_total() + summary.orphans, 0, "{summary}");
    assert!(summary.notes.is_empty(), "{summary}");

    // Byte for byte, the restored site exports the same file.
    let second = restored.dir.path().join("again.jsonl");
    run_export(restored.store.as_ref(), &second, true)
        .await
        .expect("export again");
    let (a, b) = (body_lines(&first), body_lines(&second));
    for (n, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "line {} differs", n + 2);
    }
    assert_eq!(a.len(), b.len());

    // And readers see the same threads: same ids, text, nesting, votes, times. Avatars are
    // salted per installation, so only which comments share one must match.
    let keys = original.keys().await;
    assert_eq!(restored.keys().await, keys);
    for key in &keys {
        let (a, b) = (original.page(key).await, restored.page(key).await);
        assert_eq!(a.thread, b.thread);
        assert_eq!(seen(&a), seen(&b), "{key}");
        let ids = |p: &talkback_protocol::ThreadPage| {
            p.comments
                .iter()
                .map(|c| c.id.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b), "{key}");
        assert_eq!(avatar_groups(&a), avatar_groups(&b), "{key}");
    }

    // Restoring the same file again changes nothing.
    let again = restored.import(Format::Talkback, &first, &[]).await;
    assert_eq!(
        (again.written, again.already_present),
        (0, exported.comments),
        "{again}"
    );
}

/// For each comment, the index of the first comment with the same avatar.
fn avatar_groups(page: &talkback_protocol::ThreadPage) -> Vec<usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    page.comments
        .iter()
        .enumerate()
        .map(|(i, c)| *first.entry(c.avatar_seed.as_str()).or_insert(i))
        .collect()
}

#[tokio::test]
async fn a_foreign_import_after_a_restore_still_adds_nothing_twice() {
    let original = busy_site().await;
    let file = original.dir.path().join("site.jsonl");
    run_export(original.store.as_ref(), &file, true)
        .await
        .expect("export");
    let restored = Site::new();
    restored.import(Format::Talkback, &file, &[]).await;
    let before = restored.count("SELECT COUNT(*) FROM comments");
    let disqus = restored
        .import(
            Format::Disqus,
            &fixture("disqus.xml"),
            &["http://www.northbankherald.example=https://www.northbankherald.example"],
        )
        .await;
    assert_eq!(
        disqus.written, 0,
        "sources travel with the export: {disqus}"
    );
    assert_eq!(restored.count("SELECT COUNT(*) FROM comments"), before);
}

#[tokio::test]
async fn broken_lines_in_an_export_are_skipped_and_reported() {
    let original = busy_site().await;
    let file = original.dir.path().join("site.jsonl");
    run_export(original.store.as_ref(), &file, true)
        .await
        .expect("export");
    let text = std::fs::read_to_string(&file).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3, "{\"type\":\"comment\",\"thread\":");
    lines.insert(5, "not json at all");
    lines.pop(); // the end line: the file now looks cut short
    let damaged = original.dir.path().join("damaged.jsonl");
    std::fs::write(&damaged, lines.join("\n")).expect("write");

    let restored = Site::new();
    let summary = restored.import(Format::Talkback, &damaged, &[]).await;
    assert_eq!(summary.skipped.get("malformed"), Some(&2), "{summary}");
    let report = summary.to_string();
    assert!(
        report.contains("line 4") && report.contains("line 6"),
        "{report}"
    );
    assert!(report.contains("cut short"), "{report}");
    assert_eq!(
        summary.written,
        original.count("SELECT COUNT(*) FROM comments") as u64,
        "every good line was imported: {summary}"
    );
}

const NEWS: &str = "https://news.example/moderated";
const CLOSED: &str = "https://news.example/closed";

/// A reader's token from `base`.
async fn new_reader(client: &reqwest::Client, base: &str) -> String {
    let r: serde_json::Value = client
        .post(format!("{base}/api/v1/readers"))
        .send()
        .await
        .expect("reader")
        .json()
        .await
        .expect("json");
    r["token"].as_str().expect("token").to_owned()
}

/// Posts as `token`; the response status and body.
async fn post_as(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    thread: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let res = client
        .post(format!("{base}/api/v1/comments"))
        .bearer_auth(token)
        .json(&serde_json::json!({"thread": thread, "body": body, "author": "Ann"}))
        .send()
        .await
        .expect("post");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

/// The thread as `token`'s reader sees it.
async fn thread_as(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    token: Option<&str>,
) -> talkback_protocol::ThreadPage {
    let mut req = client.get(format!(
        "{base}/api/v1/thread?key={}&sort=newest&limit=100&replies=100",
        crate::common::encode(key)
    ));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send()
        .await
        .expect("request")
        .json()
        .await
        .expect("page")
}

const SSO_SECRET: &str = "4f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";

/// A sign-in token of the site account `id`, valid for an hour.
fn sso(id: &str) -> String {
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() + 3600)
        .unwrap_or(0);
    let payload = serde_json::json!({"id": id, "name": "Ada Lovelace", "exp": exp});
    talkback_server::sso::sign(SSO_SECRET.as_bytes(), &payload.to_string())
}

/// A server over `db` with sign-in through the site on (the secret file sits beside `db`).
async fn serve(db: &std::path::Path) -> (talkback_server::Running, String) {
    let secret = db.with_file_name("sso-secret");
    std::fs::write(&secret, SSO_SECRET).expect("secret");
    let mut config = talkback_server::Config::new(db);
    config.listen = "127.0.0.1:0".to_owned();
    config.sso_secret_file = Some(secret);
    let running = talkback_server::start(&config)
        .await
        .expect("server starts");
    let base = format!("http://{}", running.addr);
    (running, base)
}

#[tokio::test]
async fn a_restore_keeps_held_and_hidden_comments_from_readers_with_pins_and_locks() {
    use talkback_protocol::CommentStatus;
    use talkback_protocol::moderation::{ModAction, ModerationMode};
    use talkback_server::store::moderation::{Actor, ModerationStore};

    let original = Site::new();
    let client = reqwest::Client::new();
    let (running, base) = serve(&original.db).await;
    let (ann, bob, troll) = (
        new_reader(&client, &base).await,
        new_reader(&client, &base).await,
        new_reader(&client, &base).await,
    );
    let bait = post_as(&client, &base, &troll, NEWS, "Bait").await.1["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let account: serde_json::Value = client
        .post(format!("{base}/api/v1/comments"))
        .header("X-Talkback-SSO", sso("user-17"))
        .json(&serde_json::json!({"thread": CLOSED, "body": "Signed in through the site"}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(account["verified"], true, "{account}");
    let account = account["id"].as_str().expect("id").to_owned();
    let pinned = post_as(&client, &base, &ann, NEWS, "Read this first")
        .await
        .1["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let hidden = post_as(&client, &base, &bob, NEWS, "Taken down by a moderator")
        .await
        .1["id"]
        .as_str()
        .expect("id")
        .to_owned();
    post_as(&client, &base, &bob, NEWS, "An ordinary comment").await;
    post_as(&client, &base, &ann, CLOSED, "Before the lock").await;
    let actor = || Actor {
        name: "ed".into(),
        reason: Some("test".into()),
        now: talkback_server::clock::now_micros(),
    };
    let store = original.store.as_ref();
    store
        .moderate(pinned.clone(), ModAction::Pin, actor(), None)
        .await
        .expect("pin");
    store
        .moderate(hidden.clone(), ModAction::Hide, actor(), None)
        .await
        .expect("hide");
    let day = 86_400 * 1_000_000;
    store
        .moderate(
            bait.clone(),
            ModAction::BanAuthor,
            actor(),
            Some(talkback_server::clock::now_micros() + day),
        )
        .await
        .expect("ban");
    store
        .moderate(bait.clone(), ModAction::Hide, actor(), None)
        .await
        .expect("hide the bait");
    store
        .lock_thread(CLOSED.into(), true, actor())
        .await
        .expect("lock")
        .expect("thread");
    store
        .set_moderation_mode(ModerationMode::Pre, Some(actor()))
        .await
        .expect("pre-moderation");
    let (_, held) = post_as(&client, &base, &ann, NEWS, "Waiting for approval").await;
    assert_eq!(held["status"], "held");
    let held = held["id"].as_str().expect("id").to_owned();
    running.stop().await.expect("stops");

    let file = original.dir.path().join("site.jsonl");
    run_export(original.store.as_ref(), &file, true)
        .await
        .expect("export");
    let text = std::fs::read_to_string(&file).expect("export file");
    assert!(text.contains(r#""version":2"#), "{text}");
    assert!(
        text.contains(r#"{"type":"settings","moderation":"pre"}"#),
        "{text}"
    );

    let restored = Site::new();
    let summary = restored.import(Format::Talkback, &file, &[]).await;
    assert_eq!(summary.written, 7, "{summary}");
    assert!(summary.pre_moderation, "{summary}");
    assert_eq!((summary.bans, summary.accounts), (1, 1), "{summary}");
    // The audit log arrives whole and in order.
    let log = |s: &Site| {
        let store = std::sync::Arc::clone(&s.store);
        async move {
            store
                .audit_log(None, 100)
                .await
                .expect("audit")
                .into_iter()
                .map(|e| (e.moderator, e.action, e.target, e.reason, e.created_at))
                .collect::<Vec<_>>()
        }
    };
    let original_log = log(&original).await;
    assert_eq!(original_log.len(), 6, "{original_log:?}");
    assert_eq!(log(&restored).await, original_log);
    // Restoring the same file again writes nothing twice.
    let again = restored.import(Format::Talkback, &file, &[]).await;
    assert_eq!(
        (again.written, again.bans, again.audit, again.accounts),
        (0, 0, 0, 0),
        "{again}"
    );
    assert_eq!(log(&restored).await, original_log);
    assert_eq!(
        restored.store.moderation_mode().await.expect("mode"),
        ModerationMode::Pre
    );

    let (running, base) = serve(&restored.db).await;
    for viewer in [None, Some(bob.as_str())] {
        let page = thread_as(&client, &base, NEWS, viewer).await;
        let ids: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&pinned.as_str()), "pinned first: {ids:?}");
        assert!(page.comments[0].pinned);
        assert!(!ids.contains(&held.as_str()), "held leaked: {ids:?}");
        assert!(
            page.comments
                .iter()
                .all(|c| c.id.as_str() != hidden || c.deleted),
            "hidden leaked: {ids:?}"
        );
        assert_eq!(page.thread.comment_count, 2);
    }
    // The author (same token after the restore) still sees their held comment as held.
    let page = thread_as(&client, &base, NEWS, Some(&ann)).await;
    let own = page
        .comments
        .iter()
        .find(|c| c.id.as_str() == held)
        .expect("the author sees their held comment");
    assert_eq!(own.status, CommentStatus::Held);
    // The lock holds, and pre-moderation holds new comments.
    assert!(thread_as(&client, &base, CLOSED, None).await.thread.locked);
    assert_eq!(
        post_as(&client, &base, &ann, CLOSED, "after the restore")
            .await
            .0,
        403
    );
    let (status, fresh) = post_as(&client, &base, &bob, NEWS, "new after the restore").await;
    assert_eq!((status, fresh["status"].as_str()), (201, Some("held")));
    // The ban still stops the troll.
    let (status, refused) = post_as(&client, &base, &troll, NEWS, "I'm back").await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "banned", "{refused}");
    // The site account is the same reader: it may still edit its comment, marked verified.
    let edited = client
        .patch(format!("{base}/api/v1/comments/{account}"))
        .header("X-Talkback-SSO", sso("user-17"))
        .json(&serde_json::json!({"body": "Edited after the restore"}))
        .send()
        .await
        .expect("edit");
    assert_eq!(edited.status(), 200);
    let edited: serde_json::Value = edited.json().await.expect("json");
    assert_eq!(edited["verified"], true, "{edited}");
    running.stop().await.expect("stops");
}

#[tokio::test]
async fn a_version_1_export_still_imports_with_every_comment_visible() {
    let site = Site::new();
    let file = site.dir.path().join("v1.jsonl");
    std::fs::write(&file, VERSION_1).expect("write");
    let summary = site.import(Format::Talkback, &file, &[]).await;
    assert_eq!(
        (summary.written, summary.skipped_total()),
        (3, 0),
        "{summary}"
    );
    assert!(summary.notes.is_empty(), "{summary}");
    let page = site.page("https://old.example/article").await;
    assert!(!page.thread.locked);
    let seen = seen(&page);
    // The deleted comment has no replies, so readers are not shown its place.
    assert_eq!(
        seen.iter()
            .map(|s| (s.depth, s.deleted))
            .collect::<Vec<_>>(),
        [(0, false), (1, false)],
        "{seen:#?}"
    );
    assert_eq!(
        site.count("SELECT COUNT(*) FROM comments WHERE status = 'visible'"),
        3
    );
    assert!(page.comments.iter().all(|c| !c.pinned));

    // A file from a newer server is refused with a message saying what to do.
    let newer = site.dir.path().join("v3.jsonl");
    std::fs::write(
        &newer,
        VERSION_1.replace(r#""version":1"#, r#""version":3"#),
    )
    .expect("write");
    let mut options = talkback_server::transfer::ImportOptions::new(Format::Talkback);
    options.quiet = true;
    let err = talkback_server::transfer::run_import(site.store.as_ref(), &newer, &options)
        .await
        .expect_err("newer version");
    assert!(err.to_string().contains("versions 1 to 2"), "{err}");
}

/// An export as version 1 servers wrote it: no settings line, no status, pins or locks.
const VERSION_1: &str = r#"{"type":"header","format":"talkback-export","version":1,"exported_at":"2026-11-20T10:00:00Z","generator":"talkback-server 0.1.0"}
{"type":"thread","key":"https://old.example/article","title":"An old article","url":null,"created_at":"2026-01-01T00:00:00Z"}
{"type":"comment","thread":"https://old.example/article","id":"v1-root","parent":null,"reader":"import:aaaa","author":"Old Reader","body_md":"From **before** moderation.","created_at":"2026-01-02T00:00:00Z","edited_at":null,"deleted":false,"upvotes":2,"downvotes":0,"email":null,"source":null}
{"type":"comment","thread":"https://old.example/article","id":"v1-reply","parent":"v1-root","reader":"import:bbbb","author":null,"body_md":"A reply.","created_at":"2026-01-03T00:00:00Z","edited_at":null,"deleted":false,"upvotes":0,"downvotes":0,"email":null,"source":null}
{"type":"comment","thread":"https://old.example/article","id":"v1-gone","parent":null,"reader":"import:cccc","author":null,"body_md":"","created_at":"2026-01-04T00:00:00Z","edited_at":null,"deleted":true,"upvotes":0,"downvotes":0,"email":null,"source":null}
{"type":"end","threads":1,"comments":3}
"#;
