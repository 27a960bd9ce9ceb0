//! A real Waline on a free port of 127.0.0.1 over a fresh SQLite database, and its API.

use super::http::{escape, request};
use super::{START_TIMEOUT, env_path, stop};
use serde_json::{Value as Json, json};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use tempfile::TempDir;

/// What `waline-serve.cjs` prints once it accepts requests.
const LISTENING: &str = "waline listening on ";

/// A running Waline (one process: the launcher runs Waline's handler itself); killed when dropped.
pub struct Waline {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    child: Child,
    _dir: TempDir,
}

impl Waline {
    /// Starts Waline over a new database. `IPQPS=0` lifts its one-comment-per-minute-per-address
    /// limit, because the browser posts a comment and a reply from 127.0.0.1 within seconds.
    pub fn start() -> Waline {
        let home = env_path("TALKBACK_WALINE_DIR");
        let dir = tempfile::tempdir().expect("a temp dir for Waline");
        let mut child = Command::new("node")
            .arg("--require")
            .arg(home.join("waline-preload.cjs"))
            .arg(home.join("waline-serve.cjs"))
            .arg(dir.path())
            .arg("waline")
            .arg("0")
            .env("IPQPS", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start Waline with node: {e}"));
        let stdout = child.stdout.take().expect("Waline's stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Keeps draining stdout after the line we want, so Waline never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.trim().strip_prefix(LISTENING) {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
            }
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(url) => Waline { url, child, _dir: dir },
            Err(_) => {
                stop(&mut child);
                panic!("Waline did not print `{LISTENING}…` within {START_TIMEOUT:?}");
            }
        }
    }

    /// Posts a comment as the reader at `from` (`pid`/`rid`: parent and top-level comment).
    pub fn post(&self, path: &str, nick: Option<&str>, text: &str, pid_rid: Option<(u64, u64)>, from: &str) -> Json {
        let mut body = json!({ "url": path, "comment": text, "nick": nick, "ua": "" });
        if let Some((pid, rid)) = pid_rid {
            body["pid"] = pid.into();
            body["rid"] = rid.into();
        }
        let r = request(&self.url, "POST", "/api/comment", Some(from), Some(&body));
        let env = r.json();
        assert!(r.status == 200 && env["errno"] == 0, "Waline refused a seeded comment: {}", r.body);
        env["data"].clone()
    }

    /// Likes a comment (Waline counts every like it is sent).
    pub fn like(&self, id: u64) {
        let r = request(&self.url, "PUT", &format!("/api/comment/{id}"), None, Some(&json!({ "like": true })));
        assert!(r.status == 200 && r.json()["errno"] == 0, "Waline refused a like: {}", r.body);
    }

    /// A page of up to 100 top-level comments, oldest first, each with its `children`.
    pub fn list(&self, path: &str) -> Json {
        let q = format!("/api/comment?path={}&page=1&pageSize=100&sortBy=insertedAt_asc", escape(path));
        let r = request(&self.url, "GET", &q, None, None);
        let env = r.json();
        assert!(r.status == 200 && env["errno"] == 0, "Waline list: {}", r.body);
        env["data"].clone()
    }

    /// Every comment of a thread, top-level ones followed by their children.
    pub fn comments(&self, path: &str) -> Vec<Json> {
        let mut out = Vec::new();
        for root in self.list(path)["data"].as_array().cloned().unwrap_or_default() {
            let children = root["children"].as_array().cloned().unwrap_or_default();
            out.push(root);
            out.extend(children);
        }
        out
    }
}

impl Drop for Waline {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
