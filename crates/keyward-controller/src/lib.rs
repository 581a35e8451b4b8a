//! # keyward-controller
//!
//! Runs keyward continuously. It owns the reconcile loop — standalone
//! (policy files on disk, watched, statuses in a file) or in Kubernetes
//! (custom resources watched, statuses in their status subresource, a Lease
//! so one replica applies), both one [`host::Host`] around the same
//! [`engine::Engine`], main loop, HR-event path and signal handler — the
//! HR event endpoint that reacts to a termination at once instead of at
//! the next resync, the Prometheus metrics, the health and readiness
//! probes, and the per-resource status (`ApplicationStatus`,
//! `PeopleSourceStatus`).
//!
//! It must not decide what to change — that is the plan's job in
//! keyward-core — nor talk HTTP to apps — that is the connectors' job. It
//! reads, asks for a plan, hands the changes to keyward-apply's
//! [`Applier`](keyward_apply::Applier) (which applies apps in `enforce`
//! mode only, within the guards, with the audit log), and reports.
//!
//! - [`engine`] — one reconcile of everything or of one person, returning a
//!   [`engine::ReconcileReport`]; holds the app connections, the applier
//!   and the lock that keeps two reconciles from applying at once.
//! - [`host`] — what both modes share around their [`host::Host`]: the
//!   [`host::Controller`] (reconcile, publish, HR events), the one main
//!   loop, the signal handler and the graceful stop.
//! - [`standalone`] — the files host: policy files (watched), the status
//!   file.
//! - [`kube`] — the Kubernetes host: CRD check, Lease leader election,
//!   watchers, status patches, Kubernetes Events.
//! - [`status`] — pure: conditions and statuses from what a reconcile saw
//!   and did.
//! - [`webhook`] — pure: HMAC authentication and the accepted shapes of HR
//!   events; [`replay`] — the signatures taken, so a replay is refused.
//! - [`metrics`] — the Prometheus metrics.
//! - [`http`] — the HTTP server: `/healthz`, `/readyz`, `/metrics`,
//!   `POST /hr/events`.
//! - [`policies`] — reading policy files from disk (standalone mode).

pub mod engine;
pub mod host;
pub mod http;
pub mod kube;
pub mod metrics;
pub mod policies;
pub mod replay;
pub mod standalone;
pub mod status;
pub mod webhook;

pub use engine::{Engine, EngineConfig, ReconcileKind, ReconcileReport};
pub use kube::{KubeError, KubernetesOptions, run_kubernetes};
pub use metrics::Metrics;
pub use standalone::{Standalone, StandaloneOptions, run_standalone};
pub use webhook::WebhookSecret;

use std::path::PathBuf;

/// Why the controller cannot start or run.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// The audit log cannot be opened: missing permissions, another
    /// keyward holds it, or it does not verify.
    #[error("cannot use the audit log: {0}")]
    Audit(#[from] keyward_apply::AuditError),
    /// The state database cannot be reached, migrated or verified.
    #[error("cannot use the state store: {0}")]
    State(#[from] keyward_apply::StateError),
    /// The state database's password cannot be read from its Secret.
    #[error("cannot use the state store: {0}")]
    StatePassword(String),
    /// The HTTP endpoints cannot listen on the address asked for.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The policy files cannot be watched for changes.
    #[error("cannot watch {} for changes: {source}", path.display())]
    Watch {
        /// The file or directory.
        path: PathBuf,
        /// What the file watcher said.
        source: notify::Error,
    },
    /// The HTTP server stopped with an error.
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
    /// A task of the controller panicked or was cancelled.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Parses a resync interval: `30s`, `10m`, `1h`, `1h30m` (jiff's friendly
/// format) or an ISO 8601 duration (`PT10M`). Must be positive.
pub fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let d: jiff::SignedDuration =
        text.trim().parse().map_err(|e| format!("`{text}` is not a duration ({e}); write it like 30s, 10m or 1h"))?;
    if d.is_zero() || d.is_negative() {
        return Err(format!("`{text}`: the interval must be longer than zero"));
    }
    std::time::Duration::try_from(d).map_err(|e| format!("`{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::time::Duration;

    use super::parse_interval;

    #[test]
    fn intervals_read_like_people_write_them() {
        assert_eq!(parse_interval("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_interval("PT2M"), Ok(Duration::from_secs(120)));
        assert!(parse_interval("0s").unwrap_err().contains("longer than zero"));
        assert!(parse_interval("soon").unwrap_err().contains("30s, 10m or 1h"));
    }
}
