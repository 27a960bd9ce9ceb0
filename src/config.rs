//! The widget's settings, read from the loader's config object.

use talkback_protocol::limits::{TITLE_MAX_CHARS, URL_MAX_CHARS};

use crate::backend::BackendKind;
use crate::thread::key::thread_key;

/// Everything the widget needs to know about the page it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Base URL of the comment server.
    pub api: String,
    /// The normalized thread key, or the reason there is none (shown instead of the thread).
    pub key: Result<String, String>,
    /// Article title sent with each comment (the thread keeps the first one).
    pub title: Option<String>,
    /// Article URL sent with each comment.
    pub url: Option<String>,
    /// The page's preferred sort order (`data-sort`); a reader's remembered choice wins.
    pub sort: Option<String>,
    /// Which kind of server `api` is (`data-backend`).
    pub backend: BackendKind,
    /// Whether to open a live-update connection (`data-live="off"` turns it off).
    pub live: bool,
    /// The site's signed sign-in token for the reader (`data-sso`), sent with every request.
    pub sso: Option<String>,
}

/// The loader's fields as strings; any of them may be missing.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// `data-api`.
    pub api: Option<String>,
    /// `data-thread`.
    pub thread: Option<String>,
    /// `data-title`, else the document title.
    pub title: Option<String>,
    /// The canonical link's resolved href.
    pub canonical: Option<String>,
    /// Origin and path of the page.
    pub page_url: Option<String>,
    /// `data-sort`.
    pub sort: Option<String>,
    /// `data-backend`.
    pub backend: Option<String>,
    /// The page's path (`location.pathname`): Isso and Waline key threads by it.
    pub page_path: Option<String>,
    /// `data-live`.
    pub live: Option<String>,
    /// `data-sso`.
    pub sso: Option<String>,
}

/// Reads `data-live`: live updates are on unless the page says `off` (or `false`, `no`, `0`).
pub fn live_wanted(value: Option<&str>) -> bool {
    let v = value.map(str::trim).unwrap_or("").to_ascii_lowercase();
    !matches!(v.as_str(), "off" | "false" | "no" | "0")
}

fn is_http(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl Config {
    /// Builds the settings; `fallback_api` (the page's origin) is used when no API is given.
    pub fn from_fields(f: Fields, fallback_api: &str) -> Self {
        let blank_to_none =
            |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let api = blank_to_none(f.api).unwrap_or_else(|| fallback_api.to_owned());
        let canonical = blank_to_none(f.canonical);
        let page_url = blank_to_none(f.page_url).unwrap_or_default();
        let backend = BackendKind::parse(f.backend.as_deref());
        let key = match &backend {
            Err(why) => Err(why.clone()),
            // Keyed as the server's own client keys them, so existing threads are found.
            Ok(kind) if kind.keys_by_path() => {
                let explicit = blank_to_none(f.thread);
                explicit
                    .or_else(|| blank_to_none(f.page_path))
                    .ok_or_else(|| "the page has no path to name its thread by".to_owned())
            }
            Ok(_) => thread_key(f.thread.as_deref(), canonical.as_deref(), &page_url)
                .map_err(|e| e.to_string()),
        };
        // The server refuses over-long titles, which would make every post fail: shorten instead.
        let title = blank_to_none(f.title).map(|t| {
            t.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(TITLE_MAX_CHARS)
                .collect::<String>()
                .trim()
                .to_owned()
        });
        let url = [canonical, Some(page_url)].into_iter().flatten().find(|u| {
            is_http(u)
                && u.chars().count() <= URL_MAX_CHARS
                && !u.chars().any(|c| c.is_whitespace() || c.is_control())
        });
        Config {
            api,
            key,
            title: title.filter(|t| !t.is_empty()),
            url,
            sort: blank_to_none(f.sort),
            backend: backend.unwrap_or_default(),
            live: live_wanted(f.live.as_deref()),
            sso: blank_to_none(f.sso),
        }
    }

    /// Reads the loader's object field by field; missing or non-string fields count as absent.
    #[cfg(target_arch = "wasm32")]
    pub fn from_js(obj: &wasm_bindgen::JsValue) -> Self {
        let get = |name: &str| {
            js_sys::Reflect::get(obj, &wasm_bindgen::JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        let window = web_sys::window();
        let location = window.as_ref().map(|w| w.location());
        let origin = location
            .as_ref()
            .and_then(|l| l.origin().ok())
            .unwrap_or_default();
        let path = location
            .as_ref()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default();
        let doc_title = window.and_then(|w| w.document()).map(|d| d.title());
        let fields = Fields {
            api: get("api"),
            thread: get("thread"),
            title: get("title").filter(|t| !t.trim().is_empty()).or(doc_title),
            canonical: get("canonical"),
            page_url: get("pageUrl").or_else(|| Some(format!("{origin}{path}"))),
            sort: get("sort"),
            backend: get("backend"),
            page_path: Some(path),
            live: get("live"),
            sso: get("sso"),
        };
        Config::from_fields(fields, &origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_url_is_key_and_article_url() {
        let c = Config::from_fields(
            Fields {
                api: Some(" http://127.0.0.1:8080 ".into()),
                canonical: Some(
                    "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban".into(),
                ),
                page_url: Some("http://127.0.0.1:8080/".into()),
                title: Some("Council votes to close Old Mill Bridge".into()),
                ..Fields::default()
            },
            "http://page.example",
        );
        assert_eq!(c.api, "http://127.0.0.1:8080");
        assert_eq!(
            c.key.as_deref(),
            Ok("https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban")
        );
        assert_eq!(
            c.url.as_deref(),
            Some("https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban")
        );
    }

    #[test]
    fn live_updates_are_on_unless_turned_off() {
        for on in [None, Some(""), Some("on"), Some("yes"), Some("whatever")] {
            assert!(live_wanted(on), "{on:?}");
        }
        for off in ["off", " OFF ", "false", "no", "0"] {
            assert!(!live_wanted(Some(off)), "{off:?}");
        }
    }

    #[test]
    fn nothing_given_falls_back_without_panicking() {
        let c = Config::from_fields(Fields::default(), "http://page.example");
        assert_eq!(c.api, "http://page.example");
        assert!(c.key.is_err());
        assert_eq!(c.url, None);
        assert_eq!(c.title, None);
    }

    #[cfg(feature = "peers")]
    #[test]
    fn isso_and_waline_threads_are_keyed_by_path_like_their_own_clients() {
        let fields = |backend: &str, thread: Option<&str>| Fields {
            backend: Some(backend.into()),
            thread: thread.map(str::to_owned),
            canonical: Some("https://news.example/2026/a".into()),
            page_url: Some("https://news.example/2026/a".into()),
            page_path: Some("/2026/a".into()),
            ..Fields::default()
        };
        let isso = Config::from_fields(fields(" Isso ", None), "");
        assert_eq!(isso.backend, BackendKind::Isso);
        assert_eq!(isso.key.as_deref(), Ok("/2026/a"));
        let waline = Config::from_fields(fields("waline", Some(" /custom ")), "");
        assert_eq!(waline.backend, BackendKind::Waline);
        assert_eq!(
            waline.key.as_deref(),
            Ok("/custom"),
            "data-thread wins, as given"
        );
        let ours = Config::from_fields(fields("", None), "");
        assert_eq!(ours.backend, BackendKind::Talkback);
        assert_eq!(ours.key.as_deref(), Ok("https://news.example/2026/a"));
    }

    #[test]
    fn an_unknown_backend_is_named_instead_of_guessed() {
        let c = Config::from_fields(
            Fields {
                backend: Some("disqus".into()),
                page_path: Some("/a".into()),
                ..Fields::default()
            },
            "",
        );
        let why = c.key.unwrap_err();
        assert!(why.contains("\"disqus\" is not supported"), "{why}");
        assert!(why.contains("\"isso\""), "{why}");
    }

    #[test]
    fn long_or_odd_titles_are_made_postable() {
        let c = Config::from_fields(
            Fields {
                title: Some(format!("A\u{7}B{}", "x".repeat(400))),
                page_url: Some("file:///x".into()),
                ..Fields::default()
            },
            "",
        );
        let t = c.title.unwrap();
        assert_eq!(t.chars().count(), TITLE_MAX_CHARS);
        assert!(t.starts_with("A B"));
        assert_eq!(c.url, None, "only http(s) URLs are sent");
    }
}
