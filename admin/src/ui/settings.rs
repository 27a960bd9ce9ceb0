//! Site settings (admins): pre- or post-moderation of new comments.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{ModerationMode, SiteSettings};

use super::Shell;
use crate::api;

/// The moderation mode, read from and saved to the server.
#[component]
pub fn Settings() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let mode = RwSignal::new(None::<ModerationMode>);
    spawn_local(async move {
        match api::settings().await {
            Ok(s) => mode.set(Some(s.moderation)),
            Err(f) => shell.fail(&f),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(m) = mode.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::put_settings(&SiteSettings { moderation: m }).await {
                Ok(s) => {
                    mode.set(Some(s.moderation));
                    shell.say("Settings saved.");
                }
                Err(f) => shell.fail(&f),
            }
        });
    };
    let choice = move |m: ModerationMode, label: &'static str, hint: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="moderation" value=m.as_str() prop:checked=move || mode.get() == Some(m)
                    on:change=move |_| mode.set(Some(m))/>
                <span><strong>{label}</strong><span class="hint">{hint}</span></span>
            </label>
        }
    };
    view! {
        <section class="settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <form class="card" on:submit=save>
                <fieldset>
                    <legend>"New comments"</legend>
                    {choice(ModerationMode::Post, "Post-moderation", "Comments appear at once; moderators act afterwards.")}
                    {choice(ModerationMode::Pre, "Pre-moderation", "Comments are held until a moderator approves them.")}
                </fieldset>
                <button type="submit" class="primary" disabled=move || mode.get().is_none()>"Save"</button>
            </form>
        </section>
    }
}
