#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The plain-text guard, through validation: every URL a credential is
//! sent to is parsed (never prefix-matched); plain `http://` (or `ldap://`
//! without StartTLS) only to `localhost`, a 127.0.0.0/8 literal or
//! `[::1]`; no user name or password in any URL; anything else is an error
//! at the URL's file:line:column, with a fix.

use keyward_core::diag::Diagnostic;
use keyward_core::{PolicySet, SourceFile};

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

/// A SCIM Application whose URL is on line 12, column 12.
fn scim(url: &str) -> String {
    format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: chat}}\nspec:\n  connector:\n    scim:\n      url: '{url}'\n      token: {{env: SCIM_TOKEN}}\n"
    )
}

/// An LDAP Application whose URL is on line 12, column 12.
fn ldap(url: &str, start_tls: bool) -> String {
    format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: dir}}\nspec:\n  connector:\n    ldap:\n      url: '{url}'\n      bindDn: cn=keyward,dc=example,dc=com\n      password: {{env: LDAP_PASSWORD}}\n      baseDn: ou=people,dc=example,dc=com\n      startTls: {start_tls}\n"
    )
}

/// A SmartHR PeopleSource whose URL is on line 6, column 10.
fn smarthr(url: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: hr}}\nspec:\n  smarthr:\n    url: '{url}'\n    token: {{env: SMARTHR_TOKEN}}\n"
    )
}

/// Every diagnostic (errors and warnings) of loading `text`.
fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match PolicySet::load("policies", vec![SourceFile { path: "p.yaml".into(), text: text.to_owned() }]) {
        Ok(l) => l.warnings,
        Err(d) => d.0,
    }
}

/// The URL is accepted without a word.
fn accepted(text: &str, url: &str) {
    let d = diagnostics(text);
    assert!(d.is_empty(), "{url} should be accepted silently, got:\n{d:#?}");
}

/// The URL is an error at `position`, whose message holds `message`.
fn refused(text: &str, url: &str, position: &str, message: &str) -> Diagnostic {
    let d = diagnostics(text);
    let e = d
        .iter()
        .find(|d| d.is_error() && d.position() == position)
        .unwrap_or_else(|| panic!("{url} should be an error at {position}, got:\n{d:#?}"));
    assert!(e.message.contains(message), "{url}: expected {message:?} in {e}");
    assert!(e.help.as_deref().is_some_and(|h| !h.is_empty()), "{url}: no fix in {e}");
    e.clone()
}

/// Plain http to this machine, in every way a parser reads as loopback.
const LOOPBACK: &[&str] = &[
    "http://127.0.0.1:8080/scim/v2",
    "HTTP://127.0.0.1",
    "Http://LOCALHOST:9000/scim",
    "http://localhost/scim/v2",
    "http://127.1.2.3/",
    "http://[::1]:8080/scim/v2",
    // The URL standard reads these as 127.0.0.1, and the parsed URL is what
    // keyward sends requests to.
    "http://0x7f000001/",
    "http://127.0.0.1./scim",
];

/// Plain http that would carry the token off this machine.
const REMOTE: &[(&str, &str)] = &[
    ("http://localhost.evil.example/scim", "localhost.evil.example"),
    ("http://127.0.0.1.nip.io/scim", "127.0.0.1.nip.io"),
    ("http://127.evil.example/", "127.evil.example"),
    ("http://localhost./scim", "localhost."),
    ("http://[::ffff:127.0.0.1]/scim", "[::ffff:127.0.0.1]"),
    ("http://scim.example.com/scim/v2", "scim.example.com"),
    ("http://10.0.0.7:8080/", "10.0.0.7"),
    ("http://0.0.0.0/", "0.0.0.0"),
];

/// A user name or password before `@`: the host is what follows it.
const USERINFO: &[&str] = &[
    "http://[::1]@evil.example/scim",
    "http://127.0.0.1@evil.example/scim",
    "http://localhost:8080@evil.example/",
    "https://admin:hunter2@scim.example.com/scim/v2",
    "https://token@scim.example.com/",
];

#[test]
fn plain_http_to_this_machine_is_accepted_in_any_spelling_of_loopback() {
    for url in LOOPBACK {
        accepted(&scim(url), url);
        accepted(&smarthr(url), url);
    }
    accepted(&scim("https://api.example.com/scim/v2"), "https");
    accepted(&scim("HTTPS://API.example.com/scim/v2"), "HTTPS");
}

#[test]
fn plain_http_to_any_other_host_is_an_error_at_the_url() {
    for (url, host) in REMOTE {
        let e = refused(&scim(url), url, "p.yaml:12:12", "plain http");
        assert!(e.message.contains(&format!("`{host}`")), "{url}: the host is named: {e}");
        assert!(e.help.as_deref().unwrap().contains("https://"), "{e}");
        refused(&smarthr(url), url, "p.yaml:6:10", "plain http");
    }
}

#[test]
fn a_user_name_or_password_in_a_url_is_an_error_and_never_echoed() {
    for url in USERINFO {
        let e = refused(&scim(url), url, "p.yaml:12:12", "before `@`");
        let shown = e.to_string();
        assert!(!shown.contains("hunter2") && !shown.contains("token@"), "{url}: credentials echoed: {shown}");
        refused(&smarthr(url), url, "p.yaml:6:10", "before `@`");
    }
}

#[test]
fn what_is_not_an_http_url_is_an_error() {
    for url in ["ftp://127.0.0.1/", "https://", "http://exa mple.com/", "scim.example.com/scim/v2", "https://[::1/"] {
        refused(&scim(url), url, "p.yaml:12:12", "not an http(s) URL");
    }
}

#[test]
fn plain_ldap_follows_the_same_rule_unless_starttls_upgrades_it() {
    for url in ["ldap://127.0.0.1:389", "LDAP://localhost", "ldap://[::1]:389", "ldap://127.0.0.2"] {
        accepted(&ldap(url, false), url);
    }
    for url in ["ldaps://ldap.example.com:636", "LDAPS://ldap.example.com"] {
        accepted(&ldap(url, false), url);
    }
    accepted(&ldap("ldap://ldap.example.com:389", true), "StartTLS");
    for url in
        ["ldap://127.evil.example:389", "ldap://localhost.evil.example", "ldap://ldap.example.com", "ldap://0x7f000001"]
    {
        refused(&ldap(url, false), url, "p.yaml:12:12", "without StartTLS");
    }
    for url in ["ldap://[::1]@evil.example", "ldaps://cn=admin:pw@ldap.example.com"] {
        let e = refused(&ldap(url, false), url, "p.yaml:12:12", "before `@`");
        assert!(!e.to_string().contains(":pw@"), "{e}");
    }
}
