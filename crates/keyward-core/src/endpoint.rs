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

use crate::i18n::{Lang, Msg};

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
        why: NotAUrl,
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

/// What makes a text no URL of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAUrl {
    /// A space or a control character inside it.
    Whitespace,
    /// The URL parser's reason.
    Parser(url::ParseError),
    /// Another scheme.
    Scheme,
    /// No host.
    NoHost,
}

impl NotAUrl {
    /// The reason as a catalogue message. The parser's reasons keyward
    /// knows are the parser's own English words (a test checks it), in
    /// Japanese too; a reason added by a later `url` shows as the parser
    /// says it.
    pub fn message(self, protocol: Protocol) -> Msg {
        use url::ParseError as P;
        match self {
            Self::Whitespace => Msg::new("endpoint-why-whitespace"),
            Self::Scheme => {
                Msg::new("endpoint-why-scheme").arg("secure", protocol.secure()).arg("plain", protocol.plain())
            }
            Self::NoHost => Msg::new("endpoint-why-no-host"),
            Self::Parser(P::EmptyHost) => Msg::new("endpoint-why-empty-host"),
            Self::Parser(P::IdnaError) => Msg::new("endpoint-why-idna"),
            Self::Parser(P::InvalidPort) => Msg::new("endpoint-why-port"),
            Self::Parser(P::InvalidIpv4Address) => Msg::new("endpoint-why-ipv4"),
            Self::Parser(P::InvalidIpv6Address) => Msg::new("endpoint-why-ipv6"),
            Self::Parser(P::InvalidDomainCharacter) => Msg::new("endpoint-why-domain-character"),
            Self::Parser(P::RelativeUrlWithoutBase) => Msg::new("endpoint-why-relative"),
            Self::Parser(other) => Msg::new("endpoint-why-parser").arg("why", other.to_string()),
        }
    }
}

impl UrlError {
    /// What is wrong, as a catalogue message.
    pub fn message(&self) -> Msg {
        match self {
            Self::NotAUrl { protocol, written, why } => match protocol {
                Protocol::Http => Msg::new("endpoint-not-http-url"),
                Protocol::Ldap => Msg::new("endpoint-not-ldap-url"),
            }
            .arg("written", written)
            .arg("why", why.message(*protocol)),
            Self::UserInfo { host } => Msg::new("endpoint-user-info").arg("host", host),
            Self::Plaintext { protocol: Protocol::Http, host } => Msg::new("endpoint-plain-http").arg("host", host),
            Self::Plaintext { protocol: Protocol::Ldap, host } => Msg::new("endpoint-plain-ldap").arg("host", host),
        }
    }

    /// How to fix it, as a catalogue message.
    pub fn help_message(&self) -> Msg {
        match self {
            Self::NotAUrl { protocol: Protocol::Http, .. } => Msg::new("endpoint-not-http-url-help"),
            Self::NotAUrl { protocol: Protocol::Ldap, .. } => Msg::new("endpoint-not-ldap-url-help"),
            Self::UserInfo { .. } => Msg::new("endpoint-user-info-help"),
            Self::Plaintext { protocol: Protocol::Http, .. } => Msg::new("endpoint-plain-http-help"),
            Self::Plaintext { protocol: Protocol::Ldap, .. } => Msg::new("endpoint-plain-ldap-help"),
        }
    }

    /// How to fix it, for a diagnostic's help, in English.
    pub fn help(&self) -> String {
        self.help_message().render(Lang::En)
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().render(Lang::En))
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
    let not_a_url = |why: NotAUrl| UrlError::NotAUrl {
        protocol,
        written: crate::excerpt::value(&without_userinfo(trimmed), 5 * crate::excerpt::VALUE_CHARS),
        why,
    };
    // The parser silently drops tabs and line breaks inside a URL: refuse
    // them, so what is checked is what was written.
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_a_url(NotAUrl::Whitespace));
    }
    let url = Url::parse(trimmed).map_err(|e| not_a_url(NotAUrl::Parser(e)))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::UserInfo { host: url.host().map(|h| host_text(&h)).unwrap_or_default() });
    }
    let scheme = url.scheme();
    if scheme != protocol.secure() && scheme != protocol.plain() {
        return Err(not_a_url(NotAUrl::Scheme));
    }
    let Some(host) = url.host() else { return Err(not_a_url(NotAUrl::NoHost)) };
    if host_text(&host).is_empty() {
        return Err(not_a_url(NotAUrl::NoHost));
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

    #[test]
    fn the_parsers_reasons_read_in_english_as_the_parser_says_them() {
        use url::ParseError as P;
        let all = [
            P::EmptyHost,
            P::IdnaError,
            P::InvalidPort,
            P::InvalidIpv4Address,
            P::InvalidIpv6Address,
            P::InvalidDomainCharacter,
            P::RelativeUrlWithoutBase,
            P::RelativeUrlWithCannotBeABaseBase,
            P::SetHostOnCannotBeABaseUrl,
            P::Overflow,
        ];
        for e in all {
            assert_eq!(NotAUrl::Parser(e).message(Protocol::Http).render(Lang::En), e.to_string());
        }
    }

    #[test]
    fn refusals_read_in_japanese() {
        let e = http_url("http://api.example.com/").unwrap_err();
        assert_eq!(
            e.message().render(Lang::Ja),
            "URL は `api.example.com` への平文の http です。localhost、127.x.x.x、[::1] 以外へはトークンが暗号化されずにネットワークを流れるおそれがあります"
        );
        let e = http_url("api.example.com").unwrap_err();
        assert_eq!(e.to_string(), "`api.example.com` is not an http(s) URL: relative URL without a base");
        assert_eq!(
            e.message().render(Lang::Ja),
            "`api.example.com` は http(s) の URL ではありません（ベースのない相対 URL です）"
        );
    }
}
