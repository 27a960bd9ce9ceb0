//! Command-line configuration of the server.

use std::path::PathBuf;

use clap::Parser;
use talkback_protocol::limits::EDIT_WINDOW_DEFAULT_SECS;
use talkback_protocol::moderation::ModerationMode;

/// `--moderation`: `pre` or `post`.
fn moderation_mode(raw: &str) -> Result<ModerationMode, String> {
    ModerationMode::parse(raw.trim()).ok_or_else(|| {
        "give `pre` (hold new comments for approval) or `post` (show them at once)".to_owned()
    })
}

/// How one server process runs; every field is a command-line flag.
#[derive(Parser, Clone, Debug)]
#[command(
    name = "talkback-server",
    version,
    about = "Talkback reference server (protocol v1, SQLite or PostgreSQL)"
)]
pub struct Config {
    /// The database: a SQLite file (PATH or sqlite://PATH) for one instance, or
    /// postgres://USER:PASSWORD@HOST:PORT/NAME shared by several; created (SQLite) and migrated
    /// on start.
    #[arg(long, value_name = "DB", default_value = "talkback.db")]
    pub db: PathBuf,

    /// PEM file with the certificate of the CA that signed PostgreSQL's certificate (or the
    /// server's own, if self-signed), trusted besides the Mozilla roots for TLS (the URL's
    /// sslmode=prefer|require).
    #[arg(long = "db-ca-file", value_name = "PATH")]
    pub db_ca_file: Option<PathBuf>,

    /// Address to listen on (`host:port`; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Origin allowed to call the API from a browser, exactly as the browser sends it
    /// (`https://news.example.com`). Repeat the flag for several origins.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,

    /// Directory served at `/` (the built widget and demo page, usually `dist/`).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Fill the demo article's thread with sample comments when it has none.
    #[arg(long)]
    pub seed_demo: bool,

    /// How long after posting readers may edit or delete their comments, in seconds
    /// (0 turns editing off).
    #[arg(long = "edit-window", value_name = "SECONDS", default_value_t = EDIT_WINDOW_DEFAULT_SECS)]
    pub edit_window: u64,

    /// Rate limits and content rules against abuse (docs/moderation.md).
    #[command(flatten)]
    pub abuse: crate::abuse::AbuseConfig,

    /// When new comments appear: `post` (at once, the default) or `pre` (held until a moderator
    /// approves them). Stored in the database on start, so it applies to every instance; admins
    /// can change it later from /admin.
    #[arg(long = "moderation", value_name = "MODE", value_parser = moderation_mode)]
    pub moderation: Option<ModerationMode>,

    /// Create the demo moderator `editor` (password in the README) if missing. For the demo
    /// only: never on a real site.
    #[arg(long = "demo-moderator")]
    pub demo_moderator: bool,
    /// File holding the secret the site signs its sign-in tokens with (HMAC-SHA256, at least
    /// 32 bytes; docs/identity.md). Without it `X-Talkback-SSO` is ignored.
    #[arg(long = "sso-secret-file", value_name = "PATH")]
    pub sso_secret_file: Option<PathBuf>,

    /// Mail server for reply notifications: smtp://HOST:PORT (plain, for a local relay),
    /// smtp://USER:PASS@HOST:587?tls=required (STARTTLS) or smtps://USER:PASS@HOST:465.
    /// Without it notifications are off.
    #[arg(long = "smtp-url", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// Sender of notification mails, e.g. `Comments <comments@news.example.com>`.
    #[arg(long = "mail-from", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// The server's public address for links in mails (https://comments.example.com); by
    /// default taken from each request's Host and X-Forwarded-Proto.
    #[arg(long = "public-url", value_name = "URL")]
    pub public_url: Option<String>,
}

impl Config {
    /// A configuration with the defaults, for tests and embedding; adjust fields as needed.
    /// Unlike the command line, it starts with every abuse rule off: tests opt into each.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        Config {
            db: db.into(),
            db_ca_file: None,
            listen: "127.0.0.1:8080".to_owned(),
            allow_origins: Vec::new(),
            static_dir: None,
            seed_demo: false,
            edit_window: EDIT_WINDOW_DEFAULT_SECS,
            abuse: crate::abuse::AbuseConfig::off(),
            moderation: None,
            demo_moderator: false,
            sso_secret_file: None,
            smtp_url: None,
            mail_from: None,
            public_url: None,
        }
    }
}
