//! The `talkback-server` processes a load run drives, and what it does to them (kill -9,
//! restart on the same port).

use anyhow::{Context, Result, bail};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server gets to answer its first request.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// One server process on a fixed port, so that it can be killed and come back where it was.
pub struct Instance {
    bin: PathBuf,
    db: String,
    port: u16,
    child: Option<Child>,
}

impl Instance {
    /// Starts a server on a free port of 127.0.0.1 over `db` (a SQLite path or a postgres URL).
    pub fn start(bin: &Path, db: &str) -> Result<Instance> {
        let port = free_port()?;
        let mut instance = Instance {
            bin: bin.to_path_buf(),
            db: db.to_owned(),
            port,
            child: None,
        };
        instance.restart()?;
        Ok(instance)
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the process without letting it shut down (SIGKILL), as a crash or an OOM kill would.
    pub fn kill_hard(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            // std's Child::kill sends SIGKILL on unix: no graceful shutdown, no flush.
            child.kill().context("could not kill the server")?;
            let _ = child.wait();
        }
        Ok(())
    }

    /// Starts the process again on the same port and waits until it answers.
    pub fn restart(&mut self) -> Result<()> {
        self.kill_hard()?;
        let child = Command::new(&self.bin)
            .args(["--db", &self.db, "--listen", &format!("127.0.0.1:{}", self.port)])
            // All load comes from one address and a few readers: measure the store, not the limits.
            .args(["--rate-limits", "off"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", self.bin.display()))?;
        self.child = Some(child);
        wait_ready(self.port)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.kill_hard();
    }
}

/// Waits until the server answers an HTTP request on `port`.
fn wait_ready(port: u16) -> Result<()> {
    use std::io::{Read, Write};
    let started = Instant::now();
    while started.elapsed() < READY_TIMEOUT {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let request = "GET /api/v1/thread?key=ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            let mut head = [0u8; 12];
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_exact(&mut head).is_ok()
                && head.starts_with(b"HTTP/1.1 ")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("talkback-server did not answer on port {port} within {READY_TIMEOUT:?}")
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("could not find a free port")?;
    Ok(listener.local_addr()?.port())
}
