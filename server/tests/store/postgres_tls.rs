//! PostgreSQL over TLS: the server started with `sslmode=require` and `--db-ca-file` serves
//! and hears other instances through TLS connections; it refuses to start, saying what to do,
//! when the database offers no TLS or its certificate comes from an untrusted CA.

use std::path::Path;
use std::time::Duration;

use clap::Parser;
use serde_json::{Value, json};
use talkback_pgtest::Cluster;
use talkback_server::{Config, Running};

/// A cluster of this test's own; TLS on or off.
async fn cluster(with_tls: bool) -> Cluster {
    let start = if with_tls {
        Cluster::start_tls
    } else {
        Cluster::start
    };
    tokio::task::spawn_blocking(start)
        .await
        .expect("cluster task")
        .unwrap_or_else(|e| panic!("no PostgreSQL for this test: {e}"))
}

async fn database(cluster: Cluster) -> (Cluster, String) {
    tokio::task::spawn_blocking(move || {
        let url = cluster.create_database().expect("database");
        (cluster, url)
    })
    .await
    .expect("database task")
}

fn config(url: &str, ca_file: Option<&Path>) -> Config {
    let mut config = Config::new(url);
    config.listen = "127.0.0.1:0".to_owned();
    config.db_ca_file = ca_file.map(Path::to_owned);
    config
}

/// Starts a server that must fail, and returns what it says.
async fn refusal(config: &Config) -> String {
    match talkback_server::start(config).await {
        Ok(running) => {
            let _ = running.stop().await;
            panic!("the server started against {}", config.db.display())
        }
        Err(e) => {
            eprintln!("refused: {e}");
            e.to_string()
        }
    }
}

/// The `ssl` column of pg_stat_ssl and the last statement of every client connection to `url`'s database other than
/// the asking one, asked as the superuser over a plain connection.
async fn ssl_of_connections(url: &str) -> Vec<(bool, String)> {
    let (client, connection) =
        tokio_postgres::connect(&format!("{url}?sslmode=disable"), tokio_postgres::NoTls)
            .await
            .expect("superuser connection");
    let driver = tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT s.ssl, a.query FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
               AND a.backend_type = 'client backend'",
            &[],
        )
        .await
        .expect("pg_stat_ssl");
    drop(client);
    let _ = driver.await;
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

async fn post(client: &reqwest::Client, server: &Running, token: &str, body: &str) -> Value {
    let res = client
        .post(format!("http://{}/api/v1/comments", server.addr))
        .bearer_auth(token)
        .json(&json!({"thread": "tls", "body": body, "author": "Tester"}))
        .send()
        .await
        .expect("post request");
    assert_eq!(res.status(), 201, "post over TLS");
    res.json().await.expect("posted comment")
}

/// Reads the event stream until `needle` appears in it.
async fn wait_for(stream: &mut reqwest::Response, needle: &str) {
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.chunk().await.expect("stream readable") {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "{needle} in the live stream; got {seen}");
}

/// Two instances over TLS: one takes a post and serves the thread; the other, which learns of
/// the post only through LISTEN, sends it to its live subscriber; PostgreSQL reports every
/// connection of the database as TLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sslmode_require_and_the_ca_the_server_serves_over_tls() {
    let (cluster, url) = database(cluster(true).await).await;
    let ca = cluster.ca_file().expect("CA");
    let tls_url = format!("{url}?sslmode=require");
    let a = talkback_server::start(&config(&tls_url, Some(ca)))
        .await
        .expect("instance a starts over TLS");
    let b = talkback_server::start(&config(&tls_url, Some(ca)))
        .await
        .expect("instance b starts over TLS");
    let client = reqwest::Client::new();

    let mut live = client
        .get(format!("http://{}/api/v1/events?key=tls", b.addr))
        .send()
        .await
        .expect("events request");
    assert_eq!(live.status(), 200);
    let reader: Value = client
        .post(format!("http://{}/api/v1/readers", a.addr))
        .send()
        .await
        .expect("reader request")
        .json()
        .await
        .expect("reader");
    let token = reader["token"].as_str().expect("token");
    let posted = post(&client, &a, token, "sent over TLS").await;
    let id = posted["id"].as_str().expect("id");

    let page: Value = client
        .get(format!("http://{}/api/v1/thread?key=tls", a.addr))
        .send()
        .await
        .expect("thread request")
        .json()
        .await
        .expect("thread page");
    assert!(
        page.to_string().contains(id),
        "the thread has the post: {page}"
    );
    wait_for(&mut live, id).await;

    let connections = ssl_of_connections(&url).await;
    let listening = connections
        .iter()
        .filter(|(_, query)| query.starts_with("LISTEN"))
        .count();
    assert_eq!(
        listening, 2,
        "one LISTEN connection per instance: {connections:?}"
    );
    assert!(
        connections.len() >= 4,
        "pooled connections besides: {connections:?}"
    );
    assert!(
        connections.iter().all(|(ssl, _)| *ssl),
        "every connection uses TLS: {connections:?}"
    );
    drop(live);
    a.stop().await.expect("a stops");
    b.stop().await.expect("b stops");

    // The subcommands take the same flag: an export over TLS holds the post.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("site.jsonl");
    let cli = talkback_server::cli::Cli::try_parse_from([
        "talkback-server".as_ref(),
        "export".as_ref(),
        file.as_os_str(),
        "--db".as_ref(),
        tls_url.as_ref(),
        "--db-ca-file".as_ref(),
        ca.as_os_str(),
        "--quiet".as_ref(),
    ])
    .expect("export flags");
    talkback_server::cli::run(cli.command.expect("a subcommand"))
        .await
        .expect("export over TLS");
    let exported = std::fs::read_to_string(&file).expect("export file");
    assert!(exported.contains("sent over TLS"), "{exported}");
    // `admin create` reads its password from standard input, so only its flags are tried here.
    let admin = talkback_server::cli::Cli::try_parse_from([
        "talkback-server".as_ref(),
        "admin".as_ref(),
        "create".as_ref(),
        "ada".as_ref(),
        "--db".as_ref(),
        tls_url.as_ref(),
        "--db-ca-file".as_ref(),
        ca.as_os_str(),
    ]);
    assert!(admin.is_ok(), "admin create takes --db-ca-file: {admin:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_require_refuses_a_database_without_tls() {
    let (_cluster, url) = database(cluster(false).await).await;
    let said = refusal(&config(&format!("{url}?sslmode=require"), None)).await;
    assert!(
        said.contains("sslmode=require but PostgreSQL at 127.0.0.1:")
            && said.contains("does not offer TLS"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_an_untrusted_ca_is_refused() {
    let (cluster, url) = database(cluster(true).await).await;
    let other = talkback_pgtest::tls::make_ca(cluster.dir(), "other").expect("second CA");
    let hint = "presented a certificate not signed by a trusted authority: pass --db-ca-file";
    // The Mozilla roots alone, and another CA: both refuse, with sslmode=prefer (the default)
    // too, since a certificate is verified whenever TLS is used.
    for (query, ca) in [
        ("?sslmode=require", None),
        ("?sslmode=require", Some(other.as_path())),
        ("", None),
    ] {
        let said = refusal(&config(&format!("{url}{query}"), ca)).await;
        assert!(said.contains(hint), "{query} {ca:?}: {said}");
    }
    // sslmode=disable does not look at certificates at all.
    let plain = talkback_server::start(&config(&format!("{url}?sslmode=disable"), None))
        .await
        .expect("plain connection");
    plain.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_ca_file_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").expect("write");
    let missing = dir.path().join("missing.pem");
    // The file is read before connecting, so no database is needed.
    let url = "postgres://postgres@127.0.0.1:1/none?sslmode=require";
    let said = refusal(&config(url, Some(&empty))).await;
    assert!(said.contains("empty.pem: no certificate in it"), "{said}");
    let said = refusal(&config(url, Some(&missing))).await;
    assert!(said.contains("missing.pem: cannot read it"), "{said}");
}

/// A server with a self-signed certificate (no CA at all) is trusted when that certificate
/// is the --db-ca-file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_server_certificate_can_be_the_ca_file() {
    let (cluster, url) = database(cluster(true).await).await;
    let tls = cluster.dir().join("tls");
    // Replace the CA-signed certificate with a self-signed one for the same key and restart.
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-days", "2", "-subj", "/CN=localhost"])
        .args([
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-key",
        ])
        .arg(tls.join("server.key"))
        .arg("-out")
        .arg(tls.join("server.pem"))
        .status()
        .expect("openssl");
    assert!(made.success());
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop_server().expect("stop");
        cluster.start_server().expect("start");
        cluster
    })
    .await
    .expect("restart");
    let tls_url = format!("{url}?sslmode=require");
    let said = refusal(&config(&tls_url, cluster.ca_file())).await;
    assert!(said.contains("not signed by a trusted authority"), "{said}");
    let server = talkback_server::start(&config(&tls_url, Some(&tls.join("server.pem"))))
        .await
        .expect("starts trusting the self-signed certificate");
    server.stop().await.expect("stops");
}
