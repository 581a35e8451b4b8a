//! The one check of a URL keyward sends a credential to: parsed with the
//! `url` crate (the WHATWG URL standard, the parser the HTTP client uses),
//! never prefix-matched, so `http://127.0.0.1.nip.io` or
//! `http://[::1]@evil.example` cannot pass for this machine.
//!
//! The rules: the scheme is compared case-insensitively; no user name or
//! password before `@` (keyward sends its own credentials, and the part
//! before `@` is a classic way to make a URL look like another host);
//! plain text (`http://`, `ldap://` without StartTLS) only to `localhost`
//! exactly, a 127.0.0.0/8 literal or `[::1]`, as the parser reads the host.
//! Compilation reports a refusal at the URL's position; keyward-http
//! builds its requests from the URL this returns, so what was checked is
//! what is called.

use std::fmt;
use std::net::Ipv4Addr;

use url::{Host, Url};

/// A protocol with a TLS scheme and a plain one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `https://` or `http://`.
    Http,
    /// `ldaps://`, or `ldap://` (plain unless upgraded by StartTLS).
    Ldap,
}

impl Protocol {
    fn secure(self) -> &'static str {
        match self {
            Self::Http => "https",
            Self::Ldap => "ldaps",
        }
    }

    fn plain(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Ldap => "ldap",
        }
    }
}

/// Why a URL is refused. Its text never holds the part before `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Not a URL of the protocol at all.
    NotAUrl {
        /// The protocol asked for.
        protocol: Protocol,
        /// The text as written (it did not parse, so it has no credentials
        /// the parser could strip; it is shown so the typo can be found).
        written: String,
        /// The parser's reason, or what is missing.
        why: String,
    },
    /// A user name or password before `@`.
    UserInfo {
        /// The host the URL actually goes to.
        host: String,
    },
    /// Plain text to a host that is not this machine.
    Plaintext {
        /// The protocol.
        protocol: Protocol,
        /// The host, as the parser reads it.
        host: String,
    },
}

impl UrlError {
    /// How to fix it, for a diagnostic's help.
    pub fn help(&self) -> String {
        match self {
            Self::NotAUrl { protocol: Protocol::Http, .. } => {
                "write an https URL such as `https://api.example.com/scim/v2`".to_owned()
            }
            Self::NotAUrl { protocol: Protocol::Ldap, .. } => {
                "write `ldaps://ldap.example.com:636`, or `ldap://ldap.example.com:389` with `startTls: true`".to_owned()
            }
            Self::UserInfo { .. } => "remove the `user:password@` part: credentials come from the resource's `token`, `password` or `secret` fields, never from the URL".to_owned(),
            Self::Plaintext { protocol: Protocol::Http, .. } => "use https://; plain http:// is only for a server on this machine (localhost, 127.x.x.x or [::1])".to_owned(),
            Self::Plaintext { protocol: Protocol::Ldap, .. } => "use ldaps:// or set `startTls: true`; plain ldap:// is only for a directory on this machine (localhost, 127.x.x.x or [::1])".to_owned(),
        }
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAUrl { protocol: Protocol::Http, written, why } => {
                write!(f, "`{written}` is not an http(s) URL: {why}")
            }
            Self::NotAUrl { protocol: Protocol::Ldap, written, why } => {
                write!(f, "`{written}` is not an LDAP URL: {why}")
            }
            Self::UserInfo { host } => write!(
                f,
                "the URL has a user name or password before `@`, so it goes to `{host}` and would carry them there"
            ),
            Self::Plaintext { protocol: Protocol::Http, host } => write!(
                f,
                "the URL is plain http to `{host}`, not to localhost, 127.x.x.x or [::1]: the token could cross the network unencrypted"
            ),
            Self::Plaintext { protocol: Protocol::Ldap, host } => write!(
                f,
                "the URL is plain ldap without StartTLS to `{host}`, not to localhost, 127.x.x.x or [::1]: the bind password could cross the network unencrypted"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// An API address: `https://…`, or `http://…` to this machine.
pub fn http_url(written: &str) -> Result<Url, UrlError> {
    check(written, Protocol::Http, false)
}

/// A directory's address: `ldaps://…`, `ldap://…` upgraded by StartTLS
/// (`start_tls`), or plain `ldap://…` to this machine.
pub fn ldap_url(written: &str, start_tls: bool) -> Result<Url, UrlError> {
    check(written, Protocol::Ldap, start_tls)
}

/// The URL `written` parsed, if it is a URL of `protocol` with a host, no
/// credentials, and encryption unless it goes to this machine (`upgraded`:
/// the plain scheme is encrypted later, as StartTLS does).
pub fn check(written: &str, protocol: Protocol, upgraded: bool) -> Result<Url, UrlError> {
    let trimmed = written.trim();
    // Quoted without what may be credentials, and as an excerpt: the text
    // may come from a key file.
    let not_a_url = |why: &str| UrlError::NotAUrl {
        protocol,
        written: crate::excerpt::value(&without_userinfo(trimmed), 5 * crate::excerpt::VALUE_CHARS),
        why: why.to_owned(),
    };
    // The parser silently drops tabs and line breaks inside a URL: refuse
    // them, so what is checked is what was written.
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_a_url("it contains a space or a control character"));
    }
    let url = Url::parse(trimmed).map_err(|e| not_a_url(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::UserInfo { host: url.host().map(|h| host_text(&h)).unwrap_or_default() });
    }
    let scheme = url.scheme();
    if scheme != protocol.secure() && scheme != protocol.plain() {
        return Err(not_a_url(&format!("it must start with {}:// or {}://", protocol.secure(), protocol.plain())));
    }
    let Some(host) = url.host() else { return Err(not_a_url("it names no host")) };
    if host_text(&host).is_empty() {
        return Err(not_a_url("it names no host"));
    }
    if scheme == protocol.plain() && !upgraded && !is_loopback(&host) {
        return Err(UrlError::Plaintext { protocol, host: host_text(&host) });
    }
    Ok(url)
}

/// `localhost` exactly (the parser folds case), an IPv4 address in
/// 127.0.0.0/8, or `::1`. A URL whose scheme the standard does not know
/// (`ldap`) keeps its host as text, so a dotted quad is read here the way
/// the standard reads it for http.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost") || d.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback()),
        Host::Ipv4(a) => a.is_loopback(),
        Host::Ipv6(a) => a.is_loopback(),
    }
}

/// `scheme://user:password@rest` as `scheme://…@rest`, for a text that
/// did not parse: the part before `@` may be a credential.
fn without_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else { return text.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://…{}", &rest[at..]),
        None => text.to_owned(),
    }
}

fn host_text(host: &Host<&str>) -> String {
    match host {
        Host::Ipv6(a) => format!("[{a}]"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_what_the_parser_reads_not_a_prefix() {
        assert!(http_url("http://127.0.0.1:8080/scim").is_ok());
        assert!(http_url("HTTP://LocalHost/").is_ok());
        assert_eq!(
            http_url("http://127.0.0.1.nip.io/"),
            Err(UrlError::Plaintext { protocol: Protocol::Http, host: "127.0.0.1.nip.io".to_owned() })
        );
        assert_eq!(http_url("http://[::1]@evil.example/"), Err(UrlError::UserInfo { host: "evil.example".to_owned() }));
        assert!(ldap_url("ldap://ldap.example.com", true).is_ok());
        assert!(ldap_url("ldap://ldap.example.com", false).is_err());
        assert!(ldap_url("ldap://127.0.0.1:389", false).is_ok());
        let long = http_url(&format!("x{}", "y".repeat(100_000))).unwrap_err().to_string();
        assert!(long.len() < 400, "{long}");
        for bad in ["https://admin:hunter2@[::1/", "ftp://admin:hunter2@example.com/"] {
            let e = http_url(bad).unwrap_err().to_string();
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
