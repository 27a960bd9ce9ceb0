//! `count.js` for listing pages: the hand-written script with the plural texts of every locale
//! in `locales/` filled in, so a new locale file is all a language needs here too.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;

/// Where count.js takes its texts from: `comments.<plural category> = …` in each locale file.
const PREFIX: &str = "comments.";
const PLACEHOLDER: &str = "__TB_COUNT_TEXT__";

/// The finished `count.js`: comments stripped, texts filled in.
pub fn script(root: &Path) -> Result<String> {
    let path = root.join("loader").join("count.js");
    let source = fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
    let texts = texts(&root.join("locales"))?;
    let stripped = crate::build::strip_js(&source);
    if !stripped.contains(PLACEHOLDER) {
        bail!("{} has no `{PLACEHOLDER}` placeholder", path.display());
    }
    Ok(stripped.replace(PLACEHOLDER, &texts))
}

/// `{"de":{"one":"{n} Kommentar","other":"{n} Kommentare"},…}` from the locale files.
fn texts(dir: &Path) -> Result<String> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("could not list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let tag = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = fs::read_to_string(&file).with_context(|| format!("could not read {}", file.display()))?;
        let forms: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix(PREFIX)?.split_once('='))
            .map(|(form, value)| format!("{}:{}", json_string(form.trim()), json_string(value.trim())))
            .collect();
        if !forms.iter().any(|f| f.starts_with("\"other\":")) {
            bail!("{} has no `{PREFIX}other` line, which count.js needs", file.display());
        }
        out.push(format!("{}:{{{}}}", json_string(&tag), forms.join(",")));
    }
    Ok(format!("{{{}}}", out.join(",")))
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    #[test]
    fn every_locale_gives_its_plural_texts() {
        let texts = texts(&root().join("locales")).unwrap();
        assert!(texts.contains(r#""en":{"one":"{n} comment","other":"{n} comments"}"#), "{texts}");
        assert!(texts.contains(r#""many":"{n} комментариев""#), "{texts}");
    }

    #[test]
    fn count_js_fits_its_1_5_kb_gzip_budget() {
        let js = script(root()).unwrap();
        let size = crate::build::gzip_len(js.as_bytes()).unwrap();
        assert!(size <= 1536, "count.js is {size} bytes gzip, over its 1536-byte budget");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(json_string("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
    }
}
