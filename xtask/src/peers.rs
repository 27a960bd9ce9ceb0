//! Real Isso and Waline servers, for the adapter tests and the demo pages: installed from their
//! registries (PyPI, npm) into `.tools/`, reused when present, and run on 127.0.0.1 only.
//!
//! `cargo xtask peers` serves the demo with both: our server on :8080 (the pages), Isso on :8081
//! and Waline on :8082, each with a short seeded discussion.

use crate::{Workspace, build, describe, run_cmd, tools};
use anyhow::{Context, Result, bail};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Isso release the adapter is tested against.
pub const ISSO_VERSION: &str = "0.14.0";
/// The Waline server release the adapter is tested against.
pub const WALINE_VERSION: &str = "1.39.3";

/// Files written next to Waline's `node_modules`: its one-process launcher, the preload that
/// keeps it offline, and the SQLite schema it expects but does not ship.
const WALINE_FILES: [(&str, &str); 4] = [
    ("waline-serve.cjs", include_str!("../peers/waline-serve.cjs")),
    ("waline-preload.cjs", include_str!("../peers/waline-preload.cjs")),
    ("waline-schema.sql", include_str!("../peers/waline-schema.sql")),
    ("seed-demo.cjs", include_str!("../peers/seed-demo.cjs")),
];

const DEMO_LISTEN: &str = "127.0.0.1:8080";
const DEMO_ORIGIN: &str = "http://127.0.0.1:8080";
const ISSO_PORT: u16 = 8081;
const WALINE_PORT: u16 = 8082;
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the installed peers are.
pub struct Peers {
    /// The `isso` executable in its venv.
    pub isso: PathBuf,
    /// The folder with Waline's `node_modules` and [`WALINE_FILES`].
    pub waline: PathBuf,
}

/// Installs both peers when missing (Isso ~15 s, Waline ~90 s cold) and returns where they are.
pub fn ensure(ws: &Workspace) -> Result<Peers> {
    Ok(Peers { isso: ensure_isso(ws)?, waline: ensure_waline(ws)? })
}

/// A marker written after a complete install, so a half-finished one is redone.
fn stamp(dir: &Path, version: &str) -> PathBuf {
    dir.join(format!(".installed-{version}"))
}

fn ensure_isso(ws: &Workspace) -> Result<PathBuf> {
    let dir = ws.root.join(".tools").join("isso");
    let venv = dir.join("venv");
    let bin = venv.join("bin").join("isso");
    let done = stamp(&dir, ISSO_VERSION);
    if bin.is_file() && done.is_file() {
        return Ok(bin);
    }
    let started = Instant::now();
    if tools::which("python3").is_none() {
        tools::apt_install(&["python3", "python3-venv"])?;
    }
    if venv.exists() {
        fs::remove_dir_all(&venv).with_context(|| format!("could not remove {}", venv.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let made = run_cmd(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    if made.is_err() {
        // Debian ships venv support separately.
        tools::apt_install(&["python3-venv"])?;
        run_cmd(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run_cmd(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("isso=={ISSO_VERSION}")),
    )?;
    if !bin.is_file() {
        bail!("pip installed isso {ISSO_VERSION} but {} is missing", bin.display());
    }
    fs::write(&done, "").with_context(|| format!("could not write {}", done.display()))?;
    println!("xtask: installed Isso {ISSO_VERSION} in {:.0?}", started.elapsed());
    Ok(bin)
}

fn ensure_waline(ws: &Workspace) -> Result<PathBuf> {
    let dir = ws.root.join(".tools").join("waline");
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    // Rewritten every time, so the launcher always matches this checkout.
    for (name, text) in WALINE_FILES {
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
    }
    let done = stamp(&dir, WALINE_VERSION);
    if done.is_file() && dir.join("node_modules/@waline/vercel/package.json").is_file() {
        return Ok(dir);
    }
    let started = Instant::now();
    if tools::which("npm").is_none() {
        tools::apt_install(&["nodejs", "npm"])?;
    }
    // Its sqlite3 module compiles from source.
    if tools::which("g++").is_none() || tools::which("make").is_none() {
        tools::apt_install(&["build-essential", "python3"])?;
    }
    // npm 11 runs a dependency's install script only when the project allows it.
    let manifest = format!(
        "{{\"private\": true, \"dependencies\": {{\"@waline/vercel\": \"{WALINE_VERSION}\"}}, \"allowScripts\": {{\"sqlite3\": true}}}}\n"
    );
    fs::write(dir.join("package.json"), manifest).context("could not write Waline's package.json")?;
    run_cmd(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--loglevel=error"]),
    )?;
    fs::write(&done, "").with_context(|| format!("could not write {}", done.display()))?;
    println!("xtask: installed Waline {WALINE_VERSION} in {:.0?}", started.elapsed());
    Ok(dir)
}

/// The Isso configuration for a server on `port` storing into `db`, answering CORS for `origins`.
///
/// Moderation and the guard (rate limits) are off so a demo or test can post freely; requests
/// from 127.0.0.1 may name the reader's address in `X-Forwarded-For`, which is how seeding gives
/// each pretend reader its own network (Isso counts one vote per network).
pub fn isso_config(port: u16, db: &Path, origins: &[&str]) -> String {
    format!(
        "[general]\ndbpath = {}\nhost =\n    {}\n[moderation]\nenabled = false\n[guard]\nenabled = false\n\
         [server]\nlisten = http://127.0.0.1:{port}/\ntrusted-proxies = 127.0.0.1\n",
        db.display(),
        origins.join("\n    ")
    )
}

/// `cargo xtask peers`: builds, then serves the demo pages with Isso and Waline behind them.
pub fn run(ws: &Workspace) -> Result<()> {
    tools::ensure_browser().ok();
    let peers = ensure(ws)?;
    build::run(ws)?;
    let server = ws.build_server()?;
    let data = ws.target.join("peers");
    if data.exists() {
        fs::remove_dir_all(&data).with_context(|| format!("could not clear {}", data.display()))?;
    }
    fs::create_dir_all(&data).with_context(|| format!("could not create {}", data.display()))?;

    let cfg = data.join("isso.cfg");
    fs::write(&cfg, isso_config(ISSO_PORT, &data.join("isso.db"), &[DEMO_ORIGIN, "http://localhost:8080"]))
        .context("could not write the Isso config")?;
    let mut children = Vec::new();
    children.push(spawn(Command::new(&peers.isso).arg("-c").arg(&cfg).arg("run"))?);
    children.push(spawn(
        Command::new("node")
            .arg("--require")
            .arg(peers.waline.join("waline-preload.cjs"))
            .arg(peers.waline.join("waline-serve.cjs"))
            .arg(data.join("waline"))
            .arg("waline")
            .arg(WALINE_PORT.to_string())
            .stdout(Stdio::piped()),
    )?);
    if let Some(out) = children.last_mut().and_then(|c| c.stdout.take()) {
        wait_for_line(out, "waline listening on ")?;
    }
    wait_for_port(ISSO_PORT)?;
    run_cmd(
        Command::new("node")
            .arg(peers.waline.join("seed-demo.cjs"))
            .arg(format!("http://127.0.0.1:{ISSO_PORT}"))
            .arg(format!("http://127.0.0.1:{WALINE_PORT}")),
    )?;
    children.push(spawn(
        Command::new(&server)
            .arg("--db")
            .arg(data.join("demo.db"))
            .args(["--listen", DEMO_LISTEN, "--seed-demo", "--static"])
            .arg(&ws.dist),
    )?);
    println!(
        "\nxtask: Isso   http://127.0.0.1:{ISSO_PORT}/   → open {DEMO_ORIGIN}/demo/isso.html\n\
         xtask: Waline http://127.0.0.1:{WALINE_PORT}/   → open {DEMO_ORIGIN}/demo/waline.html\n\
         xtask: Talkback                     → open {DEMO_ORIGIN}/\n\
         xtask: Ctrl-C stops all three"
    );
    // Ctrl-C reaches the children too (same process group); otherwise wait for the first to end.
    loop {
        for child in &mut children {
            if let Some(status) = child.try_wait().context("could not watch a server")? {
                for other in &mut children {
                    let _ = other.kill();
                    let _ = other.wait();
                }
                bail!("a server stopped ({status}); all were stopped");
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn spawn(cmd: &mut Command) -> Result<Child> {
    println!("xtask: $ {}", describe(cmd));
    cmd.spawn().with_context(|| format!("could not start `{}`", describe(cmd)))
}

fn wait_for_line(out: std::process::ChildStdout, prefix: &str) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let prefix = prefix.to_owned();
    std::thread::spawn(move || {
        let mut told = false;
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            // Waline logs every SQL statement; the rest is worth seeing.
            if !line.contains(" - SQL: ") {
                println!("{line}");
            }
            if !told && line.starts_with(&prefix) {
                told = tx.send(()).is_ok();
            }
        }
    });
    rx.recv_timeout(START_TIMEOUT).context("Waline did not start within a minute")
}

fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("nothing listens on 127.0.0.1:{port} after {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
