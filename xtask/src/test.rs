//! `cargo xtask test`: everything CI runs, from a machine that has only rustup.

use crate::{Workspace, build, describe, load, peers, size, smtp_sink, tools};
use anyhow::{Context, Result};
use std::process::ExitCode;

/// Installs Debian's PostgreSQL server when missing: the store tests start throwaway clusters
/// with its binaries (testing/pg finds them under /usr/lib/postgresql/*/bin), and the TLS tests
/// make their certificates with the `openssl` command.
fn ensure_postgres() -> Result<()> {
    if talkback_pgtest::bin_dir().is_ok() && tools::which("openssl").is_some() {
        return Ok(());
    }
    tools::apt_install(&["postgresql", "openssl"])?;
    talkback_pgtest::bin_dir().map(drop).map_err(anyhow::Error::msg)
}

/// Installs what is missing, builds the bundle and the server, then runs the whole test suite.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    tools::ensure_browser()?;
    ensure_postgres()?;
    // The real Isso and Waline the adapter tests run against (installed once, then reused).
    let peers = peers::ensure(ws)?;
    // The SMTP sink the notification tests deliver real mail to (aiosmtpd from PyPI).
    let smtp_python = smtp_sink::ensure(ws)?;
    let widget = build::run(ws)?;
    // Judged now, reported again after the tests, so a size regression does not hide them.
    let size_ok = size::check(ws, widget.readers_size)?;
    size::print_full(&widget);
    let server = ws.build_server()?;
    let axe = tools::axe_core(ws)?;

    let mut cmd = ws.cargo();
    cmd.args(["test", "--workspace"])
        .env("TALKBACK_DIST", &ws.dist)
        .env("TALKBACK_SERVER_BIN", &server)
        .env("TALKBACK_AXE", &axe)
        .env("TALKBACK_ISSO_BIN", &peers.isso)
        .env("TALKBACK_WALINE_DIR", &peers.waline)
        .env("TALKBACK_AIOSMTPD_PYTHON", &smtp_python);
    println!("xtask: $ {}", describe(&cmd));
    let status = cmd.status().with_context(|| format!("could not start `{}`", describe(&cmd)))?;
    // The HTTP API suite once more with every test server on PostgreSQL (the store suite
    // already runs its cases on both stores).
    let status = if status.success() {
        let mut pg = ws.cargo();
        pg.args(["test", "-p", "talkback-server", "--test", "api"]).env("TALKBACK_TEST_DB", "postgres");
        pg.env("TALKBACK_AIOSMTPD_PYTHON", &smtp_python);
        println!("xtask: $ TALKBACK_TEST_DB=postgres {}", describe(&pg));
        pg.status().with_context(|| format!("could not start `{}`", describe(&pg)))?
    } else {
        status
    };
    // The 200 MB import in bounded memory, ignored in plain runs; it prints the peak memory. In
    // release: a debug build needs over 4 minutes for it, a release build under one.
    let status = if status.success() {
        let mut scale = ws.cargo();
        scale.args(["test", "--release", "-p", "talkback-server", "--test", "transfer", "--"]);
        scale.args(["--ignored", "--nocapture", "two_hundred_megabytes_import_in_bounded_memory"]);
        println!("xtask: $ {}", describe(&scale));
        scale.status().with_context(|| format!("could not start `{}`", describe(&scale)))?
    } else {
        status
    };
    if !status.success() {
        eprintln!("xtask: tests failed ({status})");
    }
    // The bounded load and fault run: two instances on one PostgreSQL with a kill -9 and a
    // database restart, then a SQLite server killed during writes.
    if status.success() && !load::passes(ws, true)? {
        eprintln!("xtask: failing: the load run's checks did not all hold (see above)");
        return Ok(ExitCode::FAILURE);
    }
    if !size_ok {
        eprintln!("xtask: failing: the widget grew past the size ratchet (see the SIZE RATCHET message above)");
        return Ok(ExitCode::FAILURE);
    }
    // Exit codes above 255 do not exist on unix; anything else unexpected is a plain failure.
    let code = status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1);
    Ok(ExitCode::from(code))
}
