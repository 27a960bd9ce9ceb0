//! Editing and deleting the reader's own comments while the edit window is open.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{CommentId, validate};

use super::compose::counter_view;
use super::dom;
use super::live;
use super::state::ThreadState;
use crate::thread::edit::{is_open, minutes_left, next_change_in};
use crate::thread::time::parse_rfc3339;

/// What the reader is doing with their own comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Own {
    /// Reading it.
    Idle,
    /// The edit form replaces the body.
    Editing,
    /// "Delete this comment?" is asked.
    Confirming,
}

/// The shared handles of one own comment's controls.
#[derive(Clone, Copy)]
pub struct OwnState {
    /// What the reader is doing.
    pub mode: RwSignal<Own>,
    /// The text in the edit form (kept when saving fails).
    pub text: RwSignal<String>,
    /// Saving or deleting is in progress.
    pub busy: RwSignal<bool>,
    /// The last failure, shown in the article.
    pub error: RwSignal<Option<String>>,
    /// The end of the edit window (ms), `None` when the comment is not the reader's.
    pub until: Memo<Option<i64>>,
    /// A clock that ticks when the remaining time changes.
    pub clock: RwSignal<i64>,
}

impl OwnState {
    /// Controls for the comment `id`, ticking until its window closes.
    pub fn new(id: CommentId) -> Self {
        let state = ThreadState::get();
        let until = Memo::new(move |_| {
            state.tree.with(|t| {
                t.get(&id)
                    .filter(|c| !c.deleted)
                    .and_then(|c| c.editable_until.as_deref())
                    .and_then(parse_rfc3339)
            })
        });
        let clock = RwSignal::new(dom::now_ms());
        // Wakes exactly when "N min left" changes or the window closes; stops after that.
        Effect::new(move |_| {
            if let Some(wait) = until.get().and_then(|u| next_change_in(u, clock.get())) {
                let wait = u64::try_from(wait).unwrap_or(0);
                live::timeout(
                    move || {
                        clock.try_set(dom::now_ms());
                    },
                    Duration::from_millis(wait + 50),
                );
            }
        });
        OwnState {
            mode: RwSignal::new(Own::Idle),
            text: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            until,
            clock,
        }
    }

    /// The window is open now.
    pub fn open(&self) -> bool {
        is_open(self.until.get(), self.clock.get())
    }
}

/// Edit and Delete with the remaining time, or the delete confirmation.
pub fn own_actions(id: CommentId, own: OwnState, body: NodeRef<html::Div>) -> impl IntoView {
    let state = ThreadState::get();
    let start_edit = {
        let id = id.clone();
        move |_| {
            // The markdown the reader wrote this visit; after a reload only the rendered text is left.
            let text = state
                .sources
                .with_value(|s| s.get(&id).cloned())
                .or_else(|| body.get_untracked().map(|b| b.inner_text()))
                .unwrap_or_default();
            own.text.set(text);
            own.error.set(None);
            own.mode.set(Own::Editing);
        }
    };
    let confirm = move |_| {
        own.error.set(None);
        own.mode.set(Own::Confirming);
    };
    let delete = move |_| {
        let Some(backend) = state.backend() else {
            return;
        };
        if own.busy.get_untracked() {
            return;
        }
        own.busy.set(true);
        let id = id.clone();
        spawn_local(async move {
            let result = backend.delete(&id).await;
            own.busy.try_set(false);
            match result {
                Ok(()) => {
                    // Its live event may have come first and already taken it out of the count.
                    let shown = state.tree.try_update(|t| {
                        let shown = t.get(&id).is_some_and(|c| !c.deleted);
                        t.delete(&id);
                        shown
                    });
                    if shown == Some(true) {
                        state.count.update(|n| *n = n.saturating_sub(1));
                    }
                    state.announce(&state.lang.t("own.deleted"));
                }
                Err(e) => {
                    own.mode.try_set(Own::Idle);
                    own.error.try_set(Some(
                        state
                            .lang
                            .f("own.delete_failed", &[("error", &state.lang.error(&e))]),
                    ));
                }
            }
        });
    };
    let cancel = move |_| own.mode.set(Own::Idle);
    let t = state.lang;
    move || {
        match own.mode.get() {
        Own::Confirming => view! {
            <div class="tb-confirm" role="group" aria-label=t.t("own.confirm")>
                <span class="tb-confirm-text">{t.t("own.confirm")}</span>
                <button type="button" class="tb-action tb-danger tb-delete-confirm" disabled=move || own.busy.get() on:click=delete.clone()>
                    {move || t.t(if own.busy.get() { "own.deleting" } else { "own.confirm_yes" })}
                </button>
                <button type="button" class="tb-action tb-cancel" on:click=cancel>{t.t("form.cancel")}</button>
            </div>
        }
        .into_any(),
        Own::Idle if own.open() => view! {
            <button type="button" class="tb-action tb-edit" on:click=start_edit.clone()>{t.t("own.edit")}</button>
            <button type="button" class="tb-action tb-delete" on:click=confirm>{t.t("own.delete")}</button>
            <span class="tb-edit-remaining">
                {move || own.until.get().and_then(|u| minutes_left(u, own.clock.get())).map(|m| t.n("own.left", m, &[]))}
            </span>
        }
        .into_any(),
        _ => ().into_any(),
    }
    }
}

/// The edit form shown in place of the body.
pub fn edit_form(id: CommentId, own: OwnState) -> impl IntoView {
    let state = ThreadState::get();
    let textarea = NodeRef::<html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if own.busy.get_untracked() {
            return;
        }
        let body = match validate::body(&own.text.get_untracked()) {
            Ok(b) => b,
            Err(e) => return own.error.set(Some(state.lang.invalid(&e))),
        };
        let Some(backend) = state.backend() else {
            return;
        };
        own.busy.set(true);
        own.error.set(None);
        let id = id.clone();
        spawn_local(async move {
            let result = backend.edit(&id, body.clone()).await;
            own.busy.try_set(false);
            match result {
                Ok(saved) => {
                    state.tree.update(|t| {
                        t.update(&id, |c| {
                            // The edit answer describes the comment, not the replies loaded here.
                            let cursor = c.replies_cursor.take();
                            *c = saved;
                            c.replies_cursor = cursor;
                        });
                    });
                    state.sources.update_value(|s| {
                        s.insert(id.clone(), body);
                    });
                    own.mode.try_set(Own::Idle);
                    state.announce(&state.lang.t("own.saved"));
                }
                Err(e) => {
                    own.error.try_set(Some(
                        state
                            .lang
                            .f("own.save_failed", &[("error", &state.lang.error(&e))]),
                    ));
                }
            }
        });
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            own.mode.set(Own::Idle);
        }
    };
    view! {
        <form class="tb-edit-form" novalidate on:submit=save on:keydown=keydown
            aria-busy=move || if own.busy.get() { "true" } else { "false" }>
            <label class="tb-field">
                <span class="tb-sr-only">{state.lang.t("own.edit.label")}</span>
                <textarea
                    name="body"
                    class="tb-input tb-textarea"
                    rows="4"
                    node_ref=textarea
                    prop:value=move || own.text.get()
                    readonly=move || own.busy.get()
                    on:input=move |ev| own.text.set(event_target_value(&ev))
                ></textarea>
            </label>
            {counter_view(own.text)}
            <div class="tb-form-buttons">
                <button type="button" class="tb-button tb-button-quiet tb-cancel" on:click=move |_| own.mode.set(Own::Idle)>{state.lang.t("form.cancel")}</button>
                <button type="submit" class="tb-button tb-button-primary" disabled=move || own.busy.get()>
                    {move || state.lang.t(if own.busy.get() { "own.saving" } else { "own.save" })}
                </button>
            </div>
        </form>
    }
}
