//! The SMTP sink the notification tests send real mail to: Python's aiosmtpd from PyPI in a
//! venv under `.tools/aiosmtpd`, installed once and reused (same pattern as the Isso peer).

use crate::{Workspace, run_cmd, tools};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// The aiosmtpd release the tests run against.
pub const AIOSMTPD_VERSION: &str = "1.4.6";

/// Installs aiosmtpd when missing and returns the venv's `python`.
pub fn ensure(ws: &Workspace) -> Result<PathBuf> {
    let dir = ws.root.join(".tools").join("aiosmtpd");
    let venv = dir.join("venv");
    let python = venv.join("bin").join("python");
    let done = dir.join(format!(".installed-{AIOSMTPD_VERSION}"));
    if python.is_file() && done.is_file() {
        return Ok(python);
    }
    if tools::which("python3").is_none() {
        tools::apt_install(&["python3", "python3-venv"])?;
    }
    if venv.exists() {
        fs::remove_dir_all(&venv)
            .with_context(|| format!("could not remove {}", venv.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    if run_cmd(Command::new("python3").arg("-m").arg("venv").arg(&venv)).is_err() {
        // Debian ships venv support separately.
        tools::apt_install(&["python3-venv"])?;
        run_cmd(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run_cmd(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("aiosmtpd=={AIOSMTPD_VERSION}")),
    )?;
    if !python.is_file() {
        bail!(
            "pip installed aiosmtpd {AIOSMTPD_VERSION} but {} is missing",
            python.display()
        );
    }
    fs::write(&done, "").with_context(|| format!("could not write {}", done.display()))?;
    println!("xtask: installed aiosmtpd {AIOSMTPD_VERSION} (SMTP sink of the notification tests)");
    Ok(python)
}
