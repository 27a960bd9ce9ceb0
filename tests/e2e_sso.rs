//! Sign-in through the site in real Chromium: a page with `data-sso` shows "Posting as NAME"
//! instead of the name field, and the posted comment carries the verified mark, for everyone.

#[allow(dead_code)]
mod support;

use std::process::Command;

use serde_json::json;
use support::Harness;
use support::api::Post;

const SECRET: &str = "e2e-secret-0123456789abcdef0123456789abcdef";

/// A token signed the way docs/identity.md tells sites to, by its Python example.
fn token(id: &str, name: &str) -> String {
    let docs = include_str!("../docs/identity.md");
    let code = docs
        .split("<!-- sso-example: python -->")
        .nth(1)
        .and_then(|rest| rest.split("```python").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("docs/identity.md has the marked Python example");
    let script =
        format!("{code}\nimport sys\nprint(talkback_sso(sys.argv[1], {{'id': sys.argv[2], 'name': sys.argv[3]}}))\n");
    let out = Command::new("python3").args(["-c", &script, SECRET, id, name]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

#[tokio::test]
async fn a_signed_in_reader_posts_as_the_sites_name_with_the_verified_mark() {
    let dir = tempfile::tempdir().expect("a directory for the secret");
    let secret = dir.path().join("sso-secret");
    std::fs::write(&secret, SECRET).expect("write the secret");
    let secret = secret.to_str().expect("utf-8 path").to_owned();
    let h = Harness::start_with(&["--sso-secret-file", secret.as_str()]).await;
    h.seed(|api| api.post(Post { thread: "e2e-sso", parent: None, body: "An anonymous opinion." })).await;

    let page = format!("/signed-in.html?thread=e2e-sso&sso={}", token("member-42", "Grace Hopper"));
    h.open(&page).await;
    let posting_as = h.top_form(".tb-posting-as").await.text().await.expect("text");
    assert_eq!(posting_as, "Posting as Grace Hopper");
    let name_fields = h
        .js(
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form.querySelectorAll('input[name=author]').length;",
            vec![],
        )
        .await;
    assert_eq!(name_fields, json!(0), "the name comes from the site, not the form");

    h.top_form("textarea[name=body]").await.send_keys("Signed in and verified.").await.expect("type");
    h.top_form("button[type=submit]").await.click().await.expect("click Post comment");
    let mine = h.stored_comment("Signed in and verified.").await;
    let meta = h
        .wait_js(
            "the posted comment shows its author with the verified mark",
            "const a = root.getElementById('comment-' + arguments[0]);
             const mark = a?.querySelector(':scope > .tb-comment-main .tb-meta .tb-verified');
             return mark ? [a.querySelector('.tb-author').textContent, mark.textContent.trim(),
                            mark.getAttribute('title')] : null;",
            vec![json!(mine)],
        )
        .await;
    assert_eq!(meta, json!(["Grace Hopper", "Verified account", "Verified account"]));
    assert_eq!(
        support::axe::violations(&h.client).await,
        json!([]),
        "axe-core on the signed-in form and the verified comment"
    );

    // Any reader, signed in or not, sees the mark; the anonymous comment has none.
    h.open("/signed-in.html?thread=e2e-sso").await;
    let marks = h
        .wait_js(
            "both comments are shown",
            "const arts = [...root.querySelectorAll('article.tb-comment')];
             return arts.length == 2 ? arts.map(a => [a.querySelector('.tb-author').textContent,
                 !!a.querySelector('.tb-verified')]).sort() : null;",
            vec![],
        )
        .await;
    assert_eq!(marks, json!([["Grace Hopper", true], ["Guest", false]]));
}

#[tokio::test]
#[ignore = "writes screenshots of the signed-in form and the verified mark; run with TALKBACK_SCREENSHOT_DIR and --ignored"]
async fn screenshots_of_a_signed_in_reader() {
    let dir = std::path::PathBuf::from(std::env::var_os("TALKBACK_SCREENSHOT_DIR").expect("TALKBACK_SCREENSHOT_DIR"));
    let tmp = tempfile::tempdir().expect("a directory for the secret");
    let secret = tmp.path().join("sso-secret");
    std::fs::write(&secret, SECRET).expect("write the secret");
    let secret = secret.to_str().expect("utf-8 path").to_owned();
    let h = Harness::start_with(&["--sso-secret-file", secret.as_str()]).await;
    h.seed(|api| api.post(Post { thread: "e2e-sso-shots", parent: None, body: "An anonymous opinion." })).await;
    let page = format!("/signed-in.html?thread=e2e-sso-shots&sso={}", token("member-7", "Ada Lovelace"));
    for width in [1200u32, 360] {
        h.client.set_window_size(width, 1000).await.expect("resize");
        h.open(&page).await;
        if width == 1200 {
            h.top_form("textarea[name=body]")
                .await
                .send_keys("Signed in, so the site vouches for my name.")
                .await
                .expect("type");
            h.top_form("button[type=submit]").await.click().await.expect("post");
            h.stored_comment("Signed in, so the site vouches").await;
            h.open(&page).await;
        }
        h.js("root.querySelector('.tb-root').scrollIntoView(); return null;", vec![]).await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let png = h.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("sso-{width}.png")), png).expect("write");
    }
}
