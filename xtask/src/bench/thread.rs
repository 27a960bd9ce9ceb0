//! One deterministic discussion per size, written as an Isso database: Isso serves it as is and
//! `talkback-server import --from isso` copies the very same rows into Talkback.

use std::fmt::Write as _;

/// One generated comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// 1-based row id, unique across all threads of the database.
    pub id: u64,
    /// The comment answered, if any (always an earlier one of the same thread).
    pub parent: Option<u64>,
    /// Unix seconds.
    pub created: f64,
    pub author: String,
    /// Markdown, as a reader typed it.
    pub text: String,
}

/// A small, seedable generator (SplitMix64): the same seed gives the same thread everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is irrelevant at these sizes).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const NAMES: &[&str] = &[
    "Lena", "Omar", "Priya", "Tomasz", "Aiko", "Fatima", "Jonas", "Chidi", "Marta", "Wei", "Sofia",
    "Ravi", "Ines", "Kwame", "Hannah", "Diego", "Yusuf", "Elif", "Noah", "Greta",
];

/// Sentences in the register of a local news comment section; bodies are 1–6 of them.
const SENTENCES: &[&str] = &[
    "I cross that bridge twice a day and the queues at rush hour are already bad enough.",
    "Has anyone actually read the council's traffic study, or are we all guessing?",
    "The buses will finally run on time, which is the whole point of the scheme.",
    "My shop is on the east side and half my customers drive in from the villages.",
    "They said the same about the high street being pedestrianised and footfall went up.",
    "A detour along the ring road adds ten minutes, not the end of the world.",
    "What about deliveries? Nobody seems to have thought about the vans.",
    "The bridge is over a hundred years old; it was never built for this much traffic.",
    "I'd like to see the numbers for cyclists before and after the trial.",
    "This was decided before the consultation even closed, as usual.",
    "Good. The air by the river has been awful for years.",
    "Emergency vehicles can still cross, so the safety argument doesn't hold.",
    "Could they not just close it at peak times instead of all day?",
    "Older residents on the west bank rely on their cars to reach the surgery.",
    "The park-and-ride should have been sorted out first.",
    "Other towns have done exactly this and nobody wants to go back.",
    "Seven votes to four is hardly a mandate for something this big.",
    "I remember when the tram still ran over it, and everyone managed fine.",
    "Thanks for the clear write-up, the map of the detour helps a lot.",
    "Let's see how the first winter goes before we call it a success or a failure.",
];

/// Generates `count` comments with ids from `first_id`: about a third start a conversation, the
/// rest answer a recent comment (so replies cluster under active conversations and nest a few
/// levels deep), bodies 1–6 sentences (about 60–450 characters), one every few minutes.
pub fn generate(count: usize, first_id: u64, seed: u64) -> Vec<Comment> {
    let mut rng = Rng(seed ^ count as u64);
    let mut out: Vec<Comment> = Vec::with_capacity(count);
    let mut created = 1_764_000_000.0;
    for n in 0..count as u64 {
        let id = first_id + n;
        let parent = if out.is_empty() || rng.chance(33) {
            None
        } else {
            // Mostly one of the last dozen comments: conversations are local in time.
            let window = out.len().min(12) as u64;
            Some(out[out.len() - 1 - rng.below(window) as usize].id)
        };
        let sentences = 1 + rng.below(6) as usize;
        let mut text = String::new();
        for s in 0..sentences {
            if s > 0 {
                // Now and then a paragraph break, so markdown rendering has something to do.
                text.push_str(if rng.chance(20) { "\n\n" } else { " " });
            }
            text.push_str(SENTENCES[rng.below(SENTENCES.len() as u64) as usize]);
        }
        created += 30.0 + rng.below(600) as f64;
        let author = NAMES[rng.below(NAMES.len() as u64) as usize].to_owned();
        out.push(Comment {
            id,
            parent,
            created,
            author,
            text,
        });
    }
    out
}

/// SQL inserting `threads` (uri, comments) into a database Isso has already created (its
/// schema, version and session key are Isso's own), in one transaction.
pub fn isso_sql(threads: &[(String, Vec<Comment>)]) -> String {
    let mut sql = String::from("BEGIN;\n");
    for (tid, (uri, comments)) in threads.iter().enumerate() {
        let tid = tid + 1;
        let _ = writeln!(
            sql,
            "INSERT INTO threads (id, uri, title) VALUES ({tid}, {}, {});",
            quote(uri),
            quote(&format!("Bench thread {uri}"))
        );
        for c in comments {
            let parent = c.parent.map_or("NULL".to_owned(), |p| p.to_string());
            // mode 1 = published; voters is Isso's bloom filter of voters' addresses (empty).
            let _ = writeln!(
                sql,
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author, email, website, likes, dislikes, voters, notification) \
                 VALUES ({tid}, {}, {parent}, {}, NULL, 1, '127.0.0.1', {}, {}, NULL, NULL, 0, 0, zeroblob(256), 0);",
                c.id,
                c.created,
                quote(&c.text),
                quote(&c.author),
            );
        }
    }
    sql.push_str("COMMIT;\n");
    sql
}

/// An SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_thread() {
        assert_eq!(generate(200, 1, 7), generate(200, 1, 7));
        assert_ne!(generate(200, 1, 7), generate(200, 1, 8));
    }

    #[test]
    fn replies_answer_earlier_comments_and_the_mix_is_realistic() {
        let thread = generate(1000, 101, 7);
        assert_eq!(thread.first().map(|c| c.id), Some(101));
        assert_eq!(thread.last().map(|c| c.id), Some(1100));
        for c in &thread {
            if let Some(p) = c.parent {
                assert!((101..c.id).contains(&p), "{c:?}");
            }
        }
        let top = thread.iter().filter(|c| c.parent.is_none()).count();
        assert!((250..420).contains(&top), "{top} top-level comments");
        let mean = thread.iter().map(|c| c.text.len()).sum::<usize>() / thread.len();
        assert!((150..350).contains(&mean), "mean body {mean} bytes");
        assert!(thread.windows(2).all(|w| w[0].created < w[1].created));
    }

    #[test]
    fn sql_quotes_text_and_numbers_threads_from_one() {
        let c = Comment {
            id: 5,
            parent: Some(4),
            created: 1.5,
            author: "O'Neil".into(),
            text: "it's".into(),
        };
        let sql = isso_sql(&[("/a".into(), vec![c])]);
        assert!(
            sql.contains("VALUES (1, '/a', 'Bench thread /a');"),
            "{sql}"
        );
        assert!(
            sql.contains("(1, 5, 4, 1.5, NULL, 1, '127.0.0.1', 'it''s', 'O''Neil',"),
            "{sql}"
        );
        assert!(sql.starts_with("BEGIN;") && sql.ends_with("COMMIT;\n"));
    }
}
