//! The WordPress (WXR) fixture, imported and checked comment by comment.

use talkback_server::transfer::Format;

use crate::common::{Site, find, fixture, seen};

const BARRIERS: &str = "https://blog.riverside.example/2021/11/flood-barriers";
const AGAIN: &str = "https://blog.riverside.example/2022/01/flood-barriers-again";

#[tokio::test]
async fn wordpress_export_arrives_faithfully() {
    let site = Site::new();
    let summary = site
        .import(Format::Wordpress, &fixture("wordpress.xml"), &[])
        .await;

    assert_eq!(summary.threads, 2, "{summary}");
    assert_eq!(summary.written, 7, "{summary}");
    // Spam and pending comments keep their text for moderators: rejected and held.
    assert_eq!(
        summary.moderated.get("marked as spam"),
        Some(&1),
        "{summary}"
    );
    assert_eq!(summary.moderated.get("not approved"), Some(&1), "{summary}");
    let stored = |status: &str, text: &str| {
        site.count(&format!(
            "SELECT COUNT(*) FROM comments
             WHERE status = '{status}' AND NOT deleted AND body_md LIKE '%{text}%'"
        ))
    };
    assert_eq!(stored("rejected", "bonus"), 1);
    assert_eq!(stored("held", "moderated"), 1);
    assert_eq!(
        summary.placeholders.get("deleted at the source"),
        Some(&1),
        "{summary}"
    );
    assert_eq!(
        summary.skipped.get("pingback or trackback"),
        Some(&1),
        "{summary}"
    );
    assert_eq!(summary.skipped.get("malformed"), Some(&1), "{summary}");
    assert_eq!(summary.orphans, 0, "{summary}");
    assert!(summary.to_string().contains("line 173"), "{summary}");

    let page = site.page(BARRIERS).await;
    assert_eq!(
        page.thread.title.as_deref(),
        Some("Flood barriers go up on the quay")
    );
    assert_eq!(page.thread.comment_count, 3);
    assert!(page.thread.locked, "comments were closed on the post");
    let shown = seen(&page);
    let outline: Vec<(usize, Option<&str>)> = shown
        .iter()
        .map(|s| (s.depth, s.author.as_deref()))
        .collect();
    assert_eq!(
        outline,
        [(0, Some("Priya Shah")), (1, Some("editor")), (0, None)],
        "spam, pending and the pingback are not shown: {shown:#?}"
    );
    let first = find(&shown, "three winters");
    assert_eq!(first.created_at, "2021-11-01T10:15:00Z");
    assert_eq!(
        first.body_html,
        "<p>Finally! We waited <strong>three winters</strong> for this.</p>\n\
         <p>Does anyone know if the towpath stays open?<br>\nI walk there every morning.</p>\n"
    );
    let reply = find(&shown, "council notice");
    assert!(
        reply
            .body_html
            .contains(r#"<a href="https://council.example/towpath" rel="nofollow ugc noopener">"#),
        "{reply:?}"
    );
    assert!(
        find(&shown, "Ευχαριστώ! Danke schön. Ça marche.")
            .author
            .is_none()
    );
    for s in &shown {
        assert!(
            !s.body_html.contains("bonus") && !s.body_html.contains("moderated"),
            "{s:?}"
        );
    }

    // The trashed comment stays as a placeholder above its reply; same title, other thread.
    let again = site.page(AGAIN).await;
    assert_eq!(
        again.thread.title.as_deref(),
        Some("Flood barriers go up on the quay")
    );
    assert!(!again.thread.locked);
    let shown_again = seen(&again);
    let outline: Vec<(usize, bool)> = shown_again.iter().map(|s| (s.depth, s.deleted)).collect();
    assert_eq!(outline, [(0, true), (1, false)]);
    let calm = find(&shown_again, "Calm down");
    assert!(
        calm.body_html
            .contains("<em>Calm down</em> &amp; read the plan."),
        "{calm:?}"
    );
    // The same email (in another case) is the same reader, so the same avatar.
    let priya = |p: &talkback_protocol::ThreadPage| {
        p.comments
            .iter()
            .find(|c| c.author.as_deref() == Some("Priya Shah"))
            .map(|c| c.avatar_seed.clone())
    };
    assert_eq!(priya(&page), priya(&again));
}

#[tokio::test]
async fn importing_the_same_wordpress_file_twice_adds_nothing() {
    let site = Site::new();
    site.import(Format::Wordpress, &fixture("wordpress.xml"), &[])
        .await;
    let second = site
        .import(Format::Wordpress, &fixture("wordpress.xml"), &[])
        .await;
    assert_eq!((second.written, second.already_present), (0, 7), "{second}");
    assert_eq!(site.count("SELECT COUNT(*) FROM comments"), 7);
}
