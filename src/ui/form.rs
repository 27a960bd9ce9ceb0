//! The comment form: the top-level one and the inline reply form share it.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::limits::{EMAIL_MAX_CHARS, NAME_MAX_CHARS};
use talkback_protocol::{CommentId, NewComment, validate};

use super::compose::{Composer, FormatHelp, Tab};
use super::{dom, live};
use super::state::ThreadState;
use crate::thread::compose::PostKey;
use crate::thread::form::{check, pending_comment};
use crate::thread::nesting::stored_parent;
use crate::thread::prefs::{EMAIL_KEY, NAME_KEY};
use crate::thread::wait;

/// A form that posts a comment (or, with `parent`, a reply).
///
/// The draft is kept in `localStorage` per thread and parent as the reader types, so a reload or
/// a crash loses nothing; it is cleared after a successful post, when `on_posted` runs.
#[component]
pub fn CommentForm(
    /// The comment replied to; `None` for a top-level comment.
    parent: Option<CommentId>,
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
    let draft_key = state.draft_key(parent.as_ref());
    let body = RwSignal::new(draft_key.as_deref().and_then(dom::load).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // When a 429 lets the reader post again (ms since the epoch); the form counts down to it.
    let cooldown = RwSignal::new(None::<i64>);
    let tick = RwSignal::new(0_i64);
    let tab = RwSignal::new(Tab::Write);
    let post_key = StoredValue::new(PostKey::default());
    let textarea = NodeRef::<html::Textarea>::new();
    // Bots fill every field and post at once; people never see the trap and take a while.
    let trap = NodeRef::<html::Input>::new();
    let shown_at = dom::now_ms();
    let is_reply = parent.is_some();
    // Servers like Waline keep anonymous comments as posted: say so before the reader posts.
    let can_edit = state.backend().is_none_or(|b| b.capabilities().edit);
    let t = state.lang;
    let submit_text = t.t(if is_reply {
        "form.post_reply"
    } else {
        "form.post"
    });
    let body_label = match &replying_to {
        Some(name) => t.f("form.reply_to", &[("name", name)]),
        None if is_reply => t.t("form.your_reply"),
        None => t.t("form.your_comment"),
    };
    let placeholder = t.t(if is_reply {
        "form.placeholder_reply"
    } else {
        "form.placeholder"
    });

    if is_reply {
        // A reply form opens because the reader asked for it: put the cursor where they will type.
        Effect::new(move |_| {
            if let Some(el) = textarea.get() {
                let _ = el.focus();
            }
        });
    }
    let save_draft = {
        let draft_key = draft_key.clone();
        move |text: &str| {
            if let Some(k) = &draft_key {
                dom::save(k, text);
            }
        }
    };

    let parent_for_submit = parent.clone();
    let save_on_post = save_draft.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || cooldown.with_untracked(Option::is_some) {
            return;
        }
        let checked = check(&state.name.get_untracked(), &body.get_untracked()).and_then(|d| {
            validate::email(Some(&state.email.get_untracked())).map(|email| (d, email))
        });
        let (draft, email) = match checked {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(t.invalid(&e)));
                tab.set(Tab::Write);
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
            error.set(Some(t.t("form.no_thread")));
            return;
        };
        error.set(None);
        busy.set(true);
        let token = post_key
            .try_update_value(|k| k.for_body(&draft.body, dom::client_token))
            .unwrap_or_else(dom::client_token);
        let parent = parent_for_submit.clone();
        // A server that keeps fewer levels stores a deep reply higher up: show it there at once,
        // saying whom it answers.
        let max_depth = backend.capabilities().max_depth;
        let placed = parent.as_ref().and_then(|p| {
            state
                .tree
                .with_untracked(|t| stored_parent(t, p, max_depth))
        });
        let answers = (placed != parent).then(|| replying_to.clone()).flatten();
        if let Some(name) = &answers {
            state.replying_to.update(|m| {
                m.insert(pending_id.clone(), name.clone());
            });
        }
        let shown = pending_comment(pending_id.clone(), placed, draft.author.clone());
        state.sending.update(|m| {
            m.insert(pending_id.clone(), draft.body.clone());
        });
        state.tree.update(|t| {
            t.push_own(shown);
        });
        let source = draft.body.clone();
        let request = NewComment {
            thread,
            parent_id: parent,
            author: draft.author.clone(),
            body: draft.body,
            title: config.title.clone(),
            url: config.url.clone(),
            email,
            client_token: Some(token),
            website: trap
                .get_untracked()
                .map(|i| i.value())
                .filter(|v| !v.is_empty()),
            form_shown_ms: u64::try_from(dom::now_ms() - shown_at).ok(),
        };
        let save_draft = save_on_post.clone();
        spawn_local(async move {
            let result = backend.post_comment(request).await;
            state.sending.update(|m| {
                m.remove(&pending_id);
            });
            busy.try_set(false);
            match result {
                Ok(saved) => {
                    let id = saved.id.clone();
                    if let Some(name) = answers {
                        state.replying_to.update(|m| {
                            m.insert(id.clone(), name);
                        });
                    }
                    state.sources.update_value(|s| {
                        s.insert(id.clone(), source);
                    });
                    state.emit(|h, key| h.posted(key, &saved));
                    // Under pre-moderation only the author sees it until a moderator approves it.
                    let held = saved.status == talkback_protocol::CommentStatus::Held;
                    state.announce(&t.t(if held {
                        "form.held"
                    } else if is_reply {
                        "form.posted_reply"
                    } else {
                        "form.posted"
                    }));
                    let added = state.tree.try_update(|t| t.replace(&pending_id, saved));
                    // Its live event may have come first and already counted it (and queued it
                    // behind the "new comments" button, where it must not stay).
                    let announced_live = state.inbox.try_update(|i| i.forget(&id)) == Some(true);
                    // A retry whose first attempt was stored answers with the same comment: no
                    // second count.
                    if added == Some(true) && !announced_live && !held {
                        state.count.update(|n| *n += 1);
                    }
                    post_key.try_update_value(PostKey::done);
                    save_draft("");
                    body.try_set(String::new());
                    tab.try_set(Tab::Write);
                    // A reply's form closes and focus goes back to the comment answered (the
                    // parent does that in `on_posted`); a new comment takes focus itself.
                    if is_reply {
                        state.point_at(id);
                    } else {
                        state.show(id);
                    }
                    if let Some(cb) = on_posted {
                        cb.run(());
                    }
                }
                Err(e) => {
                    state.tree.update(|t| {
                        t.remove(&pending_id);
                    });
                    state.emit(|h, _| h.error("post", &e));
                    if let crate::backend::BackendError::RateLimited { seconds } = e {
                        let ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
                        cooldown.try_set(Some(dom::now_ms().saturating_add(ms)));
                    }
                    error.try_set(Some(t.f("form.failed", &[("error", &t.error(&e))])));
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
    let on_text = Callback::new(move |text: String| {
        save_draft(&text);
        // The countdown stays while the reader edits the draft for later.
        if error.with_untracked(Option::is_some) && cooldown.with_untracked(Option::is_none) {
            error.set(None);
        }
    });
    // Ticks once per shown second while a wait runs; at its end the Post button comes back.
    Effect::new(move |_| {
        let Some(deadline) = cooldown.get() else {
            return;
        };
        let now = tick.get().max(dom::now_ms());
        if wait::seconds_left(deadline, now) == 0 {
            cooldown.set(None);
            error.set(None);
            state.announce(&t.t("form.wait_over"));
            return;
        }
        let step = wait::until_next_second(deadline, now);
        live::timeout(
            move || tick.set(dom::now_ms()),
            std::time::Duration::from_millis(u64::from(step)),
        );
    });
    // What the wait looks like now; screen readers get the first message only, not every second.
    let countdown = move || {
        let deadline = cooldown.get()?;
        let left = wait::seconds_left(deadline, tick.get().max(dom::now_ms()));
        let limited = t.f("error.rate_limited", &[("wait", &t.wait(left))]);
        Some(t.f("form.failed", &[("error", &limited)]))
    };

    view! {
        <form
            class="tb-form"
            part="form"
            class:tb-form-reply=is_reply
            novalidate
            aria-busy=move || if busy.get() { "true" } else { "false" }
            on:submit=submit
            on:keydown=keydown
        >
            <Composer
                tab=tab
                body=body
                label=body_label
                placeholder=placeholder
                rows=if is_reply { 3 } else { 4 }
                textarea=textarea
                readonly=busy
                invalid=Signal::derive(move || error.with(Option::is_some))
                on_text=on_text
            />
            // Only the countdown's own text changes each second, so the alert is not made anew.
            {move || error.get().map(|msg| if cooldown.with(Option::is_some) {
                view! {
                    <p class="tb-form-error" part="error" role="alert" aria-live="polite">
                        <span aria-hidden="true">{countdown}</span><span class="tb-sr-only">{msg}</span>
                    </p>
                }.into_any()
            } else {
                view! { <p class="tb-form-error" part="error" role="alert" aria-live="polite">{msg}</p> }.into_any()
            })}
            <div class="tb-form-row">
                {match signed_in_as(state) {
                    // Signed in through the site: the server posts under the site's name.
                    Some(name) => view! {
                        <p class="tb-posting-as" part="posting-as">{t.f("form.posting_as", &[("name", &name)])}</p>
                    }.into_any(),
                    None => remembered(Remembered {
                        name: "author",
                        class: "tb-field tb-field-name",
                        kind: "text",
                        autocomplete: "nickname",
                        max: NAME_MAX_CHARS,
                        placeholder: t.t("form.name"),
                        label: t.t("form.name.label"),
                        key: NAME_KEY,
                        value: state.name,
                    }).into_any(),
                }}
                // Notifications are promised only by a server that sends them.
                {move || remembered(Remembered {
                    name: "email",
                    class: "tb-field tb-field-email",
                    kind: "email",
                    autocomplete: "email",
                    max: EMAIL_MAX_CHARS,
                    placeholder: t.t("form.email"),
                    label: t.t(if state.reply_mail.get() { "form.email.label" } else { "form.email.label_kept" }),
                    key: EMAIL_KEY,
                    value: state.email,
                })}
                <div class="tb-form-buttons">
                    {on_cancel.map(|cb| view! {
                        <button type="button" class="tb-button tb-button-quiet tb-cancel" part="button" on:click=move |_| cb.run(())>{t.t("form.cancel")}</button>
                    })}
                    <button type="submit" class="tb-button tb-button-primary" part="button button-primary" disabled=move || busy.get() || cooldown.with(Option::is_some)>
                        {move || if busy.get() { t.t("form.posting") } else { submit_text.clone() }}
                    </button>
                </div>
            </div>
            <div class="tb-hp" aria-hidden="true">
                <label>{t.t("form.website")} <input node_ref=trap name="website" type="text" tabindex="-1" autocomplete="off"/></label>
            </div>
            {(!is_reply && !can_edit).then(|| view! {
                <p class="tb-form-note">{t.t("form.no_edit")}</p>
            })}
            {(!is_reply).then(|| view! { <FormatHelp/> })}
        </form>
    }
}

/// The name the site signed the reader in as, if it passed a readable sign-in token.
fn signed_in_as(state: ThreadState) -> Option<String> {
    state
        .config
        .with_value(|c| c.sso.as_deref().and_then(crate::thread::sso::name))
}

/// A form field whose value all forms share and the browser remembers across visits.
struct Remembered {
    name: &'static str,
    class: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    max: usize,
    placeholder: String,
    label: String,
    key: &'static str,
    value: RwSignal<String>,
}

fn remembered(f: Remembered) -> impl IntoView {
    let value = f.value;
    view! {
        <label class=f.class>
            <span class="tb-label tb-sr-only">{f.label.clone()}</span>
            <input
                name=f.name
                class="tb-input"
                part="input"
                type=f.kind
                autocomplete=f.autocomplete
                maxlength=f.max.to_string()
                placeholder=f.placeholder
                title=f.label
                prop:value=move || value.get()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    dom::save(f.key, v.trim());
                    value.set(v);
                }
            />
        </label>
    }
}
