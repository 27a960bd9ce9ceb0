//! The cases: each takes a fresh, empty store and checks one part of the [`Store`] contract.

mod comments;
mod events;
mod limits;
mod identity;
mod notify;
mod moderation;
mod moderation_transfer;
mod transfer;

pub use comments::*;
pub use events::*;
pub use limits::*;
pub use identity::*;
pub use notify::*;
pub use moderation::*;
pub use moderation_transfer::*;
pub use transfer::*;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use talkback_server::clock::now_micros;
use talkback_server::store::{EditGrant, InsertComment, ReaderId, Store};

pub type S = Arc<dyn Store>;

/// A new reader with a unique token hash.
pub async fn reader(store: &S) -> ReaderId {
    static N: AtomicU64 = AtomicU64::new(0);
    let hash = format!(
        "hash-{}-{}",
        now_micros(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    store.create_reader(hash).await.expect("create reader")
}

/// A comment by `reader` on thread `key`.
pub fn comment(id: &str, key: &str, reader: ReaderId, parent: Option<&str>) -> InsertComment {
    InsertComment {
        id: id.into(),
        thread_key: key.into(),
        title: Some("Title".into()),
        url: Some("https://example.org/a".into()),
        parent_id: parent.map(Into::into),
        reader_id: reader,
        author: Some("Ann".into()),
        body_md: format!("body of {id}"),
        body_html: format!("<p>body of {id}</p>"),
        created_at: now_micros(),
        email: Some("ann@example.org".into()),
        client_token: None,
        status: Default::default(),
        ip: None,
    }
}

/// Posts a comment, asserting it was created.
pub async fn post(store: &S, c: InsertComment) {
    let id = c.id.clone();
    let posted = store.insert_comment(c).await.expect("post");
    assert!(posted.created, "{id} was not created");
}

/// An edit grant for `reader` now, with a one-hour window.
pub fn grant(reader: ReaderId) -> EditGrant {
    EditGrant {
        reader,
        now: now_micros(),
        window_secs: 3600,
    }
}
