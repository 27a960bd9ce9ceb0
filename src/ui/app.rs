//! The root component: loads the thread and shows loading, error or the thread.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::CommentId;

use super::comment::CommentView;
use super::form::CommentForm;
use super::state::ThreadState;
use crate::backend::Backend;
use crate::backend::talkback::TalkbackBackend;
use crate::config::Config;
use crate::thread::form::count_text;
use crate::thread::tree::Tree;

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Loading,
    Failed(String),
    Ready,
}

/// The whole widget for one page.
#[component]
pub fn App(config: Config) -> impl IntoView {
    let backend: Rc<dyn Backend> = Rc::new(TalkbackBackend::new(&config.api));
    let key = config.key.clone();
    let state = ThreadState::new(backend, config);
    provide_context(state);
    let status = RwSignal::new(Status::Loading);

    let load = move || {
        status.set(Status::Loading);
        let key = key.clone();
        spawn_local(async move {
            let key = match key {
                Ok(k) => k,
                Err(why) => {
                    return status.set(Status::Failed(format!(
                        "Comments can't be shown on this page: {why}"
                    )));
                }
            };
            let Some(backend) = state.backend() else {
                return;
            };
            match backend.load_thread(&key, None).await {
                Ok(page) => {
                    state.tree.set(Tree::from_comments(page.comments));
                    state.count.set(page.thread.comment_count);
                    state.next_cursor.set(page.next_cursor);
                    status.set(Status::Ready);
                }
                Err(e) => status.set(Status::Failed(e.to_string())),
            }
        });
    };
    load();
    let retry = load.clone();

    view! {
        <section class="tb-root" aria-label="Comments">
            {move || match status.get() {
                Status::Loading => view! {
                    <div class="tb-loading" aria-busy="true">
                        <span class="tb-sr-only">"Loading comments…"</span>
                        <div class="tb-skeleton tb-skeleton-title"></div>
                        <div class="tb-skeleton tb-skeleton-box"></div>
                        <div class="tb-skeleton tb-skeleton-line"></div>
                        <div class="tb-skeleton tb-skeleton-line tb-skeleton-short"></div>
                    </div>
                }.into_any(),
                Status::Failed(msg) => {
                    let retry = retry.clone();
                    view! {
                        <div class="tb-error tb-load-error" role="alert">
                            <p>{msg}</p>
                            <button type="button" class="tb-button tb-retry" on:click=move |_| retry()>"Retry"</button>
                        </div>
                    }.into_any()
                }
                Status::Ready => thread_view().into_any(),
            }}
        </section>
    }
}

fn thread_view() -> impl IntoView {
    let state = ThreadState::get();
    let top_draft = RwSignal::new(String::new());
    let roots = move || state.tree.with(|t| t.roots().to_vec());
    view! {
        <h2 class="tb-count">{move || count_text(state.count.get())}</h2>
        <CommentForm parent=None body=top_draft/>
        <div class="tb-thread">
            <For
                each=roots
                key=|c: &CommentId| c.clone()
                children=move |id: CommentId| view! { <CommentView id=id depth=0/> }
            />
        </div>
        <LoadMore/>
    }
}

/// "Load more comments" when the thread has further top-level pages.
#[component]
fn LoadMore() -> impl IntoView {
    let state = ThreadState::get();
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |_| {
        let (Some(cursor), Some(backend), Some(config)) = (
            state.next_cursor.get_untracked(),
            state.backend(),
            state.config.try_get_value(),
        ) else {
            return;
        };
        let Ok(key) = config.key else { return };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        spawn_local(async move {
            match backend.load_thread(&key, Some(&cursor)).await {
                Ok(page) => {
                    state.tree.update(|t| {
                        t.merge(page.comments);
                    });
                    state.count.set(page.thread.comment_count);
                    state.next_cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(format!("More comments couldn't be loaded. {e}"))),
            }
            loading.set(false);
        });
    };
    view! {
        {move || state.next_cursor.with(Option::is_some).then(|| view! {
            <button type="button" class="tb-button tb-load-more" disabled=move || loading.get() on:click=load>
                {move || if loading.get() { "Loading…" } else { "Load more comments" }}
            </button>
        })}
        {move || error.get().map(|m| view! { <p class="tb-error" role="alert">{m}</p> })}
    }
}
