//! Talkback widget: a reader-comment thread rendered by Leptos inside the host page's shadow root.
//!
//! Three layers, kept apart so the logic can be tested without a browser:
//! `thread` and `identicon` are pure data, `backend` talks to a comment server, `ui` draws.

pub mod backend;
pub mod config;
pub mod identicon;
pub mod thread;

#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
pub use entry::mount;

#[cfg(target_arch = "wasm32")]
mod entry {
    use wasm_bindgen::prelude::*;

    /// Mounts the widget into `root` (a node inside the loader's shadow root) with the loader's config object.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::HtmlElement, config: JsValue) {
        let config = crate::config::Config::from_js(&config);
        let handle = leptos::mount::mount_to(root, move || {
            crate::ui::app::App(crate::ui::app::AppProps { config })
        });
        // The widget lives as long as the page; dropping the handle would unmount it at once.
        handle.forget();
    }
}
