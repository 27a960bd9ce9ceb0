//! Talkback widget: a reader-comment thread rendered by Leptos inside the host page's shadow root.
//!
//! Three layers, kept apart so the logic can be tested without a browser:
//! `thread` and `identicon` are pure data, `backend` talks to a comment server, `ui` draws.

pub mod backend;
pub mod config;
pub mod i18n;
pub mod identicon;
pub mod thread;

#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
pub use entry::{Mounted, live_resources, mount};

#[cfg(target_arch = "wasm32")]
mod entry {
    use std::any::Any;

    use wasm_bindgen::prelude::*;

    /// One mounted widget; the loader keeps it and calls `unmount` when the page removes it.
    #[wasm_bindgen]
    pub struct Mounted {
        // Leptos's unmount handle: dropping it removes the view and disposes of its reactive
        // owner, which runs every `on_cleanup` (timers, window listeners).
        handle: Option<Box<dyn Any>>,
    }

    #[wasm_bindgen]
    impl Mounted {
        /// Removes the widget and everything it keeps running.
        pub fn unmount(mut self) {
            drop(self.handle.take());
        }
    }

    /// Mounts the widget into `root` (a node inside the loader's shadow root) with the loader's
    /// options object.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::HtmlElement, config: JsValue) -> Mounted {
        let host = crate::ui::events::Host::from_js(&config);
        let option = |name: &str| {
            js_sys::Reflect::get(&config, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        // The loader resolves data-lang, else the page's lang, else the browser's, and says
        // where the locale files are.
        let lang = option("lang").unwrap_or_default();
        let locales = option("locales");
        let config = crate::config::Config::from_js(&config);
        let handle = leptos::mount::mount_to(root, move || {
            crate::ui::app::App(crate::ui::app::AppProps {
                config,
                host,
                lang,
                locales,
            })
        });
        Mounted {
            handle: Some(Box::new(handle)),
        }
    }

    /// Timers and window listeners held by all mounted widgets (0 when none is mounted).
    #[wasm_bindgen(js_name = liveResources)]
    pub fn live_resources() -> u32 {
        crate::ui::live::count()
    }
}
