//! One comment of the queue, in its thread's context, with its actions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::{LockRequest, ModAction, ModComment, QueueItem};

use super::queue::Desk;
use crate::text;

/// Ban lengths offered with "Ban author".
const BANS: [(&str, Option<u64>); 4] = [
    ("1 day", Some(86_400)),
    ("1 week", Some(604_800)),
    ("30 days", Some(2_592_000)),
    ("for good", None),
];

/// Author, time and the server-sanitized body of a comment.
fn comment_view(c: &ModComment) -> impl IntoView + use<> {
    let author = c.author.clone().unwrap_or_else(|| "Guest".to_owned());
    // The body is HTML the server sanitized when the comment was posted; nothing else is
    // inserted as HTML.
    let body = if c.deleted {
        "<p><em>deleted</em></p>".to_owned()
    } else {
        c.body_html.clone()
    };
    view! {
        <div class="meta">
            <strong class="author">{author}</strong>
            <time datetime=c.created_at.clone()>{text::when(&c.created_at)}</time>
            {c.edited_at.is_some().then(|| view! { <span class="edited">"edited"</span> })}
            {c.pinned.then(|| view! { <span class="badge badge-pin">"Pinned"</span> })}
        </div>
        <div class="body" inner_html=body></div>
    }
}

/// A queue item: checkbox, thread, collapsed context, the comment, reports and actions.
#[component]
pub fn Item(item: QueueItem, index: usize) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let c = item.comment.clone();
    let id = c.id.as_str().to_owned();
    let dom_id = format!("item-{id}");
    let author = c.author.clone().unwrap_or_else(|| "a guest".to_owned());
    let reason = RwSignal::new(String::new());
    let ban_secs = RwSignal::new(0usize);
    let focused = move || desk.focus.get() == Some(index);
    let is_selected = {
        let id = id.clone();
        Signal::derive(move || desk.selected.with(|s| s.contains(&id)))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            desk.selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            })
        }
    };
    let refusal = {
        let id = id.clone();
        move || {
            desk.outcomes
                .with(|o| o.iter().find(|(i, _)| *i == id).map(|(_, m)| m.clone()))
        }
    };
    let button = {
        let cid = c.id.clone();
        move |action: ModAction, danger: bool| {
            let cid = cid.clone();
            let (label, _) = text::action(action);
            let run = move |_| {
                let secs = if action == ModAction::BanAuthor {
                    BANS[ban_secs.get_untracked()].1
                } else {
                    None
                };
                desk.act(
                    action,
                    vec![cid.clone()],
                    Some(reason.get_untracked()),
                    secs,
                );
            };
            view! {
                <button type="button" class="act" class:danger=danger data-action=action.as_str()
                    disabled=move || desk.busy.get() on:click=run>{label}</button>
            }
        }
    };
    let status = c.status;
    let live = !c.deleted;
    let mut actions = Vec::new();
    if live && status == CommentStatus::Held {
        actions.push(button(ModAction::Approve, false));
        actions.push(button(ModAction::Reject, false));
    }
    if live && status == CommentStatus::Visible {
        actions.push(button(ModAction::Hide, false));
        if c.parent_id.is_none() {
            actions.push(button(
                if c.pinned {
                    ModAction::Unpin
                } else {
                    ModAction::Pin
                },
                false,
            ));
        }
    }
    if live && matches!(status, CommentStatus::Hidden | CommentStatus::Rejected) {
        actions.push(button(ModAction::Restore, false));
    }
    if item.report_count > 0 {
        actions.push(button(ModAction::Dismiss, false));
    }
    if live {
        actions.push(button(ModAction::Delete, true));
    }
    let ban = button(ModAction::BanAuthor, true);
    let thread_title = item
        .thread
        .title
        .clone()
        .unwrap_or_else(|| item.thread.key.clone());
    let thread_link = match item.thread.url.clone() {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            view! { <a href=url target="_blank" rel="noopener noreferrer">{thread_title}</a> }
                .into_any()
        }
        _ => view! { <span>{thread_title}</span> }.into_any(),
    };
    // Locking acts on the whole thread; the button says which way it goes from here.
    let locked = RwSignal::new(item.thread.locked);
    let thread_key = item.thread.key.clone();
    let toggle_lock = move |_| {
        let req = LockRequest {
            thread: thread_key.clone(),
            locked: !locked.get_untracked(),
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        let shell = desk.shell;
        spawn_local(async move {
            match crate::api::lock(&req).await {
                Ok(t) => {
                    locked.set(t.locked);
                    shell.say(if t.locked {
                        "Thread locked: it takes no new comments."
                    } else {
                        "Thread open again."
                    });
                }
                Err(f) => shell.fail(&f),
            }
        });
    };
    let ancestors = item.context.len();
    let context = (ancestors > 0).then(|| {
        let summary = if ancestors == 1 { "In reply to 1 comment".to_owned() } else { format!("In reply to {ancestors} comments") };
        view! {
            <details class="context">
                <summary>{summary}</summary>
                <ol>{item.context.iter().map(|a| view! { <li class="ancestor">{comment_view(a)}</li> }).collect_view()}</ol>
            </details>
        }
    });
    let reports = (item.report_count > 0).then(|| {
        let n = item.report_count;
        view! {
            <div class="reports">
                <strong>{if n == 1 { "1 report".to_owned() } else { format!("{n} reports") }}</strong>
                <ul>{item.reports.iter().map(|r| view! {
                    <li><span class="reason">{text::reason(r.reason)}</span>
                        {r.note.clone().map(|n| view! { ": "<q>{n}</q> })}
                        " · "<time datetime=r.created_at.clone()>{text::when(&r.created_at)}</time></li>
                }).collect_view()}</ul>
            </div>
        }
    });
    let reason_id = format!("reason-{id}");
    let ban_id = format!("ban-{id}");
    view! {
        <article id=dom_id class="card item" class:focused=focused class:selected=is_selected tabindex="-1"
            aria-label=format!("Comment by {author}") data-status=status.as_str()
            on:focusin=move |_| desk.focus.set(Some(index))>
            <div class="item-head">
                <label class="pick">
                    <input type="checkbox" prop:checked=is_selected on:change=toggle/>
                    <span class="sr-only">{format!("Select the comment by {author}")}</span>
                </label>
                <span class="thread">{thread_link}</span>
                <span class=format!("badge badge-{}", if c.deleted { "deleted" } else { status.as_str() })>
                    {text::status(status, c.deleted)}
                </span>
            </div>
            {context}
            <div class="comment">{comment_view(&c)}</div>
            {reports}
            <p class="refusal" role="alert">{refusal}</p>
            <div class="actions">
                <label class="reason-field" for=reason_id.clone()>"Reason (optional)"</label>
                <input id=reason_id class="reason-input" maxlength="500" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <div class="buttons">
                    {actions}
                    <button type="button" class="act lock" on:click=toggle_lock>
                        {move || if locked.get() { "Unlock thread" } else { "Lock thread" }}
                    </button>
                    <span class="ban">
                        <label class="sr-only" for=ban_id.clone()>"Ban length"</label>
                        <select id=ban_id on:change=move |ev| ban_secs.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {BANS.iter().enumerate().map(|(i, (label, _))| view! { <option value=i.to_string()>{*label}</option> }).collect_view()}
                        </select>
                        {ban}
                    </span>
                </div>
            </div>
        </article>
    }
}
