//! Imports that stop halfway — on request or killed — complete on the next run, with nothing
//! written twice.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use talkback_server::transfer::synthetic::write_disqus;
use talkback_server::transfer::{Format, ImportOptions, run_import};

use crate::common::Site;

/// Writes a generated Disqus export of about `bytes`; returns its post count.
fn generated(dir: &Path, bytes: u64) -> (std::path::PathBuf, u64) {
    let path = dir.join(format!("disqus-{bytes}.xml"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let posts = write_disqus(&mut out, bytes).expect("generate");
    std::io::Write::flush(&mut out).expect("flush");
    (path, posts)
}

/// Everything a reader could tell apart, keyed by source instead of by the fresh ids.
fn shape(site: &Site) -> Vec<(String, Option<String>, String, String, i64, bool)> {
    let conn = rusqlite::Connection::open(&site.db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT c.source, p.source, t.key, c.body_html, c.created_at, c.deleted
             FROM comments c JOIN threads t ON t.id = c.thread_id
             LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.source",
        )
        .expect("query");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("shape")
}

fn assert_no_duplicates(site: &Site, posts: u64) {
    assert_eq!(site.count("SELECT COUNT(*) FROM comments"), posts as i64);
    assert_eq!(
        site.count("SELECT COUNT(DISTINCT source) FROM comments"),
        posts as i64
    );
}

#[tokio::test]
async fn an_import_stopped_halfway_completes_on_the_next_run() {
    let reference = Site::new();
    let (file, posts) = generated(reference.dir.path(), 2_000_000);
    let full = reference.import(Format::Disqus, &file, &[]).await;
    assert_eq!(full.written, posts, "{full}");
    assert!(
        full.linked_late > 0,
        "the file lists replies before parents: {full}"
    );
    assert_eq!(full.orphans, 0, "{full}");

    let site = Site::new();
    let mut options = ImportOptions::new(Format::Disqus);
    options.quiet = true;
    options.stop_after = Some(1_000);
    let half = run_import(site.store.as_ref(), &file, &options)
        .await
        .expect("first half");
    assert!(half.stopped_early && half.written == 1_000, "{half}");

    let rest = site.import(Format::Disqus, &file, &[]).await;
    assert_eq!(
        (rest.written, rest.already_present),
        (posts - 1_000, 1_000),
        "{rest}"
    );
    assert_no_duplicates(&site, posts);
    assert_eq!(shape(&site), shape(&reference));
}

#[tokio::test]
async fn a_killed_import_process_completes_on_the_next_run() {
    let reference = Site::new();
    let (file, posts) = generated(reference.dir.path(), 12_000_000);
    let bin = env!("CARGO_BIN_EXE_talkback-server");
    let site = Site::new();
    let import = |quiet: bool| {
        let mut cmd = Command::new(bin);
        cmd.args(["import", "--from", "disqus"])
            .arg(&file)
            .arg("--db")
            .arg(&site.db);
        if quiet {
            cmd.arg("--quiet");
        }
        cmd
    };

    let mut child = import(true)
        .stdout(Stdio::null())
        .spawn()
        .expect("start import");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) && count_quietly(&site.db) < 2_000 {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    let after_kill = count_quietly(&site.db);
    assert!(
        after_kill > 0 && (after_kill as u64) < posts,
        "the import must be caught halfway ({after_kill} of {posts} written)"
    );

    // Second run, not quiet: its progress goes to stderr as plain lines, its summary to stdout.
    let out = import(false).output().expect("run again");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{} written, {after_kill} already there",
        posts - after_kill as u64
    );
    assert!(report.contains(&expected), "{report}");
    assert!(report.contains("peak memory"), "{report}");
    assert_no_duplicates(&site, posts);

    reference.import(Format::Disqus, &file, &[]).await;
    assert_eq!(shape(&site), shape(&reference));
}

/// Comments in the database, 0 while it cannot be read yet.
fn count_quietly(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.busy_timeout(Duration::from_secs(2))?;
            c.query_row("SELECT COUNT(*) FROM comments", [], |r| r.get(0))
        })
        .unwrap_or(0)
}
