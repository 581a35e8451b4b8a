//! The standalone controller: policy files on disk instead of custom
//! resources. Its [`Host`](crate::host::Host), [`PolicyFiles`], loads the policies (at start and when a policy
//! file changes, watched), writes every status to a JSON file, and always
//! leads; the loop, the HTTP endpoints, the HR events and the graceful
//! stop are [`crate::host`]'s, shared with the Kubernetes mode.
//!
//! A policy change that does not load keeps the last good policies in use;
//! the error is logged and written to the status file (and `/readyz`
//! carries it as a warning).

mod host;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use keyward_apply::GuardOptions;
use tokio::sync::mpsc;

pub use host::PolicyFiles;

use crate::ControllerError;
use crate::engine::{Engine, EngineConfig, Statuses};
use crate::host::{Controller, Endpoints, Running, Timing};
use crate::http::Readiness;
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;
use watch::watch_paths;

/// Default time between full reconciles.
pub const DEFAULT_RESYNC: Duration = Duration::from_secs(600);
/// Default quiet time after a policy file changes before reloading (an
/// editor or `git pull` writes several files in a burst).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(500);
/// Default environment variable holding the HR webhook secret.
pub const DEFAULT_SECRET_ENV: &str = "KEYWARD_HR_WEBHOOK_SECRET";

/// How to run the standalone controller.
#[derive(Debug, Clone)]
pub struct StandaloneOptions {
    /// Policy files or directories (`-f`).
    pub paths: Vec<PathBuf>,
    /// Where the HTTP endpoints listen (port 0: any free port; see
    /// [`Standalone::local_addr`]).
    pub listen: SocketAddr,
    /// Time between full reconciles.
    pub resync: Duration,
    /// Quiet time after a policy change before reloading.
    pub debounce: Duration,
    /// Where statuses are written as JSON; `None`: nowhere.
    pub status_file: Option<PathBuf>,
    /// The audit log.
    pub audit_log: PathBuf,
    /// Keep the audit log and the roster in PostgreSQL instead of
    /// `audit_log` (`--state`).
    pub state: Option<keyward_apply::state::PgState>,
    /// The chain in `state` (`--state-chain`, default `default`).
    pub state_chain: String,
    /// Where checklists for read-only apps in enforce mode go.
    pub checklist_dir: PathBuf,
    /// The HR webhook secret; `None` disables `POST /hr/events`.
    pub webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages (`KEYWARD_HR_WEBHOOK_SECRET`).
    pub webhook_secret_env: String,
    /// Guard limits and overrides.
    pub guard: GuardOptions,
    /// The language of the checklists (the global `--lang`); English unless set.
    pub lang: keyward_core::i18n::Lang,
}

impl StandaloneOptions {
    /// The defaults of `keyward controller --standalone -f PATHS`.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Self {
            paths,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            resync: DEFAULT_RESYNC,
            debounce: DEFAULT_DEBOUNCE,
            status_file: Some(PathBuf::from(".keyward/status.json")),
            audit_log: PathBuf::from(".keyward/audit.jsonl"),
            state: None,
            state_chain: keyward_apply::state::DEFAULT_CHAIN.to_owned(),
            checklist_dir: PathBuf::from(".keyward/checklists"),
            webhook_secret: None,
            webhook_secret_env: DEFAULT_SECRET_ENV.to_owned(),
            guard: GuardOptions::default(),
            lang: keyward_core::i18n::Lang::En,
        }
    }
}

/// Runs the standalone controller until SIGTERM or Ctrl-C, then stops
/// gracefully (see [`Standalone::shutdown`]).
pub async fn run_standalone(opts: StandaloneOptions) -> Result<(), ControllerError> {
    let running = Standalone::start(opts).await?;
    tracing::info!(listen = %running.local_addr(), "keyward controller (standalone) started");
    crate::host::until_signal().await;
    running.shutdown().await
}

/// A running standalone controller.
pub struct Standalone {
    addr: SocketAddr,
    running: Running<PolicyFiles>,
    /// Sends a change for every write to a policy file; dropped to stop.
    watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Standalone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Standalone").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Standalone {
    /// Opens the audit log, binds the listener, starts watching the policy
    /// paths and starts the loop (which loads the policies and reconciles
    /// at once). Errors here mean nothing was started.
    pub async fn start(opts: StandaloneOptions) -> Result<Self, ControllerError> {
        let metrics = Metrics::new();
        let config = EngineConfig {
            audit_log: opts.audit_log.clone(),
            checklist_dir: opts.checklist_dir.clone(),
            guard: opts.guard.clone(),
            metrics: metrics.clone(),
            lang: opts.lang,
        };
        let engine = Arc::new(Engine::open(config, opts.state.as_ref(), &opts.state_chain).await?);
        let (listener, addr) = crate::host::listen(opts.listen).await?;
        let (changes_tx, changes_rx) = mpsc::unbounded_channel();
        let watcher = watch_paths(&opts.paths, changes_tx)?;
        crate::host::warn_if_events_disabled(opts.webhook_secret.as_ref(), &opts.webhook_secret_env);
        let readiness = Arc::new(Readiness::default());
        let files = PolicyFiles::new(engine.clone(), readiness.clone(), opts.paths.clone(), opts.status_file.clone());
        let controller = Arc::new(Controller::with_host(engine, readiness, files));
        let endpoints = Endpoints {
            listener,
            metrics,
            webhook_secret: opts.webhook_secret.clone(),
            webhook_secret_env: opts.webhook_secret_env.clone(),
            events: None,
        };
        let timing = Timing { resync: opts.resync, debounce: opts.debounce };
        let running = Running::start(controller, endpoints, |router| router, changes_rx, timing);
        Ok(Self { addr, running, watcher })
    }

    /// Where the HTTP endpoints listen.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The statuses after the last reconcile.
    pub fn statuses(&self) -> Statuses {
        self.running.controller.engine().statuses()
    }

    /// Stops: no new HR events are taken (503) and no new reconcile
    /// starts; a reconcile that is reading stops before applying, one
    /// that is applying finishes its changes; the status file is written a
    /// last time; then the HTTP server closes.
    pub async fn shutdown(self) -> Result<(), ControllerError> {
        let watcher = self.watcher;
        self.running.stop(async move { drop(watcher) }).await?;
        tracing::info!("stopped");
        Ok(())
    }
}
