//! The queue: filters, the list, paging, the bulk bar and the keyboard shortcuts.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::CommentId;
use talkback_protocol::moderation::{ActionRequest, ModAction, QueueFilter, QueueItem};
use wasm_bindgen::JsCast;

use super::Shell;
use super::item::Item;
use crate::api::{self, QueueAsk};
use crate::keys::{self, Command};
use crate::text;

/// The queue's state, shared with its items.
#[derive(Clone, Copy)]
pub struct Desk {
    pub items: RwSignal<Vec<QueueItem>>,
    pub selected: RwSignal<HashSet<String>>,
    pub focus: RwSignal<Option<usize>>,
    /// The server's refusal of the last action on a comment, by comment id.
    pub outcomes: RwSignal<Vec<(String, String)>>,
    pub busy: RwSignal<bool>,
    /// Kept here because actions also start from window listeners, which have no context.
    pub shell: Shell,
}

impl Desk {
    /// Runs one action on `ids`, puts each returned comment in place and announces the result.
    pub fn act(
        self,
        action: ModAction,
        ids: Vec<CommentId>,
        reason: Option<String>,
        ban_secs: Option<u64>,
    ) {
        if ids.is_empty() || self.busy.get_untracked() {
            return;
        }
        let shell = self.shell;
        self.busy.set(true);
        let req = ActionRequest {
            action,
            ids,
            reason: reason.filter(|r| !r.trim().is_empty()),
            ban_secs,
        };
        spawn_local(async move {
            match api::act(&req).await {
                Ok(res) => {
                    let (_, done) = text::action(action);
                    let mut ok = 0;
                    let mut refusals = Vec::new();
                    self.items.update(|items| {
                        for r in &res.results {
                            match &r.comment {
                                Some(c) => {
                                    ok += 1;
                                    if let Some(it) =
                                        items.iter_mut().find(|it| it.comment.id == r.id)
                                    {
                                        it.comment = c.clone();
                                        if action == ModAction::Dismiss {
                                            it.report_count = 0;
                                            it.reports.clear();
                                        }
                                    }
                                }
                                None => refusals.push(
                                    r.error
                                        .as_ref()
                                        .map(|e| e.message.clone())
                                        .unwrap_or_default(),
                                ),
                            }
                        }
                    });
                    self.outcomes.update(|o| {
                        for r in &res.results {
                            o.retain(|(id, _)| id != r.id.as_str());
                            if let Some(e) = &r.error {
                                o.push((r.id.as_str().to_owned(), e.message.clone()));
                            }
                        }
                    });
                    self.selected.update(|s| s.clear());
                    let mut msg = if ok > 0 {
                        format!("{} {done}.", text::comments(ok))
                    } else {
                        String::new()
                    };
                    if !refusals.is_empty() {
                        msg = format!(
                            "{msg} {} could not be changed: {}",
                            text::comments(refusals.len()),
                            refusals.join("; ")
                        );
                    }
                    if refusals.is_empty() {
                        shell.say(msg.trim().to_owned());
                    } else {
                        shell.show(super::Notice {
                            text: msg.trim().to_owned(),
                            error: true,
                        });
                    }
                }
                Err(f) => shell.fail(&f),
            }
            self.busy.set(false);
        });
    }

    /// The ids of the selected comments, in list order.
    fn selected_ids(self) -> Vec<CommentId> {
        let sel = self.selected.get_untracked();
        self.items.with_untracked(|items| {
            items
                .iter()
                .filter(|it| sel.contains(it.comment.id.as_str()))
                .map(|it| it.comment.id.clone())
                .collect()
        })
    }
}

/// Moves keyboard focus to the item at `index`.
pub fn focus_item(items: &[QueueItem], index: usize) {
    let Some(it) = items.get(index) else { return };
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("item-{}", it.comment.id.as_str())))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        // Focus scrolls the item into view and lets screen readers read it.
        let _ = el.focus();
    }
}

const FILTERS: [(QueueFilter, &str); 4] = [
    (QueueFilter::Held, "Held"),
    (QueueFilter::Reported, "Reported"),
    (QueueFilter::Hidden, "Hidden"),
    (QueueFilter::All, "All"),
];

/// The moderation queue.
#[component]
pub fn Queue() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let desk = Desk {
        items: RwSignal::new(Vec::new()),
        selected: RwSignal::new(HashSet::new()),
        focus: RwSignal::new(None),
        outcomes: RwSignal::new(Vec::new()),
        busy: RwSignal::new(false),
        shell,
    };
    provide_context(desk);
    let ask = RwSignal::new(QueueAsk::default());
    let thread = RwSignal::new(String::new());
    let author = RwSignal::new(String::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let help = RwSignal::new(false);

    let load = move |more: bool| {
        let a = ask.get_untracked();
        let from = if more { cursor.get_untracked() } else { None };
        loading.set(true);
        spawn_local(async move {
            match api::queue(&a, from).await {
                Ok(page) => {
                    cursor.set(page.next_cursor.map(|c| c.0));
                    if more {
                        desk.items.update(|v| v.extend(page.items));
                    } else {
                        desk.items.set(page.items);
                        desk.selected.update(|s| s.clear());
                        desk.outcomes.update(|o| o.clear());
                        desk.focus.set(None);
                    }
                    loaded.set(true);
                }
                Err(f) => shell.fail(&f),
            }
            loading.set(false);
        });
    };
    load(false);

    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if typing {
            return;
        }
        let Some(cmd) = keys::command(&ev.key(), ev.ctrl_key() || ev.alt_key() || ev.meta_key())
        else {
            return;
        };
        ev.prevent_default();
        let len = desk.items.with_untracked(Vec::len);
        let current = desk.focus.get_untracked();
        match cmd {
            Command::Next | Command::Previous => {
                let next = keys::step(current, len, cmd == Command::Next);
                desk.focus.set(next);
                if let Some(i) = next {
                    desk.items.with_untracked(|items| focus_item(items, i));
                }
            }
            Command::ToggleSelect => {
                let Some(id) = current.and_then(|i| {
                    desk.items
                        .with_untracked(|v| v.get(i).map(|it| it.comment.id.as_str().to_owned()))
                }) else {
                    return;
                };
                desk.selected.update(|s| {
                    if !s.remove(&id) {
                        s.insert(id);
                    }
                });
            }
            Command::Act(action) => {
                let Some(id) = current.and_then(|i| {
                    desk.items
                        .with_untracked(|v| v.get(i).map(|it| it.comment.id.clone()))
                }) else {
                    shell.say("Press j to pick a comment first.");
                    return;
                };
                desk.act(action, vec![id], None, None);
            }
            Command::Help => help.update(|h| *h = !*h),
            Command::Close => help.set(false),
        }
    });
    on_cleanup(move || on_key.remove());

    let choose = move |f: QueueFilter| {
        ask.update(|a| a.filter = f);
        load(false);
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ask.update(|a| {
            a.thread = thread.get_untracked();
            a.author = author.get_untracked();
        });
        load(false);
    };
    let bulk = move |action: ModAction| desk.act(action, desk.selected_ids(), None, None);
    let count = move || desk.selected.with(HashSet::len);

    view! {
        <section class="queue" aria-labelledby="queue-title">
            <div class="queue-head">
                <h2 id="queue-title">"Queue"</h2>
                <button type="button" class="link" aria-expanded=move || help.get().to_string()
                    on:click=move |_| help.update(|h| *h = !*h)>"Keyboard shortcuts (?)"</button>
            </div>
            <Show when=move || help.get()>
                <div class="card help" role="dialog" aria-label="Keyboard shortcuts">
                    <dl>
                        {keys::HELP.iter().map(|(k, what)| view! { <dt><kbd>{*k}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                    </dl>
                    <button type="button" on:click=move |_| help.set(false)>"Close"</button>
                </div>
            </Show>
            <div class="filters" role="group" aria-label="Show">
                {FILTERS.iter().map(|&(f, label)| view! {
                    <button type="button" class="filter" aria-pressed=move || (ask.get().filter == f).to_string()
                        on:click=move |_| choose(f)>{label}</button>
                }).collect_view()}
            </div>
            <form class="narrow" on:submit=apply>
                <label>
                    <span>"Thread key"</span>
                    <input name="thread" placeholder="all threads" prop:value=move || thread.get()
                        on:input=move |ev| thread.set(event_target_value(&ev))/>
                </label>
                <label>
                    <span>"Author"</span>
                    <input name="author" placeholder="everyone" prop:value=move || author.get()
                        on:input=move |ev| author.set(event_target_value(&ev))/>
                </label>
                <button type="submit">"Apply"</button>
            </form>
            <Show when=move || { count() > 0 }>
                <div class="bulk" role="region" aria-label="Selected comments">
                    <span>{move || format!("{} selected", count())}</span>
                    <button type="button" on:click=move |_| bulk(ModAction::Approve)>"Approve selected"</button>
                    <button type="button" on:click=move |_| bulk(ModAction::Reject)>"Reject selected"</button>
                    <button type="button" on:click=move |_| bulk(ModAction::Hide)>"Hide selected"</button>
                    <button type="button" class="link" on:click=move |_| desk.selected.update(|s| s.clear())>"Clear"</button>
                </div>
            </Show>
            <Show when=move || loaded.get() && desk.items.with(Vec::is_empty)>
                <p class="empty">"Nothing here. "{move || match ask.get().filter {
                    QueueFilter::Held => "No comment is waiting for approval.",
                    QueueFilter::Reported => "No open reports.",
                    QueueFilter::Hidden => "No hidden or rejected comments.",
                    QueueFilter::All => "No comments match.",
                }}</p>
            </Show>
            <ol class="items">
                <For
                    each=move || desk.items.get().into_iter().enumerate()
                    key=|(i, it)| (*i, it.comment.id.as_str().to_owned(), it.comment.status, it.comment.pinned, it.comment.deleted, it.report_count)
                    children=move |(i, it)| view! { <li><Item item=it index=i/></li> }
                />
            </ol>
            <Show when=move || cursor.get().is_some()>
                <button type="button" class="more" disabled=move || loading.get() on:click=move |_| load(true)>
                    {move || if loading.get() { "Loading…" } else { "Load more" }}
                </button>
            </Show>
        </section>
    }
}
