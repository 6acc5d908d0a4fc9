//! The caller's address, for counting failed attempts and for the access log. Behind
//! proxies it is read from the forwarding header, from the right: each proxy appends the
//! address that connected to it, so only the entries our own proxies wrote can be
//! trusted, and everything to their left is whatever the client chose to send.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::HeaderMap;

/// Which forwarding header the proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, …` (HAProxy's and nginx's usual).
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

/// Where the caller's address comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxies {
    /// Nothing in between: the connection's own peer.
    None,
    /// `count` proxies of our own in front, each appending to `header`.
    Trusted { count: usize, header: ProxyHeader },
}

impl Proxies {
    /// The caller's address: the connection's, or the entry our outermost proxy wrote
    /// (`count` from the right). A header with fewer entries than we have proxies was not
    /// written by them all, so the connection's peer (our nearest proxy) stands in.
    pub fn client_address(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
        let peer = || peer.map_or_else(|| "unknown".to_owned(), |p| p.ip().to_string());
        let Proxies::Trusted { count, header } = *self else { return peer() };
        let entries: Vec<String> = match header {
            ProxyHeader::XForwardedFor => values(headers, "x-forwarded-for").map(str::to_owned).collect(),
            ProxyHeader::Forwarded => values(headers, "forwarded").filter_map(forwarded_for).collect(),
        };
        match entries.len().checked_sub(count.max(1)) {
            Some(at) => host_of(&entries[at]),
            None => peer(),
        }
    }
}

/// Every comma-separated entry of every line of the header, in order.
fn values<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
}

/// The `for=` of one element of a `Forwarded` header.
fn forwarded_for(element: &str) -> Option<String> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// The host of an entry (`ip`, `ip:port`, `[ipv6]:port`), as an address when it is one.
fn host_of(entry: &str) -> String {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return ip.to_string();
    }
    if let Ok(socket) = entry.parse::<SocketAddr>() {
        return socket.ip().to_string();
    }
    entry.trim_start_matches('[').split(']').next().unwrap_or(entry).to_owned()
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const PEER: Option<SocketAddr> = Some(SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)), 4000));

    #[test]
    fn the_address_is_taken_as_many_proxies_from_the_right_as_we_have() {
        let one = Proxies::Trusted { count: 1, header: ProxyHeader::XForwardedFor };
        let two = Proxies::Trusted { count: 2, header: ProxyHeader::XForwardedFor };
        let sent = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9"), ("x-forwarded-for", "192.0.2.7:5111")]);
        assert_eq!(one.client_address(&sent, PEER), "192.0.2.7");
        assert_eq!(two.client_address(&sent, PEER), "203.0.113.9");
        assert_eq!(Proxies::None.client_address(&sent, PEER), "10.0.0.1");
        let three = Proxies::Trusted { count: 3, header: ProxyHeader::XForwardedFor };
        assert_eq!(three.client_address(&headers(&[("x-forwarded-for", "1.2.3.4")]), PEER), "10.0.0.1");
        assert_eq!(one.client_address(&HeaderMap::new(), PEER), "10.0.0.1", "no header: the proxy itself");
    }

    #[test]
    fn forwarded_is_read_only_when_the_proxies_write_it() {
        let sent = headers(&[("forwarded", r#"for=6.6.6.6, for="[2001:db8::1]:4711";proto=https"#)]);
        let xff = Proxies::Trusted { count: 1, header: ProxyHeader::XForwardedFor };
        assert_eq!(xff.client_address(&sent, PEER), "10.0.0.1", "a client's Forwarded is ignored");
        let forwarded = Proxies::Trusted { count: 1, header: ProxyHeader::Forwarded };
        assert_eq!(forwarded.client_address(&sent, PEER), "2001:db8::1");
    }
}
