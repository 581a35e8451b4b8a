//! The running Kubernetes controller: the [`Cluster`] host on the shared
//! loop, HR-event path and graceful stop of [`crate::host`], plus what only
//! Kubernetes has — watchers on the five kinds feeding the loop, leader
//! election with a Lease, `/readyz` answering `standby` on the replicas
//! that do not lead, and the Lease released on shutdown.

use std::collections::HashMap;
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
use super::{KubeError, check_crds};
use crate::engine::{Engine, EngineConfig, Statuses};
use crate::host::{self, Controller, Endpoints, Running, Timing};
use crate::http::Readiness;
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;

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
    /// Keep the audit log and the roster in PostgreSQL instead of
    /// `audit_log`: the URL (`--state`, never with a password).
    pub state: Option<String>,
    /// The chain in `state`: the namespace unless set (`--state-chain`).
    pub state_chain: Option<String>,
    /// The Secret of the namespace holding the database password, and its
    /// key (`--state-password-secret NAME/KEY`); else the password comes
    /// from `KEYWARD_STATE_PASSWORD(_FILE)`.
    pub state_password_secret: Option<(String, String)>,
    /// Where checklists for read-only apps in enforce mode go.
    pub checklist_dir: std::path::PathBuf,
    /// The HR webhook secret; `None` disables `POST /hr/events`.
    pub webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages.
    pub webhook_secret_env: String,
    /// Guard limits and overrides.
    pub guard: GuardOptions,
    /// The language of the checklists (the global `--lang`); English unless set.
    pub lang: keyward_core::i18n::Lang,
    /// The Lease's name.
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
        }
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

/// A running Kubernetes-mode controller.
pub struct Kubernetes {
    addr: SocketAddr,
    running: Running<Cluster>,
    watchers: JoinSet<()>,
    leading: tokio::task::JoinHandle<()>,
    /// Ends the leader election.
    stop_leading: watch::Sender<bool>,
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
        let files = super::allowed_dirs(&opts.allow_files)?;
        let metrics = Metrics::new();
        let secrets = Arc::new(super::KubeSecrets::new(client.clone(), &opts.namespace));
        let state = match &opts.state {
            Some(url) => Some(state_of(url, opts.state_password_secret.as_ref(), secrets.as_ref()).await?),
            None => None,
        };
        let config = EngineConfig {
            audit_log: opts.audit_log.clone(),
            checklist_dir: opts.checklist_dir.clone(),
            guard: opts.guard.clone(),
            metrics: metrics.clone(),
            lang: opts.lang,
        };
        let chain = opts.state_chain.as_deref().unwrap_or(&opts.namespace);
        let engine = Arc::new(Engine::open(config, state.as_ref(), chain).await?.with_secrets(secrets));
        let (listener, addr) = host::listen(opts.listen).await?;
        host::warn_if_events_disabled(opts.webhook_secret.as_ref(), &opts.webhook_secret_env);
        let readiness = Arc::new(Readiness::default());
        let (leader_tx, leader_rx) = watch::channel(false);
        let cluster = Cluster::new(
            client.clone(),
            opts.namespace.clone(),
            engine.clone(),
            readiness.clone(),
            leader_rx.clone(),
            &opts.identity,
            &opts.lease_name,
        )
        .allowing_files(files);
        let controller = Arc::new(Controller::with_host(engine, readiness, cluster));

        let lock = LeaseLock::new(
            Api::<Lease>::namespaced(client.clone(), &opts.namespace),
            opts.lease_name.clone(),
            opts.identity.clone(),
            opts.lease_duration,
        );
        let (stop_leading, stop_leading_rx) = watch::channel(false);
        let leading = tokio::spawn(lead(lock.clone(), opts.renew_every, leader_tx, stop_leading_rx));

        let (trigger_tx, trigger_rx) = mpsc::unbounded_channel();
        let mut watchers = JoinSet::new();
        let ns = &opts.namespace;
        watchers.spawn(watch_kind(Api::<PeopleSource>::namespaced(client.clone(), ns), true, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<Application>::namespaced(client.clone(), ns), true, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<AccessPolicy>::namespaced(client.clone(), ns), false, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<Exception>::namespaced(client.clone(), ns), false, trigger_tx.clone()));
        watchers.spawn(watch_kind(Api::<SeparationOfDuties>::namespaced(client, ns), false, trigger_tx));

        let endpoints = Endpoints {
            listener,
            metrics,
            webhook_secret: opts.webhook_secret.clone(),
            webhook_secret_env: opts.webhook_secret_env.clone(),
        };
        let lease_name = opts.lease_name.clone();
        let layer = move |router| standby_readiness(router, leader_rx, lease_name);
        let timing = Timing { resync: opts.resync, debounce: opts.debounce };
        let running = Running::start(controller, endpoints, layer, trigger_rx, timing);
        Ok(Self { addr, running, watchers, leading, lock, stop_leading })
    }

    /// Where the HTTP endpoints listen.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The statuses after the last reconcile.
    pub fn statuses(&self) -> Statuses {
        self.running.controller.engine().statuses()
    }

    /// Stops: watchers end, no new HR events are taken, a reconcile that is
    /// reading stops before applying and one that is applying finishes;
    /// then the HTTP server closes and the Lease is released so a standby
    /// takes over at once (even when something before did not stop
    /// cleanly).
    pub async fn shutdown(mut self) -> Result<(), KubeError> {
        let stop_watching = async {
            // No renewal from now on; the Lease is released at the end.
            self.stop_leading.send_replace(true);
            self.watchers.shutdown().await;
        };
        if let Err(e) = self.running.stop(stop_watching).await {
            tracing::warn!(error = %e, "the controller did not stop cleanly; releasing the Lease all the same");
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
