//! End-to-end tests of the widget in front of servers sites already run: a real Isso 0.14.0 and
//! a real Waline 1.39.3, each seeded through its own API, read and written through the widget in
//! headless Chromium, and checked through the server's API again.
//!
//! Run through `cargo xtask test`, which installs the peers and says where they are.

#[allow(dead_code)]
mod peers;
#[allow(dead_code)]
mod support;

use peers::isso::Isso;
use peers::waline::Waline;
use peers::{page, reader_ip};
use serde_json::{Value as Json, json};
use std::time::{Duration, Instant};
use support::Harness;

/// How long a peer gets to show what the widget sent it.
const STORE_TIMEOUT: Duration = Duration::from_secs(20);

/// Polls `probe` (a peer API read) until it gives a value, and returns it.
async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + STORE_TIMEOUT;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {STORE_TIMEOUT:?} waiting until {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// One comment as the test expects the widget to show it.
fn expected(id: u64, parent: Option<u64>, depth: u64, author: Option<&str>, text: &str, score: i64) -> Json {
    json!({ "id": id, "parent": parent, "depth": depth, "author": author.unwrap_or("Guest"), "text": text, "score": score })
}

/// Compares every expected comment with the widget in one script; returns the differences.
async fn differences(h: &Harness, want: &[Json]) -> Json {
    h.js(
        "const out = [];
         const shown = root.querySelectorAll('article.tb-comment').length;
         if (shown !== arguments[0].length) out.push(`shows ${shown} comments, expected ${arguments[0].length}`);
         for (const c of arguments[0]) {
             const art = root.getElementById('comment-' + c.id);
             if (!art) { out.push(`comment ${c.id} is missing`); continue; }
             const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
             const parent = art.parentElement?.closest('article')?.id ?? null;
             const got = {
                 depth: Number(art.dataset.depth),
                 parent: parent,
                 author: own('.tb-author')?.textContent.trim(),
                 text: own('.tb-body')?.textContent.trim(),
                 score: Number(own('.tb-score')?.textContent.trim()),
             };
             const want = { depth: c.depth, parent: c.parent === null ? null : 'comment-' + c.parent,
                            author: c.author, text: c.text, score: c.score };
             for (const k of Object.keys(want))
                 if (got[k] !== want[k]) out.push(`comment ${c.id}: ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(want[k])}`);
         }
         return out;",
        vec![Json::Array(want.to_vec())],
    )
    .await
}

/// Score, pressed states and disabled states of a comment's vote buttons (`null` when absent).
async fn vote_buttons(h: &Harness, id: u64) -> Json {
    h.js(
        "const art = root.getElementById('comment-' + arguments[0]);
         const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
         const b = sel => { const el = own(sel); return el ? [el.getAttribute('aria-pressed'), el.disabled] : null; };
         return { score: Number(own('.tb-score')?.textContent.trim()), up: b('button.tb-up'), down: b('button.tb-down') };",
        vec![json!(id.to_string())],
    )
    .await
}

/// Types into the top-level form and posts.
async fn post_top(h: &Harness, name: &str, body: &str) {
    h.top_form("input[name=author]").await.send_keys(name).await.expect("type the name");
    h.top_form("textarea[name=body]").await.send_keys(body).await.expect("type the comment");
    h.top_form("button[type=submit]").await.click().await.expect("click Post comment");
}

/// Opens the reply form of comment `parent`, types and posts.
async fn post_reply(h: &Harness, parent: u64, body: &str) {
    let parent = parent.to_string();
    h.own(&parent, "button.tb-reply").await.click().await.expect("click Reply");
    h.own(&parent, "form.tb-form textarea[name=body]").await.send_keys(body).await.expect("type the reply");
    h.own(&parent, "form.tb-form button[type=submit]").await.click().await.expect("click Post reply");
}

/// Waits until the widget shows comment `id` (the peer's id) with `text`, and returns its depth
/// and the id of the article it sits in.
async fn shown_as(h: &Harness, id: u64, text: &str) -> (i64, Option<String>) {
    let found = h
        .wait_js(
            &format!("comment {id} is shown with {text:?}"),
            "const art = root.getElementById('comment-' + arguments[0]);
             if (!art || !art.querySelector('.tb-body')?.textContent.includes(arguments[1])) return null;
             return [Number(art.dataset.depth), art.parentElement?.closest('article')?.id ?? null];",
            vec![json!(id.to_string()), json!(text)],
        )
        .await;
    (found[0].as_i64().unwrap_or(-1), found[1].as_str().map(str::to_owned))
}

fn id_of(c: &Json) -> u64 {
    c["id"].as_u64().or_else(|| c["objectId"].as_u64()).unwrap_or_else(|| panic!("no id in {c}"))
}

/// A text that plainly belongs to seeded comment `n`.
fn seeded_text(n: usize) -> String {
    format!("Seeded comment number {n} about the bridge.")
}

#[tokio::test]
async fn isso_thread_seeded_through_its_api_renders_completely() {
    let h = Harness::start().await;
    let isso = Isso::start(&h.base);
    let uri = "/2026/isso-big-thread";
    // 24 top-level comments, 8 replies, 2 replies to replies (Isso files those under the
    // top-level comment), and votes from other networks.
    let mut want = Vec::new();
    let mut tops = Vec::new();
    for n in 0..24 {
        let author = (n % 5 != 4).then(|| format!("Reader {n}"));
        let c = isso.post(uri, author.as_deref(), &seeded_text(n), None, &reader_ip(n));
        tops.push((id_of(&c), author));
    }
    let mut replies = Vec::new();
    for n in 24..32 {
        let (parent, _) = tops[(n - 24) * 3].clone();
        let c = isso.post(uri, Some(&format!("Reader {n}")), &seeded_text(n), Some(parent), &reader_ip(n));
        replies.push((id_of(&c), parent));
    }
    for n in 32..34 {
        let (reply, root) = replies[n - 32];
        let c = isso.post(uri, Some(&format!("Reader {n}")), &seeded_text(n), Some(reply), &reader_ip(n));
        assert_eq!(c["parent"], json!(root), "Isso stores a reply to a reply under the top-level comment");
    }
    let mut voter = 100;
    for (k, (id, _)) in tops.iter().take(10).enumerate() {
        for _ in 0..(k % 4 + 1) {
            isso.vote(*id, true, &reader_ip(voter));
            voter += 1;
        }
        for _ in 0..(k % 3) {
            isso.vote(*id, false, &reader_ip(voter));
            voter += 1;
        }
    }
    let stored = isso.comments(uri);
    assert_eq!(stored.len(), 34);
    for c in &stored {
        let parent = c["parent"].as_u64();
        let score = c["likes"].as_i64().unwrap_or(0) - c["dislikes"].as_i64().unwrap_or(0);
        let text = c["text"].as_str().unwrap_or("").replace("<p>", "").replace("</p>", "");
        want.push(expected(id_of(c), parent, u64::from(parent.is_some()), c["author"].as_str(), text.trim(), score));
    }

    h.open(&page("isso", &isso.url, uri)).await;
    h.wait_js_eq(
        "the header counts every comment Isso has",
        "return root.querySelector('.tb-count')?.textContent.trim();",
        vec![],
        json!("34 comments"),
    )
    .await;
    let diff = differences(&h, &want).await;
    assert_eq!(diff, json!([]), "the widget shows Isso's thread as stored");
    let sorts = h.js("return [...root.querySelectorAll('select.tb-sort option')].map(o => o.value);", vec![]).await;
    assert_eq!(sorts, json!(["best", "newest", "oldest"]), "Isso sorts by votes, newest and oldest");
    // The adapters are only in the full bundle; the loader fetches it instead of the readers' one.
    let wasm = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm'))
                .map(e => new URL(e.name).pathname.replace(/-[0-9a-f]+\\.wasm$/, ''));";
    assert_eq!(h.js(wasm, vec![]).await, json!(["/talkback-full_bg"]), "an Isso page loads the full bundle only");
}

#[tokio::test]
async fn isso_reader_posts_replies_votes_once_and_edits_through_the_widget() {
    let h = Harness::start().await;
    let isso = Isso::start(&h.base);
    let uri = "/2026/isso-writing";
    let ann = id_of(&isso.post(uri, Some("Ann"), "The first seeded comment.", None, &reader_ip(1)));
    let bo = id_of(&isso.post(uri, Some("Bo"), "The second seeded comment.", None, &reader_ip(2)));
    let cy = id_of(&isso.post(uri, Some("Cy"), "A seeded reply to Ann.", Some(ann), &reader_ip(3)));

    h.open(&page("isso", &isso.url, uri)).await;
    assert_eq!(shown_as(&h, cy, "A seeded reply to Ann.").await, (1, Some(format!("comment-{ann}"))));

    // A top-level comment, stored in Isso with the reader's name.
    post_top(&h, "Dana", "Dana's comment, posted through the widget.").await;
    let mine = eventually("Isso stores Dana's comment", || {
        isso.comments(uri).into_iter().find(|c| c["text"].as_str().is_some_and(|t| t.contains("Dana's comment")))
    })
    .await;
    assert_eq!((mine["author"].clone(), mine["parent"].clone()), (json!("Dana"), Json::Null));
    let mine_id = id_of(&mine);
    assert_eq!(shown_as(&h, mine_id, "Dana's comment").await, (0, None));

    // A reply to a reply: Isso keeps two levels, so it sits beside Cy's, saying whom it answers.
    post_reply(&h, cy, "Answering Cy through the widget.").await;
    let reply = eventually("Isso stores the reply", || {
        isso.comments(uri).into_iter().find(|c| c["text"].as_str().is_some_and(|t| t.contains("Answering Cy")))
    })
    .await;
    assert_eq!(reply["parent"], json!(ann), "stored under the top-level comment");
    let reply_id = id_of(&reply);
    assert_eq!(shown_as(&h, reply_id, "Answering Cy").await, (1, Some(format!("comment-{ann}"))));
    let label = h
        .wait_js(
            "the reply says whom it answers",
            "return root.getElementById('comment-' + arguments[0])?.querySelector('.tb-reply-to')?.textContent;",
            vec![json!(reply_id.to_string())],
        )
        .await;
    assert_eq!(label, json!("replying to Cy"));

    // Votes reach Isso's counts; once cast, neither button offers to change or withdraw it.
    h.own(&bo.to_string(), "button.tb-up").await.click().await.expect("upvote Bo");
    eventually("Isso counts the like", || {
        isso.comments(uri).into_iter().find(|c| id_of(c) == bo && c["likes"] == json!(1))
    })
    .await;
    h.own(&ann.to_string(), "button.tb-down").await.click().await.expect("downvote Ann");
    eventually("Isso counts the dislike", || {
        isso.comments(uri).into_iter().find(|c| id_of(c) == ann && c["dislikes"] == json!(1))
    })
    .await;
    let settled = json!({ "score": 1, "up": ["true", true], "down": ["false", true] });
    h.wait_js_eq(
        "Bo's comment shows the vote, with both buttons disabled",
        "const art = root.getElementById('comment-' + arguments[0]);
         const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
         const b = sel => { const el = own(sel); return el ? [el.getAttribute('aria-pressed'), el.disabled] : null; };
         return { score: Number(own('.tb-score')?.textContent.trim()), up: b('button.tb-up'), down: b('button.tb-down') };",
        vec![json!(bo.to_string())],
        settled.clone(),
    )
    .await;
    h.reload().await;
    assert_eq!(vote_buttons(&h, bo).await, settled, "the vote is remembered in this browser");

    // Within Isso's window the author edits through its cookie; Isso stores the new text.
    h.own(&mine_id.to_string(), "button.tb-edit").await.click().await.expect("click Edit");
    let area = h.own(&mine_id.to_string(), "form.tb-edit-form textarea").await;
    area.clear().await.expect("clear the edit box");
    area.send_keys("Dana's comment, edited in Isso's window.").await.expect("type the edit");
    h.own(&mine_id.to_string(), "form.tb-edit-form button[type=submit]").await.click().await.expect("save");
    eventually("Isso stores the edit", || {
        isso.comments(uri)
            .into_iter()
            .find(|c| id_of(c) == mine_id && c["text"].as_str().is_some_and(|t| t.contains("edited in Isso")))
    })
    .await;
    assert_eq!(shown_as(&h, mine_id, "edited in Isso's window").await, (0, None));
    let others_edit =
        h.js("return !!root.getElementById('comment-' + arguments[0])?.querySelector('.tb-edit');", vec![json!(bo.to_string())]).await;
    assert_eq!(others_edit, json!(false), "no Edit on other readers' comments");
}

#[tokio::test]
async fn waline_thread_seeded_through_its_api_renders_completely() {
    let h = Harness::start().await;
    let waline = Waline::start();
    let path = "/2026/waline-big-thread";
    let mut tops = Vec::new();
    for n in 0..24 {
        let nick = (n % 5 != 4).then(|| format!("Reader {n}"));
        tops.push(id_of(&waline.post(path, nick.as_deref(), &seeded_text(n), None, &reader_ip(n))));
    }
    let mut replies = Vec::new();
    for n in 24..32 {
        let root = tops[(n - 24) * 3];
        let c = waline.post(path, Some(&format!("Reader {n}")), &seeded_text(n), Some((root, root)), &reader_ip(n));
        replies.push((id_of(&c), root));
    }
    for n in 32..34 {
        let (reply, root) = replies[n - 32];
        waline.post(path, Some(&format!("Reader {n}")), &seeded_text(n), Some((reply, root)), &reader_ip(n));
    }
    for (k, id) in tops.iter().take(10).enumerate() {
        for _ in 0..(k % 4 + 1) {
            waline.like(*id);
        }
    }
    let like_of = |id: u64| tops.iter().take(10).position(|t| *t == id).map_or(0, |k| (k % 4 + 1) as i64);
    let depth_of = |pid: Option<u64>| match pid {
        None => 0,
        Some(p) if tops.contains(&p) => 1,
        Some(_) => 2,
    };
    let stored = waline.comments(path);
    assert_eq!(stored.len(), 34);
    let want: Vec<Json> = stored
        .iter()
        .map(|c| {
            let pid = c["pid"].as_u64();
            let text = c["comment"].as_str().unwrap_or("").replace("<p>", "").replace("</p>", "");
            expected(id_of(c), pid, depth_of(pid), c["nick"].as_str(), text.trim(), like_of(id_of(c)))
        })
        .collect();

    h.open(&page("waline", &waline.url, path)).await;
    h.wait_js_eq(
        "the header counts every comment Waline has",
        "return root.querySelector('.tb-count')?.textContent.trim();",
        vec![],
        json!("34 comments"),
    )
    .await;
    let diff = differences(&h, &want).await;
    assert_eq!(diff, json!([]), "the widget shows Waline's thread, replies under the comment they answer");
    let downs = h.js("return root.querySelectorAll('button.tb-down').length;", vec![]).await;
    assert_eq!(downs, json!(0), "Waline has no down votes, so none is offered");
}

#[tokio::test]
async fn waline_reader_posts_with_pid_and_rid_likes_and_cannot_edit() {
    let h = Harness::start().await;
    let waline = Waline::start();
    let path = "/2026/waline-writing";
    let ann = id_of(&waline.post(path, Some("Ann"), "The first seeded comment.", None, &reader_ip(1)));
    let cy = id_of(&waline.post(path, Some("Cy"), "A seeded reply to Ann.", Some((ann, ann)), &reader_ip(2)));

    h.open(&page("waline", &waline.url, path)).await;
    assert_eq!(shown_as(&h, cy, "A seeded reply to Ann.").await, (1, Some(format!("comment-{ann}"))));
    let note = h.js("return root.querySelector('.tb-form-note')?.textContent;", vec![]).await;
    assert_eq!(note, json!("Comments can't be edited or deleted after posting on this comment server."));

    // No apostrophes in these texts: Waline turns them into typographic ones.
    post_top(&h, "Dana", "Dana writes a comment through the widget.").await;
    let mine = eventually("Waline stores Dana's comment", || {
        waline.comments(path).into_iter().find(|c| c["comment"].as_str().is_some_and(|t| t.contains("Dana writes a comment")))
    })
    .await;
    assert_eq!((mine["nick"].clone(), mine["pid"].clone()), (json!("Dana"), Json::Null));
    let mine_id = id_of(&mine);
    assert_eq!(shown_as(&h, mine_id, "Dana writes a comment").await, (0, None));

    // A reply to a reply: Waline needs its parent (pid) and its top-level comment (rid).
    post_reply(&h, cy, "Answering Cy through the widget.").await;
    let reply = eventually("Waline stores the reply", || {
        waline.comments(path).into_iter().find(|c| c["comment"].as_str().is_some_and(|t| t.contains("Answering Cy")))
    })
    .await;
    assert_eq!((reply["pid"].clone(), reply["rid"].clone()), (json!(cy), json!(ann)));
    assert_eq!(shown_as(&h, id_of(&reply), "Answering Cy").await, (2, Some(format!("comment-{cy}"))));

    // A like reaches Waline's count, and pressing it again takes it back.
    let likes = |id: u64| waline.comments(path).into_iter().find(|c| id_of(c) == id).and_then(|c| c["like"].as_i64());
    h.own(&ann.to_string(), "button.tb-up").await.click().await.expect("like Ann");
    eventually("Waline counts the like", || (likes(ann) == Some(1)).then_some(())).await;
    h.wait_js_eq(
        "the like is shown as the reader's",
        "return root.getElementById('comment-' + arguments[0]).querySelector('button.tb-up').getAttribute('aria-pressed');",
        vec![json!(ann.to_string())],
        json!("true"),
    )
    .await;
    h.own(&ann.to_string(), "button.tb-up").await.click().await.expect("take the like back");
    eventually("Waline takes the like back", || (likes(ann) == Some(0)).then_some(())).await;
    assert_eq!(vote_buttons(&h, ann).await, json!({ "score": 0, "up": ["false", false], "down": null }));

    // Nothing Waline cannot do is offered: no down votes, no edit or delete, no preview.
    let offered = h
        .js(
            "return ['button.tb-down', '.tb-edit', '.tb-delete', '.tb-tab-preview']
                 .filter(sel => root.querySelector(sel));",
            vec![],
        )
        .await;
    assert_eq!(offered, json!([]));
}

/// Opens the peer listing page with one link per key and returns the link texts once count.js
/// has filled them all.
async fn listing_counts(h: &Harness, backend: &str, api: &str, keys: &[&str]) -> Json {
    let url = format!(
        "{}/peer-counts.html?backend={backend}&api={}&keys={}",
        h.base,
        peers::http::escape(api),
        peers::http::escape(&keys.join(","))
    );
    h.client.goto(&url).await.expect("the listing loads");
    h.wait_js(
        "count.js fills every link",
        "const links = [...document.querySelectorAll('[data-talkback-count]')];
         return links.length && links.every(a => a.textContent !== 'Comments') ? links.map(a => a.textContent) : null;",
        vec![],
    )
    .await
}

#[tokio::test]
async fn count_js_reads_isso_counts_for_a_listing() {
    let h = Harness::start().await;
    let isso = Isso::start(&h.base);
    for n in 0..3 {
        isso.post("/2026/isso-counted", Some("Counter"), &seeded_text(n), None, &reader_ip(n));
    }
    isso.post("/2026/isso-once", Some("Counter"), &seeded_text(9), None, &reader_ip(9));
    let texts = listing_counts(&h, "isso", &isso.url, &["/2026/isso-counted", "/2026/isso-once", "/2026/isso-none"]).await;
    assert_eq!(texts, json!(["3 comments", "1 comment", "0 comments"]), "counts as Isso stores them");
}

#[tokio::test]
async fn count_js_reads_waline_counts_for_a_listing() {
    let h = Harness::start().await;
    let waline = Waline::start();
    for n in 0..2 {
        waline.post("/2026/waline-counted", Some("Counter"), &seeded_text(n), None, &reader_ip(n));
    }
    let texts = listing_counts(&h, "waline", &waline.url, &["/2026/waline-counted", "/2026/waline-none"]).await;
    assert_eq!(texts, json!(["2 comments", "0 comments"]), "counts as Waline stores them");
    // A listing with a single link asks for a single path.
    let texts = listing_counts(&h, "waline", &waline.url, &["/2026/waline-counted"]).await;
    assert_eq!(texts, json!(["2 comments"]), "a lone count as Waline stores it");
}
