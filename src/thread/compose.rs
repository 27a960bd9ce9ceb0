//! Writing a comment: the length counter and the idempotency key of a post.

use talkback_protocol::limits::{BODY_MAX_CHARS, CLIENT_TOKEN_MAX_LEN};

/// The counter appears once a text passes this share of the limit (in tenths), so most readers
/// never see it.
const COUNTER_FROM_TENTHS: usize = 9;

/// The live length counter under a textarea.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// Characters written, as the server counts them.
    pub chars: usize,
    /// The most the server accepts.
    pub max: usize,
    /// The text is longer than the server accepts.
    pub over: bool,
}

/// The counter for a text of `chars` characters (as the server counts them: after trimming),
/// `None` while it is comfortably short.
pub fn counter(chars: usize) -> Option<Counter> {
    (chars * 10 > BODY_MAX_CHARS * COUNTER_FROM_TENTHS).then_some(Counter {
        chars,
        max: BODY_MAX_CHARS,
        over: chars > BODY_MAX_CHARS,
    })
}

/// Length of a body as the server measures it.
pub fn body_chars(body: &str) -> usize {
    body.trim().chars().count()
}

/// Letters of a client token: URL-safe, as the protocol requires.
const TOKEN_ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// 22 letters of 62 give ~131 bits: collisions between one reader's posts are out of the question.
const TOKEN_LEN: usize = 22;

/// A client token from random numbers in `[0, 1)` (e.g. `Math.random()`); values out of range
/// are clamped rather than trusted.
pub fn token_from(mut random: impl FnMut() -> f64) -> String {
    (0..TOKEN_LEN.min(CLIENT_TOKEN_MAX_LEN))
        .map(|_| {
            let r = random();
            let r = if r.is_finite() {
                r.clamp(0.0, 0.999_999)
            } else {
                0.0
            };
            let i = (r * TOKEN_ALPHABET.len() as f64) as usize;
            char::from(TOKEN_ALPHABET.get(i).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// The idempotency key of a form's post: a retry of the same text reuses the key, so a post whose
/// answer was lost is not stored twice; any other text is a new post with a new key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostKey {
    last: Option<(String, String)>,
}

impl PostKey {
    /// The key for sending `body`; `fresh` makes a new one when needed.
    pub fn for_body(&mut self, body: &str, fresh: impl FnOnce() -> String) -> String {
        match &self.last {
            Some((text, token)) if text == body => token.clone(),
            _ => {
                let token = fresh();
                self.last = Some((body.to_owned(), token.clone()));
                token
            }
        }
    }

    /// The post went through: the next one is new whatever its text.
    pub fn done(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::validate;

    #[test]
    fn counter_appears_past_ninety_percent() {
        assert_eq!(counter(0), None);
        assert_eq!(counter(9_000), None);
        assert_eq!(
            counter(9_120),
            Some(Counter {
                chars: 9_120,
                max: 10_000,
                over: false
            })
        );
        assert_eq!(counter(10_000).map(|c| c.over), Some(false));
        assert!(counter(10_001).unwrap().over);
    }

    #[test]
    fn length_is_counted_like_the_server_counts_it() {
        let text = format!("  {}  \n", "é".repeat(10_000));
        assert_eq!(body_chars(&text), 10_000);
        assert!(validate::body(&text).is_ok());
        assert!(validate::body(&"é".repeat(body_chars(&text) + 1)).is_err());
    }

    #[test]
    fn tokens_are_url_safe_and_accepted_by_the_protocol() {
        let mut n = 0.0;
        let t = token_from(|| {
            n += 0.045;
            n
        });
        assert_eq!(t.len(), 22);
        assert_eq!(
            validate::client_token(Some(&t)).ok().flatten().as_deref(),
            Some(t.as_str())
        );
        let odd = token_from(|| f64::NAN);
        assert!(odd.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(
            token_from(|| 1.5).len(),
            22,
            "out-of-range randomness is clamped"
        );
    }

    #[test]
    fn a_retry_of_the_same_text_reuses_the_key_and_new_text_gets_a_new_one() {
        let mut key = PostKey::default();
        let mut n = 0;
        let mut fresh = || {
            n += 1;
            format!("t{n}")
        };
        assert_eq!(key.for_body("hello", &mut fresh), "t1");
        assert_eq!(
            key.for_body("hello", &mut fresh),
            "t1",
            "retry after a failure"
        );
        assert_eq!(
            key.for_body("hello!", &mut fresh),
            "t2",
            "edited text is a new post"
        );
        key.done();
        assert_eq!(
            key.for_body("hello!", &mut fresh),
            "t3",
            "posting it again is deliberate"
        );
    }
}
