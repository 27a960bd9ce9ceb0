//! `migrate` keeps moderation: a SQLite site with held, hidden and pinned comments, a locked
//! thread, a report, a ban, moderators, a site account and a confirmed notification address
//! behaves the same over HTTP after the copy into PostgreSQL.

use reqwest::{Client, Method, Response};
use serde_json::{Value, json};
use talkback_protocol::moderation::Role;
use talkback_server::admin::auth::create_moderator;
use talkback_server::store::Store;
use talkback_server::store::notify::{NewMail, NotifyStore};
use talkback_server::store::postgres::{PostgresStore, copy_from_sqlite};
use talkback_server::store::sqlite::SqliteStore;
use talkback_server::{Config, Running, start};

use super::encode;
use crate::fixture::pg_database;

const NEWS: &str = "https://example.org/news";
const CLOSED: &str = "https://example.org/closed";
const PASSWORD: &str = "correct horse battery";
const SSO_SECRET: &str = "4f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";

/// One server over `db`, with sign-in through the site on.
struct Site {
    running: Running,
    base: String,
    client: Client,
}

impl Site {
    async fn start(db: &str, sso_secret: &std::path::Path) -> Site {
        let mut config = Config::new(db);
        config.listen = "127.0.0.1:0".into();
        config.sso_secret_file = Some(sso_secret.to_owned());
        let running = start(&config).await.expect("server starts");
        Site {
            base: format!("http://{}", running.addr),
            running,
            client: Client::new(),
        }
    }

    async fn stop(self) {
        self.running.stop().await.expect("stops");
    }

    /// `auth` is a header (name, value) such as a bearer or moderator token.
    async fn send(
        &self,
        method: Method,
        path: &str,
        auth: Option<(&str, String)>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some((name, value)) = auth {
            req = req.header(name, value);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    async fn ok(
        &self,
        method: Method,
        path: &str,
        auth: Option<(&str, String)>,
        body: Option<Value>,
    ) -> Value {
        let res = self.send(method.clone(), path, auth, body).await;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("json")
        }
    }

    async fn reader(&self) -> String {
        let r = self.ok(Method::POST, "/api/v1/readers", None, None).await;
        r["token"].as_str().expect("token").to_owned()
    }

    async fn post(&self, token: &str, thread: &str, body: &str) -> Value {
        self.ok(
            Method::POST,
            "/api/v1/comments",
            Some(bearer(token)),
            Some(json!({"thread": thread, "body": body, "author": "Someone"})),
        )
        .await
    }

    /// The thread as `token`'s reader sees it, newest first.
    async fn thread(&self, key: &str, token: Option<&str>) -> Value {
        self.ok(
            Method::GET,
            &format!(
                "/api/v1/thread?key={}&sort=newest&limit=100&replies=100",
                encode(key)
            ),
            token.map(bearer),
            None,
        )
        .await
    }

    async fn sign_in(&self, password: &str) -> Response {
        self.send(
            Method::POST,
            "/api/v1/admin/session",
            None,
            Some(json!({"name": "ed", "password": password})),
        )
        .await
    }

    async fn act(&self, session: &str, action: &str, id: &str, extra: Value) {
        let mut body = json!({"action": action, "ids": [id], "reason": "test"});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let results = self
            .ok(
                Method::POST,
                "/api/v1/admin/actions",
                Some(moderator(session)),
                Some(body),
            )
            .await;
        assert!(
            results["results"][0]["error"].is_null(),
            "{action}: {results}"
        );
    }
}

fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

fn moderator(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Moderator {token}"))
}

fn sso(id: &str) -> (&'static str, String) {
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() + 3600)
        .unwrap_or(0);
    let payload = json!({"id": id, "name": "Ada Lovelace", "exp": exp});
    (
        "X-Talkback-SSO",
        talkback_server::sso::sign(SSO_SECRET.as_bytes(), &payload.to_string()),
    )
}

fn ids(page: &Value) -> Vec<String> {
    page["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect()
}

fn comment<'a>(page: &'a Value, id: &str) -> Option<&'a Value> {
    page["comments"]
        .as_array()?
        .iter()
        .find(|c| c["id"].as_str() == Some(id))
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// What the moderator's screens show: queues, bans, audit log and settings.
async fn moderator_view(site: &Site, session: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/api/v1/admin/queue?status=held",
        "/api/v1/admin/queue?status=reported",
        "/api/v1/admin/queue?status=hidden",
        "/api/v1/admin/bans",
        "/api/v1/admin/audit",
        "/api/v1/admin/settings",
    ] {
        out.push(
            site.ok(Method::GET, path, Some(moderator(session)), None)
                .await,
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_hidden_pinned_locked_banned_and_reported_stay_so_after_the_move() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = dir.path().join("site.db").display().to_string();
    let secret = dir.path().join("sso-secret");
    std::fs::write(&secret, SSO_SECRET).expect("secret");

    let site = Site::start(&sqlite, &secret).await;
    {
        let store = talkback_server::store::open(std::path::Path::new(&sqlite))
            .await
            .expect("open");
        create_moderator(store.as_ref(), "ed", PASSWORD, Role::Admin)
            .await
            .expect("moderator");
    }
    let signed_in: Value = site.sign_in(PASSWORD).await.json().await.expect("session");
    let ed = signed_in["token"].as_str().expect("token").to_owned();
    let (ann, bob, troll, cat) = (
        site.reader().await,
        site.reader().await,
        site.reader().await,
        site.reader().await,
    );

    let pinned = id(&site.post(&ann, NEWS, "Pinned: read this first").await);
    let hidden = id(&site
        .post(&bob, NEWS, "A comment a moderator took down")
        .await);
    let bait = id(&site.post(&troll, NEWS, "Bait").await);
    let reported = id(&site.post(&bob, NEWS, "Buy cheap watches").await);
    let with_mail = site
        .ok(
            Method::POST,
            "/api/v1/comments",
            Some(bearer(&ann)),
            Some(json!({"thread": NEWS, "body": "Tell me about replies",
                        "email": "ann@example.org"})),
        )
        .await;
    let account = site
        .ok(
            Method::POST,
            "/api/v1/comments",
            Some(sso("user-17")),
            Some(json!({"thread": NEWS, "body": "Signed in through the site"})),
        )
        .await;
    assert_eq!(account["verified"], true, "{account}");
    site.post(&ann, CLOSED, "Before the lock").await;

    site.act(&ed, "pin", &pinned, json!({})).await;
    site.act(&ed, "hide", &hidden, json!({})).await;
    site.act(&ed, "ban_author", &bait, json!({"ban_secs": 86_400}))
        .await;
    site.ok(
        Method::POST,
        &format!("/api/v1/comments/{reported}/report"),
        Some(bearer(&cat)),
        Some(json!({"reason": "spam", "note": "watch spam"})),
    )
    .await;
    site.ok(
        Method::POST,
        "/api/v1/admin/threads/lock",
        Some(moderator(&ed)),
        Some(json!({"thread": CLOSED, "locked": true, "reason": "heated"})),
    )
    .await;
    site.ok(
        Method::PUT,
        "/api/v1/admin/settings",
        Some(moderator(&ed)),
        Some(json!({"moderation": "pre"})),
    )
    .await;
    let held = site.post(&ann, NEWS, "Waiting for a moderator").await;
    assert_eq!(held["status"], "held");
    let held = id(&held);

    // A confirmed address for reply mails, and a mail still waiting in the outbox.
    {
        let store = SqliteStore::open(std::path::Path::new(&sqlite)).expect("open");
        let now = talkback_server::clock::now_micros();
        store
            .subscribe(
                "ann@example.org".into(),
                "confirm-ann".into(),
                "unsub-ann".into(),
                now,
                now,
            )
            .await
            .expect("subscribe");
        store
            .confirm("confirm-ann".into(), now)
            .await
            .expect("confirm");
        store
            .enqueue_mail(NewMail {
                recipient: "ann@example.org".into(),
                subject: "Waiting".into(),
                body: "A reply.".into(),
                unsubscribe_url: None,
                created_at: now,
            })
            .await
            .expect("mail");
    }

    let before_bob = site.thread(NEWS, Some(&bob)).await;
    let before_ann = site.thread(NEWS, Some(&ann)).await;
    let before_mod = moderator_view(&site, &ed).await;
    site.stop().await;

    let url = pg_database().await;
    let target = PostgresStore::open(&url).await.expect("open target");
    let first = copy_from_sqlite(std::path::Path::new(&sqlite), &target)
        .await
        .expect("copy");
    for (table, rows) in [
        ("moderators", 1),
        ("mod_sessions", 1),
        ("reports", 1),
        ("bans", 1),
        ("notify_addresses", 1),
        ("notify_outbox", 1),
    ] {
        assert!(
            first.tables.contains(&(table, rows, rows)),
            "{table}: {first}"
        );
    }
    let again = copy_from_sqlite(std::path::Path::new(&sqlite), &target)
        .await
        .expect("copy again");
    assert!(
        again.tables.iter().all(|t| t.1 == 0),
        "a second run copied rows again:\n{again}"
    );
    let pg_store: &dyn Store = &target;
    let recipient = pg_store
        .reply_recipient(id(&with_mail))
        .await
        .expect("recipient");
    assert_eq!(
        recipient.map(|r| r.email).as_deref(),
        Some("ann@example.org"),
        "the confirmed address still gets reply mails"
    );
    let now = talkback_server::clock::now_micros();
    let waiting = pg_store
        .claim_mails(now, now + 60_000_000, 10)
        .await
        .expect("claim");
    assert_eq!(waiting.len(), 1, "the waiting mail is still in the outbox");
    drop(target);

    let site = Site::start(&url, &secret).await;
    // Other readers (and anonymous ones) still see neither the held nor the hidden comment;
    // the pinned one still comes first although it is the oldest.
    for viewer in [Some(bob.as_str()), None] {
        let page = site.thread(NEWS, viewer).await;
        let shown = ids(&page);
        assert!(!shown.contains(&held), "held comment leaked: {page}");
        assert!(
            comment(&page, &hidden).is_none_or(|c| c["deleted"] == true),
            "hidden comment leaked: {page}"
        );
        assert!(!page.to_string().contains("took down"), "{page}");
        assert_eq!(shown.first(), Some(&pinned), "{page}");
        assert_eq!(
            comment(&page, &pinned).map(|c| &c["pinned"]),
            Some(&json!(true))
        );
    }
    assert_eq!(site.thread(NEWS, Some(&bob)).await, before_bob);
    // The author still sees their own comment, marked as held.
    let page = site.thread(NEWS, Some(&ann)).await;
    assert_eq!(page, before_ann);
    assert_eq!(
        comment(&page, &held).map(|c| &c["status"]),
        Some(&json!("held"))
    );

    // The lock holds.
    let closed = site.thread(CLOSED, None).await;
    assert_eq!(closed["thread"]["locked"], true, "{closed}");
    let res = site
        .send(
            Method::POST,
            "/api/v1/comments",
            Some(bearer(&ann)),
            Some(json!({"thread": CLOSED, "body": "after the move"})),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("thread_locked")
    );

    // The ban still refuses the troll; pre-moderation still holds new comments.
    let res = site
        .send(
            Method::POST,
            "/api/v1/comments",
            Some(bearer(&troll)),
            Some(json!({"thread": NEWS, "body": "I'm back"})),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap_or_default().contains("banned"));
    assert_eq!(
        site.post(&cat, NEWS, "new on PostgreSQL").await["status"],
        "held"
    );

    // The moderator's session goes on, and a new sign-in takes the same password.
    let res = site.sign_in("wrong password").await;
    assert_eq!(res.status(), 401);
    let res = site.sign_in(PASSWORD).await;
    assert_eq!(res.status(), 200);
    let fresh: Value = res.json().await.expect("session");
    let fresh = fresh["token"].as_str().expect("token").to_owned();
    let after_mod = moderator_view(&site, &fresh).await;
    assert_eq!(moderator_view(&site, &ed).await, after_mod);
    // Everything but the held queue (the post just made) reads as before the move.
    for (n, (a, b)) in before_mod.iter().zip(&after_mod).enumerate().skip(1) {
        assert_eq!(a, b, "moderator view {n}");
    }
    let reported_queue = &after_mod[1];
    assert!(
        reported_queue.to_string().contains("watch spam")
            && reported_queue.to_string().contains(&reported),
        "{reported_queue}"
    );
    assert!(after_mod[0].to_string().contains(&held), "{}", after_mod[0]);
    let audit = after_mod[4].to_string();
    for action in ["pin", "hide", "ban_author", "lock", "settings"] {
        assert!(
            audit.contains(&format!("\"{action}\"")),
            "{action}: {audit}"
        );
    }

    // The site account is the same reader: it may still edit its comment from before.
    let edited = site
        .ok(
            Method::PATCH,
            &format!("/api/v1/comments/{}", id(&account)),
            Some(sso("user-17")),
            Some(json!({"body": "Edited after the move"})),
        )
        .await;
    assert_eq!(edited["verified"], true, "{edited}");

    // New bans and audit entries are numbered after the copied ones.
    site.ok(
        Method::POST,
        "/api/v1/admin/bans",
        Some(moderator(&fresh)),
        Some(json!({"ip_range": "192.0.2.0/24", "reason": "after the move"})),
    )
    .await;
    let bans = site
        .ok(
            Method::GET,
            "/api/v1/admin/bans",
            Some(moderator(&fresh)),
            None,
        )
        .await;
    assert_eq!(bans["bans"].as_array().map(Vec::len), Some(2), "{bans}");
    site.stop().await;
}
