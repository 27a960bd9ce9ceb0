//! A moderator inside the widget: sign-in at the foot of the thread, a control to close or
//! reopen it, and actions on each comment, all through the server's moderator API. Only in the
//! full bundle (`moderation` feature); the readers' bundle has the sign-in link alone
//! (`moderate_none.rs`), which brings this bundle in with the form open.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{ActionRequest, LockRequest, ModAction};
use talkback_protocol::{Comment, CommentId};

use super::state::ThreadState;
use crate::thread::moderation::{apply, audit_reason, controls};

fn action_key(a: ModAction) -> &'static str {
    match a {
        ModAction::Approve => "mod.approve",
        ModAction::Hide => "mod.hide",
        ModAction::Delete => "mod.delete",
        ModAction::Pin => "mod.pin",
        ModAction::Unpin => "mod.unpin",
        _ => "mod.ban",
    }
}

/// The handles of one comment's moderator controls.
#[derive(Clone, Copy)]
pub struct ModPanel {
    /// The action waiting for its confirmation (and optional reason).
    asked: RwSignal<Option<ModAction>>,
    reason: RwSignal<String>,
    busy: RwSignal<bool>,
    /// What happened last, or why it failed.
    note: RwSignal<Option<(bool, String)>>,
}

impl ModPanel {
    /// Nothing asked yet.
    pub fn new() -> Self {
        ModPanel {
            asked: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            note: RwSignal::new(None),
        }
    }
}

/// The moderator's buttons in a comment's actions, when a moderator is signed in.
pub fn mod_actions(comment: Memo<Option<Comment>>, panel: ModPanel) -> impl IntoView {
    let state = ThreadState::get();
    let t = state.lang;
    move || {
        state.moderator.get()?;
        let offered = comment.with(|c| c.as_ref().map(controls).unwrap_or_default());
        Some(view! {
            <span class="tb-mod-actions" part="moderator-actions" role="group" aria-label=t.t("mod.controls")>
                {offered.into_iter().map(|a| view! {
                    <button type="button" class="tb-action tb-mod-action" data-action=a.as_str()
                        aria-pressed=move || if panel.asked.get() == Some(a) { "true" } else { "false" }
                        on:click=move |_| {
                            panel.note.set(None);
                            panel.asked.update(|x| *x = if *x == Some(a) { None } else { Some(a) });
                        }>
                        {t.t(action_key(a))}
                    </button>
                }).collect_view()}
            </span>
        })
    }
}

/// The confirmation with an optional reason under a comment, and the outcome.
pub fn mod_panel(id: CommentId, panel: ModPanel) -> impl IntoView {
    let state = ThreadState::get();
    let t = state.lang;
    let input = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(action), Some(backend)) = (panel.asked.get_untracked(), state.backend()) else {
            return;
        };
        let Some(desk) = backend.desk() else {
            return;
        };
        if panel.busy.get_untracked() {
            return;
        }
        panel.busy.set(true);
        let request = ActionRequest {
            action,
            ids: vec![id.clone()],
            reason: audit_reason(&panel.reason.get_untracked()),
            ban_secs: None,
        };
        let id = id.clone();
        spawn_local(async move {
            let result = desk.act(request).await;
            panel.busy.try_set(false);
            let failed = match result {
                Ok(r) => r
                    .results
                    .into_iter()
                    .find_map(|r| r.error)
                    .map(|e| e.message),
                Err(e) => Some(t.error(&e)),
            };
            state.moderator.try_set(desk.name());
            if let Some(why) = failed {
                panel
                    .note
                    .try_set(Some((false, t.f("mod.failed", &[("error", &why)]))));
                return;
            }
            panel.asked.try_set(None);
            panel.reason.try_set(String::new());
            let done = t.t(match action {
                ModAction::BanAuthor => "mod.banned",
                _ => "mod.done",
            });
            if matches!(action, ModAction::Hide | ModAction::Delete) {
                state.count.update(|n| *n = n.saturating_sub(1));
            }
            panel.note.try_set(Some((true, done.clone())));
            state.announce(&done);
            state.tree.update(|tree| {
                apply(tree, &id, action);
            });
        });
    };
    move || {
        let asked = panel.asked.get().map(|a| {
            let label = t.t(action_key(a));
            view! {
                <form class="tb-mod-confirm" part="moderator-confirm" data-action=a.as_str() on:submit=confirm.clone()
                    on:keydown=move |ev| if ev.key() == "Escape" { panel.asked.set(None); }>
                    <label class="tb-mod-reason">
                        <span class="tb-label">{t.t("mod.reason")}</span>
                        <input class="tb-input" type="text" name="reason" node_ref=input
                            prop:value=move || panel.reason.get()
                            on:input=move |ev| panel.reason.set(event_target_value(&ev))/>
                    </label>
                    <div class="tb-report-buttons">
                        <button type="submit" class="tb-button tb-button-primary" disabled=move || panel.busy.get()>{label}</button>
                        <button type="button" class="tb-button tb-button-quiet" on:click=move |_| panel.asked.set(None)>{t.t("report.cancel")}</button>
                    </div>
                </form>
            }
        });
        let note = panel.note.get().map(|(ok, m)| {
            view! { <p class=if ok { "tb-mod-note" } else { "tb-form-error" } role="status">{m}</p> }
        });
        (asked, note)
    }
}

fn desk_of(state: ThreadState) -> Option<std::rc::Rc<crate::backend::moderator::Desk>> {
    state.backend().and_then(|b| b.desk())
}

/// The foot of the thread: "Moderator sign-in", or who moderates with Close/Reopen and Sign out.
#[component]
pub fn ModeratorBar() -> impl IntoView {
    let state = ThreadState::get();
    let t = state.lang;
    let Some(desk) = desk_of(state) else {
        return ().into_any();
    };
    state.moderator.set(desk.name());
    drop(desk);
    // Opened already when the readers' bundle's link brought this bundle in.
    let open = RwSignal::new(state.host.try_with_value(|h| h.sign_in).unwrap_or(false));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = name_ref.get() {
            let _ = el.focus();
        }
    });
    let sign_in = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let Some(desk) = desk_of(state) else {
                return;
            };
            busy.set(true);
            error.set(None);
            let (n, p) = (name.get_untracked(), password.get_untracked());
            spawn_local(async move {
                let result = desk.sign_in(n.trim().to_owned(), p).await;
                busy.try_set(false);
                match result {
                    Ok(who) => {
                        password.try_set(String::new());
                        open.try_set(false);
                        state.moderator.try_set(Some(who.clone()));
                        state.announce(&t.f("mod.signed_in", &[("name", &who)]));
                    }
                    Err(e) => {
                        error.try_set(Some(t.f("mod.sign_in_failed", &[("error", &t.error(&e))])));
                    }
                }
            });
        }
    };
    let sign_out = {
        move |_| {
            let Some(desk) = desk_of(state) else {
                return;
            };
            spawn_local(async move {
                let _ = desk.sign_out().await;
                state.moderator.try_set(None);
            });
        }
    };
    let toggle_lock = {
        move |_| {
            let (Some(desk), Some(thread)) = (desk_of(state), state.key()) else {
                return;
            };
            let locked = !state.locked.get_untracked();
            error.set(None);
            spawn_local(async move {
                match desk
                    .lock(LockRequest {
                        thread,
                        locked,
                        reason: None,
                    })
                    .await
                {
                    Ok(info) => {
                        state.locked.try_set(info.locked);
                    }
                    Err(e) => {
                        state.moderator.try_set(desk.name());
                        error.try_set(Some(t.f("mod.failed", &[("error", &t.error(&e))])));
                    }
                }
            });
        }
    };
    view! {
        <div class="tb-moderator" part="moderator">
            {move || match state.moderator.get() {
                Some(who) => view! {
                    <p class="tb-mod-bar">
                        <span class="tb-mod-who">{t.f("mod.signed_in", &[("name", &who)])}</span>
                        <button type="button" class="tb-linkish tb-lock" on:click=toggle_lock>
                            {move || t.t(if state.locked.get() { "mod.unlock" } else { "mod.lock" })}
                        </button>
                        <button type="button" class="tb-linkish tb-sign-out" on:click=sign_out>{t.t("mod.sign_out")}</button>
                    </p>
                }.into_any(),
                None if open.get() => view! {
                    <form class="tb-mod-sign-in" on:submit=sign_in
                        on:keydown=move |ev| if ev.key() == "Escape" { open.set(false); }>
                        <label>
                            <span class="tb-label">{t.t("mod.name")}</span>
                            <input class="tb-input" type="text" name="moderator" autocomplete="username" required node_ref=name_ref
                                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        </label>
                        <label>
                            <span class="tb-label">{t.t("mod.password")}</span>
                            <input class="tb-input" type="password" name="password" autocomplete="current-password" required
                                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        </label>
                        <div class="tb-report-buttons">
                            <button type="submit" class="tb-button tb-button-primary" disabled=move || busy.get()>{t.t("mod.submit")}</button>
                            <button type="button" class="tb-button tb-button-quiet" on:click=move |_| open.set(false)>{t.t("report.cancel")}</button>
                        </div>
                    </form>
                }.into_any(),
                None => view! {
                    <button type="button" class="tb-linkish tb-mod-open" aria-expanded="false" on:click=move |_| open.set(true)>
                        {t.t("mod.sign_in")}
                    </button>
                }.into_any(),
            }}
            {move || error.get().map(|m| view! { <p class="tb-form-error" role="alert">{m}</p> })}
        </div>
    }
    .into_any()
}
