//! The root component: loads the thread and shows loading, error or the thread.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::{CommentId, SortOrder};

use super::dom;
use super::events::Host;
use super::fetch::{first_page, open_permalink};
use super::form::CommentForm;
use super::fresh::NewComments;
use super::item::comment_item;
use super::keys;
use super::lang::Lang;
use super::live;
use super::moderate::ModeratorBar;
use super::state::ThreadState;
use super::stream::Follow;
use crate::backend::Backend;
use crate::config::Config;
use crate::thread::link::target_of;
use crate::thread::prefs::SORT_KEY;

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Loading,
    Failed(String),
    Ready,
}

/// How often relative times ("5 minutes ago") are brought up to date.
const TICK: Duration = Duration::from_secs(30);

/// The whole widget for one page.
#[component]
pub fn App(
    config: Config,
    host: Host,
    /// The reader's language tag.
    lang: String,
    /// Where locale files are, `…/locales/{tag}.txt?v=…`.
    locales: Option<String>,
) -> impl IntoView {
    let backend: Rc<dyn Backend> =
        crate::backend::connect(config.backend, &config.api, config.sso.as_deref());
    let no_key = config.key.clone().err();
    let state = ThreadState::new(backend, config, host, Lang::new(&lang));
    let t = state.lang;
    provide_context(state);
    // Prepared here so it ends with the widget; started once the thread is shown.
    let follow = Follow::prepare(state);
    let status = RwSignal::new(Status::Loading);
    let root = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            state.root.set_value(Some(el.into()));
        }
    });

    // Tasks and frame callbacks run outside the widget's owner: what they start must still end
    // with the widget. Weak, because a strong handle kept here would keep the owner (and every
    // timer it cleans up) alive after unmount.
    let owner = Owner::current().map(|o| o.downgrade());
    let load = move || {
        let owner = owner.clone();
        status.set(Status::Loading);
        let (no_key, locales) = (no_key.clone(), locales.clone());
        spawn_local(async move {
            if let Some(why) = no_key {
                t.load(locales).await;
                return status.set(Status::Failed(t.f("no_key", &[("why", &why)])));
            }
            // The texts arrive alongside the thread, never after it.
            let (loaded, ()) = futures::future::join(first_page(state), t.load(locales)).await;
            match loaded {
                Ok(()) => {
                    status.try_set(Status::Ready);
                    // The view follows the status asynchronously: tell the page once the
                    // thread is in the DOM. The live stream opens only when the browser is
                    // idle after the next frame began (which proves the thread's frame was
                    // painted), so it never competes with the first paint: one API request
                    // before it.
                    request_animation_frame(move || {
                        let count = state.count.try_get_untracked().unwrap_or_default();
                        state.emit(|h, key| h.ready(key, count));
                        request_animation_frame(move || {
                            let start = move || live::when_idle(move || follow.start());
                            match owner.as_ref().map(|o| o.upgrade()) {
                                Some(Some(owner)) => owner.with(start),
                                // Unmounted meanwhile: nothing to follow.
                                Some(None) => {}
                                None => start(),
                            }
                        });
                    });
                    follow_hash(state);
                }
                Err(e) => {
                    state.emit(|h, _| h.error("load", &e));
                    status.try_set(Status::Failed(t.error(&e)));
                }
            }
        });
    };
    load();

    // Both stop when the widget is unmounted (`Talkback.mount(…).destroy()`).
    live::interval(
        move || {
            state.now.try_set(dom::now_ms());
        },
        TICK,
    );
    live::window_listener("hashchange", move |_| follow_hash(state));

    view! {
        // Named by its header ("42 comments") once loaded, so it differs from the "Comments"
        // region a host page typically wraps it in (landmarks need distinct names).
        <section class="tb-root" part="root" node_ref=root lang=t.tag() dir=move || t.dir()
            data-live=move || state.link.get().as_str()
            aria-label=move || (status.get() != Status::Ready).then(|| t.t("root.label"))
            aria-labelledby=move || (status.get() == Status::Ready).then_some("tb-count")
            on:keydown=move |ev| {
                if let Some(Some(el)) = state.root.try_get_value() {
                    keys::on_keydown(&ev, &el);
                }
            }>
            {move || match status.get() {
                Status::Loading => skeleton(true, t).into_any(),
                Status::Failed(msg) => {
                    let load = load.clone();
                    view! {
                        <div class="tb-error tb-load-error" part="error" role="alert" aria-live="polite">
                            <p>{msg}</p>
                            <button type="button" class="tb-button tb-retry" part="button" on:click=move |_| load()>{t.t("retry")}</button>
                        </div>
                    }.into_any()
                }
                Status::Ready => thread_view().into_any(),
            }}
            <div class="tb-sr-only" role="status" aria-live="polite">{move || state.announcement.get()}</div>
        </section>
    }
}

/// Opens the comment the page's fragment names, if any.
fn follow_hash(state: ThreadState) {
    let Some(target) = target_of(&dom::page_hash()) else {
        return;
    };
    spawn_local(async move {
        if let Err(e) = open_permalink(state, target).await {
            let t = state.lang;
            state.announce(&t.f("permalink.failed", &[("error", &t.error(&e))]));
        }
    });
}

/// Grey shapes where the thread will be, the height of what replaces them.
fn skeleton(with_header: bool, t: Lang) -> impl IntoView {
    let comment = || {
        view! {
            <div class="tb-skeleton" aria-hidden="true">
                <div class="tb-skel tb-skel-avatar"></div>
                <div class="tb-skel-lines">
                    <div class="tb-skel tb-skel-line tb-skel-name"></div>
                    <div class="tb-skel tb-skel-line"></div>
                    <div class="tb-skel tb-skel-line tb-skel-short"></div>
                </div>
            </div>
        }
    };
    view! {
        <div class="tb-loading" part="loading" aria-busy="true">
            <span class="tb-sr-only">{t.t("loading")}</span>
            {with_header.then(|| view! {
                <div class="tb-header tb-skel-header" aria-hidden="true"><div class="tb-skel tb-skel-count"></div></div>
                <div class="tb-skel tb-skel-form" aria-hidden="true"></div>
            })}
            {comment()}
            {comment()}
            {comment()}
        </div>
    }
}

fn thread_view() -> impl IntoView {
    let state = ThreadState::get();
    // A memo, so the sort menu and the empty note are not rebuilt on every change of the tree.
    let has_comments = Memo::new(move |_| state.tree.with(|t| !t.is_empty()));
    let roots = move || state.tree.with(|t| t.roots().to_vec());
    let list = move || {
        if state.reloading.get() {
            return skeleton(false, state.lang).into_any();
        }
        if let Some(focus) = state.focus.get() {
            return focused_view(focus).into_any();
        }
        view! {
            {move || (!has_comments.get()).then(|| view! {
                <div class="tb-empty">
                    <svg class="tb-empty-icon" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
                        <path d="M8 9h24a3 3 0 0 1 3 3v13a3 3 0 0 1-3 3H19l-7 6v-6H8a3 3 0 0 1-3-3V12a3 3 0 0 1 3-3z"
                            fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"></path>
                    </svg>
                    <p>{state.lang.t("empty")}</p>
                </div>
            })}
            <NewComments/>
            <ul class="tb-thread tb-list">
                <For
                    each=roots
                    key=|c: &CommentId| c.clone()
                    children=move |id: CommentId| comment_item(id, 0, None)
                />
            </ul>
            <LoadMore/>
        }
        .into_any()
    };
    view! {
        <div class="tb-header" part="header">
            <h2 class="tb-count" id="tb-count" part="count">{move || count_text(state.lang, state.count.get())}</h2>
            // Nothing to order in an empty thread.
            {move || has_comments.get().then(|| view! { <SortMenu/> })}
        </div>
        {move || if state.locked.get() {
            view! { <p class="tb-closed" part="closed" role="status">{state.lang.t("mod.closed")}</p> }.into_any()
        } else {
            view! { <CommentForm parent=None/> }.into_any()
        }}
        {list}
        <ModeratorBar/>
    }
}

/// A deep subthread opened by "Continue this thread", with the way back.
fn focused_view(focus: CommentId) -> impl IntoView {
    let state = ThreadState::get();
    let parent = state.tree.with_untracked(|t| t.parent(&focus).cloned());
    let back = {
        let focus = focus.clone();
        move |_| {
            state.focus.set(None);
            // Back where the reader left: the comment whose "Continue" opened the view.
            state.scroll_to(focus.clone());
        }
    };
    view! {
        <button type="button" class="tb-button tb-button-quiet tb-back" on:click=back>
            {state.lang.t("back")}
        </button>
        <ul class="tb-thread tb-list tb-thread-focused">
            {comment_item(focus, 0, parent)}
        </ul>
    }
}

/// The sort menu; a change reloads the thread in that order and is remembered.
#[component]
fn SortMenu() -> impl IntoView {
    let state = ThreadState::get();
    let change = move |ev: leptos::ev::Event| {
        let Some(order) = SortOrder::parse(&event_target_value(&ev)) else {
            return;
        };
        if order == state.sort.get_untracked() {
            return;
        }
        state.sort.set(order);
        dom::save(SORT_KEY, order.as_str());
        state.reloading.set(true);
        spawn_local(async move {
            let result = first_page(state).await;
            state.reloading.set(false);
            if let Err(e) = result {
                let t = state.lang;
                state.announce(&t.f("sort.failed", &[("error", &t.error(&e))]));
            }
        });
    };
    let label = move |o: SortOrder| {
        state.lang.t(match o {
            SortOrder::Best => "sort.best",
            SortOrder::Newest => "sort.newest",
            SortOrder::Oldest => "sort.oldest",
        })
    };
    // Only the orders this server can sort by.
    let sorts = state
        .backend()
        .map_or(&SortOrder::ALL[..], |b| b.capabilities().sorts);
    view! {
        <label class="tb-sort-label">
            <span class="tb-sort-caption">{state.lang.t("sort.label")}</span>
            <select class="tb-sort" part="sort" on:change=change prop:value=move || state.sort.get().as_str()>
                {sorts.iter().copied().map(|o| view! {
                    <option value=o.as_str() selected=move || state.sort.get() == o>{label(o)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// "Load more comments" when the thread has further top-level pages.
#[component]
fn LoadMore() -> impl IntoView {
    let state = ThreadState::get();
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |_| {
        let (Some(cursor), Some(backend), Some(key)) = (
            state.next_cursor.get_untracked(),
            state.backend(),
            state.key(),
        ) else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        let generation = state.generation.get_untracked();
        let sort = state.sort.get_untracked();
        spawn_local(async move {
            let result = backend.load_thread(&key, sort, Some(&cursor)).await;
            loading.try_set(false);
            if state.generation.get_untracked() != generation {
                return;
            }
            match result {
                Ok(page) => {
                    state.tree.update(|t| {
                        t.merge(page.comments);
                    });
                    state.count.set(page.thread.comment_count);
                    state.next_cursor.set(page.next_cursor);
                }
                Err(e) => {
                    let t = state.lang;
                    error.try_set(Some(
                        t.f("more_comments.failed", &[("error", &t.error(&e))]),
                    ));
                }
            }
        });
    };
    view! {
        {move || state.next_cursor.with(Option::is_some).then(|| view! {
            <button type="button" class="tb-button tb-more-comments" part="button" disabled=move || loading.get() on:click=load>
                {move || state.lang.t(if loading.get() { "loading.short" } else { "more_comments" })}
            </button>
        })}
        {move || error.get().map(|m| view! { <p class="tb-error" role="alert" aria-live="polite">{m}</p> })}
    }
}

/// The header over the thread: "No comments yet", "1 comment", "42 comments".
pub fn count_text(t: Lang, n: u64) -> String {
    if n == 0 {
        t.t("count.none")
    } else {
        t.n("comments", n, &[])
    }
}
