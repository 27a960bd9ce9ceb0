//! Reply notifications through a real SMTP server (aiosmtpd): confirmation, reply mails with
//! one-click unsubscribe headers, and the cases where no mail may go out.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::smtp_sink::SmtpSink;

const THREAD: &str = "https://news.example/harbour";

async fn server(sink: &SmtpSink) -> TestServer {
    let url = sink.url();
    TestServer::start_with(|c| {
        c.smtp_url = Some(url);
        c.mail_from = Some("News comments <comments@news.example>".to_owned());
    })
    .await
}

async fn post(
    s: &TestServer,
    token: &str,
    parent: Option<&str>,
    author: &str,
    body: &str,
    email: Option<&str>,
) -> String {
    let res = s
        .post_raw(
            Some(token),
            json!({"thread": THREAD, "title": "Harbour plans", "url": THREAD, "parent_id": parent,
                   "author": author, "body": body, "email": email}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn confirmed_authors_get_one_mail_per_reply_until_they_unsubscribe_with_one_click() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let (ada, ben) = (s.reader().await, s.reader().await);
    let root = post(
        &s,
        &ada,
        None,
        "Ada",
        "The harbour needs a bridge.",
        Some("Ada@Example.com "),
    )
    .await;

    let mails = sink.wait_for(1).await;
    let confirm = &mails[0];
    assert_eq!(confirm.to, ["ada@example.com"]);
    assert!(
        confirm.subject().contains("Confirm"),
        "{}",
        confirm.subject()
    );
    assert!(
        confirm
            .header("from")
            .unwrap_or_default()
            .contains("comments@news.example")
    );
    assert!(
        confirm.body.contains("\u{201c}Harbour plans\u{201d}"),
        "{}",
        confirm.body
    );

    // Not confirmed yet: a reply sends nothing.
    post(&s, &ben, Some(&root), "Ben", "Too expensive.", None).await;
    sink.expect_no_more(1, Duration::from_millis(1500)).await;

    let link = confirm.link(&s.url("/api/v1/notify/confirm"));
    let res = s.client.get(&link).send().await.expect("confirm");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.expect("page").contains("Notifications on"));

    let reply = post(
        &s,
        &ben,
        Some(&root),
        "Ben",
        "Nice **point**, though.\n<script>x</script>",
        None,
    )
    .await;
    let mails = sink.wait_for(2).await;
    let mail = &mails[1];
    assert_eq!(mail.to, ["ada@example.com"]);
    assert_eq!(mail.subject(), "Ben replied to your comment");
    assert!(
        mail.body
            .contains("> Nice **point**, though.\n> <script>x</script>"),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains(&format!("{THREAD}#comment-{reply}")),
        "{}",
        mail.body
    );
    assert!(
        mail.header("content-type")
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    let unsubscribe = mail.link(&s.url("/api/v1/notify/unsubscribe"));
    assert_eq!(
        mail.header("list-unsubscribe"),
        Some(format!("<{unsubscribe}>").as_str())
    );
    assert_eq!(
        mail.header("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );

    // Replying to yourself is no news.
    post(&s, &ada, Some(&root), "Ada", "Answering myself.", None).await;
    sink.expect_no_more(2, Duration::from_millis(1500)).await;

    // RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL.
    let res = s
        .client
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("one-click unsubscribe");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.expect("page").contains("Unsubscribed"));
    post(&s, &ben, Some(&root), "Ben", "Still there?", None).await;
    sink.expect_no_more(2, Duration::from_millis(1500)).await;
}

#[tokio::test]
async fn an_address_is_asked_once_and_bad_links_are_refused() {
    let sink = SmtpSink::start();
    let s = server(&sink).await;
    let ada = s.reader().await;
    post(&s, &ada, None, "Ada", "First.", Some("ada@example.com")).await;
    post(&s, &ada, None, "Ada", "Second.", Some("ada@example.com")).await;
    let mails = sink.wait_for(1).await;
    sink.expect_no_more(1, Duration::from_millis(1500)).await;
    assert_eq!(mails[0].to, ["ada@example.com"]);

    for path in [
        "/api/v1/notify/confirm?token=nope",
        "/api/v1/notify/unsubscribe?token=nope",
        "/api/v1/notify/confirm",
    ] {
        let res = s.client.get(s.url(path)).send().await.expect("request");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            res.text().await.expect("page").contains("not recognised"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn thread_pages_say_whether_this_server_mails_replies() {
    let sink = SmtpSink::start();
    let with_mail = server(&sink).await;
    let without = TestServer::start().await;
    for s in [&with_mail, &without] {
        let token = s.reader().await;
        post(s, &token, None, "Ada", "Mail me maybe.", None).await;
    }
    let q = format!("key={}", crate::common::urlencode(THREAD));
    assert!(with_mail.thread(&q, None).await.thread.reply_mail);
    assert!(!without.thread(&q, None).await.thread.reply_mail);
    // An empty thread says so too, since its form is the first one a reader sees.
    assert!(
        with_mail
            .thread("key=https%3A%2F%2Fnews.example%2Fempty", None)
            .await
            .thread
            .reply_mail
    );
}
