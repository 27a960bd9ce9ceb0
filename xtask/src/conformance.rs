//! `cargo xtask conformance [--base-url URL] [suite options]`: runs the conformance suite.
//!
//! With `--base-url` the suite checks that backend. Without it, the reference server is built and
//! started on a free port over a throw-away database, checked, and stopped again.

use crate::{Workspace, describe, run_cmd};
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What the server prints once it accepts connections.
const LISTENING: &str = "talkback-server listening on ";
/// How long the server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The origin the reference server is told to allow, so the CORS check runs too.
const ORIGIN: &str = "https://news.conformance.example";

/// Runs the suite against `--base-url`, or against a freshly started reference server.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let has_url = args
        .iter()
        .any(|a| a == "--base-url" || a.starts_with("--base-url="));
    run_cmd(ws.cargo().args([
        "build",
        "-p",
        "talkback-conformance",
        "--bin",
        "talkback-conformance",
    ]))?;
    let suite = ws.target.join("debug").join("talkback-conformance");
    if has_url
        || args
            .iter()
            .any(|a| matches!(a.as_str(), "--list" | "-h" | "--help"))
    {
        return suite_status(Command::new(&suite).args(&args));
    }

    let bin = ws.build_server()?;
    let dir = TempDir::new()?;
    let mut server = Command::new(&bin);
    server
        .arg("--db")
        .arg(dir.0.join("conformance.db"))
        .args(["--listen", "127.0.0.1:0", "--allow-origin", ORIGIN])
        // The suite posts and votes from one address much faster than readers do.
        .args(["--rate-limits", "off", "--duplicate-window", "0"])
        .stdout(Stdio::piped());
    println!("xtask: $ {}", describe(&server));
    let child = server
        .spawn()
        .with_context(|| format!("could not start {}", bin.display()))?;
    let mut server = Server(child);
    let base = server.wait_listening()?;
    let mut cmd = Command::new(&suite);
    cmd.args(["--base-url", &base, "--origin", ORIGIN])
        .args(&args);
    suite_status(&mut cmd)
}

/// Runs the suite binary and passes its exit status on.
fn suite_status(cmd: &mut Command) -> Result<ExitCode> {
    println!("xtask: $ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(1);
    Ok(ExitCode::from(code))
}

/// A reference server started with its stdout piped; stopped when dropped (`bench` uses it too).
pub struct Server(pub Child);

impl Server {
    /// Waits for the `listening on` line and returns the base URL it names.
    pub fn wait_listening(&mut self) -> Result<String> {
        let Some(stdout) = self.0.stdout.take() else {
            bail!("the server's output is not readable");
        };
        let (tx, rx) = mpsc::channel();
        // Reading blocks, so a thread reads and the wait below can time out.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix(LISTENING) {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(base) => Ok(base),
            Err(_) => bail!(
                "talkback-server did not print `{LISTENING}ADDR` within {} s (its errors, if any, are above)",
                START_TIMEOUT.as_secs()
            ),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A directory removed when dropped (xtask has no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("talkback-conformance-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
