//! `cargo xtask build`: compiles the widget to wasm and assembles `dist/`.
//!
//! dist/ layout: `embed.js` (stable name, the only URL site owners write; `count.js` beside it
//! for listing pages), content-hashed
//! `talkback-<h>.js` (the glue, carrying the stylesheet), `talkback_bg-<h>.wasm` (cacheable forever)
//! of the readers' bundle and `talkback-full-<h>.js`, `talkback-full_bg-<h>.wasm` of the full
//! one (moderator controls and the Isso/Waline adapters; docs/size.md), the demo
//! page `index.html` with its `demo/` assets, and the moderation page in `admin/`.

mod admin;

use crate::{Workspace, imports, run_cmd, size, tools};
use anyhow::{Context, Result, bail};
use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use wasm_bindgen_cli_support::Bindgen;

const WASM_PROFILE: &str = "wasm-release";
/// `-Cpanic=immediate-abort` is unstable, hence `-Zunstable-options`.
const WASM_RUSTFLAGS: [&str; 2] = ["-Zunstable-options", "-Cpanic=immediate-abort"];
/// binaryen's size passes. No `--enable-*` flags: wasm-bindgen keeps the `target_features`
/// section, which tells wasm-opt what the module may use; `-g` is absent, so names are dropped.
/// `--low-memory-unused` lets loads and stores fold constant offsets (1.8 KB gzip measured): its
/// promise, nothing lives in the first 1 KB of memory, holds because rustc links the 1 MB stack
/// first, growing down towards 0, and the data above it; only a stack about to overflow reaches
/// that low. Measured and not kept: `--converge` (0.1 KB for twice the time), `-Oz -Oz`,
/// `--gufa`, `--zero-filled-memory` (no gain or larger); see docs/size.md.
const WASM_OPT_FLAGS: &[&str] =
    &["-Oz", "--low-memory-unused", "--strip-debug", "--strip-producers"];
const OUT_NAME: &str = "talkback";
/// Hex digits of the sha256 kept in file names: plenty to never collide between two releases.
const HASH_LEN: usize = 10;

/// Which of the widget's two builds (docs/size.md, "Two bundles").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// What every reader downloads: no moderator controls, no Isso/Waline adapters.
    Readers,
    /// Everything: the loader mounts it for peer backends and signed-in moderators.
    Full,
}

impl Variant {
    /// The root crate's features this variant is compiled with (on top of none).
    fn features(self) -> &'static str {
        match self {
            Variant::Readers => "",
            Variant::Full => "moderation,peers",
        }
    }

    /// The stem of the hashed file names in dist/.
    fn stem(self) -> &'static str {
        match self {
            Variant::Readers => OUT_NAME,
            Variant::Full => "talkback-full",
        }
    }
}

/// The hashed file names of one bundle (glue with the stylesheet, wasm).
struct Bundle {
    glue: String,
    wasm: String,
}

/// The files a page view of the widget transfers (loader, glue with the stylesheet, wasm), as
/// built into dist/.
pub struct Widget {
    /// The readers' bundle with the loader: what every reader pays, and what the ratchet holds.
    /// Paths inside dist/, in the order the size table lists them.
    pub files: Vec<PathBuf>,
    /// Sizes of `files`, measured before another build in this tree could replace them.
    pub readers_size: size::Totals,
    /// Sizes of the full bundle with the loader (peer backends, moderators).
    pub full_size: size::Totals,
}

/// Builds everything into `dist/`, prints the size table and returns the widget's files.
pub fn run(ws: &Workspace) -> Result<Widget> {
    let _lock = exclusive(ws)?;
    let nightly = tools::ensure_nightly(ws)?;
    let wasm_opt = tools::wasm_opt(ws)?;
    let esbuild = tools::esbuild(ws)?;

    let css = ws.target.join("xtask-talkback.min.css");
    minify(&esbuild, &ws.root.join("style").join("talkback.css"), &css)?;
    let css = read_text(&css)?;
    reset_dir(&ws.dist)?;
    let mut bundles = Vec::new();
    for variant in [Variant::Readers, Variant::Full] {
        let started = Instant::now();
        bundles.push(bundle(ws, nightly, &wasm_opt, &esbuild, variant, &css)?);
        println!("xtask: {variant:?} bundle took {:.1?}", started.elapsed());
    }
    let [readers, full] = <[Bundle; 2]>::try_from(bundles)
        .map_err(|_| anyhow::anyhow!("expected exactly two bundles"))?;

    let loader_path = ws.root.join("loader").join("embed.js");
    let loader = read_text(&loader_path)?;
    let embed = fill_loader(&strip_js(&loader), &readers, &full)
        .with_context(|| format!("while filling in {}", loader_path.display()))?;
    let filled = ws.target.join("xtask-embed.js");
    write(&filled, embed.as_bytes())?;
    minify(&esbuild, &filled, &ws.dist.join("embed.js"))?;
    write(&ws.dist.join("count.js"), crate::counts::script(&ws.root)?.as_bytes())?;
    // The widget embeds English and fetches another language's file when a reader needs it.
    copy_dir(&ws.root.join("locales"), &ws.dist.join("locales"))?;

    copy_file(&ws.root.join("index.html"), &ws.dist.join("index.html"))?;
    let demo_assets = ws.root.join("demo");
    if demo_assets.is_dir() {
        copy_dir(&demo_assets, &ws.dist.join("demo"))?;
    }

    admin::build(ws, nightly)?;

    // count.js is not part of a widget page view (listing pages load it instead of the widget),
    // so it is listed below the total with the demo files; it has its own budget test.
    let files = ["embed.js", &readers.glue, &readers.wasm].map(|n| ws.dist.join(n)).to_vec();
    let full = ["embed.js", &full.glue, &full.wasm].map(|n| ws.dist.join(n)).to_vec();
    print_sizes(&ws.dist, &files, &full)?;
    let (readers_size, full_size) = (size::measure(&files)?, size::measure(&full)?);
    Ok(Widget { files, readers_size, full_size })
}

/// Holds the build's staging directories and dist/ for this process until dropped: two builds in
/// one tree at once (several people or agents in one checkout) would otherwise interleave their
/// steps and ship half of each.
fn exclusive(ws: &Workspace) -> Result<fs::File> {
    fs::create_dir_all(&ws.target).with_context(|| format!("could not create {}", ws.target.display()))?;
    let path = ws.target.join("xtask-build.lock");
    let file = fs::File::create(&path).with_context(|| format!("could not create {}", path.display()))?;
    if file.try_lock().is_err() {
        println!("xtask: waiting for the other `cargo xtask` build in this tree to finish");
        file.lock().with_context(|| format!("could not lock {}", path.display()))?;
    }
    Ok(file)
}

/// Compiles, binds, shrinks and minifies one variant, and writes its hashed glue and wasm into
/// dist/. The stylesheet `css` rides in the glue as `export const css`: the loader applies it as
/// a constructed sheet, so a page view makes one request fewer before its first paint (and no
/// page can load the widget's markup without its styles).
fn bundle(
    ws: &Workspace,
    nightly: &str,
    wasm_opt: &Path,
    esbuild: &Path,
    variant: Variant,
    css: &str,
) -> Result<Bundle> {
    let raw_wasm = compile_wasm(ws, nightly, variant)?;
    // Named like before for the readers' bundle, so docs/size.md's twiggy recipe still applies.
    let staging = match variant {
        Variant::Readers => ws.target.join("xtask-bindgen"),
        Variant::Full => ws.target.join("xtask-bindgen-full"),
    };
    reset_dir(&staging)?;
    println!("xtask: wasm-bindgen {} -> {}", raw_wasm.display(), staging.display());
    let started = Instant::now();
    Bindgen::new()
        .input_path(&raw_wasm)
        .web(true)?
        .out_name(OUT_NAME)
        .typescript(false)
        .omit_default_module_path(false)
        .generate(&staging)
        .with_context(|| format!("wasm-bindgen failed on {}", raw_wasm.display()))?;
    println!("xtask: wasm-bindgen took {:.1?}", started.elapsed());

    let bound_wasm = staging.join(format!("{OUT_NAME}_bg.wasm"));
    let renamed = imports::shorten(&bound_wasm, &staging.join(format!("{OUT_NAME}.js")))?;
    println!("xtask: shortened the names of {renamed} imports");
    let optimized = staging.join(format!("{OUT_NAME}_bg.opt.wasm"));
    let started = Instant::now();
    run_cmd(Command::new(wasm_opt).args(WASM_OPT_FLAGS).arg(&bound_wasm).arg("-o").arg(&optimized))?;
    println!("xtask: wasm-opt took {:.1?}", started.elapsed());

    let glue_src = staging.join(format!("{OUT_NAME}.js"));
    let with_css = format!("{}\nexport const css = {};\n", read_text(&glue_src)?, serde_json::to_string(css)?);
    write(&glue_src, with_css.as_bytes())?;
    let glue = staging.join(format!("{OUT_NAME}.min.js"));
    minify(esbuild, &glue_src, &glue)?;

    let stem = variant.stem();
    let bundle = Bundle {
        glue: emit_hashed(&glue, &ws.dist, stem, "js")?,
        wasm: emit_hashed(&optimized, &ws.dist, &format!("{stem}_bg"), "wasm")?,
    };
    // Snippets (`#[wasm_bindgen(module = ...)]`) are imported by the glue through relative paths
    // that carry their crate's hash, so both bundles' fit side by side.
    let snippets = staging.join("snippets");
    if snippets.is_dir() {
        copy_dir(&snippets, &ws.dist.join("snippets"))?;
    }
    Ok(bundle)
}

/// Compiles the widget with the pinned nightly, rebuilding `std` with immediate-abort panics:
/// a panic becomes a bare wasm trap, so no panic messages, `Location`s or formatting machinery
/// are linked in. Only this command uses nightly; its own target directory keeps it from
/// invalidating the stable builds of the server and the tests.
///
/// Both variants share the target directory, so dependencies compile once. A cdylib's file name
/// carries no hash, though: both variants write the same `talkback.wasm`, so cargo relinks the
/// widget's own crate on every switch (20–45 s here), and the caller binds each variant's file
/// before building the next.
fn compile_wasm(ws: &Workspace, nightly: &str, variant: Variant) -> Result<PathBuf> {
    let (mut cmd, wasm) = compile_cmd(ws, nightly, "talkback", "talkback");
    cmd.arg("--no-default-features");
    if !variant.features().is_empty() {
        cmd.args(["--features", variant.features()]);
    }
    run_cmd(&mut cmd)?;
    Ok(wasm)
}

/// The command that compiles `package`'s library to wasm as described on [`compile_wasm`], and
/// the path of the `artifact`.wasm it writes.
fn compile_cmd(ws: &Workspace, nightly: &str, package: &str, artifact: &str) -> (Command, PathBuf) {
    let target_dir = ws.target.join("wasm-nightly");
    let mut cmd = Command::new("rustup");
    cmd.current_dir(&ws.root)
        .args(["run", nightly, "cargo", "build", "-p", package, "--lib"])
        .args(["--target", tools::WASM_TARGET, "--profile", WASM_PROFILE])
        .args(["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"])
        .arg("--target-dir")
        .arg(&target_dir)
        // The encoded form wins over every other rustflags source, so a RUSTFLAGS left in the
        // environment cannot silently turn the panic setting off (or change the shipped bytes).
        .env("CARGO_ENCODED_RUSTFLAGS", WASM_RUSTFLAGS.join("\x1f"));
    for inherited in ["RUSTFLAGS", "RUSTC", "RUSTDOC", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"] {
        cmd.env_remove(inherited);
    }
    let wasm = target_dir.join(tools::WASM_TARGET).join(WASM_PROFILE).join(format!("{artifact}.wasm"));
    (cmd, wasm)
}

/// Minifies one JS or CSS file (whitespace, local names, shorter syntax; meaning and exports kept).
/// Measured on the glue and the stylesheet: about 1.9 and 1.7 KB gzip less.
fn minify(esbuild: &Path, src: &Path, dst: &Path) -> Result<()> {
    run_cmd(
        Command::new(esbuild)
            .arg(src)
            .args(["--minify", "--charset=utf8", "--log-level=warning"])
            .arg(format!("--outfile={}", dst.display())),
    )
}

/// Replaces the loader's placeholders with the hashed names; every placeholder must be present,
/// or the loader would fetch a literal `__TB_…__` URL in production.
fn fill_loader(loader: &str, readers: &Bundle, full: &Bundle) -> Result<String> {
    let mut out = loader.to_owned();
    for (placeholder, name) in [
        ("__TB_GLUE__", &readers.glue),
        ("__TB_WASM__", &readers.wasm),
        ("__TB_FULL_GLUE__", &full.glue),
        ("__TB_FULL_WASM__", &full.wasm),
    ] {
        if !out.contains(placeholder) {
            bail!("loader/embed.js has no `{placeholder}` placeholder (expected where `{name}` goes)");
        }
        out = out.replace(placeholder, name);
    }
    Ok(out)
}

/// Drops comments and indentation from the hand-written scripts site owners load on every page
/// (budget: embed.js ≤ 2 KB gzip). Only whole-line `//` comments and `/* … */` blocks starting a
/// line are removed, so strings and regular expressions are never touched.
pub fn strip_js(source: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in source.lines().map(str::trim) {
        if in_block {
            in_block = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") {
            in_block = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Copies `src` into `dir` as `<stem>-<hash>.<ext>` and returns that name.
fn emit_hashed(src: &Path, dir: &Path, stem: &str, ext: &str) -> Result<String> {
    let bytes = fs::read(src).with_context(|| format!("could not read {}", src.display()))?;
    let name = format!("{stem}-{}.{ext}", short_hash(&bytes));
    write(&dir.join(&name), &bytes)?;
    Ok(name)
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..HASH_LEN].to_owned()
}

pub fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

/// Prints raw and gzip -9 sizes: the readers' bundle with its total (the "widget total" the
/// ratchet holds), the full bundle's own files with its total, then the demo page files.
fn print_sizes(dist: &Path, widget: &[PathBuf], full: &[PathBuf]) -> Result<()> {
    let mut files = Vec::new();
    list_files(dist, &mut files)?;
    files.sort();
    let demo: Vec<_> = files.iter().filter(|f| !widget.contains(f) && !full.contains(f)).collect();

    println!("\n{:<40} {:>10} {:>10}", "dist/", "raw", "gzip -9");
    let row = |path: &Path| -> Result<(usize, usize)> {
        let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        let gz = gzip_len(&bytes)?;
        let name = path.strip_prefix(dist).unwrap_or(path).display().to_string();
        println!("{name:<40} {:>10} {gz:>10}", bytes.len());
        Ok((bytes.len(), gz))
    };
    let (mut raw_total, mut gz_total) = (0, 0);
    for path in widget {
        let (raw, gz) = row(path)?;
        raw_total += raw;
        gz_total += gz;
    }
    println!("{:<40} {raw_total:>10} {gz_total:>10}", "widget total");
    // The loader is in both; the full bundle's total counts it once more.
    let (mut raw_total, mut gz_total) = (0, 0);
    for path in full {
        let (raw, gz) = if widget.contains(path) {
            let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
            (bytes.len(), gzip_len(&bytes)?)
        } else {
            row(path)?
        };
        raw_total += raw;
        gz_total += gz;
    }
    println!("{:<40} {raw_total:>10} {gz_total:>10}", "full bundle total (peers, moderators)");
    println!("{}", "-".repeat(62));
    for path in demo {
        row(path)?;
    }
    println!();
    Ok(())
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn reset_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("could not clear {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))
}

fn copy_dir(src: &Path, dst: &Path) -> Result<()> {
    fs::create_dir_all(dst).with_context(|| format!("could not create {}", dst.display()))?;
    for entry in fs::read_dir(src).with_context(|| format!("could not list {}", src.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name() else { continue };
        if path.is_dir() {
            copy_dir(&path, &dst.join(name))?;
        } else {
            copy_file(&path, &dst.join(name))?;
        }
    }
    Ok(())
}

fn copy_file(src: &Path, dst: &Path) -> Result<()> {
    fs::copy(src, dst)
        .map(drop)
        .with_context(|| format!("could not copy {} to {}", src.display(), dst.display()))
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("could not write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Version of a package as locked in the workspace's Cargo.lock (one version expected).
    fn locked_version(lock: &str, package: &str) -> String {
        let wanted = format!("name = \"{package}\"");
        let versions: Vec<&str> = lock
            .split("[[package]]")
            .filter(|entry| entry.lines().any(|l| l.trim() == wanted))
            .filter_map(|entry| {
                entry.lines().find_map(|l| l.trim().strip_prefix("version = \"")?.strip_suffix('"'))
            })
            .collect();
        assert_eq!(versions.len(), 1, "expected exactly one locked {package}, found {versions:?}");
        versions[0].to_owned()
    }

    #[test]
    fn bindgen_library_matches_the_locked_wasm_bindgen() {
        let lock_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        let lock = fs::read_to_string(&lock_path).expect("Cargo.lock is readable");
        assert_eq!(
            locked_version(&lock, "wasm-bindgen-cli-support"),
            locked_version(&lock, "wasm-bindgen"),
            "xtask's wasm-bindgen-cli-support must be pinned to the widget's wasm-bindgen version, \
             or the generated glue will not match the wasm"
        );
    }

    fn bundles() -> (Bundle, Bundle) {
        (
            Bundle { glue: "g.js".into(), wasm: "w.wasm".into() },
            Bundle { glue: "fg.js".into(), wasm: "fw.wasm".into() },
        )
    }

    #[test]
    fn loader_placeholders_are_all_filled() {
        let (readers, full) = bundles();
        let loader = "['__TB_GLUE__', '__TB_WASM__', '__TB_FULL_GLUE__', '__TB_FULL_WASM__']";
        let filled = fill_loader(loader, &readers, &full).unwrap();
        assert_eq!(filled, "['g.js', 'w.wasm', 'fg.js', 'fw.wasm']");
    }

    #[test]
    fn a_missing_placeholder_is_an_error_naming_it() {
        let (readers, full) = bundles();
        let err = fill_loader("'__TB_GLUE__' '__TB_WASM__' '__TB_FULL_GLUE__'", &readers, &full).unwrap_err();
        assert!(err.to_string().contains("__TB_FULL_WASM__"), "{err}");
    }

    #[test]
    fn stripping_keeps_code_and_drops_comments() {
        let js = "/*! header\n * more\n */\n(function () {\n  // why\n  var u = \"http://x\"; // kept\n\n})();\n";
        assert_eq!(strip_js(js), "(function () {\nvar u = \"http://x\"; // kept\n})();\n");
    }

    #[test]
    fn the_loader_fits_its_2_kb_gzip_budget() {
        let loader = Path::new(env!("CARGO_MANIFEST_DIR")).join("../loader/embed.js");
        let readers = Bundle {
            glue: "talkback-0123456789.js".into(),
            wasm: "talkback_bg-0123456789.wasm".into(),
        };
        let full = Bundle {
            glue: "talkback-full-0123456789.js".into(),
            wasm: "talkback-full_bg-0123456789.wasm".into(),
        };
        let js = fill_loader(&strip_js(&fs::read_to_string(loader).unwrap()), &readers, &full).unwrap();
        let size = gzip_len(js.as_bytes()).unwrap();
        assert!(size <= 2048, "embed.js is {size} bytes gzip, over its 2048-byte budget");
    }

    #[test]
    fn hashed_names_change_with_content() {
        assert_eq!(short_hash(b"a").len(), HASH_LEN);
        assert_ne!(short_hash(b"a"), short_hash(b"b"));
        assert_eq!(short_hash(b"a"), short_hash(b"a"));
    }
}
