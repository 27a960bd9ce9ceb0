//! Random identifiers, reader tokens and the hashes derived from them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The URL-safe alphabet comment ids are drawn from (64 symbols, so no modulo bias).
const ID_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Length of a comment id: 72 random bits.
const ID_LEN: usize = 12;

/// A fresh random comment id of 12 URL-safe characters.
pub fn new_comment_id() -> String {
    let mut bytes = [0u8; ID_LEN];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ID_ALPHABET[usize::from(b & 63)]))
        .collect()
}

/// A fresh reader token: 256 random bits, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 (hex) under which a token is stored; the token itself is never kept.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A seed for the locally drawn avatar: stable per reader and name, salted with the
/// installation's secret so that it reveals neither.
pub fn avatar_seed(secret: &str, reader_id: i64, name: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(secret.as_bytes());
    h.update(b"\0avatar\0");
    h.update(reader_id.to_le_bytes());
    h.update(name.unwrap_or_default().as_bytes());
    let digest = h.finalize();
    hex(digest.get(..8).unwrap_or_default())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::CommentId;

    #[test]
    fn ids_are_valid_protocol_ids_and_differ() {
        let a = new_comment_id();
        assert_eq!(a.len(), 12);
        assert!(CommentId::parse(&a).is_some());
        assert_ne!(a, new_comment_id());
    }

    #[test]
    fn avatar_seeds_depend_on_reader_and_name() {
        let s = avatar_seed("k", 1, Some("Ada"));
        assert_eq!(s, avatar_seed("k", 1, Some("Ada")));
        assert_ne!(s, avatar_seed("k", 2, Some("Ada")));
        assert_ne!(s, avatar_seed("k", 1, Some("Bob")));
        assert_ne!(s, avatar_seed("other", 1, Some("Ada")));
        assert_eq!(s.len(), 16);
    }
}
