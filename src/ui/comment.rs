//! One comment with its actions, its reply form and (recursively) its replies.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{Comment, CommentId, CommentStatus};

use super::avatar::{Avatar, Chevron};
use super::dom;
use super::form::CommentForm;
use super::lang::Lang;
use super::moderate::{ModPanel, mod_actions, mod_panel};
use super::own::{Own, OwnState, edit_form, own_actions};
use super::replies::replies_view;
use super::report::{Report, report_action, report_panel};
use super::state::ThreadState;
use super::votes::votes_view;
use crate::thread::link::permalink;
use crate::thread::time::{ago, parse_rfc3339};
use crate::thread::vote::{Tally, VoteState};

/// The small check after the name of an author the site signed in.
fn verified_mark(t: Lang) -> impl IntoView {
    let label = t.t("comment.verified");
    let title = label.clone();
    view! {
        <span class="tb-verified" part="verified" title=title>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                <path d="M8 0.5 10 2.2 12.6 2 13.3 4.6 15.5 6 14.5 8.5 15.5 11 13.3 12.4 12.6 15 10 14.8 8 16.5 6 14.8 3.4 15 2.7 12.4 0.5 11 1.5 8.5 0.5 6 2.7 4.6 3.4 2 6 2.2Z" fill="currentColor"/>
                <path d="M5 8.6 7.1 10.7 11.2 6.4" fill="none" stroke="var(--tb-bg)" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>
            </svg>
            <span class="tb-sr-only">{label}</span>
        </span>
    }
}

/// The name shown for a comment: its author, "Guest", or "[deleted]".
fn author_of(c: &Comment, t: Lang) -> String {
    match (&c.author, c.deleted) {
        (_, true) => t.t("deleted.author"),
        (Some(a), false) => a.clone(),
        (None, false) => t.t("guest"),
    }
}

/// A comment and everything under it. Returns `AnyView` because it contains itself.
#[component]
pub fn CommentView(id: CommentId, depth: usize) -> AnyView {
    let state = ThreadState::get();
    let t = state.lang;
    let comment = {
        let id = id.clone();
        Memo::new(move |_| state.tree.with(|t| t.get(&id).cloned()))
    };
    let Some(first) = comment.get_untracked() else {
        return ().into_any();
    };
    let sending_text = state.sending.with_untracked(|m| m.get(&id).cloned());
    let is_pending = sending_text.is_some();
    let deleted = Memo::new(move |_| comment.with(|c| c.as_ref().is_none_or(|c| c.deleted)));
    let author = Memo::new(move |_| {
        comment.with(|c| c.as_ref().map(|c| author_of(c, t)).unwrap_or_default())
    });
    let verified =
        Memo::new(move |_| comment.with(|c| c.as_ref().is_some_and(|c| c.verified && !c.deleted)));
    let collapsed = {
        let id = id.clone();
        Memo::new(move |_| state.collapsed.with(|c| c.contains(&id)))
    };
    let highlighted = {
        let id = id.clone();
        Memo::new(move |_| state.highlight.with(|h| h.as_ref() == Some(&id)))
    };
    let own = OwnState::new(id.clone());
    let body_ref = NodeRef::<html::Div>::new();

    let body = {
        let id = id.clone();
        move || {
            if deleted.get() {
                return view! { <div class="tb-body" part="body"><p>{t.t("deleted.body")}</p></div> }
                    .into_any();
            }
            if let Some(text) = sending_text.clone() {
                // The server has not rendered it yet: show the raw text as text, never as markup.
                return view! { <div class="tb-body tb-body-plain" part="body" dir="auto">{text}</div> }
                    .into_any();
            }
            if own.mode.get() == Own::Editing {
                return edit_form(id.clone(), own).into_any();
            }
            // Readers write in any language: a body takes its own direction (dir=auto), so an
            // English comment reads right in an Arabic widget and the other way round.
            let html =
                comment.with(|c| c.as_ref().map(|c| c.body_html.clone()).unwrap_or_default());
            view! { <div class="tb-body" part="body" dir="auto" node_ref=body_ref inner_html=html></div> }
                .into_any()
        }
    };

    // In a continued view the top comment says whom it answers, since its parent is not shown.
    let reply_to = (depth == 0 && first.parent_id.is_some())
        .then(|| {
            state.tree.with_untracked(|tree| {
                let parent = tree.parent(&id).and_then(|p| tree.get(p))?;
                Some(author_of(parent, t))
            })
        })
        .flatten()
        // A reply the server stored higher up than where it was written says whom it answers.
        .or_else(|| state.replying_to.with_untracked(|m| m.get(&id).cloned()))
        .map(|name| {
            // The name is styled apart, wherever the language puts it in the sentence.
            let text = t.t("replying_to");
            let (before, after) = text.split_once("{name}").unwrap_or((text.as_str(), ""));
            let (before, after) = (before.to_owned(), after.to_owned());
            view! { <span class="tb-reply-to">{before}<span class="tb-reply-to-name">{name}</span>{after}</span> }
                .into_any()
        });

    let replying = RwSignal::new(false);
    let article_ref = NodeRef::<html::Article>::new();
    let reply_button = NodeRef::<html::Button>::new();
    let close_reply = Callback::new(move |_: ()| {
        replying.set(false);
        if let Some(b) = reply_button.get_untracked() {
            let _ = b.focus();
        }
    });
    let reply_form = {
        let id = id.clone();
        move || {
            (replying.get() && !collapsed.get() && !state.locked.get()).then(|| {
                view! {
                    <CommentForm
                        parent=Some(id.clone())
                        replying_to=author.get_untracked()
                        on_posted=Callback::new(move |_: ()| {
                            replying.set(false);
                            if let Some(a) = article_ref.get_untracked() {
                                dom::focus_quietly(&a);
                            }
                        })
                        on_cancel=close_reply
                    />
                }
                // Erased: the form is cold here, and its typed build and rebuild inside this
                // closure's `Option` were a second copy of the whole form (~7 KB gzip).
                .into_any()
            })
        }
    };

    let report = Report::new();
    let panel = ModPanel::new();
    let held = Memo::new(move |_| {
        comment.with(|c| c.as_ref().is_some_and(|c| c.status == CommentStatus::Held && !c.deleted))
    });
    let pinned = Memo::new(move |_| {
        comment.with(|c| c.as_ref().is_some_and(|c| c.pinned && c.parent_id.is_none() && !c.deleted))
    });
    let actions = {
        let id = id.clone();
        let votes = RwSignal::new(VoteState::new(Tally::of(&first)));
        // Other readers' votes arrive as live updates of the comment's tallies.
        let tallies = Memo::new(move |_| {
            comment.with(|c| c.as_ref().map(|c| (c.upvotes, c.downvotes, c.score)))
        });
        Effect::new(move |before: Option<Option<(u64, u64, i64)>>| {
            let now = tallies.get();
            // The first run only records where the tallies start.
            if let (Some(_), Some((up, down, score))) = (before, now) {
                votes.update(|v| v.observe(up, down, score));
            }
            now
        });
        move || {
            (!deleted.get() && !collapsed.get()).then(|| {
                let name = author.get_untracked();
                // The reader's own comment: posted from this page, or still editable by them.
                let mine = is_pending
                    || own.until.get_untracked().is_some()
                    || state.sources.with_value(|s| s.contains_key(&id));
                // A thread a moderator closed takes no replies; others' comments can be reported.
                let locked = state.locked.get();
                let reportable = !mine
                    && !held.get_untracked()
                    && state.backend().is_some_and(|b| b.moderation());
                let report_view = reportable.then(|| report_action(report, &name));
                view! {
                    <div class="tb-actions" part="actions">
                        {votes_view(id.clone(), votes, &name, is_pending, mine)}
                        {(!locked).then(|| view! { <button
                            type="button"
                            class="tb-action tb-reply"
                            part="action reply"
                            node_ref=reply_button
                            disabled=is_pending
                            aria-expanded=move || if replying.get() { "true" } else { "false" }
                            aria-label=t.f("reply.label", &[("name", &name)])
                            on:click=move |_| replying.update(|r| *r = !*r)
                        >
                            {t.t("reply")}
                        </button> })}
                        {(!is_pending).then(|| link_button(id.clone()))}
                        {own_actions(id.clone(), own, body_ref)}
                        {report_view}
                        {mod_actions(comment, panel)}
                    </div>
                }
                .into_any()
            })
        }
    };

    let toggle = {
        let id = id.clone();
        move |_| {
            state.collapsed.update(|c| {
                if !c.remove(&id) {
                    c.insert(id.clone());
                }
            });
        }
    };
    // A collapsed comment says in its header whose it is and how much it hides.
    let summary = {
        let id = id.clone();
        move || {
            let hidden = state.tree.with(|t| t.subtree_size(&id));
            let text = t.n("collapsed", hidden as u64, &[("name", &author.get())]);
            view! { <span class="tb-collapsed-summary">{text}</span> }
        }
    };
    let replies = {
        let id = id.clone();
        move || (!collapsed.get()).then(|| replies_view(id.clone(), depth))
    };

    view! {
        <article
            class="tb-comment"
            part="comment"
            class:tb-deleted=move || deleted.get()
            class:tb-pending=is_pending
            class:tb-is-held=move || held.get()
            class:tb-collapsed=move || collapsed.get()
            class:tb-highlight=move || highlighted.get()
            id=format!("comment-{id}")
            data-depth=depth.to_string()
            node_ref=article_ref
            aria-keyshortcuts=super::keys::SHORTCUTS
            aria-busy=is_pending.then_some("true")
        >
            <div class="tb-comment-main">
                <Avatar seed=first.avatar_seed.clone()/>
                <div class="tb-comment-content">
                    <header class="tb-meta" part="meta">
                        {move || if collapsed.get() { summary.clone()().into_any() } else {
                            view! { <bdi class="tb-author" part="author">{author.get()}</bdi>{verified.get().then(|| verified_mark(t))} }.into_any()
                        }}
                        {reply_to}
                        {time_view(comment, is_pending)}
                        {move || pinned.get().then(|| view! { <span class="tb-badge tb-pinned" part="pinned">{t.t("mod.pinned")}</span> })}
                        {move || held.get().then(|| view! { <span class="tb-badge tb-held" part="held">{t.t("mod.held")}</span> })}
                        <button
                            type="button"
                            class="tb-action tb-collapse"
                            part="action collapse"
                            aria-expanded=move || if collapsed.get() { "false" } else { "true" }
                            aria-label=move || t.f(
                                if collapsed.get() { "expand.label" } else { "collapse.label" },
                                &[("name", &author.get())],
                            )
                            on:click=toggle
                        >
                            <Chevron/>
                        </button>
                    </header>
                    {move || (!collapsed.get()).then(body.clone())}
                    {move || (held.get() && !collapsed.get()).then(|| view! { <p class="tb-held-note">{t.t("mod.held_note")}</p> })}
                    {actions}
                    {report_panel(id.clone(), report)}
                    {mod_panel(id.clone(), panel)}
                    {move || own.error.get().map(|m| view! { <p class="tb-error" role="alert" aria-live="polite">{m}</p> })}
                    {reply_form}
                </div>
            </div>
            {replies}
        </article>
    }
    .into_any()
}

/// When it was written (relative, exact on hover) and whether it was edited.
fn time_view(comment: Memo<Option<Comment>>, pending: bool) -> impl IntoView {
    let state = ThreadState::get();
    let t = state.lang;
    if pending {
        return view! { <span class="tb-sending" aria-live="polite">{t.t("sending")}</span> }
            .into_any();
    }
    let zone = state.zone.get_value();
    let created =
        comment.with_untracked(|c| c.as_ref().map(|c| c.created_at.clone()).unwrap_or_default());
    let at = parse_rfc3339(&created);
    let title = at.map(|ms| t.date(ms, true)).unwrap_or_default();
    let text = move || {
        at.map(|ms| t.ago(ago(ms, state.now.get(), zone)))
            .unwrap_or_default()
    };
    let edited = move || {
        let at = comment.with(|c| {
            c.as_ref()
                .and_then(|c| c.edited_at.as_deref())
                .and_then(parse_rfc3339)
        })?;
        Some(
            view! { <span class="tb-edited" title=t.f("edited.title", &[("date", &t.date(at, true))])>{t.t("edited")}</span> },
        )
    };
    view! {
        <time part="time" datetime=created title=title>{text}</time>
        {edited}
    }
    .into_any()
}

/// "Link": copies the comment's permalink, or shows it when the clipboard refuses.
fn link_button(id: CommentId) -> impl IntoView {
    let state = ThreadState::get();
    let copied = RwSignal::new(false);
    let fallback = RwSignal::new(None::<String>);
    let copy = move |_| {
        let url = permalink(&dom::page_href(), &id);
        spawn_local(async move {
            if dom::copy(&url).await {
                fallback.try_set(None);
                copied.try_set(true);
                state.announce(&state.lang.t("link.copied"));
                set_timeout(
                    move || {
                        copied.try_set(false);
                    },
                    Duration::from_secs(3),
                );
            } else {
                fallback.try_set(Some(url));
            }
        });
    };
    view! {
        <button type="button" class="tb-action tb-link" part="action" on:click=copy>
            {move || state.lang.t(if copied.get() { "link.copied" } else { "link" })}
        </button>
        {move || fallback.get().map(|url| view! {
            <p class="tb-link-fallback">
                <span>{state.lang.t("link.copy_this")}" "</span>
                <input class="tb-input tb-link-url" type="text" readonly prop:value=url aria-label=state.lang.t("link.label")
                    on:focus=|ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            i.select();
                        }
                    }/>
            </p>
        })}
    }
}
