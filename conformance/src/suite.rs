//! The list of checks and the runner that produces one outcome per check.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use talkback_protocol::routes;

use crate::checks::{
    context, cors, editing, live, paging, posting, readers, threads, validation, votes,
};
use crate::client::Api;
use crate::outcome::{CheckResult, Failure, Outcome, Status, Verdict};

/// How long one check may take in all.
const CHECK_TIMEOUT: Duration = Duration::from_secs(120);

/// What a check gets: the backend and the options of the run.
pub struct Ctx {
    /// The backend under test.
    pub api: Api,
    /// An origin the backend allows for CORS, if the person running the suite named one.
    pub allowed_origin: Option<String>,
    /// The backend's edit window in seconds, if the person running the suite gave it.
    pub edit_window_secs: Option<u64>,
}

/// A running check.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + 'a>>;

/// One named check.
pub struct Check {
    /// Stable name, shown in the table and usable with `--only`.
    pub name: &'static str,
    /// The check itself.
    pub run: for<'a> fn(&'a Ctx) -> CheckFuture<'a>,
}

macro_rules! checks {
    ($($name:literal => $f:path,)*) => {
        &[$(Check {
            name: $name,
            run: {
                fn run(ctx: &Ctx) -> CheckFuture<'_> {
                    Box::pin($f(ctx))
                }
                run
            },
        },)*]
    };
}

/// Name of the check that every route of the protocol answered with success at least once.
pub const COVERAGE: &str = "coverage.every-route-served";

/// Every check, in the order they run; [`COVERAGE`] runs after them.
pub const ALL: &[Check] = checks! {
    "readers.issue-token" => readers::issue_token,
    "auth.writes-need-a-token" => readers::writes_need_token,
    "auth.unknown-token-refused-on-writes" => readers::unknown_token_refused,
    "auth.unknown-token-ignored-on-reads" => readers::unknown_token_ignored_on_reads,
    "thread.empty" => threads::empty,
    "thread.key-normalization" => threads::key_normalization,
    "thread.first-comment-sets-title-and-url" => threads::title_and_url,
    "thread.flat-depth-first" => threads::flat_depth_first,
    "counts.visible-comments-by-key-as-sent" => threads::counts,
    "post.stored-comment" => posting::stored_comment,
    "post.guest" => posting::guest,
    "post.reply" => posting::reply,
    "post.reply-parent-in-other-thread" => posting::parent_in_other_thread,
    "post.reply-parent-unknown" => posting::parent_unknown,
    "post.reply-parent-deleted" => posting::parent_deleted,
    "post.idempotent-client-token" => posting::idempotent,
    "post.email-never-returned" => posting::email_hidden,
    "post.markup-is-inert" => posting::markup_inert,
    "post.links-get-rel" => posting::links_rel,
    "preview.same-as-stored" => posting::preview_same_as_stored,
    "validate.body" => validation::body,
    "validate.name" => validation::name,
    "validate.title-and-url" => validation::title_and_url,
    "validate.thread-key" => validation::thread_key,
    "validate.email" => validation::email,
    "validate.client-token" => validation::client_token,
    "validate.malformed-json" => validation::malformed_json,
    "validate.content-type" => validation::content_type,
    "validate.body-too-large" => validation::too_large,
    "validate.page-limits" => validation::page_limits,
    "validate.sort-and-cursor" => validation::sort_and_cursor,
    "validate.counts" => validation::counts,
    "validate.vote-value" => validation::vote_value,
    "validate.comment-id-in-path" => validation::comment_id_in_path,
    "routes.unknown-route-404-json" => validation::unknown_route,
    "routes.wrong-method-json" => validation::wrong_method,
    "vote.up" => votes::up,
    "vote.same-twice-counts-once" => votes::same_twice,
    "vote.up-then-down" => votes::up_then_down,
    "vote.zero-withdraws" => votes::zero_withdraws,
    "vote.one-per-reader" => votes::one_per_reader,
    "vote.my-vote-per-reader" => votes::my_vote_per_reader,
    "vote.unknown-comment-404" => votes::unknown_comment,
    "paging.top-level.best" => paging::top_level_best,
    "paging.top-level.newest" => paging::top_level_newest,
    "paging.top-level.oldest" => paging::top_level_oldest,
    "paging.replies.best" => paging::replies_best,
    "paging.replies.newest" => paging::replies_newest,
    "paging.replies.oldest" => paging::replies_oldest,
    "paging.replies-zero" => paging::replies_zero,
    "paging.replies-unknown-comment-404" => paging::replies_unknown,
    "edit.own-comment" => editing::edit_own,
    "edit.editable-until-only-for-author" => editing::editable_until,
    "edit.forbidden-for-other-readers" => editing::forbidden,
    "edit.validation" => editing::validation,
    "edit.unknown-comment-404" => editing::unknown,
    "edit.window-closes" => editing::window_closes,
    "delete.without-replies-disappears" => editing::delete_leaf,
    "delete.with-replies-leaves-placeholder" => editing::delete_with_replies,
    "context.ancestors-target-replies" => context::chain,
    "context.unknown-comment-404" => context::unknown,
    "cors.preflight" => cors::preflight,
    "live.each-change-is-an-event" => live::each_change,
    "live.resume-after" => live::resume_after,
    "live.resume-last-event-id" => live::resume_last_event_id,
    "live.own-thread-only" => live::own_thread_only,
    "live.page-names-its-last-event" => live::page_position,
    "live.bad-key-422" => live::bad_key,
};

/// Runs the checks whose name passes `select`, then (when all ran) the route coverage check.
pub async fn run(ctx: &Ctx, select: impl Fn(&str) -> bool) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    let mut all = true;
    for check in ALL {
        if !select(check.name) {
            all = false;
            continue;
        }
        let status = match tokio::time::timeout(CHECK_TIMEOUT, (check.run)(ctx)).await {
            Ok(result) => Status::of(result),
            Err(_) => Status::Fail(format!(
                "did not finish within {} s; a request hangs",
                CHECK_TIMEOUT.as_secs()
            )),
        };
        outcomes.push(Outcome {
            name: check.name,
            status,
        });
    }
    if select(COVERAGE) {
        let status = if all {
            Status::of(coverage(&ctx.api))
        } else {
            Status::Skip("runs only when the whole suite runs".to_owned())
        };
        outcomes.push(Outcome {
            name: COVERAGE,
            status,
        });
    }
    outcomes
}

/// Every route of `routes::ALL` must have answered with success during the run; an optional
/// route (live updates) the backend does not have is reported by its own checks as skipped.
fn coverage(api: &Api) -> CheckResult {
    let served = api.served();
    let missing: Vec<String> = routes::ALL
        .iter()
        .filter(|route| !routes::OPTIONAL.contains(route))
        .filter(|(m, p)| !served.contains(&(*m, *p)))
        .map(|(m, p)| format!("{} {p}", m.to_ascii_uppercase()))
        .collect();
    if missing.is_empty() {
        Ok(Verdict::Pass)
    } else {
        Err(Failure(format!(
            "never answered with success during the run: {}",
            missing.join(", ")
        )))
    }
}
