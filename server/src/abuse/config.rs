//! The abuse-resistance flags of `talkback-server` (documented in docs/moderation.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Whether the request-rate limits apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// The limits apply.
    On,
    /// No rate limits (for benchmarks and load tests on one machine).
    Off,
}

/// Limits on posting, voting and new readers, and the content rules of posts. A rate of 0
/// turns that one limit off.
#[derive(Args, Clone, Debug)]
pub struct AbuseConfig {
    /// Trust the last address of `X-Forwarded-For` as the client's (set it only behind a
    /// reverse proxy that adds it; otherwise clients could claim any address).
    #[arg(long = "trust-proxy")]
    pub trust_proxy: bool,

    /// Whether the rate limits below apply at all (`off` for load tests).
    #[arg(
        long = "rate-limits",
        value_enum,
        value_name = "on|off",
        default_value = "on"
    )]
    pub rate_limits: Switch,

    /// Posts per reader token per minute.
    #[arg(long = "posts-per-minute", value_name = "N", default_value_t = 5)]
    pub posts_per_minute: u64,

    /// Posts per reader token per hour.
    #[arg(long = "posts-per-hour", value_name = "N", default_value_t = 30)]
    pub posts_per_hour: u64,

    /// Posts per client address per minute (all readers behind it together).
    #[arg(long = "ip-posts-per-minute", value_name = "N", default_value_t = 10)]
    pub ip_posts_per_minute: u64,

    /// Posts per client address per hour.
    #[arg(long = "ip-posts-per-hour", value_name = "N", default_value_t = 60)]
    pub ip_posts_per_hour: u64,

    /// Votes per reader token per minute.
    #[arg(long = "votes-per-minute", value_name = "N", default_value_t = 30)]
    pub votes_per_minute: u64,

    /// Votes per client address per minute.
    #[arg(long = "ip-votes-per-minute", value_name = "N", default_value_t = 120)]
    pub ip_votes_per_minute: u64,

    /// New reader tokens per address range (/24 for IPv4, /56 for IPv6) per hour: the ceiling
    /// on token farming.
    #[arg(long = "new-readers-per-hour", value_name = "N", default_value_t = 30)]
    pub new_readers_per_hour: u64,

    /// Most links one comment may carry (0: none allowed).
    #[arg(long = "max-links", value_name = "N", default_value_t = 3)]
    pub max_links: usize,

    /// Fastest a person can write and send a comment, in milliseconds from showing the form;
    /// quicker posts are refused (0 turns the check off; clients that do not say are let through).
    #[arg(long = "min-submit-ms", value_name = "MS", default_value_t = 2500)]
    pub min_submit_ms: u64,

    /// How long the same text from the same reader or address counts as a duplicate, in
    /// seconds (0 turns the check off).
    #[arg(
        long = "duplicate-window",
        value_name = "SECONDS",
        default_value_t = 600
    )]
    pub duplicate_window: u64,

    /// Words and phrases (one per line, case-insensitive, whole words; `#` starts a comment
    /// line) whose comments are held for moderation instead of published.
    #[arg(long = "word-list", value_name = "FILE")]
    pub word_list: Option<PathBuf>,
}

impl AbuseConfig {
    /// The command line's defaults.
    pub fn defaults() -> Self {
        AbuseConfig {
            trust_proxy: false,
            rate_limits: Switch::On,
            posts_per_minute: 5,
            posts_per_hour: 30,
            ip_posts_per_minute: 10,
            ip_posts_per_hour: 60,
            votes_per_minute: 30,
            ip_votes_per_minute: 120,
            new_readers_per_hour: 30,
            max_links: 3,
            min_submit_ms: 2500,
            duplicate_window: 600,
            word_list: None,
        }
    }

    /// Nothing limited or refused: what [`crate::Config::new`] starts from, so tests and
    /// embedders opt into each rule.
    pub fn off() -> Self {
        AbuseConfig {
            rate_limits: Switch::Off,
            max_links: usize::MAX,
            min_submit_ms: 0,
            duplicate_window: 0,
            ..AbuseConfig::defaults()
        }
    }
}
