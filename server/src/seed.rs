//! Demo seeding: the sample discussion under the demo article, written like real posts.

use std::collections::HashMap;

use talkback_protocol::normalize_thread_key;

use crate::clock::now_micros;
use crate::ids::{new_comment_id, new_token, token_hash};
use crate::render::render_markdown;
use crate::seed_data::{self, SeedComment};
use crate::store::{ImportComment, ImportThread, Store, StoreError};

/// Why seeding failed.
#[derive(Debug)]
pub enum SeedError {
    /// The seed data is inconsistent (a fix in `seed_data.rs` is needed).
    BadData(String),
    /// The store failed.
    Store(StoreError),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeedError::BadData(m) => write!(f, "demo seed data is inconsistent: {m}"),
            SeedError::Store(e) => write!(f, "could not write the demo thread: {e}"),
        }
    }
}

impl std::error::Error for SeedError {}

/// Fills the demo thread unless it already has comments; returns how many were written.
pub async fn seed_demo(store: &dyn Store) -> Result<usize, SeedError> {
    let batch = build(
        seed_data::THREAD_KEY,
        seed_data::THREAD_TITLE,
        seed_data::COMMENTS,
        now_micros(),
    )?;
    store.import_thread(batch).await.map_err(SeedError::Store)
}

/// Turns seed entries into an import batch: real ids, one reader per named author and one per
/// guest comment, times counted back from `now`.
pub fn build(
    key: &str,
    title: &str,
    comments: &[SeedComment],
    now: i64,
) -> Result<ImportThread, SeedError> {
    let key =
        normalize_thread_key(key).map_err(|e| SeedError::BadData(format!("thread key: {e}")))?;
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut readers: HashMap<&str, usize> = HashMap::new();
    let mut reader_token_hashes = Vec::new();
    let mut out = Vec::with_capacity(comments.len());
    for (n, c) in comments.iter().enumerate() {
        let parent_id = match c.parent {
            None => None,
            Some(p) => Some(ids.get(p).cloned().ok_or_else(|| {
                SeedError::BadData(format!(
                    "{} replies to {p}, which does not come before it",
                    c.id
                ))
            })?),
        };
        let reader = match c.author {
            Some(name) => *readers.entry(name).or_insert_with(|| {
                reader_token_hashes.push(token_hash(&new_token()));
                reader_token_hashes.len() - 1
            }),
            None => {
                reader_token_hashes.push(token_hash(&new_token()));
                reader_token_hashes.len() - 1
            }
        };
        let id = new_comment_id();
        if ids.insert(c.id, id.clone()).is_some() {
            return Err(SeedError::BadData(format!("{} is used twice", c.id)));
        }
        // The entry index breaks ties between equal ages, keeping the file's order.
        let created_at = now - i64::from(c.minutes_ago) * 60_000_000 + n as i64;
        out.push(ImportComment {
            id,
            parent_id,
            reader,
            author: c.author.map(str::to_owned),
            body_md: c.body.to_owned(),
            body_html: render_markdown(c.body),
            created_at,
            deleted: c.deleted,
            upvotes: u64::from(c.up),
            downvotes: u64::from(c.down),
        });
    }
    Ok(ImportThread {
        url: Some(key.clone()),
        key,
        title: Some(title.to_owned()),
        reader_token_hashes,
        comments: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &[SeedComment] = &[
        SeedComment {
            id: "a",
            parent: None,
            author: Some("Ann"),
            body: "*hi*",
            minutes_ago: 10,
            up: 1,
            down: 0,
            deleted: false,
        },
        SeedComment {
            id: "b",
            parent: Some("a"),
            author: None,
            body: "yo",
            minutes_ago: 5,
            up: 0,
            down: 2,
            deleted: false,
        },
        SeedComment {
            id: "c",
            parent: Some("a"),
            author: Some("Ann"),
            body: "again",
            minutes_ago: 5,
            up: 0,
            down: 0,
            deleted: true,
        },
        SeedComment {
            id: "d",
            parent: None,
            author: None,
            body: "guest",
            minutes_ago: 1,
            up: 0,
            down: 0,
            deleted: false,
        },
    ];

    #[test]
    fn authors_share_a_reader_and_guests_do_not() {
        let t = build("https://x.example/a/", "T", DATA, 1_000_000_000).unwrap();
        assert_eq!(t.key, "https://x.example/a");
        assert_eq!(t.reader_token_hashes.len(), 3);
        let readers: Vec<usize> = t.comments.iter().map(|c| c.reader).collect();
        assert_eq!(readers, [0, 1, 0, 2]);
        assert_eq!(t.comments[1].parent_id.as_ref(), Some(&t.comments[0].id));
        assert!(
            t.comments[1].created_at < t.comments[2].created_at,
            "equal ages keep file order"
        );
        assert!(t.comments[0].body_html.contains("<em>hi</em>"));
    }

    #[test]
    fn a_reply_before_its_parent_is_reported() {
        let bad = [SeedComment {
            id: "x",
            parent: Some("nope"),
            author: None,
            body: "b",
            minutes_ago: 1,
            up: 0,
            down: 0,
            deleted: false,
        }];
        assert!(matches!(
            build("k", "T", &bad, 0),
            Err(SeedError::BadData(_))
        ));
    }
}
