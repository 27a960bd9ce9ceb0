//! The name inside the site's sign-in token (`data-sso`), for "Posting as NAME". Read only to
//! show it: the server checks the signature and decides the name that is stored.

use serde::Deserialize;

#[derive(Deserialize)]
struct Payload {
    name: String,
}

/// The `name` of the token's payload, when the payload can be read.
pub fn name(token: &str) -> Option<String> {
    let payload = token.trim().split('.').next()?;
    let p: Payload = serde_json::from_slice(&base64url(payload)?).ok()?;
    let name = p.name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Decodes unpadded (or padded) base64url; `None` on any other character.
fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_name_of_a_signed_token() {
        // {"id":"7","name":"Zoë Ångström","exp":1} in base64url, with a signature part.
        let payload = "eyJpZCI6IjciLCJuYW1lIjoiWm_DqyDDhW5nc3Ryw7ZtIiwiZXhwIjoxfQ";
        assert_eq!(
            name(&format!("{payload}.c2ln")).as_deref(),
            Some("Zoë Ångström")
        );
        assert_eq!(name("not base64!.x"), None);
        assert_eq!(name(""), None);
    }
}
