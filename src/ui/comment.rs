//! One comment with its actions, its reply form and (recursively) its replies.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{CommentId, Vote};

use super::avatar::{Arrow, Avatar};
use super::form::CommentForm;
use super::state::ThreadState;
use crate::backend::BackendError;
use crate::thread::form::more_replies_text;
use crate::thread::time::{full_text, parse_rfc3339, relative};
use crate::thread::vote::{Press, Tally, VoteState};

/// A comment and everything under it. Returns `AnyView` because it contains itself.
#[component]
pub fn CommentView(id: CommentId, depth: usize) -> AnyView {
    let state = ThreadState::get();
    let Some(c) = state.tree.with_untracked(|t| t.get(&id).cloned()) else {
        return ().into_any();
    };
    let sending_text = state.sending.with_untracked(|m| m.get(&id).cloned());
    let is_pending = sending_text.is_some();
    let author = c.author.clone().unwrap_or_else(|| "Guest".to_owned());
    let can_reply = !c.deleted && !is_pending;

    let time = if is_pending {
        view! { <span class="tb-sending" aria-live="polite">"Sending…"</span> }.into_any()
    } else {
        let at = parse_rfc3339(&c.created_at);
        let (now, zone) = state.now.try_get_value().unwrap_or_default();
        let text = at.map(|t| relative(t, now, zone)).unwrap_or_default();
        let title = at.map(|t| full_text(t, zone)).unwrap_or_default();
        view! { <time datetime=c.created_at.clone() title=title>{text}</time> }.into_any()
    };

    let body = if c.deleted {
        view! { <div class="tb-body"><p>"This comment was deleted."</p></div> }.into_any()
    } else if let Some(text) = sending_text {
        // The server has not rendered it yet: show the raw text as text, never as markup.
        view! { <div class="tb-body tb-body-plain">{text}</div> }.into_any()
    } else {
        view! { <div class="tb-body" inner_html=c.body_html.clone()></div> }.into_any()
    };

    // Past depth 6 replies stop indenting, so say whom they answer.
    let reply_to = (depth > 6)
        .then(|| {
            state.tree.with_untracked(|t| {
                let parent = t.parent(&id).and_then(|p| t.get(p))?;
                Some(if parent.deleted { "a deleted comment".to_owned() } else { parent.author.clone().unwrap_or_else(|| "Guest".to_owned()) })
            })
        })
        .flatten()
        .map(|name| view! { <span class="tb-reply-to">"replying to "<span class="tb-reply-to-name">{name}</span></span> });

    let replying = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let reply_button = NodeRef::<html::Button>::new();
    let close_reply = Callback::new(move |_: ()| {
        replying.set(false);
        if let Some(b) = reply_button.get_untracked() {
            let _ = b.focus();
        }
    });
    let reply_form = {
        let id = id.clone();
        let author = author.clone();
        move || {
            replying.get().then(|| {
                view! {
                    <CommentForm
                        parent=Some(id.clone())
                        body=draft
                        replying_to=author.clone()
                        on_posted=Callback::new(move |_: ()| replying.set(false))
                        on_cancel=close_reply
                    />
                }
            })
        }
    };

    let replies = replies_view(id.clone(), depth);
    let votes = votes_view(id.clone(), Tally::of(&c), &author, is_pending || c.deleted);
    let article_id = format!("comment-{id}");
    let class = match (c.deleted, is_pending) {
        (true, _) => "tb-comment tb-deleted",
        (_, true) => "tb-comment tb-pending",
        _ => "tb-comment",
    };

    view! {
        <article class=class id=article_id data-depth=depth.to_string() aria-busy=is_pending.then_some("true")>
            <div class="tb-comment-main">
                <Avatar seed=c.avatar_seed.clone()/>
                <div class="tb-comment-content">
                    <header class="tb-meta">
                        <span class="tb-author">{author.clone()}</span>
                        {reply_to}
                        {time}
                    </header>
                    {body}
                    <div class="tb-actions">
                        {votes}
                        <button
                            type="button"
                            class="tb-action tb-reply"
                            node_ref=reply_button
                            disabled=!can_reply
                            aria-expanded=move || if replying.get() { "true" } else { "false" }
                            aria-label=format!("Reply to {author}")
                            on:click=move |_| replying.update(|r| *r = !*r)
                        >
                            "Reply"
                        </button>
                    </div>
                    {reply_form}
                </div>
            </div>
            {replies}
        </article>
    }
    .into_any()
}

/// Score and vote buttons with optimistic updates and a visible rollback message.
fn votes_view(id: CommentId, start: Tally, author: &str, disabled: bool) -> impl IntoView {
    let state = ThreadState::get();
    let votes = RwSignal::new(VoteState::new(start));
    let error = RwSignal::new(None::<String>);
    let press = Callback::new(move |p: Press| {
        error.set(None);
        let Some(first) = votes.try_update(|s| s.press(p)).flatten() else {
            return;
        };
        let (Some(backend), id) = (state.backend(), id.clone()) else {
            votes.update(VoteState::settle_err);
            return;
        };
        spawn_local(async move {
            let mut next = Some(first);
            while let Some(v) = next {
                next = match backend.vote(&id, v).await {
                    Ok(r) => votes
                        .try_update(|s| s.settle_ok(Tally::confirmed(&r)))
                        .flatten(),
                    Err(e) => {
                        votes.update(VoteState::settle_err);
                        error.set(Some(vote_failed(&e)));
                        None
                    }
                };
            }
        });
    });
    let caps = state.backend().map(|b| b.capabilities());
    let can_vote = caps.is_some_and(|c| c.votes);
    let can_down = caps.is_some_and(|c| c.downvotes);
    let shown = move || votes.with(VoteState::shown);
    can_vote.then(|| {
        view! {
            <div class="tb-votes">
                {vote_button(Press::Up, author, votes, disabled, press)}
                <span class="tb-score" title=move || { let t = shown(); format!("{} up, {} down", t.up, t.down) }>
                    {move || shown().score}
                </span>
                {can_down.then(|| vote_button(Press::Down, author, votes, disabled, press))}
            </div>
            {move || error.get().map(|m| view! { <p class="tb-error tb-vote-error" role="alert">{m}</p> })}
        }
    })
}

/// One vote button; `aria-pressed` tells whether it is the reader's current vote.
fn vote_button(
    which: Press,
    author: &str,
    votes: RwSignal<VoteState>,
    disabled: bool,
    press: Callback<Press>,
) -> impl IntoView {
    let (class, verb, vote) = match which {
        Press::Up => ("tb-action tb-vote tb-up", "Upvote", Vote::Up),
        Press::Down => ("tb-action tb-vote tb-down", "Downvote", Vote::Down),
    };
    view! {
        <button
            type="button"
            class=class
            aria-pressed=move || if votes.with(|s| s.shown().mine == vote) { "true" } else { "false" }
            aria-label=format!("{verb} comment by {author}")
            disabled=disabled
            on:click=move |_| press.run(which)
        >
            <Arrow up=which == Press::Up/>
        </button>
    }
}

fn vote_failed(e: &BackendError) -> String {
    format!("Your vote wasn't saved. {e}")
}

/// The replies of a comment and the button that fetches more of them.
fn replies_view(id: CommentId, depth: usize) -> impl IntoView {
    let state = ThreadState::get();
    let children = {
        let id = id.clone();
        move || state.tree.with(|t| t.children(&id).to_vec())
    };
    let more = {
        let id = id.clone();
        move || {
            state.tree.with(|t| {
                t.get(&id)
                    .and_then(|c| c.replies_cursor.clone())
                    .map(|cur| (cur, t.unloaded_replies(&id)))
            })
        }
    };
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load_more = {
        let (id, more) = (id.clone(), more.clone());
        move |_| {
            let (Some((cursor, _)), Some(backend)) = (more(), state.backend()) else {
                return;
            };
            if loading.get_untracked() {
                return;
            }
            loading.set(true);
            error.set(None);
            let id = id.clone();
            spawn_local(async move {
                match backend.load_replies(&id, &cursor).await {
                    Ok(page) => state.tree.update(|t| {
                        t.merge(page.comments);
                        t.set_replies_cursor(&id, page.next_cursor);
                    }),
                    Err(e) => error.set(Some(format!("More replies couldn't be loaded. {e}"))),
                }
                loading.set(false);
            });
        }
    };
    // A memo, so the container is built once when the first reply arrives rather than on every
    // change of the tree (which would rebuild it around live reply forms).
    let has_any = {
        let (id, more) = (id.clone(), more.clone());
        Memo::new(move |_| state.tree.with(|t| !t.children(&id).is_empty()) || more().is_some())
    };
    move || {
        has_any.get().then(|| {
            let (children, more, load_more) = (children.clone(), more.clone(), load_more.clone());
            view! {
                <div class="tb-replies">
                    <For
                        each=children
                        key=|c: &CommentId| c.clone()
                        children=move |child: CommentId| view! { <CommentView id=child depth=depth + 1/> }
                    />
                    {move || more().map(|(_, unloaded)| {
                        let load_more = load_more.clone();
                        view! {
                            <button type="button" class="tb-button tb-button-quiet tb-more-replies" disabled=move || loading.get() on:click=load_more>
                                {move || if loading.get() { "Loading…".to_owned() } else { more_replies_text(unloaded) }}
                            </button>
                        }
                    })}
                    {move || error.get().map(|m| view! { <p class="tb-error" role="alert">{m}</p> })}
                </div>
            }
        })
    }
}
