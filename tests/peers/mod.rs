//! Real Isso and Waline servers for the end-to-end tests of the widget's adapters.
//!
//! `cargo xtask test` installs them into `.tools/` and passes `TALKBACK_ISSO_BIN` and
//! `TALKBACK_WALINE_DIR`. Each test starts its own server over a fresh database on a free port
//! of 127.0.0.1, and seeds it through the server's own API as different readers: each gets its
//! own address in `X-Forwarded-For` (both servers trust it from 127.0.0.1 here), because Isso
//! counts one vote per network and none from the author's, while the browser reads and votes
//! from 127.0.0.1.

pub mod http;
pub mod isso;
pub mod waline;

use std::path::PathBuf;
use std::process::Child;
use std::time::Duration;

/// How long a server gets to start (Waline loads a few hundred modules on a 2-core machine).
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The path in an environment variable set by `cargo xtask test`; fails (never skips) without it.
pub fn env_path(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => panic!("{var} is not set: the peer tests need the installed Isso and Waline; run `cargo xtask test`"),
    }
}

/// The address a pretend reader `n` posts and votes from (a network of its own).
pub fn reader_ip(n: usize) -> String {
    format!("10.{}.{}.1", 1 + n / 250, n % 250)
}

/// The page that mounts the widget in front of a peer: `/peer.html?backend=…&api=…&thread=…`.
pub fn page(backend: &str, api: &str, thread: &str) -> String {
    format!(
        "/peer.html?backend={backend}&api={}&thread={}",
        http::escape(api),
        http::escape(thread)
    )
}

/// Kills a server process and its children (its own process group) and reaps it.
pub fn stop(child: &mut Child) {
    if let Ok(pgid) = libc::pid_t::try_from(child.id())
        && pgid > 1
    {
        // SAFETY: killpg only sends a signal; the group is the one created at spawn.
        unsafe { libc::killpg(pgid, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}
