//! The sign-in form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::SessionInfo;

use super::{Phase, Shell};
use crate::api;

/// Name and password; the server's refusal is shown under the form.
#[component]
pub fn SignInForm() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (n, p) = (name.get(), password.get());
        spawn_local(async move {
            match api::sign_in(n, p).await {
                Ok(s) => {
                    password.set(String::new());
                    shell.say(format!("Signed in as {}.", s.name));
                    shell.phase.set(Phase::SignedIn(SessionInfo {
                        name: s.name,
                        role: s.role,
                        expires_at: s.expires_at,
                    }));
                }
                Err(f) => error.set(Some(f.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="signin">
            <form class="card signin-card" on:submit=submit aria-describedby="signin-error">
                <h1>"Talkback moderation"</h1>
                <p class="hint">"Sign in with the name and password your site's admin gave you."</p>
                <label for="signin-name">"Name"</label>
                <input id="signin-name" name="name" autocomplete="username" required
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <p id="signin-error" class="form-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
