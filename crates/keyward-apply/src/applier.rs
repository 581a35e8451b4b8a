//! The applier: one preparation step, then one apply.
//!
//! [`Applier::prepare`] decides each app's [`Strategy`], leaves observed
//! apps' changes out, and runs the guards — exactly once — returning a
//! [`Prepared`] run: what may run, the refusals about the whole plan and
//! the refusals about single apps. The caller looks at the refusals (the
//! CLI asks for confirmation only when there are none; the controller
//! holds back a refused app and lets the others go ahead) and hands the
//! run to [`Applier::apply`], which audits and carries it out. Callers
//! never run the guards or the phases themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyward_connectors::Connector;
use keyward_core::PolicySet;
use keyward_core::action::Action;
use keyward_core::i18n::Lang;
use keyward_core::plan::Plan;
use keyward_core::resources::Vendor;

use keyward_core::history::{LastListings, ListedAccount};

use crate::audit::{AuditError, AuditLog, Entry};
use crate::guard::{self, GuardOptions, Refusal};
use crate::history::{self, Unchanged};
use crate::phases::{self, RunLog};
use crate::report::Report;
use crate::strategy::{Scope, Strategy};
use crate::tally::Tally;

/// Changes sent to one app at once when its Application does not say.
pub const DEFAULT_CONCURRENCY: u32 = 4;

/// A run id that sorts by time and differs between hosts' processes:
/// `20261123T091500Z-4242`.
pub fn new_run_id() -> String {
    let now = jiff::Timestamp::now();
    format!("{}-{}", now.strftime("%Y%m%dT%H%M%SZ"), std::process::id())
}

/// Applies plans through one audit log. Cheap to clone: clones share the
/// log.
#[derive(Debug, Clone)]
pub struct Applier {
    audit: AuditLog,
    /// The last listing recorded per app, which the next is recorded
    /// against; one run records at a time.
    listings: Arc<tokio::sync::Mutex<Option<LastListings>>>,
    checklist_dir: Arc<Path>,
    guard: GuardOptions,
    lang: Lang,
    /// Who approved the plan, recorded on `run-started`.
    approved_by: Option<String>,
}

/// How one app of a prepared run is carried out.
#[derive(Clone)]
pub(crate) struct AppRun {
    pub(crate) strategy: Strategy,
    /// `None` when no connector was set up for the app.
    pub(crate) connector: Option<Arc<dyn Connector>>,
    /// Changes in flight at once (`spec.apply.concurrency`).
    pub(crate) concurrency: usize,
    /// The app behind the connector, for a checklist's words.
    pub(crate) vendor: Option<Vendor>,
}

/// A run ready to apply: the plan as it will be carried out, each app's
/// strategy and connector, and what the guards said.
pub struct Prepared {
    /// Observed apps' changes left out.
    plan: Arc<Plan>,
    /// One per app of `plan.apps`, in that order.
    apps: Vec<AppRun>,
    /// Every refusal, in the order the guards gave them.
    refusals: Vec<Refusal>,
    /// Apps only planned (observed) that had changes, left out of `plan`.
    observed: BTreeSet<String>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("changes", &self.plan.changes.len())
            .field("refusals", &self.refusals)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// The plan as the run carries it out (observed apps' changes left out).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Changes to carry out: every change of the run except reviews.
    pub fn executable(&self) -> usize {
        self.plan.changes.iter().filter(|c| c.action != Action::Review).count()
    }

    /// What the run will do, counted for the operator's confirmation:
    /// changes made, checklist items for a human, apps only planned.
    pub fn tally(&self) -> Tally {
        Tally::count(&self.plan, |app| self.strategy(app), &self.observed)
    }

    /// How `app`'s changes are carried out; `None` for an app not in the plan.
    pub fn strategy(&self, app: &str) -> Option<Strategy> {
        self.plan.apps.iter().position(|a| a.name == app).and_then(|i| self.apps.get(i)).map(|a| a.strategy)
    }

    /// Everything the guards refused, about the whole plan or one app.
    /// Applying a run with refusals records them and changes nothing.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// `true` when a guard refused (see [`Prepared::refusals`]).
    pub fn is_refused(&self) -> bool {
        !self.refusals.is_empty()
    }

    /// Refusals about the whole plan (the HR head count shrank, the total
    /// limit): no app may go ahead.
    pub fn plan_refusals(&self) -> impl Iterator<Item = &Refusal> {
        self.refusals.iter().filter(|r| r.app.is_none())
    }

    /// Refusals about one app each, by app.
    pub fn app_refusals(&self) -> BTreeMap<&str, Vec<&Refusal>> {
        let mut out: BTreeMap<&str, Vec<&Refusal>> = BTreeMap::new();
        for r in &self.refusals {
            if let Some(app) = r.app.as_deref() {
                out.entry(app).or_default().push(r);
            }
        }
        out
    }

    /// Holds back the apps a guard refused so the others can go ahead:
    /// when every refusal is about one app, the refused apps become a run
    /// of their own (applying it records their refusals and changes
    /// nothing) followed by a run of the other apps without refusals.
    /// Otherwise the run stays whole. Runs with nothing to carry out are
    /// left out.
    pub fn hold_back_refused_apps(self) -> Vec<Prepared> {
        let refused: BTreeSet<String> = self.refusals.iter().filter_map(|r| r.app.clone()).collect();
        if refused.is_empty() || self.plan_refusals().next().is_some() {
            return [self].into_iter().filter(|p| p.executable() > 0).collect();
        }
        let mut held_back = Plan::clone(&self.plan);
        held_back.retain_changes(|c| refused.contains(c.app.as_str()));
        let mut rest = self.plan;
        Arc::make_mut(&mut rest).retain_changes(|c| !refused.contains(c.app.as_str()));
        let held_back = Prepared {
            plan: Arc::new(held_back),
            apps: self.apps.clone(),
            refusals: self.refusals,
            observed: self.observed.clone(),
        };
        let rest = Prepared { plan: rest, apps: self.apps, refusals: Vec::new(), observed: self.observed };
        [held_back, rest].into_iter().filter(|p| p.executable() > 0).collect()
    }
}

impl Applier {
    /// An applier writing to `audit`, checklists for read-only apps to
    /// `checklist_dir` (`<app>.md`), within the `guard` limits.
    pub fn new(audit: AuditLog, checklist_dir: impl Into<PathBuf>, guard: GuardOptions) -> Self {
        Self {
            audit,
            listings: Arc::new(tokio::sync::Mutex::new(None)),
            checklist_dir: Arc::from(checklist_dir.into()),
            guard,
            lang: Lang::En,
            approved_by: None,
        }
    }

    /// Records, as `run_id`, the accounts read from each app of `listed`
    /// (with their owners, see [`keyward_core::owners::listed_accounts`]):
    /// the complete listing the first time, the difference from the last
    /// one afterwards (see [`keyward_core::history`]). Called before
    /// [`Applier::apply`], with the listings the plan was made from, and
    /// also when there is nothing to apply.
    ///
    /// The last listing per app is read from the log the first time, and
    /// again each time for a log other processes also write (PostgreSQL):
    /// a difference must be from the app's last listing in the chain,
    /// whoever recorded it. Should the log not read, the listings are
    /// recorded complete, which is always right.
    pub async fn record_listings(
        &self,
        run_id: &str,
        listed: &BTreeMap<String, Vec<ListedAccount>>,
        unchanged: Unchanged,
    ) -> Result<(), AuditError> {
        let mut last = self.listings.lock().await;
        if last.is_none() || self.audit.is_shared() {
            let read = self.audit.read_all().await;
            *last = Some(read.map(|records| history::last_listings(&history::seen(&records))).unwrap_or_default());
        }
        let last = last.get_or_insert_with(Default::default);
        history::record(&self.audit, last, run_id, listed, unchanged).await
    }

    /// The same applier knowing the log's `records` (read by the caller
    /// for other reasons), so the first [`Applier::record_listings`] need
    /// not read the log again for the last listing per app.
    #[must_use]
    pub fn knowing(mut self, records: &[crate::audit::Record]) -> Self {
        let last = history::last_listings(&history::seen(records));
        self.listings = Arc::new(tokio::sync::Mutex::new(Some(last)));
        self
    }

    /// The same applier writing its checklists in `lang` (English unless
    /// told). The audit log stays English whatever the language.
    #[must_use]
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The same applier recording `name` as the plan's approver
    /// (`approvedBy` on `run-started`): who approved the saved plan in
    /// review, where known.
    #[must_use]
    pub fn approved_by(mut self, name: Option<String>) -> Self {
        self.approved_by = name;
        self
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Prepares `plan` for applying with `connectors` (by app name): each
    /// app's [`Strategy`] (see [`Strategy::decide`]) and concurrency
    /// (`spec.apply.concurrency`, else [`DEFAULT_CONCURRENCY`]), observed
    /// apps' changes left out, and the guards run on the rest, comparing
    /// the HR head count with the audit log's
    /// [`AuditLog::people_baseline`], read from the store now (another
    /// writer may have appended since it was opened). Pure apart from
    /// reading that count; when it cannot be read, the whole plan is
    /// refused rather than compared with nothing.
    pub async fn prepare(
        &self,
        plan: impl Into<Arc<Plan>>,
        set: &PolicySet,
        connectors: &BTreeMap<String, Arc<dyn Connector>>,
        scope: Scope,
    ) -> Prepared {
        let mut plan = plan.into();
        let apps: Vec<AppRun> = plan
            .apps
            .iter()
            .map(|app| {
                let spec = set.application(&app.name).map(|a| &a.spec);
                let connector = connectors.get(&app.name).cloned();
                let strategy = Strategy::decide(app, spec, connector.as_deref(), scope);
                let concurrency = spec.and_then(|s| s.apply.concurrency).unwrap_or(DEFAULT_CONCURRENCY).max(1) as usize;
                let vendor = spec.and_then(|s| s.connector.vendor());
                AppRun { strategy, connector, concurrency, vendor }
            })
            .collect();
        let observed: BTreeSet<String> = plan
            .apps
            .iter()
            .zip(&apps)
            .filter(|(_, run)| run.strategy == Strategy::Observe)
            .map(|(app, _)| app.name.clone())
            .collect();
        let observed_with_changes = observed
            .iter()
            .filter(|app| plan.changes_for(app).iter().any(|c| c.action != Action::Review))
            .cloned()
            .collect();
        // Cloned only when something is left out (and the caller still
        // holds the plan).
        if plan.changes.iter().any(|c| observed.contains(c.app.as_str())) {
            Arc::make_mut(&mut plan).retain_changes(|c| !observed.contains(c.app.as_str()));
        }
        let refusals = match self.audit.people_baseline().await {
            Ok(baseline) => guard::check(&plan, set, &self.guard, baseline),
            Err(e) => vec![Refusal {
                app: None,
                message: format!(
                    "cannot read the last HR head count from the audit log, so the HR-shrink guard cannot run: {e}"
                ),
                msg: None,
            }],
        };
        Prepared { plan, apps, refusals, observed: observed_with_changes }
    }

    /// Carries out a prepared run as `run_id` in the audit log.
    ///
    /// With refusals, records them and attempts nothing. Otherwise runs
    /// every app concurrently; within an app, changes go in
    /// [`PHASES`](crate::PHASES) order with up to the app's concurrency in
    /// flight. A change whose account had an earlier change fail or be
    /// skipped is skipped. Reviews are never executed. Read-only apps get
    /// a checklist instead of calls. Every attempt is audited before it is
    /// made.
    pub async fn apply(&self, prepared: Prepared, run_id: &str) -> Report {
        let Prepared { plan, apps, refusals, .. } = prepared;
        let log = Arc::new(RunLog::new(self.audit.clone(), run_id));
        let mut report = Report {
            run_id: run_id.to_owned(),
            refusals: Vec::new(),
            items: Vec::new(),
            reviews: plan.changes.iter().filter(|c| c.action == Action::Review).count(),
            checklists: Vec::new(),
            checklists_set_aside: Vec::new(),
            audit_error: None,
            audit_last_hash: String::new(),
            audit_records: 0,
        };
        let mut started = Entry::run_started(&plan);
        if let Some(name) = &self.approved_by {
            started = started.approved_by(name);
        }
        let _ = log.record(started).await;
        report.refusals = refusals;
        if report.is_refused() {
            for r in &report.refusals {
                let _ = log.record(Entry::refused(r)).await;
            }
        } else {
            let mut base = 0;
            let mut tasks = Vec::with_capacity(apps.len());
            for (position, (app, how)) in plan.apps.iter().zip(apps).enumerate() {
                let dir = self.checklist_dir.clone();
                tasks.push(phases::run_app(log.clone(), plan.clone(), position, base, how, dir, self.lang));
                base += plan.changes_for(&app.name).len();
            }
            for (items, checklist) in futures::future::join_all(tasks).await {
                if let Some(written) = checklist {
                    report.checklists.push(written.path);
                    report.checklists_set_aside.extend(written.set_aside);
                }
                report.items.extend(items);
            }
            report.items.sort_by_key(|i| i.index);
        }
        let _ = log.record(Entry::run_finished(report.counts())).await;
        report.audit_error = log.broken();
        report.audit_last_hash = self.audit.last_hash();
        report.audit_records = self.audit.records();
        report
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use keyward_connectors::{Capabilities, ConnectorError, Outcome};
    use keyward_core::account::AccountListing;
    use keyward_core::load::SourceFile;
    use keyward_core::plan::{AccountRef, AppSummary, Change, Changes, Counts, PLAN_FORMAT_VERSION, PeopleSummary};

    use super::*;
    use crate::report::ItemResult;

    struct Counting(Arc<AtomicUsize>);

    #[async_trait::async_trait]
    impl Connector for Counting {
        fn kind(&self) -> &'static str {
            "counting"
        }
        fn app(&self) -> &str {
            "crm"
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities { create: true, suspend: true, ..Capabilities::READ_ONLY }
        }
        async fn list(&self) -> Result<AccountListing, ConnectorError> {
            Ok(AccountListing::new("crm", vec![]))
        }
        async fn apply(&self, _: &Change) -> Result<Outcome, ConnectorError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Outcome::Applied("done".into()))
        }
    }

    /// A policy with the Application `crm`, and a plan suspending and
    /// deleting account `a` of it.
    fn crm_plan() -> (PolicySet, Plan) {
        let yaml = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv:\n    path: hr.csv\n    columns: {id: id, email: email}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: crm}\nspec:\n  connector:\n    csvExport: {path: crm.csv, columns: {email: email}}\n";
        let set = PolicySet::load("p", vec![SourceFile { path: "p.yaml".into(), text: yaml.into() }]).unwrap().set;
        let change = |action, who: &str| {
            let acct =
                AccountRef { id: Some(who.into()), email: Some(format!("{who}@x").into()), ..AccountRef::default() };
            Change::new("crm", action, acct, "test")
        };
        let plan = Plan {
            api_version: "keyward.io/v1alpha1".into(),
            kind: "Plan".into(),
            format_version: PLAN_FORMAT_VERSION,
            date: jiff::civil::date(2026, 1, 1),
            people: PeopleSummary { total: 3, ..PeopleSummary::default() },
            apps: vec![AppSummary {
                name: "crm".into(),
                display_name: "CRM".into(),
                connector: "counting".into(),
                source: "crm".into(),
                read_only: false,
                accounts: 100,
                matched: 0,
                orphans: 0,
                protected: 0,
                bots: 0,
                changes: Counts::default(),
                seat_cost: None,
                seats: None,
                export: None,
            }],
            summary: Counts::default(),
            changes: Changes::default(),
            warnings: vec![],
            warning_messages: vec![],
            violations: vec![],
            duty_rules: 0,
            diagnostics: vec![],
            held: vec![],
            vanished: vec![],
            done: vec![],
        };
        let mut doc = serde_json::to_value(&plan).unwrap();
        doc["changes"] = serde_json::to_value(vec![change(Action::Suspend, "a"), change(Action::Delete, "a")]).unwrap();
        (set, Plan::from_json(&doc.to_string()).unwrap())
    }

    #[tokio::test]
    async fn nothing_is_attempted_when_the_audit_log_cannot_be_written() {
        let (set, plan) = crm_plan();
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
        log.break_for_test("disk full");
        let calls = Arc::new(AtomicUsize::new(0));
        let counting = Counting(calls.clone());
        let connectors: BTreeMap<String, Arc<dyn Connector>> =
            BTreeMap::from([("crm".to_owned(), Arc::new(counting) as Arc<dyn Connector>)]);
        let applier = Applier::new(log, dir.path(), GuardOptions::default());
        let prepared = applier.prepare(plan, &set, &connectors, Scope::EveryApp).await;
        let report = applier.apply(prepared, "r").await;
        assert_eq!(report.skipped(), 2);
        assert!(report.is_partial());
        let e = report.audit_error.clone().unwrap();
        assert!(e.contains("disk full"), "{e}");
        let ItemResult::Skipped(why) = &report.items[0].result else { panic!("{:?}", report.items[0]) };
        assert!(why.starts_with("the audit log cannot be written, so the change was not attempted"), "{why}");
        assert_eq!(
            report.items[1].result,
            ItemResult::Skipped("the suspend was not attempted, so the deletion was not attempted either".into())
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0, "no call without a record of the attempt");
    }

    #[tokio::test]
    async fn the_tally_counts_changes_checklist_items_and_planned_apps_apart() {
        let (set, plan) = crm_plan();
        let dir = tempfile::tempdir().unwrap();
        let (applier, connectors) = applier_for_crm(dir.path());
        let made = applier.prepare(plan.clone(), &set, &connectors, Scope::EveryApp).await.tally();
        assert_eq!(made, Tally { changes: 2, change_apps: 1, ..Tally::default() });
        // A read-only app's changes go to its checklist: nothing is made.
        let mut read_only = plan.clone();
        read_only.apps[0].read_only = true;
        let listed = applier.prepare(read_only, &set, &connectors, Scope::EveryApp).await.tally();
        assert_eq!(listed, Tally { checklist_items: 2, checklist_apps: 1, ..Tally::default() });
        // The controller only plans an app that is not enforced.
        let planned = applier.prepare(plan, &set, &connectors, Scope::EnforcedApps).await.tally();
        assert_eq!(planned, Tally { planned_apps: 1, ..Tally::default() });
    }

    /// An applier writing to a log in `dir`, and a connector for crm.
    fn applier_for_crm(dir: &Path) -> (Applier, BTreeMap<String, Arc<dyn Connector>>) {
        let applier = Applier::new(AuditLog::open(dir.join("audit.jsonl")).unwrap(), dir, GuardOptions::default());
        let connectors: BTreeMap<String, Arc<dyn Connector>> =
            BTreeMap::from([("crm".to_owned(), Arc::new(Counting(Arc::default())) as Arc<dyn Connector>)]);
        (applier, connectors)
    }

    /// Quotes the token in what it reports, as a connector would that
    /// read an app's words from somewhere the HTTP client did not scrub.
    struct Leaky(keyward_connectors::http::Secret);

    #[async_trait::async_trait]
    impl Connector for Leaky {
        fn kind(&self) -> &'static str {
            "leaky"
        }
        fn app(&self) -> &str {
            "crm"
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities { suspend: true, delete: true, ..Capabilities::READ_ONLY }
        }
        async fn list(&self) -> Result<AccountListing, ConnectorError> {
            Ok(AccountListing::new("crm", vec![]))
        }
        async fn apply(&self, c: &Change) -> Result<Outcome, ConnectorError> {
            let token = self.0.expose();
            if c.action == Action::Suspend {
                return Ok(Outcome::Applied(format!("suspended; the app echoed {}", token.replace('/', "\\/"))));
            }
            Err(ConnectorError::Http {
                app: "crm".into(),
                call: "DELETE https://crm.example/Users/a".into(),
                status: Some(400),
                problem: format!("HTTP 400: invalid token {token}"),
            })
        }
    }

    #[tokio::test]
    async fn no_secret_the_process_holds_reaches_the_audit_log_or_the_report() {
        let token = keyward_connectors::http::Secret::new("kw/apply-SECRET+9d8c7b6a");
        let (set, plan) = crm_plan();
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
        let connectors: BTreeMap<String, Arc<dyn Connector>> =
            BTreeMap::from([("crm".to_owned(), Arc::new(Leaky(token.clone())) as Arc<dyn Connector>)]);
        let applier = Applier::new(log, dir.path(), GuardOptions::default());
        let prepared = applier.prepare(plan, &set, &connectors, Scope::EveryApp).await;
        let report = applier.apply(prepared, "r").await;
        assert_eq!((report.applied(), report.failed()), (1, 1));
        let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        assert!(!log.contains("apply-SECRET"), "{log}");
        assert!(log.contains("invalid token ***"), "the error is kept, without the token: {log}");
        let items = format!("{:?}", report.items);
        assert!(!items.contains("apply-SECRET"), "{items}");
        crate::audit::verify(dir.path().join("audit.jsonl")).unwrap();
    }

    #[tokio::test]
    async fn the_apply_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let (set, plan) = crm_plan();
        let dir = tempfile::tempdir().unwrap();
        let (applier, connectors) = applier_for_crm(dir.path());
        assert_send(&applier.prepare(plan.clone(), &set, &connectors, Scope::EveryApp));
        let prepared = applier.prepare(plan, &set, &connectors, Scope::EveryApp).await;
        // Never polled: this only has to compile.
        let future = applier.apply(prepared, "r");
        assert_send(&future);
    }

    #[tokio::test]
    async fn observed_apps_are_left_out_and_read_only_apps_get_checklists() {
        let (set, plan) = crm_plan();
        let dir = tempfile::tempdir().unwrap();
        let (applier, connectors) = applier_for_crm(dir.path());
        // crm is in observe mode (the default).
        let observed = applier.prepare(plan.clone(), &set, &connectors, Scope::EnforcedApps).await;
        assert_eq!(observed.strategy("crm"), Some(Strategy::Observe));
        assert_eq!(observed.executable(), 0);
        let every = applier.prepare(plan.clone(), &set, &connectors, Scope::EveryApp).await;
        assert_eq!(every.strategy("crm"), Some(Strategy::Enforce));
        assert_eq!(every.executable(), 2);
        let mut read_only = plan;
        read_only.apps[0].read_only = true;
        let checklist = applier.prepare(read_only, &set, &connectors, Scope::EveryApp).await;
        assert_eq!(checklist.strategy("crm"), Some(Strategy::Checklist));
    }
}
