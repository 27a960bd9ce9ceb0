//! The identicon and the small icons, as inline SVG (attributes only: no style, no network).

use leptos::prelude::*;

use crate::identicon::Identicon;

/// A reader's identicon.
#[component]
pub fn Avatar(seed: String) -> impl IntoView {
    let icon = Identicon::from_seed(&seed);
    let fill = icon.color();
    let cells = icon
        .filled()
        .into_iter()
        .map(|(x, y)| view! { <rect x=x y=y width="1" height="1" fill=fill.clone()></rect> })
        .collect_view();
    view! {
        <svg class="tb-avatar" part="avatar" viewBox="-0.5 -0.5 6 6" aria-hidden="true" focusable="false">
            <rect x="-0.5" y="-0.5" width="6" height="6" fill=icon.background()></rect>
            {cells}
        </svg>
    }
}

/// The arrow of a vote button, pointing up or down.
#[component]
pub fn Arrow(up: bool) -> impl IntoView {
    let d = if up {
        "M8 3.5 13.5 10h-11z"
    } else {
        "M8 12.5 2.5 6h11z"
    };
    view! {
        <svg class="tb-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d=d fill="currentColor"></path>
        </svg>
    }
}

/// The chevron of the collapse button; CSS turns it when the comment is collapsed.
#[component]
pub fn Chevron() -> impl IntoView {
    view! {
        <svg class="tb-icon tb-chevron" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d="M3.5 6 8 10.5 12.5 6" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round"></path>
        </svg>
    }
}
