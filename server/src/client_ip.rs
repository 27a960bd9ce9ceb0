//! The client's address: the TCP peer, or behind a trusted reverse proxy (`--trust-proxy`) the
//! last address of `X-Forwarded-For`, the one that proxy added.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::AppState;
use crate::error::AppError;

/// The client's address; `None` when the server was not given peer addresses (a router used
/// without `into_make_service_with_connect_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            state.abuse.config.trust_proxy,
        )))
    }
}

/// The address to attribute a request to.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        // Only the last entry was written by our proxy; earlier ones are whatever the client sent.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded.map(canonical);
        }
    }
    peer.map(canonical)
}

/// IPv4 clients reaching an IPv6 socket appear as `::ffff:a.b.c.d`; count them as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The network an address belongs to for counting new readers: its /24 (IPv4) or /56 (IPv6),
/// as one provider customer usually holds.
pub fn range_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{}/24", Ipv4Addr::new(a, b, c, 0))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 72) - 1);
            format!("{}/56", Ipv6Addr::from(bits))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_str(xff).expect("header"),
        );
        h
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let peer = Some("10.0.0.2".parse().expect("ip"));
        let h = headers("203.0.113.9, 198.51.100.7");
        assert_eq!(client_ip(peer, &h, false), peer);
        assert_eq!(
            client_ip(peer, &h, true),
            Some("198.51.100.7".parse().expect("ip"))
        );
        assert_eq!(client_ip(peer, &headers("garbage"), true), peer);
        let mapped = Some("::ffff:192.0.2.1".parse().expect("ip"));
        assert_eq!(
            client_ip(mapped, &HeaderMap::new(), false),
            Some("192.0.2.1".parse().expect("ip"))
        );
    }

    #[test]
    fn ranges_are_slash_24_and_slash_56() {
        assert_eq!(
            range_of("203.0.113.77".parse().expect("ip")),
            "203.0.113.0/24"
        );
        assert_eq!(
            range_of("2001:db8:aa:bbcc:1:2:3:4".parse().expect("ip")),
            "2001:db8:aa:bb00::/56"
        );
    }
}
