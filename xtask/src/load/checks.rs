//! After a load run: what the database holds, compared with what the servers acknowledged.
//! The two stores share table and column names, so one comparison serves both.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use talkback_protocol::Vote;

use super::traffic::Ledger;

/// A stored comment of the load thread.
pub struct StoredComment {
    id: String,
    parent: Option<String>,
    reader: i64,
    client_token: Option<String>,
    upvotes: i64,
    downvotes: i64,
}

/// The load thread as the database holds it.
pub struct Stored {
    comments: Vec<StoredComment>,
    /// (comment id, reader token hash, value).
    votes: Vec<(String, String, i64)>,
    /// The thread's last event number.
    pub last_event: i64,
    /// Every stored event number of the thread.
    seqs: Vec<i64>,
}

const COMMENTS: &str = "SELECT c.id, c.parent_id, c.reader_id, c.client_token, c.upvotes, c.downvotes
     FROM comments c JOIN threads t ON t.id = c.thread_id WHERE t.key = $1";
const VOTES: &str = "SELECT v.comment_id, r.token_hash, v.value FROM votes v
     JOIN readers r ON r.id = v.reader_id JOIN comments c ON c.id = v.comment_id
     JOIN threads t ON t.id = c.thread_id WHERE t.key = $1";
const LAST: &str = "SELECT last_event FROM threads WHERE key = $1";
const SEQS: &str = "SELECT e.seq FROM events e JOIN threads t ON t.id = e.thread_id WHERE t.key = $1";

/// Reads the thread from PostgreSQL.
pub async fn fetch_postgres(url: &str, key: &str) -> Result<Stored> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("could not connect to {url} to check the results"))?;
    tokio::spawn(connection);
    let comments = client
        .query(COMMENTS, &[&key])
        .await?
        .iter()
        .map(|r| StoredComment {
            id: r.get(0),
            parent: r.get(1),
            reader: r.get(2),
            client_token: r.get(3),
            upvotes: r.get(4),
            downvotes: r.get(5),
        })
        .collect();
    let votes = client
        .query(VOTES, &[&key])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), i64::from(r.get::<_, i16>(2))))
        .collect();
    let last_event = client.query_opt(LAST, &[&key]).await?.map_or(0, |r| r.get(0));
    let seqs = client.query(SEQS, &[&key]).await?.iter().map(|r| r.get(0)).collect();
    Ok(Stored {
        comments,
        votes,
        last_event,
        seqs,
    })
}

/// Reads the thread from a SQLite file, after checking the file's integrity.
pub fn fetch_sqlite(path: &Path, key: &str) -> Result<Stored> {
    let conn = rusqlite::Connection::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(
        integrity == "ok",
        "SQLite integrity check of {} failed: {integrity}",
        path.display()
    );
    let sql = |q: &str| q.replace("$1", "?1");
    let mut stmt = conn.prepare(&sql(COMMENTS))?;
    let comments = stmt
        .query_map([key], |r| {
            Ok(StoredComment {
                id: r.get(0)?,
                parent: r.get(1)?,
                reader: r.get(2)?,
                client_token: r.get(3)?,
                upvotes: r.get(4)?,
                downvotes: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(&sql(VOTES))?;
    let votes = stmt
        .query_map([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let last_event = conn.query_row(&sql(LAST), [key], |r| r.get(0)).unwrap_or(0);
    let mut stmt = conn.prepare(&sql(SEQS))?;
    let seqs = stmt.query_map([key], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(Stored {
        comments,
        votes,
        last_event,
        seqs,
    })
}

/// One check's outcome, for the report.
pub struct Check {
    /// What was checked, with its figure.
    pub what: String,
    /// `None` when it held; otherwise what was wrong.
    pub problem: Option<String>,
}

impl Check {
    fn new(what: String, problems: Vec<String>) -> Check {
        let problem = (!problems.is_empty()).then(|| {
            let shown: Vec<_> = problems.iter().take(5).cloned().collect();
            format!("{} problem(s), e.g. {}", problems.len(), shown.join("; "))
        });
        Check { what, problem }
    }
}

/// Compares the stored thread with the ledger: comments exactly once under the right parent,
/// votes exactly once per reader, tallies equal to the votes, events numbered without gaps.
pub fn compare(stored: &Stored, ledger: &Ledger, voter_tokens: &[String]) -> Result<Vec<Check>> {
    let acked = ledger
        .comments
        .lock()
        .map_err(|_| anyhow::anyhow!("ledger poisoned"))?
        .clone();
    let by_id: HashMap<&str, &StoredComment> = stored.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut problems = Vec::new();
    for a in &acked {
        match by_id.get(a.id.as_str()) {
            None => problems.push(format!("acknowledged comment {} is not stored", a.id)),
            Some(c) if c.parent != a.parent => problems.push(format!(
                "comment {} has parent {:?}, posted under {:?}",
                a.id, c.parent, a.parent
            )),
            Some(_) => {}
        }
    }
    let acked_ids: HashSet<&str> = acked.iter().map(|a| a.id.as_str()).collect();
    for c in &stored.comments {
        if !acked_ids.contains(c.id.as_str()) {
            problems.push(format!("comment {} is stored but was never acknowledged", c.id));
        }
    }
    let mut tokens: HashMap<(i64, &str), usize> = HashMap::new();
    for c in &stored.comments {
        if let Some(t) = &c.client_token {
            *tokens.entry((c.reader, t.as_str())).or_default() += 1;
        }
    }
    problems.extend(
        tokens
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|((_, t), n)| format!("post {t} stored {n} times")),
    );
    let mut checks = vec![Check::new(
        format!(
            "{} acknowledged comments stored exactly once, each under its parent",
            acked.len()
        ),
        problems,
    )];

    let index_of: HashMap<String, usize> = voter_tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (hex(&Sha256::digest(t.as_bytes())), i))
        .collect();
    let expected: HashSet<(usize, String, i64)> = ledger
        .votes
        .lock()
        .map_err(|_| anyhow::anyhow!("ledger poisoned"))?
        .iter()
        .filter(|(_, v)| **v != Vote::None)
        .map(|((voter, comment), v)| (*voter, comment.clone(), i64::from(i8::from(*v))))
        .collect();
    let mut problems = Vec::new();
    let mut found = HashSet::new();
    for (comment, hash, value) in &stored.votes {
        match index_of.get(hash) {
            Some(voter) => {
                if !found.insert((*voter, comment.clone(), *value)) {
                    problems.push(format!("vote of reader {voter} on {comment} stored twice"));
                }
            }
            None => problems.push(format!("a vote on {comment} by a reader the run never created")),
        }
    }
    problems.extend(
        expected
            .difference(&found)
            .map(|(v, c, x)| format!("reader {v}'s vote {x} on {c} is missing")),
    );
    problems.extend(
        found
            .difference(&expected)
            .map(|(v, c, x)| format!("reader {v}'s vote {x} on {c} was not the last one sent")),
    );
    checks.push(Check::new(
        format!(
            "{} standing votes counted exactly once, each the reader's last",
            expected.len()
        ),
        problems,
    ));

    let mut tally: HashMap<&str, (i64, i64)> = HashMap::new();
    for (comment, _, value) in &stored.votes {
        let t = tally.entry(comment.as_str()).or_default();
        if *value > 0 { t.0 += 1 } else { t.1 += 1 }
    }
    let problems = stored
        .comments
        .iter()
        .filter_map(|c| {
            let (up, down) = tally.get(c.id.as_str()).copied().unwrap_or_default();
            ((c.upvotes, c.downvotes) != (up, down)).then(|| {
                format!(
                    "{} shows +{}/-{} but has +{up}/-{down} votes",
                    c.id, c.upvotes, c.downvotes
                )
            })
        })
        .collect();
    checks.push(Check::new(
        "every comment's tallies equal its stored votes".into(),
        problems,
    ));

    let mut seqs = stored.seqs.clone();
    seqs.sort_unstable();
    let gapless = seqs.iter().copied().eq(1..=stored.last_event);
    let problems = if gapless {
        vec![]
    } else {
        vec![format!(
            "{} events stored for last number {}",
            seqs.len(),
            stored.last_event
        )]
    };
    checks.push(Check::new(
        format!("{} events numbered 1..{} without gaps", seqs.len(), stored.last_event),
        problems,
    ));
    Ok(checks)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::traffic::Acked;

    fn comment(id: &str, parent: Option<&str>, token: &str, up: i64) -> StoredComment {
        StoredComment {
            id: id.into(),
            parent: parent.map(Into::into),
            reader: 1,
            client_token: Some(token.into()),
            upvotes: up,
            downvotes: 0,
        }
    }

    fn ledger(acked: &[(&str, Option<&str>)], votes: &[(usize, &str, Vote)]) -> Ledger {
        let ledger = Ledger::default();
        *ledger.comments.lock().unwrap() =
            acked.iter().map(|(id, p)| Acked { id: (*id).into(), parent: p.map(Into::into) }).collect();
        *ledger.votes.lock().unwrap() = votes.iter().map(|(v, c, x)| ((*v, (*c).into()), *x)).collect();
        ledger
    }

    fn problems(checks: &[Check]) -> Vec<&str> {
        checks.iter().filter_map(|c| c.problem.as_deref()).collect()
    }

    #[test]
    fn a_faithful_store_passes_every_check() {
        let token = "reader-token".to_owned();
        let hash = hex(&Sha256::digest(token.as_bytes()));
        let stored = Stored {
            comments: vec![comment("a", None, "t0", 1), comment("b", Some("a"), "t1", 0)],
            votes: vec![("a".into(), hash, 1)],
            last_event: 3,
            seqs: vec![1, 2, 3],
        };
        let ledger = ledger(&[("a", None), ("b", Some("a"))], &[(0, "a", Vote::Up), (0, "b", Vote::None)]);
        assert!(problems(&compare(&stored, &ledger, &[token]).unwrap()).is_empty());
    }

    #[test]
    fn lost_doubled_misplaced_and_miscounted_rows_are_each_reported() {
        let stored = Stored {
            // "b" under the wrong parent, "c" lost, "d" stored twice under one post key, "a"
            // shows an up vote nobody cast.
            comments: vec![
                comment("a", None, "t0", 1),
                comment("b", None, "t1", 0),
                comment("d", None, "t3", 0),
                comment("e", None, "t3", 0),
            ],
            votes: vec![],
            last_event: 4,
            seqs: vec![1, 2, 4],
        };
        let ledger = ledger(&[("a", None), ("b", Some("a")), ("c", None), ("d", None)], &[(0, "a", Vote::Down)]);
        let checks = compare(&stored, &ledger, &["reader-token".into()]).unwrap();
        let all = problems(&checks).join(" | ");
        for expected in [
            "comment b has parent None",
            "acknowledged comment c is not stored",
            "comment e is stored but was never acknowledged",
            "post t3 stored 2 times",
            "reader 0's vote -1 on a is missing",
            "a shows +1/-0 but has +0/-0 votes",
            "3 events stored for last number 4",
        ] {
            assert!(all.contains(expected), "{expected:?} not in {all}");
        }
    }
}
