//! `cargo xtask <command>`: builds the widget bundle, runs the demo and runs every test.

mod bench;
mod build;
mod conformance;
mod counts;
mod demo;
mod imports;
mod load;
mod loadgen;
mod peers;
mod screenshot;
mod size;
mod smtp_sink;
mod test;
mod tools;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build        build the widget bundle into dist/ (wasm, glue, css, embed.js, demo page)
  size         build, then compare the widget's gzip total with xtask/size-budget.toml
               (`size --record` writes the current figures there)
  bench        build (server in release), then measure Talkback against a real Isso: sizes,
               requests, render times, memory, server throughput; writes docs/benchmarks.md
               and docs/benchmarks.svg (`bench --runs N`: page loads per figure, default 5)
  demo         build, then serve the demo article with seeded comments on http://127.0.0.1:8080/
  test         install what is missing, build, then run every test (unit, API, browser)
  screenshot   build, then write docs/screenshot-desktop.png and docs/screenshot-mobile.png
  conformance  run the protocol conformance suite against --base-url URL, or against our server
  load         two servers on one PostgreSQL under concurrent load with a kill -9 and a database
               restart, then a SQLite server killed during writes; checks nothing was lost
               (`load --quick` is the bounded run the test command makes)
  peers        install Isso and Waline if missing, then serve the demo pages for both on :8080";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let result = Workspace::locate().and_then(|ws| match command.as_deref() {
        Some("build") => build::run(&ws).map(|_| ExitCode::SUCCESS),
        Some("size") => size::run(&ws, &std::env::args().skip(2).collect::<Vec<_>>()),
        Some("bench") => bench::run(&ws, &std::env::args().skip(2).collect::<Vec<_>>()).map(|_| ExitCode::SUCCESS),
        Some("demo") => demo::run(&ws).map(|_| ExitCode::SUCCESS),
        Some("test") => test::run(&ws),
        Some("screenshot") => screenshot::run(&ws).map(|_| ExitCode::SUCCESS),
        Some("conformance") => conformance::run(&ws),
        Some("load") => load::run(&ws, &std::env::args().skip(2).collect::<Vec<_>>()),
        Some("peers") => peers::run(&ws).map(|_| ExitCode::SUCCESS),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
        None => bail!("no command given\n\n{USAGE}"),
    });
    result.unwrap_or_else(|err| {
        eprintln!("xtask: error: {err:#}");
        ExitCode::FAILURE
    })
}

/// The paths every command works with.
pub struct Workspace {
    /// The repository root (where the workspace `Cargo.toml` lives).
    pub root: PathBuf,
    /// Cargo's target directory.
    pub target: PathBuf,
    /// The bundle the server serves and the browser tests load.
    pub dist: PathBuf,
}

impl Workspace {
    fn locate() -> Result<Self> {
        let manifest_dir = env!("CARGO_MANIFEST_DIR");
        let root = Path::new(manifest_dir)
            .parent()
            .context("xtask is expected to live one folder below the workspace root")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        // Another output directory keeps a build apart from the demo's `dist/` (several builds
        // in one working tree, or a build for a test run while the demo serves `dist/`).
        let dist = match std::env::var_os("TALKBACK_DIST_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("dist"),
        };
        Ok(Workspace { root, target, dist })
    }

    /// A `cargo` command run from the workspace root, using the same cargo that runs xtask.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.root);
        cmd
    }

    /// Path of the debug `talkback-server` binary that `build_server` produces.
    pub fn server_bin(&self) -> PathBuf {
        self.target.join("debug").join("talkback-server")
    }

    /// Builds the reference server (debug profile: it is fast enough and shares the test build).
    pub fn build_server(&self) -> Result<PathBuf> {
        run_cmd(self.cargo().args(["build", "-p", "talkback-server", "--bin", "talkback-server"]))?;
        let bin = self.server_bin();
        if !bin.is_file() {
            bail!("cargo built talkback-server but {} does not exist", bin.display());
        }
        Ok(bin)
    }
}

/// Runs a command with inherited stdio and fails with the command line when it does not succeed.
pub fn run_cmd(cmd: &mut Command) -> Result<()> {
    let line = describe(cmd);
    println!("xtask: $ {line}");
    let status = cmd.status().with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// The command as a person would type it, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}
