//! "Report": a reader asks the moderators to look at someone else's comment, with a reason.

use leptos::prelude::*;
use leptos::task::spawn_local;
use talkback_protocol::limits::REPORT_NOTE_MAX_CHARS;
use talkback_protocol::{CommentId, ReportReason};

use super::state::ThreadState;
use crate::thread::moderation::{REPORT_REASONS, ReportProblem, report_request};

/// Where a comment's report stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Only the "Report" action shows.
    Closed,
    /// The form is open (or sending).
    Open,
    /// The server took the report.
    Sent,
}

/// The handles of one comment's report; the action and the form are drawn in different places.
#[derive(Clone, Copy)]
pub struct Report {
    stage: RwSignal<Stage>,
    reason: RwSignal<Option<ReportReason>>,
    note: RwSignal<String>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
}

impl Report {
    /// A closed report.
    pub fn new() -> Self {
        Report {
            stage: RwSignal::new(Stage::Closed),
            reason: RwSignal::new(None),
            note: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }
}

fn reason_key(r: ReportReason) -> &'static str {
    match r {
        ReportReason::Spam => "report.spam",
        ReportReason::Abuse => "report.abuse",
        ReportReason::OffTopic => "report.off_topic",
        ReportReason::Other => "report.other",
    }
}

/// The "Report" / "Reported" action.
pub fn report_action(report: Report, name: &str) -> impl IntoView + use<> {
    let t = ThreadState::get().lang;
    let label = t.f("report.label", &[("name", name)]);
    move || {
        if report.stage.get() == Stage::Sent {
            return view! { <span class="tb-action tb-reported" part="action reported">{t.t("report.done")}</span> }
                .into_any();
        }
        let open = report.stage.get() == Stage::Open;
        view! {
            <button type="button" class="tb-action tb-report" part="action report"
                aria-expanded=if open { "true" } else { "false" }
                aria-label=label.clone()
                on:click=move |_| report.stage.update(|s| {
                    *s = if *s == Stage::Open { Stage::Closed } else { Stage::Open };
                })>
                {t.t("report")}
            </button>
        }
        .into_any()
    }
}

/// The inline report form under the actions, and the thanks once sent.
pub fn report_panel(id: CommentId, report: Report) -> impl IntoView {
    let state = ThreadState::get();
    let t = state.lang;
    let group = format!("tb-report-{id}");
    move || {
        match report.stage.get() {
        Stage::Closed => ().into_any(),
        Stage::Sent => view! {
            <p class="tb-report-thanks" part="report-thanks" role="status">{t.t("report.thanks")}</p>
        }
        .into_any(),
        Stage::Open => {
            let id = id.clone();
            let send = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if report.busy.get_untracked() {
                    return;
                }
                let request = match report_request(
                    report.reason.get_untracked(),
                    &report.note.get_untracked(),
                ) {
                    Ok(r) => r,
                    Err(ReportProblem::NoReason) => {
                        return report.error.set(Some(t.t("report.no_reason")));
                    }
                    Err(ReportProblem::NoteTooLong) => {
                        return report.error.set(Some(t.t("error.too_long")));
                    }
                };
                let Some(backend) = state.backend() else {
                    return;
                };
                report.busy.set(true);
                report.error.set(None);
                let id = id.clone();
                spawn_local(async move {
                    let result = backend.report(&id, request).await;
                    report.busy.try_set(false);
                    match result {
                        Ok(()) => {
                            report.stage.try_set(Stage::Sent);
                            state.announce(&t.t("report.thanks"));
                        }
                        Err(e) => {
                            report
                                .error
                                .try_set(Some(t.f("report.failed", &[("error", &t.error(&e))])));
                        }
                    }
                });
            };
            let cancel = move |_| {
                report.error.set(None);
                report.stage.set(Stage::Closed);
            };
            let keydown = move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    report.stage.set(Stage::Closed);
                }
            };
            let legend_id = format!("{group}-legend");
            let labelled_by = legend_id.clone();
            view! {
                <form class="tb-report-form" part="report-form" on:submit=send on:keydown=keydown novalidate>
                    <fieldset class="tb-report-reasons" role="radiogroup" aria-labelledby=labelled_by>
                        <legend id=legend_id class="tb-report-legend">{t.t("report.title")}</legend>
                        {REPORT_REASONS.iter().copied().map(|r| {
                            let group = group.clone();
                            view! {
                                <label class="tb-report-reason">
                                    <input type="radio" name=group value=r.as_str()
                                        prop:checked=move || report.reason.get() == Some(r)
                                        on:change=move |_| { report.reason.set(Some(r)); report.error.set(None); }/>
                                    <span>{t.t(reason_key(r))}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <label class="tb-report-note">
                        <span class="tb-label">{t.t("report.note")}</span>
                        <textarea class="tb-input" name="note" rows="2" maxlength=REPORT_NOTE_MAX_CHARS.to_string()
                            prop:value=move || report.note.get()
                            on:input=move |ev| report.note.set(event_target_value(&ev))></textarea>
                    </label>
                    {move || report.error.get().map(|m| view! { <p class="tb-form-error" role="alert">{m}</p> })}
                    <div class="tb-report-buttons">
                        <button type="submit" class="tb-button tb-button-primary" disabled=move || report.busy.get()>
                            {t.t("report.send")}
                        </button>
                        <button type="button" class="tb-button tb-button-quiet" on:click=cancel>{t.t("report.cancel")}</button>
                    </div>
                </form>
            }
            .into_any()
        }
    }
    }
}
