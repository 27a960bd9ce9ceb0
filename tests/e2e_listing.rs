//! End-to-end tests of listing pages: `count.js` fills comment counts in each link's language
//! with one request, and the demo listing page switches theme and language at run time.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::json;
use support::Harness;
use support::api::Post;

/// Seeds `n` comments on each thread of the counts page.
async fn seed_counts(h: &Harness) {
    h.seed(|api| {
        for (thread, n) in [
            ("count-one", 1),
            ("count-two", 2),
            ("count-five", 5),
            ("count-22", 22),
        ] {
            for i in 0..n {
                api.post(Post {
                    thread,
                    parent: None,
                    body: &format!("Comment {i} on {thread}"),
                });
            }
        }
    })
    .await;
}

#[tokio::test]
async fn count_js_fills_20_links_in_their_languages_with_one_request() {
    let h = Harness::start().await;
    seed_counts(&h).await;
    h.client
        .goto(&format!("{}/counts.html", h.base))
        .await
        .expect("the listing loads");
    let texts = h
        .wait_js(
            "every count is filled",
            "const links = [...document.querySelectorAll('[data-talkback-count]')];
             return links.every(a => a.textContent !== 'Comments') ? links.map(a => a.textContent) : null;",
            vec![],
        )
        .await;
    let want = json!([
        "1 comment",
        "2 comments",
        "22 comments",
        "0 comments",
        "1 Kommentar",
        "22 Kommentare",
        "0 commentaire",
        "2 commentaires",
        "5 comentarios",
        "1 comentário",
        "1 комментарий",
        "2 комментария",
        "5 комментариев",
        "22 комментария",
        "コメント22件",
        "لا توجد تعليقات",
        "تعليق واحد",
        "تعليقان",
        "5 تعليقات",
        "22 تعليقًا",
    ]);
    assert_eq!(
        texts, want,
        "counts with each language's plural rules and digits"
    );
    let requests = h
        .js(
            "return performance.getEntriesByType('resource')
                 .filter(e => new URL(e.name).pathname === '/api/v1/counts').length;",
            vec![],
        )
        .await;
    assert_eq!(requests, json!(1), "one batched request for all 20 links");
}

#[tokio::test]
async fn demo_listing_switches_theme_and_language_of_counts_and_thread_at_run_time() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/demo/listing.html", h.base))
        .await
        .expect("the listing loads");
    let first_count = "return document.querySelector('[data-talkback-count]').textContent;";
    h.wait_js(
        "counts are shown in English",
        &format!("return /^\\d+ comments$/.test((() => {{ {first_count} }})());"),
        vec![],
    )
    .await;
    // The featured thread loads when scrolled near.
    h.js(
        "document.getElementById('featured-thread').scrollIntoView(); return null;",
        vec![],
    )
    .await;
    let widget = "const sr = document.getElementById('featured-thread').shadowRoot;
        const r = sr && sr.querySelector('.tb-root');
        return r && sr.querySelector('article.tb-comment') ? [getComputedStyle(r).backgroundColor, r.closest('.tb-mount').dataset.theme] : null;";
    h.wait_js("the featured thread is shown", widget, vec![])
        .await;

    let select = |id: &'static str| {
        let client = h.client.clone();
        async move {
            client
                .find(fantoccini::Locator::Id(id))
                .await
                .expect("the switcher is on the page")
        }
    };
    select("theme")
        .await
        .select_by_value("dark")
        .await
        .expect("choose dark");
    h.wait_js_eq(
        "the thread turns dark",
        widget,
        vec![],
        json!(["rgb(27, 29, 33)", "dark"]),
    )
    .await;
    let page = h
        .js(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await;
    assert_eq!(page, "rgb(22, 22, 26)", "the page follows the theme too");

    select("lang")
        .await
        .select_by_value("de")
        .await
        .expect("choose German");
    h.wait_js(
        "the counts are in German",
        &format!("return /^\\d+ Kommentare$/.test((() => {{ {first_count} }})());"),
        vec![],
    )
    .await;
    h.wait_js(
        "the featured thread speaks German",
        "const sr = document.getElementById('featured-thread').shadowRoot;
         return sr.querySelector('.tb-root')?.lang === 'de' && /Kommentare$/.test(sr.querySelector('.tb-count')?.textContent);",
        vec![],
    )
    .await;
    select("lang")
        .await
        .select_by_value("ar")
        .await
        .expect("choose Arabic");
    h.wait_js_eq(
        "the page turns right to left",
        "return document.documentElement.dir;",
        vec![],
        json!("rtl"),
    )
    .await;
}
