//! Starts `talkback-server` as a child process and waits until it listens.
//!

use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What the server prints once its socket is bound.
const LISTENING: &str = "talkback-server listening on ";
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8080`.
    pub url: String,
}

impl Server {
    /// Starts the seeded demo on `listen` (`127.0.0.1:0` picks a free port), serving `site` and
    /// storing into `db`; `extra` flags are passed on as given.
    pub fn start(bin: &Path, db: &Path, site: &Path, listen: &str, extra: &[&str]) -> io::Result<Server> {
        // Port 0: the server binds a free port and prints the address it got.
        let mut child = Command::new(bin)
            .arg("--db")
            .arg(db)
            .args(["--listen", listen, "--seed-demo", "--static"])
            .arg(site)
            // Most tests are not about abuse: no rate limits or minimum writing time unless a
            // test asks (later flags win, so `extra` can turn them back on).
            .args(["--rate-limits", "off", "--min-submit-ms", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("could not start {}: {e}", bin.display())))?;
        let stdout = child.stdout.take().ok_or_else(|| io::Error::other("server stdout was not captured"))?;
        let (tx, rx) = mpsc::channel();
        // Keeps draining stdout after the line we want, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.trim().strip_prefix(LISTENING) {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
            }
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(url) => Ok(Server { child, url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(io::Error::other(format!(
                    "{} did not print `{LISTENING}…` within {START_TIMEOUT:?}",
                    bin.display()
                )))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
