//! "Ranges creating many reader tokens" on the Bans screen: the token-farming report with a
//! one-click ban per range.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{Ban, FarmingRange, FarmingReport, NewBan};

use super::Shell;
use crate::api;

/// How long the one-click ban lasts: long enough to stop a farm, short enough for an office.
const FARM_BAN_SECS: u64 = 86_400;

/// The report, loaded once when the screen opens; bans made here join `bans`.
#[component]
pub fn Farming(bans: RwSignal<Vec<Ban>>) -> impl IntoView {
    let shell = expect_context::<Shell>();
    let report = RwSignal::new(None::<FarmingReport>);
    spawn_local(async move {
        match api::farming().await {
            Ok(r) => report.set(Some(r)),
            Err(f) => shell.fail(&f),
        }
    });
    let banned = move |range: &str| {
        bans.with(|b| b.iter().any(|x| x.ip_range.as_deref() == Some(range)))
    };
    let ban = move |r: FarmingRange| {
        let req = NewBan {
            comment_id: None,
            ip_range: Some(r.range.clone()),
            duration_secs: Some(FARM_BAN_SECS),
            reason: Some(format!(
                "Token farming: {} new reader tokens this hour",
                r.new_readers
            )),
        };
        spawn_local(async move {
            match api::ban(&req).await {
                Ok(b) => {
                    bans.update(|list| list.insert(0, b));
                    shell.say(format!("Addresses {} banned for a day.", r.range));
                }
                Err(f) => shell.fail(&f),
            }
        });
    };
    let intro = move || {
        report.with(|r| match r.as_ref().map(|r| r.ceiling) {
            None => String::new(),
            Some(Some(max)) => format!(
                "Each address range (a /24, or a /56 for IPv6) may create {max} reader tokens an hour. Listed: ranges at half of that or more this hour, or refused some today."
            ),
            Some(None) => "The ceiling on new reader tokens is off on this server; listed: ranges refused some today.".to_owned(),
        })
    };
    view! {
        <section class="farming" aria-labelledby="farming-title">
            <h3 id="farming-title" class="range-title">"Ranges creating many reader tokens"</h3>
            <p class="hint">{intro}</p>
            {move || report.with(|r| match r {
                None => view! { <p class="hint">"Loading…"</p> }.into_any(),
                Some(r) if r.ranges.is_empty() => {
                    view! { <p class="empty farming-empty">"No range is near the ceiling this hour."</p> }.into_any()
                }
                Some(r) => {
                    let rows = r.ranges.clone();
                    view! {
                        <ul class="farm-list">
                            {rows.into_iter().map(|f| {
                                let range = f.range.clone();
                                let is_banned = {
                                    let range = range.clone();
                                    Signal::derive(move || banned(&range))
                                };
                                let pick = f.clone();
                                let counts = format!(
                                    "{} new reader {} this hour · {} refused today",
                                    f.new_readers,
                                    if f.new_readers == 1 { "token" } else { "tokens" },
                                    f.refused_today
                                );
                                view! {
                                    <li class="card farm-row" data-range=f.range.clone()>
                                        <div>
                                            <strong class="farm-range">{f.range.clone()}</strong>
                                            {f.over.then(|| view! { <span class="badge badge-hidden">"Over the ceiling"</span> })}
                                            <div class="detail farm-counts">{counts}</div>
                                        </div>
                                        <button type="button" class="danger"
                                            disabled=is_banned on:click=move |_| ban(pick.clone())>
                                            {move || if is_banned.get() { "Banned" } else { "Ban this range" }}
                                            <span class="sr-only">{format!(" {range}")}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </section>
    }
}
