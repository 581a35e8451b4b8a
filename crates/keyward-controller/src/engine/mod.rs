//! The reconcile engine: read, plan, apply what is enforced, report.
//! Shared by the standalone and the Kubernetes modes, which only differ in
//! where policies come from and where statuses go (their [`crate::host::Host`]).
//!
//! Safety rules kept here:
//! - Data that could not be read is an error on the resources it affects,
//!   never "zero people" or "zero accounts": an app whose accounts could not
//!   be read gets no change at all, and nothing is planned when the HR
//!   snapshot could not be read.
//! - Only apps in `enforce` mode are changed, only with their non-review
//!   changes, and always through the [`Applier`]: its guards, its order and
//!   its audit log.
//! - One reconcile at a time: a reconcile reads, plans and applies under
//!   one lock, so no plan is made from a state another reconcile is busy
//!   changing, and two applies never interleave.
//!
//! One concern per module:
//! - `reconcile` — the two reconciles, step by step: everything, or one
//!   person after an HR event.
//! - `connections` — the app connections cache: connectors kept between
//!   reconciles and rebuilt when their spec or Secret changes.
//! - `secrets` — Kubernetes Secrets named by credentials ([`SecretReader`]).
//! - `reading` — reading the HR data and the apps.
//! - `problems` — what a failed read means for each resource, in words.
//! - `planning` — planning with the listings that could be read.
//! - `applying` — handing enforced changes to the [`Applier`].
//! - `publishing` — outcomes, statuses, metrics and the reconcile's log line.
//! - `report` — what a reconcile returns ([`ReconcileReport`]).
//! - `shards` — applying only to the apps whose shard this replica holds
//!   ([`ShardGate`]), when the work is sharded across replicas.

mod applying;
mod connections;
mod planning;
mod problems;
mod publishing;
mod reading;
mod reconcile;
mod report;
mod secrets;
mod shards;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use keyward_apply::audit::AuditKey;
use keyward_apply::state::RosterStore;
use keyward_apply::{Applier, GuardOptions, Store};
use keyward_core::i18n::Lang;
use tokio::sync::watch;

pub use report::{ReconcileKind, ReconcileReport, Statuses};
pub use secrets::{SecretData, SecretReader};
pub use shards::{ShardGate, ShardPermit};

use crate::ControllerError;
use crate::metrics::Metrics;
use connections::AppConnections;

/// Runs CPU- or disk-bound work (reading a CSV, planning) without stalling
/// the other tasks of a multi-threaded runtime, as the HR sources do.
pub(crate) use keyward_sources::off_the_async_threads as blocking;

/// What the engine needs, fixed for its lifetime.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The append-only audit log; opened (and locked) once for the life of
    /// the engine. The roster of people seen is kept beside it
    /// (`roster.json`). Not used by [`Engine::with_store`], which is given
    /// the store (PostgreSQL) already open.
    pub audit_log: PathBuf,
    /// Where checklists for read-only apps in enforce mode are written.
    pub checklist_dir: PathBuf,
    /// Guard limits and overrides, as for `keyward apply`.
    pub guard: GuardOptions,
    /// Where counters go.
    pub metrics: Metrics,
    /// The language of the checklists it writes (`--lang`); the audit log,
    /// statuses and metrics stay English.
    pub lang: Lang,
}

/// The reconcile engine. See the module docs.
pub struct Engine {
    /// Carries out the enforced changes; owns the audit log.
    applier: Applier,
    metrics: Metrics,
    /// Held for a whole reconcile: see the module docs.
    connections: tokio::sync::Mutex<AppConnections>,
    statuses: std::sync::Mutex<Statuses>,
    stop: watch::Sender<bool>,
    /// Applies made so far, to tell run ids apart.
    runs: AtomicU64,
    /// Reads Kubernetes Secrets named by credentials; `None` outside
    /// Kubernetes, where such a reference is refused.
    secrets: Option<Arc<dyn SecretReader>>,
    /// Delta links and users of Microsoft Graph PeopleSources with
    /// `delta: true`, kept across reconciles.
    delta: Arc<keyward_sources::DeltaCache>,
    /// The apps this replica may change when the work is sharded across
    /// replicas; `None`: all of them.
    shards: Option<Arc<dyn ShardGate>>,
    /// Whom full reconciles saw (`roster.json` beside the audit log), so a
    /// person deleted from a directory is shown, not forgotten.
    roster: RosterStore,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("audit_log", &self.applier.audit().path()).finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the audit log (verifying and locking it; with the HMAC key of
    /// `KEYWARD_AUDIT_HMAC_KEY` or `KEYWARD_AUDIT_HMAC_KEY_FILE` when one is
    /// set) and sets up an engine with no connectors yet. Where the log
    /// ends is published in the metrics from the start.
    pub fn new(config: EngineConfig) -> Result<Self, ControllerError> {
        let store = Store::files(&config.audit_log, None, AuditKey::from_env()?)?;
        Ok(Self::with_store(config, store))
    }

    /// As [`Engine::new`], with a store already opened (and verified):
    /// the audit log and roster in PostgreSQL, see
    /// [`State::open`](keyward_apply::state::State::open).
    pub fn with_store(config: EngineConfig, store: Store) -> Self {
        config.metrics.set_audit_end(store.audit.records(), &store.audit.last_hash());
        Self {
            roster: store.roster,
            applier: Applier::new(
                store.audit.with_actor(keyward_apply::audit::actor::from_env().as_deref()),
                config.checklist_dir,
                config.guard,
            )
            .in_lang(config.lang),
            metrics: config.metrics,
            connections: tokio::sync::Mutex::new(AppConnections::default()),
            statuses: std::sync::Mutex::new(Statuses::default()),
            stop: watch::channel(false).0,
            runs: AtomicU64::new(0),
            secrets: None,
            delta: Arc::default(),
            shards: None,
        }
    }

    /// The engine on `state`'s chain `chain` in PostgreSQL (migrated and
    /// verified first), or with `None` on the files of `config.audit_log`
    /// as [`Engine::new`].
    pub async fn open(
        config: EngineConfig,
        state: Option<&keyward_apply::state::PgState>,
        chain: &str,
    ) -> Result<Self, ControllerError> {
        match state {
            None => Self::new(config),
            Some(pg) => {
                let state = keyward_apply::State::Postgres(pg.clone());
                let store = state.open(chain, AuditKey::from_env()?).await?;
                Ok(Self::with_store(config, store))
            }
        }
    }

    /// Lets credentials name Kubernetes Secrets, read through `reader`
    /// whenever a connector is (re)built and on every full reconcile, so a
    /// rotated token is picked up without a restart.
    #[must_use]
    pub fn with_secrets(mut self, reader: Arc<dyn SecretReader>) -> Self {
        self.secrets = Some(reader);
        self
    }

    /// Applies only to the apps `gate` lets this replica change (the
    /// Kubernetes mode with shards); the others are planned, never changed.
    #[must_use]
    pub fn with_shards(mut self, gate: Arc<dyn ShardGate>) -> Self {
        self.shards = Some(gate);
        self
    }

    /// The audit log, its record count and its last hash: where it ends,
    /// to keep elsewhere for `keyward audit verify --expect-records
    /// --expect-hash`.
    pub fn audit_end(&self) -> (PathBuf, u64, String) {
        let audit = self.applier.audit();
        (audit.path().to_owned(), audit.records(), audit.last_hash())
    }

    /// The metrics this engine counts into.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The statuses after the last reconcile.
    pub fn statuses(&self) -> Statuses {
        self.statuses.lock().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Starts from known statuses (the Kubernetes mode reads them from the
    /// API), so transition times survive a restart.
    pub fn seed_statuses(&self, s: Statuses) {
        *self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = s;
    }

    /// Records statuses the host wrote between reconciles (a resource
    /// that does not validate), so the next reconcile starts from them.
    pub fn note_statuses(&self, s: Statuses) {
        self.update_statuses(|all| {
            all.applications.extend(s.applications);
            all.people_sources.extend(s.people_sources);
        });
    }

    /// Asks running and future reconciles to stop before they apply
    /// anything. A reconcile already applying finishes its changes: a
    /// change is never cut off halfway.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// `true` once [`Engine::stop`] was called.
    pub fn is_stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Waits until the current reconcile (if any) has finished.
    pub async fn idle(&self) {
        drop(self.connections.lock().await);
    }

    /// Resolves once [`Engine::stop`] was called.
    async fn stopping(&self) {
        let mut rx = self.stop.subscribe();
        // An error means the sender is gone, which cannot happen while
        // `self` lives; waiting forever is then the right answer.
        if rx.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    fn update_statuses(&self, f: impl FnOnce(&mut Statuses)) {
        let mut s = self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s);
    }
}
