//! The Kubernetes [`Host`]: the keyward.io resources of one namespace,
//! read through the API at every full reconcile (so a reconcile always
//! plans from one consistent read, not from caches that may lag each
//! other), statuses written to their `/status` subresources and Events on
//! Applications, and leadership from the Lease. The resources may reach
//! only Secrets of the namespace and the files under the directories the
//! operator allowed ([`AllowedDirs`]). A policy set that does not
//! validate is logged, each Application and PeopleSource with errors of
//! its own gets an `InvalidSpec` condition saying what to fix, and the
//! reconcile is skipped; the other statuses keep describing the last good
//! set.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use k8s_openapi::api::core::v1::ObjectReference;
use keyward_core::PolicySet;
use keyward_core::load::{AllowedDirs, AnyResource, object_label};
use keyward_core::resources::{AccessPolicy, Application, Exception, PeopleSource, SeparationOfDuties};
use kube::api::ListParams;
use kube::runtime::events::{Recorder, Reporter};
use kube::{Api, Client, Resource, ResourceExt as _};
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use super::KubeError;
use super::report::{self, EventMemory};
use crate::engine::{Engine, ReconcileKind, ReconcileReport, Statuses};
use crate::host::{Controller, Host, Wake};
use crate::http::Readiness;
use crate::status;

/// Most objects of one kind read from one namespace by default
/// (`--max-objects-per-namespace`).
pub const DEFAULT_MAX_OBJECTS: usize = 5_000;

/// Name under which events are reported (`reportingController`).
pub const REPORTER: &str = "keyward.io/controller";

/// What the last successful read of the namespace found.
pub struct Snapshot {
    set: Arc<PolicySet>,
    /// Application name → (generation, reference for events).
    apps: BTreeMap<String, (Option<i64>, ObjectReference)>,
    /// PeopleSource name → generation.
    sources: BTreeMap<String, Option<i64>>,
}

impl Borrow<PolicySet> for Snapshot {
    fn borrow(&self) -> &PolicySet {
        &self.set
    }
}

/// The Kubernetes [`Host`] of one namespace.
pub struct Cluster {
    client: Client,
    namespace: String,
    engine: Arc<Engine>,
    readiness: Arc<Readiness>,
    leader: watch::Receiver<bool>,
    /// Named when an HR event reaches a standby.
    lease_name: String,
    recorder: Recorder,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    events: tokio::sync::Mutex<EventMemory>,
    /// The statuses last written (or read), so unchanged ones are not
    /// patched again.
    written: tokio::sync::Mutex<Statuses>,
    seeded: AtomicBool,
    /// The directories files named by resources may be under.
    files: AllowedDirs,
    /// With `--shards`: which apps this replica writes statuses and
    /// Events for (those whose shard it holds).
    shards: Option<super::sharding::Shards>,
    /// Most objects of one kind read from the namespace: what one
    /// organisation may cost the controller.
    max_objects: usize,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

/// Lists, reconciles and writes back: the controller on a namespace.
/// Shared by the loop and the HR event handler; usable on its own (tests
/// drive it with a mock API server).
pub type Reconciler = Controller<Cluster>;

impl Reconciler {
    /// A reconciler of `namespace`, whose resources may read files under
    /// `files` only (see [`super::allowed_dirs`]). Only reconciles while
    /// `leader` is true.
    pub fn new(
        client: Client,
        namespace: impl Into<String>,
        engine: Arc<Engine>,
        readiness: Arc<Readiness>,
        leader: watch::Receiver<bool>,
        identity: &str,
        files: AllowedDirs,
    ) -> Self {
        let cluster = Cluster::new(
            client,
            namespace.into(),
            engine.clone(),
            readiness.clone(),
            leader,
            identity,
            super::lease::DEFAULT_NAME,
        )
        .allowing_files(files);
        Controller::with_host(engine, readiness, cluster)
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

impl Cluster {
    /// The namespace's resources through `client`, events reported as
    /// `identity`; `lease_name` is named when an HR event reaches a standby.
    pub(super) fn new(
        client: Client,
        namespace: String,
        engine: Arc<Engine>,
        readiness: Arc<Readiness>,
        leader: watch::Receiver<bool>,
        identity: &str,
        lease_name: &str,
    ) -> Self {
        let reporter = Reporter { controller: REPORTER.to_owned(), instance: Some(identity.to_owned()) };
        Self {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            namespace,
            engine,
            readiness,
            leader,
            lease_name: lease_name.to_owned(),
            snapshot: RwLock::new(None),
            events: tokio::sync::Mutex::new(EventMemory::default()),
            written: tokio::sync::Mutex::new(Statuses::default()),
            seeded: AtomicBool::new(false),
            files: AllowedDirs::none(),
            shards: None,
            max_objects: DEFAULT_MAX_OBJECTS,
        }
    }

    /// Writes statuses and Events only for the apps whose shard this
    /// replica holds, and the namespace's own ones when it is their
    /// writer; tells `shards` the namespace's apps at every load.
    #[must_use]
    pub(super) fn sharded(mut self, shards: Option<super::sharding::Shards>) -> Self {
        self.shards = shards;
        self
    }

    /// Refuses a namespace with more than `max` objects of one kind.
    #[must_use]
    pub(super) fn at_most(mut self, max: usize) -> Self {
        self.max_objects = max;
        self
    }

    /// Whether this replica writes `app`'s status and Events.
    fn writes_app(&self, app: &str) -> bool {
        self.shards.as_ref().is_none_or(|s| s.holds(&self.namespace, app))
    }

    /// Whether this replica writes the namespace's own statuses.
    fn writes_namespace(&self) -> bool {
        self.shards.as_ref().is_none_or(|s| s.writes_namespace(&self.namespace))
    }

    /// Lets the namespace's resources read files under `files` (none by
    /// default).
    #[must_use]
    pub(super) fn allowing_files(mut self, files: AllowedDirs) -> Self {
        self.files = files;
        self
    }

    fn is_leader(&self) -> bool {
        *self.leader.borrow()
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
        // One more than allowed is enough to tell "too many".
        let limit = u32::try_from(self.max_objects.saturating_add(1)).unwrap_or(u32::MAX);
        let items = api.list(&ListParams::default().limit(limit)).await.map_err(api_err(what))?.items;
        if items.len() > self.max_objects {
            return Err(KubeError::TooMany {
                namespace: self.namespace.clone(),
                kind: K::plural(&()).into_owned(),
                max: self.max_objects,
            });
        }
        Ok(items)
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
            if !self.writes_app(name) {
                continue;
            }
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
        let own = self.writes_namespace();
        for (name, status) in &report.people_sources {
            let Some(generation) = snap.sources.get(name) else { continue };
            if !own {
                continue;
            }
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
            if !self.writes_app(name) {
                continue;
            }
            for w in memory.filter(name, report::wanted_events(outcome, full), full) {
                report::publish(&self.recorder, reference, &w).await;
            }
        }
    }
}

impl Cluster {
    /// Puts each Application's and PeopleSource's own errors on its status
    /// (`InvalidSpec`), so whoever applied it sees what to fix. Only the
    /// leader writes; unchanged statuses are not patched again.
    async fn report_invalid(
        &self,
        diagnostics: &[keyward_core::Diagnostic],
        apps: &BTreeMap<String, (Option<i64>, ObjectReference)>,
        sources: &BTreeMap<String, Option<i64>>,
    ) {
        if !self.is_leader() || !self.writes_namespace() {
            return;
        }
        let now = jiff::Timestamp::now();
        let mut written = self.written.lock().await;
        let mut noted = Statuses::default();
        let app_api: Api<Application> = Api::namespaced(self.client.clone(), &self.namespace);
        for (name, (generation, _)) in apps {
            let label = object_label("Application", &self.namespace, name);
            let Some(errors) = status::errors_of(diagnostics, &label) else { continue };
            let mut next = status::invalid_application(written.applications.get(name), &errors, now);
            next.observed_generation = *generation;
            if written.applications.get(name) == Some(&next) {
                continue;
            }
            match report::patch_application(&app_api, name, &next, *generation).await {
                Ok(()) => {
                    written.applications.insert(name.clone(), next.clone());
                    noted.applications.insert(name.clone(), next);
                }
                Err(e) => tracing::warn!(application = %name, error = %e, "cannot write the status"),
            }
        }
        let source_api: Api<PeopleSource> = Api::namespaced(self.client.clone(), &self.namespace);
        for (name, generation) in sources {
            let label = object_label("PeopleSource", &self.namespace, name);
            let Some(errors) = status::errors_of(diagnostics, &label) else { continue };
            let mut next = status::invalid_people_source(written.people_sources.get(name), &errors, now);
            next.observed_generation = *generation;
            if written.people_sources.get(name) == Some(&next) {
                continue;
            }
            match report::patch_people_source(&source_api, name, &next, *generation).await {
                Ok(()) => {
                    written.people_sources.insert(name.clone(), next.clone());
                    noted.people_sources.insert(name.clone(), next);
                }
                Err(e) => tracing::warn!(people_source = %name, error = %e, "cannot write the status"),
            }
        }
        // The next reconcile starts from these, so transition times hold.
        self.engine.note_statuses(noted);
    }
}

#[async_trait]
impl Host for Cluster {
    type Policies = Snapshot;
    type Error = KubeError;

    /// Lists the five kinds (whatever woke the loop: the API is the only
    /// copy) and builds the policy set; on the first read, starts from the
    /// statuses the resources carry.
    async fn load(&self, _: Wake) -> Result<Option<Arc<Snapshot>>, KubeError> {
        let sources: Vec<PeopleSource> = self.list().await?;
        let apps: Vec<Application> = self.list().await?;
        let policies: Vec<AccessPolicy> = self.list().await?;
        let exceptions: Vec<Exception> = self.list().await?;
        let duties: Vec<SeparationOfDuties> = self.list().await?;
        if !self.seeded.swap(true, Ordering::SeqCst) {
            // Transition times survive a restart or a change of leader.
            let st = Statuses {
                applications: apps.iter().filter_map(|a| Some((a.name_any(), a.status.clone()?))).collect(),
                people_sources: sources.iter().filter_map(|s| Some((s.name_any(), s.status.clone()?))).collect(),
            };
            self.engine.seed_statuses(st.clone());
            *self.written.lock().await = st;
        }
        if let Some(shards) = &self.shards {
            shards.set_apps(&self.namespace, apps.iter().map(|a| a.name_any()).collect());
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
        let files = self.files.clone();
        let loaded = match crate::engine::blocking(|| PolicySet::from_resources(&root, resources, files)) {
            Ok(l) => l,
            Err(d) => {
                let msg = d.0.iter().filter(|x| x.is_error()).map(ToString::to_string).collect::<Vec<_>>().join("; ");
                tracing::error!(error = %msg, "the keyward resources do not validate; nothing is reconciled until they do");
                self.readiness.policies(Err(msg));
                self.report_invalid(&d.0, &snapshot_apps, &snapshot_sources).await;
                return Ok(None);
            }
        };
        for w in &loaded.warnings {
            tracing::warn!("{w}");
        }
        self.readiness.policies(Ok(()));
        let snap = Arc::new(Snapshot { set: Arc::new(loaded.set), apps: snapshot_apps, sources: snapshot_sources });
        *self.snapshot.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(snap.clone());
        Ok(Some(snap))
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    async fn publish(&self, snap: &Snapshot, report: &ReconcileReport) {
        self.write_back(snap, report, report.kind == ReconcileKind::Full).await;
    }

    fn leadership(&self) -> watch::Receiver<bool> {
        self.leader.clone()
    }

    fn not_leading(&self) -> String {
        format!(
            "not the leader: this replica is a standby (another replica holds the Lease {}); send the event again",
            self.lease_name
        )
    }
}
