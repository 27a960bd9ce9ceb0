//! Timers and window listeners tied to the reactive owner that starts them, so unmounting a
//! widget stops them all; their number is counted for the leak tests (`Talkback.live()`).

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static LIVE: Cell<u32> = const { Cell::new(0) };
}

fn add(n: i32) {
    LIVE.with(|l| l.set(l.get().saturating_add_signed(n)));
}

/// Timers and listeners running now, over all mounted widgets.
pub fn count() -> u32 {
    LIVE.with(Cell::get)
}

/// Counts a resource held elsewhere (the live-update connection) while it is held: `true` when
/// it is taken, `false` when it is given back.
pub fn hold(taken: bool) {
    add(if taken { 1 } else { -1 });
}

/// Runs `f` every `every` until the current owner is cleaned up.
pub fn interval(f: impl Fn() + 'static, every: Duration) {
    if let Ok(handle) = set_interval_with_handle(f, every) {
        add(1);
        on_cleanup(move || {
            handle.clear();
            add(-1);
        });
    }
}

/// Listens to `event` on the window until the current owner is cleaned up.
pub fn window_listener(event: &'static str, f: impl Fn(web_sys::Event) + 'static) {
    let handle = window_event_listener_untyped(event, f);
    add(1);
    on_cleanup(move || {
        handle.remove();
        add(-1);
    });
}

/// Runs `f` once the browser is idle (no frame or task waiting), unless the current owner is
/// cleaned up first. Browsers without `requestIdleCallback` get a short timer instead.
pub fn when_idle(f: impl FnOnce() + 'static) {
    let fired = Arc::new(AtomicBool::new(false));
    let done = fired.clone();
    let mut f = Some(f);
    let run = move || {
        if !done.swap(true, Ordering::Relaxed) {
            add(-1);
            if let Some(f) = f.take() {
                f();
            }
        }
    };
    let window = window();
    let has_idle = js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
    if !has_idle {
        return timeout(run, IDLE_FALLBACK);
    }
    // Called at most once; a callback cancelled with its owner stays allocated (one per mount).
    let callback = wasm_bindgen::closure::Closure::once_into_js(run);
    let Ok(handle) = window.request_idle_callback(callback.unchecked_ref()) else {
        return;
    };
    add(1);
    on_cleanup(move || {
        if !fired.swap(true, Ordering::Relaxed) {
            window_cancel_idle(handle);
            add(-1);
        }
    });
}

/// How long browsers without idle callbacks wait instead.
const IDLE_FALLBACK: Duration = Duration::from_millis(200);

fn window_cancel_idle(handle: u32) {
    window().cancel_idle_callback(handle);
}

/// Runs `f` once after `after`, unless the current owner is cleaned up first.
pub fn timeout(f: impl FnOnce() + 'static, after: Duration) {
    // Shared with the cleanup, which must be `Send`; wasm has one thread, so this is cheap.
    let fired = Arc::new(AtomicBool::new(false));
    let done = fired.clone();
    let Ok(handle) = set_timeout_with_handle(
        move || {
            done.store(true, Ordering::Relaxed);
            add(-1);
            f();
        },
        after,
    ) else {
        return;
    };
    add(1);
    on_cleanup(move || {
        if !fired.swap(true, Ordering::Relaxed) {
            handle.clear();
            add(-1);
        }
    });
}
