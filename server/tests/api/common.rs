//! A server started in-process on a free port over a fresh database file.

use reqwest::{Client, Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use talkback_protocol::{ErrorBody, ErrorCode, ThreadPage};
use talkback_server::{Config, Running};
use tempfile::TempDir;

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub config: Config,
    running: Running,
    // Kept so the database outlives the server; removed when the test ends.
    pub dir: TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(database(&dir).await);
        config.listen = "127.0.0.1:0".to_owned();
        adjust(&mut config);
        Self::start_in(dir, config).await
    }

    pub async fn start_in(dir: TempDir, config: Config) -> Self {
        let running = talkback_server::start(&config)
            .await
            .expect("server starts");
        TestServer {
            base: format!("http://{}", running.addr),
            client: Client::new(),
            config,
            running,
            dir,
        }
    }

    /// Stops the server, keeping the directory and configuration for a restart.
    pub async fn stop(self) -> (TempDir, Config) {
        self.running.stop().await.expect("server stops cleanly");
        (self.dir, self.config)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn reader(&self) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/readers"))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    /// Sends a new comment as JSON, with the reader token if given.
    pub async fn post_raw(&self, token: Option<&str>, body: Value) -> Response {
        self.send(Method::POST, "/api/v1/comments", token, Some(body))
            .await
    }

    /// Posts a comment and returns the created comment's JSON, asserting 201.
    pub async fn post(&self, token: &str, thread: &str, parent: Option<&str>, body: &str) -> Value {
        let res = self
            .post_raw(
                Some(token),
                json!({"thread": thread, "parent_id": parent, "body": body, "author": "Tester"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap_or_default()
        );
        res.json().await.expect("json")
    }

    /// GETs a path and decodes the 200 answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, token: Option<&str>) -> T {
        let res = self.send(Method::GET, path, token, None).await;
        let status = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// Posts a comment and returns its id.
    pub async fn post_id(
        &self,
        token: &str,
        thread: &str,
        parent: Option<&str>,
        body: &str,
    ) -> String {
        let c = self.post(token, thread, parent, body).await;
        c["id"].as_str().expect("id").to_owned()
    }

    pub async fn thread(&self, query: &str, token: Option<&str>) -> ThreadPage {
        let res = self
            .send(Method::GET, &format!("/api/v1/thread?{query}"), token, None)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("thread page")
    }
}

/// The database of a test server: a SQLite file in `dir`, or with `TALKBACK_TEST_DB=postgres`
/// (as `cargo xtask test` runs the suite a second time) a fresh PostgreSQL database.
async fn database(dir: &TempDir) -> std::path::PathBuf {
    match std::env::var("TALKBACK_TEST_DB").as_deref() {
        Ok("postgres") => tokio::task::spawn_blocking(talkback_pgtest::database)
            .await
            .expect("a PostgreSQL database")
            .into(),
        _ => dir.path().join("talkback.db"),
    }
}

/// Asserts a JSON error response with this status and code.
pub async fn expect_error(res: Response, status: u16, code: ErrorCode) -> String {
    assert_eq!(res.status().as_u16(), status, "status");
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        ctype.starts_with("application/json"),
        "content type {ctype}"
    );
    let body: ErrorBody = res.json().await.expect("error body");
    assert_eq!(body.error.code, code);
    assert!(!body.error.message.is_empty());
    body.error.message
}

pub fn q(key: &str) -> String {
    format!("key={}", urlencode(key))
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
