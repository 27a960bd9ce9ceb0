//! Score and vote buttons of a comment.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{CommentId, Vote};

use super::avatar::Arrow;
use super::lang::Lang;
use super::state::ThreadState;
use crate::backend::BackendError;
use crate::thread::vote::{Press, Tally, VoteState};

/// Score and vote buttons with optimistic updates and a visible rollback message. `votes` is
/// owned by the comment, so the tallies survive the buttons being drawn again (after a collapse).
pub fn votes_view(
    id: CommentId,
    votes: RwSignal<VoteState>,
    author: &str,
    disabled: bool,
    own: bool,
) -> impl IntoView + use<> {
    let state = ThreadState::get();
    let error = RwSignal::new(None::<String>);
    let name = author.to_owned();
    let press = Callback::new(move |p: Press| {
        error.set(None);
        let Some(first) = votes.try_update(|s| s.press(p)).flatten() else {
            return;
        };
        let (Some(backend), id, name) = (state.backend(), id.clone(), name.clone()) else {
            votes.update(VoteState::settle_err);
            return;
        };
        spawn_local(async move {
            let mut next = Some(first);
            while let Some(v) = next {
                next = match backend.vote(&id, v).await {
                    Ok(r) => {
                        state.emit(|h, key| h.voted(key, &r));
                        let next = votes
                            .try_update(|s| s.settle_ok(Tally::confirmed(&r)))
                            .flatten();
                        // Said once the reader's last press is stored, not for each step.
                        if next.is_none() {
                            state.announce(&vote_saved(state.lang, r.my_vote, &name, r.score));
                        }
                        next
                    }
                    Err(e) => {
                        state.emit(|h, _| h.error("vote", &e));
                        votes.try_update(VoteState::settle_err);
                        let t = state.lang;
                        let why = match e {
                            BackendError::RateLimited { seconds } => {
                                t.f("vote.too_fast", &[("wait", &t.wait(seconds))])
                            }
                            e => t.error(&e),
                        };
                        error.try_set(Some(t.f("vote.failed", &[("error", &why)])));
                        None
                    }
                };
            }
        });
    });
    let caps = state.backend().map(|b| b.capabilities());
    let can_vote = caps.is_some_and(|c| c.votes);
    let can_down = caps.is_some_and(|c| c.downvotes);
    // Without vote undo (Isso) the first vote is final: no button may promise to change it.
    let final_votes = caps.is_some_and(|c| !c.vote_undo);
    let shown = move || votes.with(VoteState::shown);
    let t = state.lang;
    // Readers cannot vote on their own comments: the stylesheet shows them the score alone.
    let class = if own {
        "tb-votes tb-votes-own"
    } else {
        "tb-votes"
    };
    can_vote.then(|| {
        view! {
            <div class=class part="votes">
                {vote_button(Press::Up, author, votes, disabled, final_votes, press)}
                <span class="tb-score" part="score" title=move || { let s = shown(); t.f("vote.score.title", &[("up", &t.num(s.up as f64)), ("down", &t.num(s.down as f64))]) }>
                    {move || t.num(shown().score as f64)}
                </span>
                {can_down.then(|| vote_button(Press::Down, author, votes, disabled, final_votes, press))}
            </div>
            {move || error.get().map(|m| view! { <p class="tb-error tb-vote-error" role="alert" aria-live="polite">{m}</p> })}
        }
    })
}

/// One vote button; `aria-pressed` tells whether it is the reader's current vote.
fn vote_button(
    which: Press,
    author: &str,
    votes: RwSignal<VoteState>,
    disabled: bool,
    final_votes: bool,
    press: Callback<Press>,
) -> impl IntoView + use<> {
    let t = ThreadState::get().lang;
    let settled = move || final_votes && votes.with(|s| s.shown().mine != Vote::None);
    let (class, part, verb, vote) = match which {
        Press::Up => (
            "tb-action tb-vote tb-up",
            "action vote vote-up",
            "vote.up.label",
            Vote::Up,
        ),
        Press::Down => (
            "tb-action tb-vote tb-down",
            "action vote vote-down",
            "vote.down.label",
            Vote::Down,
        ),
    };
    view! {
        <button
            type="button"
            class=class
            part=part
            aria-pressed=move || if votes.with(|s| s.shown().mine == vote) { "true" } else { "false" }
            aria-label=t.f(verb, &[("name", author)])
            disabled=move || disabled || settled()
            title=move || settled().then(|| t.t("vote.final"))
            on:click=move |_| press.run(which)
        >
            <Arrow up=which == Press::Up/>
        </button>
    }
}

fn vote_saved(t: Lang, vote: Vote, author: &str, score: i64) -> String {
    let key = match vote {
        Vote::Up => "vote.saved.up",
        Vote::Down => "vote.saved.down",
        Vote::None => "vote.saved.none",
    };
    t.f(key, &[("name", author), ("score", &t.num(score as f64))])
}
