//! End-to-end accessibility tests: axe-core inside Chromium on the demo in both themes, a
//! keyboard-only session, the thread as a semantic tree, and reduced motion.
//!
//! Run through `cargo xtask test`, which installs axe-core, builds what these need and says
//! where it is.

#[allow(dead_code)]
mod support;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value as Json, json};
use support::{Harness, cdp};

async fn axe_violations(h: &Harness) -> Json {
    support::axe::violations(&h.client).await
}

#[tokio::test]
async fn axe_finds_no_violations_on_the_demo_in_light_and_dark_themes() {
    let h = Harness::start().await;
    for scheme in ["light", "dark"] {
        cdp::prefer_color_scheme(&h.client, scheme).await;
        h.open_demo().await;
        // Everything a reader can open is checked too: a reply form and the formatting help.
        let id = h.comment_id("article.tb-comment:not(.tb-deleted)").await;
        h.own(&id, "button.tb-reply")
            .await
            .click()
            .await
            .expect("open a reply form");
        h.widget("details.tb-help summary")
            .await
            .click()
            .await
            .expect("open the formatting help");
        h.own(&id, "form.tb-form textarea").await;
        let violations = axe_violations(&h).await;
        assert_eq!(
            violations,
            json!([]),
            "axe-core violations with the {scheme} theme"
        );
    }
    // axe does look inside the widget's shadow root: a nameless button there is reported.
    h.js(
        "root.querySelector('.tb-header').append(document.createElement('button')); return null;",
        vec![],
    )
    .await;
    let violations = axe_violations(&h).await;
    assert_eq!(violations[0]["id"], "button-name", "{violations}");
}

/// The moderator `--demo-moderator` creates.
const MODERATOR: (&str, &str) = ("editor", "talkback-demo");

#[tokio::test]
async fn axe_finds_no_violations_in_the_moderators_widget_and_the_report_form() {
    let h = Harness::start_with(&["--demo-moderator"]).await;
    h.open_demo().await;
    let id = h.comment_id("article.tb-comment:not(.tb-deleted)").await;
    h.own(&id, ".tb-report").await.click().await.expect("open the report form");
    h.widget(".tb-report-form").await;
    h.widget(".tb-mod-open").await.click().await.expect("open the moderator sign-in");
    h.widget(".tb-mod-sign-in input[name=moderator]").await;
    assert_eq!(axe_violations(&h).await, json!([]), "the report form and the moderator sign-in");

    h.widget(".tb-mod-sign-in input[name=moderator]").await.send_keys(MODERATOR.0).await.expect("name");
    h.widget(".tb-mod-sign-in input[name=password]").await.send_keys(MODERATOR.1).await.expect("password");
    h.widget(".tb-mod-sign-in button[type=submit]").await.click().await.expect("sign in");
    h.widget(".tb-mod-who").await;
    h.own(&id, ".tb-mod-action[data-action=hide]").await.click().await.expect("click Hide");
    h.own(&id, ".tb-mod-confirm input[name=reason]").await;
    assert_eq!(
        axe_violations(&h).await,
        json!([]),
        "the inline moderator controls with a confirmation open, signed in"
    );
}

/// Presses `key` wherever focus is, as a keyboard would.
async fn press(h: &Harness, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    h.client.perform_actions(keys).await.expect("press a key");
}

/// What has focus inside the widget: a short description of the element.
const FOCUSED: &str = "const el = root.activeElement;
    if (!el) return null;
    const art = el.closest('article');
    return [el.tagName.toLowerCase() + (el.className ? '.' + el.className.split(' ').join('.') : ''),
            art ? art.id : null, el.getAttribute('aria-pressed')];";

/// Presses Tab until focus is on `selector` inside comment `article` (or anywhere, for `None`).
async fn tab_to(h: &Harness, selector: &str, article: Option<&str>) {
    for _ in 0..60 {
        let here = h
            .js(
                "const el = root.activeElement;
                 return !!el && el.matches(arguments[0])
                     && (arguments[1] === null || el.closest('article')?.id === arguments[1]);",
                vec![json!(selector), json!(article)],
            )
            .await;
        if here == json!(true) {
            return;
        }
        press(h, Key::Tab.into()).await;
    }
    let at = h.js(FOCUSED, vec![]).await;
    panic!("60 presses of Tab never reached {selector} in {article:?}; focus is on {at}");
}

#[tokio::test]
async fn keyboard_only_reader_tabs_in_votes_replies_and_lands_back_on_the_comment() {
    let h = Harness::start().await;
    h.open_demo().await;
    // Start from the page, just above the widget.
    h.js(
        "const note = document.querySelector('.comments-note');
         note.tabIndex = -1; note.focus(); return document.activeElement === note;",
        vec![],
    )
    .await;
    let id = h.comment_id("article.tb-comment:not(.tb-deleted)").await;
    let article = format!("comment-{id}");

    tab_to(&h, "button.tb-up", Some(&article)).await;
    press(&h, ' ').await;
    h.wait_js_eq(
        "Space votes up",
        FOCUSED,
        vec![],
        json!(["button.tb-action.tb-vote.tb-up", article, "true"]),
    )
    .await;
    h.wait_js(
        "the vote is announced politely",
        "const live = root.querySelector('[role=status][aria-live=polite]');
         return live && live.textContent.startsWith('Upvoted');",
        vec![],
    )
    .await;

    tab_to(&h, "button.tb-reply", Some(&article)).await;
    press(&h, Key::Enter.into()).await;
    h.wait_js_eq(
        "focus goes into the reply form",
        "return root.activeElement?.matches('textarea[name=body]') && root.activeElement.closest('article')?.id;",
        vec![],
        json!(article),
    )
    .await;
    let body = "Replying with the keyboard alone.";
    for c in body.chars() {
        press(&h, c).await;
    }
    tab_to(&h, "form.tb-form button[type=submit]", Some(&article)).await;
    press(&h, Key::Enter.into()).await;
    let reply = h.comment_with(body).await;
    assert_eq!(
        reply.parent.as_deref(),
        Some(article.as_str()),
        "the reply is under the comment"
    );
    h.wait_js_eq(
        "focus lands back on the comment answered",
        "return root.activeElement?.tagName === 'ARTICLE' ? root.activeElement.id : null;",
        vec![],
        json!(article),
    )
    .await;
    let live = h
        .js(
            "return root.querySelector('[role=status]').textContent;",
            vec![],
        )
        .await;
    assert_eq!(live, "Your reply was posted.");

    // Shortcuts from the comment: next twice (its first reply, then the one after), previous,
    // and the parent of that first reply.
    let focused_id =
        "return root.activeElement?.tagName === 'ARTICLE' ? root.activeElement.id : null;";
    press(&h, 'j').await;
    let first_reply = h.js(focused_id, vec![]).await;
    let is_first_reply = h
        .js(
            "return root.getElementById(arguments[0])?.parentElement.closest('article')?.id;",
            vec![first_reply.clone()],
        )
        .await;
    assert_eq!(
        is_first_reply,
        json!(article),
        "j focuses the next comment in reading order: {first_reply}"
    );
    press(&h, 'j').await;
    let after = h.js(focused_id, vec![]).await;
    assert!(
        after.is_string() && after != first_reply,
        "j again moves on: {after}"
    );
    press(&h, 'k').await;
    h.wait_js_eq("k goes back", focused_id, vec![], first_reply)
        .await;
    press(&h, 'p').await;
    h.wait_js_eq("p goes to the parent", focused_id, vec![], json!(article))
        .await;

    tab_to(&h, "button.tb-reply", Some(&article)).await;
    press(&h, Key::Enter.into()).await;
    h.wait_js(
        "the reply form has focus",
        "return root.activeElement?.matches('textarea');",
        vec![],
    )
    .await;
    press(&h, Key::Escape.into()).await;
    h.wait_js_eq(
        "Escape closes the form and focus returns to the comment's Reply button",
        "return root.activeElement?.matches('button.tb-reply') ? root.activeElement.closest('article').id : null;",
        vec![],
        json!(article),
    )
    .await;
}

#[tokio::test]
async fn the_thread_is_a_tree_of_lists_with_levels_positions_and_named_controls() {
    let h = Harness::start().await;
    h.open_demo().await;
    let tree = h
        .js(
            "const items = [...root.querySelectorAll('li.tb-item')];
             const first = items[0], reply = first.querySelector('li.tb-item');
             const unnamed = [...root.querySelectorAll('button, input, textarea, select')]
                 .filter(el => !(el.getAttribute('aria-label') || el.textContent.trim()
                     || el.closest('label')?.textContent.trim()));
             return {
                 lists: root.querySelectorAll('ul.tb-list').length,
                 articlesOutsideItems: [...root.querySelectorAll('article')].filter(a => a.parentElement.tagName !== 'LI').length,
                 first: [first.getAttribute('aria-level'), first.getAttribute('aria-posinset'), first.getAttribute('aria-setsize')],
                 reply: [reply.getAttribute('aria-level'), reply.getAttribute('aria-posinset'),
                         Number(reply.getAttribute('aria-setsize')) >= 1],
                 unnamed: unnamed.map(el => el.outerHTML.slice(0, 80)),
                 shortcuts: first.querySelector('article').getAttribute('aria-keyshortcuts'),
             };",
            vec![],
        )
        .await;
    assert!(
        tree["lists"].as_u64().unwrap_or(0) > 5,
        "nested lists: {tree}"
    );
    assert_eq!(
        tree["articlesOutsideItems"], 0,
        "every comment is a list item: {tree}"
    );
    assert_eq!(tree["first"][0], "1", "{tree}");
    assert_eq!(tree["first"][1], "1", "{tree}");
    assert_eq!(tree["reply"], json!(["2", "1", true]), "{tree}");
    assert_eq!(
        tree["unnamed"],
        json!([]),
        "every control has an accessible name: {tree}"
    );
    assert_eq!(tree["shortcuts"], "J K P", "{tree}");
}

#[tokio::test]
async fn reduced_motion_turns_animations_and_transitions_off() {
    let h = Harness::start().await;
    cdp::call(
        &h.client,
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-reduced-motion", "value": "reduce" }] }),
    )
    .await;
    h.open_demo().await;
    let motion = h
        .js(
            "const d = sel => getComputedStyle(root.querySelector(sel)).transitionDuration;
             return [d('.tb-button'), d('.tb-action'), d('.tb-chevron')];",
            vec![],
        )
        .await;
    assert_eq!(motion, json!(["0s", "0s", "0s"]));
}
