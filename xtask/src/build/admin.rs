//! The moderation page (`admin/`, served by the server at `/admin`) into `dist/admin/`.
//!
//! It is built with the widget's nightly, flags, profile and target directory: its dependency
//! lines are the widget's, so every dependency is already compiled and only the admin crate is
//! (seconds instead of minutes). Not size-tuned further: moderators load it, readers never do.

use super::{compile_cmd, copy_file, reset_dir};
use crate::{Workspace, run_cmd};
use anyhow::{Context, Result};
use std::time::Instant;
use wasm_bindgen_cli_support::Bindgen;

const OUT_NAME: &str = "admin";

/// Compiles `talkback-admin`, binds it and copies its page, loader and stylesheet.
pub fn build(ws: &Workspace, nightly: &str) -> Result<()> {
    let started = Instant::now();
    let (mut cmd, raw) = compile_cmd(ws, nightly, "talkback-admin", "talkback_admin");
    run_cmd(&mut cmd)?;
    let out = ws.dist.join("admin");
    reset_dir(&out)?;
    Bindgen::new()
        .input_path(&raw)
        .web(true)?
        .out_name(OUT_NAME)
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&out)
        .with_context(|| format!("wasm-bindgen failed on {}", raw.display()))?;
    let page = ws.root.join("admin").join("static");
    for name in ["index.html", "boot.js", "admin.css"] {
        copy_file(&page.join(name), &out.join(name))?;
    }
    println!(
        "xtask: moderation page -> {} in {:.1?}",
        out.display(),
        started.elapsed()
    );
    Ok(())
}
