//! A tiny blocking HTTP/1.1 client for the peers' APIs, with a chosen `X-Forwarded-For`.

use serde_json::Value as Json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// An answer: status, raw headers, body text.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The header block as sent.
    pub headers: String,
    /// The body (de-chunked).
    pub body: String,
}

impl Reply {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Json {
        serde_json::from_str(&self.body).unwrap_or(Json::Null)
    }
}

/// One request on its own connection to `base` (`http://127.0.0.1:port`).
pub fn request(base: &str, method: &str, path: &str, from: Option<&str>, body: Option<&Json>) -> Reply {
    let addr = base
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the peers speak plain http, got {base}"))
        .trim_end_matches('/');
    let payload = body.map(Json::to_string).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(ip) = from {
        head.push_str(&format!("X-Forwarded-For: {ip}\r\n"));
    }
    if body.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    // One write: Isso's server (werkzeug) can stall when a body it does not read arrives apart.
    head.push_str(&payload);
    stream.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("send {method} {path}: {e}"));
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("read the answer to {method} {path}: {e}"));
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (headers, content) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(content)
    } else {
        content.to_owned()
    };
    Reply { status, headers: headers.to_owned(), body }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Percent-encodes everything but unreserved characters, for a query value.
pub fn escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
