//! Rules about what a post says: links, repeated text and the operator's word list.

use std::path::Path;

use sha2::{Digest, Sha256};

/// How many links a markdown body carries: each `http://`, `https://` or `www.` address,
/// written bare or inside a markdown link, counts once.
pub fn count_links(body: &str) -> usize {
    let lower = body.to_lowercase();
    let schemes = lower.matches("http://").count() + lower.matches("https://").count();
    // `www.` after `//` was already counted with its scheme.
    let bare_www = lower
        .match_indices("www.")
        .filter(|(i, _)| {
            let before = &lower[..*i];
            !before.ends_with("//") && !before.ends_with(|c: char| c.is_alphanumeric())
        })
        .count();
    schemes + bare_www
}

/// A fingerprint of a body that ignores case and spacing, so trivially altered reposts match.
pub fn fingerprint(body: &str) -> String {
    let normalized = words(body).collect::<Vec<_>>().join(" ");
    Sha256::digest(normalized.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The lower-cased words of a text: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Words and phrases whose comments wait for a moderator.
#[derive(Clone, Debug, Default)]
pub struct WordList {
    /// Each entry as its lower-cased words.
    entries: Vec<Vec<String>>,
}

impl WordList {
    /// Reads one word or phrase per line; blank lines and lines starting with `#` are skipped.
    pub fn load(path: &Path) -> Result<WordList, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
        Ok(WordList::parse(&text))
    }

    /// Parses the text of a word list.
    pub fn parse(text: &str) -> WordList {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| words(l).collect::<Vec<_>>())
            .filter(|e| !e.is_empty())
            .collect();
        WordList { entries }
    }

    /// How many entries the list has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first entry found in `body` as whole words (a phrase as consecutive words).
    pub fn find(&self, body: &str) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let body: Vec<String> = words(body).collect();
        self.entries
            .iter()
            .find(|e| body.windows(e.len()).any(|w| w == e.as_slice()))
            .map(|e| e.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_count_once_however_written() {
        assert_eq!(count_links("no links here"), 0);
        assert_eq!(count_links("see https://a.example and http://b.example"), 2);
        assert_eq!(
            count_links("[here](https://www.a.example) or www.b.example"),
            2
        );
        assert_eq!(count_links("WWW.SHOUT.EXAMPLE"), 1);
        assert_eq!(count_links("awww.nope"), 0);
    }

    #[test]
    fn fingerprints_ignore_case_and_spacing_only() {
        assert_eq!(fingerprint("Buy  NOW!\n"), fingerprint("buy now"));
        assert_ne!(fingerprint("buy now"), fingerprint("buy later"));
    }

    #[test]
    fn the_word_list_matches_whole_words_and_phrases() {
        let list = WordList::parse("# spam words\ncasino\n\nCheap Pills\n");
        assert_eq!(list.len(), 2);
        assert_eq!(list.find("Visit our CASINO today"), Some("casino".into()));
        assert_eq!(
            list.find("cheap   pills, anyone?"),
            Some("cheap pills".into())
        );
        assert_eq!(list.find("casinos are not the word"), None);
        assert_eq!(list.find("cheap and pills"), None);
    }
}
