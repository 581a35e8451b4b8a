//! The standalone controller: policy files on disk instead of custom
//! resources. It loads the policies, reconciles at start and every resync
//! interval, reloads and reconciles when a policy file changes, serves the
//! HTTP endpoints, reconciles a person as soon as an HR event names them,
//! writes every status to a JSON file, and stops gracefully.
//!
//! A policy change that does not load keeps the last good policies in use;
//! the error is logged and written to the status file (and `/readyz`
//! carries it as a warning).

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::FutureExt as _;
use keyward_apply::GuardOptions;
use keyward_core::PolicySet;
use notify::Watcher as _;
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::ControllerError;
use crate::engine::{Engine, EngineConfig, ReconcileReport, Statuses};
use crate::http::{self, HttpState, PersonEvents, Readiness};
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;

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
    /// Where checklists for read-only apps in enforce mode go.
    pub checklist_dir: PathBuf,
    /// The HR webhook secret; `None` disables `POST /hr/events`.
    pub webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages (`KEYWARD_HR_WEBHOOK_SECRET`).
    pub webhook_secret_env: String,
    /// Guard limits and overrides.
    pub guard: GuardOptions,
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
            checklist_dir: PathBuf::from(".keyward/checklists"),
            webhook_secret: None,
            webhook_secret_env: DEFAULT_SECRET_ENV.to_owned(),
            guard: GuardOptions::default(),
        }
    }
}

/// Runs the standalone controller until SIGTERM or Ctrl-C, then stops
/// gracefully (see [`Standalone::shutdown`]).
pub async fn run_standalone(opts: StandaloneOptions) -> Result<(), ControllerError> {
    let running = Standalone::start(opts).await?;
    tracing::info!(listen = %running.local_addr(), "keyward controller (standalone) started");
    wait_for_signal().await;
    tracing::info!("stopping: no new HR events are taken; a change in flight is finished first");
    running.shutdown().await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the controller");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A running standalone controller.
#[derive(Debug)]
pub struct Standalone {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    main: tokio::task::JoinHandle<Result<(), ControllerError>>,
}

impl Standalone {
    /// Opens the audit log, binds the listener, starts watching the policy
    /// paths and starts the loop (which loads the policies and reconciles
    /// at once). Errors here mean nothing was started.
    pub async fn start(opts: StandaloneOptions) -> Result<Self, ControllerError> {
        let metrics = Metrics::new();
        let engine = Arc::new(Engine::new(EngineConfig {
            audit_log: opts.audit_log.clone(),
            checklist_dir: opts.checklist_dir.clone(),
            guard: opts.guard.clone(),
            metrics: metrics.clone(),
        })?);
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|source| ControllerError::Listen { addr: opts.listen, source })?;
        let addr = listener.local_addr().map_err(|source| ControllerError::Listen { addr: opts.listen, source })?;
        let (changes_tx, changes_rx) = mpsc::unbounded_channel();
        let watcher = watch_paths(&opts.paths, changes_tx)?;
        if opts.webhook_secret.is_none() {
            tracing::warn!(
                "HR events are disabled: the environment variable {} is not set; terminations wait for the next resync",
                opts.webhook_secret_env
            );
        }
        let shared = Arc::new(Shared {
            engine,
            readiness: Arc::new(Readiness::default()),
            policies: RwLock::new(None),
            tasks: Mutex::new(JoinSet::new()),
            status_file: opts.status_file.clone(),
            paths: opts.paths.clone(),
            write_lock: Mutex::new(()),
            last: Mutex::new(None),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = HttpState::new(
            metrics,
            shared.readiness.clone(),
            Arc::new(Events(shared.clone())),
            opts.webhook_secret.clone(),
            opts.webhook_secret_env.clone(),
        );
        let app = http::router(Arc::new(state));
        let mut stop_http = shutdown_rx.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop_http.wait_for(|s| *s).await;
                })
                .await
        });
        let main = tokio::spawn(main_loop(shared.clone(), opts, changes_rx, shutdown_rx, server, watcher));
        Ok(Self { addr, shared, shutdown, main })
    }

    /// Where the HTTP endpoints listen.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The statuses after the last reconcile.
    pub fn statuses(&self) -> Statuses {
        self.shared.engine.statuses()
    }

    /// Stops: no new HR events are taken (503) and no new reconcile
    /// starts; a reconcile that is reading stops before applying, one
    /// that is applying finishes its changes; then the HTTP server closes.
    pub async fn shutdown(self) -> Result<(), ControllerError> {
        self.shared.readiness.stopping();
        self.shared.engine.stop();
        self.shutdown.send_replace(true);
        match self.main.await {
            Ok(r) => r,
            Err(e) => Err(ControllerError::Internal(format!("the controller loop ended abnormally: {e}"))),
        }
    }
}

/// State shared by the loop, the HR event handler and their tasks.
struct Shared {
    engine: Arc<Engine>,
    readiness: Arc<Readiness>,
    policies: RwLock<Option<Arc<PolicySet>>>,
    tasks: Mutex<JoinSet<()>>,
    status_file: Option<PathBuf>,
    paths: Vec<PathBuf>,
    /// Serializes status file writes (they share a temporary file name).
    write_lock: Mutex<()>,
    last: Mutex<Option<LastReconcile>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("paths", &self.paths).finish_non_exhaustive()
    }
}

/// The HR event handler's view of the controller.
struct Events(Arc<Shared>);

impl PersonEvents for Events {
    fn reconcile_people(&self, event_id: &str, people: Vec<String>) -> Result<(), String> {
        let shared = &self.0;
        if shared.engine.is_stopping() {
            return Err("the controller is shutting down; send the event again to the next instance".to_owned());
        }
        let Some(set) = shared.policy_set() else {
            return Err("the policies are not loaded yet; the event cannot be handled".to_owned());
        };
        let mut tasks = shared.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Reap finished tasks so the set does not grow for the life of the
        // process.
        while tasks.try_join_next().is_some() {}
        for person in people {
            let shared = shared.clone();
            let set = set.clone();
            let event = event_id.to_owned();
            tasks.spawn(async move {
                let today = jiff::Zoned::now().date();
                let run = shared.engine.reconcile_person(&set, &person, today);
                // A bug must not take the controller down with it: the
                // event is lost (the next resync catches up), the process
                // goes on.
                let Ok(report) = AssertUnwindSafe(run).catch_unwind().await else {
                    tracing::error!(event = %event, person = %person, "internal error: the reconcile of this person panicked");
                    return;
                };
                if let Some(e) = &report.error {
                    tracing::warn!(event = %event, person = %person, reason = %e.reason, error = %e.message, "the HR event could not be handled");
                }
                if !report.interrupted {
                    shared.record(&report);
                    shared.write_status();
                }
            });
        }
        Ok(())
    }
}

/// The last reconcile, as the status file shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LastReconcile {
    kind: crate::engine::ReconcileKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    started: String,
    seconds: f64,
    ok: bool,
    applied: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<crate::status::Problem>,
}

/// The status file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusDoc<'a> {
    updated: String,
    ready: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_ready: Vec<String>,
    policies: PolicyState<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_reconcile: Option<LastReconcile>,
    applications: &'a std::collections::BTreeMap<String, keyward_core::resources::ApplicationStatus>,
    people_sources: &'a std::collections::BTreeMap<String, keyward_core::resources::PeopleSourceStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyState<'a> {
    paths: &'a [PathBuf],
    loaded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Shared {
    fn policy_set(&self) -> Option<Arc<PolicySet>> {
        self.policies.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Loads the policies; on failure the last good set stays. `true` when
    /// a new set is in use.
    fn reload(&self) -> bool {
        match crate::engine::blocking(|| crate::policies::load_policies(&self.paths)) {
            Ok(set) => {
                *self.policies.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(set));
                self.readiness.policies(Ok(()));
                tracing::info!(paths = ?self.paths, "policies loaded");
                true
            }
            Err(e) => {
                let kept = if self.policy_set().is_some() {
                    "the last good policies stay in use"
                } else {
                    "nothing is reconciled until they load"
                };
                tracing::error!(error = %e, "the policies could not be loaded; {kept}");
                self.readiness.policies(Err(e));
                self.write_status();
                false
            }
        }
    }

    async fn reconcile_all(&self) -> Option<ReconcileReport> {
        let set = self.policy_set()?;
        let today = jiff::Zoned::now().date();
        let run = self.engine.reconcile_all(&set, today);
        // A bug must not stop the loop: the next resync tries again.
        let Ok(report) = AssertUnwindSafe(run).catch_unwind().await else {
            tracing::error!("internal error: the full reconcile panicked; the next resync tries again");
            return None;
        };
        if report.interrupted {
            return None;
        }
        self.readiness.reconciled();
        self.record(&report);
        self.write_status();
        Some(report)
    }

    fn record(&self, r: &ReconcileReport) {
        let last = LastReconcile {
            kind: r.kind,
            person: r.person.clone(),
            started: crate::status::rfc3339(r.started),
            seconds: r.duration.as_secs_f64(),
            ok: r.is_ok(),
            applied: r.applied(),
            error: r.error.clone(),
        };
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(last);
    }

    /// Writes the status file: to a temporary file beside it, then renamed
    /// over it, so a reader never sees half a file.
    fn write_status(&self) {
        let Some(path) = &self.status_file else { return };
        let _guard = self.write_lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let statuses = self.engine.statuses();
        let not_ready = self.readiness.reasons();
        let doc = StatusDoc {
            updated: crate::status::rfc3339(jiff::Timestamp::now()),
            ready: not_ready.is_empty(),
            not_ready,
            policies: PolicyState {
                paths: &self.paths,
                loaded: self.policy_set().is_some(),
                error: self.readiness.policy_error(),
            },
            last_reconcile: self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
            applications: &statuses.applications,
            people_sources: &statuses.people_sources,
        };
        if let Err(e) = write_atomically(path, &doc) {
            tracing::error!(file = %path.display(), error = %e, "cannot write the status file");
        }
    }
}

fn write_atomically(path: &Path, doc: &impl Serialize) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Watches every policy path: directories recursively, a file through its
/// directory (editors replace files by renaming, which a watch on the file
/// itself would lose). Sends `()` for each relevant change.
fn watch_paths(
    paths: &[PathBuf],
    tx: mpsc::UnboundedSender<()>,
) -> Result<notify::RecommendedWatcher, ControllerError> {
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).map(|p| absolute(p)).collect();
    let handler = move |res: notify::Result<notify::Event>| match res {
        Ok(event) if relevant(&event, &files) => {
            let _ = tx.send(());
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "the policy file watcher reported an error"),
    };
    let mut watcher = notify::recommended_watcher(handler)
        .map_err(|source| ControllerError::Watch { path: PathBuf::new(), source })?;
    for p in paths {
        let (target, mode) = if p.is_dir() {
            (p.clone(), notify::RecursiveMode::Recursive)
        } else {
            let parent =
                p.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (parent, notify::RecursiveMode::NonRecursive)
        };
        watcher.watch(&target, mode).map_err(|source| ControllerError::Watch { path: target.clone(), source })?;
    }
    Ok(watcher)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A change to a policy file: a YAML file (not hidden) written, created,
/// removed or renamed, or one of the files named with `-f`. Reads are not
/// changes: loading the policies must not trigger another load.
fn relevant(event: &notify::Event, files: &[PathBuf]) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    let changed = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        _ => false,
    };
    changed
        && event.paths.iter().any(|p| {
            let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let yaml = matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"));
            (yaml && !hidden) || files.iter().any(|f| f == p)
        })
}

/// Waits until `rx` says stop (or its sender is gone). Returns `()` so no
/// borrow of the channel's value is held across the loop's awaits.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn main_loop(
    shared: Arc<Shared>,
    opts: StandaloneOptions,
    mut changes: mpsc::UnboundedReceiver<()>,
    mut shutdown: watch::Receiver<bool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    watcher: notify::RecommendedWatcher,
) -> Result<(), ControllerError> {
    if shared.reload() {
        shared.reconcile_all().await;
    }
    let mut next = tokio::time::Instant::now() + opts.resync;
    // The debounce wait below needs its own receiver: the outer select
    // still borrows this one.
    let mut shutdown_debounce = shutdown.clone();
    loop {
        tokio::select! {
            () = stopped(&mut shutdown) => break,
            () = tokio::time::sleep_until(next) => {
                tracing::debug!("periodic resync");
                shared.reconcile_all().await;
                next = tokio::time::Instant::now() + opts.resync;
            }
            Some(()) = changes.recv() => {
                // Wait for the burst of writes to end.
                let stop = loop {
                    tokio::select! {
                        () = tokio::time::sleep(opts.debounce) => break false,
                        Some(()) = changes.recv() => {}
                        () = stopped(&mut shutdown_debounce) => break true,
                    }
                };
                if stop {
                    break;
                }
                tracing::info!("a policy file changed; reloading");
                if shared.reload() {
                    shared.reconcile_all().await;
                    next = tokio::time::Instant::now() + opts.resync;
                }
            }
        }
    }
    drop(watcher);
    // Person reconciles already running finish (each stops before applying
    // if it has not started to); none starts any more.
    let tasks = std::mem::take(&mut *shared.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    tasks.join_all().await;
    shared.engine.idle().await;
    shared.write_status();
    match server.await {
        Ok(Ok(())) => {
            tracing::info!("stopped");
            Ok(())
        }
        Ok(Err(e)) => Err(ControllerError::Serve(e)),
        Err(e) => Err(ControllerError::Internal(format!("the HTTP server task ended abnormally: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind};
    use notify::{Event, EventKind};

    use super::*;

    fn ev(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn only_writes_to_policy_files_count_as_changes() {
        let files = vec![PathBuf::from("/p/policy.txt")];
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(relevant(&ev(write, "/p/apps/chat.yaml"), &files));
        assert!(relevant(&ev(EventKind::Create(CreateKind::File), "/p/new.yml"), &files));
        assert!(relevant(&ev(EventKind::Remove(notify::event::RemoveKind::File), "/p/old.yaml"), &files));
        assert!(relevant(&ev(write, "/p/policy.txt"), &files), "a file named with -f");
        assert!(!relevant(&ev(write, "/p/hr.csv"), &files), "data files are read at each reconcile anyway");
        assert!(!relevant(&ev(write, "/p/.chat.yaml.swp"), &files));
        assert!(!relevant(&ev(write, "/p/.hidden.yaml"), &files));
        assert!(!relevant(&ev(EventKind::Access(AccessKind::Open(AccessMode::Read)), "/p/chat.yaml"), &files));
        assert!(!relevant(
            &ev(EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), "/p/chat.yaml"),
            &files
        ));
    }

    #[test]
    fn the_status_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/status.json");
        write_atomically(&path, &serde_json::json!({"a": 1})).unwrap();
        write_atomically(&path, &serde_json::json!({"a": 2})).unwrap();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["a"], 2);
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("state")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("status.json")], "no temporary file left behind");
    }
}
