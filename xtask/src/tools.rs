//! Installs the tools the build and the tests need, when they are missing.
//!
//! Everything comes from package registries (rustup's channel, npm, Debian), because a fresh
//! CI machine has only rustup and nothing may be downloaded from elsewhere.

use crate::{Workspace, describe, run_cmd};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The toolchain the shipping wasm is built with. Nightly, because rebuilding `std` with
/// immediate-abort panics (`-Zbuild-std`) drops the panic machinery, ~24 KB gzip measured (see
/// docs/size.md); pinned to a date, so sizes and behaviour cannot drift under the size ratchet.
/// Everything else (server, tests, xtask) stays on the stable toolchain of rust-toolchain.toml.
pub const NIGHTLY: &str = "nightly-2026-05-20";
/// binaryen 132 from npm; Debian's binaryen (108) silently produces broken modules.
const BINARYEN: &str = "binaryen@132";
/// Minifier for the JS and CSS xtask ships (syntax is never lowered: its default target is esnext).
const ESBUILD: &str = "esbuild@0.28.2";
/// The accessibility rules engine the tests run inside Chromium.
const AXE_CORE: &str = "axe-core@4.14.1";
/// Where the browser tests expect Chromium and its driver (Debian's packages put them there).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// See [`CHROMIUM`].
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Makes sure rustup has [`NIGHTLY`] with `rust-src` (for `-Zbuild-std`) and the wasm target,
/// installing whatever is missing; a machine that already has them is left alone.
pub fn ensure_nightly(ws: &Workspace) -> Result<&'static str> {
    let output = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", NIGHTLY])
        .current_dir(&ws.root)
        .output()
        .context("could not run `rustup`; install rustup (https://rustup.rs) and retry")?;
    // A toolchain that is not installed makes rustup fail here, which means "install it".
    let installed = String::from_utf8_lossy(&output.stdout);
    let has = |component: &str| output.status.success() && installed.lines().any(|l| l.trim() == component);
    if has("rust-src") && has(&format!("rust-std-{WASM_TARGET}")) {
        return Ok(NIGHTLY);
    }
    run_cmd(
        Command::new("rustup")
            .args(["toolchain", "install", NIGHTLY, "--profile", "minimal"])
            .args(["--component", "rust-src", "--target", WASM_TARGET])
            .current_dir(&ws.root),
    )?;
    Ok(NIGHTLY)
}

/// Returns the npm-installed `wasm-opt`, installing `binaryen@132` into `.tools/` first if needed.
pub fn wasm_opt(ws: &Workspace) -> Result<PathBuf> {
    npm_tool(ws, BINARYEN, &[".bin", "wasm-opt"])
}

/// Returns the npm-installed `esbuild`, installing it into `.tools/` first if needed.
pub fn esbuild(ws: &Workspace) -> Result<PathBuf> {
    npm_tool(ws, ESBUILD, &[".bin", "esbuild"])
}

/// Returns axe-core's browser script (`axe.min.js`), which the accessibility tests inject into
/// the demo, installing `axe-core` into `.tools/` first if needed.
pub fn axe_core(ws: &Workspace) -> Result<PathBuf> {
    npm_tool(ws, AXE_CORE, &["axe-core", "axe.min.js"])
}

/// `.tools/node_modules/<path>`, after `npm install`ing `package` there if it is missing.
fn npm_tool(ws: &Workspace, package: &str, path: &[&str]) -> Result<PathBuf> {
    let tools = ws.root.join(".tools");
    let file = path.iter().fold(tools.join("node_modules"), |p, part| p.join(part));
    if !file.exists() {
        if which("npm").is_none() {
            apt_install(&["nodejs", "npm"])?;
        }
        std::fs::create_dir_all(&tools)
            .with_context(|| format!("could not create {}", tools.display()))?;
        run_cmd(Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&tools)
            .args(["--no-audit", "--no-fund", "--loglevel=error", package]))?;
    }
    if !file.exists() {
        bail!("npm installed {package} but {} is missing", file.display());
    }
    Ok(file)
}

/// Installs Chromium and chromedriver from Debian when either is missing.
pub fn ensure_browser() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])?;
    for path in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(path).exists() {
            bail!("installed chromium and chromium-driver, but {path} is still missing");
        }
    }
    Ok(())
}

/// `apt-get update && apt-get install -y <packages>`, through sudo unless we are root.
pub fn apt_install(packages: &[&str]) -> Result<()> {
    let as_root = is_root();
    if !as_root && which("sudo").is_none() {
        bail!(
            "missing system packages {packages:?}; install them as root (apt-get install {}) and retry",
            packages.join(" ")
        );
    }
    let apt = |args: &[&str]| {
        let mut cmd = if as_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !as_root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_cmd(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y"]);
    install.args(packages);
    run_cmd(&mut install).with_context(|| format!("installing {}", describe(&install)))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Finds a program on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}
