//! A real SMTP server for the notification tests: Python's aiosmtpd (from PyPI, installed by
//! `cargo xtask test` into `.tools/aiosmtpd`) running `testing/smtp-sink/sink.py`, which
//! writes every mail it accepts as decoded JSON into a directory the test reads.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const SCRIPT: &str = include_str!("../../../testing/smtp-sink/sink.py");

/// One mail as the sink received it.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Envelope recipients.
    pub to: Vec<String>,
    /// Header values by lower-case name.
    pub headers: serde_json::Map<String, Value>,
    /// The decoded text body.
    pub body: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).and_then(Value::as_str)
    }

    pub fn subject(&self) -> &str {
        self.header("subject").unwrap_or_default()
    }

    /// The first link in the body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        let start = self
            .body
            .find(prefix)
            .unwrap_or_else(|| panic!("no link starting {prefix} in:\n{}", self.body));
        self.body[start..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

pub struct SmtpSink {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

/// The venv's python: `TALKBACK_AIOSMTPD_PYTHON`, else the one `cargo xtask test` installs.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("TALKBACK_AIOSMTPD_PYTHON") {
        return p.into();
    }
    let ws = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let ws = ws
        .ancestors()
        .find(|d| d.join("xtask").is_dir())
        .unwrap_or(&ws)
        .to_path_buf();
    let p = ws.join(".tools/aiosmtpd/venv/bin/python");
    assert!(
        p.is_file(),
        "aiosmtpd is not installed at {}: run `cargo xtask test` once (it installs it from PyPI), or set TALKBACK_AIOSMTPD_PYTHON",
        p.display()
    );
    p
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("a directory for mails");
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SCRIPT).expect("the sink script is written");
        let out = dir.path().join("mails");
        std::fs::create_dir(&out).expect("mail directory");
        let mut child = Command::new(python())
            .arg(&script)
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the SMTP sink starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("sink stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sink prints its port");
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("sink port, got {line:?}"));
        SmtpSink { port, child, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let dir = self.dir.path().join("mails");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("mail directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let v: Value =
                    serde_json::from_str(&std::fs::read_to_string(p).expect("mail file")).expect("mail JSON");
                Mail {
                    to: v["rcpt_tos"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default(),
                    headers: v["headers"].as_object().cloned().unwrap_or_default(),
                    // SMTP carries CRLF line ends; tests compare with plain newlines.
                    body: v["body"].as_str().unwrap_or_default().replace("\r\n", "\n"),
                }
            })
            .collect()
    }

    /// Waits (up to 20 s) until `count` mails have arrived and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} mails at the sink, got {:#?}", self.mails());
    }

    /// Asserts that no more than `count` mails arrive within `wait`.
    pub async fn expect_no_more(&self, count: usize, wait: Duration) {
        tokio::time::sleep(wait).await;
        let mails = self.mails();
        assert_eq!(mails.len(), count, "unexpected mails: {mails:#?}");
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
