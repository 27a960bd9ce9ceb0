//! Readers signed in through the site: from the `X-Talkback-SSO` header to a reader, and the
//! `verified` mark on their comments.

use std::collections::HashSet;

use axum::http::HeaderMap;

use crate::AppState;
use crate::sso::{HEADER, SignedIn, SsoError};
use crate::store::{CommentRow, ReaderId, StoreError};

/// The raw token of the request, if one was sent.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    let t = headers.get(HEADER)?.to_str().ok()?.trim();
    (!t.is_empty()).then_some(t)
}

/// Whom the request's token vouches for: `Ok(None)` without a token or when this server has no
/// SSO secret (the header is then ignored, as for any server without sign-in).
pub fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, SsoError> {
    match (&state.sso, token(headers)) {
        (Some(verifier), Some(t)) => verifier.verify(t, now_secs()).map(Some),
        _ => Ok(None),
    }
}

/// The reader of a signed-in account, created on first sight when `create`.
pub async fn reader_of(
    state: &AppState,
    who: &SignedIn,
    create: bool,
) -> Result<Option<ReaderId>, StoreError> {
    state.store.account_reader(who.id.clone(), create).await
}

/// Sets `verified` on the rows whose author is a site account.
pub async fn mark_verified(state: &AppState, rows: &mut [CommentRow]) -> Result<(), StoreError> {
    if state.sso.is_none() || rows.is_empty() {
        // Without a secret no account reader can have been created since start; a server that
        // once had SSO keeps showing the mark only while it still has it.
        return Ok(());
    }
    let mut ids: Vec<ReaderId> = rows.iter().map(|r| r.reader_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let verified: HashSet<ReaderId> = state
        .store
        .verified_readers(ids)
        .await?
        .into_iter()
        .collect();
    for row in rows {
        row.verified = verified.contains(&row.reader_id);
    }
    Ok(())
}

fn now_secs() -> i64 {
    crate::clock::now_micros() / 1_000_000
}
