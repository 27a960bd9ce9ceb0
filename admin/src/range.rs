//! Reading an address or CIDR range typed into the ban form (pure, tested natively), so a typo
//! is explained before anything is sent.

use std::net::IpAddr;

/// Checks `input` as one address or a `network/prefix` range; on success returns it trimmed,
/// else a sentence saying what is wrong and how to write it.
pub fn check(input: &str) -> Result<String, String> {
    let s = input.trim();
    let example = "Write one like 203.0.113.0/24, 2001:db8::/32 or a single address.";
    if s.is_empty() {
        return Err(format!("Type the address or range to ban. {example}"));
    }
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return Err(format!(
            "{s} is not a range: {addr} is not an IP address. {example}"
        ));
    };
    let max: u8 = if ip.is_ipv4() { 32 } else { 128 };
    if let Some(p) = prefix {
        let Ok(bits) = p.parse::<u8>() else {
            return Err(format!(
                "{s} is not a range: the part after / must be a number from 0 to {max}. {example}"
            ));
        };
        if bits > max {
            let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
            return Err(format!(
                "{s} is not a range: an {family} range ends in /{max} at most. {example}"
            ));
        }
        // A slip of the finger here would stop whole countries from posting.
        let widest: u8 = if ip.is_ipv4() { 8 } else { 16 };
        if bits < widest {
            return Err(format!(
                "{s} would ban a large part of the Internet; use /{widest} or narrower."
            ));
        }
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn ranges_and_single_addresses_pass() {
        assert_eq!(check(" 203.0.113.0/24 "), Ok("203.0.113.0/24".to_owned()));
        assert_eq!(check("2001:db8::/32"), Ok("2001:db8::/32".to_owned()));
        assert_eq!(check("198.51.100.7"), Ok("198.51.100.7".to_owned()));
    }

    #[test]
    fn mistakes_are_explained() {
        let too_long = check("10.0.0.0/33").unwrap_err();
        assert!(
            too_long.starts_with("10.0.0.0/33 is not a range"),
            "{too_long}"
        );
        assert!(too_long.contains("/32 at most"), "{too_long}");
        assert!(
            check("10.0.0/8")
                .unwrap_err()
                .contains("10.0.0 is not an IP address")
        );
        assert!(
            check("10.0.0.0/x")
                .unwrap_err()
                .contains("a number from 0 to 32")
        );
        assert!(
            check("2001:db8::/129")
                .unwrap_err()
                .contains("/128 at most")
        );
        assert!(check("").unwrap_err().starts_with("Type the address"));
        assert!(
            check("0.0.0.0/0")
                .unwrap_err()
                .contains("large part of the Internet")
        );
    }
}
