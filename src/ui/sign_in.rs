//! "Moderator sign-in" at the foot of the thread, in every bundle. In the full bundle a signed-in
//! moderator gets their controls in place (`moderate.rs`); the readers' bundle has none, so it
//! keeps the session and asks the loader to mount the full bundle instead.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::moderate::signed_in_bar;
use super::state::ThreadState;

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
    // The readers' bundle cannot act for a stored session (the loader would have mounted the
    // full bundle for it); offering the sign-in again is the way to the full bundle.
    if cfg!(feature = "moderation") {
        state.moderator.set(desk.name());
    }
    drop(desk);
    let open = RwSignal::new(false);
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
                        signed_in(state, who);
                    }
                    Err(e) => {
                        error.try_set(Some(t.f("mod.sign_in_failed", &[("error", &t.error(&e))])));
                    }
                }
            });
        }
    };
    view! {
        <div class="tb-moderator" part="moderator">
            {move || match state.moderator.get() {
                Some(who) => signed_in_bar(who, error),
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

/// The moderator's controls, right here.
#[cfg(feature = "moderation")]
fn signed_in(state: ThreadState, who: String) {
    state.moderator.try_set(Some(who.clone()));
    state.announce(&state.lang.f("mod.signed_in", &[("name", &who)]));
}

/// The session is stored; the loader replaces this widget with the full bundle's, which finds it.
#[cfg(not(feature = "moderation"))]
fn signed_in(state: ThreadState, _who: String) {
    state.host.try_with_value(|h| h.upgrade());
}
