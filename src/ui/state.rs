//! The state shared by every component of one mounted thread.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;
use talkback_protocol::{CommentId, Cursor, SortOrder};

use super::dom;
use super::events::Host;
use super::lang::Lang;
use super::stream::Link;
use crate::backend::Backend;
use crate::config::Config;
use crate::thread::prefs::{EMAIL_KEY, NAME_KEY, OLD_NAME_KEY, SORT_KEY, draft_key, initial_sort};
use crate::thread::time::Zone;
use crate::thread::tree::Tree;
use crate::thread::updates::Inbox;

/// Handles to the thread's state; `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct ThreadState {
    /// The server client.
    pub backend: StoredValue<Rc<dyn Backend>, LocalStorage>,
    /// Page settings.
    pub config: StoredValue<Config>,
    /// All loaded comments.
    pub tree: RwSignal<Tree>,
    /// Visible comments in the whole thread, as the server counts them.
    pub count: RwSignal<u64>,
    /// New comments from live updates waiting behind the "N new comments" button.
    pub inbox: RwSignal<Inbox>,
    /// How the live-update connection stands.
    pub link: RwSignal<Link>,
    /// Where the next page of top-level comments starts.
    pub next_cursor: RwSignal<Option<Cursor>>,
    /// The order comments are shown in.
    pub sort: RwSignal<SortOrder>,
    /// Bumped whenever the thread is loaded afresh, so answers to older requests are dropped.
    pub generation: RwSignal<u32>,
    /// The thread is being loaded again (another sort order): skeletons stand in for it.
    pub reloading: RwSignal<bool>,
    /// Comments shown while they are being posted, with the text the reader wrote.
    pub sending: RwSignal<HashMap<CommentId, String>>,
    /// Markdown the reader wrote for their own comments this visit, to prefill the edit form.
    pub sources: StoredValue<HashMap<CommentId, String>>,
    /// Whom the reader's replies answer when the server stored them higher up than where they
    /// were written (Isso keeps two levels): shown as "replying to X" beside them.
    pub replying_to: RwSignal<HashMap<CommentId, String>>,
    /// Comments the reader collapsed.
    pub collapsed: RwSignal<HashSet<CommentId>>,
    /// The comment opened by "Continue this thread" (`None`: the full thread).
    pub focus: RwSignal<Option<CommentId>>,
    /// The comment highlighted after a permalink or a post.
    pub highlight: RwSignal<Option<CommentId>>,
    /// Text for the polite live region (e.g. "Link copied").
    pub announcement: RwSignal<String>,
    /// The reader's display name, shared by all forms and remembered across visits.
    pub name: RwSignal<String>,
    /// The reader's optional email, shared by all forms and remembered across visits.
    pub email: RwSignal<String>,
    /// The time now (ms since the epoch), ticking so relative times stay true.
    pub now: RwSignal<i64>,
    /// The reader's zone, for dates.
    pub zone: StoredValue<Zone>,
    /// The widget's root element, for finding and scrolling to comments.
    pub root: StoredValue<Option<web_sys::Element>, LocalStorage>,
    /// Where events for the page go.
    pub host: StoredValue<Host, LocalStorage>,
    /// A moderator closed the thread to new comments.
    pub locked: RwSignal<bool>,
    /// The server mails reply notifications to authors who leave an address.
    pub reply_mail: RwSignal<bool>,
    /// The moderator signed in from this tab, shown their controls.
    // Only the full bundle has moderators (`moderation` feature).
    #[cfg_attr(not(feature = "moderation"), allow(dead_code))]
    pub moderator: RwSignal<Option<String>>,
    /// The reader's language.
    pub lang: Lang,
    seq: StoredValue<u32>,
}

/// The reader's zone (JS gives minutes west of UTC; `Zone` wants east).
fn zone() -> Zone {
    Zone(-(js_sys::Date::new_0().get_timezone_offset() as i64))
}

impl ThreadState {
    /// Fresh state for a page.
    pub fn new(backend: Rc<dyn Backend>, config: Config, host: Host, lang: Lang) -> Self {
        let name = dom::load(NAME_KEY)
            .or_else(|| dom::load(OLD_NAME_KEY))
            .unwrap_or_default();
        let sort = initial_sort(dom::load(SORT_KEY).as_deref(), config.sort.as_deref());
        ThreadState {
            backend: StoredValue::new_local(backend),
            config: StoredValue::new(config),
            tree: RwSignal::new(Tree::default()),
            count: RwSignal::new(0),
            inbox: RwSignal::new(Inbox::default()),
            link: RwSignal::new(Link::Off),
            next_cursor: RwSignal::new(None),
            sort: RwSignal::new(sort),
            generation: RwSignal::new(0),
            reloading: RwSignal::new(false),
            sending: RwSignal::new(HashMap::new()),
            sources: StoredValue::new(HashMap::new()),
            replying_to: RwSignal::new(HashMap::new()),
            collapsed: RwSignal::new(HashSet::new()),
            focus: RwSignal::new(None),
            highlight: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            name: RwSignal::new(name),
            email: RwSignal::new(dom::load(EMAIL_KEY).unwrap_or_default()),
            now: RwSignal::new(dom::now_ms()),
            zone: StoredValue::new(zone()),
            root: StoredValue::new_local(None),
            host: StoredValue::new_local(host),
            locked: RwSignal::new(false),
            reply_mail: RwSignal::new(false),
            moderator: RwSignal::new(None),
            lang,
            seq: StoredValue::new(0),
        }
    }

    /// The state provided by [`crate::ui::app::App`].
    pub fn get() -> Self {
        // Every component is rendered under App, which provides this; a missing context is a bug
        // in this crate, never a consequence of page or server input.
        expect_context::<ThreadState>()
    }

    /// The server client (a cheap `Rc` clone).
    pub fn backend(&self) -> Option<Rc<dyn Backend>> {
        self.backend.try_get_value()
    }

    /// The thread key, when the page has one.
    pub fn key(&self) -> Option<String> {
        self.config.try_with_value(|c| c.key.clone().ok()).flatten()
    }

    /// An id for a comment that is still being sent; never valid on the server.
    pub fn pending_id(&self) -> Option<CommentId> {
        let n = self.seq.try_update_value(|n| {
            *n += 1;
            *n
        })?;
        CommentId::parse(&format!("pending-{n}"))
    }

    /// The localStorage key of the draft of a form.
    pub fn draft_key(&self, parent: Option<&CommentId>) -> Option<String> {
        Some(draft_key(&self.key()?, parent))
    }

    /// Highlights a comment and scrolls to it once it is drawn.
    pub fn show(&self, id: CommentId) {
        self.highlight.set(Some(id.clone()));
        self.scroll_to(id);
    }

    /// Highlights a comment and scrolls it into view once it is drawn, leaving focus where it is.
    pub fn point_at(&self, id: CommentId) {
        self.highlight.set(Some(id.clone()));
        let root = self.root;
        request_animation_frame(move || {
            if let Some(el) = root
                .try_get_value()
                .flatten()
                .and_then(|r| dom::article(&r, &id))
            {
                dom::center(&el);
            }
        });
    }

    /// Scrolls to a comment once it is drawn.
    pub fn scroll_to(&self, id: CommentId) {
        let root = self.root;
        // Drawn on the next frame at the latest; try again once for views that render later.
        request_animation_frame(move || {
            let Some(Some(el)) = root.try_get_value() else {
                return;
            };
            if !dom::reveal(&el, &id) {
                request_animation_frame(move || {
                    dom::reveal(&el, &id);
                });
            }
        });
    }

    /// Sends an event to the page, given the thread key (no event on a page without one).
    pub fn emit(&self, send: impl FnOnce(&Host, &str)) {
        // After an unmount the stored values are gone, and so is anyone to tell.
        if let Some(key) = self.key() {
            self.host.try_with_value(|h| send(h, &key));
        }
    }

    /// Says something to screen readers.
    pub fn announce(&self, text: &str) {
        // Clearing first makes a repeated message ("Link copied" twice) be read again.
        self.announcement.set(String::new());
        let (signal, text) = (self.announcement, text.to_owned());
        request_animation_frame(move || {
            signal.try_set(text);
        });
    }
}
