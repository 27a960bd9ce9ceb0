use reqwest::Method;

use crate::common::TestServer;

const SITE: &str = "https://news.example.com";

async fn cors_server() -> TestServer {
    TestServer::start_with(|c| c.allow_origins = vec![SITE.to_owned()]).await
}

fn acao(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn preflight(s: &TestServer, origin: &str) -> reqwest::Response {
    s.client
        .request(Method::OPTIONS, s.url("/api/v1/comments"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_configured_origin_may_call_the_api() {
    let s = cors_server().await;
    let pre = preflight(&s, SITE).await;
    assert_eq!(acao(&pre).as_deref(), Some(SITE));
    let allowed = pre
        .headers()
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    let methods = pre
        .headers()
        .get("access-control-allow-methods")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_uppercase();
    // Editing and deleting one's comments go through PATCH and DELETE.
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{m} missing from {methods}");
    }
    let simple = s
        .client
        .get(s.url("/api/v1/thread?key=t"))
        .header("origin", SITE)
        .send()
        .await
        .unwrap();
    assert_eq!(acao(&simple).as_deref(), Some(SITE));
}

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_grant() {
    let s = cors_server().await;
    let evil = "https://evil.example";
    assert_eq!(acao(&preflight(&s, evil).await), None);
    let simple = s
        .client
        .get(s.url("/api/v1/thread?key=t"))
        .header("origin", evil)
        .send()
        .await
        .unwrap();
    assert_eq!(acao(&simple), None);
}

#[tokio::test]
async fn static_files_are_served_with_fitting_cache_headers() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("index.html"),
        "<h1>The Northbank Herald</h1>",
    )
    .unwrap();
    std::fs::write(site.path().join("embed.js"), "/* loader */").unwrap();
    std::fs::write(site.path().join("talkback-0123abcd.wasm"), b"\0asm").unwrap();
    let dir = site.path().to_owned();
    let s = TestServer::start_with(move |c| c.static_dir = Some(dir)).await;
    let cache = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };

    let index = s.client.get(s.url("/")).send().await.unwrap();
    assert_eq!(cache(&index).as_deref(), Some("no-cache"));
    assert!(index.text().await.unwrap().contains("Northbank Herald"));
    let embed = s.client.get(s.url("/embed.js")).send().await.unwrap();
    assert_eq!(cache(&embed).as_deref(), Some("no-cache"));
    assert_eq!(embed.text().await.unwrap(), "/* loader */");
    let wasm = s
        .client
        .get(s.url("/talkback-0123abcd.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cache(&wasm).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        wasm.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/wasm")
    );
    // The API still answers beside the files.
    assert_eq!(
        s.client
            .get(s.url("/api/v1/thread?key=t"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        s.client
            .get(s.url("/api/v1/nope"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn bad_flags_stop_the_start_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = talkback_server::Config::new(dir.path().join("db"));
    c.listen = "127.0.0.1:0".into();
    c.allow_origins = vec!["https://news.example.com/".into()];
    let err = talkback_server::start(&c)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("--allow-origin"), "{err}");
    c.allow_origins.clear();
    c.static_dir = Some(dir.path().join("missing"));
    let err = talkback_server::start(&c)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("--static"), "{err}");
}
