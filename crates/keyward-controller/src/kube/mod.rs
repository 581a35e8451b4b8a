//! The Kubernetes mode of the controller: policies are keyward.io custom
//! resources in one namespace, statuses go to their `/status`
//! subresources, and Kubernetes Events tell admins what changed. It is one
//! [`Host`](crate::host::Host) of the shared [`crate::host`] — the same
//! engine, main loop, HR-event path, signal handler and graceful stop as
//! the standalone mode; only where policies come from, where statuses go
//! and who leads differ.
//!
//! - [`crds`] — the start-up check that the CRDs are installed.
//! - [`host`] — the [`Cluster`] host: the five kinds listed into a policy
//!   set, statuses and events written back ([`Reconciler`]).
//! - [`lease`] — leader election with a `coordination.k8s.io/v1` Lease.
//! - [`shards`] — which replica should apply to which (namespace,
//!   application): rendezvous hashing.
//! - [`sharding`] — `--shards`: heartbeat Leases, a Lease per shard, the
//!   engine's gate.
//! - [`report`] — status patches and the events worth sending.
//! - [`secrets`] — connector credentials read from Secrets by name.
//! - [`run`] — starting and stopping: one organisation per watched
//!   namespace (its own engine, audit log, loop and watchers), leader
//!   election or shards, `/readyz`, and the Leases released on shutdown.
//!
//! # Leadership and the Service
//!
//! Only the Lease holder reconciles, applies and takes HR events. A
//! standby answers `/readyz` with 503 (`standby: …`), so the Service sends
//! traffic to the leader only; should a request still reach a standby
//! (endpoints lag a few seconds), `POST /hr/events` answers 503 "not the
//! leader" and the sender's retry lands on the leader.
//!
//! # Known limits
//!
//! - A reconcile that is applying when leadership is lost finishes its
//!   changes (an apply is never cut off halfway); it then writes no status,
//!   and the new leader's first reconcile re-reads everything. Keep
//!   applies shorter than the Lease duration or accept that overlap.
//! - A Secret named by a credential is read on every full reconcile and
//!   whenever a connector is rebuilt; a person's reconcile after an HR
//!   event reuses the token read last, so a rotation reaches it at the
//!   next resync (or policy change) at the latest.
//!
//! # What a resource reaches
//!
//! Whoever may `kubectl apply` keyward resources in the namespace must not
//! get the controller's own credentials or files. So the policy set is
//! built with [`Reach::Api`](keyward_core::load::Reach): a credential
//! comes only from a Secret of the namespace (`secret:`; `env:` and
//! `file:` are refused), and a file (an HR or account export, a CA
//! certificate) only by absolute path inside a directory the operator
//! allowed with `--allow-files` — none by default — checked as written and
//! again, symlinks resolved, just before it is read. A refusal is an
//! `InvalidSpec` condition on the resource (or, for a symlink found at
//! read time, its read error), and nothing it names is read.
//!
//! # RBAC
//!
//! Exactly the rules of `examples/kubernetes/rbac.yaml`: get/list/watch on
//! the five kinds; patch on `applications/status` and
//! `peoplesources/status`; create/patch on events (events.k8s.io);
//! create, get and update on the Lease; get on the five CRDs by name; get on
//! the Secrets the Applications name, by name.

pub mod crds;
pub mod host;
pub mod lease;
pub mod report;
pub mod run;
pub mod secrets;
pub mod sharding;
pub mod shards;

pub use crds::check_crds;
pub use host::{Cluster, Reconciler};
pub use lease::{LeaseError, LeaseLock};
pub use run::{Kubernetes, KubernetesOptions, run_kubernetes};
pub use secrets::KubeSecrets;

use keyward_core::load::AllowedDirs;

use crate::ControllerError;

/// Why the Kubernetes mode cannot start or run.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// No cluster configuration was found (no in-cluster service account,
    /// no kubeconfig).
    #[error("cannot connect to Kubernetes: {0}")]
    Connect(#[source] kube::Error),
    /// Some of keyward's CRDs are not installed.
    #[error(
        "the keyward CustomResourceDefinitions {} are not installed in this cluster; install them with `kubectl apply -f crds/` (or `keyward crd | kubectl apply -f -`) and start the controller again",
        missing.join(", ")
    )]
    CrdsMissing {
        /// Names of the missing CRDs.
        missing: Vec<String>,
    },
    /// The API server said 403: an RBAC rule is missing.
    #[error("not allowed to {what}: the controller's ServiceAccount needs {rule}")]
    Forbidden {
        /// What was refused.
        what: String,
        /// The rule to add.
        rule: String,
    },
    /// Any other API error.
    #[error("cannot {what}: {source}")]
    Api {
        /// What was attempted.
        what: String,
        /// What the client said.
        source: kube::Error,
    },
    /// A namespace has more objects of one kind than one organisation may.
    #[error(
        "namespace {namespace} has more than {max} {kind}; nothing of it is reconciled. Remove what is not needed, or raise --max-objects-per-namespace"
    )]
    TooMany {
        /// The namespace.
        namespace: String,
        /// The kind, plural.
        kind: String,
        /// The limit.
        max: usize,
    },
    /// The Lease could not be used.
    #[error(transparent)]
    Lease(#[from] LeaseError),
    /// A directory given to `--allow-files` cannot be used.
    #[error(
        "cannot allow resources to read files under {}: {why}; give an existing directory (a mounted volume) to --allow-files",
        path.display()
    )]
    AllowedDir {
        /// The directory as given.
        path: std::path::PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// What the standalone mode can fail with too (audit log, listener).
    #[error(transparent)]
    Controller(#[from] ControllerError),
}

/// The directories of `--allow-files`, canonicalised (absolute, every
/// symlink resolved) so that what a resource names is compared with where
/// the files really are. Each must be an existing directory.
pub fn allowed_dirs(dirs: &[std::path::PathBuf]) -> Result<AllowedDirs, KubeError> {
    let mut out = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let bad = |why: String| KubeError::AllowedDir { path: dir.clone(), why };
        let canonical = std::fs::canonicalize(dir).map_err(|e| bad(e.to_string()))?;
        if !canonical.is_dir() {
            return Err(bad("it is not a directory".to_owned()));
        }
        out.push(canonical);
    }
    Ok(AllowedDirs::new(out))
}

/// This replica's name in the Lease: `$POD_NAME`, else the host name (a
/// pod's host name is its name), else `keyward-<pid>`.
pub fn default_identity() -> String {
    let from_env = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    from_env("POD_NAME")
        .or_else(|| from_env("HOSTNAME"))
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| format!("keyward-{}", std::process::id()))
}

/// The namespace to reconcile by default: `$POD_NAMESPACE`, else `default`.
pub fn default_namespace() -> String {
    std::env::var("POD_NAMESPACE").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "default".to_owned())
}
