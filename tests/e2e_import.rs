//! End-to-end test of a move from Disqus: the test Disqus export is imported with the server's
//! binary into a fresh database, then the widget on the article's page shows the thread as the
//! export had it — every visible comment once, nested, with the deleted-with-replies placeholder
//! and sanitized bodies.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use support::Harness;

/// The test page showing the imported thread (tests/pages/imported.html).
const PAGE: &str = "/imported.html";
/// The thread key of that page: the export's `http://` address after `--map-url`.
const KEY: &str = "https://www.northbankherald.example/2019/03/02/old-mill-bridge";
/// The site moved to https since the comments were written.
const MOVE: &str = "http://www.northbankherald.example=https://www.northbankherald.example";

/// Imports server/tests/fixtures/disqus.xml into `db` with the server binary, as a site owner would.
fn import_disqus(db: &Path) {
    let bin = std::env::var_os("TALKBACK_SERVER_BIN")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("TALKBACK_SERVER_BIN is not set; run `cargo xtask test`"));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/tests/fixtures/disqus.xml");
    let out = Command::new(&bin)
        .args(["import", "--quiet", "--from", "disqus"])
        .arg(&fixture)
        .arg("--db")
        .arg(db)
        .args(["--map-url", MOVE])
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", bin.to_string_lossy()));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the import failed:\n{summary}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        summary.contains("9 written"),
        "the import wrote the fixture's 9 comments:\n{summary}"
    );
}

/// The thread's first page exactly as the widget asks for it (default order `best`), fetched by the page.
async fn api_first_page(h: &Harness) -> Json {
    let script = "const done = arguments[arguments.length - 1];
        fetch('/api/v1/thread?key=' + encodeURIComponent(arguments[0]) + '&sort=best'
              + '&limit=' + arguments[1] + '&replies=' + arguments[2])
            .then(r => r.ok ? r.json() : r.text().then(t => ({ http_error: r.status, body: t })))
            .then(done, e => done({ fetch_error: String(e) }));";
    let args = vec![
        json!(KEY),
        json!(talkback::backend::talkback::FIRST_PAGE_COMMENTS),
        json!(talkback::backend::talkback::FIRST_PAGE_REPLIES),
    ];
    let page = h
        .client
        .execute_async(script, args)
        .await
        .expect("the thread request runs in the page");
    assert!(page.get("comments").is_some(), "thread API answered {page}");
    page
}

/// A field of an API comment as a string (null when absent).
fn text(c: &Json, field: &str) -> Option<String> {
    c[field].as_str().map(str::to_owned)
}

#[tokio::test]
async fn an_imported_disqus_thread_is_shown_with_its_nesting() {
    let h = Harness::start_after(&[], import_disqus).await;
    h.open(PAGE).await;
    let page = api_first_page(&h).await;
    let comments = page["comments"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        comments.len(),
        7,
        "the fixture's thread has 6 visible comments and 1 placeholder: {page}"
    );
    assert!(
        page.get("next_cursor").is_none_or(Json::is_null),
        "the whole thread fits the first page: {page}"
    );

    // Every comment of the server's page, in its order, with the article its article sits in.
    let want: Vec<Json> = comments
        .iter()
        .map(|c| {
            json!([
                format!("comment-{}", c["id"].as_str().unwrap_or("?")),
                text(c, "parent_id").map(|p| format!("comment-{p}"))
            ])
        })
        .collect();
    h.wait_js_eq(
        "the widget shows each comment of the server's page once, in order, inside its parent",
        "return [...root.querySelectorAll('article.tb-comment')]
             .map(a => [a.id, a.parentElement?.closest('article')?.id ?? null]);",
        vec![],
        Json::Array(want),
    )
    .await;

    // Depth follows the parent chain; authors and bodies are the server's.
    let depth_of: HashMap<String, i64> = comments.iter().fold(HashMap::new(), |mut depths, c| {
        let depth = text(c, "parent_id")
            .and_then(|p| depths.get(&p).map(|d| d + 1))
            .unwrap_or(0);
        depths.insert(text(c, "id").unwrap_or_default(), depth);
        depths
    });
    for c in &comments {
        let id = text(c, "id").unwrap_or_default();
        let shown = h
            .js(
                "const a = root.getElementById('comment-' + arguments[0]);
                 const own = sel => [...a.querySelectorAll(sel)].find(el => el.closest('article') === a);
                 return [Number(a.dataset.depth), own('.tb-author')?.textContent.trim() ?? null,
                         own('.tb-body')?.innerHTML.replace(/<!--.*?-->/g, '') ?? null, a.classList.contains('tb-deleted')];",
                vec![json!(id)],
            )
            .await;
        let deleted = c["deleted"].as_bool() == Some(true);
        assert_eq!(shown[0], json!(depth_of[&id]), "depth of {id}: {c}");
        assert_eq!(shown[3], json!(deleted), "tb-deleted on {id}: {c}");
        if !deleted {
            let author = text(c, "author").unwrap_or_else(|| "Guest".to_owned());
            assert_eq!(shown[1], json!(author), "author of {id}: {c}");
            // Leptos leaves empty comment nodes as markers; they are not part of the body.
            assert_eq!(shown[2], c["body_html"], "body of {id} is the server's sanitized HTML");
        }
    }

    // The comment deleted in Disqus keeps its place as a placeholder above its reply.
    let reply = h.comment_with("keep it civil").await;
    let placeholder = reply
        .parent
        .clone()
        .unwrap_or_else(|| panic!("the reply to the deleted comment is nested"));
    let placeholder_text = h
        .js(
            "const a = root.getElementById(arguments[0]);
             return [a.classList.contains('tb-deleted'),
                     [...a.querySelectorAll('.tb-body')].find(b => b.closest('article') === a)?.textContent.trim()];",
            vec![json!(placeholder)],
        )
        .await;
    assert_eq!(
        placeholder_text,
        json!([true, "This comment was deleted."]),
        "{}",
        h.widget_html().await
    );
    assert_eq!(reply.depth, 1);

    // The reply listed before its parent in the file sits under it, two levels down.
    let late = h.comment_with("Agreed with both of you").await;
    let middle = h.comment_with("Then why did nobody fix it?").await;
    assert_eq!(late.parent.as_deref(), Some(format!("comment-{}", middle.id).as_str()));
    assert_eq!(late.depth, 2);

    // Unicode survives; the `<script>` in the export is neither in the DOM nor run.
    let guest = h.comment_with("Très bien").await;
    assert!(guest.body.contains("Très bien — naïve & 橋 🌉"), "{}", guest.body);
    assert!(
        !guest.body.contains("alert"),
        "the script's text is dropped: {}",
        guest.body
    );
    let live = h
        .js(
            "return [root.querySelectorAll('script, iframe, [onclick], [onerror]').length,
                     root.textContent.includes('Cheap watches'), root.textContent.includes('Something rude')];",
            vec![],
        )
        .await;
    assert_eq!(
        live,
        json!([0, false, false]),
        "no live markup, no spam, no deleted text in the widget"
    );
    let link_rel = h
        .js("return [...root.querySelectorAll('.tb-body a')].find(a => a.textContent.includes('2018 report'))?.rel ?? null;", vec![])
        .await;
    assert_eq!(
        link_rel,
        json!("nofollow ugc noopener"),
        "imported links get the same rel as new ones"
    );

    let count = h
        .js("return root.querySelector('.tb-count').textContent.trim();", vec![])
        .await;
    assert_eq!(
        count,
        json!(format!("{} comments", page["thread"]["comment_count"])),
        "the header counts what the server counts"
    );
}
