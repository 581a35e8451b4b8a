//! The running Kubernetes controller: watchers on the five kinds feeding a
//! debounced full reconcile, the periodic resync, leader election, the HR
//! event handler and graceful shutdown.
//!
//! A reconcile lists the five kinds (so it always plans from one
//! consistent read, not from caches that may lag each other), builds a
//! [`PolicySet`], runs [`Engine::reconcile_all`] and writes the statuses
//! and events. A policy set that does not validate is logged and the
//! reconcile skipped; the statuses keep describing the last good one.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::{FutureExt as _, StreamExt as _};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::ObjectReference;
use keyward_apply::GuardOptions;
use keyward_core::PolicySet;
use keyward_core::load::AnyResource;
use keyward_core::resources::{AccessPolicy, Application, Exception, PeopleSource, SeparationOfDuties};
use kube::api::ListParams;
use kube::runtime::WatchStreamExt as _;
use kube::runtime::events::{Recorder, Reporter};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt as _};
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::lease::{self, LeaseLock};
use super::report::{self, EventMemory};
use super::{KubeError, check_crds};
use crate::engine::{Engine, EngineConfig, ReconcileReport, Statuses};
use crate::http::{self, HttpState, PersonEvents, Readiness};
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;

/// Name under which events are reported (`reportingController`).
pub const REPORTER: &str = "keyward.io/controller";

/// How to run the Kubernetes mode.
#[derive(Debug, Clone)]
pub struct KubernetesOptions {
    /// The namespace whose keyward.io resources are reconciled.
    pub namespace: String,
    /// Where the HTTP endpoints listen.
    pub listen: SocketAddr,
    /// Time between full reconciles.
    pub resync: Duration,
    /// Quiet time after a resource changes before reconciling, so a
    /// `kubectl apply -f dir/` causes one reconcile, not one per object.
    pub debounce: Duration,
    /// The audit log.
    pub audit_log: std::path::PathBuf,
    /// Where checklists for read-only apps in enforce mode go.
    pub checklist_dir: std::path::PathBuf,
    /// The HR webhook secret; `None` disables `POST /hr/events`.
    pub webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages.
    pub webhook_secret_env: String,
    /// Guard limits and overrides.
    pub guard: GuardOptions,
    /// The Lease's name.
    pub lease_name: String,
    /// This replica's name in the Lease.
    pub identity: String,
    /// The Lease's duration.
    pub lease_duration: Duration,
    /// Time between renewals.
    pub renew_every: Duration,
}

impl KubernetesOptions {
    /// The defaults of `keyward controller --namespace NAME`.
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            resync: crate::standalone::DEFAULT_RESYNC,
            debounce: crate::standalone::DEFAULT_DEBOUNCE,
            audit_log: "/var/lib/keyward/audit.jsonl".into(),
            checklist_dir: "/var/lib/keyward/checklists".into(),
            webhook_secret: None,
            webhook_secret_env: crate::standalone::DEFAULT_SECRET_ENV.to_owned(),
            guard: GuardOptions::default(),
            lease_name: "keyward-controller".to_owned(),
            identity: super::default_identity(),
            lease_duration: lease::DEFAULT_DURATION,
            renew_every: lease::DEFAULT_RENEW,
        }
    }
}

/// Connects with the in-cluster configuration (or kubeconfig), checks the
/// CRDs, runs until SIGTERM or Ctrl-C, then stops gracefully.
pub async fn run_kubernetes(opts: KubernetesOptions) -> Result<(), KubeError> {
    let client = Client::try_default().await.map_err(KubeError::Connect)?;
    check_crds(&client).await?;
    let running = Kubernetes::start(client, opts).await?;
    tracing::info!(listen = %running.local_addr(), "keyward controller (Kubernetes) started");
    wait_for_signal().await;
    tracing::info!("stopping: no new HR events are taken; a change in flight is finished first");
    running.shutdown().await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
        tracing::warn!("cannot listen for SIGTERM; only Ctrl-C stops the controller");
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// What the last successful read of the namespace found.
struct Snapshot {
    set: Arc<PolicySet>,
    /// Application name → (generation, reference for events).
    apps: BTreeMap<String, (Option<i64>, ObjectReference)>,
    /// PeopleSource name → generation.
    sources: BTreeMap<String, Option<i64>>,
}

/// Lists, reconciles and writes back. Shared by the loop and the HR event
/// handler; usable on its own (tests drive it with a mock API server).
pub struct Reconciler {
    client: Client,
    namespace: String,
    engine: Arc<Engine>,
    readiness: Arc<Readiness>,
    leader: watch::Receiver<bool>,
    recorder: Recorder,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    events: tokio::sync::Mutex<EventMemory>,
    /// The statuses last written (or read), so unchanged ones are not
    /// patched again.
    written: tokio::sync::Mutex<Statuses>,
    seeded: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Reconciler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconciler").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

fn api_err(what: impl Into<String>) -> impl FnOnce(kube::Error) -> KubeError {
    let what = what.into();
    move |source| match &source {
        kube::Error::Api(s) if s.is_forbidden() => KubeError::Forbidden {
            rule: format!(
                "the Role rule for it (see examples/kubernetes/rbac.yaml); the API server said: {}",
                s.message
            ),
            what,
        },
        _ => KubeError::Api { what, source },
    }
}

impl Reconciler {
    /// A reconciler of `namespace`. Only reconciles while `leader` is true.
    pub fn new(
        client: Client,
        namespace: impl Into<String>,
        engine: Arc<Engine>,
        readiness: Arc<Readiness>,
        leader: watch::Receiver<bool>,
        identity: &str,
    ) -> Self {
        let reporter = Reporter { controller: REPORTER.to_owned(), instance: Some(identity.to_owned()) };
        Self {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            namespace: namespace.into(),
            engine,
            readiness,
            leader,
            snapshot: RwLock::new(None),
            events: tokio::sync::Mutex::new(EventMemory::default()),
            written: tokio::sync::Mutex::new(Statuses::default()),
            seeded: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn is_leader(&self) -> bool {
        *self.leader.borrow()
    }

    fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    async fn list<K>(&self) -> Result<Vec<K>, KubeError>
    where
        K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + std::fmt::Debug,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), &self.namespace);
        let what = format!("list {} in namespace {}", K::plural(&()), self.namespace);
        Ok(api.list(&ListParams::default()).await.map_err(api_err(what))?.items)
    }

    /// One full reconcile: list the five kinds, build the policy set,
    /// reconcile, write statuses and events. `Ok(None)` when it did not
    /// run (not the leader, or the policies do not validate).
    pub async fn reconcile_full(&self) -> Result<Option<ReconcileReport>, KubeError> {
        if !self.is_leader() {
            return Ok(None);
        }
        let sources: Vec<PeopleSource> = self.list().await?;
        let apps: Vec<Application> = self.list().await?;
        let policies: Vec<AccessPolicy> = self.list().await?;
        let exceptions: Vec<Exception> = self.list().await?;
        let duties: Vec<SeparationOfDuties> = self.list().await?;
        if !self.seeded.swap(true, std::sync::atomic::Ordering::SeqCst) {
            // Transition times survive a restart or a change of leader.
            let st = Statuses {
                applications: apps.iter().filter_map(|a| Some((a.name_any(), a.status.clone()?))).collect(),
                people_sources: sources.iter().filter_map(|s| Some((s.name_any(), s.status.clone()?))).collect(),
            };
            self.engine.seed_statuses(st.clone());
            *self.written.lock().await = st;
        }
        let snapshot_apps = apps.iter().map(|a| (a.name_any(), (a.metadata.generation, a.object_ref(&())))).collect();
        let snapshot_sources = sources.iter().map(|s| (s.name_any(), s.metadata.generation)).collect();
        let mut resources: Vec<AnyResource> = Vec::new();
        resources.extend(sources.into_iter().map(AnyResource::PeopleSource));
        resources.extend(apps.into_iter().map(AnyResource::Application));
        resources.extend(policies.into_iter().map(AnyResource::AccessPolicy));
        resources.extend(exceptions.into_iter().map(AnyResource::Exception));
        resources.extend(duties.into_iter().map(AnyResource::SeparationOfDuties));
        let root = format!("namespace {}", self.namespace);
        let loaded = match crate::engine::blocking(|| PolicySet::from_resources(&root, resources)) {
            Ok(l) => l,
            Err(d) => {
                let msg = d.0.iter().filter(|x| x.is_error()).map(ToString::to_string).collect::<Vec<_>>().join("; ");
                tracing::error!(error = %msg, "the keyward resources do not validate; nothing is reconciled until they do");
                self.readiness.policies(Err(msg));
                return Ok(None);
            }
        };
        for w in &loaded.warnings {
            tracing::warn!("{w}");
        }
        self.readiness.policies(Ok(()));
        let snap = Arc::new(Snapshot { set: Arc::new(loaded.set), apps: snapshot_apps, sources: snapshot_sources });
        *self.snapshot.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(snap.clone());
        let today = jiff::Zoned::now().date();
        let report = self.engine.reconcile_all(&snap.set, today).await;
        if report.interrupted {
            return Ok(Some(report));
        }
        self.readiness.reconciled();
        self.write_back(&snap, &report, true).await;
        Ok(Some(report))
    }

    /// Reconciles one person on the last policy set and writes back.
    pub async fn reconcile_person(&self, person: &str) -> Option<ReconcileReport> {
        let snap = self.snapshot()?;
        let today = jiff::Zoned::now().date();
        let report = self.engine.reconcile_person(&snap.set, person, today).await;
        if !report.interrupted {
            self.write_back(&snap, &report, false).await;
        }
        Some(report)
    }

    /// Writes changed statuses and new events. Failures are logged: the
    /// next reconcile writes again.
    async fn write_back(&self, snap: &Snapshot, report: &ReconcileReport, full: bool) {
        if !self.is_leader() {
            // Leadership was lost while reconciling: the new leader writes.
            return;
        }
        let apps: Api<Application> = Api::namespaced(self.client.clone(), &self.namespace);
        let sources: Api<PeopleSource> = Api::namespaced(self.client.clone(), &self.namespace);
        let mut written = self.written.lock().await;
        for (name, status) in &report.applications {
            let Some((generation, _)) = snap.apps.get(name) else { continue };
            let mut next = status.clone();
            next.observed_generation = *generation;
            if written.applications.get(name) == Some(&next) {
                continue;
            }
            match report::patch_application(&apps, name, status, *generation).await {
                Ok(()) => {
                    written.applications.insert(name.clone(), next);
                }
                Err(e) => tracing::warn!(application = %name, error = %e, "cannot write the status"),
            }
        }
        for (name, status) in &report.people_sources {
            let Some(generation) = snap.sources.get(name) else { continue };
            let mut next = status.clone();
            next.observed_generation = *generation;
            if written.people_sources.get(name) == Some(&next) {
                continue;
            }
            match report::patch_people_source(&sources, name, status, *generation).await {
                Ok(()) => {
                    written.people_sources.insert(name.clone(), next);
                }
                Err(e) => tracing::warn!(people_source = %name, error = %e, "cannot write the status"),
            }
        }
        drop(written);
        let mut memory = self.events.lock().await;
        if full {
            memory.retain(&|a| snap.apps.contains_key(a));
        }
        for (name, outcome) in &report.apps {
            let Some((_, reference)) = snap.apps.get(name) else { continue };
            for w in memory.filter(name, report::wanted_events(outcome, full), full) {
                report::publish(&self.recorder, reference, &w).await;
            }
        }
    }
}

/// The HR event handler of the Kubernetes mode.
struct Events {
    reconciler: Arc<Reconciler>,
    tasks: Arc<Mutex<JoinSet<()>>>,
    lease_name: String,
}

impl PersonEvents for Events {
    fn reconcile_people(&self, event_id: &str, people: Vec<String>) -> Result<(), String> {
        let r = &self.reconciler;
        if r.engine.is_stopping() {
            return Err("the controller is shutting down; send the event again to the next instance".to_owned());
        }
        if !r.is_leader() {
            return Err(format!(
                "not the leader: this replica is a standby (another replica holds the Lease {}); send the event again",
                self.lease_name
            ));
        }
        if r.snapshot().is_none() {
            return Err("the policies are not loaded yet; the event cannot be handled".to_owned());
        }
        let mut tasks = self.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Reap finished tasks so the set does not grow for the life of the
        // process.
        while tasks.try_join_next().is_some() {}
        for person in people {
            let r = r.clone();
            let event = event_id.to_owned();
            tasks.spawn(async move {
                // A bug must not take the controller down: the event is
                // lost (the next resync catches up), the process goes on.
                let Ok(report) = AssertUnwindSafe(r.reconcile_person(&person)).catch_unwind().await else {
                    tracing::error!(event = %event, person = %person, "internal error: the reconcile of this person panicked");
                    return;
                };
                if let Some(e) = report.as_ref().and_then(|r| r.error.as_ref()) {
                    tracing::warn!(event = %event, person = %person, reason = %e.reason, error = %e.message, "the HR event could not be handled");
                }
            });
        }
        Ok(())
    }
}

/// A running Kubernetes-mode controller.
pub struct Kubernetes {
    addr: SocketAddr,
    reconciler: Arc<Reconciler>,
    readiness: Arc<Readiness>,
    shutdown: watch::Sender<bool>,
    main: tokio::task::JoinHandle<()>,
    watchers: JoinSet<()>,
    tasks: Arc<Mutex<JoinSet<()>>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    leading: tokio::task::JoinHandle<()>,
    lock: LeaseLock,
}

impl std::fmt::Debug for Kubernetes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kubernetes").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Kubernetes {
    /// Opens the audit log, binds the listener, starts leader election,
    /// the watchers and the loop. Errors here mean nothing was started.
    pub async fn start(client: Client, opts: KubernetesOptions) -> Result<Self, KubeError> {
        let metrics = Metrics::new();
        let engine = Arc::new(
            Engine::new(EngineConfig {
                audit_log: opts.audit_log.clone(),
                checklist_dir: opts.checklist_dir.clone(),
                guard: opts.guard.clone(),
                metrics: metrics.clone(),
            })?
            .with_secrets(Arc::new(super::KubeSecrets::new(client.clone(), &opts.namespace))),
        );
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|source| crate::ControllerError::Listen { addr: opts.listen, source })?;
        let addr =
            listener.local_addr().map_err(|source| crate::ControllerError::Listen { addr: opts.listen, source })?;
        if opts.webhook_secret.is_none() {
            tracing::warn!(
                "HR events are disabled: the environment variable {} is not set; terminations wait for the next resync",
                opts.webhook_secret_env
            );
        }
        let readiness = Arc::new(Readiness::default());
        let (leader_tx, leader_rx) = watch::channel(false);
        let reconciler = Arc::new(Reconciler::new(
            client.clone(),
            opts.namespace.clone(),
            engine,
            readiness.clone(),
            leader_rx.clone(),
            &opts.identity,
        ));
        let tasks = Arc::new(Mutex::new(JoinSet::new()));
        let (shutdown, shutdown_rx) = watch::channel(false);

        let lock = LeaseLock::new(
            Api::<Lease>::namespaced(client.clone(), &opts.namespace),
            opts.lease_name.clone(),
            opts.identity.clone(),
            opts.lease_duration,
        );
        let leading = tokio::spawn(lead(lock.clone(), opts.renew_every, leader_tx, shutdown_rx.clone()));

        let state = HttpState::new(
            metrics,
            readiness.clone(),
            Arc::new(Events {
                reconciler: reconciler.clone(),
                tasks: tasks.clone(),
                lease_name: opts.lease_name.clone(),
            }),
            opts.webhook_secret.clone(),
            opts.webhook_secret_env.clone(),
        );
        let app = standby_readiness(http::router(Arc::new(state)), leader_rx.clone(), opts.lease_name.clone());
        let mut stop_http = shutdown_rx.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop_http.wait_for(|s| *s).await;
                })
                .await
        });

        let (trigger_tx, trigger_rx) = mpsc::unbounded_channel();
        let mut watchers = JoinSet::new();
        let ns = &opts.namespace;
        watchers.spawn(watch_kind(Api::<PeopleSource>::namespaced(client.clone(), ns), true, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<Application>::namespaced(client.clone(), ns), true, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<AccessPolicy>::namespaced(client.clone(), ns), false, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<Exception>::namespaced(client.clone(), ns), false, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<SeparationOfDuties>::namespaced(client, ns), false, trigger_tx));

        let main =
            tokio::spawn(main_loop(reconciler.clone(), trigger_rx, leader_rx, shutdown_rx, opts.resync, opts.debounce));
        Ok(Self { addr, reconciler, readiness, shutdown, main, watchers, tasks, server, leading, lock })
    }

    /// Where the HTTP endpoints listen.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The statuses after the last reconcile.
    pub fn statuses(&self) -> Statuses {
        self.reconciler.engine.statuses()
    }

    /// Stops: watchers end, no new HR events are taken, a reconcile that is
    /// reading stops before applying and one that is applying finishes;
    /// then the HTTP server closes and the Lease is released so a standby
    /// takes over at once.
    pub async fn shutdown(mut self) -> Result<(), KubeError> {
        self.readiness.stopping();
        self.reconciler.engine.stop();
        self.shutdown.send_replace(true);
        self.watchers.shutdown().await;
        if let Err(e) = (&mut self.main).await {
            tracing::error!(error = %e, "the reconcile loop ended abnormally");
        }
        let pending = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        pending.join_all().await;
        self.reconciler.engine.idle().await;
        match (&mut self.server).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the HTTP server stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "the HTTP server task ended abnormally"),
        }
        if let Err(e) = (&mut self.leading).await {
            tracing::warn!(error = %e, "the leader election task ended abnormally");
        }
        self.lock.release().await?;
        tracing::info!("stopped; the Lease is released");
        Ok(())
    }
}

/// Answers `/readyz` with 503 `standby` while this replica does not hold
/// the Lease, so the Service routes only to the leader.
fn standby_readiness(router: axum::Router, leader: watch::Receiver<bool>, lease: String) -> axum::Router {
    router.layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
        let leading = *leader.borrow();
        let lease = lease.clone();
        async move {
            if req.uri().path() == "/readyz" && !leading {
                let body = serde_json::json!({
                    "ready": false,
                    "reasons": [format!("standby: another replica holds the Lease {lease}")],
                });
                return axum::response::IntoResponse::into_response((
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(body),
                ));
            }
            next.run(req).await
        }
    }))
}

/// Keeps trying to hold the Lease and publishes whether we do.
async fn lead(lock: LeaseLock, renew_every: Duration, leader: watch::Sender<bool>, mut stop: watch::Receiver<bool>) {
    let mut last_ok: Option<Instant> = None;
    loop {
        let started = Instant::now();
        let now_leading = match lock.try_acquire_or_renew().await {
            Ok(true) => {
                last_ok = Some(started);
                true
            }
            Ok(false) => {
                last_ok = None;
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew the Lease");
                // Measured from when the last good renew was sent, which is
                // before the API server stamped it: we stop leading no later
                // than a standby may take over.
                last_ok.is_some_and(|t| t.elapsed() < lock.duration())
            }
        };
        leader.send_if_modified(|l| {
            if *l == now_leading {
                return false;
            }
            if now_leading {
                tracing::info!(identity = lock.identity(), "became the leader: reconciling");
            } else {
                tracing::warn!(identity = lock.identity(), "not the leader: standing by");
            }
            *l = now_leading;
            true
        });
        tokio::select! {
            _ = tokio::time::sleep(renew_every) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    leader.send_replace(false);
}

/// Full reconciles: when leadership is gained, after a change (debounced),
/// and every `resync`.
async fn main_loop(
    reconciler: Arc<Reconciler>,
    mut triggers: mpsc::UnboundedReceiver<&'static str>,
    mut leader: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
    resync: Duration,
    debounce: Duration,
) {
    let mut next: Option<Instant> = None;
    let mut resync_at = Instant::now() + resync;
    loop {
        let wake = next.map_or(resync_at, |n| n.min(resync_at));
        tokio::select! {
            biased;
            // The guard `wait_for` returns is not `Send`; drop it at once.
            () = async { let _ = shutdown.wait_for(|s| *s).await; } => break,
            changed = leader.changed() => {
                if changed.is_err() {
                    break;
                }
                if *leader.borrow_and_update() {
                    next = Some(Instant::now());
                }
            }
            Some(kind) = triggers.recv() => {
                tracing::debug!(kind, "a keyward resource changed");
                // Changes within the debounce window share one reconcile.
                if next.is_none() {
                    next = Some(Instant::now() + debounce);
                }
            }
            () = tokio::time::sleep_until(wake) => {
                next = None;
                resync_at = Instant::now() + resync;
                if reconciler.is_leader() && !reconciler.engine.is_stopping() {
                    let run = AssertUnwindSafe(reconciler.reconcile_full()).catch_unwind();
                    match run.await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => tracing::error!(error = %e, "the reconcile failed; retrying at the next change or resync"),
                        Err(_) => tracing::error!("internal error: the reconcile panicked; retrying at the next change or resync"),
                    }
                }
            }
        }
    }
}

/// Watches one kind and sends a trigger on every change that matters:
/// for kinds with a status (`by_generation`), only a new generation or a
/// deletion, so the controller's own status patches do not wake it.
async fn watch_kind<K>(api: Api<K>, by_generation: bool, tx: mpsc::UnboundedSender<&'static str>)
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
{
    let kind: &'static str = match K::kind(&()) {
        std::borrow::Cow::Borrowed(k) => k,
        std::borrow::Cow::Owned(_) => "resource",
    };
    let mut seen: HashMap<String, Option<i64>> = HashMap::new();
    let mut stream = std::pin::pin!(watcher(api, watcher::Config::default()).default_backoff());
    while let Some(ev) = stream.next().await {
        let changed = match ev {
            Ok(watcher::Event::Apply(o) | watcher::Event::InitApply(o)) => {
                let key = o.meta().uid.clone().unwrap_or_else(|| o.name_any());
                let generation = o.meta().generation;
                let before = seen.insert(key, generation);
                !by_generation || before != Some(generation)
            }
            Ok(watcher::Event::Delete(o)) => {
                seen.remove(&o.meta().uid.clone().unwrap_or_else(|| o.name_any()));
                true
            }
            Ok(watcher::Event::Init | watcher::Event::InitDone) => false,
            Err(e) => {
                tracing::warn!(kind, error = %e, "watching failed; retrying");
                false
            }
        };
        if changed && tx.send(kind).is_err() {
            break;
        }
    }
}
