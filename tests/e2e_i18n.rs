//! End-to-end tests of the widget's languages: every locale renders the demo thread with no
//! untranslated text, and Arabic is laid out right to left.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use support::{DEMO_KEY, Harness};

const LOCALES: [&str; 8] = ["en", "de", "fr", "es", "pt", "ru", "ja", "ar"];

/// Mounts (or remounts) the demo thread in `lang`, opens a reply form and the formatting help,
/// and returns every piece of the widget's own text: text nodes and the aria-label,
/// placeholder and title attributes, leaving out what readers wrote (bodies, names) and the
/// markdown samples.
async fn ui_texts(h: &Harness, lang: &str) -> Json {
    let script = "const done = arguments[arguments.length - 1];
        const el = document.getElementById('app');
        el.addEventListener('talkback:ready', () => {
            const sr = el.shadowRoot;
            sr.querySelector('article.tb-comment:not(.tb-deleted) button.tb-reply').click();
            sr.querySelector('details.tb-help').open = true;
            requestAnimationFrame(() => setTimeout(() => {
                const skip = '.tb-body, .tb-author, .tb-reply-to-name, .tb-collapsed-summary, code, .tb-score, script';
                const texts = new Set();
                const walk = node => {
                    for (const child of node.childNodes) {
                        if (child.nodeType === Node.TEXT_NODE) {
                            const t = child.textContent.trim();
                            if (t) texts.add(t);
                        } else if (child.nodeType === Node.ELEMENT_NODE && !child.matches(skip)) {
                            for (const a of ['aria-label', 'placeholder', 'title']) {
                                const v = child.getAttribute(a);
                                if (v && v.trim()) texts.add(v.trim());
                            }
                            walk(child);
                        }
                    }
                };
                walk(sr.querySelector('.tb-root'));
                const root = sr.querySelector('.tb-root');
                done({ texts: [...texts], lang: root.getAttribute('lang'), dir: getComputedStyle(root).direction,
                       form: !!sr.querySelector('article form.tb-form') });
            }, 50));
        }, { once: true });
        if (window.handle) handle.update({ lang: arguments[0] });
        else window.handle = Talkback.mount(el, { thread: arguments[1], lang: arguments[0], loading: 'eager' });";
    h.client
        .execute_async(script, vec![json!(lang), json!(DEMO_KEY)])
        .await
        .expect("the widget renders")
}

/// The values of a locale file, which may legitimately equal English ones ("Link" in German).
fn locale_values(lang: &str) -> BTreeSet<String> {
    let path = format!("{}/locales/{lang}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().to_owned()))
        .collect()
}

#[tokio::test]
async fn every_locale_renders_the_demo_without_untranslated_text() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/spa.html", h.base))
        .await
        .expect("the app page loads");
    let english = ui_texts(&h, "en").await;
    assert_eq!(english["form"], true, "a reply form was opened: {english}");
    let english: BTreeSet<String> = english["texts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    assert!(
        english.contains("Post reply") && english.contains("Formatting help"),
        "{english:?}"
    );

    for lang in LOCALES.into_iter().skip(1) {
        let shown = ui_texts(&h, lang).await;
        assert_eq!(
            shown["lang"], lang,
            "the widget says which language it speaks"
        );
        let own = locale_values(lang);
        // Text that reads the same as in English is untranslated, unless the locale says so
        // itself; text without letters (numbers, arrows) is left out.
        let untranslated: Vec<&str> = shown["texts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .filter(|t| t.chars().any(char::is_alphabetic))
            .filter(|t| english.contains(*t) && !own.contains(*t))
            .collect();
        assert_eq!(
            untranslated,
            Vec::<&str>::new(),
            "{lang}: English left in the widget"
        );
        assert!(
            shown["texts"].as_array().is_some_and(|t| t.len() > 30),
            "{lang}: {shown}"
        );
    }
}

#[tokio::test]
async fn arabic_is_laid_out_right_to_left_with_arabic_plurals() {
    let h = Harness::start().await;
    h.client
        .goto(&format!("{}/spa.html", h.base))
        .await
        .expect("the app page loads");
    let shown = ui_texts(&h, "ar").await;
    assert_eq!(
        (shown["lang"].as_str(), shown["dir"].as_str()),
        (Some("ar"), Some("rtl")),
        "{shown}"
    );
    let layout = h
        .js(
            "const sr = document.getElementById('app').shadowRoot;
             const replies = getComputedStyle(sr.querySelector('.tb-replies'));
             const art = sr.querySelector('article.tb-comment');
             const avatar = art.querySelector('.tb-avatar').getBoundingClientRect();
             const body = art.querySelector('.tb-body').getBoundingClientRect();
             return { right: replies.borderRightWidth, left: replies.borderLeftWidth,
                      avatarRightOfText: avatar.left > body.left,
                      count: sr.querySelector('.tb-count').textContent };",
            vec![],
        )
        .await;
    assert_eq!(
        (layout["right"].as_str(), layout["left"].as_str()),
        (Some("2px"), Some("0px")),
        "thread line on the right: {layout}"
    );
    assert_eq!(
        layout["avatarRightOfText"], true,
        "avatars sit on the right: {layout}"
    );
    // The demo thread has 49 comments: Arabic uses its "many" form for 11–99.
    assert!(
        layout["count"]
            .as_str()
            .is_some_and(|c| c.ends_with("تعليقًا")),
        "{layout}"
    );
}
