//! The readers' bundle's stand-ins for the moderator's controls (`moderate.rs`, `moderation`
//! feature): nothing on the comments, and at the foot of the thread only the sign-in link, which
//! asks the loader for the full bundle with the sign-in form open. The comment view and the app
//! need no feature switches of their own.

use leptos::prelude::*;
use talkback_protocol::{Comment, CommentId};

use super::state::ThreadState;

/// No controls, nothing to keep.
#[derive(Clone, Copy)]
pub struct ModPanel;

impl ModPanel {
    /// The empty panel.
    pub fn new() -> Self {
        ModPanel
    }
}

/// No moderator buttons in this bundle.
pub fn mod_actions(_comment: Memo<Option<Comment>>, _panel: ModPanel) {}

/// No confirmation form in this bundle.
pub fn mod_panel(_id: CommentId, _panel: ModPanel) {}

/// "Moderator sign-in" at the foot of a thread on a server with moderation.
#[component]
pub fn ModeratorBar() -> impl IntoView {
    let state = ThreadState::get();
    if !state.backend().is_some_and(|b| b.moderation()) {
        return ().into_any();
    }
    // The full bundle takes a moment to arrive: one press is enough.
    let asked = RwSignal::new(false);
    let open = move |_| {
        asked.set(true);
        state.host.try_with_value(|h| h.upgrade());
    };
    view! {
        <div class="tb-moderator" part="moderator">
            <button type="button" class="tb-linkish tb-mod-open" aria-expanded="false"
                disabled=move || asked.get() on:click=open>
                {state.lang.t("mod.sign_in")}
            </button>
        </div>
    }
    .into_any()
}
