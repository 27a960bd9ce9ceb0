//! Sign-in through the host site's own accounts: checking the signed token a site passes as
//! `X-Talkback-SSO`.
//!
//! Format (docs/identity.md): `base64url(payload JSON) "." base64url(HMAC-SHA256(secret,
//! first part))`, unpadded base64url. The payload is `{"id", "name", "exp"}` with optional
//! `email` and `iat`; `exp` and `iat` are Unix seconds.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use talkback_protocol::validate;

/// The request header a widget sends the site's token in.
pub const HEADER: &str = "x-talkback-sso";
/// Longest token accepted, in bytes; real ones are a few hundred.
pub const TOKEN_MAX_BYTES: usize = 4096;
/// Longest account id accepted, in characters.
pub const ID_MAX_CHARS: usize = 256;
/// Clocks of the site and of this server may disagree by this much, in seconds.
pub const CLOCK_SKEW_SECS: i64 = 60;
/// Shortest secret accepted, in bytes: shorter ones can be guessed.
pub const SECRET_MIN_BYTES: usize = 32;

/// A reader the site vouches for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    /// The site's id of the account, unique per site.
    pub id: String,
    /// The name the site shows for the account, checked like any display name.
    pub name: String,
    /// The account's address, if the site sent one; used for nothing yet.
    pub email: Option<String>,
}

/// Why a token was refused; the text goes to the site's developer and the reader's widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SsoError {
    /// The signature does not match: another secret, or a changed payload.
    BadSignature,
    /// `exp` has passed (beyond the allowed clock skew).
    Expired {
        /// When it expired, Unix seconds.
        exp: i64,
    },
    /// Not two base64url parts, not JSON, or a field missing or out of bounds.
    Malformed(String),
}

impl std::fmt::Display for SsoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsoError::BadSignature => f.write_str(
                "The sign-in token has a bad signature: it was not signed with this server's SSO secret, or it was changed after signing.",
            ),
            SsoError::Expired { exp } => write!(
                f,
                "The sign-in token expired (exp {exp}); reload the page to sign in again."
            ),
            SsoError::Malformed(why) => write!(f, "The sign-in token is malformed: {why}."),
        }
    }
}

impl std::error::Error for SsoError {}

/// Why the secret file cannot be used.
#[derive(Debug)]
pub enum SecretError {
    /// It could not be read.
    Read(std::io::Error),
    /// It is shorter than [`SECRET_MIN_BYTES`] after trimming.
    TooShort(usize),
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretError::Read(e) => write!(f, "cannot read it: {e}"),
            SecretError::TooShort(n) => write!(
                f,
                "it holds {n} bytes; use at least {SECRET_MIN_BYTES} random bytes, e.g. `openssl rand -hex 32`"
            ),
        }
    }
}

/// Checks tokens against one site's secret.
pub struct Verifier {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never goes into logs.
        f.write_str("Verifier { .. }")
    }
}

#[derive(Deserialize)]
struct Payload {
    id: AccountId,
    name: String,
    exp: i64,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    iat: Option<i64>,
}

/// Sites use numeric or text ids; both are kept as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum AccountId {
    Text(String),
    Number(i64),
}

impl Verifier {
    /// A verifier for `secret` (the bytes signed with, as the site has them).
    pub fn new(secret: &[u8]) -> Result<Self, SecretError> {
        if secret.len() < SECRET_MIN_BYTES {
            return Err(SecretError::TooShort(secret.len()));
        }
        Ok(Verifier {
            secret: secret.to_vec(),
        })
    }

    /// Reads the secret from a file; surrounding white space (a final newline) is not part of it.
    pub fn from_file(path: &Path) -> Result<Self, SecretError> {
        let raw = std::fs::read(path).map_err(SecretError::Read)?;
        Verifier::new(raw.trim_ascii())
    }

    /// Checks `token` at `now` (Unix seconds) and returns whom it vouches for.
    pub fn verify(&self, token: &str, now: i64) -> Result<SignedIn, SsoError> {
        let token = token.trim();
        if token.len() > TOKEN_MAX_BYTES {
            return Err(SsoError::Malformed(format!(
                "it is longer than {TOKEN_MAX_BYTES} bytes"
            )));
        }
        let (payload_b64, sig_b64) = token.split_once('.').ok_or_else(|| {
            SsoError::Malformed("expected two base64url parts joined by '.'".to_owned())
        })?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig_b64.trim_end_matches('='))
            .map_err(|_| SsoError::Malformed("the signature part is not base64url".to_owned()))?;
        // The signature is checked before the payload is parsed: nothing unsigned is looked at.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret)
            .map_err(|_| SsoError::BadSignature)?;
        mac.update(payload_b64.as_bytes());
        mac.verify_slice(&sig).map_err(|_| SsoError::BadSignature)?;
        let json = URL_SAFE_NO_PAD
            .decode(payload_b64.trim_end_matches('='))
            .map_err(|_| SsoError::Malformed("the payload part is not base64url".to_owned()))?;
        let p: Payload = serde_json::from_slice(&json).map_err(|e| {
            SsoError::Malformed(format!(
                "the payload is not the expected JSON ({e}); it needs id, name and exp"
            ))
        })?;
        if now > p.exp.saturating_add(CLOCK_SKEW_SECS) {
            return Err(SsoError::Expired { exp: p.exp });
        }
        if p.iat
            .is_some_and(|iat| iat > now.saturating_add(CLOCK_SKEW_SECS))
        {
            return Err(SsoError::Malformed(
                "iat is in the future; check the site's clock".to_owned(),
            ));
        }
        let id = match p.id {
            AccountId::Text(s) => s.trim().to_owned(),
            AccountId::Number(n) => n.to_string(),
        };
        if id.is_empty() || id.chars().count() > ID_MAX_CHARS || id.chars().any(char::is_control) {
            return Err(SsoError::Malformed(format!(
                "id must be 1 to {ID_MAX_CHARS} characters without control characters"
            )));
        }
        let name = validate::author(Some(&p.name))
            .map_err(|e| SsoError::Malformed(format!("name: {e}")))?
            .ok_or_else(|| SsoError::Malformed("name is empty".to_owned()))?;
        let email = validate::email(p.email.as_deref())
            .map_err(|e| SsoError::Malformed(format!("email: {e}")))?;
        Ok(SignedIn { id, name, email })
    }
}

/// Signs `payload` (JSON text) the way a site does; for tests and the docs' examples.
pub fn sign(secret: &[u8], payload: &str) -> String {
    let body = URL_SAFE_NO_PAD.encode(payload.as_bytes());
    let sig = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    };
    format!("{body}.{sig}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn verifier() -> Verifier {
        Verifier::new(SECRET).expect("long enough")
    }

    #[test]
    fn a_signed_token_names_the_account() {
        let t = sign(SECRET, r#"{"id":42,"name":" Ada L. ","exp":2000}"#);
        let who = verifier().verify(&t, 1000).expect("valid");
        assert_eq!(who.id, "42");
        assert_eq!(who.name, "Ada L.");
    }

    #[test]
    fn expiry_allows_a_minute_of_clock_skew() {
        let t = sign(SECRET, r#"{"id":"u","name":"A","exp":1000}"#);
        assert!(verifier().verify(&t, 1000 + CLOCK_SKEW_SECS).is_ok());
        assert_eq!(
            verifier().verify(&t, 1001 + CLOCK_SKEW_SECS),
            Err(SsoError::Expired { exp: 1000 })
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            Verifier::new(b"short"),
            Err(SecretError::TooShort(5))
        ));
    }

    #[test]
    fn padding_is_tolerated_but_not_required() {
        let t = sign(SECRET, r#"{"id":"u","name":"Al","exp":9000}"#);
        let (p, s) = t.split_once('.').expect("two parts");
        assert!(verifier().verify(&format!("{p}.{s}="), 1).is_ok());
    }
}
