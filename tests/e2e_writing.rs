//! End-to-end tests of writing: editing and deleting one's own comments, the edit window,
//! drafts that survive a reload, and a preview that is exactly what gets stored.
//!
//! Run through `cargo xtask test`, which builds what these need and says where it is.

#[allow(dead_code)]
mod support;

use serde_json::{Value as Json, json};
use support::{DEMO_KEY, Harness, Shown};

/// Types `body` into the top-level form, posts it and waits until it is stored and shown under
/// its stored id. `posted` is how many posts this page has made before.
async fn post_top(h: &Harness, body: &str, posted: u64) -> Shown {
    h.top_form("textarea[name=body]").await.send_keys(body).await.expect("type the comment");
    h.top_form("button[type=submit]").await.click().await.expect("click Post comment");
    stored(h, body, posted).await
}

/// Types `body` into the reply form of comment `parent` and posts it.
async fn post_reply(h: &Harness, parent: &str, body: &str, posted: u64) -> Shown {
    h.own(parent, "button.tb-reply").await.click().await.expect("click Reply");
    h.own(parent, "form.tb-form textarea[name=body]").await.send_keys(body).await.expect("type the reply");
    h.own(parent, "form.tb-form button[type=submit]").await.click().await.expect("click Post reply");
    stored(h, body, posted).await
}

/// Ids of the demo thread's comments (first page, newest first) whose body contains `text`.
async fn stored_ids(h: &Harness, text: &str) -> Vec<String> {
    let text = text.to_owned();
    h.seed(move |api| {
        let page = api.thread(DEMO_KEY, "newest", 100);
        let comments = page["comments"].as_array().cloned().unwrap_or_default();
        comments
            .iter()
            .filter(|c| c["body_html"].as_str().is_some_and(|b| b.contains(&text)))
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect()
    })
    .await
}

/// Waits until the post of `body` has completed, then until the widget shows it under the id
/// the server gave it (an optimistic copy may be shown under another id before).
async fn stored(h: &Harness, body: &str, posted: u64) -> Shown {
    h.wait_requests("/api/v1/comments", posted + 1).await;
    let id = stored_ids(h, body)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the server stored no comment with body {body:?}"));
    h.wait_js(
        &format!("the posted comment is shown as comment-{id}"),
        "return !!root.getElementById('comment-' + arguments[0]);",
        vec![json!(id)],
    )
    .await;
    let shown = h.comment_with(body).await;
    assert_eq!(shown.id, id, "the comment with body {body:?} is shown once, under its stored id");
    shown
}

/// What a comment shows of its edit state: body text, the "edited" marker, whether an edit form
/// is open.
const EDIT_STATE_JS: &str = "const art = root.getElementById('comment-' + arguments[0]);
    if (!art) return 'not shown';
    const own = sel => [...art.querySelectorAll(sel)].find(el => el.closest('article') === art);
    return [own('.tb-body')?.textContent.trim() ?? null, own('.tb-edited')?.textContent.trim() ?? null,
            !!own('form.tb-edit-form')];";

async fn wait_edit_state(h: &Harness, id: &str, want: Json, when: &str) {
    let what = format!("{when}: comment {id} shows [body, edited marker, edit form open]");
    h.wait_js_eq(&what, EDIT_STATE_JS, vec![json!(id)], want).await;
}

/// The value of a field of the top-level form.
async fn top_value(h: &Harness, selector: &str) -> String {
    h.top_form(selector).await.prop("value").await.expect("read the field").unwrap_or_default()
}

async fn value(h: &Harness, id: &str, selector: &str) -> String {
    let field = h.own(id, selector).await;
    field.prop("value").await.expect("read the field").unwrap_or_default()
}

#[tokio::test]
async fn an_own_comment_edited_within_the_window_shows_the_new_text_marked_edited() {
    let h = Harness::start().await;
    h.open_demo().await;
    let original = "The bridge opened in 1849, if I remember rightly.";
    let edited = "The bridge opened in 1894, as the article says.";
    let c = post_top(&h, original, 0).await;

    let remaining = h.own(&c.id, ".tb-edit-remaining").await.text().await.expect("remaining time");
    assert!(remaining.contains("min left to edit"), "a fresh comment says how long it can be edited: {remaining:?}");
    h.own(&c.id, "button.tb-edit").await.click().await.expect("click Edit");
    assert_eq!(value(&h, &c.id, "form.tb-edit-form textarea[name=body]").await, original, "the editor holds the text");
    let area = h.own(&c.id, "form.tb-edit-form textarea[name=body]").await;
    area.clear().await.expect("clear the editor");
    area.send_keys(edited).await.expect("type the new text");
    h.own(&c.id, "form.tb-edit-form button[type=submit]").await.click().await.expect("click Save");
    wait_edit_state(&h, &c.id, json!([edited, "edited", false]), "after saving").await;
    h.wait_requests(&format!("/api/v1/comments/{}", c.id), 1).await;

    h.reload().await;
    wait_edit_state(&h, &c.id, json!([edited, "edited", false]), "after reloading").await;
    let title = h.own(&c.id, ".tb-edited").await.attr("title").await.expect("read title").unwrap_or_default();
    assert!(!title.trim().is_empty(), "the edited marker tells when on hover");
    let posted = h.own(&c.id, "time").await.attr("title").await.expect("read title").unwrap_or_default();
    assert!(posted.contains(':'), "the posting time shows the exact date and time on hover: {posted:?}");
    // After a reload the editor starts from the text as shown.
    h.own(&c.id, "button.tb-edit").await.click().await.expect("click Edit after the reload");
    assert_eq!(value(&h, &c.id, "form.tb-edit-form textarea[name=body]").await, edited);
}

#[tokio::test]
async fn an_edit_after_the_window_is_refused_with_a_message_and_the_text_is_kept() {
    const WINDOW_SECS: u64 = 5;
    let h = Harness::start_with(&["--edit-window", &WINDOW_SECS.to_string()]).await;
    h.open_demo().await;
    let original = "Written in haste, to be corrected too late.";
    let late = "This correction comes after the edit window closed.";
    let c = post_top(&h, original, 0).await;

    h.own(&c.id, "button.tb-edit").await.click().await.expect("click Edit while the window is open");
    let area = h.own(&c.id, "form.tb-edit-form textarea[name=body]").await;
    area.clear().await.expect("clear the editor");
    area.send_keys(late).await.expect("type the new text");
    // Wait (by the page's clock) until the window has surely closed: created_at is to the second.
    h.wait_js(
        "the edit window has closed",
        "const art = root.getElementById('comment-' + arguments[0]);
         return Date.now() > Date.parse(art.querySelector('time').getAttribute('datetime')) + arguments[1];",
        vec![json!(c.id), json!((WINDOW_SECS + 2) * 1000)],
    )
    .await;
    h.own(&c.id, "form.tb-edit-form button[type=submit]").await.click().await.expect("click Save");
    let error = h
        .wait_js(
            "the refusal is announced at the comment",
            "const art = root.getElementById('comment-' + arguments[0]);
             const e = [...art.querySelectorAll('.tb-error[role=alert]')]
                 .find(e => e.closest('article') === art && e.textContent.trim() !== '');
             return e ? e.textContent.trim() : null;",
            vec![json!(c.id)],
        )
        .await;
    assert!(
        error.as_str().unwrap_or_default().to_lowercase().contains("edit"),
        "the message says the comment can no longer be edited: {error}"
    );
    assert_eq!(value(&h, &c.id, "form.tb-edit-form textarea[name=body]").await, late, "the typed text is kept");

    h.reload().await;
    wait_edit_state(&h, &c.id, json!([original, null, false]), "after reloading").await;
    let edit = h
        .js(
            "const art = root.getElementById('comment-' + arguments[0]);
             return [...art.querySelectorAll('button.tb-edit, button.tb-delete')].filter(b => b.closest('article') === art).length;",
            vec![json!(c.id)],
        )
        .await;
    assert_eq!(edit, json!(0), "no Edit or Delete once the window has closed");
}

/// Draft keys in localStorage whose value contains `text`.
async fn draft_keys(h: &Harness, text: &str) -> Json {
    h.wait_js(
        &format!("a draft holding {text:?} is saved"),
        "const keys = Object.keys(localStorage).filter(k => k.startsWith('talkback.draft:')
             && (localStorage.getItem(k) ?? '').includes(arguments[0]));
         return keys.length ? keys : null;",
        vec![json!(text)],
    )
    .await
}

#[tokio::test]
async fn drafts_of_a_comment_and_a_reply_survive_a_reload_and_go_once_posted() {
    let h = Harness::start().await;
    h.open_demo().await;
    let top = "A draft for the whole thread, not posted yet.";
    let reply = "A draft reply, not posted yet.";
    let parent = h.comment_id("article.tb-comment[data-depth=\"0\"]:not(.tb-deleted)").await;

    h.top_form("textarea[name=body]").await.send_keys(top).await.expect("type the comment");
    h.own(&parent, "button.tb-reply").await.click().await.expect("click Reply");
    h.own(&parent, "form.tb-form textarea[name=body]").await.send_keys(reply).await.expect("type the reply");
    let keys = draft_keys(&h, top).await;
    assert!(keys[0].as_str().unwrap_or_default().ends_with(":root"), "top-level draft key {keys}");
    let keys = draft_keys(&h, reply).await;
    assert!(keys[0].as_str().unwrap_or_default().ends_with(&format!(":{parent}")), "reply draft key {keys}");

    h.reload().await;
    let kept = top_value(&h, "textarea[name=body]").await;
    assert_eq!(kept, top, "the top-level draft is back after a reload");
    h.own(&parent, "button.tb-reply").await.click().await.expect("click Reply after the reload");
    assert_eq!(value(&h, &parent, "form.tb-form textarea[name=body]").await, reply, "the reply draft is back");

    h.top_form("button[type=submit]").await.click().await.expect("post the top-level draft");
    h.comment_with(top).await;
    h.wait_requests("/api/v1/comments", 1).await;
    h.wait_js(
        "the posted draft is cleared from storage",
        "return !Object.keys(localStorage).some(k => (localStorage.getItem(k) ?? '').includes(arguments[0]));",
        vec![json!(top)],
    )
    .await;
    h.reload().await;
    let after = top_value(&h, "textarea[name=body]").await;
    assert_eq!(after, "", "a posted draft does not come back");
}

#[tokio::test]
async fn the_preview_is_exactly_the_html_the_posted_comment_shows() {
    const SAMPLE: &str = "A *careful* reading of [the survey](https://example.org/survey) says:\n\n\
        > the ties are rated for a third of today's load\n\n- close it to cars\n- keep the buses";
    let h = Harness::start().await;
    h.open_demo().await;
    let area = h.top_form("textarea[name=body]").await;
    area.send_keys(SAMPLE).await.expect("type the markdown");
    assert_eq!(area.prop("value").await.expect("read").as_deref(), Some(SAMPLE), "typed as written");

    let write = h.top_form("button.tb-tab-write").await;
    let preview_tab = h.top_form("button.tb-tab-preview").await;
    preview_tab.click().await.expect("click Preview");
    assert_eq!(preview_tab.attr("aria-selected").await.expect("read").as_deref(), Some("true"));
    let preview = h
        .wait_js(
            "the preview shows the rendered markdown",
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             const p = form && form.querySelector('.tb-preview');
             return p && p.querySelector('blockquote') ? p.innerHTML : null;",
            vec![],
        )
        .await;
    let preview = preview.as_str().unwrap_or_default().to_owned();
    for tag in ["<em>", "<a ", "<blockquote>", "<li>"] {
        assert!(preview.contains(tag), "the preview has {tag}: {preview}");
    }

    write.click().await.expect("click Write");
    assert_eq!(write.attr("aria-selected").await.expect("read").as_deref(), Some("true"));
    h.top_form("button[type=submit]").await.click().await.expect("click Post comment");
    let c = stored(&h, "the ties are rated for a third", 0).await;
    // From a fresh load, so what is compared is what the server stored.
    h.reload().await;
    let stored = h
        .js(
            "const art = root.getElementById('comment-' + arguments[0]);
             return [...art.querySelectorAll('.tb-body')].find(b => b.closest('article') === art).innerHTML;",
            vec![json!(c.id)],
        )
        .await;
    assert_eq!(stored.as_str().unwrap_or_default(), preview, "the stored comment renders exactly as previewed");
}

/// The number in the comment count header.
async fn shown_count(h: &Harness) -> u64 {
    let text = h.widget(".tb-count").await.text().await.expect("header text");
    text.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0)
}

async fn delete(h: &Harness, id: &str) {
    h.own(id, "button.tb-delete").await.click().await.expect("click Delete");
    h.own(id, "button.tb-delete-confirm").await.click().await.expect("confirm the deletion");
}

#[tokio::test]
async fn deleting_an_own_comment_removes_it_or_leaves_a_placeholder_over_its_replies() {
    let h = Harness::start().await;
    h.open_demo().await;
    let alone = post_top(&h, "Nobody will answer this one.", 0).await;
    let answered = post_top(&h, "This one gets an answer.", 1).await;
    let answer = post_reply(&h, &answered.id, "And here is the answer.", 2).await;
    let count = shown_count(&h).await;

    delete(&h, &alone.id).await;
    h.wait_js(
        "the deleted comment without replies disappears",
        "return !root.getElementById('comment-' + arguments[0]);",
        vec![json!(alone.id)],
    )
    .await;
    h.wait_requests(&format!("/api/v1/comments/{}", alone.id), 1).await;

    delete(&h, &answered.id).await;
    let placeholder = "This comment was deleted.";
    let state = "const art = root.getElementById('comment-' + arguments[0]);
         const reply = root.getElementById('comment-' + arguments[1]);
         if (!art) return 'not shown';
         const body = [...art.querySelectorAll('.tb-body')].find(b => b.closest('article') === art);
         return [art.classList.contains('tb-deleted'), body?.textContent.trim() ?? null,
                 reply?.parentElement.closest('article')?.id ?? null];";
    let want = json!([true, placeholder, format!("comment-{}", answered.id)]);
    let args = vec![json!(answered.id), json!(answer.id)];
    h.wait_js_eq("the deleted comment with a reply is a placeholder", state, args.clone(), want.clone()).await;
    h.wait_requests(&format!("/api/v1/comments/{}", answered.id), 1).await;
    assert_eq!(shown_count(&h).await, count - 2, "the count drops by the two deleted comments");

    h.reload().await;
    let gone = h.js("return !root.getElementById('comment-' + arguments[0]);", vec![json!(alone.id)]).await;
    assert_eq!(gone, json!(true), "after a reload the comment without replies is still gone");
    h.wait_js_eq("after a reload the placeholder keeps its reply", state, args, want).await;
    assert_eq!(shown_count(&h).await, count - 2);
}

/// Puts `n` characters into the top-level form's textarea as one input (typing thousands of keys
/// would take the test most of a minute), then types `then` for real.
async fn fill_top(h: &Harness, n: usize, then: &str) {
    h.js(
        "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
         const area = form.querySelector('textarea[name=body]');
         area.value = 'a'.repeat(arguments[0]);
         area.dispatchEvent(new Event('input', { bubbles: true }));
         return null;",
        vec![json!(n)],
    )
    .await;
    h.top_form("textarea[name=body]").await.send_keys(then).await.expect("type");
}

/// The text of the top-level form's visible character counter, if any.
const COUNTER_JS: &str = "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
    const c = form.querySelector('.tb-counter');
    return c && c.getClientRects().length ? c.textContent.trim() : null;";

#[tokio::test]
async fn the_form_counts_characters_near_the_limit_and_blocks_a_too_long_comment() {
    let h = Harness::start().await;
    h.open_demo().await;
    fill_top(&h, 7_999, "b").await;
    h.wait_js_eq("well below the limit there is no counter", COUNTER_JS, vec![], Json::Null).await;
    fill_top(&h, 9_119, "b").await;
    h.wait_js_eq("near the limit a counter shows", COUNTER_JS, vec![], json!("9,120 / 10,000")).await;
    fill_top(&h, 10_000, "b").await;
    h.wait_js_eq("over the limit the counter says so", COUNTER_JS, vec![], json!("10,001 / 10,000")).await;

    h.top_form("button[type=submit]").await.click().await.expect("try to post");
    let error = h.top_form(".tb-form-error[role=alert]").await.text().await.expect("error text");
    assert!(error.contains("10000") || error.contains("10,000"), "the message gives the limit: {error:?}");
    let posts = h
        .js(
            "return performance.getEntriesByType('resource')
                 .filter(e => new URL(e.name).pathname.endsWith('/api/v1/comments')).length;",
            vec![],
        )
        .await;
    assert_eq!(posts, json!(0), "a too-long comment is not sent");
}

#[tokio::test]
async fn clicking_post_several_times_at_once_posts_one_comment() {
    let h = Harness::start().await;
    h.open_demo().await;
    let body = "Posted with an impatient triple click.";
    h.top_form("textarea[name=body]").await.send_keys(body).await.expect("type the comment");
    h.js(
        "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
         const button = form.querySelector('button[type=submit]');
         button.click(); button.click(); button.click();
         return null;",
        vec![],
    )
    .await;
    stored(&h, body, 0).await;
    assert_eq!(stored_ids(&h, body).await.len(), 1, "the server stored the comment once");
    let shown = h
        .js(
            "return [...root.querySelectorAll('.tb-body')].filter(b => b.textContent.includes(arguments[0])).length;",
            vec![json!(body)],
        )
        .await;
    assert_eq!(shown, json!(1), "the widget shows it once");
}

#[tokio::test]
async fn name_and_email_are_remembered_and_the_email_is_never_shown_or_sent_back() {
    const EMAIL: &str = "ruth.e2e@example.org";
    let h = Harness::start().await;
    h.open_demo().await;
    let label = h
        .js(
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             const input = form.querySelector('input[name=email][type=email]');
             return input ? input.closest('label')?.textContent.trim() ?? input.getAttribute('aria-label') : null;",
            vec![],
        )
        .await;
    // This server has no --smtp-url, so the field promises no reply notifications (e2e_notify has one that does).
    assert_eq!(label, json!("Email (optional, never shown — only the site's team can see it)"));
    h.top_form("input[name=author]").await.send_keys("Ruth from Riverside").await.expect("type a name");
    h.top_form("input[name=email]").await.send_keys(EMAIL).await.expect("type an email");
    let body = "Please let me know if anyone answers.";
    let c = post_top(&h, body, 0).await;
    let author = h.own(&c.id, ".tb-author").await.text().await.expect("author");
    assert_eq!(author.trim(), "Ruth from Riverside");

    h.reload().await;
    assert_eq!(top_value(&h, "input[name=author]").await, "Ruth from Riverside", "the name is remembered");
    assert_eq!(top_value(&h, "input[name=email]").await, EMAIL, "the email is remembered for this reader");
    let text = h.js("return root.textContent + document.body.textContent;", vec![]).await;
    assert!(!text.as_str().unwrap_or_default().contains(EMAIL), "the email appears in no text on the page");
    let page = h.seed(|api| api.thread(DEMO_KEY, "newest", 100)).await;
    assert!(!page.to_string().contains(EMAIL), "the API never sends the email back");
}
