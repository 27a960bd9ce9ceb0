//! An Isso database built from Isso's schema, imported and checked comment by comment.

use talkback_server::transfer::Format;

use crate::common::{Site, find, fixture, seen};

const TRAMS: &str = "https://trams.example/2023/04/tram-line";
const SECOND: &str = "https://trams.example/2023/05/tram-line-2";

/// Builds the Isso database of the fixture in `site`'s directory.
fn isso_db(site: &Site) -> std::path::PathBuf {
    let path = site.dir.path().join("comments.db");
    let sql = std::fs::read_to_string(fixture("isso.sql")).expect("fixture");
    let conn = rusqlite::Connection::open(&path).expect("isso db");
    conn.execute_batch(&sql).expect("isso rows");
    path
}

#[tokio::test]
async fn isso_database_arrives_faithfully() {
    let site = Site::new();
    let db = isso_db(&site);
    let summary = site
        .import(Format::Isso, &db, &["/=https://trams.example/"])
        .await;

    assert_eq!(summary.threads, 2, "{summary}");
    assert_eq!(summary.written, 7, "{summary}");
    assert_eq!(
        summary.placeholders.get("deleted at the source"),
        Some(&1),
        "{summary}"
    );
    // Isso's mode 2 (waiting for moderation) becomes a held comment with its text.
    assert_eq!(summary.moderated.get("not approved"), Some(&1), "{summary}");
    assert!(
        summary.to_string().contains("held for approval"),
        "{summary}"
    );
    assert_eq!(
        site.count(
            "SELECT COUNT(*) FROM comments
             WHERE status = 'held' AND NOT deleted AND body_md = 'Is this thing on?'"
        ),
        1
    );
    assert_eq!(summary.orphans, 1, "{summary}");
    assert_eq!(summary.skipped.get("malformed"), Some(&1), "{summary}");
    assert!(summary.to_string().contains("comments id 8"), "{summary}");
    assert_eq!(summary.keys_not_urls, 0, "{summary}");

    let page = site.page(TRAMS).await;
    assert_eq!(page.thread.title.as_deref(), Some("New tram line approved"));
    assert_eq!(page.thread.comment_count, 3);
    let shown = seen(&page);
    let outline: Vec<(usize, Option<&str>, bool, u64, u64)> = shown
        .iter()
        .map(|s| {
            (
                s.depth,
                s.author.as_deref(),
                s.deleted,
                s.upvotes,
                s.downvotes,
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            (0, Some("Lena"), false, 5, 1),
            (1, None, false, 0, 2),
            (0, None, true, 0, 0),
            (1, Some("Omar"), false, 1, 0),
        ],
        "{shown:#?}"
    );
    let lena = find(&shown, "east side");
    assert_eq!(
        lena.body_html,
        "<p>Great <em>news</em> for the east side.</p>\n<p>About time.</p>\n"
    );
    assert_eq!(lena.created_at, "2023-04-11T08:00:00Z");
    let guest = find(&shown, "Agreed");
    assert!(
        guest.body_html.contains("&lt;script&gt;") && !guest.body_html.contains("<script"),
        "{guest:?}"
    );

    let second = site.page(SECOND).await;
    let edited = second.comments.first().expect("comment 6");
    assert!(edited.body_html.contains("<code>code</code>"), "{edited:?}");
    assert_eq!(edited.edited_at.as_deref(), Some("2023-05-11T10:15:00Z"));
    assert_eq!(
        second
            .comments
            .get(1)
            .map(|c| (c.parent_id.is_none(), c.author.as_deref())),
        Some((true, Some("Ghost"))),
        "the orphan is top-level"
    );
    assert_eq!(
        page.comments.first().map(|c| &c.avatar_seed),
        Some(&edited.avatar_seed),
        "same email, same avatar"
    );

    let again = site
        .import(Format::Isso, &db, &["/=https://trams.example/"])
        .await;
    assert_eq!((again.written, again.already_present), (0, 7), "{again}");
}

#[tokio::test]
async fn isso_paths_without_a_mapping_are_reported() {
    let site = Site::new();
    let db = isso_db(&site);
    let summary = site.import(Format::Isso, &db, &[]).await;
    assert_eq!(summary.keys_not_urls, 2, "{summary}");
    assert!(summary.to_string().contains("--map-url"), "{summary}");
    assert_eq!(
        site.keys().await,
        ["/2023/04/tram-line/", "/2023/05/tram-line-2/"]
    );
}

#[tokio::test]
async fn a_database_that_is_not_isso_is_refused_clearly() {
    let site = Site::new();
    let mut options = talkback_server::transfer::ImportOptions::new(Format::Isso);
    options.quiet = true;
    // Our own database is SQLite too, but not Isso's.
    let err = talkback_server::transfer::run_import(site.store.as_ref(), &site.db, &options)
        .await
        .expect_err("not isso");
    assert!(err.to_string().contains("not an Isso database"), "{err}");
}
