//! The bans in force, with a button to lift each.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{Ban, BanKind};

use super::Shell;
use crate::{api, text};

/// The list of bans.
#[component]
pub fn Bans() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let bans = RwSignal::new(Vec::<Ban>::new());
    let loaded = RwSignal::new(false);
    spawn_local(async move {
        match api::bans().await {
            Ok(list) => bans.set(list.bans),
            Err(f) => shell.fail(&f),
        }
        loaded.set(true);
    });
    let lift = move |id: String| {
        spawn_local(async move {
            match api::lift_ban(&id).await {
                Ok(()) => {
                    bans.update(|b| b.retain(|x| x.id != id));
                    shell.say("Ban lifted.");
                }
                Err(f) => shell.fail(&f),
            }
        })
    };
    view! {
        <section class="bans" aria-labelledby="bans-title">
            <h2 id="bans-title">"Bans"</h2>
            <p class="hint">"Bans stop posting and voting, never reading. Ban an author from a comment in the queue."</p>
            <Show when=move || loaded.get() && bans.with(Vec::is_empty)>
                <p class="empty">"No bans in force."</p>
            </Show>
            <ul class="ban-list">
                <For each=move || bans.get() key=|b| b.id.clone() children=move |b| {
                    let what = match b.kind {
                        BanKind::Reader => format!("Author of comment {}", b.comment_id.as_ref().map(|c| c.as_str()).unwrap_or("?")),
                        BanKind::IpRange => format!("Addresses {}", b.ip_range.clone().unwrap_or_default()),
                    };
                    let until = b.expires_at.as_deref().map(text::when).map(|t| format!("until {t}")).unwrap_or_else(|| "for good".to_owned());
                    let id = b.id.clone();
                    view! {
                        <li class="card ban-row">
                            <div>
                                <strong>{what}</strong>
                                <span class="hint">{format!(" {until}, by {} on {}", b.created_by, text::when(&b.created_at))}</span>
                                {b.reason.map(|r| view! { <div class="detail">{r}</div> })}
                            </div>
                            <button type="button" on:click=move |_| lift(id.clone())>"Lift"</button>
                        </li>
                    }
                }/>
            </ul>
        </section>
    }
}
