//! A real Isso on a free port of 127.0.0.1 over a fresh database, and its API for seeding.

use super::http::{Reply, escape, request};
use super::{START_TIMEOUT, env_path, stop};
use serde_json::{Value as Json, json};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A running Isso; killed when dropped.
pub struct Isso {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    child: Child,
    _dir: TempDir,
}

impl Isso {
    /// Starts Isso answering CORS for `page_origin` exactly (Isso compares origins as strings).
    pub fn start(page_origin: &str) -> Isso {
        let bin = env_path("TALKBACK_ISSO_BIN");
        let dir = tempfile::tempdir().expect("a temp dir for Isso");
        // A free port can be taken between the probe and Isso's bind: try a few.
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free local port");
            let cfg = dir.path().join("isso.cfg");
            let config = format!(
                "[general]\ndbpath = {}\nhost = {page_origin}\n[moderation]\nenabled = false\n\
                 [guard]\nenabled = false\n[server]\nlisten = http://127.0.0.1:{port}/\n\
                 trusted-proxies = 127.0.0.1\n",
                dir.path().join("isso.db").display()
            );
            std::fs::write(&cfg, config).expect("write isso.cfg");
            let mut child = Command::new(&bin)
                .arg("-c")
                .arg(&cfg)
                .arg("run")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
            let deadline = Instant::now() + START_TIMEOUT;
            loop {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Isso { url: format!("http://127.0.0.1:{port}"), child, _dir: dir };
                }
                if child.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
                    stop(&mut child);
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("Isso did not start on 127.0.0.1 (three ports tried)");
    }

    /// Posts a comment as the reader at `from`; returns Isso's comment.
    pub fn post(&self, uri: &str, author: Option<&str>, text: &str, parent: Option<u64>, from: &str) -> Json {
        let body = json!({ "text": text, "author": author, "parent": parent, "title": "Peer test article" });
        let r = request(&self.url, "POST", &format!("/new?uri={}", escape(uri)), Some(from), Some(&body));
        assert_eq!(r.status, 201, "Isso refused a seeded comment: {}", r.body);
        r.json()
    }

    /// Likes (`up`) or dislikes a comment as the reader at `from`; returns `{likes, dislikes}`.
    pub fn vote(&self, id: u64, up: bool, from: &str) -> Json {
        let verb = if up { "like" } else { "dislike" };
        let r = request(&self.url, "POST", &format!("/id/{id}/{verb}"), Some(from), Some(&json!({})));
        let v = r.json();
        assert!(r.status == 200 && v.get("message").is_none(), "Isso refused a seeded vote: {}", r.body);
        v
    }

    /// The whole thread as Isso sends it (oldest first, all replies).
    pub fn thread(&self, uri: &str) -> Json {
        let r: Reply = request(&self.url, "GET", &format!("/?uri={}&sort=oldest", escape(uri)), None, None);
        assert_eq!(r.status, 200, "Isso thread: {}", r.body);
        r.json()
    }

    /// Every comment of a thread, top-level ones followed by their replies.
    pub fn comments(&self, uri: &str) -> Vec<Json> {
        let mut out = Vec::new();
        for top in self.thread(uri)["replies"].as_array().cloned().unwrap_or_default() {
            let replies = top["replies"].as_array().cloned().unwrap_or_default();
            out.push(top);
            out.extend(replies);
        }
        out
    }
}

impl Drop for Isso {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
