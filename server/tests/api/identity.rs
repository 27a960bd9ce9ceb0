//! Sign-in through the site (`X-Talkback-SSO`): verified names, refused tokens and edit rights
//! that follow the account from device to device.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use talkback_protocol::{ErrorCode, ThreadPage};
use talkback_server::sso::sign;

use crate::common::{TestServer, expect_error, q};

const SECRET: &str = "4f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";
const THREAD: &str = "https://news.example/sso";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn token(secret: &str, id: &str, name: &str, exp: i64) -> String {
    let payload =
        json!({"id": id, "name": name, "email": "ada@example.com", "exp": exp, "iat": now()});
    sign(secret.as_bytes(), &payload.to_string())
}

/// A server with SSO on; the secret's directory lives as long as the returned guard.
async fn server_with_sso() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sso-secret");
    std::fs::write(&path, format!("{SECRET}\n")).expect("secret file");
    let s = TestServer::start_with(|c| c.sso_secret_file = Some(path)).await;
    (s, dir)
}

async fn send(
    s: &TestServer,
    method: Method,
    path: &str,
    sso: Option<&str>,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut req = s.client.request(method, s.url(path));
    if let Some(t) = sso {
        req = req.header("X-Talkback-SSO", t);
    }
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

async fn post_as(s: &TestServer, sso: &str, body: &str) -> Response {
    let comment = json!({"thread": THREAD, "body": body, "author": "Somebody Else"});
    send(
        s,
        Method::POST,
        "/api/v1/comments",
        Some(sso),
        None,
        Some(comment),
    )
    .await
}

#[tokio::test]
async fn a_signed_in_reader_posts_under_the_sites_name_with_the_verified_mark() {
    let (s, _secret) = server_with_sso().await;
    let res = post_as(
        &s,
        &token(SECRET, "user-17", "Ada Lovelace", now() + 600),
        "Signed in.",
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let posted: Value = res.json().await.expect("json");
    assert_eq!(
        posted["author"], "Ada Lovelace",
        "the form's name is replaced by the site's"
    );
    assert_eq!(posted["verified"], true);
    let anonymous = s.reader().await;
    s.post(&anonymous, THREAD, None, "Just a guest.").await;

    let page: ThreadPage = s.get(&format!("/api/v1/thread?{}", q(THREAD)), None).await;
    let marks: Vec<(Option<String>, bool)> = page
        .comments
        .iter()
        .map(|c| (c.author.clone(), c.verified))
        .collect();
    assert!(
        marks.contains(&(Some("Ada Lovelace".into()), true)),
        "{marks:?}"
    );
    assert!(marks.contains(&(Some("Tester".into()), false)), "{marks:?}");
}

#[tokio::test]
async fn wrong_secret_expired_tampered_and_malformed_tokens_are_refused_with_the_reason() {
    let (s, _secret) = server_with_sso().await;
    let other = "another-site-secret-that-is-long-enough-0123456789";
    let wrong = token(other, "u1", "Ada", now() + 600);
    let msg = expect_error(post_as(&s, &wrong, "x").await, 401, ErrorCode::SsoInvalid).await;
    assert!(msg.contains("bad signature"), "{msg}");

    let expired = token(SECRET, "u1", "Ada", now() - 3600);
    let msg = expect_error(post_as(&s, &expired, "x").await, 401, ErrorCode::SsoInvalid).await;
    assert!(msg.contains("expired"), "{msg}");

    // Someone swaps in their own payload but keeps the signature of a real token.
    let real = token(SECRET, "u1", "Ada", now() + 600);
    let forged = token(SECRET, "admin", "Admin", now() + 600);
    let tampered = format!(
        "{}.{}",
        forged.split('.').next().unwrap_or_default(),
        real.split('.').nth(1).unwrap_or_default()
    );
    let msg = expect_error(
        post_as(&s, &tampered, "x").await,
        401,
        ErrorCode::SsoInvalid,
    )
    .await;
    assert!(msg.contains("bad signature"), "{msg}");

    let no_id = sign(SECRET.as_bytes(), r#"{"name":"No id","exp":99999999999}"#);
    for bad in ["not-a-token", "a.b.c", &no_id] {
        let msg = expect_error(post_as(&s, bad, "x").await, 401, ErrorCode::SsoInvalid).await;
        assert!(msg.contains("malformed"), "{bad}: {msg}");
    }

    // Reading never breaks on a bad token: the thread answers as for anyone.
    let res = send(
        &s,
        Method::GET,
        &format!("/api/v1/thread?{}", q(THREAD)),
        Some(&expired),
        None,
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        s.thread(&q(THREAD), None).await.comments.len(),
        0,
        "nothing was stored"
    );
}

#[tokio::test]
async fn the_same_account_edits_its_comment_from_another_device() {
    let (s, _secret) = server_with_sso().await;
    // Device one: signed in, plus the anonymous token it had before.
    let laptop_anon = s.reader().await;
    let laptop = token(SECRET, "user-42", "Grace", now() + 600);
    let comment = json!({"thread": THREAD, "body": "From the laptop."});
    let res = send(
        &s,
        Method::POST,
        "/api/v1/comments",
        Some(&laptop),
        Some(&laptop_anon),
        Some(comment),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Device two: a fresh token for the same account, and no anonymous token at all.
    let phone = token(SECRET, "user-42", "Grace", now() + 900);
    let page = send(
        &s,
        Method::GET,
        &format!("/api/v1/thread?{}", q(THREAD)),
        Some(&phone),
        None,
        None,
    )
    .await;
    let page: ThreadPage = page.json().await.expect("page");
    assert!(
        page.comments[0].editable_until.is_some(),
        "the account sees its edit rights"
    );
    let path = format!("/api/v1/comments/{id}");
    let res = send(
        &s,
        Method::PATCH,
        &path,
        Some(&phone),
        None,
        Some(json!({"body": "Edited on the phone."})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.expect("json");
    assert!(
        edited["body_html"]
            .as_str()
            .unwrap_or_default()
            .contains("Edited on the phone.")
    );
    assert_eq!(edited["verified"], true);

    // Another account, and the laptop's anonymous token alone, may not touch it.
    let mallory = token(SECRET, "user-666", "Mallory", now() + 600);
    let res = send(
        &s,
        Method::PATCH,
        &path,
        Some(&mallory),
        None,
        Some(json!({"body": "Mine now."})),
    )
    .await;
    expect_error(res, 403, ErrorCode::Forbidden).await;
    let res = send(&s, Method::DELETE, &path, None, Some(&laptop_anon), None).await;
    expect_error(res, 403, ErrorCode::Forbidden).await;
    let res = send(&s, Method::DELETE, &path, Some(&phone), None, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn without_a_secret_the_header_is_ignored() {
    let s = TestServer::start().await;
    let reader = s.reader().await;
    let sso = token(SECRET, "user-1", "Ada", now() + 600);
    let comment = json!({"thread": THREAD, "body": "Plain.", "author": "Form Name"});
    let res = send(
        &s,
        Method::POST,
        "/api/v1/comments",
        Some(&sso),
        Some(&reader),
        Some(comment),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let posted: Value = res.json().await.expect("json");
    assert_eq!(posted["author"], "Form Name");
    assert_eq!(posted["verified"], false);
}

/// The Python example of docs/identity.md, run as a site would run it: its token must be
/// accepted, so the documentation cannot drift from the server.
#[tokio::test]
async fn the_documented_python_signer_makes_tokens_the_server_accepts() {
    let docs = include_str!("../../../docs/identity.md");
    let code = docs
        .split("<!-- sso-example: python -->")
        .nth(1)
        .and_then(|rest| rest.split("```python").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("docs/identity.md has the marked Python example");
    let script = format!(
        "{code}\nimport sys\nprint(talkback_sso(sys.argv[1], {{'id': 'py-7', 'name': 'Py Thon', 'email': 'py@example.com'}}))\n"
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .arg(SECRET)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();

    let (s, _secret) = server_with_sso().await;
    let res = post_as(&s, &token, "Signed in Python.").await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let posted: Value = res.json().await.expect("json");
    assert_eq!(posted["author"], "Py Thon");
    assert_eq!(posted["verified"], true);
}
