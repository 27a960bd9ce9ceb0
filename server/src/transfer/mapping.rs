//! Thread keys for imported threads: `--map-url` rules, then the protocol's normalization, so
//! that an imported thread meets the widget on the page it now lives at.

use std::fmt;
use std::str::FromStr;

use talkback_protocol::limits::{TITLE_MAX_CHARS, URL_MAX_CHARS};
use talkback_protocol::normalize_thread_key;

/// One `--map-url FROM=TO` rule: a key starting with `FROM` starts with `TO` instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlMap {
    /// Prefix to replace.
    pub from: String,
    /// Replacement.
    pub to: String,
}

impl FromStr for UrlMap {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() => Ok(UrlMap {
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            }),
            _ => Err(format!(
                "expected FROM=TO, e.g. http://old.example.com/=https://www.example.com/ (got {s:?})"
            )),
        }
    }
}

impl fmt::Display for UrlMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.from, self.to)
    }
}

/// A thread's key, title and URL as they will be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadTarget {
    /// Normalized key.
    pub key: String,
    /// Title, cut to the protocol's limit.
    pub title: Option<String>,
    /// The mapped URL when the key is a web address.
    pub url: Option<String>,
}

/// Derives the stored key: normalize, apply the first matching rule, normalize again (so
/// `FROM` can be written the way keys look: lowercase host, no trailing slash).
pub fn thread_target(
    raw_key: &str,
    title: Option<&str>,
    maps: &[UrlMap],
) -> Result<ThreadTarget, String> {
    let first = normalize_thread_key(raw_key).map_err(|e| format!("{raw_key:?}: {e}"))?;
    let mapped = maps
        .iter()
        .find_map(|m| {
            first
                .strip_prefix(&m.from)
                .map(|rest| format!("{}{rest}", m.to))
        })
        .unwrap_or_else(|| first.clone());
    let key = normalize_thread_key(&mapped).map_err(|e| format!("{mapped:?}: {e}"))?;
    let is_web = key.starts_with("https://") || key.starts_with("http://");
    let url = (is_web && key.chars().count() <= URL_MAX_CHARS).then(|| key.clone());
    let title = title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(TITLE_MAX_CHARS).collect());
    Ok(ThreadTarget { key, title, url })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(s: &str) -> UrlMap {
        s.parse().expect("rule")
    }

    #[test]
    fn keys_are_normalized_then_mapped() {
        let maps = [
            map("http://old.example=https://www.example.com"),
            map("/=https://blog.example/"),
        ];
        let t = thread_target(
            "HTTP://Old.Example/2013/story/#comments",
            Some(" Story "),
            &maps,
        )
        .expect("target");
        assert_eq!(t.key, "https://www.example.com/2013/story");
        assert_eq!(t.url.as_deref(), Some("https://www.example.com/2013/story"));
        assert_eq!(t.title.as_deref(), Some("Story"));
        let isso = thread_target("/posts/hello/", None, &maps).expect("path");
        assert_eq!(isso.key, "https://blog.example/posts/hello");
        let plain = thread_target("article-42", None, &[]).expect("id");
        assert_eq!((plain.key.as_str(), plain.url), ("article-42", None));
    }

    #[test]
    fn bad_rules_and_keys_are_reported() {
        assert!("no-equals".parse::<UrlMap>().is_err());
        assert!("=x".parse::<UrlMap>().is_err());
        assert!(thread_target("  ", None, &[]).is_err());
    }
}
