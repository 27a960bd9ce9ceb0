//! Thread keys: one normalization used by the widget, the server and importers alike.

use crate::limits::THREAD_KEY_MAX_CHARS;
use crate::validate::ValidationError;

/// Normalizes a thread key so that spellings of the same article meet in one thread.
///
/// An `http(s)` URL gets a lowercase scheme and host, loses its fragment, default port and
/// trailing slash (except the root path); its query is kept because some sites address
/// articles by it. Any other key (an explicit `data-thread` id) is only trimmed.
pub fn normalize_thread_key(raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ValidationError::ThreadKeyEmpty);
    }
    if s.chars().any(char::is_control) {
        return Err(ValidationError::ThreadKeyInvalid);
    }
    let key = normalize_url(s).unwrap_or_else(|| s.to_owned());
    if key.chars().count() > THREAD_KEY_MAX_CHARS {
        return Err(ValidationError::ThreadKeyTooLong { max: THREAD_KEY_MAX_CHARS });
    }
    Ok(key)
}

fn normalize_url(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(auth_end);
    // Credentials in a URL never identify an article.
    let host = authority.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    if host.is_empty() {
        return None;
    }
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut path = if path.is_empty() { "/" } else { path };
    while path.len() > 1 && path.ends_with('/') {
        path = &path[..path.len() - 1];
    }
    let mut out = format!("{scheme}://{host}{path}");
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_name_the_same_article_meet() {
        let same = [
            "https://News.Example.com/2026/story/",
            "https://news.example.com/2026/story#comments",
            "HTTPS://news.example.com:443/2026/story",
            "  https://news.example.com/2026/story  ",
        ];
        for s in same {
            assert_eq!(normalize_thread_key(s).unwrap(), "https://news.example.com/2026/story", "{s}");
        }
    }

    #[test]
    fn query_and_non_default_port_are_kept() {
        assert_eq!(
            normalize_thread_key("http://a.example:8080/p?id=7#x").unwrap(),
            "http://a.example:8080/p?id=7"
        );
        assert_eq!(normalize_thread_key("http://a.example").unwrap(), "http://a.example/");
    }

    #[test]
    fn explicit_ids_are_only_trimmed() {
        assert_eq!(normalize_thread_key(" Story-42/ ").unwrap(), "Story-42/");
    }

    #[test]
    fn bad_keys_are_refused() {
        assert_eq!(normalize_thread_key("   "), Err(ValidationError::ThreadKeyEmpty));
        assert_eq!(normalize_thread_key("a\u{0}b"), Err(ValidationError::ThreadKeyInvalid));
        assert!(matches!(
            normalize_thread_key(&"k".repeat(513)),
            Err(ValidationError::ThreadKeyTooLong { .. })
        ));
    }
}
