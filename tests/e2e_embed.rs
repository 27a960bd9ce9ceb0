//! End-to-end tests of the widget as a guest on other people's pages: theming from the host
//! page, hostile global CSS under a strict Content-Security-Policy.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use support::{Harness, cdp};

/// Computed colours of the widget's root: (background, text).
const ROOT_COLORS: &str = "const r = root && root.querySelector('.tb-root');
    if (!r) return null;
    const cs = getComputedStyle(r);
    return [cs.backgroundColor, cs.color];";

/// The widget's defaults, as computed by the browser.
const LIGHT: (&str, &str) = ("rgba(0, 0, 0, 0)", "rgb(31, 35, 40)");
const DARK: (&str, &str) = ("rgb(27, 29, 33)", "rgb(232, 234, 237)");

fn colors(c: (&str, &str)) -> Json {
    json!([c.0, c.1])
}

#[tokio::test]
async fn host_page_restyles_the_widget_through_custom_properties_parts_and_its_font() {
    let h = Harness::start().await;
    h.open("/themed.html").await;
    let got = h
        .wait_js(
            "the themed widget shows a comment",
            "const post = [...root.querySelectorAll('form.tb-form button[type=submit]')]
                 .find(b => !b.closest('article'));
             const art = root.querySelector('article.tb-comment');
             if (!post || !art) return null;
             const cs = e => getComputedStyle(e);
             return {
                 accent: cs(post).backgroundColor,
                 radius: cs(post).borderTopLeftRadius,
                 outline: cs(art).outlineColor + ' ' + cs(art).outlineStyle,
                 author: cs(art.querySelector('.tb-author')).color,
                 font: cs(art.querySelector('.tb-body')).fontFamily,
                 size: cs(root.querySelector('.tb-root')).fontSize,
             };",
            vec![],
        )
        .await;
    assert_eq!(
        got["accent"], "rgb(170, 0, 40)",
        "--talkback-accent paints the post button: {got}"
    );
    assert_eq!(got["radius"], "0px", "--talkback-radius: {got}");
    assert_eq!(
        got["outline"], "rgb(0, 120, 0) dashed",
        "::part(comment): {got}"
    );
    assert_eq!(got["author"], "rgb(0, 0, 160)", "::part(author): {got}");
    assert!(
        got["font"]
            .as_str()
            .unwrap_or_default()
            .contains("Courier New"),
        "host font inherited: {got}"
    );
    assert_eq!(got["size"], "18px", "host font size inherited: {got}");
}

#[tokio::test]
async fn auto_theme_follows_the_readers_colour_scheme_live_and_data_theme_pins_one() {
    let h = Harness::start().await;
    cdp::prefer_color_scheme(&h.client, "light").await;
    h.open("/themed.html").await;
    h.wait_js_eq(
        "auto is light for a light preference",
        ROOT_COLORS,
        vec![],
        colors(LIGHT),
    )
    .await;
    // Changing the preference while the page is open restyles the widget without a reload.
    cdp::prefer_color_scheme(&h.client, "dark").await;
    h.wait_js_eq(
        "auto turns dark when the reader switches",
        ROOT_COLORS,
        vec![],
        colors(DARK),
    )
    .await;

    h.open("/dark.html").await;
    cdp::prefer_color_scheme(&h.client, "light").await;
    h.wait_js_eq(
        "data-theme=dark stays dark for a light preference",
        ROOT_COLORS,
        vec![],
        colors(DARK),
    )
    .await;
    let scheme = h
        .js(
            "return getComputedStyle(root.querySelector('.tb-root')).colorScheme;",
            vec![],
        )
        .await;
    assert_eq!(scheme, "dark", "native controls are drawn dark too");
}

#[tokio::test]
async fn hostile_css_under_a_strict_csp_neither_breaks_the_widget_nor_causes_violations() {
    let h = Harness::start().await;
    h.open("/hostile.html").await;
    let looks = h
        .wait_js(
            "the widget is drawn on the hostile page",
            "const host = document.getElementById('talkback');
             const count = root.querySelector('.tb-count');
             const post = root.querySelector('form.tb-form button[type=submit]');
             const body = root.querySelector('article .tb-body');
             if (!count || !post || !body) return null;
             return {
                 host: getComputedStyle(host).display,
                 count: parseFloat(getComputedStyle(count).fontSize),
                 body: parseFloat(getComputedStyle(body).fontSize),
                 post: getComputedStyle(post).display,
                 height: root.querySelector('.tb-root').getBoundingClientRect().height,
                 pageSize: getComputedStyle(document.documentElement).fontSize,
             };",
            vec![],
        )
        .await;
    assert_eq!(
        looks["pageSize"], "0px",
        "the hostile stylesheet applies: {looks}"
    );
    assert_eq!(
        looks["host"], "block",
        "div {{ display: flex !important }} does not reach the host: {looks}"
    );
    assert!(
        looks["count"].as_f64().unwrap_or(0.0) >= 13.0,
        "readable header: {looks}"
    );
    assert!(
        looks["body"].as_f64().unwrap_or(0.0) >= 13.0,
        "readable comments: {looks}"
    );
    assert_ne!(
        looks["post"], "none",
        "button {{ display: none }} does not hide ours: {looks}"
    );
    assert!(
        looks["height"].as_f64().unwrap_or(0.0) > 300.0,
        "the thread takes room: {looks}"
    );

    // It works: a vote and a post.
    let id = h.comment_id("article.tb-comment:not(.tb-deleted)").await;
    h.own(&id, "button.tb-up")
        .await
        .click()
        .await
        .expect("click up");
    h.wait_js_eq(
        "the up vote is pressed",
        "return root.getElementById('comment-' + arguments[0]).querySelector('button.tb-up').getAttribute('aria-pressed');",
        vec![json!(id)],
        json!("true"),
    )
    .await;
    let body = "Posted from a page that hides every button.";
    h.top_form("textarea[name=body]")
        .await
        .send_keys(body)
        .await
        .expect("type a comment");
    h.top_form("button[type=submit]")
        .await
        .click()
        .await
        .expect("post");
    let shown = h.comment_with(body).await;
    assert_eq!(shown.depth, 0);
    h.wait_requests("/api/v1/comments", 1).await;

    let violations = h.js("return window.__cspViolations;", vec![]).await;
    assert_eq!(
        violations,
        json!([]),
        "no CSP violation while loading, voting and posting"
    );
    // The policy is really enforced: an inline style is refused and reported.
    h.js("const s = document.createElement('style'); s.textContent = 'p {}'; document.head.append(s); return null;", vec![])
        .await;
    h.wait_js(
        "the watch reports a blocked inline style",
        "return window.__cspViolations.length === 1;",
        vec![],
    )
    .await;
}
