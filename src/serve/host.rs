//! Which names the dev server answers for, and which pages may open its
//! live-reload stream: the defence against DNS rebinding.
//!
//! A web page at `http://evil.example/` can make its own name resolve to
//! `127.0.0.1` and then read the dev server as if it were its own site
//! (Vite's CVE-2025-24010 and Hugo #14869 are this). The browser still
//! sends `Host: evil.example`, so the server answers only requests whose
//! `Host` is `localhost`, a name under `.localhost` (RFC 6761 keeps them on
//! this machine), an IP address (an address cannot be rebound: a page at
//! `http://192.168.1.5:1111/` *is* this server's origin), or a name the
//! author allowed with `--allow-host`; Vite chose the same set. Others get
//! 403 with the flag to pass.
//!
//! Endpoints that show state or hold a connection (the live-reload stream,
//! the build status) also check `Origin` when a browser sends one: it must
//! name the same host and port as `Host`, so another site's page cannot
//! listen to them even through a name the author allowed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The host of a `Host` header or an `Origin`: an address, or a name
/// (lower-case, without a trailing dot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostName {
    /// `127.0.0.1`, `[::1]`, …
    Ip(IpAddr),
    /// `localhost`, `docs.example`, …
    Name(String),
}

/// `host[:port]`, as in a `Host` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// The host.
    pub host: HostName,
    /// The port, when one is written.
    pub port: Option<u16>,
}

/// Reads `host[:port]`: a name of letters, digits, `-`, `_` and `.`, an
/// IPv4 address, or an IPv6 address in brackets. `None` for anything else.
pub fn parse_authority(text: &str) -> Option<Authority> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let address: Ipv6Addr = inside.parse().ok()?;
        (HostName::Ip(IpAddr::V6(address)), after)
    } else {
        let (host, after) = match text.find(':') {
            Some(at) => text.split_at(at),
            None => (text, ""),
        };
        (parse_host_name(host)?, after)
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        Some("") => None,
        Some(digits) if digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse().ok()?)
        }
        _ => return None,
    };
    Some(Authority { host, port })
}

fn parse_host_name(text: &str) -> Option<HostName> {
    if let Ok(address) = text.parse::<Ipv4Addr>() {
        return Some(HostName::Ip(IpAddr::V4(address)));
    }
    let name = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte))
        && !name.split('.').any(str::is_empty);
    valid.then_some(HostName::Name(name))
}

/// Checks a name given to `--allow-host`: a host name without a port,
/// or `.example.com` for that name and every name under it.
pub fn parse_allowed_host(text: &str) -> Result<String, String> {
    let bare = text.strip_prefix('.').unwrap_or(text);
    match parse_host_name(bare) {
        Some(HostName::Name(name)) if text.starts_with('.') => Ok(format!(".{name}")),
        Some(HostName::Name(name)) => Ok(name),
        Some(HostName::Ip(_)) => {
            Err("IP addresses are always answered; no need to allow them".into())
        }
        None => Err(format!(
            "`{text}` is not a host name (letters, digits, `-` and `.`, no port); for example `--allow-host docs.example` or `--allow-host .example` for every name under it"
        )),
    }
}

/// What the server does with a request's `Host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCheck {
    /// Answer it.
    Allowed,
    /// A name the server does not answer for (lower-case, no port).
    Refused(String),
    /// Not a host at all.
    Malformed,
}

/// The names answered besides `localhost`, `*.localhost` and addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPolicy {
    allowed: Vec<String>,
}

impl HostPolicy {
    /// A policy that also answers `allowed` (as checked by
    /// [`parse_allowed_host`]: `docs.example`, or `.example` for every name
    /// under `example` and itself).
    pub fn new(allowed: Vec<String>) -> Self {
        Self { allowed }
    }

    /// Checks the `Host` header of a request (`None` when it sent none:
    /// only HTTP/1.0 clients do, never a browser, so it is answered).
    pub fn check(&self, host: Option<&str>) -> HostCheck {
        let Some(host) = host else {
            return HostCheck::Allowed;
        };
        match parse_authority(host) {
            None => HostCheck::Malformed,
            Some(Authority {
                host: HostName::Ip(_),
                ..
            }) => HostCheck::Allowed,
            Some(Authority {
                host: HostName::Name(name),
                ..
            }) => {
                if self.allows(&name) {
                    HostCheck::Allowed
                } else {
                    HostCheck::Refused(name)
                }
            }
        }
    }

    fn allows(&self, name: &str) -> bool {
        let under = |domain: &str| {
            name == domain
                || name
                    .strip_suffix(domain)
                    .is_some_and(|rest| rest.ends_with('.'))
        };
        under("localhost")
            || self
                .allowed
                .iter()
                .any(|allowed| match allowed.strip_prefix('.') {
                    Some(domain) => under(domain),
                    None => name == allowed,
                })
    }
}

/// The body of the 403 for a refused name.
pub fn refusal_text(name: &str) -> String {
    format!(
        "this dev server does not answer for the host name `{name}`.\n\
         it answers for localhost, IP addresses and names given with `--allow-host`; \
         other names are refused so that no web page can reach it through DNS rebinding.\n\
         if you opened the site under this name yourself, restart with \
         `offboard-site serve --allow-host {name}`.\n"
    )
}

/// Whether `origin` (an `Origin` header) is the site named by `host` (the
/// request's `Host`): same name, same port (a `Host` without one has the
/// origin's default). `null`, another scheme than `http` or `https`, or no
/// `Host` to compare with, is not. `http` and `https` are not told apart:
/// one port has one server, so a page on this name and port is this site,
/// whether or not a proxy in front of it (a tunnel) adds TLS.
pub fn same_origin(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host.and_then(parse_authority) else {
        return false;
    };
    let lower = origin.to_ascii_lowercase();
    let (rest, default_port) = if let Some(rest) = lower.strip_prefix("http://") {
        (rest, 80)
    } else if let Some(rest) = lower.strip_prefix("https://") {
        (rest, 443)
    } else {
        return false;
    };
    let Some(origin) = parse_authority(rest) else {
        return false;
    };
    origin.host == host.host
        && origin.port.unwrap_or(default_port) == host.port.unwrap_or(default_port)
}

/// The warning for an address other machines can reach; `None` for a
/// loopback address.
pub fn exposure_warning(address: SocketAddr) -> Option<String> {
    let ip = address.ip().to_canonical();
    if ip.is_loopback() {
        return None;
    }
    let port = address.port();
    let how = if ip.is_unspecified() {
        format!("http://<this machine's IP address>:{port}/")
    } else {
        let shown = SocketAddr::new(ip, port);
        format!("http://{shown}/")
    };
    Some(format!(
        "warning: listening on {address}, beyond this machine: the site and its build errors \
         are readable by anyone on your network who can reach this port.\n\
         \x20 open it from another device as {how}; requests for other host names than \
         localhost and IP addresses are refused (403) unless given with `--allow-host NAME`. \
         Use the default `--bind 127.0.0.1` to keep the site to this machine.\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> HostName {
        HostName::Name(text.to_owned())
    }

    #[test]
    fn authorities_are_read() {
        let table = [
            ("localhost", Some((name("localhost"), None))),
            ("LocalHost:1111", Some((name("localhost"), Some(1111)))),
            ("localhost.:80", Some((name("localhost"), Some(80)))),
            (
                "127.0.0.1:8080",
                Some((HostName::Ip([127, 0, 0, 1].into()), Some(8080))),
            ),
            (
                "[::1]:1111",
                Some((HostName::Ip("::1".parse().expect("ip")), Some(1111))),
            ),
            (
                "[::1]",
                Some((HostName::Ip("::1".parse().expect("ip")), None)),
            ),
            ("docs.example:", Some((name("docs.example"), None))),
            ("", None),
            (":80", None),
            ("::1", None),
            ("[::1", None),
            ("[evil]:80", None),
            ("a b", None),
            ("a..b", None),
            ("host:99999", None),
            ("host:80:80", None),
            ("host:8x", None),
            ("user@host", None),
            ("evil.example/path", None),
            ("[::1]x", None),
        ];
        for (text, expected) in table {
            let found = parse_authority(text).map(|found| (found.host, found.port));
            assert_eq!(found, expected, "{text:?}");
        }
    }

    #[test]
    fn only_loopback_names_addresses_and_allowed_names_are_answered() {
        let policy = HostPolicy::new(vec!["docs.example".into(), ".tunnel.test".into()]);
        let allowed = [
            None,
            Some("localhost"),
            Some("localhost:1111"),
            Some("LOCALHOST"),
            Some("app.localhost:1111"),
            Some("127.0.0.1"),
            Some("127.0.0.1:1111"),
            Some("[::1]:1111"),
            Some("192.168.1.5:1111"),
            Some("docs.example:1111"),
            Some("tunnel.test"),
            Some("abc.tunnel.test"),
        ];
        for host in allowed {
            assert_eq!(policy.check(host), HostCheck::Allowed, "{host:?}");
        }
        let refused = [
            ("evil.example", "evil.example"),
            ("evil.example:1111", "evil.example"),
            ("localhost.evil.example", "localhost.evil.example"),
            ("evillocalhost", "evillocalhost"),
            ("www.docs.example", "www.docs.example"),
            ("eviltunnel.test", "eviltunnel.test"),
        ];
        for (host, refused) in refused {
            assert_eq!(
                policy.check(Some(host)),
                HostCheck::Refused(refused.into()),
                "{host}"
            );
        }
        for host in ["", "a b", "evil.example\u{1b}[2J", "[::1"] {
            assert_eq!(policy.check(Some(host)), HostCheck::Malformed, "{host:?}");
        }
        assert_eq!(
            HostPolicy::default().check(Some("docs.example")),
            HostCheck::Refused("docs.example".into())
        );
    }

    #[test]
    fn allowed_names_are_checked() {
        assert_eq!(
            parse_allowed_host("Docs.Example").as_deref(),
            Ok("docs.example")
        );
        assert_eq!(parse_allowed_host(".example").as_deref(), Ok(".example"));
        for bad in ["docs.example:80", "a b", "", ".", "http://docs.example"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
        let error = parse_allowed_host("192.168.1.5").expect_err("an address");
        assert!(error.contains("always answered"), "{error}");
    }

    #[test]
    fn an_origin_must_be_the_same_host_and_port() {
        let host = Some("127.0.0.1:1111");
        assert!(same_origin("http://127.0.0.1:1111", host));
        assert!(same_origin("HTTP://127.0.0.1:1111", host));
        assert!(same_origin("http://localhost", Some("localhost")));
        assert!(same_origin("http://localhost:80", Some("localhost")));
        assert!(same_origin(
            "https://abc.tunnel.test",
            Some("abc.tunnel.test")
        ));
        assert!(!same_origin("ftp://127.0.0.1:1111", host));
        for origin in [
            "http://evil.example",
            "http://evil.example:1111",
            "http://127.0.0.1:1112",
            "http://localhost:1111",
            "null",
            "file://",
            "http://127.0.0.1:1111/path",
            "",
        ] {
            assert!(!same_origin(origin, host), "{origin}");
        }
        assert!(!same_origin("http://127.0.0.1:1111", None));
    }

    #[test]
    fn binding_beyond_loopback_is_warned_about() {
        for quiet in [
            "127.0.0.1:1111",
            "127.0.0.2:1111",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert_eq!(
                exposure_warning(quiet.parse().expect("address")),
                None,
                "{quiet}"
            );
        }
        let all = exposure_warning("0.0.0.0:1111".parse().expect("address")).expect("a warning");
        assert!(
            all.starts_with("warning: listening on 0.0.0.0:1111"),
            "{all}"
        );
        assert!(all.contains("anyone on your network"), "{all}");
        assert!(all.contains("`--allow-host NAME`"), "{all}");
        assert!(
            all.contains("http://<this machine's IP address>:1111/"),
            "{all}"
        );
        let one =
            exposure_warning("192.168.1.5:1111".parse().expect("address")).expect("a warning");
        assert!(one.contains("as http://192.168.1.5:1111/"), "{one}");
        assert!(exposure_warning("[::]:1111".parse().expect("address")).is_some());
    }
}
