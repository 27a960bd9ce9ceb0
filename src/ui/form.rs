//! The comment form: the top-level one and the inline reply form share it.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{CommentId, NewComment};

use super::state::ThreadState;
use crate::thread::form::{check, pending_comment};

/// A form that posts a comment (or, with `parent`, a reply).
///
/// The draft lives in `body`, owned by the caller, so closing and reopening a reply form keeps
/// what the reader wrote. On success the draft is cleared and `on_posted` runs.
#[component]
pub fn CommentForm(
    /// The comment replied to; `None` for a top-level comment.
    parent: Option<CommentId>,
    /// The reader's draft.
    body: RwSignal<String>,
    /// Name of the author replied to, for the label.
    #[prop(optional)]
    replying_to: Option<String>,
    /// Called after a successful post.
    #[prop(optional)]
    on_posted: Option<Callback<()>>,
    /// Called when the reader cancels (Escape or the Cancel button); reply forms only.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let state = ThreadState::get();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let textarea = NodeRef::<html::Textarea>::new();
    let is_reply = parent.is_some();
    let submit_text = if is_reply {
        "Post reply"
    } else {
        "Post comment"
    };
    let body_label = match &replying_to {
        Some(name) => format!("Reply to {name}"),
        None if is_reply => "Your reply".to_owned(),
        None => "Your comment".to_owned(),
    };
    let placeholder = if is_reply {
        "Write a reply…"
    } else {
        "Join the discussion…"
    };

    if is_reply {
        // A reply form opens because the reader asked for it: put the cursor where they will type.
        Effect::new(move |_| {
            if let Some(el) = textarea.get() {
                let _ = el.focus();
            }
        });
    }

    let parent_for_submit = parent.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let draft = match check(&state.name.get_untracked(), &body.get_untracked()) {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(e.to_string()));
                if let Some(el) = textarea.get_untracked() {
                    let _ = el.focus();
                }
                return;
            }
        };
        let (Some(backend), Some(pending_id), Some(config)) = (
            state.backend(),
            state.pending_id(),
            state.config.try_get_value(),
        ) else {
            return;
        };
        let Ok(thread) = config.key.clone() else {
            error.set(Some("This page has no thread to post to.".to_owned()));
            return;
        };
        error.set(None);
        busy.set(true);
        let parent = parent_for_submit.clone();
        let shown = pending_comment(pending_id.clone(), parent.clone(), draft.author.clone());
        state.sending.update(|m| {
            m.insert(pending_id.clone(), draft.body.clone());
        });
        state.tree.update(|t| {
            t.push_own(shown);
        });
        let request = NewComment {
            thread,
            parent_id: parent,
            author: draft.author.clone(),
            body: draft.body,
            title: config.title.clone(),
            url: config.url.clone(),
        };
        spawn_local(async move {
            let result = backend.post_comment(request).await;
            state.sending.update(|m| {
                m.remove(&pending_id);
            });
            busy.set(false);
            match result {
                Ok(saved) => {
                    state.tree.update(|t| {
                        t.replace(&pending_id, saved);
                    });
                    state.count.update(|n| *n += 1);
                    state.remember_name(draft.author.as_deref().unwrap_or_default());
                    body.set(String::new());
                    if let Some(cb) = on_posted {
                        cb.run(());
                    }
                }
                Err(e) => {
                    state.tree.update(|t| {
                        t.remove(&pending_id);
                    });
                    error.set(Some(format!("Your comment wasn't posted. {e}")));
                }
            }
        });
    };

    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(cb) = on_cancel.filter(|_| ev.key() == "Escape") {
            ev.prevent_default();
            cb.run(());
        }
    };

    view! {
        <form class="tb-form" class:tb-form-reply=is_reply novalidate on:submit=submit on:keydown=keydown>
            <label class="tb-field tb-field-body">
                <span class="tb-label tb-sr-only">{body_label}</span>
                <textarea
                    name="body"
                    class="tb-input tb-textarea"
                    rows=if is_reply { "3" } else { "4" }
                    placeholder=placeholder
                    node_ref=textarea
                    prop:value=move || body.get()
                    on:input=move |ev| {
                        body.set(event_target_value(&ev));
                        if error.with_untracked(Option::is_some) {
                            error.set(None);
                        }
                    }
                    readonly=move || busy.get()
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                ></textarea>
            </label>
            {move || error.get().map(|msg| view! { <p class="tb-form-error" role="alert">{msg}</p> })}
            <div class="tb-form-row">
                <label class="tb-field tb-field-name">
                    <span class="tb-label tb-sr-only">"Your name (optional)"</span>
                    <input
                        name="author"
                        class="tb-input"
                        type="text"
                        autocomplete="nickname"
                        maxlength="80"
                        placeholder="Name (optional)"
                        prop:value=move || state.name.get()
                        on:input=move |ev| state.name.set(event_target_value(&ev))
                    />
                </label>
                <div class="tb-form-buttons">
                    {on_cancel.map(|cb| view! {
                        <button type="button" class="tb-button tb-button-quiet" on:click=move |_| cb.run(())>"Cancel"</button>
                    })}
                    <button type="submit" class="tb-button tb-button-primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Posting…" } else { submit_text }}
                    </button>
                </div>
            </div>
            {(!is_reply).then(|| view! {
                <p class="tb-hint">"Markdown works: *italic*, **bold**, [link](https://…), `code`, > quote."</p>
            })}
        </form>
    }
}
