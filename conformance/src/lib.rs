//! Conformance suite of the Talkback protocol v1.
//!
//! Runs every route of [`talkback_protocol::routes::ALL`] and every documented error case
//! against a live backend over HTTP and reports one outcome per check. Any backend (ours or
//! someone else's, in any language) can be checked with the `talkback-conformance` binary;
//! `cargo xtask conformance` runs it against the reference server.

pub mod checks;
pub mod client;
pub mod html;
pub mod ops;
pub mod order;
pub mod outcome;
pub mod report;
pub mod shape;
pub mod stream;
pub mod suite;

pub use outcome::{Failure, Outcome, Status};
pub use suite::{ALL, COVERAGE};

/// What to run and against what.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The backend's base URL, such as `http://127.0.0.1:8080`.
    pub base_url: String,
    /// An origin the backend allows for CORS; without it the CORS check is skipped.
    pub allowed_origin: Option<String>,
    /// The backend's edit window in seconds, when short enough to wait for (at most
    /// [`checks::editing::MAX_WAIT_SECS`]); without it the closed-window check is skipped.
    pub edit_window_secs: Option<u64>,
    /// Run only checks whose name starts with one of these; empty runs everything.
    pub only: Vec<String>,
}

impl Options {
    /// Options for running everything against `base_url`.
    pub fn new(base_url: &str) -> Self {
        Options {
            base_url: base_url.to_owned(),
            ..Default::default()
        }
    }

    /// True when the check called `name` is selected.
    pub fn selects(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| name.starts_with(p.as_str()))
    }
}

/// Runs the selected checks against the backend and returns one outcome per check.
pub async fn run(options: &Options) -> Result<Vec<Outcome>, Failure> {
    let ctx = suite::Ctx {
        api: client::Api::new(&options.base_url)?,
        allowed_origin: options.allowed_origin.clone(),
        edit_window_secs: options.edit_window_secs,
    };
    Ok(suite::run(&ctx, |name| options.selects(name)).await)
}
