//! The reconcile engine: read, plan, apply what is enforced, report.
//! Shared by the standalone loop and (next) the Kubernetes mode, which
//! only differ in where policies come from and where statuses go.
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

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use keyward_apply::{Applier, AuditLog, GuardOptions, Item, Prepared, Refusal, Scope};
use keyward_connectors::http::Secret;
use keyward_connectors::{Capabilities, ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys};
use keyward_core::account::AccountListing;
use keyward_core::plan::{Action, Change, Plan};
use keyward_core::policy::{Named, PolicySet};
use keyward_core::resources::{ApplicationSpec, ApplicationStatus, PeopleSourceStatus, ReconcileMode, SecretKeyRef};
use keyward_core::{Diagnostic, People};
use keyward_sources::{ReadOptions, SourceError};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

use crate::ControllerError;
use crate::metrics::{KindLabel, Metrics};
use crate::status::{self, AppOutcome, Problem, SourceRead};

/// Diagnostics named in one message; the rest are counted.
const DIAGNOSTICS_SHOWN: usize = 5;

/// What the engine needs, fixed for its lifetime.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The append-only audit log; opened (and locked) once for the life of
    /// the engine.
    pub audit_log: PathBuf,
    /// Where checklists for read-only apps in enforce mode are written.
    pub checklist_dir: PathBuf,
    /// Guard limits and overrides, as for `keyward apply`.
    pub guard: GuardOptions,
    /// Where counters go.
    pub metrics: Metrics,
}

/// Which reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReconcileKind {
    /// Every person and every app.
    Full,
    /// One person, after an HR event.
    Person,
}

impl ReconcileKind {
    fn label(self) -> KindLabel {
        match self {
            Self::Full => KindLabel::full,
            Self::Person => KindLabel::person,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Person => "person",
        }
    }
}

/// What one reconcile saw and did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileReport {
    /// Full or person.
    pub kind: ReconcileKind,
    /// For a person's reconcile: the employee number or e-mail asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The day planned for.
    pub date: Date,
    /// When it started.
    pub started: Timestamp,
    /// How long it took.
    pub duration: Duration,
    /// Why nothing at all was planned (the HR data could not be read, the
    /// person is not in it, the plan failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// Stopped before applying because the controller is shutting down;
    /// nothing was applied and no status changed.
    pub interrupted: bool,
    /// What happened to each app (for a person's reconcile: the apps in
    /// enforce mode).
    pub apps: BTreeMap<String, AppOutcome>,
    /// Audit log run ids of the applies made.
    pub run_ids: Vec<String>,
    /// Every Application's status after this reconcile.
    pub applications: BTreeMap<String, ApplicationStatus>,
    /// Every PeopleSource's status after this reconcile.
    pub people_sources: BTreeMap<String, PeopleSourceStatus>,
}

impl ReconcileReport {
    fn new(kind: ReconcileKind, person: Option<&str>, date: Date) -> Self {
        Self {
            kind,
            person: person.map(str::to_owned),
            date,
            started: Timestamp::now(),
            duration: Duration::ZERO,
            error: None,
            interrupted: false,
            apps: BTreeMap::new(),
            run_ids: Vec::new(),
            applications: BTreeMap::new(),
            people_sources: BTreeMap::new(),
        }
    }

    /// `true` when everything was read and planned and no change failed.
    /// A guard refusal is not an error: the guard did its job.
    pub fn is_ok(&self) -> bool {
        !self.interrupted
            && self.error.is_none()
            && self.apps.values().all(|o| o.problem.is_none() && o.failed + o.skipped == 0 && o.failures.is_empty())
    }

    /// Changes applied over all apps.
    pub fn applied(&self) -> u32 {
        self.apps.values().map(|o| o.applied).sum()
    }
}

/// The last statuses, by resource name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statuses {
    /// Application name → status.
    pub applications: BTreeMap<String, ApplicationStatus>,
    /// PeopleSource name → status.
    pub people_sources: BTreeMap<String, PeopleSourceStatus>,
}

/// What a reconcile reads of each app.
#[derive(Clone, Copy)]
enum Read<'a> {
    /// Every account.
    All,
    /// The accounts that may be this person's (and their manager's); the
    /// key the event named, for the log.
    Person(&'a PersonKeys, &'a str),
}

/// Connectors kept between reconciles, each with the spec it was built
/// from, so an edited Application gets a new one and the others keep
/// their caches (discovery, group ids, memberships).
#[derive(Default)]
struct Held {
    connectors: BTreeMap<String, Arc<dyn Connector>>,
    /// The spec's fingerprint and a digest of the Secret values used.
    built_from: BTreeMap<String, (String, String)>,
}

/// The reconcile engine. See the module docs.
pub struct Engine {
    /// Carries out the enforced changes; owns the audit log.
    applier: Applier,
    metrics: Metrics,
    /// Held for a whole reconcile: see the module docs.
    held: tokio::sync::Mutex<Held>,
    statuses: std::sync::Mutex<Statuses>,
    stop: watch::Sender<bool>,
    runs: AtomicU64,
    /// Reads Kubernetes Secrets named by credentials; `None` outside
    /// Kubernetes, where such a reference is refused.
    secrets: Option<Arc<dyn SecretReader>>,
    /// Delta links and users of Microsoft Graph PeopleSources with
    /// `delta: true`, kept across reconciles.
    delta: Arc<keyward_sources::DeltaCache>,
}

/// A Secret's keys, each with its value or why the value is unusable.
pub type SecretData = BTreeMap<String, Result<Secret, String>>;

/// Reads a Kubernetes Secret's data, for connector credentials that name
/// one (`token: {secret: {name, key}}`).
#[async_trait]
pub trait SecretReader: Send + Sync {
    /// Every key of the Secret `name` with its value (or why the value is
    /// unusable), or why the Secret could not be read. Messages never hold
    /// a value.
    async fn read(&self, name: &str) -> Result<SecretData, String>;
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("audit_log", &self.applier.audit().path()).finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the audit log (verifying and locking it) and sets up an engine
    /// with no connectors yet.
    pub fn new(config: EngineConfig) -> Result<Self, ControllerError> {
        let audit = AuditLog::open(&config.audit_log)?;
        Ok(Self {
            applier: Applier::new(audit, config.checklist_dir, config.guard),
            metrics: config.metrics,
            held: tokio::sync::Mutex::new(Held::default()),
            statuses: std::sync::Mutex::new(Statuses::default()),
            stop: watch::channel(false).0,
            runs: AtomicU64::new(0),
            secrets: None,
            delta: Arc::default(),
        })
    }

    /// Lets credentials name Kubernetes Secrets, read through `reader`
    /// whenever a connector is (re)built and on every full reconcile, so a
    /// rotated token is picked up without a restart.
    #[must_use]
    pub fn with_secrets(mut self, reader: Arc<dyn SecretReader>) -> Self {
        self.secrets = Some(reader);
        self
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
        drop(self.held.lock().await);
    }

    async fn stopping(&self) {
        let mut rx = self.stop.subscribe();
        // An error means the sender is gone, which cannot happen while
        // `self` lives; waiting forever is then the right answer.
        if rx.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    fn run_id(&self, kind: ReconcileKind) -> String {
        let n = self.runs.fetch_add(1, Ordering::Relaxed) + 1;
        // new_run_id has one-second resolution; the counter keeps two
        // applies in the same second apart in the audit log.
        format!("{}-{}{n}", keyward_apply::new_run_id(), kind.as_str())
    }

    /// Reconciles everything: reads the HR data, lists every app, plans,
    /// applies the changes of apps in enforce mode, and updates every
    /// status. Never panics; problems end up in the statuses.
    pub async fn reconcile_all(&self, set: &PolicySet, today: Date) -> ReconcileReport {
        let clock = Instant::now();
        let mut report = ReconcileReport::new(ReconcileKind::Full, None, today);
        let mut held = self.held.lock().await;
        if self.is_stopping() {
            report.interrupted = true;
            return self.finish(report, clock);
        }
        let now = Timestamp::now();
        let people = match keyward_sources::read_people_with(set, &self.source_options(set).await).await {
            Ok(p) => p,
            Err(e) => {
                let (sources, problem) = people_problems(set, &e);
                tracing::warn!(error = %problem.message, "cannot read the HR data; nothing is planned");
                self.update_statuses(|s| {
                    for (name, read) in &sources {
                        let prev = s.people_sources.get(name);
                        let next = status::people_source_status(prev, read, now);
                        s.people_sources.insert(name.clone(), next);
                    }
                });
                for app in &set.applications {
                    let p = Problem::new(
                        "PeopleSourceFailed",
                        format!("the HR data could not be read: {}", problem.message),
                    );
                    report.apps.insert(app.name.clone(), status::unplanned(app.spec.mode, p));
                }
                report.error = Some(problem);
                self.publish_full(set, &mut report, now);
                return self.finish(report, clock);
            }
        };
        let source_counts = people_per_source(set, &people);

        let all: Vec<&Named<ApplicationSpec>> = set.applications.iter().collect();
        let mut problems = self.connect(&mut held, set, &all, ReconcileKind::Full).await;
        let Some(listings) = self.read_apps(&mut held, &all, &mut problems, Read::All).await else {
            report.interrupted = true;
            return self.finish(report, clock);
        };
        let plan = match self.plan(set, &people, listings, &problems, today, None) {
            Ok(x) => x,
            Err(problem) => {
                for app in &set.applications {
                    report.apps.insert(app.name.clone(), status::unplanned(app.spec.mode, problem.clone()));
                }
                report.error = Some(problem);
                self.publish_full(set, &mut report, now);
                return self.finish(report, clock);
            }
        };
        self.enforce_and_report(&held, set, &plan, &problems, &mut report, ReconcileKind::Full).await;
        drop(held);
        self.update_statuses(|s| {
            for (name, count) in &source_counts {
                let next = status::people_source_status(s.people_sources.get(name), &SourceRead::Read(*count), now);
                s.people_sources.insert(name.clone(), next);
            }
        });
        self.publish_full(set, &mut report, now);
        self.finish(report, clock)
    }

    /// Reconciles one person after an HR event: finds them in the HR data
    /// (by employee number or e-mail), looks up only their accounts (and
    /// their manager's, who may receive a hand-over) in every app in
    /// enforce mode at once, plans for them alone and applies. For a SCIM
    /// app that is one lookup plus one request per change. Apps in observe
    /// mode are not read (nothing would be applied to them), nor are
    /// read-only apps (their checklists are the full reconcile's).
    pub async fn reconcile_person(&self, set: &PolicySet, person_key: &str, today: Date) -> ReconcileReport {
        let clock = Instant::now();
        let mut report = ReconcileReport::new(ReconcileKind::Person, Some(person_key), today);
        let mut held = self.held.lock().await;
        if self.is_stopping() {
            report.interrupted = true;
            return self.finish(report, clock);
        }
        let now = Timestamp::now();
        let people = match keyward_sources::read_people_with(set, &self.source_options(set).await).await {
            Ok(p) => p,
            Err(e) => {
                let (_, problem) = people_problems(set, &e);
                tracing::warn!(person = person_key, error = %problem.message, "cannot read the HR data");
                report.error = Some(problem);
                return self.finish(report, clock);
            }
        };
        let Some(index) = people.find(person_key.trim()) else {
            report.error = Some(Problem::new(
                "PersonNotFound",
                format!(
                    "nobody with employee number or work e-mail `{person_key}` is in the HR data; check the event, or whether the HR export already has the change"
                ),
            ));
            return self.finish(report, clock);
        };
        let Some(person) = people.get(index) else {
            report.error = Some(Problem::new(
                "PersonNotFound",
                format!("`{person_key}` was found but not read (a bug: please report it)"),
            ));
            return self.finish(report, clock);
        };
        let mut keys = PersonKeys::of(person);
        if let Some(manager) = person.manager.as_deref().and_then(|m| people.find(m)).and_then(|i| people.get(i)) {
            keys.extend(PersonKeys::of(manager));
        }
        let enforced: Vec<&Named<ApplicationSpec>> =
            set.applications.iter().filter(|a| a.spec.mode == ReconcileMode::Enforce).collect();
        let mut problems = self.connect(&mut held, set, &enforced, ReconcileKind::Person).await;
        // Read-only apps (csv exports) are left to the full reconcile: their
        // changes go to a checklist per app, which a one-person apply would
        // replace with that person's lines only.
        let enforced: Vec<&Named<ApplicationSpec>> = enforced
            .into_iter()
            .filter(|a| held.connectors.get(&a.name).is_none_or(|c| !c.capabilities().is_read_only()))
            .collect();
        let Some(listings) = self.read_apps(&mut held, &enforced, &mut problems, Read::Person(&keys, person_key)).await
        else {
            report.interrupted = true;
            return self.finish(report, clock);
        };
        // Apps not read (observe mode, read-only) get an empty stand-in
        // listing below; none of their changes is kept or reported.
        let not_read: BTreeSet<String> = set
            .applications
            .iter()
            .filter(|a| !enforced.iter().any(|e| e.name == a.name))
            .map(|a| a.name.clone())
            .collect();
        let plan = match self.plan(set, &people, listings, &problems, today, Some(index)) {
            Ok(x) => x,
            Err(problem) => {
                report.error = Some(problem);
                return self.finish(report, clock);
            }
        };
        self.enforce_and_report(&held, set, &plan, &problems, &mut report, ReconcileKind::Person).await;
        drop(held);
        report.apps.retain(|name, _| !not_read.contains(name));
        let who = person.id.clone();
        self.update_statuses(|s| {
            for (name, o) in &report.apps {
                let next = status::merge_person_outcome(s.applications.get(name), o, &who, now);
                s.applications.insert(name.clone(), next);
            }
        });
        let st = self.statuses();
        report.applications = st.applications;
        report.people_sources = st.people_sources;
        self.finish(report, clock)
    }

    /// Reads `apps` (except those with a problem already) concurrently:
    /// every account, or one person's. An app that cannot be read gets a
    /// problem and loses its connector (the next reconcile builds a fresh
    /// one). `None` when the engine is stopping: nothing was planned yet,
    /// so nothing is lost by giving up.
    async fn read_apps(
        &self,
        held: &mut Held,
        apps: &[&Named<ApplicationSpec>],
        problems: &mut BTreeMap<String, Problem>,
        how: Read<'_>,
    ) -> Option<BTreeMap<String, AccountListing>> {
        let read = {
            let held = &*held;
            let reads = apps.iter().filter(|a| !problems.contains_key(&a.name)).map(|a| async move {
                let r = match (held.connectors.get(&a.name), how) {
                    (Some(c), Read::All) => c.list().await,
                    (Some(c), Read::Person(keys, _)) => c.find(keys).await,
                    (None, _) => Err(ConnectorError::Internal(format!("no connector for Application {}", a.name))),
                };
                (a.name.clone(), r)
            });
            tokio::select! {
                r = futures::future::join_all(reads) => r,
                () = self.stopping() => return None,
            }
        };
        let mut listings = BTreeMap::new();
        for (name, r) in read {
            match r {
                Ok(l) => {
                    listings.insert(name, l);
                }
                Err(e) => {
                    let problem = match how {
                        Read::All => {
                            tracing::warn!(app = %name, error = %e, "cannot list the accounts; the app is left alone this time");
                            Problem::new("ListFailed", connector_message(&e))
                        }
                        Read::Person(_, person) => {
                            tracing::warn!(app = %name, person, error = %e, "cannot look up the person's accounts");
                            Problem::new("LookupFailed", connector_message(&e))
                        }
                    };
                    problems.insert(name.clone(), problem);
                    forget(held, &name);
                }
            }
        }
        Some(listings)
    }

    /// How the HR APIs are read: with the engine's delta state and, in
    /// Kubernetes, the values of the Secrets their credentials name, read
    /// anew at every reconcile so a rotated token is used at once.
    async fn source_options(&self, set: &PolicySet) -> ReadOptions {
        let mut options = ReadOptions { delta: Some(self.delta.clone()), ..ReadOptions::default() };
        let Some(reader) = &self.secrets else { return options };
        let mut secrets = ClusterSecrets::fetched();
        let mut read: BTreeMap<String, Result<SecretData, String>> = BTreeMap::new();
        for (field, r) in set.people_sources.iter().flat_map(|s| s.spec.secret_fields()) {
            if !read.contains_key(&r.name) {
                read.insert(r.name.clone(), reader.read(&r.name).await);
            }
            secrets.insert(r.clone(), secret_value(read.get(&r.name), r, &format!("{field}.secret.key")));
        }
        options.secrets = secrets;
        options
    }

    /// Builds (or reuses) the connectors of `apps`; the apps whose
    /// connector cannot be built, with why. Kubernetes Secrets named by
    /// credentials are read again on a full reconcile (a rotated token
    /// rebuilds the connector); a person's reconcile reuses a connector
    /// whose spec did not change, to stay within its round trips.
    async fn connect(
        &self,
        held: &mut Held,
        set: &PolicySet,
        apps: &[&Named<ApplicationSpec>],
        kind: ReconcileKind,
    ) -> BTreeMap<String, Problem> {
        let mut problems = BTreeMap::new();
        // One read per Secret even when several apps share it.
        let mut read: BTreeMap<String, Result<SecretData, String>> = BTreeMap::new();
        for app in apps {
            let spec = fingerprint(set, app);
            let refs = app.spec.connector.secret_fields();
            let unchanged = held.built_from.get(&app.name).is_some_and(|(s, _)| *s == spec)
                && held.connectors.contains_key(&app.name);
            if unchanged && (refs.is_empty() || kind == ReconcileKind::Person) {
                continue;
            }
            let mut secrets =
                if self.secrets.is_some() { ClusterSecrets::fetched() } else { ClusterSecrets::unavailable() };
            let mut digest = Sha256::new();
            if let Some(reader) = &self.secrets {
                for (field, r) in refs {
                    if !read.contains_key(&r.name) {
                        read.insert(r.name.clone(), reader.read(&r.name).await);
                    }
                    let value = secret_value(read.get(&r.name), r, &format!("{field}.secret.key"));
                    // Only a digest of the value is kept, to notice a rotation.
                    match &value {
                        Ok(v) => digest.update(v.expose().as_bytes()),
                        Err(why) => digest.update(why.as_bytes()),
                    }
                    digest.update([0]);
                    secrets.insert(r.clone(), value);
                }
            }
            let fp = (spec, hex::encode(digest.finalize()));
            if held.built_from.get(&app.name) == Some(&fp) && held.connectors.contains_key(&app.name) {
                continue;
            }
            forget(held, &app.name);
            match keyward_connectors::build(set, app, &secrets) {
                Ok(c) => {
                    let observed = Observed { inner: c, metrics: self.metrics.clone() };
                    held.connectors.insert(app.name.clone(), Arc::new(observed));
                    held.built_from.insert(app.name.clone(), fp);
                }
                Err(e) => {
                    tracing::warn!(app = %app.name, error = %e, "cannot set up the connector");
                    problems.insert(app.name.clone(), Problem::new("ConnectorFailed", connector_message(&e)));
                }
            }
        }
        // Connectors of apps no longer in the policies are dropped, so a
        // removed app's cache and credentials do not linger.
        if apps.len() == set.applications.len() {
            let names: BTreeSet<&str> = set.applications.iter().map(|a| a.name.as_str()).collect();
            let gone: Vec<String> = held.connectors.keys().filter(|k| !names.contains(k.as_str())).cloned().collect();
            for name in gone {
                forget(held, &name);
            }
        }
        problems
    }

    /// Plans with what could be read. An app that could not be read is
    /// planned from an empty stand-in listing (apps are planned
    /// independently, so that does not touch the others) and every one of
    /// its changes is dropped.
    fn plan(
        &self,
        set: &PolicySet,
        people: &People,
        mut listings: BTreeMap<String, AccountListing>,
        problems: &BTreeMap<String, Problem>,
        today: Date,
        only: Option<usize>,
    ) -> Result<Plan, Problem> {
        let usable: BTreeSet<String> = set
            .applications
            .iter()
            .filter(|a| listings.contains_key(&a.name) && !problems.contains_key(&a.name))
            .map(|a| a.name.clone())
            .collect();
        for app in &set.applications {
            listings.entry(app.name.clone()).or_insert_with(|| AccountListing::new(app.name.clone(), Vec::new()));
        }
        let planned = blocking(|| match only {
            None => keyward_core::plan(set, people, &listings, today),
            Some(i) => keyward_core::plan_scoped(set, people, &listings, today, &[i]),
        });
        let mut plan = planned.map_err(|e| Problem::new("PlanFailed", format!("the plan could not be made: {e}")))?;
        plan.retain_changes(|c| usable.contains(c.app.as_str()));
        Ok(plan)
    }

    /// Applies the changes `plan` holds for apps in enforce mode (it holds
    /// none for apps that could not be read), then fills `report.apps` for
    /// every app of the set.
    async fn enforce_and_report(
        &self,
        held: &Held,
        set: &PolicySet,
        plan: &Plan,
        problems: &BTreeMap<String, Problem>,
        report: &mut ReconcileReport,
        kind: ReconcileKind,
    ) {
        let applied = self.apply(held, set, plan, kind).await;
        report.run_ids = applied.run_ids.clone();
        for app in &set.applications {
            let outcome = match problems.get(&app.name) {
                Some(p) => status::unplanned(app.spec.mode, p.clone()),
                None => match plan.apps.iter().find(|s| s.name == app.name) {
                    Some(summary) => {
                        let items: Vec<&Item> = applied.items.iter().filter(|i| i.change.app == app.name).collect();
                        let refusals: Vec<&Refusal> =
                            applied.refusals.get(&app.name).map(|r| r.iter().collect()).unwrap_or_default();
                        let audit_error = applied.audit_error.as_deref().filter(|_| !items.is_empty());
                        status::outcome(
                            app.spec.mode,
                            summary,
                            plan.changes_for(&app.name),
                            &items,
                            &refusals,
                            audit_error,
                        )
                    }
                    None => status::unplanned(
                        app.spec.mode,
                        Problem::new("PlanFailed", "the plan has no entry for this app (a bug: please report it)"),
                    ),
                },
            };
            for i in applied.items.iter().filter(|i| i.change.app == app.name) {
                self.metrics.change(&app.name, i.change.action.as_str(), i.result.as_str());
            }
            if !outcome.refusals.is_empty() {
                self.metrics.guard_refusal(&app.name);
            }
            report.apps.insert(app.name.clone(), outcome);
        }
    }

    /// Applies the non-review changes of apps in enforce mode. A guard
    /// refusal about one app holds back that app only (recorded in the
    /// audit log as a refused run of its own); a refusal about the whole
    /// plan (the HR head count shrank, the total limit) holds back every
    /// app.
    async fn apply(&self, held: &Held, set: &PolicySet, plan: &Plan, kind: ReconcileKind) -> Applied {
        let mut out = Applied::default();
        // Reviews change nothing; a reconcile's runs record only what they
        // carry out.
        let mut todo = plan.clone();
        todo.retain_changes(|c| c.action != Action::Review);
        let prepared = self.applier.prepare(todo, set, &held.connectors, Scope::EnforcedApps);
        if prepared.executable() == 0 {
            // Nothing to do is not written to the audit log: a resync every
            // few minutes would otherwise fill it with empty runs.
            return out;
        }
        for run in prepared.hold_back_refused_apps() {
            self.apply_one(run, kind, &mut out).await;
        }
        out
    }

    async fn apply_one(&self, run: Prepared, kind: ReconcileKind, out: &mut Applied) {
        // A refusal about the whole plan is about every app with changes.
        let apps: Vec<String> =
            run.plan().apps.iter().filter(|a| a.changes.total() > 0).map(|a| a.name.clone()).collect();
        let report = self.applier.apply(run, &self.run_id(kind)).await;
        for r in &report.refusals {
            tracing::warn!(app = r.app.as_deref().unwrap_or(""), refusal = %r.message, "a guard refused the changes; nothing was applied");
            let apps: Vec<String> = match &r.app {
                Some(a) => vec![a.clone()],
                None => apps.clone(),
            };
            for a in apps {
                out.refusals.entry(a).or_default().push(r.clone());
            }
        }
        for i in report.problems() {
            tracing::warn!(app = %i.change.app, action = i.change.action.as_str(), account = i.change.account.label(), result = i.result.as_str(), "{}", why(&i.result));
        }
        if report.applied() > 0 {
            tracing::info!(run = %report.run_id, applied = report.applied(), failed = report.failed(), "applied changes");
        }
        if out.audit_error.is_none() {
            out.audit_error = report.audit_error.clone();
        }
        out.run_ids.push(report.run_id.clone());
        out.items.extend(report.items);
    }

    fn update_statuses(&self, f: impl FnOnce(&mut Statuses)) {
        let mut s = self.statuses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s);
    }

    /// Turns a full reconcile's outcomes into statuses, drops statuses of
    /// resources no longer in the policies, and copies them into the report.
    fn publish_full(&self, set: &PolicySet, report: &mut ReconcileReport, now: Timestamp) {
        let apps: BTreeSet<&str> = set.applications.iter().map(|a| a.name.as_str()).collect();
        let sources: BTreeSet<&str> = set.people_sources.iter().map(|s| s.name.as_str()).collect();
        let mut gone = Vec::new();
        self.update_statuses(|s| {
            for (name, o) in &report.apps {
                let next = status::application_status(s.applications.get(name), o, now);
                s.applications.insert(name.clone(), next);
            }
            gone = s.applications.keys().filter(|k| !apps.contains(k.as_str())).cloned().collect();
            s.applications.retain(|k, _| apps.contains(k.as_str()));
            s.people_sources.retain(|k, _| sources.contains(k.as_str()));
        });
        for name in gone {
            self.metrics.forget_app(&name);
        }
        for (name, o) in &report.apps {
            self.metrics.know_app(name);
            if o.problem.is_none() {
                self.metrics.set_drift(name, o.drift);
            }
        }
        let st = self.statuses();
        report.applications = st.applications;
        report.people_sources = st.people_sources;
    }

    fn finish(&self, mut report: ReconcileReport, clock: Instant) -> ReconcileReport {
        report.duration = clock.elapsed();
        if report.interrupted {
            tracing::info!(kind = report.kind.as_str(), "reconcile stopped before applying: shutting down");
            return report;
        }
        self.metrics.reconcile(report.kind.label(), report.is_ok(), report.duration.as_secs_f64());
        let drift: u32 = report.apps.values().map(|o| o.drift).sum();
        match &report.error {
            Some(e) => tracing::warn!(
                kind = report.kind.as_str(),
                person = report.person.as_deref().unwrap_or(""),
                reason = %e.reason,
                error = %e.message,
                "reconcile failed; nothing was applied"
            ),
            None => match &report.person {
                Some(person) => tracing::info!(
                    kind = report.kind.as_str(),
                    person = %person,
                    ok = report.is_ok(),
                    applied = report.applied(),
                    seconds = report.duration.as_secs_f64(),
                    "reconciled"
                ),
                None => tracing::info!(
                    kind = report.kind.as_str(),
                    ok = report.is_ok(),
                    applied = report.applied(),
                    drift,
                    seconds = report.duration.as_secs_f64(),
                    "reconciled"
                ),
            },
        }
        report
    }
}

/// What the applies of one reconcile did.
#[derive(Debug, Default)]
struct Applied {
    items: Vec<Item>,
    refusals: BTreeMap<String, Vec<Refusal>>,
    audit_error: Option<String>,
    run_ids: Vec<String>,
}

fn why(r: &keyward_apply::ItemResult) -> &str {
    match r {
        keyward_apply::ItemResult::Failed(e) | keyward_apply::ItemResult::Skipped(e) => e,
        _ => "",
    }
}

/// The value of the key `r` names in a Secret as it was read, or why it is unusable.
fn secret_value(read: Option<&Result<SecretData, String>>, r: &SecretKeyRef, field: &str) -> Result<Secret, String> {
    match read {
        Some(Ok(data)) => match data.get(&r.key) {
            Some(v) => v.clone(),
            None => Err(format!(
                "Secret {} has no key `{}` (it has: {}); add it, or fix {field}",
                r.name,
                r.key,
                data.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            )),
        },
        Some(Err(why)) => Err(why.clone()),
        None => Err(format!("Secret {} was not read (a bug: please report it)", r.name)),
    }
}

fn forget(held: &mut Held, name: &str) {
    held.connectors.remove(name);
    held.built_from.remove(name);
}

/// Runs CPU- or disk-bound work (reading a CSV, planning) without stalling
/// the other tasks of a multi-threaded runtime, as the HR sources do.
pub(crate) use keyward_sources::off_the_async_threads as blocking;

/// What a connector was built from: its spec and the file declaring it
/// (relative paths and secret files resolve against it).
fn fingerprint(set: &PolicySet, app: &Named<ApplicationSpec>) -> String {
    let spec = serde_json::to_string(&app.spec.connector).unwrap_or_default();
    let apply = serde_json::to_string(&app.spec.apply).unwrap_or_default();
    format!("{}\n{spec}\n{apply}", set.file_path(&app.origin).unwrap_or(""))
}

fn diagnostics_message(d: &[Diagnostic]) -> String {
    let mut parts: Vec<String> =
        d.iter().filter(|d| d.is_error()).take(DIAGNOSTICS_SHOWN).map(ToString::to_string).collect();
    let errors = d.iter().filter(|d| d.is_error()).count();
    if errors > DIAGNOSTICS_SHOWN {
        parts.push(format!("and {} more", errors - DIAGNOSTICS_SHOWN));
    }
    parts.join("; ")
}

fn connector_message(e: &ConnectorError) -> String {
    match e {
        ConnectorError::Data(d) => format!("the account data has problems: {}", diagnostics_message(&d.0)),
        other => other.to_string(),
    }
}

/// Each PeopleSource's part in a failed HR read, and the problem as a whole.
fn people_problems(set: &PolicySet, e: &SourceError) -> (Vec<(String, SourceRead)>, Problem) {
    let blocked = |why: &str| {
        SourceRead::Blocked(Problem::new(
            "SnapshotIncomplete",
            format!("read, but not used: {why}; keyward plans only from the whole HR snapshot"),
        ))
    };
    match e {
        SourceError::Io { source_name, .. }
        | SourceError::Http { source_name, .. }
        | SourceError::NotConfigured { source_name, .. }
        | SourceError::Partial { source_name, .. } => {
            let problem = Problem::new("ReadFailed", e.to_string());
            let other = format!("PeopleSource {source_name} could not be read");
            let per = set
                .people_sources
                .iter()
                .map(|s| {
                    let read =
                        if &s.name == source_name { SourceRead::Failed(problem.clone()) } else { blocked(&other) };
                    (s.name.clone(), read)
                })
                .collect();
            (per, problem)
        }
        SourceError::Data(d) => {
            let all = Problem::new("InvalidData", format!("the HR data has problems: {}", diagnostics_message(&d.0)));
            // Diagnostics name the CSV file or the API; match them to the
            // source that reads it.
            let files: Vec<(String, String)> =
                set.people_sources.iter().map(|s| (s.name.clone(), keyward_sources::location(set, s))).collect();
            let mine = |file: &str| -> Vec<Diagnostic> { d.0.iter().filter(|x| x.file == file).cloned().collect() };
            let any_matched = files.iter().any(|(_, f)| !mine(f).is_empty());
            let per = files
                .iter()
                .map(|(name, file)| {
                    let own = mine(file);
                    let read = if !own.is_empty() {
                        SourceRead::Failed(Problem::new(
                            "InvalidData",
                            format!("the HR data has problems: {}", diagnostics_message(&own)),
                        ))
                    } else if any_matched {
                        blocked("another PeopleSource has invalid data")
                    } else {
                        SourceRead::Failed(all.clone())
                    };
                    (name.clone(), read)
                })
                .collect();
            (per, all)
        }
    }
}

/// People read from each PeopleSource.
fn people_per_source(set: &PolicySet, people: &People) -> Vec<(String, u32)> {
    let mut counts = vec![0u32; people.sources.len()];
    for p in people.persons() {
        if let Some(c) = counts.get_mut(p.origin.source) {
            *c += 1;
        }
    }
    set.people_sources
        .iter()
        .map(|s| {
            let count =
                people.sources.iter().position(|i| i.name == s.name).and_then(|i| counts.get(i)).copied().unwrap_or(0);
            (s.name.clone(), count)
        })
        .collect()
}

/// A connector that counts its HTTP failures, so `keyward_http_errors_total`
/// sees listings, lookups and changes alike.
struct Observed {
    inner: Box<dyn Connector>,
    metrics: Metrics,
}

impl Observed {
    fn count<T>(&self, r: Result<T, ConnectorError>) -> Result<T, ConnectorError> {
        if let Err(ConnectorError::Http { .. }) = &r {
            self.metrics.http_error(self.inner.app());
        }
        r
    }
}

#[async_trait]
impl Connector for Observed {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    fn app(&self) -> &str {
        self.inner.app()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        self.count(self.inner.list().await)
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        self.count(self.inner.find(person).await)
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        self.count(self.inner.apply(change).await)
    }
}
