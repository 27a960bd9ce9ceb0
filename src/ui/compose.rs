//! The writing area of a form: Write/Preview tabs, the textarea, the length counter and the
//! formatting help.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::ThreadState;
use crate::thread::compose::{body_chars, counter};

/// Which side of the writing area is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The textarea.
    Write,
    /// The server's rendering of the text.
    Preview,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Preview {
    Empty,
    Loading,
    Ready(String),
    Failed(String),
}

/// Ids for `aria-controls`, unique among all forms of the page.
fn next_id() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Tabs, textarea or preview, and the counter.
#[component]
pub fn Composer(
    /// The shown tab.
    tab: RwSignal<Tab>,
    /// The text.
    body: RwSignal<String>,
    /// The accessible name of the textarea.
    label: String,
    /// Placeholder of the textarea.
    placeholder: String,
    /// Visible lines of the textarea.
    rows: u32,
    /// The textarea, for focusing.
    textarea: NodeRef<html::Textarea>,
    /// True while sending: the text cannot change.
    readonly: RwSignal<bool>,
    /// The form shows an error about the text.
    invalid: Signal<bool>,
    /// Called with the new text on every change.
    on_text: Callback<String>,
) -> impl IntoView {
    let state = ThreadState::get();
    let n = next_id();
    let (write_id, preview_id, panel_id) = (
        format!("tb-write-{n}"),
        format!("tb-preview-{n}"),
        format!("tb-panel-{n}"),
    );
    let preview = RwSignal::new(Preview::Empty);
    let can_preview = state.backend().is_some_and(|b| b.capabilities().preview);

    let show_preview = move |_| {
        if tab.get_untracked() == Tab::Preview {
            return;
        }
        tab.set(Tab::Preview);
        let text = body.get_untracked();
        if text.trim().is_empty() {
            return preview.set(Preview::Empty);
        }
        let Some(backend) = state.backend() else {
            return;
        };
        preview.set(Preview::Loading);
        spawn_local(async move {
            let shown = match backend.preview(text).await {
                Ok(html) => Preview::Ready(html),
                Err(e) => Preview::Failed(
                    state
                        .lang
                        .f("preview.failed", &[("error", &state.lang.error(&e))]),
                ),
            };
            preview.try_set(shown);
        });
    };
    let selected = move |t: Tab| if tab.get() == t { "true" } else { "false" };

    view! {
        {can_preview.then(|| view! {
            <div class="tb-tabs" role="tablist" aria-label=state.lang.t("tabs.label")>
                <button
                    type="button"
                    role="tab"
                    id=write_id.clone()
                    class="tb-tab tb-tab-write"
                    aria-selected=move || selected(Tab::Write)
                    aria-controls=panel_id.clone()
                    on:click=move |_| {
                        tab.set(Tab::Write);
                        if let Some(el) = textarea.get_untracked() {
                            let _ = el.focus();
                        }
                    }
                >{state.lang.t("tabs.write")}</button>
                <button
                    type="button"
                    role="tab"
                    id=preview_id.clone()
                    class="tb-tab tb-tab-preview"
                    aria-selected=move || selected(Tab::Preview)
                    aria-controls=panel_id.clone()
                    on:click=show_preview
                >{state.lang.t("tabs.preview")}</button>
            </div>
        })}
        <div class="tb-panel" id=panel_id.clone() role=can_preview.then_some("tabpanel")
            aria-labelledby=move || can_preview.then(|| if tab.get() == Tab::Write { write_id.clone() } else { preview_id.clone() })>
            <label class="tb-field tb-field-body" hidden=move || tab.get() == Tab::Preview>
                <span class="tb-label tb-sr-only">{label}</span>
                <textarea
                    name="body"
                    class="tb-input tb-textarea"
                    part="input textarea"
                    rows=rows.to_string()
                    placeholder=placeholder
                    node_ref=textarea
                    prop:value=move || body.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        on_text.run(text.clone());
                        body.set(text);
                    }
                    readonly=move || readonly.get()
                    aria-invalid=move || if invalid.get() { "true" } else { "false" }
                ></textarea>
            </label>
            {move || (tab.get() == Tab::Preview).then(|| match preview.get() {
                Preview::Empty => view! { <div class="tb-preview tb-preview-empty">{state.lang.t("preview.empty")}</div> }.into_any(),
                Preview::Loading => view! { <div class="tb-preview tb-preview-loading" aria-busy="true">{state.lang.t("preview.loading")}</div> }.into_any(),
                Preview::Ready(html) => view! { <div class="tb-preview" inner_html=html></div> }.into_any(),
                Preview::Failed(m) => view! { <p class="tb-error" role="alert" aria-live="polite">{m}</p> }.into_any(),
            })}
        </div>
        {counter_view(body)}
    }
}

/// The length counter of a text, shown only near the limit.
pub fn counter_view(text: RwSignal<String>) -> impl IntoView {
    let t = ThreadState::get().lang;
    move || {
        text.with(|s| counter(body_chars(s))).map(|c| {
            let shown = t.f(
                "counter",
                &[("n", &t.num(c.chars as f64)), ("max", &t.num(c.max as f64))],
            );
            view! { <p class="tb-counter" class:tb-counter-over=c.over>{shown}</p> }
        })
    }
}

/// The short formatting help under the top form.
#[component]
pub fn FormatHelp() -> impl IntoView {
    let t = ThreadState::get().lang;
    let rows = [
        (format!("*{}*", t.t("help.italic")), t.t("help.italic")),
        (format!("**{}**", t.t("help.bold")), t.t("help.bold")),
        (
            format!("[{}](https://…)", t.t("help.link_word")),
            t.t("help.link"),
        ),
        (format!("`{}`", t.t("help.code")), t.t("help.code")),
        (format!("> {}", t.t("help.quote_word")), t.t("help.quote")),
        (format!("- {}", t.t("help.item_word")), t.t("help.list")),
    ];
    view! {
        <details class="tb-help">
            <summary>{t.t("help.title")}</summary>
            <dl class="tb-help-list">
                {rows.into_iter().map(|(write, get)| view! {
                    <div class="tb-help-row"><dt><code>{write}</code></dt><dd>{get}</dd></div>
                }).collect_view()}
            </dl>
            <p class="tb-help-note">{t.t("help.paragraphs")}</p>
            <p class="tb-help-note">{t.t("help.keys")}</p>
        </details>
    }
}
