//! `cargo xtask screenshot`: pictures of the demo's comment section for the README.

use crate::server::Server;
use crate::{Workspace, build, run_cmd, tools};
use anyhow::{Context, Result};
use std::fs;
use std::process::Command;

/// (file name, window width, window height)
const SHOTS: &[(&str, u32, u32)] =
    &[("screenshot-desktop.png", 1200, 1500), ("screenshot-mobile.png", 360, 1400)];

/// Builds, serves the seeded demo on a free port and screenshots it with headless Chromium.
pub fn run(ws: &Workspace) -> Result<()> {
    tools::ensure_browser()?;
    build::run(ws)?;
    let bin = ws.build_server()?;

    let dir = ws.target.join("screenshot");
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("could not clear {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let server = Server::start(&bin, &dir.join("demo.db"), &ws.dist)?;

    let docs = ws.root.join("docs");
    fs::create_dir_all(&docs).with_context(|| format!("could not create {}", docs.display()))?;
    for &(name, width, height) in SHOTS {
        let out = docs.join(name);
        // The fragment scrolls to the comments heading; virtual time lets the wasm boot and fetch.
        run_cmd(Command::new(tools::CHROMIUM)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--virtual-time-budget=8000",
            ])
            .arg(format!("--user-data-dir={}", dir.join(format!("profile-{width}")).display()))
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--screenshot={}", out.display()))
            .arg(format!("{}/#comments", server.url)))?;
        println!("xtask: wrote {}", out.display());
    }
    Ok(())
}
