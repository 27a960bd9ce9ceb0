//! Notification addresses and the mail outbox: confirmation, unsubscribing, whom a reply goes
//! to, and claims that hand each mail to one sender.

use std::collections::HashSet;

use talkback_server::clock::now_micros;
use talkback_server::store::notify::{MailOutcome, NewMail, Subscribed};

use super::{S, comment, post, reader};

const HOUR: i64 = 3_600_000_000;

fn mail(to: &str, now: i64) -> NewMail {
    NewMail {
        recipient: to.into(),
        subject: "s".into(),
        body: "b".into(),
        unsubscribe_url: Some("https://c.example/u?token=t".into()),
        created_at: now,
    }
}

pub async fn addresses_are_confirmed_once_and_unsubscribed_by_token(store: S) {
    let now = now_micros();
    let sub = |now: i64| {
        let store = store.clone();
        async move {
            store
                .subscribe(
                    "ann@example.org".into(),
                    "c-tok".into(),
                    "u-tok".into(),
                    now,
                    now - HOUR,
                )
                .await
                .expect("subscribe")
        }
    };
    assert_eq!(
        sub(now).await,
        Subscribed::SendConfirmation {
            confirm_token: "c-tok".into()
        }
    );
    assert_eq!(
        sub(now + 1).await,
        Subscribed::Nothing,
        "asked less than an hour ago"
    );
    assert_eq!(
        sub(now + 2 * HOUR).await,
        Subscribed::SendConfirmation {
            confirm_token: "c-tok".into()
        },
        "asked again after an hour, with the same link"
    );

    let ann = reader(&store).await;
    let bob = reader(&store).await;
    post(&store, comment("p", "k", ann, None)).await;
    assert_eq!(
        store.reply_recipient("p".into()).await.expect("r"),
        None,
        "not confirmed"
    );
    assert_eq!(store.confirm("nope".into(), now).await.expect("c"), None);
    assert_eq!(
        store
            .confirm("c-tok".into(), now)
            .await
            .expect("confirm")
            .as_deref(),
        Some("ann@example.org")
    );
    assert_eq!(
        sub(now + 4 * HOUR).await,
        Subscribed::Nothing,
        "confirmed addresses are not asked"
    );
    let to = store
        .reply_recipient("p".into())
        .await
        .expect("r")
        .expect("a recipient");
    assert_eq!(
        (
            to.reader_id,
            to.email.as_str(),
            to.unsubscribe_token.as_str()
        ),
        (ann, "ann@example.org", "u-tok")
    );
    post(&store, comment("q", "k", bob, Some("p"))).await;

    assert_eq!(
        store.unsubscribe("nope".into(), now).await.expect("u"),
        None
    );
    assert!(
        store
            .unsubscribe("u-tok".into(), now)
            .await
            .expect("u")
            .is_some()
    );
    assert_eq!(
        store.reply_recipient("p".into()).await.expect("r"),
        None,
        "unsubscribed"
    );
    // Confirming the link again turns them back on.
    store.confirm("c-tok".into(), now).await.expect("confirm");
    assert!(
        store
            .reply_recipient("p".into())
            .await
            .expect("r")
            .is_some()
    );
}

pub async fn each_mail_is_claimed_by_one_sender_until_its_lease_ends(store: S) {
    let now = now_micros();
    for i in 0..6 {
        store
            .enqueue_mail(mail(&format!("r{i}@example.org"), now))
            .await
            .expect("queue");
    }
    // Four senders race for the six mails: none gets a mail another one got.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_mails(now, now + 60_000_000, 2).await })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut claimed = Vec::new();
    for t in tasks {
        for m in t.await.expect("task").expect("claim") {
            assert!(seen.insert(m.id), "mail {} claimed twice", m.id);
            assert_eq!(m.attempts, 1);
            claimed.push(m);
        }
    }
    assert_eq!(claimed.len(), 6);
    assert!(
        store
            .claim_mails(now, now + 60_000_000, 10)
            .await
            .expect("claim")
            .is_empty(),
        "all leased"
    );

    let (sent, retried, dropped) = (claimed[0].id, claimed[1].id, claimed[2].id);
    store
        .finish_mail(sent, MailOutcome::Sent, now)
        .await
        .expect("sent");
    let retry = MailOutcome::Failed {
        error: "421 busy".into(),
        retry_at: Some(now + 1),
    };
    store.finish_mail(retried, retry, now).await.expect("retry");
    let give_up = MailOutcome::Failed {
        error: "550 no such user".into(),
        retry_at: None,
    };
    store
        .finish_mail(dropped, give_up, now)
        .await
        .expect("give up");

    // After the lease the unfinished ones come back (their sender died), the retry among them;
    // sent and given-up mails never do.
    let later = now + 61_000_000;
    let again: Vec<i64> = store
        .claim_mails(later, later + 60_000_000, 10)
        .await
        .expect("claim")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(again.len(), 4, "{again:?}");
    assert!(again.contains(&retried));
    assert!(!again.contains(&sent) && !again.contains(&dropped));
    let retried_mail = store
        .claim_mails(later + 61_000_000, later + 120_000_000, 10)
        .await
        .expect("claim");
    assert!(
        retried_mail.iter().all(|m| m.attempts == 3),
        "{retried_mail:?}"
    );
}
