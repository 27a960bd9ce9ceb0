//! Small browser services the components share: storage, the clock, scrolling, the clipboard.
//! Every one of them fails quietly, because a refusing browser must never break the thread.

use talkback_protocol::CommentId;
use wasm_bindgen::JsCast;

use crate::thread::compose::token_from;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A remembered value; `None` when absent or storage is unavailable.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Remembers a value; an empty one is forgotten instead, so storage holds no clutter.
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = if value.is_empty() {
            s.remove_item(key)
        } else {
            s.set_item(key, value)
        };
    }
}

/// The time now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A fresh idempotency key for a post.
pub fn client_token() -> String {
    token_from(js_sys::Math::random)
}

/// The page's address, for permalinks.
pub fn page_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The page's fragment (`#comment-…`), empty when there is none.
pub fn page_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The article of a comment inside the widget's root, if it is drawn.
pub fn article(root: &web_sys::Element, id: &CommentId) -> Option<web_sys::HtmlElement> {
    // Ids are limited to letters, digits, `-` and `_`, so the attribute selector needs no escaping
    // (an `#id` selector would break on ids that start with a digit).
    root.query_selector(&format!("article[id=\"comment-{id}\"]"))
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

/// Scrolls a comment to the middle of the screen and moves keyboard focus there.
pub fn reveal(root: &web_sys::Element, id: &CommentId) -> bool {
    let Some(el) = article(root, id) else {
        return false;
    };
    focus_comment(&el);
    true
}

/// Scrolls a comment's article to the middle of the screen and focuses it.
pub fn focus_comment(el: &web_sys::HtmlElement) {
    center(el);
    focus_quietly(el);
}

/// Scrolls an element to the middle of the screen.
pub fn center(el: &web_sys::Element) {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Focuses a comment's article where it is, without scrolling.
pub fn focus_quietly(el: &web_sys::HtmlElement) {
    // A focusable article lets keyboard and screen reader users continue from the comment.
    let _ = el.set_attribute("tabindex", "-1");
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = el.focus_with_options(&options);
}

/// Copies text to the clipboard; false when the browser refuses (no permission, no API).
pub async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    // Older or locked-down browsers have no clipboard object at all.
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}
