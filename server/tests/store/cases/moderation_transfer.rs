//! Bans, the audit log and site accounts as exports read them and imports write them back:
//! once, in order, and tied to readers by token hash.

use talkback_protocol::moderation::{BanKind, ModAction};
use talkback_server::clock::now_micros;
use talkback_server::store::identity::account_token_hash;
use talkback_server::store::moderation::{Actor, BanTarget};
use talkback_server::store::moderation_transfer::{ExportedAccount, ExportedBan};

use super::{S, comment, post, reader};

fn actor(reason: &str) -> Actor {
    Actor {
        name: "editor".into(),
        reason: Some(reason.into()),
        now: now_micros(),
    }
}

pub async fn bans_audit_and_accounts_travel_and_import_once(store: S) {
    let troll = reader(&store).await;
    post(&store, comment("bait", "k", troll, None)).await;
    let now = now_micros();
    let day = 86_400 * 1_000_000;
    store
        .moderate(
            "bait".into(),
            ModAction::BanAuthor,
            actor("troll"),
            Some(now + day),
        )
        .await
        .expect("ban author");
    let lifted = store
        .ban(
            BanTarget::Range("198.51.100.0/24".into()),
            None,
            actor("net"),
        )
        .await
        .expect("range");
    store
        .lift_ban(lifted.id, actor("mistake"))
        .await
        .expect("lift");
    store
        .ban(
            BanTarget::Range("203.0.113.0/24".into()),
            None,
            actor("net"),
        )
        .await
        .expect("range");

    // Only bans in force travel, oldest first, the reader named by token hash.
    let bans = store.export_bans(now_micros()).await.expect("bans");
    assert_eq!(bans.len(), 2, "{bans:?}");
    assert_eq!(bans[0].kind, BanKind::Reader);
    assert!(
        bans[0]
            .reader_key
            .as_deref()
            .is_some_and(|k| k.starts_with("hash-"))
    );
    assert_eq!(bans[0].comment_id.as_deref(), Some("bait"));
    assert_eq!(bans[1].ip_range.as_deref(), Some("203.0.113.0/24"));
    assert_eq!(store.import_bans(bans.clone()).await.expect("again"), 0);
    let newcomer = ExportedBan {
        reader_key: Some("import:somebody".into()),
        comment_id: None,
        created_at: now,
        ..bans[0].clone()
    };
    assert_eq!(
        store
            .import_bans(vec![newcomer.clone()])
            .await
            .expect("new"),
        1
    );
    assert_eq!(store.import_bans(vec![newcomer]).await.expect("twice"), 0);
    assert_eq!(store.bans(now_micros()).await.expect("bans").len(), 3);

    // The audit log pages oldest first; an import appends only what is new, in order.
    let first = store.export_audit(0, 1).await.expect("audit");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].action, ModAction::BanAuthor);
    let rest = store.export_audit(first[0].id, 100).await.expect("audit");
    let actions: Vec<ModAction> = rest.iter().map(|e| e.action).collect();
    assert_eq!(actions, [ModAction::Ban, ModAction::Unban, ModAction::Ban]);
    let all: Vec<_> = first.into_iter().chain(rest).collect();
    assert_eq!(store.import_audit(all.clone()).await.expect("again"), 0);
    let mut later = all[0].clone();
    later.created_at += 1;
    later.reason = Some("from another server".into());
    assert_eq!(store.import_audit(vec![later]).await.expect("new"), 1);
    let newest = store.audit_log(None, 1).await.expect("log");
    assert_eq!(newest[0].reason.as_deref(), Some("from another server"));

    // Site accounts: exported with their token hash; an import links only consistent pairs.
    let ada = store
        .account_reader("user-9".into(), true)
        .await
        .expect("account")
        .expect("reader");
    let accounts = store.export_accounts(0, 10).await.expect("accounts");
    assert_eq!(
        accounts,
        [(
            ada,
            ExportedAccount {
                reader_key: account_token_hash("user-9"),
                external_id: "user-9".into()
            }
        )]
    );
    assert_eq!(
        store.export_accounts(ada, 10).await.expect("after").len(),
        0
    );
    let linked = store
        .import_accounts(vec![
            accounts[0].1.clone(),
            ExportedAccount {
                reader_key: account_token_hash("user-42"),
                external_id: "user-42".into(),
            },
            ExportedAccount {
                reader_key: "not-the-accounts-hash".into(),
                external_id: "user-43".into(),
            },
        ])
        .await
        .expect("import accounts");
    assert_eq!(linked, 1, "only user-42 is new and consistent");
    let user_42 = store
        .account_reader("user-42".into(), false)
        .await
        .expect("lookup");
    assert!(user_42.is_some());
    assert_eq!(
        store
            .account_reader("user-42".into(), true)
            .await
            .expect("sign in"),
        user_42,
        "signing in finds the imported reader"
    );
    assert!(
        store
            .account_reader("user-43".into(), false)
            .await
            .expect("lookup")
            .is_none()
    );
}
