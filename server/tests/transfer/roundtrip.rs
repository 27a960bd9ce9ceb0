//! Export → import into an empty database gives back the same site.

use std::collections::HashMap;

use talkback_server::seed::seed_demo;
use talkback_server::transfer::{Format, run_export};

use crate::common::{Site, fixture, seen};

/// A site with everything the importers produce (placeholders, orphans, edits, votes) plus
/// the demo thread as the server seeds it.
async fn busy_site() -> Site {
    let site = Site::new();
    site.import(
        Format::Disqus,
        &fixture("disqus.xml"),
        &["http://www.northbankherald.example=https://www.northbankherald.example"],
    )
    .await;
    site.import(Format::Wordpress, &fixture("wordpress.xml"), &[])
        .await;
    let isso = site.dir.path().join("isso.db");
    let sql = std::fs::read_to_string(fixture("isso.sql")).expect("fixture");
    rusqlite::Connection::open(&isso)
        .and_then(|c| c.execute_batch(&sql))
        .expect("isso db");
    site.import(Format::Isso, &isso, &["/=https://trams.example/"])
        .await;
    seed_demo(site.store.as_ref()).await.expect("demo thread");
    site
}

/// The export's lines without the header (which carries the time of export).
fn body_lines(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("export file");
    text.lines().skip(1).map(str::to_owned).collect()
}

#[tokio::test]
async fn export_then_import_gives_back_the_same_site() {
    let original = busy_site().await;
    let first = original.dir.path().join("site.jsonl");
    let exported = run_export(original.store.as_ref(), &first, true)
        .await
        .expect("export");
    assert_eq!(exported.threads, 7, "{exported}");
    let total = original.count("SELECT COUNT(*) FROM comments");
    assert_eq!(exported.comments, total as u64);

    let restored = Site::new();
    let summary = restored.import(Format::Talkback, &first, &[]).await;
    assert_eq!(summary.written, exported.comments, "{summary}");
    assert_eq!(summary.skipped_total() + summary.orphans, 0, "{summary}");
    assert!(summary.notes.is_empty(), "{summary}");

    // Byte for byte, the restored site exports the same file.
    let second = restored.dir.path().join("again.jsonl");
    run_export(restored.store.as_ref(), &second, true)
        .await
        .expect("export again");
    let (a, b) = (body_lines(&first), body_lines(&second));
    for (n, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "line {} differs", n + 2);
    }
    assert_eq!(a.len(), b.len());

    // And readers see the same threads: same ids, text, nesting, votes, times. Avatars are
    // salted per installation, so only which comments share one must match.
    let keys = original.keys().await;
    assert_eq!(restored.keys().await, keys);
    for key in &keys {
        let (a, b) = (original.page(key).await, restored.page(key).await);
        assert_eq!(a.thread, b.thread);
        assert_eq!(seen(&a), seen(&b), "{key}");
        let ids = |p: &talkback_protocol::ThreadPage| {
            p.comments
                .iter()
                .map(|c| c.id.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b), "{key}");
        assert_eq!(avatar_groups(&a), avatar_groups(&b), "{key}");
    }

    // Restoring the same file again changes nothing.
    let again = restored.import(Format::Talkback, &first, &[]).await;
    assert_eq!(
        (again.written, again.already_present),
        (0, exported.comments),
        "{again}"
    );
}

/// For each comment, the index of the first comment with the same avatar.
fn avatar_groups(page: &talkback_protocol::ThreadPage) -> Vec<usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    page.comments
        .iter()
        .enumerate()
        .map(|(i, c)| *first.entry(c.avatar_seed.as_str()).or_insert(i))
        .collect()
}

#[tokio::test]
async fn a_foreign_import_after_a_restore_still_adds_nothing_twice() {
    let original = busy_site().await;
    let file = original.dir.path().join("site.jsonl");
    run_export(original.store.as_ref(), &file, true)
        .await
        .expect("export");
    let restored = Site::new();
    restored.import(Format::Talkback, &file, &[]).await;
    let before = restored.count("SELECT COUNT(*) FROM comments");
    let disqus = restored
        .import(
            Format::Disqus,
            &fixture("disqus.xml"),
            &["http://www.northbankherald.example=https://www.northbankherald.example"],
        )
        .await;
    assert_eq!(
        disqus.written, 0,
        "sources travel with the export: {disqus}"
    );
    assert_eq!(restored.count("SELECT COUNT(*) FROM comments"), before);
}

#[tokio::test]
async fn broken_lines_in_an_export_are_skipped_and_reported() {
    let original = busy_site().await;
    let file = original.dir.path().join("site.jsonl");
    run_export(original.store.as_ref(), &file, true)
        .await
        .expect("export");
    let text = std::fs::read_to_string(&file).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3, "{\"type\":\"comment\",\"thread\":");
    lines.insert(5, "not json at all");
    lines.pop(); // the end line: the file now looks cut short
    let damaged = original.dir.path().join("damaged.jsonl");
    std::fs::write(&damaged, lines.join("\n")).expect("write");

    let restored = Site::new();
    let summary = restored.import(Format::Talkback, &damaged, &[]).await;
    assert_eq!(summary.skipped.get("malformed"), Some(&2), "{summary}");
    let report = summary.to_string();
    assert!(
        report.contains("line 4") && report.contains("line 6"),
        "{report}"
    );
    assert!(report.contains("cut short"), "{report}");
    assert_eq!(
        summary.written,
        original.count("SELECT COUNT(*) FROM comments") as u64,
        "every good line was imported: {summary}"
    );
}
