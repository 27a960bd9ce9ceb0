//! The state shared by every component of one mounted thread.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use talkback_protocol::{CommentId, Cursor};

use crate::backend::Backend;
use crate::config::Config;
use crate::thread::time::Zone;
use crate::thread::tree::Tree;

const NAME_KEY: &str = "talkback:name";

/// Handles to the thread's state; `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct ThreadState {
    /// The server client.
    pub backend: StoredValue<Rc<dyn Backend>, LocalStorage>,
    /// Page settings.
    pub config: StoredValue<Config>,
    /// All loaded comments.
    pub tree: RwSignal<Tree>,
    /// Visible comments in the whole thread, as the server counts them.
    pub count: RwSignal<u64>,
    /// Where the next page of top-level comments starts.
    pub next_cursor: RwSignal<Option<Cursor>>,
    /// Comments shown while they are being posted, with the text the reader wrote.
    pub sending: RwSignal<HashMap<CommentId, String>>,
    /// The reader's display name, shared by all forms and remembered across visits.
    pub name: RwSignal<String>,
    /// When the widget started (ms since the epoch) and the reader's zone, for relative times.
    pub now: StoredValue<(i64, Zone)>,
    seq: StoredValue<u32>,
}

/// The time now and the reader's zone (JS gives minutes west of UTC; `Zone` wants east).
fn clock() -> (i64, Zone) {
    let now = js_sys::Date::new_0();
    (
        now.get_time() as i64,
        Zone(-(now.get_timezone_offset() as i64)),
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl ThreadState {
    /// Fresh state for a page.
    pub fn new(backend: Rc<dyn Backend>, config: Config) -> Self {
        let name = storage()
            .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
            .unwrap_or_default();
        ThreadState {
            backend: StoredValue::new_local(backend),
            config: StoredValue::new(config),
            tree: RwSignal::new(Tree::default()),
            count: RwSignal::new(0),
            next_cursor: RwSignal::new(None),
            sending: RwSignal::new(HashMap::new()),
            name: RwSignal::new(name),
            now: StoredValue::new(clock()),
            seq: StoredValue::new(0),
        }
    }

    /// The state provided by [`crate::ui::app::App`].
    pub fn get() -> Self {
        // Every component is rendered under App, which provides this; a missing context is a bug
        // in this crate, never a consequence of page or server input.
        expect_context::<ThreadState>()
    }

    /// The server client (a cheap `Rc` clone).
    pub fn backend(&self) -> Option<Rc<dyn Backend>> {
        self.backend.try_get_value()
    }

    /// An id for a comment that is still being sent; never valid on the server.
    pub fn pending_id(&self) -> Option<CommentId> {
        let n = self.seq.try_update_value(|n| {
            *n += 1;
            *n
        })?;
        CommentId::parse(&format!("pending-{n}"))
    }

    /// Remembers the name the reader posted under.
    pub fn remember_name(&self, name: &str) {
        if let Some(s) = storage() {
            let _ = if name.is_empty() {
                s.remove_item(NAME_KEY)
            } else {
                s.set_item(NAME_KEY, name)
            };
        }
    }
}
