//! Keyboard shortcuts for moving through the thread: `j` next comment, `k` previous, `p` its
//! parent. Only while focus is in the thread and not in a field, so they never take a letter a
//! reader types, nor one the page uses elsewhere (WCAG 2.1.4).

use wasm_bindgen::JsCast;

use super::dom;

/// The value of `aria-keyshortcuts` on every comment.
pub const SHORTCUTS: &str = "J K P";

/// Where a shortcut moves focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    Next,
    Previous,
    Parent,
}

fn shortcut(key: &str) -> Option<Move> {
    match key {
        "j" | "J" => Some(Move::Next),
        "k" | "K" => Some(Move::Previous),
        "p" | "P" => Some(Move::Parent),
        _ => None,
    }
}

/// Handles a keydown inside the widget's root `root`.
pub fn on_keydown(ev: &web_sys::KeyboardEvent, root: &web_sys::Element) {
    if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || ev.default_prevented() {
        return;
    }
    let Some(step) = shortcut(&ev.key()) else {
        return;
    };
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let typing = matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.closest("[contenteditable]").ok().flatten().is_some();
    if typing {
        return;
    }
    let current = target.closest("article.tb-comment").ok().flatten();
    let goal = match step {
        Move::Parent => current
            .as_ref()
            .and_then(|c| c.parent_element())
            .and_then(|p| p.closest("article.tb-comment").ok().flatten()),
        Move::Next | Move::Previous => sibling_in_order(root, current.as_ref(), step == Move::Next),
    };
    if let Some(el) = goal.and_then(|g| g.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        dom::focus_comment(&el);
    }
}

/// The comment drawn after (or before) `current` in reading order; from outside any comment,
/// the first one.
fn sibling_in_order(
    root: &web_sys::Element,
    current: Option<&web_sys::Element>,
    forward: bool,
) -> Option<web_sys::Element> {
    let list = root.query_selector_all("article.tb-comment").ok()?;
    let all: Vec<web_sys::Element> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect();
    let Some(current) = current else {
        return if forward { all.first().cloned() } else { None };
    };
    let at = all.iter().position(|a| a == current)?;
    if forward {
        all.get(at + 1).cloned()
    } else {
        at.checked_sub(1).and_then(|i| all.get(i).cloned())
    }
}
