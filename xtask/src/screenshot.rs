//! `cargo xtask screenshot`: pictures of the demo's comment section for the README.
//!
//! The browser work lives in `tests/screenshot.rs` (an ignored test reusing the end-to-end
//! harness), because WebDriver can scroll to the comments and wait for the widget, which
//! Chromium's `--screenshot` flag cannot.

use crate::{Workspace, build, run_cmd, tools};
use anyhow::Result;

/// Builds the bundle and the server, then runs the screenshot test writing into `docs/`.
pub fn run(ws: &Workspace) -> Result<()> {
    tools::ensure_browser()?;
    build::run(ws)?;
    let server = ws.build_server()?;
    let docs = ws.root.join("docs");
    run_cmd(
        ws.cargo()
            .args(["test", "-p", "talkback", "--test", "screenshot", "--", "--ignored", "--nocapture"])
            .env("TALKBACK_DIST", &ws.dist)
            .env("TALKBACK_SERVER_BIN", &server)
            .env("TALKBACK_SCREENSHOT_DIR", &docs),
    )
}
