//! Which hosts a device may make the server send to.
//!
//! A UnifiedPush endpoint is a URL the device chooses. Without these rules anyone who can enroll
//! a device could have the server POST to hosts on its own network (a cloud metadata service,
//! an admin page, a database's HTTP port) and tell from the outcome what answers there. So:
//!
//! - the URL must be `https://`; plain `http://` only to a loopback address written as such
//!   (`127.0.0.1`, `[::1]`), for a distributor on the same machine and for tests;
//! - an address written in the URL must be public (or that loopback);
//! - a host name is resolved by [`PublicOnly`], which keeps only public addresses, at connect
//!   time: checking the name first and connecting later would let a name that changes its
//!   answer between the two (DNS rebinding) through;
//! - redirects are never followed (see `http.rs`), so a public endpoint cannot bounce the
//!   request inward.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// The endpoint a device gave, if the server may send to it; otherwise why not. Loopback
/// endpoints are refused unless the operator allowed them (`allow_loopback`): on a shared host
/// they would let an enrolled device make the server post to a local service's port.
pub(super) fn endpoint(address: &str, allow_loopback: bool) -> Result<Url, String> {
    let url = Url::parse(address).map_err(|_| "it is not a URL".to_owned())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password".into());
    }
    let loopback = is_loopback_literal(&url);
    if loopback && !allow_loopback {
        return Err(
            "loopback endpoints are refused unless the server runs with --unifiedpush-allow-loopback"
                .into(),
        );
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(
                "plain http:// is only allowed to a loopback address such as 127.0.0.1".into(),
            );
        }
        _ => return Err("only https:// endpoints are allowed".into()),
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(_)) => return Ok(url),
        None => return Err("it names no host".into()),
    };
    if loopback || is_public(ip) {
        Ok(url)
    } else {
        Err(format!("{ip} is not a public address"))
    }
}

/// Whether `url`'s host is a loopback address written as one (not a name that resolves to it).
pub(super) fn is_loopback_literal(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// Whether `ip` is on the public internet: not loopback, private, link-local, shared, reserved,
/// multicast, documentation, nor a public-looking IPv6 form of one of those.
pub(super) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match segments {
        // NAT64 and 6to4: the IPv4 address reached decides.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => is_public_v4(embedded_v4(high, low)),
        [0x2002, high, low, ..] => is_public_v4(embedded_v4(high, low)),
        // Teredo and documentation.
        [0x2001, 0, ..] | [0x2001, 0xdb8, ..] => false,
        // Only 2000::/3 is global unicast; the rest is loopback, unique local, link-local,
        // multicast and the like.
        [first, ..] => first & 0xe000 == 0x2000,
    }
}

/// The name resolved to no public address: the error [`PublicOnly`] fails a connection with.
#[derive(Debug)]
pub(super) struct InternalAddress {
    host: String,
}

impl fmt::Display for InternalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves to no public address", self.host)
    }
}

impl std::error::Error for InternalAddress {}

/// The system's resolver, keeping only public addresses.
#[derive(Debug)]
pub(super) struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|addr| is_public(addr.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(InternalAddress { host }) as _);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(ip: &str) -> bool {
        is_public(ip.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_ranges_are_not_public() {
        for ip in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!public(ip), "{ip}");
        }
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "198.20.0.1",
        ] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn ipv6_disguises_of_internal_addresses_are_not_public() {
        for ip in [
            "::",
            "::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(!public(ip), "{ip}");
        }
        for ip in ["2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn endpoints_must_be_https_or_loopback() {
        let endpoint = |address: &str| super::endpoint(address, true);
        assert!(endpoint("https://push.example.org/up/abc").is_ok());
        assert!(endpoint("http://127.0.0.1:8080/up/abc").is_ok());
        assert!(endpoint("http://[::1]:8080/up/abc").is_ok());
        assert!(endpoint("http://push.example.org/up/abc").is_err());
        assert!(endpoint("http://localhost:8080/up/abc").is_err());
        assert!(endpoint("https://10.0.0.5/up/abc").is_err());
        assert!(endpoint("https://[fd00::5]/up/abc").is_err());
        assert!(endpoint("https://user:pass@push.example.org/up").is_err());
        assert!(endpoint("ftp://push.example.org/up").is_err());
        assert!(endpoint("not a url").is_err());
    }

    #[test]
    fn loopback_endpoints_need_the_operators_consent() {
        assert!(super::endpoint("http://127.0.0.1:8080/up/abc", false).is_err());
        assert!(super::endpoint("https://[::1]/up/abc", false).is_err());
        assert!(super::endpoint("https://push.example.org/up/abc", false).is_ok());
    }
}
