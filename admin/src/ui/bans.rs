//! The bans in force, with a button to lift each, and a form to ban an address range by hand.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{Ban, BanKind, NewBan};

use super::Shell;
use crate::{api, range, text};

/// The lengths offered for a range ban; short by default, since a range can hold many readers.
const LENGTHS: [(&str, Option<u64>); 5] = [
    ("1 hour", Some(3_600)),
    ("1 day", Some(86_400)),
    ("1 week", Some(604_800)),
    ("30 days", Some(2_592_000)),
    ("For good", None),
];

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
            <p class="hint">"Bans stop posting and voting, never reading. Ban an author from a comment in the queue, or an address range here."</p>
            <RangeForm bans=bans/>
            <super::farming::Farming bans=bans/>
            <h3 class="range-title">"Bans in force"</h3>
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
                        <li class="card ban-row" data-range=b.ip_range.clone()>
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

/// Address or range, length and reason; a mistake in the range is explained under the field.
#[component]
fn RangeForm(bans: RwSignal<Vec<Ban>>) -> impl IntoView {
    let shell = expect_context::<Shell>();
    let ip = RwSignal::new(String::new());
    let length = RwSignal::new(1usize);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let checked = match range::check(&ip.get_untracked()) {
            Ok(r) => r,
            Err(why) => {
                error.set(Some(why));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        let req = NewBan {
            comment_id: None,
            ip_range: Some(checked),
            duration_secs: LENGTHS.get(length.get_untracked()).and_then(|l| l.1),
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        spawn_local(async move {
            match api::ban(&req).await {
                Ok(ban) => {
                    let range = ban.ip_range.clone().unwrap_or_default();
                    bans.update(|b| b.insert(0, ban));
                    ip.set(String::new());
                    reason.set(String::new());
                    shell.say(format!("Addresses {range} banned."));
                }
                // The server's words are the ones to show, next to the field they are about.
                Err(f) if !f.signed_out() => error.set(Some(f.message())),
                Err(f) => shell.fail(&f),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card range-form" on:submit=submit novalidate>
            <h3 class="range-title">"Ban an address range"</h3>
            <div class="range-fields">
                <label class="range-ip">
                    "IP address or CIDR range"
                    <input id="ban-range" name="range" autocomplete="off" spellcheck="false"
                        placeholder="203.0.113.0/24"
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby="ban-range-error"
                        prop:value=move || ip.get() on:input=move |ev| ip.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Length"
                    <select id="ban-length" on:change=move |ev| length.set(event_target_value(&ev).parse().unwrap_or(1))>
                        {LENGTHS.iter().enumerate().map(|(i, (label, _))| view! {
                            <option value=i.to_string() selected=i == 1>{*label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="range-reason">
                    "Reason (for the audit log)"
                    <input id="ban-reason" name="reason" autocomplete="off"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="primary" disabled=move || busy.get()>"Ban range"</button>
            </div>
            <p id="ban-range-error" class="form-error" role="alert">{move || error.get()}</p>
            <p class="hint">"Many readers can share one address (offices, schools, mobile networks): keep range bans short."</p>
        </form>
    }
}
