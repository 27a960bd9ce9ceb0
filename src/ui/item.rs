//! Comments as a semantic tree: every level is a list, every comment a list item that tells
//! assistive technology its level, its position among its siblings and how many there are.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use talkback_protocol::CommentId;

use super::comment::CommentView;
use super::state::ThreadState;

/// A comment drawn at `depth`, as the item of its siblings' list; `parent` is `None` for a
/// top-level comment.
pub fn comment_item(id: CommentId, depth: usize, parent: Option<CommentId>) -> impl IntoView {
    let state = ThreadState::get();
    let position = {
        let (id, parent) = (id.clone(), parent.clone());
        move || {
            state.tree.with(|t| {
                let siblings = match &parent {
                    Some(p) => t.children(p),
                    None => t.roots(),
                };
                let at = siblings.iter().position(|s| *s == id).map_or(0, |i| i + 1);
                // Replies not loaded yet still count; the number of top-level comments is
                // unknown (-1) while more pages exist.
                let size = match &parent {
                    Some(p) => t
                        .get(p)
                        .map_or(0, |c| c.reply_count)
                        .max(siblings.len() as u64) as i64,
                    None if state.next_cursor.with(Option::is_some) => -1,
                    None => siblings.len() as i64,
                };
                (at, size)
            })
        }
    };
    let position = Memo::new(move |_| position());
    // The builder, because the view macro knows no `aria-level`.
    leptos::html::li()
        .class("tb-item")
        .attr("aria-level", (depth + 1).to_string())
        .aria_posinset(move || position.get().0.to_string())
        .aria_setsize(move || position.get().1.to_string())
        .child(view! { <CommentView id=id depth=depth/> })
}
