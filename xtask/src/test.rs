//! `cargo xtask test`: everything CI runs, from a machine that has only rustup.

use crate::{Workspace, build, describe, peers, tools};
use anyhow::{Context, Result};
use std::process::ExitCode;

/// Installs what is missing, builds the bundle and the server, then runs the whole test suite.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    tools::ensure_browser()?;
    // The real Isso and Waline the adapter tests run against (installed once, then reused).
    let peers = peers::ensure(ws)?;
    build::run(ws)?;
    let server = ws.build_server()?;
    let axe = tools::axe_core(ws)?;

    let mut cmd = ws.cargo();
    cmd.args(["test", "--workspace"])
        .env("TALKBACK_DIST", &ws.dist)
        .env("TALKBACK_SERVER_BIN", &server)
        .env("TALKBACK_AXE", &axe)
        .env("TALKBACK_ISSO_BIN", &peers.isso)
        .env("TALKBACK_WALINE_DIR", &peers.waline);
    println!("xtask: $ {}", describe(&cmd));
    let status = cmd.status().with_context(|| format!("could not start `{}`", describe(&cmd)))?;
    if !status.success() {
        eprintln!("xtask: tests failed ({status})");
    }
    // Exit codes above 255 do not exist on unix; anything else unexpected is a plain failure.
    let code = status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1);
    Ok(ExitCode::from(code))
}
