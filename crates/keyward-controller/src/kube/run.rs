//! The running Kubernetes controller: the [`Cluster`] host on the shared
//! loop, HR-event path and graceful stop of [`crate::host`], plus what only
//! Kubernetes has — watchers on the five kinds feeding the loop, leader
//! election with a Lease, `/readyz` answering `standby` on the replicas
//! that do not lead, and the Lease released on shutdown.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use k8s_openapi::api::coordination::v1::Lease;
use keyward_apply::GuardOptions;
use keyward_core::resources::{AccessPolicy, Application, Exception, PeopleSource, SeparationOfDuties};
use kube::runtime::WatchStreamExt as _;
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt as _};
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::host::Cluster;
use super::lease::{self, LeaseLock};
use super::sharding::{ShardConfig, Shards};
use super::{KubeError, check_crds};
use crate::engine::{Engine, EngineConfig, Statuses};
use crate::host::{self, Controller, Endpoints, HrEvents, Running, Timing};
use crate::http::{PersonEvents, Readiness};
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;

/// How to run the Kubernetes mode.
#[derive(Debug, Clone)]
pub struct KubernetesOptions {
    /// The controller's own namespace: where the leader-election Lease and
    /// the replicas' heartbeat Leases live, and the one namespace watched
    /// when `namespaces` is empty.
    pub namespace: String,
    /// The namespaces whose keyward.io resources are reconciled, one
    /// organisation each; empty: `namespace` alone.
    pub namespaces: Vec<String>,
    /// Where the HTTP endpoints listen.
    pub listen: SocketAddr,
    /// Time between full reconciles.
    pub resync: Duration,
    /// Quiet time after a resource changes before reconciling, so a
    /// `kubectl apply -f dir/` causes one reconcile, not one per object.
    pub debounce: Duration,
    /// The audit log. With several namespaces each organisation has its
    /// own, in a directory named after the namespace beside this path
    /// ([`org_path`]).
    pub audit_log: std::path::PathBuf,
    /// Keep the audit log and the roster in PostgreSQL instead of
    /// `audit_log`: the URL (`--state`, never with a password).
    pub state: Option<String>,
    /// The chain in `state`: the namespace unless set (`--state-chain`,
    /// with one namespace only: with several, each organisation's chain is
    /// its namespace).
    pub state_chain: Option<String>,
    /// The Secret of the namespace holding the database password, and its
    /// key (`--state-password-secret NAME/KEY`); else the password comes
    /// from `KEYWARD_STATE_PASSWORD(_FILE)`.
    pub state_password_secret: Option<(String, String)>,
    /// Where checklists for read-only apps in enforce mode go (per
    /// namespace like the audit log).
    pub checklist_dir: std::path::PathBuf,
    /// The HR webhook secret; `None` disables `POST /hr/events`.
    pub webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages.
    pub webhook_secret_env: String,
    /// Guard limits and overrides.
    pub guard: GuardOptions,
    /// The language of the checklists (the global `--lang`); English unless set.
    pub lang: keyward_core::i18n::Lang,
    /// The Lease's name; with `shards`, the prefix of the heartbeat and
    /// shard Leases.
    pub lease_name: String,
    /// This replica's name in the Lease.
    pub identity: String,
    /// The Lease's duration.
    pub lease_duration: Duration,
    /// Time between renewals.
    pub renew_every: Duration,
    /// Directories whose files the namespace's resources may name
    /// (`--allow-files`, repeatable); none by default. Each must exist.
    pub allow_files: Vec<std::path::PathBuf>,
    /// Shard the applying across replicas by (namespace, application),
    /// with a Lease per shard ([`super::sharding`]), instead of electing
    /// one replica that does everything.
    pub shards: bool,
    /// Most objects of one kind read from one namespace.
    pub max_objects: usize,
}

impl KubernetesOptions {
    /// The defaults of `keyward controller --namespace NAME`.
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            namespaces: Vec::new(),
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            resync: crate::standalone::DEFAULT_RESYNC,
            debounce: crate::standalone::DEFAULT_DEBOUNCE,
            audit_log: "/var/lib/keyward/audit.jsonl".into(),
            state: None,
            state_chain: None,
            state_password_secret: None,
            checklist_dir: "/var/lib/keyward/checklists".into(),
            webhook_secret: None,
            webhook_secret_env: crate::standalone::DEFAULT_SECRET_ENV.to_owned(),
            guard: GuardOptions::default(),
            lang: keyward_core::i18n::Lang::En,
            lease_name: lease::DEFAULT_NAME.to_owned(),
            identity: super::default_identity(),
            lease_duration: lease::DEFAULT_DURATION,
            renew_every: lease::DEFAULT_RENEW,
            allow_files: Vec::new(),
            shards: false,
            max_objects: super::host::DEFAULT_MAX_OBJECTS,
        }
    }

    /// The namespaces reconciled, each once, in the order given.
    pub fn watched(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let given = if self.namespaces.is_empty() { std::slice::from_ref(&self.namespace) } else { &self.namespaces };
        for ns in given {
            let ns = ns.trim();
            if !ns.is_empty() && !out.iter().any(|o| o == ns) {
                out.push(ns.to_owned());
            }
        }
        out
    }
}

/// Where an organisation's file goes: `path` itself with one namespace;
/// with several, `path`'s file name in a directory named after the
/// namespace beside it (`/var/lib/keyward/audit.jsonl` →
/// `/var/lib/keyward/acme/audit.jsonl`), so each organisation has its own
/// audit chain, roster and checklists. The shared audit store replaces
/// the files when it is configured.
pub fn org_path(path: &std::path::Path, namespace: &str, several: bool) -> std::path::PathBuf {
    if !several {
        return path.to_owned();
    }
    let parent = path.parent().unwrap_or_else(|| std::path::Path::new(""));
    match path.file_name() {
        Some(name) => parent.join(namespace).join(name),
        None => path.join(namespace),
    }
}

/// Connects with the in-cluster configuration (or kubeconfig), checks the
/// CRDs, runs until SIGTERM or Ctrl-C, then stops gracefully.
pub async fn run_kubernetes(opts: KubernetesOptions) -> Result<(), KubeError> {
    // A mistyped --allow-files is said before anything else is tried.
    super::allowed_dirs(&opts.allow_files)?;
    let client = Client::try_default().await.map_err(KubeError::Connect)?;
    check_crds(&client).await?;
    let running = Kubernetes::start(client, opts).await?;
    tracing::info!(listen = %running.local_addr(), "keyward controller (Kubernetes) started");
    host::until_signal().await;
    running.shutdown().await
}

/// One organisation: a namespace's controller and its main loop.
struct Org {
    namespace: String,
    running: Running<Cluster>,
}

/// A running Kubernetes-mode controller.
pub struct Kubernetes {
    addr: SocketAddr,
    /// The first serves the HTTP endpoints for all.
    orgs: Vec<Org>,
    watchers: JoinSet<()>,
    /// Leader election or the shards' Leases.
    leases: tokio::task::JoinHandle<()>,
    /// Ends the leader election or the shards.
    stop_leases: watch::Sender<bool>,
    /// The leader-election Lease; `None` with shards.
    lock: Option<LeaseLock>,
    shards: Option<Shards>,
}

impl std::fmt::Debug for Kubernetes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kubernetes").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// Sends an HR event to every organisation's controller; each looks the
/// person up in its own HR data only.
struct FanOut(Vec<Arc<dyn PersonEvents>>);

impl PersonEvents for FanOut {
    fn reconcile_people(&self, event_id: &str, people: Vec<String>) -> Result<(), String> {
        let mut first_err = None;
        let mut taken = false;
        for org in &self.0 {
            match org.reconcile_people(event_id, people.clone()) {
                Ok(()) => taken = true,
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) if !taken => Err(e),
            _ => Ok(()),
        }
    }
}

impl Kubernetes {
    /// Opens the audit logs, binds the listener, starts leader election
    /// (or the shards), the watchers and one loop per namespace. Errors
    /// here mean nothing was started.
    pub async fn start(client: Client, opts: KubernetesOptions) -> Result<Self, KubeError> {
        let files = super::allowed_dirs(&opts.allow_files)?;
        let namespaces = opts.watched();
        let several = namespaces.len() > 1;
        let metrics = Metrics::new();
        // The state database is the controller's own: its password comes
        // from the controller's home namespace, never an organisation's.
        let state = match &opts.state {
            Some(url) => {
                let home = super::KubeSecrets::new(client.clone(), &opts.namespace);
                Some(state_of(url, opts.state_password_secret.as_ref(), &home).await?)
            }
            None => None,
        };
        let (listener, addr) = host::listen(opts.listen).await?;
        host::warn_if_events_disabled(opts.webhook_secret.as_ref(), &opts.webhook_secret_env);
        // With shards every replica reconciles; the Leases decide what it applies.
        let (leader_tx, leader_rx) = watch::channel(opts.shards);
        let mut channels = Vec::new();
        let mut triggers = BTreeMap::new();
        for ns in &namespaces {
            let (tx, rx) = mpsc::unbounded_channel();
            triggers.insert(ns.clone(), tx.clone());
            channels.push((ns.clone(), tx, rx));
        }
        let shards = opts.shards.then(|| {
            let config = ShardConfig {
                prefix: opts.lease_name.clone(),
                home: opts.namespace.clone(),
                identity: opts.identity.clone(),
                duration: opts.lease_duration,
                renew_every: opts.renew_every,
            };
            Shards::new(client.clone(), config, triggers, metrics.clone())
        });

        let mut controllers = Vec::new();
        let mut watchers = JoinSet::new();
        for (ns, tx, rx) in channels {
            let org_metrics = if several { metrics.scoped(&ns) } else { metrics.clone() };
            let config = EngineConfig {
                audit_log: org_path(&opts.audit_log, &ns, several),
                checklist_dir: org_path(&opts.checklist_dir, &ns, several),
                guard: opts.guard.clone(),
                metrics: org_metrics,
                lang: opts.lang,
            };
            // One chain per organisation in a shared database.
            let chain = if several { ns.as_str() } else { opts.state_chain.as_deref().unwrap_or(&ns) };
            let mut engine = Engine::open(config, state.as_ref(), chain)
                .await?
                // Credentials only from Secrets of the organisation's own namespace.
                .with_secrets(Arc::new(super::KubeSecrets::new(client.clone(), &ns)));
            if let Some(s) = &shards {
                engine = engine.with_shards(s.gate(&ns));
            }
            let engine = Arc::new(engine);
            let readiness = Arc::new(Readiness::default());
            let cluster = Cluster::new(
                client.clone(),
                ns.clone(),
                engine.clone(),
                readiness.clone(),
                leader_rx.clone(),
                &opts.identity,
                &opts.lease_name,
            )
            .allowing_files(files.clone())
            .sharded(shards.clone())
            .at_most(opts.max_objects);
            controllers.push((ns.clone(), Arc::new(Controller::with_host(engine, readiness, cluster)), rx));
            spawn_watchers(&mut watchers, &client, &ns, &tx);
        }

        let (stop_leases, stop_leases_rx) = watch::channel(false);
        let (leases, lock) = match &shards {
            Some(s) => {
                s.announce().await?;
                (tokio::spawn(s.clone().run(stop_leases_rx)), None)
            }
            None => {
                let lock = LeaseLock::new(
                    Api::<Lease>::namespaced(client.clone(), &opts.namespace),
                    opts.lease_name.clone(),
                    opts.identity.clone(),
                    opts.lease_duration,
                );
                (tokio::spawn(lead(lock.clone(), opts.renew_every, leader_tx, stop_leases_rx)), Some(lock))
            }
        };

        let events: Vec<Arc<dyn PersonEvents>> =
            controllers.iter().map(|(_, c, _)| Arc::new(HrEvents(c.clone())) as Arc<dyn PersonEvents>).collect();
        let readiness: Vec<(String, Arc<Readiness>)> =
            controllers.iter().map(|(ns, c, _)| (ns.clone(), c.readiness())).collect();
        let timing = Timing { resync: opts.resync, debounce: opts.debounce };
        let mut orgs = Vec::new();
        let mut endpoints = Some(Endpoints {
            listener,
            metrics,
            webhook_secret: opts.webhook_secret.clone(),
            webhook_secret_env: opts.webhook_secret_env.clone(),
            events: several.then(|| Arc::new(FanOut(events)) as Arc<dyn PersonEvents>),
        });
        for (namespace, controller, rx) in controllers {
            let running = match endpoints.take() {
                Some(e) => {
                    let lease_name = opts.lease_name.clone();
                    let (leader, ready, sharded) = (leader_rx.clone(), readiness.clone(), opts.shards);
                    let layer = move |router| readiness_layer(router, leader, lease_name, ready, sharded);
                    Running::start(controller, e, layer, rx, timing)
                }
                None => Running::start_loop(controller, rx, timing),
            };
            orgs.push(Org { namespace, running });
        }
        Ok(Self { addr, orgs, watchers, leases, stop_leases, lock, shards })
    }

    /// Where the HTTP endpoints listen.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The statuses after the last reconcile (of the first namespace).
    pub fn statuses(&self) -> Statuses {
        self.orgs.first().map(|o| o.running.controller.engine().statuses()).unwrap_or_default()
    }

    /// The statuses after the last reconcile of `namespace`'s organisation.
    pub fn statuses_of(&self, namespace: &str) -> Option<Statuses> {
        self.orgs.iter().find(|o| o.namespace == namespace).map(|o| o.running.controller.engine().statuses())
    }

    /// The shards this replica holds (none without `shards`).
    pub fn shards_held(&self) -> Vec<super::shards::Shard> {
        self.shards.as_ref().map(Shards::held).unwrap_or_default()
    }

    /// Stops: watchers end, no new HR events are taken, a reconcile that is
    /// reading stops before applying and one that is applying finishes;
    /// then the HTTP server closes and the Leases are released so another
    /// replica takes over at once (even when something before did not stop
    /// cleanly).
    pub async fn shutdown(mut self) -> Result<(), KubeError> {
        self.watchers.shutdown().await;
        // The first serves the endpoints: it stops last.
        while let Some(org) = self.orgs.pop() {
            if let Err(e) = org.running.stop(async {}).await {
                tracing::warn!(namespace = %org.namespace, error = %e, "the controller did not stop cleanly; releasing the Lease all the same");
            }
        }
        // No renewal from now on; the shards release their Leases after
        // the changes in flight.
        self.stop_leases.send_replace(true);
        if let Err(e) = (&mut self.leases).await {
            tracing::warn!(error = %e, "the Lease task ended abnormally");
        }
        if let Some(lock) = &self.lock {
            lock.release().await?;
        }
        tracing::info!("stopped; the Leases are released");
        Ok(())
    }
}

/// Watches the five kinds of `ns`, waking its loop through `tx`.
fn spawn_watchers(set: &mut JoinSet<()>, client: &Client, ns: &str, tx: &mpsc::UnboundedSender<&'static str>) {
    set.spawn(watch_kind(Api::<PeopleSource>::namespaced(client.clone(), ns), true, tx.clone()));
    set.spawn(watch_kind(Api::<Application>::namespaced(client.clone(), ns), true, tx.clone()));
    set.spawn(watch_kind(Api::<AccessPolicy>::namespaced(client.clone(), ns), false, tx.clone()));
    set.spawn(watch_kind(Api::<Exception>::namespaced(client.clone(), ns), false, tx.clone()));
    set.spawn(watch_kind(Api::<SeparationOfDuties>::namespaced(client.clone(), ns), false, tx.clone()));
}

/// Answers `/readyz`: 503 `standby` while this replica does not hold
/// the leader Lease (without shards), so the Service routes only to the
/// leader; with several namespaces, ready only when every organisation is,
/// each reason prefixed with its namespace.
fn readiness_layer(
    router: axum::Router,
    leader: watch::Receiver<bool>,
    lease: String,
    orgs: Vec<(String, Arc<Readiness>)>,
    sharded: bool,
) -> axum::Router {
    router.layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
        let leading = sharded || *leader.borrow();
        let lease = lease.clone();
        let several = orgs.len() > 1;
        let reasons: Vec<String> = if several {
            orgs.iter()
                .flat_map(|(ns, r)| r.reasons().into_iter().map(move |why| format!("namespace {ns}: {why}")))
                .collect()
        } else {
            Vec::new()
        };
        async move {
            let unavailable = |reasons: Vec<String>| {
                let body = serde_json::json!({ "ready": false, "reasons": reasons });
                axum::response::IntoResponse::into_response((
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(body),
                ))
            };
            if req.uri().path() == "/readyz" {
                if !leading {
                    return unavailable(vec![format!("standby: another replica holds the Lease {lease}")]);
                }
                if !reasons.is_empty() {
                    return unavailable(reasons);
                }
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

/// The PostgreSQL state at `url`, its password from the Secret `secret`
/// (name, key) of the namespace when one is named, else from the
/// environment. Messages name the Secret and key, never the value.
async fn state_of(
    url: &str,
    secret: Option<&(String, String)>,
    reader: &dyn crate::engine::SecretReader,
) -> Result<keyward_apply::state::PgState, KubeError> {
    use keyward_apply::state::PgState;
    let state_error = |e| KubeError::Controller(crate::ControllerError::State(e));
    let password = match secret {
        None => PgState::password_from_env().map_err(state_error)?,
        Some((name, key)) => {
            let data = reader.read(name).await.map_err(|why| {
                KubeError::Controller(crate::ControllerError::StatePassword(format!(
                    "cannot read the Secret {name} holding the state password: {why}"
                )))
            })?;
            match data.get(key) {
                Some(Ok(secret)) => Some(secret.expose().to_owned()),
                Some(Err(why)) => {
                    return Err(KubeError::Controller(crate::ControllerError::StatePassword(format!(
                        "key {key} of the Secret {name} is not a usable password: {why}"
                    ))));
                }
                None => {
                    return Err(KubeError::Controller(crate::ControllerError::StatePassword(format!(
                        "the Secret {name} has no key {key}; put the database password there or fix --state-password-secret"
                    ))));
                }
            }
        }
    };
    PgState::parse(url, password).map_err(state_error)
}
