//! Which thread a page belongs to.

use talkback_protocol::{ValidationError, normalize_thread_key};

/// The thread key of a page: an explicit `data-thread`, else the canonical link, else the page's
/// origin and path, normalized the way the server normalizes keys. Blank candidates are skipped.
pub fn thread_key(
    data_thread: Option<&str>,
    canonical: Option<&str>,
    page_url: &str,
) -> Result<String, ValidationError> {
    let pick = [data_thread, canonical]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(page_url);
    normalize_thread_key(pick)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban";

    #[test]
    fn an_explicit_thread_wins_and_is_kept_as_is() {
        assert_eq!(
            thread_key(Some(" story-42 "), Some(PAGE), PAGE).unwrap(),
            "story-42"
        );
    }

    #[test]
    fn the_canonical_link_names_the_article_whatever_the_address_bar_says() {
        let canonical =
            "https://WWW.northbankherald.example/2026/11/24/old-mill-bridge-car-ban/#top";
        let page = "https://m.northbankherald.example/amp/old-mill";
        assert_eq!(thread_key(None, Some(canonical), page).unwrap(), PAGE);
        assert_eq!(thread_key(Some("  "), Some(canonical), page).unwrap(), PAGE);
    }

    #[test]
    fn without_hints_the_page_address_is_used() {
        assert_eq!(
            thread_key(
                None,
                None,
                "https://www.northbankherald.example:443/2026/11/24/old-mill-bridge-car-ban/"
            )
            .unwrap(),
            PAGE
        );
        assert_eq!(thread_key(None, Some(""), PAGE).unwrap(), PAGE);
    }

    #[test]
    fn no_usable_key_is_an_error_not_a_panic() {
        assert_eq!(
            thread_key(None, None, "  "),
            Err(ValidationError::ThreadKeyEmpty)
        );
    }
}
