//! Lists every `locales/*.txt` for the widget and embeds English, the fallback: adding a
//! language is adding one file. The other files are copied next to the wasm by `cargo xtask
//! build` and fetched only by readers of that language, so each costs the wasm nothing.

use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("locales");
    // A new file changes the directory; edits of en.txt are tracked through include_str!.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    tags.sort();
    let mut out =
        String::from("/// Tags of every locale file, sorted.\npub static TAGS: &[&str] = &[\n");
    for tag in &tags {
        out.push_str(&format!("    {tag:?},\n"));
    }
    out.push_str(&format!(
        "];\n/// `locales/en.txt`.\npub static ENGLISH: &str = include_str!({:?});\n",
        dir.join("en.txt").display().to_string()
    ));
    let target = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("locales.rs");
    fs::write(&target, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
}
