//! The replies under a comment: the loaded ones, "Show N more replies", or, at the deepest
//! drawn level, "Continue this thread".

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::CommentId;

use super::item::comment_item;
use super::state::ThreadState;
use crate::thread::view::continues;

/// The replies of a comment drawn at `depth` (in the current view).
pub fn replies_view(id: CommentId, depth: usize) -> impl IntoView {
    let state = ThreadState::get();
    let has_replies = {
        let id = id.clone();
        Memo::new(move |_| {
            state.tree.with(|t| {
                !t.children(&id).is_empty() || t.get(&id).is_some_and(|c| c.reply_count > 0)
            })
        })
    };
    let deep = {
        let id = id.clone();
        move || {
            continues(depth, has_replies.get()).then(|| {
                let id = id.clone();
                let open = move |_| {
                    state.focus.set(Some(id.clone()));
                    state.scroll_to(id.clone());
                };
                view! {
                    <div class="tb-replies tb-replies-continue">
                        <button type="button" class="tb-button tb-button-quiet tb-continue" on:click=open>
                            {state.lang.t("continue")}
                        </button>
                    </div>
                }
            })
        }
    };
    let inline = move || (!continues(depth, has_replies.get())).then(|| list(id.clone(), depth));
    view! { {deep} {inline} }
}

/// The loaded replies and the button that fetches more of them.
fn list(id: CommentId, depth: usize) -> impl IntoView {
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
            let generation = state.generation.get_untracked();
            let sort = state.sort.get_untracked();
            spawn_local(async move {
                let result = backend.load_replies(&id, sort, &cursor).await;
                loading.try_set(false);
                if state.generation.get_untracked() != generation {
                    return;
                }
                match result {
                    Ok(page) => state.tree.update(|t| {
                        t.merge(page.comments);
                        t.set_replies_cursor(&id, page.next_cursor);
                    }),
                    Err(e) => {
                        let t = state.lang;
                        error.try_set(Some(t.f("more_replies.failed", &[("error", &t.error(&e))])));
                    }
                }
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
            let parent = id.clone();
            view! {
                <div class="tb-replies" part="replies">
                    <ul class="tb-list">
                        <For
                            each=children
                            key=|c: &CommentId| c.clone()
                            children=move |child: CommentId| comment_item(child, depth + 1, Some(parent.clone()))
                        />
                    </ul>
                    {move || more().map(|(_, unloaded)| {
                        let load_more = load_more.clone();
                        view! {
                            <button type="button" class="tb-button tb-button-quiet tb-more-replies" disabled=move || loading.get() on:click=load_more>
                                {move || if loading.get() { state.lang.t("loading.short") } else if unloaded == 0 {
                                    state.lang.t("more_replies.some")
                                } else {
                                    state.lang.n("more_replies", unloaded, &[])
                                }}
                            </button>
                        }
                    })}
                    {move || error.get().map(|m| view! { <p class="tb-error" role="alert" aria-live="polite">{m}</p> })}
                </div>
            }
        })
    }
}
