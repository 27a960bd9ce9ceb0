//! The live-update connection of a mounted thread: an `EventSource` on the server's event
//! stream whose events are applied to the thread as they come, reopened with backoff from the
//! last event seen when it fails, paused while the page stays hidden, and closed when the
//! widget is unmounted.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

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
    /// The page has been hidden for a while: the stream is closed until it is shown again,
    /// then catches up from the last event seen.
    Paused,
}

/// How long a hidden page keeps its stream: switching tabs for a moment costs no reconnect,
/// while a tab left in the background holds no server connection.
const HIDDEN_GRACE: Duration = Duration::from_secs(15);

impl Link {
    /// The value of the root's `data-live` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Off => "off",
            Link::Connecting => "connecting",
            Link::Open => "open",
            Link::Retrying => "retrying",
            Link::Paused => "paused",
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
    /// Counting down to a pause, while the page is hidden.
    hiding: Option<TimeoutHandle>,
    /// Closed because the page is hidden; reopened when it is shown.
    paused: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        for timer in [self.retry.take(), self.hiding.take()].into_iter().flatten() {
            timer.clear();
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
            hiding: None,
            paused: false,
        };
        CONNECTIONS.with(|m| m.borrow_mut().insert(id, connection));
        live::hold(true);
        live::window_listener("visibilitychange", move |_| visibility_changed(id));
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
        let idle = with_connection(id, |c| c.source.is_none() && c.retry.is_none() && !c.paused);
        if idle != Some(true) {
            return;
        }
        if page_hidden() {
            // A page opened in a background tab connects when the reader looks at it.
            with_connection(id, pause);
        } else {
            open(id);
        }
    }
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Hidden: pause after a grace period. Shown: stop counting down, and reopen a paused stream
/// (it catches up from the last event seen).
fn visibility_changed(id: u32) {
    let hidden = page_hidden();
    let resume = with_connection(id, |c| {
        if let Some(timer) = c.hiding.take() {
            timer.clear();
        }
        if hidden {
            let started = c.source.is_some() || c.retry.is_some();
            if started && !c.paused {
                c.hiding = set_timeout_with_handle(move || hidden_long(id), HIDDEN_GRACE).ok();
            }
            return false;
        }
        std::mem::take(&mut c.paused)
    });
    if resume == Some(true) {
        open(id);
    }
}

fn hidden_long(id: u32) {
    with_connection(id, |c| {
        c.hiding = None;
        if page_hidden() {
            pause(c);
        }
    });
}

/// Closes the stream (and any pending reopen) until the page is shown again.
fn pause(c: &mut Connection) {
    if let Some(timer) = c.retry.take() {
        timer.clear();
    }
    c.source = None;
    c.paused = true;
    c.state.link.try_set(Link::Paused);
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
