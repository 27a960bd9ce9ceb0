//! Moderation over HTTP: sessions, pre-moderation visibility, every action with its audit entry,
//! pins, locks, bans (reader and address range, with expiry), reports, settings and the
//! `admin create` command.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use talkback_protocol::moderation::{
    ActionResults, AuditPage, BanList, ModAction, QueuePage, Role, Session, SessionInfo,
};
use talkback_protocol::{CommentStatus, ErrorCode, ThreadPage};
use talkback_server::admin::auth::create_moderator;

use crate::common::{TestServer, expect_error, q};

const KEY: &str = "https://news.example/moderated";
const PASSWORD: &str = "correct horse battery";

/// Adds a moderator straight into the server's database.
async fn add_moderator(s: &TestServer, name: &str, role: Role) {
    let store = talkback_server::store::open(&s.config.db)
        .await
        .expect("open the server's database");
    create_moderator(store.as_ref(), name, PASSWORD, role)
        .await
        .expect("create moderator");
}

async fn sign_in_raw(s: &TestServer, name: &str, password: &str) -> Response {
    s.send(
        Method::POST,
        "/api/v1/admin/session",
        None,
        Some(json!({"name": name, "password": password})),
    )
    .await
}

/// A signed-in admin `ed`; returns the session token.
async fn admin(s: &TestServer) -> String {
    add_moderator(s, "ed", Role::Admin).await;
    let res = sign_in_raw(s, "ed", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session: Session = res.json().await.expect("session");
    session.token
}

async fn as_mod(
    s: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut req = s
        .client
        .request(method, s.url(path))
        .header("Authorization", format!("Moderator {token}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

async fn act(
    s: &TestServer,
    token: &str,
    action: &str,
    ids: &[&str],
    reason: &str,
) -> ActionResults {
    let res = as_mod(
        s,
        token,
        Method::POST,
        "/api/v1/admin/actions",
        Some(json!({"action": action, "ids": ids, "reason": reason})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{action}");
    res.json().await.expect("results")
}

async fn audit(s: &TestServer, token: &str) -> AuditPage {
    let res = as_mod(s, token, Method::GET, "/api/v1/admin/audit", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("audit")
}

async fn page(s: &TestServer, token: Option<&str>) -> ThreadPage {
    s.thread(&q(KEY), token).await
}

fn ids(p: &ThreadPage) -> Vec<String> {
    p.comments.iter().map(|c| c.id.to_string()).collect()
}

#[tokio::test]
async fn sessions_sign_in_out_and_refuse_wrong_passwords() {
    let s = TestServer::start().await;
    add_moderator(&s, "ed", Role::Moderator).await;
    let msg = expect_error(
        sign_in_raw(&s, "ed", "wrong password").await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    assert!(msg.contains("Wrong name or password"), "{msg}");
    expect_error(
        sign_in_raw(&s, "nobody", PASSWORD).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(
        s.send(Method::GET, "/api/v1/admin/queue", None, None).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;

    let res = sign_in_raw(&s, "ed", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("talkback_admin="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session: Session = res.json().await.expect("session");
    assert_eq!(
        (session.name.as_str(), session.role),
        ("ed", Role::Moderator)
    );

    let me: SessionInfo = as_mod(
        &s,
        &session.token,
        Method::GET,
        "/api/v1/admin/session",
        None,
    )
    .await
    .json()
    .await
    .expect("who");
    assert_eq!(me.name, "ed");
    // The /admin page sends the cookie instead of the header.
    let by_cookie = s
        .client
        .get(s.url("/api/v1/admin/session"))
        .header("Cookie", format!("talkback_admin={}", session.token))
        .send()
        .await
        .expect("request");
    assert_eq!(by_cookie.status(), StatusCode::OK);

    let out = as_mod(
        &s,
        &session.token,
        Method::DELETE,
        "/api/v1/admin/session",
        None,
    )
    .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let msg = expect_error(
        as_mod(
            &s,
            &session.token,
            Method::GET,
            "/api/v1/admin/session",
            None,
        )
        .await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    assert!(msg.contains("sign in again"), "{msg}");

    // An expired session is refused like an ended one.
    let store = talkback_server::store::open(&s.config.db)
        .await
        .expect("open");
    let ed = store
        .moderator("ed".into())
        .await
        .expect("read")
        .expect("ed");
    let old = "expired-session-token";
    store
        .create_session(talkback_server::ids::token_hash(old), ed.id, 1)
        .await
        .expect("session");
    expect_error(
        as_mod(&s, old, Method::GET, "/api/v1/admin/session", None).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;

    // A few wrong passwords in a minute, then even the right one waits.
    for _ in 0..4 {
        sign_in_raw(&s, "ed", "guess").await;
    }
    let msg = expect_error(
        sign_in_raw(&s, "ed", PASSWORD).await,
        429,
        ErrorCode::RateLimited,
    )
    .await;
    assert!(msg.contains("wait a minute"), "{msg}");
}

#[tokio::test]
async fn pre_moderation_shows_held_comments_to_their_author_only() {
    let s = TestServer::start_with(|c| {
        c.moderation = Some(talkback_protocol::moderation::ModerationMode::Pre)
    })
    .await;
    let ed = admin(&s).await;
    let author = s.reader().await;
    let other = s.reader().await;
    let posted = s.post(&author, KEY, None, "Wait for me").await;
    assert_eq!(posted["status"], "held");
    let id = posted["id"].as_str().expect("id").to_owned();

    let mine = page(&s, Some(&author)).await;
    assert_eq!(ids(&mine), std::slice::from_ref(&id));
    assert_eq!(mine.comments[0].status, CommentStatus::Held);
    assert_eq!(
        mine.thread.comment_count, 0,
        "held comments are not counted"
    );
    assert!(page(&s, Some(&other)).await.comments.is_empty());
    assert!(page(&s, None).await.comments.is_empty());
    let counts: Value = s
        .send(
            Method::POST,
            "/api/v1/counts",
            None,
            Some(json!({"threads": [KEY]})),
        )
        .await
        .json()
        .await
        .expect("counts");
    assert_eq!(counts["counts"][KEY], 0);
    expect_error(
        s.send(
            Method::GET,
            &format!("/api/v1/comments/{id}/context"),
            Some(&other),
            None,
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;

    let queue: QueuePage = as_mod(
        &s,
        &ed,
        Method::GET,
        "/api/v1/admin/queue?status=held",
        None,
    )
    .await
    .json()
    .await
    .expect("queue");
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.items[0].comment.id.as_str(), id);
    assert_eq!(queue.items[0].thread.key, KEY);

    let done = act(&s, &ed, "approve", &[&id], "fine").await;
    assert_eq!(
        done.results[0].comment.as_ref().map(|c| c.status),
        Some(CommentStatus::Visible)
    );
    let seen = page(&s, Some(&other)).await;
    assert_eq!(ids(&seen), std::slice::from_ref(&id));
    assert_eq!(seen.comments[0].status, CommentStatus::Visible);
    assert_eq!(seen.thread.comment_count, 1);
    let log = audit(&s, &ed).await;
    assert_eq!(log.entries[0].action, ModAction::Approve);
    assert_eq!(log.entries[0].target, id);
    assert_eq!(log.entries[0].moderator, "ed");
    assert_eq!(log.entries[0].reason.as_deref(), Some("fine"));
}

#[tokio::test]
async fn every_action_changes_what_readers_see_and_is_audited() {
    let s = TestServer::start().await;
    let ed = admin(&s).await;
    let ann = s.reader().await;
    let a = s.post_id(&ann, KEY, None, "First").await;
    let b = s.post_id(&ann, KEY, None, "Second").await;
    let reply = s.post_id(&ann, KEY, Some(&a), "A reply").await;

    act(&s, &ed, "hide", &[&b], "insult").await;
    assert_eq!(ids(&page(&s, None).await), [a.clone(), reply.clone()]);
    assert_eq!(page(&s, None).await.thread.comment_count, 2);
    act(&s, &ed, "restore", &[&b], "appeal").await;
    assert_eq!(page(&s, None).await.thread.comment_count, 3);

    // Pinned top-level comments come first in every order.
    act(&s, &ed, "pin", &[&a], "good").await;
    for sort in ["newest", "oldest", "best"] {
        let p = s.thread(&format!("{}&sort={sort}", q(KEY)), None).await;
        assert_eq!(p.comments[0].id.as_str(), a, "{sort}");
        assert!(p.comments[0].pinned);
    }
    let refused = act(&s, &ed, "pin", &[&reply], "x").await;
    let err = refused.results[0]
        .error
        .as_ref()
        .expect("a reply cannot be pinned");
    assert_eq!(err.code, ErrorCode::ValidationFailed);
    act(&s, &ed, "unpin", &[&a], "old news").await;
    let newest = s.thread(&format!("{}&sort=newest", q(KEY)), None).await;
    assert_eq!(newest.comments[0].id.as_str(), b);

    // A hidden parent stays only as a placeholder for its visible reply.
    act(&s, &ed, "hide", &[&a], "off topic").await;
    let p = page(&s, None).await;
    let placeholder = p
        .comments
        .iter()
        .find(|c| c.id.as_str() == a)
        .expect("placeholder");
    assert!(
        placeholder.deleted && placeholder.body_html.is_empty() && placeholder.author.is_none()
    );
    act(&s, &ed, "restore", &[&a], "").await;

    act(&s, &ed, "delete", &[&b], "illegal").await;
    assert_eq!(ids(&page(&s, None).await), [a.clone(), reply.clone()]);

    let bulk = act(&s, &ed, "hide", &[&a, "missing", &reply], "spam wave").await;
    let outcome: Vec<Option<ErrorCode>> = bulk
        .results
        .iter()
        .map(|r| r.error.as_ref().map(|e| e.code))
        .collect();
    assert_eq!(outcome, [None, Some(ErrorCode::NotFound), None]);
    assert!(page(&s, None).await.comments.is_empty());

    let log = audit(&s, &ed).await;
    let got: Vec<(ModAction, String)> = log
        .entries
        .iter()
        .map(|e| (e.action, e.target.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (ModAction::Hide, reply.clone()),
            (ModAction::Hide, a.clone()),
            (ModAction::Delete, b.clone()),
            (ModAction::Restore, a.clone()),
            (ModAction::Hide, a.clone()),
            (ModAction::Unpin, a.clone()),
            (ModAction::Pin, a.clone()),
            (ModAction::Restore, b.clone()),
            (ModAction::Hide, b.clone()),
        ]
    );
    assert_eq!(log.entries[2].reason.as_deref(), Some("illegal"));

    // Rejecting works on held comments only.
    let r = act(&s, &ed, "reject", &[&reply], "x").await;
    assert!(r.results[0].error.is_some());
}

#[tokio::test]
async fn locked_threads_refuse_posts_until_unlocked() {
    let s = TestServer::start().await;
    let ed = admin(&s).await;
    let ann = s.reader().await;
    s.post_id(&ann, KEY, None, "Before the lock").await;
    let lock = |locked: bool| json!({"thread": KEY, "locked": locked, "reason": "heated"});
    let res = as_mod(
        &s,
        &ed,
        Method::POST,
        "/api/v1/admin/threads/lock",
        Some(lock(true)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let info: Value = res.json().await.expect("thread");
    assert_eq!(info["locked"], true);
    assert!(page(&s, None).await.thread.locked);
    let msg = expect_error(
        s.post_raw(Some(&ann), json!({"thread": KEY, "body": "After"}))
            .await,
        403,
        ErrorCode::ThreadLocked,
    )
    .await;
    assert!(msg.contains("closed"), "{msg}");
    as_mod(
        &s,
        &ed,
        Method::POST,
        "/api/v1/admin/threads/lock",
        Some(lock(false)),
    )
    .await;
    s.post_id(&ann, KEY, None, "Open again").await;
    let actions: Vec<ModAction> = audit(&s, &ed)
        .await
        .entries
        .iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, [ModAction::Unlock, ModAction::Lock]);
    expect_error(
        as_mod(
            &s,
            &ed,
            Method::POST,
            "/api/v1/admin/threads/lock",
            Some(json!({"thread": "https://news.example/none", "locked": true})),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}

#[tokio::test]
async fn bans_stop_posting_and_voting_until_lifted_or_expired() {
    let s = TestServer::start().await;
    let ed = admin(&s).await;
    let troll = s.reader().await;
    let other = s.reader().await;
    let c = s.post_id(&troll, KEY, None, "Bait").await;
    let mine = s.post_id(&other, KEY, None, "Fine").await;

    let res = as_mod(
        &s,
        &ed,
        Method::POST,
        "/api/v1/admin/actions",
        Some(json!({"action": "ban_author", "ids": [c], "reason": "trolling", "ban_secs": 3600})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let msg = expect_error(
        s.post_raw(Some(&troll), json!({"thread": KEY, "body": "again"}))
            .await,
        403,
        ErrorCode::Banned,
    )
    .await;
    assert!(msg.contains("until"), "{msg}");
    expect_error(
        s.send(
            Method::PUT,
            &format!("/api/v1/comments/{mine}/vote"),
            Some(&troll),
            Some(json!({"value": 1})),
        )
        .await,
        403,
        ErrorCode::Banned,
    )
    .await;
    s.post_id(&other, KEY, None, "Still fine").await;

    let bans: BanList = as_mod(&s, &ed, Method::GET, "/api/v1/admin/bans", None)
        .await
        .json()
        .await
        .expect("bans");
    assert_eq!(bans.bans.len(), 1);
    assert_eq!(
        bans.bans[0].comment_id.as_ref().map(|c| c.as_str()),
        Some(c.as_str())
    );
    assert!(bans.bans[0].expires_at.is_some());
    let lift = as_mod(
        &s,
        &ed,
        Method::DELETE,
        &format!("/api/v1/admin/bans/{}", bans.bans[0].id),
        None,
    )
    .await;
    assert_eq!(lift.status(), StatusCode::NO_CONTENT);
    s.post_id(&troll, KEY, None, "I'm back").await;

    // An address range, for one second: the test client posts from 127.0.0.1.
    let res = as_mod(
        &s,
        &ed,
        Method::POST,
        "/api/v1/admin/bans",
        Some(json!({"ip_range": "127.0.0.0/8", "duration_secs": 1, "reason": "spam net"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ban: Value = res.json().await.expect("ban");
    assert_eq!(ban["ip_range"], "127.0.0.0/8");
    expect_error(
        s.post_raw(Some(&other), json!({"thread": KEY, "body": "from the net"}))
            .await,
        403,
        ErrorCode::Banned,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    s.post_id(&other, KEY, None, "after expiry").await;

    expect_error(
        as_mod(
            &s,
            &ed,
            Method::POST,
            "/api/v1/admin/bans",
            Some(json!({"ip_range": "300.1.2.3/8"})),
        )
        .await,
        422,
        ErrorCode::ValidationFailed,
    )
    .await;
    let actions: Vec<ModAction> = audit(&s, &ed)
        .await
        .entries
        .iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [ModAction::Ban, ModAction::Unban, ModAction::BanAuthor]
    );
}

#[tokio::test]
async fn reports_raise_comments_in_the_queue_with_their_reasons() {
    let s = TestServer::start().await;
    let ed = admin(&s).await;
    let ann = s.reader().await;
    let bob = s.reader().await;
    let cat = s.reader().await;
    let parent = s.post_id(&ann, KEY, None, "Parent").await;
    let c = s.post_id(&ann, KEY, Some(&parent), "Buy pills").await;
    let report = |token: String, body: Value| {
        let path = format!("/api/v1/comments/{c}/report");
        let s = &s;
        async move { s.send(Method::POST, &path, Some(&token), Some(body)).await }
    };
    for (who, body) in [
        (bob.clone(), json!({"reason": "spam"})),
        (bob.clone(), json!({"reason": "spam", "note": "link farm"})),
        (cat.clone(), json!({"reason": "off_topic"})),
    ] {
        assert_eq!(report(who, body).await.status(), StatusCode::NO_CONTENT);
    }
    expect_error(
        report(bob.clone(), json!({"reason": "boring"})).await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    expect_error(
        s.send(
            Method::POST,
            &format!("/api/v1/comments/{c}/report"),
            None,
            Some(json!({"reason": "spam"})),
        )
        .await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    expect_error(
        s.send(
            Method::POST,
            "/api/v1/comments/nope/report",
            Some(&bob),
            Some(json!({"reason": "spam"})),
        )
        .await,
        404,
        ErrorCode::NotFound,
    )
    .await;

    let queue: QueuePage = as_mod(
        &s,
        &ed,
        Method::GET,
        "/api/v1/admin/queue?status=reported",
        None,
    )
    .await
    .json()
    .await
    .expect("queue");
    assert_eq!(queue.items.len(), 1);
    let item = &queue.items[0];
    assert_eq!(item.report_count, 2, "one report per reader");
    assert!(
        item.reports
            .iter()
            .any(|r| r.note.as_deref() == Some("link farm"))
    );
    assert_eq!(item.context.len(), 1, "the parent is shown for context");
    assert_eq!(item.context[0].id.as_str(), parent);
    // Readers see nothing of it.
    assert_eq!(page(&s, None).await.comments.len(), 2);
    act(&s, &ed, "dismiss", &[&c], "fine").await;
    let queue: QueuePage = as_mod(
        &s,
        &ed,
        Method::GET,
        "/api/v1/admin/queue?status=reported",
        None,
    )
    .await
    .json()
    .await
    .expect("queue");
    assert!(queue.items.is_empty());
}

#[tokio::test]
async fn only_admins_change_the_moderation_mode() {
    let s = TestServer::start().await;
    let ed = admin(&s).await;
    add_moderator(&s, "mo", Role::Moderator).await;
    let mo: Session = sign_in_raw(&s, "mo", PASSWORD)
        .await
        .json()
        .await
        .expect("session");
    let pre = json!({"moderation": "pre"});
    expect_error(
        as_mod(
            &s,
            &mo.token,
            Method::PUT,
            "/api/v1/admin/settings",
            Some(pre.clone()),
        )
        .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let res = as_mod(&s, &ed, Method::PUT, "/api/v1/admin/settings", Some(pre)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let got: Value = as_mod(&s, &mo.token, Method::GET, "/api/v1/admin/settings", None)
        .await
        .json()
        .await
        .expect("settings");
    assert_eq!(got["moderation"], "pre");
    let ann = s.reader().await;
    assert_eq!(s.post(&ann, KEY, None, "held now").await["status"], "held");
    let log = audit(&s, &ed).await;
    assert_eq!(log.entries[0].action, ModAction::Settings);
    assert_eq!(log.entries[0].detail.as_deref(), Some("pre"));
}

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin() {
    let s = TestServer::start().await;
    let run = |name: &str, password: &str, extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_talkback-server"))
            .args(["admin", "create", name, "--db"])
            .arg(&s.config.db)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run talkback-server");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{password}");
        }
        child.wait_with_output().expect("finishes")
    };
    let out = run("chief", PASSWORD, &["--role", "admin"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created admin chief"));
    let session: Session = sign_in_raw(&s, "chief", PASSWORD)
        .await
        .json()
        .await
        .expect("session");
    assert_eq!(session.role, Role::Admin);
    let again = run("chief", PASSWORD, &[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let short = run("tiny", "short", &["--role", "moderator"]);
    assert!(String::from_utf8_lossy(&short.stderr).contains("too short"));
}

/// Sends a vote and returns the answer, whatever its status.
async fn vote_raw(s: &TestServer, token: &str, id: &str, value: i8) -> Response {
    s.send(
        Method::PUT,
        &format!("/api/v1/comments/{id}/vote"),
        Some(token),
        Some(json!({"value": value})),
    )
    .await
}

#[tokio::test]
async fn votes_on_held_hidden_rejected_or_deleted_comments_are_refused() {
    let s = TestServer::start_with(|c| {
        c.moderation = Some(talkback_protocol::moderation::ModerationMode::Pre)
    })
    .await;
    let ed = admin(&s).await;
    let author = s.reader().await;
    let voter = s.reader().await;
    let id = |n: &'static str| {
        let (s, author) = (&s, &author);
        async move {
            s.post(author, KEY, None, n).await["id"]
                .as_str()
                .expect("id")
                .to_owned()
        }
    };
    let (held, hidden, rejected, deleted) = (
        id("still held").await,
        id("to be hidden").await,
        id("to be rejected").await,
        id("to be deleted").await,
    );
    act(&s, &ed, "approve", &[&hidden, &deleted], "ok").await;
    act(&s, &ed, "hide", &[&hidden], "rude").await;
    act(&s, &ed, "reject", &[&rejected], "spam").await;
    act(&s, &ed, "delete", &[&deleted], "personal data").await;

    let refused = [
        (&held, "waiting for a moderator's approval"),
        (&hidden, "taken this comment down"),
        (&rejected, "did not publish this comment"),
        (&deleted, "was deleted"),
    ];
    for (id, why) in refused {
        for value in [1, -1] {
            let msg = expect_error(
                vote_raw(&s, &voter, id, value).await,
                422,
                ErrorCode::ValidationFailed,
            )
            .await;
            assert!(msg.contains(why), "{id}: {msg}");
        }
    }

    // Restored, the comment takes votes again, and the refusals left no trace in its tally.
    act(&s, &ed, "restore", &[&hidden], "on reflection fine").await;
    let res = vote_raw(&s, &voter, &hidden, 1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tally: Value = res.json().await.expect("tally");
    assert_eq!(
        (tally["upvotes"].as_i64(), tally["downvotes"].as_i64()),
        (Some(1), Some(0))
    );
}

/// Asks for a new reader token as a client at `ip` (the server trusts `X-Forwarded-For`).
async fn new_reader_from(s: &TestServer, ip: &str) -> StatusCode {
    s.client
        .post(s.url("/api/v1/readers"))
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .expect("request")
        .status()
}

#[tokio::test]
async fn moderators_see_the_ranges_near_or_over_the_new_reader_ceiling() {
    let s = TestServer::start_with(|c| {
        c.abuse = talkback_server::abuse::AbuseConfig::off();
        c.abuse.rate_limits = talkback_server::abuse::Switch::On;
        c.abuse.trust_proxy = true;
        c.abuse.new_readers_per_hour = 4;
    })
    .await;
    let ed = admin(&s).await;
    for (ip, n) in [("203.0.113.7", 6), ("198.51.100.9", 2), ("192.0.2.1", 1)] {
        for _ in 0..n {
            new_reader_from(&s, ip).await;
        }
    }
    assert_eq!(
        new_reader_from(&s, "203.0.113.200").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the whole /24 is over the ceiling"
    );
    expect_error(
        s.send(Method::GET, "/api/v1/admin/farming", None, None)
            .await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    let res = as_mod(&s, &ed, Method::GET, "/api/v1/admin/farming", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: talkback_protocol::moderation::FarmingReport = res.json().await.expect("report");
    assert_eq!(report.ceiling, Some(4));
    let seen: Vec<_> = report
        .ranges
        .iter()
        .map(|r| (r.range.as_str(), r.new_readers, r.refused_today, r.over))
        .collect();
    assert_eq!(
        seen,
        [
            ("203.0.113.0/24", 7, 3, true),
            ("198.51.100.0/24", 2, 0, false)
        ],
        "half the ceiling and up, busiest first; 192.0.2.0/24 asked for one token only"
    );

    // Banning a listed range stops its posts.
    let res = as_mod(
        &s,
        &ed,
        Method::POST,
        "/api/v1/admin/bans",
        Some(
            json!({"ip_range": "203.0.113.0/24", "duration_secs": 3600, "reason": "token farming"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let reader = s.reader().await;
    let res = s
        .client
        .post(s.url("/api/v1/comments"))
        .header("X-Forwarded-For", "203.0.113.50")
        .bearer_auth(&reader)
        .json(&json!({"thread": KEY, "body": "from the farm"}))
        .send()
        .await
        .expect("request");
    expect_error(res, 403, ErrorCode::Banned).await;
}
