//! The two servers the comparison runs against, holding the same threads: the seeded Isso
//! database is served by a real Isso and imported into Talkback with the server's own importer.

use super::thread;
use crate::conformance::Server;
use crate::{Workspace, describe, peers, run_cmd};
use anyhow::{Context, Result, bail};
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Thread sizes the render figures are taken at.
pub const SIZES: [usize; 3] = [100, 1_000, 10_000];
/// Seed of the generated discussions (fixed, so every run measures the same threads).
const SEED: u64 = 0x7a1c_bac4;
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Both servers, running until dropped.
pub struct Servers {
    /// Talkback, also serving the bench pages: `http://127.0.0.1:PORT`.
    pub talkback: String,
    /// Isso: `http://127.0.0.1:PORT`.
    pub isso: String,
    _talkback: Server,
    _isso: Isso,
}

/// The thread key (Isso's `uri`) of the thread with `size` comments.
pub fn key(size: usize) -> String {
    format!("/bench/{size}")
}

/// The page showing thread `size` with `system` ("talkback" or "isso").
pub fn page(servers: &Servers, system: &str, size: usize) -> String {
    format!("{}/bench/{system}-{size}.html", servers.talkback)
}

/// Seeds, imports and starts both servers in `scratch` (emptied first).
pub fn start(
    ws: &Workspace,
    scratch: &Path,
    server_bin: &Path,
    isso_bin: &Path,
) -> Result<Servers> {
    if scratch.exists() {
        fs::remove_dir_all(scratch)
            .with_context(|| format!("could not clear {}", scratch.display()))?;
    }
    fs::create_dir_all(scratch)
        .with_context(|| format!("could not create {}", scratch.display()))?;
    let (tb_port, isso_port) = (free_port()?, free_port()?);
    let talkback = format!("http://127.0.0.1:{tb_port}");
    let isso = format!("http://127.0.0.1:{isso_port}");

    // Isso creates its schema (and its version and session key) on start; the rows go in after.
    let isso_db = scratch.join("isso.db");
    let cfg = scratch.join("isso.cfg");
    fs::write(&cfg, peers::isso_config(isso_port, &isso_db, &[&talkback]))
        .context("could not write the Isso config")?;
    let log = fs::File::create(scratch.join("isso.log")).context("could not create isso.log")?;
    let mut cmd = Command::new(isso_bin);
    cmd.arg("-c")
        .arg(&cfg)
        .arg("run")
        .stdout(log.try_clone()?)
        .stderr(log);
    println!("xtask: $ {}", describe(&cmd));
    let isso_child = Isso(
        cmd.spawn()
            .with_context(|| format!("could not start {}", isso_bin.display()))?,
    );
    wait_for_port(isso_port, scratch.join("isso.log").as_path())?;
    seed_isso(scratch, isso_bin, &isso_db)?;

    let tb_db = scratch.join("talkback.db");
    run_cmd(
        Command::new(server_bin)
            .args(["import", "--from", "isso", "--quiet"])
            .arg(&isso_db)
            .arg("--db")
            .arg(&tb_db),
    )?;
    let site = scratch.join("site");
    copy_dir(&ws.dist, &site)?;
    write_pages(&site, &isso)?;
    let mut cmd = Command::new(server_bin);
    cmd.arg("--db")
        .arg(&tb_db)
        .args(["--listen", &format!("127.0.0.1:{tb_port}"), "--static"])
        .arg(&site)
        .args(unthrottled(server_bin))
        .stdout(Stdio::piped());
    println!("xtask: $ {}", describe(&cmd));
    let mut server = Server(
        cmd.spawn()
            .with_context(|| format!("could not start {}", server_bin.display()))?,
    );
    server.wait_listening()?;
    Ok(Servers {
        talkback,
        isso,
        _talkback: server,
        _isso: isso_child,
    })
}

/// The flags that switch off the server's per-address limits, when this build has them: the
/// post runs send from one address as fast as they can, as Isso's do with its guard off.
fn unthrottled(server_bin: &Path) -> Vec<&'static str> {
    let help = Command::new(server_bin).arg("--help").output();
    let help = help
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut flags = Vec::new();
    if help.contains("--rate-limits") {
        flags.extend(["--rate-limits", "off"]);
    }
    if help.contains("--duplicate-window") {
        flags.extend(["--duplicate-window", "0"]);
    }
    flags
}

/// Writes the generated threads into Isso's database with the Python that runs Isso (its
/// `sqlite3` module; xtask has no SQLite of its own).
fn seed_isso(scratch: &Path, isso_bin: &Path, db: &Path) -> Result<()> {
    let mut first_id = 1;
    let mut threads = Vec::new();
    for size in SIZES {
        let comments = thread::generate(size, first_id, SEED);
        first_id += size as u64;
        threads.push((key(size), comments));
    }
    let sql = scratch.join("seed.sql");
    fs::write(&sql, thread::isso_sql(&threads)).context("could not write seed.sql")?;
    let python = isso_bin.with_file_name("python3");
    run_cmd(
        Command::new(&python)
            .arg("-c")
            .arg("import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.executescript(open(sys.argv[2]).read())\ndb.close()")
            .arg(db)
            .arg(&sql),
    )
}

/// Minimal pages, one per system and size, the comments at the top so both load at once (the
/// Talkback loader otherwise waits for the thread to near the viewport, as it should). They
/// declare an empty icon: without one the browser fetches `/favicon.ico` on its own, which the
/// request count would otherwise take for one of the client's API calls.
fn write_pages(site: &Path, isso: &str) -> Result<()> {
    let dir = site.join("bench");
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    for size in SIZES {
        let key = key(size);
        let head = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{size} comments</title><link rel=\"icon\" href=\"data:,\"></head>\n<body>\n"
        );
        let talkback = format!(
            "{head}<div id=\"talkback\"></div>\n<script src=\"/embed.js\" data-thread=\"{key}\" async></script>\n</body></html>\n"
        );
        // Isso's documented embed: the script names the server, the section the thread.
        let isso_page = format!(
            "{head}<section id=\"isso-thread\" data-isso-id=\"{key}\"></section>\n\
             <script data-isso=\"{isso}/\" src=\"{isso}/js/embed.min.js\" async></script>\n</body></html>\n"
        );
        fs::write(dir.join(format!("talkback-{size}.html")), talkback)
            .context("could not write a bench page")?;
        fs::write(dir.join(format!("isso-{size}.html")), isso_page)
            .context("could not write a bench page")?;
    }
    Ok(())
}

/// The file Isso serves at `/js/embed.min.js`, inside its venv.
pub fn isso_client(isso_bin: &Path) -> Result<PathBuf> {
    let lib = isso_bin
        .parent()
        .and_then(Path::parent)
        .map(|venv| venv.join("lib"))
        .context("the isso executable is not in a venv")?;
    for entry in fs::read_dir(&lib).with_context(|| format!("could not list {}", lib.display()))? {
        let file = entry?.path().join("site-packages/isso/js/embed.min.js");
        if file.is_file() {
            return Ok(file);
        }
    }
    bail!("no isso/js/embed.min.js under {}", lib.display())
}

/// Isso's process, stopped when dropped.
struct Isso(Child);

impl Drop for Isso {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")
        .context("no free port")?
        .local_addr()?
        .port())
}

fn wait_for_port(port: u16, log: &Path) -> Result<()> {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > START_TIMEOUT {
            bail!(
                "Isso did not listen on {port} within {START_TIMEOUT:?}; see {}",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("could not create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("could not list {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("could not copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}
