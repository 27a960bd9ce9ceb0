//! The reference server passes the whole conformance suite (this is what CI runs through
//! `cargo test --workspace`).

use talkback_conformance::{Options, Outcome, Status, report};
use talkback_server::{Config, Running};
use tempfile::TempDir;

/// The origin the server is told to allow, so the CORS check runs too.
const ORIGIN: &str = "https://news.conformance.example";
/// The check that needs a short edit window; it has its own server below.
const WINDOW_CHECK: &str = "edit.window-closes";

async fn start(edit_window: u64) -> (TempDir, Running) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("talkback.db"));
    config.listen = "127.0.0.1:0".to_owned();
    config.allow_origins = vec![ORIGIN.to_owned()];
    config.edit_window = edit_window;
    let running = talkback_server::start(&config)
        .await
        .expect("server starts");
    (dir, running)
}

async fn run(options: Options, running: Running) -> (Vec<Outcome>, String) {
    let options = Options {
        base_url: format!("http://{}", running.addr),
        ..options
    };
    let outcomes = talkback_conformance::run(&options)
        .await
        .expect("suite runs");
    running.stop().await.expect("server stops");
    let table = report::table(&outcomes);
    println!("{table}");
    (outcomes, table)
}

#[tokio::test]
async fn the_reference_server_passes_every_check() {
    let (_dir, running) = start(talkback_protocol::limits::EDIT_WINDOW_DEFAULT_SECS).await;
    let options = Options {
        allowed_origin: Some(ORIGIN.to_owned()),
        ..Options::default()
    };
    let (outcomes, table) = run(options, running).await;
    assert_eq!(
        outcomes.len(),
        talkback_conformance::ALL.len() + 1,
        "every check and the coverage check ran"
    );
    let passed = |o: &Outcome| o.status == Status::Pass || o.name == WINDOW_CHECK;
    assert!(
        outcomes.iter().all(passed),
        "the reference server must pass every check:\n{table}"
    );
}

#[tokio::test]
async fn the_reference_servers_edit_window_closes() {
    let (_dir, running) = start(2).await;
    let options = Options {
        edit_window_secs: Some(2),
        only: vec![WINDOW_CHECK.to_owned()],
        ..Options::default()
    };
    let (outcomes, table) = run(options, running).await;
    let window = outcomes.iter().find(|o| o.name == WINDOW_CHECK);
    assert_eq!(window.map(|o| &o.status), Some(&Status::Pass), "{table}");
}
