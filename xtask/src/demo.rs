//! `cargo xtask demo`: serves the demo article with a freshly seeded comment thread.

use crate::{Workspace, build, describe};
use anyhow::{Context, Result};
use std::fs;
use std::os::unix::process::CommandExt;
use std::process::Command;

const LISTEN: &str = "127.0.0.1:8080";

/// Builds the bundle and the server, then replaces this process with the server.
pub fn run(ws: &Workspace) -> Result<()> {
    build::run(ws)?;
    let bin = ws.build_server()?;

    // A fresh database each time, so the demo always starts from the seeded discussion.
    let dir = ws.target.join("demo");
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let db = dir.join("demo.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.join(format!("demo.db{suffix}"));
        if file.exists() {
            fs::remove_file(&file).with_context(|| format!("could not delete {}", file.display()))?;
        }
    }

    let mut server = Command::new(&bin);
    server
        .arg("--db")
        .arg(&db)
        // The demo moderator (README, "Moderating the demo") exists only on this demo server.
        .args(["--listen", LISTEN, "--seed-demo", "--demo-moderator", "--static"])
        .arg(&ws.dist);
    println!("\nxtask: open http://{LISTEN}/ (Ctrl-C stops the server)\nxtask: $ {}", describe(&server));
    let err = server.exec();
    Err(err).with_context(|| format!("could not start {}", bin.display()))
}
