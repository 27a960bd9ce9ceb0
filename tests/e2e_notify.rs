//! Reply notifications in real Chromium against a real SMTP sink (aiosmtpd): a reader posts
//! with an address and confirms it through the mailed link, another reader replies in the
//! widget, the reply mail arrives, and its unsubscribe link works in the browser.

#[path = "../server/tests/api/smtp_sink.rs"]
#[allow(dead_code)]
mod smtp_sink;
mod support;

use std::time::Duration;

use smtp_sink::SmtpSink;
use support::Harness;

const PAGE: &str = "/signed-in.html?thread=e2e-notify";
const EMAIL: &str = "ruth@riverside.example";

/// Opens `url` and returns the page's text once it has a heading.
async fn page_text(h: &Harness, url: &str) -> String {
    h.client.goto(url).await.unwrap_or_else(|e| panic!("{url} loads: {e}"));
    let text = h
        .wait_js(
            "the page has a heading",
            "return document.querySelector('h1')?.textContent ?? null;",
            vec![],
        )
        .await;
    let body = h.js("return document.body.innerText;", vec![]).await;
    format!(
        "{} {}",
        text.as_str().unwrap_or_default(),
        body.as_str().unwrap_or_default()
    )
}

#[tokio::test]
async fn a_reply_mail_reaches_the_author_and_its_unsubscribe_link_works() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let h = Harness::start_with(&[
        "--smtp-url",
        url.as_str(),
        "--mail-from",
        "Riverside comments <comments@riverside.example>",
    ])
    .await;

    // Ruth comments with her address; the field says what it is for.
    h.open(PAGE).await;
    assert!(email_label(&h).await.contains("reply notifications"));
    h.top_form("textarea[name=body]")
        .await
        .send_keys("Who pays for the new bridge?")
        .await
        .expect("type");
    h.top_form("input[name=author]")
        .await
        .send_keys("Ruth")
        .await
        .expect("type a name");
    h.top_form("input[name=email]")
        .await
        .send_keys(EMAIL)
        .await
        .expect("type an email");
    h.top_form("button[type=submit]")
        .await
        .click()
        .await
        .expect("click Post comment");
    let ruths = h.stored_comment("Who pays for the new bridge?").await;

    // The confirmation mail arrives; its link turns notifications on.
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].to, [EMAIL]);
    let confirm = mails[0].link(&format!("{}/api/v1/notify/confirm", h.base));
    assert!(page_text(&h, &confirm).await.contains("Notifications on"));

    // Another reader (a fresh browser identity) replies in the widget.
    h.client
        .goto(&format!("{}{PAGE}", h.base))
        .await
        .expect("back to the article");
    h.js("localStorage.clear();", vec![]).await;
    h.open(PAGE).await;
    h.own(&ruths, "button.tb-reply")
        .await
        .click()
        .await
        .expect("click Reply");
    h.own(&ruths, "form.tb-form textarea[name=body]")
        .await
        .send_keys("The county, mostly.")
        .await
        .expect("type");
    h.own(&ruths, "form.tb-form input[name=author]")
        .await
        .send_keys("Sam")
        .await
        .expect("type a name");
    h.own(&ruths, "form.tb-form button[type=submit]")
        .await
        .click()
        .await
        .expect("click Post reply");
    let reply = h.stored_comment("The county, mostly.").await;

    let mails = sink.wait_for(2).await;
    let mail = &mails[1];
    assert_eq!(mail.to, [EMAIL]);
    assert_eq!(mail.subject(), "Sam replied to your comment");
    assert!(mail.body.contains("> The county, mostly."), "{}", mail.body);
    let permalink = format!("{}/signed-in.html#comment-{reply}", h.base);
    assert!(mail.body.contains(&permalink), "{}", mail.body);
    assert_eq!(mail.header("list-unsubscribe-post"), Some("List-Unsubscribe=One-Click"));

    // The mailed permalink opens the reply in the thread.
    h.open(&format!("/signed-in.html?thread=e2e-notify#comment-{reply}"))
        .await;
    h.comment_with("The county, mostly.").await;

    // Unsubscribing in the browser stops further mails.
    let unsubscribe = mail.link(&format!("{}/api/v1/notify/unsubscribe", h.base));
    assert_eq!(
        mail.header("list-unsubscribe"),
        Some(format!("<{unsubscribe}>").as_str())
    );
    assert!(page_text(&h, &unsubscribe).await.contains("Unsubscribed"));
    let again = h
        .seed(move |api| {
            api.post(support::api::Post {
                thread: "e2e-notify",
                parent: Some(&ruths),
                body: "Another answer.",
            })
        })
        .await;
    assert!(!again.is_empty());
    sink.expect_no_more(2, Duration::from_secs(3)).await;
}

/// The accessible label of the top-level form's email field.
async fn email_label(h: &Harness) -> String {
    let label = h
        .wait_js(
            "the top-level form has an email field",
            "const form = [...root.querySelectorAll('form.tb-form')].find(f => !f.closest('article'));
             return form?.querySelector('input[name=email]')?.closest('label')?.querySelector('.tb-label')?.textContent ?? null;",
            vec![],
        )
        .await;
    label.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn without_mail_the_email_field_promises_no_notifications() {
    let h = Harness::start().await;
    h.open_demo().await;
    let label = email_label(&h).await;
    assert!(!label.contains("notification"), "{label}");
    assert!(label.contains("only the site's team can see it"), "{label}");
    let title = h
        .js("return root.querySelector('form.tb-form input[name=email]').title;", vec![])
        .await;
    assert_eq!(title.as_str(), Some(label.as_str()), "the tooltip says the same");
}
