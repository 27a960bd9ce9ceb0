//! Talkback's moderation page, served by the reference server at `/admin`: sign-in, the queue
//! across all threads with filters, per-item and bulk actions, keyboard shortcuts, the audit log
//! and the site settings. A separate crate from the widget so none of it is shipped to readers.

pub mod api;
pub mod keys;
pub mod range;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod ui;

/// Entry point called by the page's `boot.js` once the module is loaded.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(ui::App);
}
