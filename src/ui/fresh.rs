//! The "N new comments" button: new top-level comments from live updates wait behind it, so the
//! list never moves under the reader's eyes; a click puts them at the top.

use leptos::prelude::*;

use super::state::ThreadState;

/// The button, shown while comments wait. It floats over the top edge of the list (its slot has
/// no height), so appearing does not push the comments down.
#[component]
pub fn NewComments() -> impl IntoView {
    let state = ThreadState::get();
    let waiting = Memo::new(move |_| state.inbox.with(|i| i.waiting()) as u64);
    let show = move |_| {
        let Some(batch) = state.inbox.try_update(|i| i.take()) else {
            return;
        };
        let first = batch
            .iter()
            .rev()
            .find(|c| c.parent_id.is_none())
            .map(|c| c.id.clone());
        let n = batch.iter().filter(|c| c.parent_id.is_none()).count() as u64;
        state.tree.update(|t| {
            t.merge_on_top(batch);
        });
        state.announce(&state.lang.n("live.shown", n, &[]));
        // The newest is now first in the list: take the reader there.
        if let Some(id) = first {
            state.focus.set(None);
            state.show(id);
        }
    };
    view! {
        <div class="tb-new-slot">
            {move || (waiting.get() > 0).then(|| view! {
                <button type="button" class="tb-button tb-new-comments" part="button new-comments" on:click=show>
                    {move || state.lang.n("live.new", waiting.get(), &[])}
                </button>
            })}
        </div>
    }
}
