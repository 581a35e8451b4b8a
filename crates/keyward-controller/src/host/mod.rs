//! What the standalone and the Kubernetes modes share, around the one
//! thing they differ in: the [`Host`] — where the policies come from
//! (files on disk, watched; or the Kubernetes API, watched), where
//! statuses go (the status file and logs; or `.status`, Events and logs),
//! and whether this replica leads (standalone always does; in Kubernetes
//! the Lease decides).
//!
//! Everything else is written once, here:
//! - [`Controller`] — a full reconcile and a person's reconcile on the
//!   host's policies, published through the host; the HR-event path
//!   (webhook → a task per person → reconcile).
//! - `main_loop` — the one loop: reconcile when this replica starts to
//!   lead, after a policy change (debounced), and at every resync, until
//!   shutdown.
//! - `running` — starting the HTTP endpoints and the loop, the one signal
//!   handler, and the graceful stop.
//! - `people` — the HR-event path: one reconcile per person at a time,
//!   and at most one more waiting behind it.

mod main_loop;
mod people;
mod running;

use std::borrow::Borrow;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::FutureExt as _;
use keyward_core::PolicySet;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use main_loop::Timing;
pub(crate) use people::HrEvents;
pub(crate) use running::{Endpoints, Running, listen, until_signal, warn_if_events_disabled};

use crate::engine::{Engine, ReconcileReport};
use crate::http::Readiness;

/// What woke the loop for a full reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// This replica began to lead (standalone: it started).
    Leading,
    /// The policies changed (and the changes settled).
    Changed,
    /// The periodic resync: the last good policies may be reused.
    Resync,
}

/// Where policies come from and where statuses go: what the standalone and
/// the Kubernetes modes differ in.
#[async_trait]
pub trait Host: Send + Sync + 'static {
    /// Policies as the host loaded them: the set, plus what publishing a
    /// reconcile of them needs (in Kubernetes, each resource's generation
    /// and reference).
    type Policies: Borrow<PolicySet> + Send + Sync + 'static;
    /// Why the policies could not be read at all (the API refused a list);
    /// policies that do not validate are not an error, see [`Host::load`].
    type Error: std::fmt::Display + Send;

    /// The policies for a full reconcile; `why` says what woke the loop.
    /// `Ok(None)` when there is nothing to reconcile: the policies do not
    /// load (the host has reported why; the last good ones stay in use for
    /// HR events) or were never loaded.
    async fn load(&self, why: Wake) -> Result<Option<Arc<Self::Policies>>, Self::Error>;

    /// The last good policies, for an HR event; `None` before the first
    /// load.
    fn current(&self) -> Option<Arc<Self::Policies>>;

    /// Writes what a reconcile of `policies` found.
    async fn publish(&self, policies: &Self::Policies, report: &ReconcileReport);

    /// Whether this replica leads: only the leader reconciles and takes HR
    /// events.
    fn leadership(&self) -> watch::Receiver<bool>;

    /// Why an HR event is refused while this replica does not lead.
    fn not_leading(&self) -> String;

    /// Called once after the last reconcile, before the HTTP server closes.
    fn stopped(&self) {}
}

/// The engine on a host: reconciles, publishes, and takes HR events. One
/// per controller, shared by the loop, the HR-event tasks and the HTTP
/// endpoints.
pub struct Controller<H: Host> {
    engine: Arc<Engine>,
    host: H,
    readiness: Arc<Readiness>,
    /// Person reconciles started by HR events.
    tasks: Mutex<JoinSet<()>>,
    /// The people being reconciled after HR events.
    queue: people::PersonQueue,
}

impl<H: Host> std::fmt::Debug for Controller<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller").field("engine", &self.engine).finish_non_exhaustive()
    }
}

impl<H: Host> Controller<H> {
    /// `engine` on `host`; `readiness` is what `/readyz` serves.
    pub fn with_host(engine: Arc<Engine>, readiness: Arc<Readiness>, host: H) -> Self {
        Self { engine, host, readiness, tasks: Mutex::new(JoinSet::new()), queue: people::PersonQueue::default() }
    }

    /// What `/readyz` serves for this controller.
    pub fn readiness(&self) -> Arc<Readiness> {
        self.readiness.clone()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn is_leader(&self) -> bool {
        *self.host.leadership().borrow()
    }

    /// One full reconcile with the policies read again, as after a change:
    /// reconcile, then publish. `Ok(None)` when it did not run (not the
    /// leader, or the policies do not load).
    pub async fn reconcile_full(&self) -> Result<Option<ReconcileReport>, H::Error> {
        self.full(Wake::Changed).await
    }

    async fn full(&self, why: Wake) -> Result<Option<ReconcileReport>, H::Error> {
        if !self.is_leader() {
            return Ok(None);
        }
        let Some(policies) = self.host.load(why).await? else { return Ok(None) };
        let today = jiff::Zoned::now().date();
        let report = self.engine.reconcile_all((*policies).borrow(), today).await;
        if report.interrupted {
            return Ok(Some(report));
        }
        self.readiness.reconciled();
        self.host.publish(&policies, &report).await;
        Ok(Some(report))
    }

    /// A full reconcile for the loop: never while stopping, and a failure
    /// or a panic is logged, never the end of the loop (the next change or
    /// resync tries again).
    async fn full_logged(&self, why: Wake) {
        if self.engine.is_stopping() {
            return;
        }
        match AssertUnwindSafe(self.full(why)).catch_unwind().await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the reconcile failed; retrying at the next change or resync"),
            Err(_) => tracing::error!("internal error: the reconcile panicked; retrying at the next change or resync"),
        }
    }

    /// Reconciles one person on the last good policies and publishes it.
    /// `None` before the policies were loaded.
    pub async fn reconcile_person(&self, person: &str) -> Option<ReconcileReport> {
        let policies = self.host.current()?;
        let today = jiff::Zoned::now().date();
        let report = self.engine.reconcile_person((*policies).borrow(), person, today).await;
        if !report.interrupted {
            self.host.publish(&policies, &report).await;
        }
        Some(report)
    }

    /// Waits for the person reconciles HR events started (each stops
    /// before applying if it has not begun to); none starts any more.
    async fn join_person_tasks(&self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        tasks.join_all().await;
    }
}
