//! A tiny blocking HTTP/1.1 client for the API, so a test can build a big thread in seconds
//! without going through the browser.

use serde_json::{Value as Json, json};
use std::io::{Read, Write};
use std::net::TcpStream;

/// One anonymous reader talking to the server directly.
pub struct Api {
    /// `host:port` of the server.
    addr: String,
    token: String,
}

/// A comment to create: thread, optional parent, markdown body.
pub struct Post<'a> {
    /// Thread key.
    pub thread: &'a str,
    /// Comment replied to, or `None` for a top-level comment.
    pub parent: Option<&'a str>,
    /// Markdown body.
    pub body: &'a str,
}

impl Api {
    /// Registers a new reader at `base` (`http://host:port`) and keeps its token.
    pub fn new_reader(base: &str) -> Api {
        let addr = base
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("the test server speaks plain http, got {base}"))
            .trim_end_matches('/')
            .to_owned();
        let mut api = Api { addr, token: String::new() };
        let reader = api.request("POST", "/api/v1/readers", None, 201);
        api.token = reader["token"].as_str().unwrap_or_else(|| panic!("no token in {reader}")).to_owned();
        api
    }

    /// Posts a comment as this reader and returns its id.
    pub fn post(&self, post: Post<'_>) -> String {
        let body = json!({ "thread": post.thread, "parent_id": post.parent, "body": post.body });
        let comment = self.request("POST", "/api/v1/comments", Some(&body), 201);
        comment["id"].as_str().unwrap_or_else(|| panic!("no id in {comment}")).to_owned()
    }

    /// Replaces the body of this reader's own comment.
    pub fn edit(&self, id: &str, body: &str) {
        let path = format!("/api/v1/comments/{id}");
        self.request("PATCH", &path, Some(&json!({ "body": body })), 200);
    }

    /// Deletes this reader's own comment.
    pub fn delete(&self, id: &str) {
        self.request("DELETE", &format!("/api/v1/comments/{id}"), None, 204);
    }

    /// Votes on a comment as this reader (`1`, `0` or `-1`).
    pub fn vote(&self, id: &str, value: i8) {
        let path = format!("/api/v1/comments/{id}/vote");
        self.request("PUT", &path, Some(&json!({ "value": value })), 200);
    }

    /// The first page of thread `key` in `sort` order, as this reader sees it.
    pub fn thread(&self, key: &str, sort: &str, limit: u32) -> Json {
        self.get(&format!("/api/v1/thread?key={}&sort={sort}&limit={limit}", escape(key)))
    }

    /// `GET path` (including its query), expecting 200.
    pub fn get(&self, path: &str) -> Json {
        self.request("GET", path, None, 200)
    }

    /// One request on its own connection; panics with the server's answer unless it has `want` status.
    fn request(&self, method: &str, path: &str, body: Option<&Json>, want: u16) -> Json {
        let payload = body.map(Json::to_string).unwrap_or_default();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if !self.token.is_empty() {
            head.push_str(&format!("Authorization: Bearer {}\r\n", self.token));
        }
        if body.is_some() {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));

        let mut stream = TcpStream::connect(&self.addr).unwrap_or_else(|e| panic!("connect to {}: {e}", self.addr));
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(payload.as_bytes()))
            .unwrap_or_else(|e| panic!("send {method} {path}: {e}"));
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("read the answer to {method} {path}: {e}"));
        let raw = String::from_utf8_lossy(&raw);
        let (headers, content) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status: u16 = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!(
            !headers.to_ascii_lowercase().contains("transfer-encoding: chunked"),
            "{method} {path}: chunked answers are not supported by this test client"
        );
        assert_eq!(status, want, "{method} {path} answered {headers}\n{content}");
        if content.is_empty() { Json::Null } else { serde_json::from_str(content).unwrap_or(Json::Null) }
    }
}

/// Percent-encodes everything but unreserved characters, for a query value.
fn escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
