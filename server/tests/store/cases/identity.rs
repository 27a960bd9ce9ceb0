//! Site accounts: one reader per account id, found again from anywhere, and marked verified.

use super::{S, reader};

pub async fn an_account_is_one_reader_everywhere(store: S) {
    assert_eq!(
        store
            .account_reader("acct-1".into(), false)
            .await
            .expect("look up"),
        None,
        "an unseen account is not created by looking"
    );
    let first = store
        .account_reader("acct-1".into(), true)
        .await
        .expect("create");
    let again = store
        .account_reader("acct-1".into(), true)
        .await
        .expect("again");
    let found = store
        .account_reader("acct-1".into(), false)
        .await
        .expect("find");
    assert!(first.is_some());
    assert_eq!(first, again, "the same account is the same reader");
    assert_eq!(first, found);
    let other = store
        .account_reader("acct-2".into(), true)
        .await
        .expect("other");
    assert_ne!(first, other);

    let anonymous = reader(&store).await;
    let (Some(a), Some(b)) = (first, other) else {
        panic!("accounts have readers");
    };
    let mut verified = store
        .verified_readers(vec![anonymous, a, b, a])
        .await
        .expect("verified");
    verified.sort_unstable();
    let mut want = vec![a, b];
    want.sort_unstable();
    assert_eq!(verified, want, "anonymous readers are not verified");
    assert!(
        store
            .verified_readers(Vec::new())
            .await
            .expect("empty")
            .is_empty()
    );
}

pub async fn concurrent_first_sign_ins_make_one_reader(store: S) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.account_reader("racer".into(), true).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.expect("task").expect("sign-in"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
}

pub async fn a_restored_reader_with_an_accounts_hash_becomes_that_account(store: S) {
    // What an export without account lines restores: the account's reader, minus its id.
    let hash = talkback_server::store::identity::account_token_hash("member-9");
    let restored = store.create_reader(hash).await.expect("restored reader");
    let signed_in = store
        .account_reader("member-9".into(), true)
        .await
        .expect("signing in does not clash with the restored reader");
    assert_eq!(signed_in, Some(restored), "the account keeps its comments");
    assert_eq!(
        store.verified_readers(vec![restored]).await.expect("verified"),
        vec![restored]
    );
}
