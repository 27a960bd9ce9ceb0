//! The readers' bundle's stand-ins for the moderator's controls (`moderate.rs`, `moderation`
//! feature): nothing is drawn, so the comment view needs no feature switches of its own.

use leptos::prelude::*;
use talkback_protocol::{Comment, CommentId};

// Where the thread view has always found it (app.rs); the sign-in is in every bundle.
pub use super::sign_in::ModeratorBar;

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

/// Never shown: this bundle keeps no moderator signed in (`sign_in.rs`).
pub fn signed_in_bar(_who: String, _error: RwSignal<Option<String>>) -> AnyView {
    ().into_any()
}
