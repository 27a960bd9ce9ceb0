//! Sort orders and cursor paging over a big thread: every comment exactly once, in the
//! documented order, even while other readers post between page fetches.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use reqwest::Method;
use talkback_protocol::{
    Comment, ErrorCode, RepliesPage, SortOrder, ThreadPage, wilson_lower_bound,
};
use talkback_server::ids::token_hash;
use talkback_server::store::sqlite::SqliteStore;
use talkback_server::store::{ImportComment, ImportThread, Store};

use crate::common::{TestServer, expect_error};

const KEY: &str = "big-thread";
const TOP_LEVEL: usize = 4_000;
const REPLIES: usize = 1_000;

/// One imported comment as the test knows it, to compute the expected order independently.
#[derive(Clone)]
struct Known {
    id: String,
    parent: Option<String>,
    created_at: i64,
    up: u64,
    down: u64,
}

/// The protocol's rule, written out here: best = Wilson bound desc, more up votes, newer, id.
fn expected_cmp(sort: SortOrder, a: &Known, b: &Known) -> Ordering {
    let by_id = a.id.cmp(&b.id);
    match sort {
        SortOrder::Best => wilson_lower_bound(b.up, b.down)
            .partial_cmp(&wilson_lower_bound(a.up, a.down))
            .unwrap_or(Ordering::Equal)
            .then(b.up.cmp(&a.up))
            .then(b.created_at.cmp(&a.created_at))
            .then(by_id),
        SortOrder::Newest => b.created_at.cmp(&a.created_at).then(by_id),
        SortOrder::Oldest => a.created_at.cmp(&b.created_at).then(by_id),
    }
}

/// 4,000 top-level comments and 1,000 replies to the first, written in one transaction straight
/// into the database file (posting them over HTTP would only make the test slow). Times repeat
/// in threes and tallies are small, so every tie breaker is exercised.
async fn seed(db: &std::path::Path) -> Vec<Known> {
    let store = SqliteStore::open(db).expect("store opens");
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let base = 1_790_000_000_000_000_i64;
    let known: Vec<Known> = (0..TOP_LEVEL + REPLIES)
        .map(|i| Known {
            id: format!("c{i:05}"),
            parent: (i >= TOP_LEVEL).then(|| "c00000".to_owned()),
            created_at: base + (i as i64 / 3) * 1_000_000,
            up: next(6),
            down: next(4),
        })
        .collect();
    let comments = known
        .iter()
        .map(|k| ImportComment {
            id: k.id.clone(),
            parent_id: k.parent.clone(),
            reader: 0,
            author: Some("Seeder".into()),
            body_md: k.id.clone(),
            body_html: format!("<p>{}</p>", k.id),
            created_at: k.created_at,
            deleted: false,
            upvotes: k.up,
            downvotes: k.down,
        })
        .collect();
    let written = store
        .import_thread(ImportThread {
            key: KEY.into(),
            title: None,
            url: None,
            reader_token_hashes: vec![token_hash("seeder")],
            comments,
        })
        .await
        .expect("import");
    assert_eq!(written, TOP_LEVEL + REPLIES);
    known
}

/// Walks every page of the thread and of the big parent's replies in `sort` order, posting a
/// new top-level comment and a new reply before each page fetch. Returns the ids in the order
/// they were sent, per parent (`None` for top level).
async fn walk(
    s: &TestServer,
    token: &str,
    sort: SortOrder,
) -> HashMap<Option<String>, Vec<String>> {
    let mut seen: HashMap<Option<String>, Vec<String>> = HashMap::new();
    let mut cursor: Option<String> = None;
    let mut reply_cursor: Option<String> = None;
    loop {
        s.post(token, KEY, None, "written while someone pages")
            .await;
        let mut path = format!(
            "/api/v1/thread?key={KEY}&limit=100&replies=0&sort={}",
            sort.as_str()
        );
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: ThreadPage = s.get(&path, None).await;
        for c in &page.comments {
            assert!(
                c.parent_id.is_none(),
                "replies=0 sends top-level comments only"
            );
            if c.id.as_str() == "c00000" {
                reply_cursor = c.replies_cursor.as_ref().map(|r| r.0.clone());
            }
        }
        seen.entry(None)
            .or_default()
            .extend(page.comments.iter().map(|c| c.id.to_string()));
        match page.next_cursor {
            Some(c) => cursor = Some(c.0),
            None => break,
        }
    }
    let mut reply_cursor = reply_cursor.expect("the big parent holds its replies back");
    loop {
        s.post(
            token,
            KEY,
            Some("c00000"),
            "a reply written while someone pages",
        )
        .await;
        let path = format!(
            "/api/v1/comments/c00000/replies?limit=100&sort={}&cursor={reply_cursor}",
            sort.as_str()
        );
        let page: RepliesPage = s.get(&path, None).await;
        let direct: Vec<&Comment> = page
            .comments
            .iter()
            .filter(|c| c.parent_id.as_ref().is_some_and(|p| p.as_str() == "c00000"))
            .collect();
        assert_eq!(
            direct.len(),
            page.comments.len(),
            "the replies have no replies of their own"
        );
        seen.entry(Some("c00000".into()))
            .or_default()
            .extend(direct.iter().map(|c| c.id.to_string()));
        match page.next_cursor {
            Some(c) => reply_cursor = c.0,
            None => break,
        }
    }
    seen
}

#[tokio::test]
async fn every_sort_pages_through_5000_comments_once_each_while_others_post() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("talkback.db");
    let known = seed(&db).await;
    let s = TestServer::start_with(|c| c.db = db.clone()).await;
    let token = s.reader().await;

    for sort in SortOrder::ALL {
        let seen = walk(&s, &token, sort).await;
        for (parent, want_count) in [(None, TOP_LEVEL), (Some("c00000".to_owned()), REPLIES)] {
            let got = seen.get(&parent).cloned().unwrap_or_default();
            let unique: HashSet<&String> = got.iter().collect();
            assert_eq!(
                unique.len(),
                got.len(),
                "{sort:?} {parent:?}: a comment came twice"
            );
            // What existed before the walk, in the order the protocol promises.
            let mut expected: Vec<&Known> = known.iter().filter(|k| k.parent == parent).collect();
            expected.sort_by(|a, b| expected_cmp(sort, a, b));
            let expected: Vec<&str> = expected.iter().map(|k| k.id.as_str()).collect();
            assert_eq!(expected.len(), want_count);
            let old: Vec<&str> = got
                .iter()
                .map(String::as_str)
                .filter(|id| id.starts_with('c') && id.len() == 6)
                .collect();
            assert_eq!(
                old.len(),
                want_count,
                "{sort:?} {parent:?}: comments were skipped"
            );
            assert!(
                old == expected,
                "{sort:?} {parent:?}: order differs from the documented ranking"
            );
        }
    }
}

#[tokio::test]
async fn a_cursor_only_works_with_the_sort_it_was_made_for() {
    let s = TestServer::start().await;
    let t = s.reader().await;
    let parent = s.post_id(&t, "t", None, "parent").await;
    for i in 0..3 {
        s.post(&t, "t", None, &format!("top {i}")).await;
        s.post(&t, "t", Some(&parent), &format!("reply {i}")).await;
    }
    let page = s.thread("key=t&limit=1&replies=1&sort=newest", None).await;
    let next = page.next_cursor.expect("more pages").0;
    let res = s
        .send(
            Method::GET,
            &format!("/api/v1/thread?key=t&limit=1&cursor={next}"),
            None,
            None,
        )
        .await;
    let message = expect_error(res, 400, ErrorCode::BadRequest).await;
    assert!(
        message.contains("newest") && message.contains("best"),
        "{message}"
    );
    let res = s
        .send(
            Method::GET,
            &format!("/api/v1/thread?key=t&limit=1&sort=oldest&cursor={next}"),
            None,
            None,
        )
        .await;
    expect_error(res, 400, ErrorCode::BadRequest).await;
    let ok = s
        .thread(&format!("key=t&limit=1&sort=newest&cursor={next}"), None)
        .await;
    assert_eq!(ok.comments.len(), 1);

    let best = s.thread("key=t&replies=1", None).await;
    let held = best
        .comments
        .iter()
        .find_map(|c| c.replies_cursor.clone())
        .expect("held-back replies")
        .0;
    let path = format!("/api/v1/comments/{parent}/replies?sort=oldest&cursor={held}");
    expect_error(
        s.send(Method::GET, &path, None, None).await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    let res = s
        .send(Method::GET, "/api/v1/thread?key=t&sort=worst", None, None)
        .await;
    expect_error(res, 400, ErrorCode::BadRequest).await;
}

#[tokio::test]
async fn best_puts_well_liked_comments_first_and_replies_follow_the_same_rule() {
    let s = TestServer::start().await;
    let author = s.reader().await;
    let mut voters = Vec::new();
    for _ in 0..6 {
        voters.push(s.reader().await);
    }
    let lucky = s.post_id(&author, "t", None, "one up vote").await;
    let loved = s.post_id(&author, "t", None, "five up, one down").await;
    let disliked = s.post_id(&author, "t", None, "two down").await;
    let plain = s.post_id(&author, "t", None, "no votes, but newest").await;
    let r_old = s
        .post_id(&author, "t", Some(&loved), "older reply with a vote")
        .await;
    let r_new = s
        .post_id(&author, "t", Some(&loved), "newer reply without")
        .await;
    let vote = |id: String, token: String, value: i8| {
        let s = &s;
        async move {
            let path = format!("/api/v1/comments/{id}/vote");
            let res = s
                .send(
                    Method::PUT,
                    &path,
                    Some(&token),
                    Some(serde_json::json!({"value": value})),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
    };
    vote(lucky.clone(), voters[0].clone(), 1).await;
    for (i, v) in voters.iter().enumerate() {
        vote(loved.clone(), v.clone(), if i == 5 { -1 } else { 1 }).await;
    }
    vote(disliked.clone(), voters[0].clone(), -1).await;
    vote(disliked.clone(), voters[1].clone(), -1).await;
    vote(r_old.clone(), voters[2].clone(), 1).await;

    let page = s.thread("key=t", None).await;
    let ids: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    // 5/1 bounds at 0.436, 1/0 at 0.207; no up votes bound at 0, the newer first.
    assert_eq!(
        ids,
        [&loved, &r_old, &r_new, &lucky, &plain, &disliked].map(String::as_str)
    );
    let newest = s.thread("key=t&sort=newest", None).await;
    let ids: Vec<&str> = newest.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [&plain, &disliked, &loved, &r_new, &r_old, &lucky].map(String::as_str)
    );
}
