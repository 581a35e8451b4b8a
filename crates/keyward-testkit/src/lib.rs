//! Test support for keyward's integration tests: a **real** SCIM 2.0 server and a fault-injecting HTTP
//! proxy, both listening on loopback ports.
//!
//! What this crate owns:
//! - [`ScimServer`]: starts the Python `scim2-server` (pinned in `crates/keyward-testkit/requirements.txt`)
//!   as a child process on a free `127.0.0.1` port, waits until it answers, seeds it and reads it back
//!   over HTTP. The process is killed when the value is dropped.
//! - [`FaultProxy`]: a small HTTP/1.1 reverse proxy in front of any upstream base URL that forwards
//!   requests as they are, or answers them with injected faults (error statuses with `Retry-After`,
//!   delays, dropped connections, lost responses), logs what it saw, and can hold every write after
//!   the n-th one so that a test can kill a client exactly between two changes.
//!
//! - [`KubeEmulator`]: an in-memory Kubernetes API server (PyPI `kmock`, run by `kmock_launcher.py`) on a
//!   free `127.0.0.1` port, with the keyward.io kinds registered, for end-to-end tests of the
//!   controller's Kubernetes mode.
//! - [`LdapServer`]: Debian's OpenLDAP `slapd` (pinned in `scripts/debian-packages.txt`) with a config
//!   directory and database of its own, on a free `127.0.0.1` port, run in the foreground and killed
//!   when dropped; seeded and read back with the `ldap-utils` command-line tools ([`ldap`] has the
//!   directory's layout and accounts).
//! - [`google_batch`]: a stub of Google's Directory API batch endpoint (`multipart/mixed` in and out) on a
//!   wiremock server, shared by the Google connector's tests and the discovery benchmark.
//! - [`org`]: the policy files, HR export header and SCIM user resources of the small test organisation
//!   that both the CLI's and the standalone controller's end-to-end tests run against, so that the two
//!   suites cannot drift apart on what that organisation is.
//!
//! What it must not do:
//! - be anything but a dev-dependency: no keyward crate may depend on it outside `[dev-dependencies]`,
//!   and it holds no production logic (no SCIM client code: the code under test brings its own);
//! - fake SCIM or LDAP semantics: the behaviour comes from the real servers, never from this crate;
//! - send traffic anywhere but loopback addresses;
//! - let a test skip: when the SCIM server or slapd is missing or does not start, it panics with what to do.
//!
//! Panicking is the error handling here: every failure is a test failure with a message that says
//! what went wrong (status, body, server log).
//!
//! ```no_run
//! use keyward_testkit::{Fault, FaultProxy, Rule, ScimServer};
//!
//! # async fn example() {
//! let server = ScimServer::start("secret").await;
//! let alice = server.create_user(serde_json::json!({"userName": "alice"})).await;
//! server.create_group("engineering", &[&alice]).await;
//!
//! let proxy = FaultProxy::start(&server.url()).await;
//! proxy.inject(Rule::on("POST", "/Users").times(1).fault(Fault::too_many_requests(1)));
//! // ... point the client under test at proxy.url() with token "secret", run it, then:
//! assert!(server.user_by_user_name("bob").await.is_some());
//! assert_eq!(server.group_members("engineering").await, vec![alice]);
//! # }
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod google_batch;
mod kube;
pub mod ldap;
pub mod org;
mod postgres;
mod proxy;
mod scim;

pub use kube::KubeEmulator;
pub use ldap::{LdapOptions, LdapServer, ServerCertificate};
pub use postgres::PostgresServer;
pub use proxy::{Fault, FaultProxy, Logged, Rule, RuleBuilder};
pub use scim::ScimServer;

/// Polls `check` every 100 ms until it gives `Some`, and returns that; panics naming `what` when
/// `secs` pass first. For end-to-end tests that wait on a process they do not control (a controller
/// writing a status, a server reflecting a change).
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "not within {secs} s: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A loopback port that was free a moment ago: a server started on it may lose a race for it, so
/// each harness retries its start on another port.
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("read the bound port").port()
}

/// How waiting for a child server to come up ended.
pub(crate) enum Ready {
    /// It answers.
    Yes,
    /// It exited saying another process has its port.
    PortTaken,
    /// It exited for another reason.
    Exited,
    /// It neither answered nor exited in time.
    TimedOut,
}
