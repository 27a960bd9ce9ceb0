//! The anonymous reader token: kept in `localStorage`, one per comment server.

/// The scheme, host and port of a URL (`https://c.example:8443`), or the text as given when it
/// is not an absolute URL; used so two comment servers on one site never share a token.
pub fn origin_of(api: &str) -> String {
    let api = api.trim();
    let Some((scheme, rest)) = api.split_once("://") else {
        return api.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        rest.get(..end).unwrap_or(rest).to_ascii_lowercase()
    )
}

/// The `localStorage` key of the reader token for a comment server.
pub fn storage_key(api: &str) -> String {
    format!("talkback:reader:{}", origin_of(api))
}

/// Reads and writes the token; storage can be missing or refuse (private modes, sandboxed
/// frames), in which case the token lives only as long as the page.
#[cfg(target_arch = "wasm32")]
pub mod store {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The stored token, if any.
    pub fn load(key: &str) -> Option<String> {
        storage()?
            .get_item(key)
            .ok()
            .flatten()
            .filter(|t| !t.trim().is_empty())
    }

    /// Keeps a token for the next visit.
    pub fn save(key: &str, token: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, token);
        }
    }

    /// Forgets a token the server no longer knows.
    pub fn forget(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_per_comment_server() {
        assert_eq!(
            storage_key("https://Comments.Example.com/api/"),
            "talkback:reader:https://comments.example.com"
        );
        assert_eq!(
            storage_key("http://127.0.0.1:8080"),
            "talkback:reader:http://127.0.0.1:8080"
        );
        assert_ne!(
            storage_key("http://127.0.0.1:8080"),
            storage_key("http://127.0.0.1:8081")
        );
        assert_eq!(origin_of("/relative"), "/relative");
    }
}
