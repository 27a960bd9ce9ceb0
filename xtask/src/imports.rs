//! Shortens the names under which the wasm imports the glue's JS functions.
//!
//! wasm-bindgen names each import `__wbg_<js name>_<16 hex digits>`, and the name travels twice: in
//! the wasm's import section and as a key of the glue's import object. Both files are ours and are
//! always shipped together (the glue's hash changes with them), so the names can be anything
//! short, as long as both sides agree.

use anyhow::{Context, Result};
use std::fs;
use std::path::Path;

/// The import module wasm-bindgen's glue provides (`--target web`, out name `talkback`).
const GLUE_MODULE: &str = "./talkback_bg.js";

/// Renames the glue's imports in `wasm` and `glue` in place; returns how many were renamed.
///
/// An import is renamed only when its name occurs exactly once in the glue as a whole word (the
/// object key), so anything unexpected in wasm-bindgen's output leaves that import as it was.
pub fn shorten(wasm: &Path, glue: &Path) -> Result<usize> {
    let mut module = walrus::Module::from_file(wasm)
        .with_context(|| format!("could not parse {}", wasm.display()))?;
    let mut js = fs::read_to_string(glue).with_context(|| format!("could not read {}", glue.display()))?;
    let mut renamed = 0;
    for import in module.imports.iter_mut().filter(|i| i.module == GLUE_MODULE) {
        let [at] = word_positions(&js, &import.name)[..] else { continue };
        let short = short_name(renamed);
        js.replace_range(at..at + import.name.len(), &short);
        import.name = short;
        renamed += 1;
    }
    module.emit_wasm_file(wasm).with_context(|| format!("could not write {}", wasm.display()))?;
    fs::write(glue, js).with_context(|| format!("could not write {}", glue.display()))?;
    Ok(renamed)
}

/// Byte offsets where `word` occurs in `text` not inside a longer identifier.
fn word_positions(text: &str, word: &str) -> Vec<usize> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
        .collect()
}

/// `n`-th name of `a`…`z`, `A`…`Z`, then `aa`, `ab`, …: valid JS keys and wasm names, unique per `n`.
/// A leading `$` would be valid too, but two letters already cover 2,756 imports.
fn short_name(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let base = LETTERS.len();
    let mut n = n;
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % base]);
        if n < base {
            break;
        }
        n = n / base - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn short_names_are_unique_and_short() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len());
        assert_eq!(names[0], "a");
        assert_eq!(names[51], "Z");
        assert_eq!(names[52], "aa");
        assert!(names.iter().all(|n| !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_alphabetic())));
    }

    #[test]
    fn only_whole_words_count() {
        let js = "__wbg_x_1: function() {}, __wbg_x_12: 1, a.__wbg_x_1b";
        assert_eq!(word_positions(js, "__wbg_x_1"), vec![0]);
    }
}
