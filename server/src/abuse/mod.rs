//! Abuse resistance: rate limits per reader and per address, the token-farming ceiling, the
//! honeypot and time-to-submit checks, the link limit, duplicate detection and the word list.
//!
//! Every counter lives in the database ([`crate::store::limits`]), so limits hold across all
//! instances sharing it. Operators' guide: docs/moderation.md, "Abuse resistance".

pub mod config;
pub mod content;
pub mod farming;

use std::net::IpAddr;

use talkback_protocol::{NewComment, Vote};

pub use config::{AbuseConfig, Switch};
pub use content::WordList;

use crate::AppState;
use crate::client_ip::range_of;
use crate::clock::now_micros;
use crate::error::AppError;
use crate::ids::new_comment_id;
use crate::store::ReaderId;
use crate::store::limits::LimitStore;

/// Key prefix of the counters of refused new-reader requests, per address range.
pub const FARMING_PREFIX: &str = "farm:";

/// How long refused new-reader requests are counted for operators, in seconds.
const FARMING_REPORT_SECS: u64 = 86_400;

/// The configured rules, ready to apply.
#[derive(Clone, Debug)]
pub struct Guard {
    /// The flags as given.
    pub config: AbuseConfig,
    words: WordList,
}

impl Guard {
    /// Applies `config`, reading its word list.
    pub fn new(config: AbuseConfig) -> Result<Guard, String> {
        let words = match &config.word_list {
            Some(path) => {
                WordList::load(path).map_err(|e| format!("--word-list {}: {e}", path.display()))?
            }
            None => WordList::default(),
        };
        Ok(Guard { config, words })
    }

    /// No limits and no content rules.
    pub fn off() -> Guard {
        Guard {
            config: AbuseConfig::off(),
            words: WordList::default(),
        }
    }

    /// How many words and phrases the word list holds.
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    fn rates_on(&self) -> bool {
        self.config.rate_limits == Switch::On
    }
}

/// One limit: at most `limit` events per `window_secs` for `key`.
struct Rule {
    key: String,
    limit: u64,
    window_secs: u64,
}

impl Rule {
    fn new(what: &str, subject: impl std::fmt::Display, limit: u64, window_secs: u64) -> Rule {
        Rule {
            key: format!("{what}:{subject}:{window_secs}"),
            limit,
            window_secs,
        }
    }
}

/// Whole seconds from `now` until `end` (both µs), at least 1.
fn seconds_until(end: i64, now: i64) -> u64 {
    let micros = u64::try_from(end.saturating_sub(now)).unwrap_or(0);
    micros.div_ceil(1_000_000).max(1)
}

/// Counts the event under every rule; over any of them, the seconds until all allow it again.
async fn over_limit(
    store: &dyn LimitStore,
    rules: &[Rule],
    now: i64,
) -> Result<Option<u64>, AppError> {
    let mut wait: Option<u64> = None;
    for rule in rules.iter().filter(|r| r.limit > 0) {
        let hit = store.hit(rule.key.clone(), rule.window_secs, now).await?;
        if hit.count > rule.limit {
            let secs = seconds_until(hit.window_end, now);
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    Ok(wait)
}

/// What the checks of a post decided.
#[derive(Debug, Default)]
pub struct PostCheck {
    /// Duplicate marks set for this post; removed again if it is not stored.
    marks: Vec<String>,
    /// The word-list entry the body contains: the comment waits for a moderator.
    pub held_for: Option<String>,
}

impl PostCheck {
    /// Forgets this post's duplicate marks, for a post that was not stored after all.
    pub async fn release(self, state: &AppState) {
        for key in self.marks {
            if let Err(e) = state.store.unmark(key).await {
                eprintln!("talkback-server: cannot remove a duplicate mark: {e}");
            }
        }
    }
}

/// The checks of `POST /api/v1/comments`, after validation; `text` is the validated body.
pub async fn check_post(
    state: &AppState,
    reader: ReaderId,
    ip: Option<IpAddr>,
    post: &NewComment,
    text: &str,
) -> Result<PostCheck, AppError> {
    let guard = &state.abuse;
    let cfg = &guard.config;
    if post
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        return Err(AppError::Validation(
            "This post was taken for an automated one because a hidden form field was filled in (browser autofill can do that). Reload the page and post again."
                .to_owned(),
        ));
    }
    if let Some(ms) = post.form_shown_ms
        && ms < cfg.min_submit_ms
    {
        return Err(AppError::Validation(
            "That was quick — please wait a moment and post again.".to_owned(),
        ));
    }
    let links = content::count_links(text);
    if links > cfg.max_links {
        let allowed = match cfg.max_links {
            0 => "Links are not allowed in comments".to_owned(),
            1 => "A comment may contain at most 1 link".to_owned(),
            n => format!("A comment may contain at most {n} links"),
        };
        return Err(AppError::Validation(format!(
            "{allowed}; this one has {links}. Please remove some and post again."
        )));
    }
    let now = now_micros();
    if guard.rates_on() {
        let mut rules = vec![
            Rule::new("post:reader", reader, cfg.posts_per_minute, 60),
            Rule::new("post:reader", reader, cfg.posts_per_hour, 3600),
        ];
        if let Some(ip) = ip {
            rules.push(Rule::new("post:ip", ip, cfg.ip_posts_per_minute, 60));
            rules.push(Rule::new("post:ip", ip, cfg.ip_posts_per_hour, 3600));
        }
        if let Some(secs) = over_limit(state.store.as_ref(), &rules, now).await? {
            return Err(AppError::RateLimited {
                message: format!("You're posting too fast; try again in {secs} s."),
                retry_after: secs,
            });
        }
    }
    let mut check = PostCheck::default();
    if cfg.duplicate_window > 0 {
        let fp = content::fingerprint(text);
        // The same client_token is a retry of the same post (the store answers it without
        // storing twice); anything else gets a value no later post can repeat.
        let value = post
            .client_token
            .as_deref()
            .map(|t| format!("token:{t}"))
            .unwrap_or_else(|| format!("once:{}", new_comment_id()));
        let mut keys = vec![format!("dup:reader:{reader}:{fp}")];
        if let Some(ip) = ip {
            keys.push(format!("dup:ip:{ip}:{fp}"));
        }
        for key in keys {
            match state
                .store
                .mark(key.clone(), value.clone(), cfg.duplicate_window, now)
                .await?
            {
                None => check.marks.push(key),
                Some(earlier) if earlier == value && value.starts_with("token:") => {}
                Some(_) => {
                    check.release(state).await;
                    return Err(AppError::Duplicate(
                        "You posted this same comment a moment ago; it is already in the thread."
                            .to_owned(),
                    ));
                }
            }
        }
    }
    check.held_for = guard.words.find(text);
    Ok(check)
}

/// The rate limits of `PUT /api/v1/comments/{id}/vote`.
pub async fn check_vote(
    state: &AppState,
    reader: ReaderId,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let guard = &state.abuse;
    if !guard.rates_on() {
        return Ok(());
    }
    let mut rules = vec![Rule::new(
        "vote:reader",
        reader,
        guard.config.votes_per_minute,
        60,
    )];
    if let Some(ip) = ip {
        rules.push(Rule::new(
            "vote:ip",
            ip,
            guard.config.ip_votes_per_minute,
            60,
        ));
    }
    match over_limit(state.store.as_ref(), &rules, now_micros()).await? {
        Some(secs) => Err(AppError::RateLimited {
            message: format!("You're voting too fast; try again in {secs} s."),
            retry_after: secs,
        }),
        None => Ok(()),
    }
}

/// Refuses a vote on the reader's own comment; withdrawing (`0`) stays possible.
pub async fn check_own_vote(
    state: &AppState,
    reader: ReaderId,
    comment_id: &str,
    vote: Vote,
) -> Result<(), AppError> {
    if vote == Vote::None {
        return Ok(());
    }
    let rows = state
        .store
        .comments(vec![comment_id.to_owned()], None)
        .await?;
    // A deleted comment keeps its own answer (422) from the store.
    if rows.iter().any(|c| c.reader_id == reader && !c.deleted) {
        return Err(AppError::OwnComment(
            "You can't vote on your own comment.".to_owned(),
        ));
    }
    Ok(())
}

/// The token-farming ceiling of `POST /api/v1/readers`: new readers per address range per
/// hour. Refusals are logged (once per range and hour) and counted for operators.
pub async fn check_new_reader(state: &AppState, ip: Option<IpAddr>) -> Result<(), AppError> {
    let guard = &state.abuse;
    let (Some(ip), true) = (ip, guard.rates_on()) else {
        return Ok(());
    };
    let limit = guard.config.new_readers_per_hour;
    let range = range_of(ip);
    let now = now_micros();
    let hit = state
        .store
        .hit(
            format!("{}{range}{}", farming::READERS_PREFIX, farming::READERS_SUFFIX),
            3600,
            now,
        )
        .await?;
    if limit == 0 || hit.count <= limit {
        return Ok(());
    }
    let secs = seconds_until(hit.window_end, now);
    let refused = state
        .store
        .hit(format!("{FARMING_PREFIX}{range}"), FARMING_REPORT_SECS, now)
        .await?;
    if hit.count == limit + 1 {
        eprintln!(
            "talkback-server: token farming? {range} asked for more than {limit} new reader tokens this hour; refusing them for {secs} s ({} refused today)",
            refused.count
        );
    }
    Err(AppError::RateLimited {
        message: format!(
            "Too many new readers from your network in the last hour; try again in {secs} s."
        ),
        retry_after: secs,
    })
}

#[cfg(test)]
mod tests {
    use super::seconds_until;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(seconds_until(2_000_001, 1), 2);
        assert_eq!(seconds_until(1_000_000, 0), 1);
        assert_eq!(seconds_until(0, 5), 1);
    }
}
