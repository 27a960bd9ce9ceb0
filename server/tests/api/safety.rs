use crate::common::TestServer;

#[tokio::test]
async fn raw_html_in_a_comment_comes_back_inert() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let evil = r#"<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>"#;
    let posted = s.post(&t, "t", None, evil).await;
    let page = s.thread("key=t", None).await;
    for html in [
        posted["body_html"].as_str().unwrap(),
        page.comments[0].body_html.as_str(),
    ] {
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;"),
            "the text is kept, escaped: {html}"
        );
    }
}

#[tokio::test]
async fn links_are_nofollow_and_scripts_urls_dropped() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let posted = s
        .post(
            &t,
            "t",
            None,
            "[source](https://council.example/minutes) and [x](javascript:alert(1))",
        )
        .await;
    let html = posted["body_html"].as_str().unwrap();
    assert!(
        html.contains(
            r#"<a href="https://council.example/minutes" rel="nofollow ugc noopener">source</a>"#
        ),
        "{html}"
    );
    assert!(!html.contains("javascript"), "{html}");
}
