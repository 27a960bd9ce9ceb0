//! The page's components: sign-in, then the queue, audit log and settings behind a header.

mod audit;
mod bans;
mod farming;
mod item;
mod queue;
mod settings;
mod signin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::moderation::{Role, SessionInfo};

use crate::api;

/// Where the page stands with the moderator's session.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Asking the server whether the cookie still holds a session.
    Checking,
    /// Nobody signed in: the form is shown.
    SignedOut,
    /// Signed in.
    SignedIn(SessionInfo),
}

/// Which screen is shown when signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    Queue,
    Audit,
    Bans,
    Settings,
}

/// What every component shares: the session and the live region that announces results.
#[derive(Clone, Copy)]
struct Shell {
    phase: RwSignal<Phase>,
    /// The last result or error, read out by screen readers.
    notice: RwSignal<Notice>,
}

/// A message in the live region.
#[derive(Clone, Debug, Default, PartialEq)]
struct Notice {
    text: String,
    error: bool,
}

/// How long a result stays on screen before the bar clears itself.
const NOTICE_MS: u64 = 8_000;

impl Shell {
    fn say(&self, text: impl Into<String>) {
        self.show(Notice {
            text: text.into(),
            error: false,
        });
    }

    /// Shows `n`, then clears it unless another notice replaced it meanwhile.
    fn show(&self, n: Notice) {
        let notice = self.notice;
        notice.set(n.clone());
        set_timeout(
            move || {
                if notice.get_untracked() == n {
                    notice.set(Notice::default());
                }
            },
            std::time::Duration::from_millis(NOTICE_MS),
        );
    }

    /// Shows a failure; a lost session sends the moderator back to the sign-in form.
    fn fail(&self, f: &api::Failure) {
        if f.signed_out() {
            self.phase.set(Phase::SignedOut);
        }
        self.show(Notice {
            text: f.message(),
            error: true,
        });
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let shell = Shell {
        phase: RwSignal::new(Phase::Checking),
        notice: RwSignal::new(Notice::default()),
    };
    provide_context(shell);
    spawn_local(async move {
        let next = match api::who().await {
            Ok(me) => Phase::SignedIn(me),
            Err(_) => Phase::SignedOut,
        };
        shell.phase.set(next);
    });
    let notice = move || {
        let n = shell.notice.get();
        view! { <p class="notice" class:notice-error=n.error>{n.text}</p> }
    };
    view! {
        <div class="live" role="status" aria-live="polite">{notice}</div>
        {move || match shell.phase.get() {
            Phase::Checking => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Phase::SignedOut => view! { <signin::SignInForm/> }.into_any(),
            Phase::SignedIn(me) => view! { <Desk me=me/> }.into_any(),
        }}
    }
}

/// The signed-in page: header with navigation, then the chosen screen.
#[component]
fn Desk(me: SessionInfo) -> impl IntoView {
    let shell = expect_context::<Shell>();
    let screen = RwSignal::new(Screen::Queue);
    let admin = me.role == Role::Admin;
    let tab = move |s: Screen, label: &'static str| {
        view! {
            <button type="button" class="nav-tab" aria-current=move || (screen.get() == s).then_some("page")
                on:click=move |_| screen.set(s)>{label}</button>
        }
    };
    let sign_out = move |_| {
        spawn_local(async move {
            match api::sign_out().await {
                Ok(()) => {
                    shell.phase.set(Phase::SignedOut);
                    shell.say("Signed out.");
                }
                Err(f) => shell.fail(&f),
            }
        })
    };
    let role = if admin { "admin" } else { "moderator" };
    view! {
        <header class="top">
            <h1 class="brand">"Talkback moderation"</h1>
            <nav class="nav" aria-label="Sections">
                {tab(Screen::Queue, "Queue")}
                {tab(Screen::Bans, "Bans")}
                {tab(Screen::Audit, "Audit log")}
                {admin.then(|| tab(Screen::Settings, "Settings"))}
            </nav>
            <div class="who">
                <span>{me.name.clone()}<span class="role">{role}</span></span>
                <button type="button" class="link" on:click=sign_out>"Sign out"</button>
            </div>
        </header>
        <main class="main">
            {move || match screen.get() {
                Screen::Queue => view! { <queue::Queue/> }.into_any(),
                Screen::Audit => view! { <audit::Audit/> }.into_any(),
                Screen::Bans => view! { <bans::Bans/> }.into_any(),
                Screen::Settings => view! { <settings::Settings/> }.into_any(),
            }}
        </main>
    }
}
