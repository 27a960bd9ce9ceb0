//! The Disqus fixture, imported and checked comment by comment.

use talkback_server::transfer::Format;

use crate::common::{Seen, Site, find, fixture, seen};

const BRIDGE: &str = "https://www.northbankherald.example/2019/03/02/old-mill-bridge";
const AGAIN: &str = "https://www.northbankherald.example/2020/01/15/old-mill-bridge";
const MOVE: &str = "http://www.northbankherald.example=https://www.northbankherald.example";

#[tokio::test]
async fn disqus_export_arrives_faithfully() {
    let site = Site::new();
    let summary = site
        .import(Format::Disqus, &fixture("disqus.xml"), &[MOVE])
        .await;

    assert_eq!(summary.threads, 2, "{summary}");
    assert_eq!(summary.written, 9, "{summary}");
    assert_eq!(
        summary.placeholders.get("deleted at the source"),
        Some(&1),
        "{summary}"
    );
    // Spam keeps its text as a rejected comment: hidden from readers, restorable by moderators.
    assert_eq!(
        summary.moderated.get("marked as spam"),
        Some(&1),
        "{summary}"
    );
    assert!(
        summary.to_string().contains("stored as rejected"),
        "{summary}"
    );
    assert_eq!(
        site.count(
            "SELECT COUNT(*) FROM comments
             WHERE status = 'rejected' AND NOT deleted AND body_md LIKE '%watches%'"
        ),
        1
    );
    assert_eq!(
        summary.linked_late, 1,
        "the reply listed before its parent: {summary}"
    );
    assert_eq!(summary.orphans, 1, "{summary}");
    assert_eq!(
        summary
            .orphan_examples
            .first()
            .map(|o| o.missing_parent.as_str()),
        Some("disqus:4999")
    );
    assert_eq!(summary.skipped.get("malformed"), Some(&1), "{summary}");
    assert_eq!(summary.skipped.get("unknown thread"), Some(&1), "{summary}");
    let report = summary.to_string();
    assert!(
        report.contains("line 142") && report.contains("createdAt"),
        "{report}"
    );
    assert!(
        report.contains("line 151") && report.contains("9999"),
        "{report}"
    );

    let page = site.page(BRIDGE).await;
    assert_eq!(
        page.thread.title.as_deref(),
        Some("Council debates Old Mill Bridge")
    );
    assert_eq!(page.thread.url.as_deref(), Some(BRIDGE));
    assert!(!page.thread.locked);
    assert_eq!(
        page.thread.comment_count, 6,
        "spam and deleted are not counted"
    );
    let shown = seen(&page);
    let outline: Vec<(usize, Option<&str>, bool)> = shown
        .iter()
        .map(|s| (s.depth, s.author.as_deref(), s.deleted))
        .collect();
    assert_eq!(
        outline,
        [
            (0, Some("Margaret Ellis"), false),
            (1, Some("Tom Okafor"), false),
            (2, Some("Guest Reader"), false),
            (0, None, true),
            (1, Some("Tom Okafor"), false),
            (0, None, false),
            (0, Some("Lost Reply"), false),
        ],
        "{shown:#?}"
    );

    let first = find(&shown, "unsafe");
    assert_eq!(first.created_at, "2019-03-02T09:00:00Z");
    assert!(
        first.body_html.contains("<strong>unsafe</strong>"),
        "{first:?}"
    );
    assert!(
        first.body_html.contains(
            r#"<a href="https://example.org/report.pdf" rel="nofollow ugc noopener">the 2018 report</a>"#
        ),
        "{first:?}"
    );
    let quote = find(&shown, "nobody fix it");
    assert!(
        quote
            .body_html
            .contains("<blockquote>\n<p>unsafe for years</p>"),
        "{quote:?}"
    );
    let civil = find(&shown, "civil");
    assert!(civil.body_html.contains("<em>please</em>"), "{civil:?}");

    let placeholder: &Seen = &shown[3];
    assert_eq!(
        (
            placeholder.body_html.as_str(),
            placeholder.author.as_deref()
        ),
        ("", None)
    );

    let unicode = find(&shown, "Très bien");
    assert!(
        unicode.body_html.contains("naïve &amp; 橋 🌉"),
        "{unicode:?}"
    );
    assert!(unicode.body_html.contains("Second line<br>"), "{unicode:?}");
    assert!(
        !unicode.body_html.contains("alert"),
        "script content dropped: {unicode:?}"
    );

    for s in &shown {
        assert!(
            !s.body_html.contains("rude") && !s.body_html.contains("watches"),
            "{s:?}"
        );
    }

    // Identical titles on different URLs stay apart; the same author keeps one avatar.
    let again = site.page(AGAIN).await;
    assert_eq!(
        again.thread.title.as_deref(),
        Some("Council debates Old Mill Bridge")
    );
    assert_eq!(again.comments.len(), 1);
    assert!(again.thread.locked, "closed on Disqus, locked here");
    let bridge_margaret = page.comments.first().map(|c| c.avatar_seed.clone());
    assert_eq!(
        again.comments.first().map(|c| c.avatar_seed.clone()),
        bridge_margaret
    );

    // The thread nobody commented on is not created.
    assert_eq!(site.keys().await, [BRIDGE, AGAIN]);
}

#[tokio::test]
async fn without_a_mapping_the_old_address_is_the_key() {
    let site = Site::new();
    site.import(Format::Disqus, &fixture("disqus.xml"), &[])
        .await;
    let keys = site.keys().await;
    assert_eq!(
        keys.first().map(String::as_str),
        Some("http://www.northbankherald.example/2019/03/02/old-mill-bridge")
    );
}

#[tokio::test]
async fn importing_the_same_file_twice_adds_nothing() {
    let site = Site::new();
    let first = site
        .import(Format::Disqus, &fixture("disqus.xml"), &[MOVE])
        .await;
    let before = seen(&site.page(BRIDGE).await);
    let second = site
        .import(Format::Disqus, &fixture("disqus.xml"), &[MOVE])
        .await;
    assert_eq!(
        (second.written, second.already_present),
        (0, first.written),
        "{second}"
    );
    assert_eq!(seen(&site.page(BRIDGE).await), before);
    assert_eq!(site.count("SELECT COUNT(*) FROM comments"), 9);
    assert_eq!(site.count("SELECT COUNT(*) FROM threads"), 2);
}

#[tokio::test]
async fn a_wordpress_file_given_as_disqus_is_refused_clearly() {
    let site = Site::new();
    let mut options = talkback_server::transfer::ImportOptions::new(Format::Disqus);
    options.quiet = true;
    let err = talkback_server::transfer::run_import(
        site.store.as_ref(),
        &fixture("wordpress.xml"),
        &options,
    )
    .await
    .expect_err("wrong format");
    assert!(err.to_string().contains("not a Disqus export"), "{err}");
}
