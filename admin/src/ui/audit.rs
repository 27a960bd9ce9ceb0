//! The audit log: every moderator action, newest first, paged.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::AuditEntry;

use super::Shell;
use crate::{api, text};

/// The audit log table with "Load more".
#[component]
pub fn Audit() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let load = move |more: bool| {
        let from = if more { cursor.get_untracked() } else { None };
        loading.set(true);
        spawn_local(async move {
            match api::audit(from).await {
                Ok(page) => {
                    cursor.set(page.next_cursor.map(|c| c.0));
                    entries.update(|e| {
                        if !more {
                            e.clear();
                        }
                        e.extend(page.entries)
                    });
                }
                Err(f) => shell.fail(&f),
            }
            loading.set(false);
        });
    };
    load(false);
    view! {
        <section class="audit" aria-labelledby="audit-title">
            <h2 id="audit-title">"Audit log"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Moderator"</th><th scope="col">"Action"</th>
                        <th scope="col">"On"</th><th scope="col">"Reason"</th></tr></thead>
                    <tbody>
                        <For each=move || entries.get() key=|e| e.id children=|e| view! {
                            <tr>
                                <td><time datetime=e.created_at.clone()>{text::when(&e.created_at)}</time></td>
                                <td>{e.moderator}</td>
                                <td>{text::action(e.action).0}</td>
                                <td><span class="target">{format!("{} {}", e.target_kind.as_str(), e.target)}</span>
                                    {e.detail.map(|d| view! { <span class="detail">{d}</span> })}</td>
                                <td>{e.reason.unwrap_or_default()}</td>
                            </tr>
                        }/>
                    </tbody>
                </table>
            </div>
            <Show when=move || cursor.get().is_some()>
                <button type="button" class="more" disabled=move || loading.get() on:click=move |_| load(true)>"Load more"</button>
            </Show>
        </section>
    }
}
