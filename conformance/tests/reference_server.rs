//! The reference server passes the whole conformance suite (this is what CI runs through
//! `cargo test --workspace`).

use talkback_conformance::{Options, Status, report};
use talkback_server::Config;

/// The origin the server is told to allow, so the CORS check runs too.
const ORIGIN: &str = "https://news.conformance.example";

#[tokio::test]
async fn the_reference_server_passes_every_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("talkback.db"));
    config.listen = "127.0.0.1:0".to_owned();
    config.allow_origins = vec![ORIGIN.to_owned()];
    let running = talkback_server::start(&config)
        .await
        .expect("server starts");
    let options = Options {
        allowed_origin: Some(ORIGIN.to_owned()),
        ..Options::new(&format!("http://{}", running.addr))
    };
    let outcomes = talkback_conformance::run(&options)
        .await
        .expect("suite runs");
    running.stop().await.expect("server stops");
    let table = report::table(&outcomes);
    println!("{table}");
    assert_eq!(
        outcomes.len(),
        talkback_conformance::ALL.len() + 1,
        "every check and the coverage check ran"
    );
    assert!(
        outcomes.iter().all(|o| o.status == Status::Pass),
        "the reference server must pass every check:\n{table}"
    );
}
