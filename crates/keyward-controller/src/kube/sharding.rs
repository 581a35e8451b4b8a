//! Sharding the applying across replicas (`--shards`), with Leases.
//!
//! Every replica plans every organisation it watches, but applies only to
//! the applications whose shard Lease it holds:
//! - **Membership.** Each replica renews a heartbeat Lease of its own
//!   (`<lease>-replica-<identity>`, labelled `keyward.io/replica-of:
//!   <lease>`) in the home namespace and lists the others'; a replica whose
//!   heartbeat is older than the Lease duration is gone.
//! - **Assignment.** The live replicas' names give every shard (namespace,
//!   application) an owner by rendezvous hashing ([`super::shards`]).
//! - **Leases.** A replica takes and renews the Lease of each shard it owns
//!   (`<lease>-shard-<app>` in the application's namespace) and releases
//!   the ones it no longer owns, after the change in flight. A dead
//!   replica's shard Leases expire after the Lease duration and the new
//!   owners take them then. The API server lets one writer win a Lease
//!   (optimistic concurrency), so two replicas that briefly disagree about
//!   who is alive never both hold a shard.
//! - **Safety margin.** A shard counts as held until its last successful
//!   renewal (measured from when the request was sent) plus the Lease
//!   duration minus a margin of a third of it. Renewal continues during an
//!   apply; once it fails long enough, the engine's permit is refused
//!   before the next change ([`crate::engine::ShardGate`]).
//!
//! Taking a shard wakes a full reconcile of its namespace: its changes are
//! planned from listings read after the Lease was taken.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use kube::api::{ListParams, ObjectMeta, PostParams};
use kube::{Api, Client};
use tokio::sync::{RwLock, mpsc, watch};
use tokio::time::Instant;

use super::lease::{self, Acquired, Holder, LeaseLock};
use super::shards::{self, Shard};
use crate::engine::{ShardGate, ShardPermit};
use crate::metrics::Metrics;

/// The label on heartbeat Leases, whose value is the Lease name prefix.
pub const REPLICA_LABEL: &str = "keyward.io/replica-of";

/// How sharding is set up.
#[derive(Debug, Clone)]
pub struct ShardConfig {
    /// Prefix of the heartbeat and shard Lease names (`--lease-name`).
    pub prefix: String,
    /// Where the heartbeat Leases live (the controller's own namespace).
    pub home: String,
    /// This replica's name.
    pub identity: String,
    /// How long a Lease lasts without renewal.
    pub duration: Duration,
    /// Time between renewals.
    pub renew_every: Duration,
}

struct Held {
    /// When the Lease was taken.
    since: Instant,
    /// Until when changes may be sent: last renewal sent + duration − margin.
    until: Instant,
    /// Read-held by each change in flight; written before a release.
    in_flight: Arc<RwLock<()>>,
}

#[derive(Default)]
struct State {
    /// The applications of each namespace, as its last load found them.
    apps: BTreeMap<String, BTreeSet<String>>,
    held: BTreeMap<Shard, Held>,
    /// The live replicas, sorted; this one included.
    replicas: Vec<String>,
}

struct Inner {
    config: ShardConfig,
    client: Client,
    heartbeat: LeaseLock,
    state: Mutex<State>,
    /// Wakes a namespace's loop when a shard of it is taken.
    triggers: BTreeMap<String, mpsc::UnboundedSender<&'static str>>,
    metrics: Metrics,
}

/// This replica's shards. Cheap to clone.
#[derive(Clone)]
pub struct Shards {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shards").field("identity", &self.inner.config.identity).finish_non_exhaustive()
    }
}

impl Shards {
    /// Sharding as `config` says; `triggers` wakes each namespace's loop.
    pub fn new(
        client: Client,
        config: ShardConfig,
        triggers: BTreeMap<String, mpsc::UnboundedSender<&'static str>>,
        metrics: Metrics,
    ) -> Self {
        let heartbeat = LeaseLock::new(
            Api::namespaced(client.clone(), &config.home),
            shards::object_name(&format!("{}-replica", config.prefix), &config.identity),
            config.identity.clone(),
            config.duration,
        );
        let state = State { replicas: vec![config.identity.clone()], ..State::default() };
        Self { inner: Arc::new(Inner { config, client, heartbeat, state: Mutex::new(state), triggers, metrics }) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn margin(&self) -> Duration {
        self.inner.config.duration / 3
    }

    /// What a namespace's last load found: its applications are its shards.
    pub fn set_apps(&self, namespace: &str, apps: BTreeSet<String>) {
        self.state().apps.insert(namespace.to_owned(), apps);
    }

    /// The gate of one namespace's engine.
    pub fn gate(&self, namespace: &str) -> Arc<dyn ShardGate> {
        Arc::new(NamespaceGate { shards: self.clone(), namespace: namespace.to_owned() })
    }

    /// `true` while this replica holds the shard (for statuses and Events).
    pub fn holds(&self, namespace: &str, app: &str) -> bool {
        let now = Instant::now();
        self.state().held.get(&Shard::new(namespace, app)).is_some_and(|h| h.until > now)
    }

    /// `true` when this replica writes what belongs to the namespace as a
    /// whole (its PeopleSources' statuses, invalid resources).
    pub fn writes_namespace(&self, namespace: &str) -> bool {
        let state = self.state();
        shards::namespace_owner(&state.replicas, namespace) == Some(self.inner.config.identity.as_str())
    }

    /// The shards held now.
    pub fn held(&self) -> Vec<Shard> {
        self.state().held.keys().cloned().collect()
    }

    /// Renews, takes and releases until `stop`, then releases everything
    /// (after the changes in flight) and the heartbeat.
    ///
    /// The heartbeat (with the list of who is alive) and the shard Leases
    /// are renewed by two loops of their own, each on a fixed beat of
    /// `renew_every`: a slow answer about one never delays the other, and
    /// the time the calls take is not added to the time between renewals
    /// (it was: five calls in a row, then the pause, made renewals come
    /// every 3–4 s instead of every second while the API server answered
    /// slowly, and 6 s Leases lapsed).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        // Who is alive is known before the first shard is taken.
        self.beat().await;
        let beats = tokio::spawn(self.clone().heartbeats(stop.clone()));
        let mut ticks = ticker(self.inner.config.renew_every);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            self.renew_shards().await;
        }
        if let Err(e) = beats.await {
            tracing::warn!(error = %e, "the heartbeat task ended abnormally");
        }
        let all: Vec<Shard> = self.held();
        for shard in all {
            self.release(&shard).await;
        }
        if let Err(e) = self.inner.heartbeat.release().await {
            tracing::warn!(error = %e, "cannot release the heartbeat Lease; the others notice in one Lease duration");
        }
        self.inner.metrics.set_shards_held(0);
    }

    /// Renews the heartbeat and reads who is alive, on every beat until `stop`.
    async fn heartbeats(self, mut stop: watch::Receiver<bool>) {
        let mut ticks = ticker(self.inner.config.renew_every);
        // The first beat was `run`'s own.
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            self.beat().await;
        }
    }

    /// Renews this replica's heartbeat and lists the live replicas, at once.
    async fn beat(&self) {
        let (renewed, live) = futures::join!(self.inner.heartbeat.try_acquire_or_renew(), self.live_replicas());
        if let Err(e) = renewed {
            tracing::warn!(error = %e, "cannot renew this replica's heartbeat Lease");
        }
        match live {
            Ok(live) => self.state().replicas = live,
            Err(e) => tracing::warn!(error = %e, "cannot list the replicas' heartbeat Leases; keeping the last list"),
        }
    }

    /// One round of the shards: takes and renews those the live replicas'
    /// assignment gives this one, releases the others.
    async fn renew_shards(&self) {
        let (wanted, held): (BTreeSet<Shard>, BTreeSet<Shard>) = {
            let state = self.state();
            let me = self.inner.config.identity.as_str();
            let wanted = state
                .apps
                .iter()
                .flat_map(|(ns, apps)| apps.iter().map(move |a| Shard::new(ns.clone(), a.clone())))
                .filter(|s| shards::owner(&state.replicas, &s.namespace, &s.app) == Some(me))
                .collect();
            (wanted, state.held.keys().cloned().collect())
        };
        for shard in held.difference(&wanted) {
            // In a task of its own: waiting for a change in flight must not
            // hold back the renewals below.
            let (me, shard) = (self.clone(), shard.clone());
            tokio::spawn(async move { me.release(&shard).await });
        }
        // Renewed at once, so one slow answer does not make the others late.
        let taken = futures::future::join_all(wanted.iter().map(|s| self.take_or_renew(s))).await;
        let woken: BTreeSet<String> =
            wanted.iter().zip(taken).filter(|(_, t)| *t).map(|(s, _)| s.namespace.clone()).collect();
        for ns in woken {
            if let Some(tx) = self.inner.triggers.get(&ns) {
                let _ = tx.send("shard Lease");
            }
        }
        let n = self.state().held.len();
        self.inner.metrics.set_shards_held(n);
    }

    fn lock(&self, shard: &Shard) -> LeaseLock {
        LeaseLock::new(
            Api::namespaced(self.inner.client.clone(), &shard.namespace),
            shards::object_name(&format!("{}-shard", self.inner.config.prefix), &shard.app),
            self.inner.config.identity.clone(),
            self.inner.config.duration,
        )
    }

    /// Takes or renews one shard's Lease; `true` when it was newly taken.
    async fn take_or_renew(&self, shard: &Shard) -> bool {
        let sent = Instant::now();
        let until = sent + self.inner.config.duration - self.margin();
        match self.lock(shard).acquire().await {
            Ok(Acquired::Renewed) => {
                let mut state = self.state();
                match state.held.get_mut(shard) {
                    Some(h) => {
                        h.until = until;
                        false
                    }
                    // Ours in the API but not known here (a restart with
                    // the same identity): taken now.
                    None => {
                        state.held.insert(shard.clone(), Held { since: sent, until, in_flight: Arc::default() });
                        true
                    }
                }
            }
            Ok(Acquired::Taken { from }) => {
                if from.as_deref().is_some_and(|f| f != self.inner.config.identity) {
                    self.inner.metrics.shard_handover();
                }
                tracing::info!(shard = %shard, from = from.as_deref().unwrap_or(""), "took the shard's Lease");
                let held = Held { since: sent, until, in_flight: Arc::default() };
                self.state().held.insert(shard.clone(), held);
                true
            }
            Ok(Acquired::Busy) => {
                if self.state().held.remove(shard).is_some() {
                    tracing::warn!(shard = %shard, "another replica holds the shard's Lease now");
                }
                false
            }
            Err(e) => {
                // Kept until its margin runs out: the permit decides.
                tracing::warn!(shard = %shard, error = %e, "cannot renew the shard's Lease");
                false
            }
        }
    }

    /// Stops applying to `shard`, waits for the change in flight, then
    /// gives its Lease up so the new owner takes it at once.
    async fn release(&self, shard: &Shard) {
        let Some(held) = self.state().held.remove(shard) else { return };
        drop(held.in_flight.write_owned().await);
        match self.lock(shard).release().await {
            Ok(()) => tracing::info!(shard = %shard, "released the shard's Lease"),
            Err(e) => tracing::warn!(shard = %shard, error = %e, "cannot release the shard's Lease; it expires"),
        }
    }

    /// The replicas whose heartbeat is fresh, this one included, sorted.
    async fn live_replicas(&self) -> Result<Vec<String>, kube::Error> {
        let api: Api<Lease> = Api::namespaced(self.inner.client.clone(), &self.inner.config.home);
        let leases = api.list(&ListParams::default()).await?;
        let now = jiff::Timestamp::now();
        let mut live: BTreeSet<String> = BTreeSet::new();
        live.insert(self.inner.config.identity.clone());
        for l in leases.items {
            let ours = l.metadata.labels.as_ref().and_then(|m| m.get(REPLICA_LABEL)) == Some(&self.inner.config.prefix);
            if !ours {
                continue;
            }
            // Seen from no one's identity: a fresh holder is `Other`.
            if let Holder::Other(who) = lease::holder(l.spec.as_ref(), "", now, self.inner.config.duration) {
                live.insert(who);
            }
        }
        Ok(live.into_iter().collect())
    }

    /// Creates this replica's heartbeat Lease with its label (renewals keep
    /// it), so the others can find it.
    pub async fn announce(&self) -> Result<(), super::LeaseError> {
        let api: Api<Lease> = Api::namespaced(self.inner.client.clone(), &self.inner.config.home);
        let name = shards::object_name(&format!("{}-replica", self.inner.config.prefix), &self.inner.config.identity);
        let lease = Lease {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                labels: Some([(REPLICA_LABEL.to_owned(), self.inner.config.prefix.clone())].into()),
                ..ObjectMeta::default()
            },
            spec: None,
        };
        match api.create(&PostParams::default(), &lease).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.is_already_exists() || s.code == 409 => Ok(()),
            Err(source) => Err(super::LeaseError::Api { action: "create", name, source }),
        }
    }
}

/// A beat every `period` from now, the first at once; a beat missed while
/// the work of the last one ran comes when it is done, the next a full
/// period later (no burst of catch-up calls).
fn ticker(period: Duration) -> tokio::time::Interval {
    // `interval` refuses a zero period; `--lease-renew 0s` means "as often as possible".
    let mut ticks = tokio::time::interval(period.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks
}

/// The [`ShardGate`] of one namespace's engine.
struct NamespaceGate {
    shards: Shards,
    namespace: String,
}

impl ShardGate for NamespaceGate {
    fn held_since(&self, app: &str, since: std::time::Instant) -> bool {
        let now = Instant::now();
        let since = Instant::from_std(since);
        let state = self.shards.state();
        state.held.get(&Shard::new(self.namespace.as_str(), app)).is_some_and(|h| h.since <= since && h.until > now)
    }

    fn permit(&self, app: &str) -> Result<ShardPermit, String> {
        let shard = Shard::new(self.namespace.as_str(), app);
        let refused = || {
            format!(
                "this replica no longer holds the shard Lease of {shard} (it is being handed over, or its renewal failed); the replica that holds it applies the change"
            )
        };
        let state = self.shards.state();
        let held = state.held.get(&shard).ok_or_else(refused)?;
        if held.until <= Instant::now() {
            return Err(refused());
        }
        held.in_flight.clone().try_read_owned().map(ShardPermit).map_err(|_| refused())
    }
}
