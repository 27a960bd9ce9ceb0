//! The live-update connection of a mounted thread: an `EventSource` on the server's event
//! stream whose events are applied to the thread as they come, reopened with backoff from the
//! last event seen when it fails, and closed when the widget is unmounted.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use talkback_protocol::{LiveEvent, LiveEventKind};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use super::live;
use super::state::ThreadState;
use crate::backend::Backend;
use crate::thread::backoff::Backoff;
use crate::thread::updates::Applied;

/// How the connection stands; the root shows it as `data-live` (for styling and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// No live updates: turned off by the page, or the server has none.
    Off,
    /// Opening the stream.
    Connecting,
    /// Events arrive as they happen.
    Open,
    /// The stream failed; it is reopened after a pause.
    Retrying,
}

impl Link {
    /// The value of the root's `data-live` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Off => "off",
            Link::Connecting => "connecting",
            Link::Open => "open",
            Link::Retrying => "retrying",
        }
    }
}

/// An open `EventSource` with the callbacks it calls; closed when dropped.
struct Source {
    source: EventSource,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Source {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Everything one thread's live updates hold.
struct Connection {
    state: ThreadState,
    backend: Rc<dyn Backend>,
    key: String,
    source: Option<Source>,
    retry: Option<TimeoutHandle>,
    backoff: Backoff,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(r) = self.retry.take() {
            r.clear();
        }
    }
}

thread_local! {
    // Keyed by a number so the unmount cleanup (which must be `Send`) holds no browser object.
    static CONNECTIONS: RefCell<HashMap<u32, Connection>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u32> = const { Cell::new(0) };
    // A malformed event is logged once per page, not once per event.
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// A thread's live updates, prepared at mount and started once the thread is shown.
#[derive(Clone, Copy, Debug)]
pub struct Follow(Option<u32>);

impl Follow {
    /// Sets up live updates for the current owner (they end with it); nothing when the page
    /// turned them off (`data-live="off"`) or the server has none.
    pub fn prepare(state: ThreadState) -> Self {
        let (Some(backend), Some(key)) = (state.backend(), state.key()) else {
            return Follow(None);
        };
        let wanted = state.config.with_value(|c| c.live);
        if !wanted || !backend.capabilities().live {
            return Follow(None);
        }
        let id = NEXT.with(|n| {
            n.set(n.get().wrapping_add(1));
            n.get()
        });
        let connection = Connection {
            state,
            backend,
            key,
            source: None,
            retry: None,
            backoff: Backoff::default(),
        };
        CONNECTIONS.with(|m| m.borrow_mut().insert(id, connection));
        live::hold(true);
        on_cleanup(move || {
            let gone = CONNECTIONS.with(|m| m.borrow_mut().remove(&id));
            if gone.is_some() {
                live::hold(false);
            }
        });
        Follow(Some(id))
    }

    /// Opens the stream unless it is open or about to be reopened.
    pub fn start(self) {
        let Some(id) = self.0 else {
            return;
        };
        let idle = with_connection(id, |c| c.source.is_none() && c.retry.is_none());
        if idle == Some(true) {
            open(id);
        }
    }
}

fn with_connection<T>(id: u32, f: impl FnOnce(&mut Connection) -> T) -> Option<T> {
    CONNECTIONS.with(|m| m.borrow_mut().get_mut(&id).map(f))
}

/// (Re)opens the stream after the last event applied. Never called from the stream's own
/// callbacks, so replacing the old source cannot drop a callback while it runs.
fn open(id: u32) {
    let failed = with_connection(id, |c| {
        c.retry = None;
        c.source = None;
        let after = c.state.inbox.try_with_untracked(|i| i.last_id()).flatten();
        let Some(url) = c.backend.events_url(&c.key, after) else {
            return false;
        };
        match connect(id, c.state, &url) {
            Ok(source) => {
                c.source = Some(source);
                c.state.link.try_set(Link::Connecting);
                false
            }
            Err(_) => true,
        }
    });
    if failed == Some(true) {
        retry_later(id);
    }
}

fn connect(id: u32, state: ThreadState, url: &str) -> Result<Source, wasm_bindgen::JsValue> {
    let source = EventSource::new(url)?;
    let mut listeners: Vec<Closure<dyn FnMut(web_sys::Event)>> = Vec::new();
    let mut listen = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
        let cb = Closure::wrap(f);
        let added = source.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        listeners.push(cb);
        added
    };
    for kind in LiveEventKind::ALL {
        listen(kind.as_str(), Box::new(move |ev| received(state, kind, &ev)))?;
    }
    listen("open", Box::new(move |_| opened(id)))?;
    listen("error", Box::new(move |_| retry_later(id)))?;
    Ok(Source {
        source,
        _listeners: listeners,
    })
}

fn opened(id: u32) {
    with_connection(id, |c| {
        c.backoff.reset();
        c.state.link.try_set(Link::Open);
    });
}

/// The stream failed or ended: close it (the browser's own retry would not back off) and open
/// it again after a growing, jittered pause, from the last event seen.
fn retry_later(id: u32) {
    with_connection(id, |c| {
        if let Some(s) = &c.source {
            s.source.close();
        }
        if c.retry.is_some() {
            return;
        }
        let pause = c.backoff.next_delay(js_sys::Math::random());
        c.state.link.try_set(Link::Retrying);
        c.retry = set_timeout_with_handle(move || open(id), pause).ok();
    });
}

/// One event off the wire; a malformed one is skipped (and logged once).
fn received(state: ThreadState, kind: LiveEventKind, ev: &web_sys::Event) {
    let Some(msg) = ev.dyn_ref::<MessageEvent>() else {
        return;
    };
    let id = msg.last_event_id().trim().parse::<u64>();
    let data = msg.data().as_string().unwrap_or_default();
    let parsed = LiveEvent::parse(kind, &data).map_err(|e| e.to_string());
    match (id, parsed) {
        (Ok(id), Ok(event)) => apply(state, id, event),
        (Err(_), _) => warn_once(&format!("`{}` event without a numeric id", kind.as_str())),
        (_, Err(why)) => warn_once(&why),
    }
}

fn apply(state: ThreadState, id: u64, event: LiveEvent) {
    let count = event.comment_count();
    let applied = state
        .inbox
        .try_update(|inbox| state.tree.try_update(|tree| inbox.apply(tree, id, event)))
        .flatten();
    if applied.is_some_and(|a| a != Applied::Duplicate) {
        state.count.try_set(count);
    }
}

fn warn_once(why: &str) {
    if !WARNED.with(|w| w.replace(true)) {
        web_sys::console::warn_1(
            &format!("Talkback: a live update was skipped ({why}); further ones are skipped silently.")
                .into(),
        );
    }
}
