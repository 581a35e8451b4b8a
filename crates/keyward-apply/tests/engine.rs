#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The apply engine against an in-memory connector: phase order,
//! concurrency limits, per-account dependencies, read-only checklists,
//! guards, and the audit log's hash chain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use jiff::civil::date;
use keyward_apply::audit::{self, AuditError, Event};
use keyward_apply::guard::{self, GuardOptions};
use keyward_apply::{Applier, AuditLog, ItemResult, Report, Scope, verify};
use keyward_connectors::{Capabilities, Connector, ConnectorError, Outcome};
use keyward_core::account::{Account, AccountListing};
use keyward_core::action::Action;
use keyward_core::people::{FieldLabels, People, Person, PersonOrigin, Post, SourceInfo};
use keyward_core::plan::{
    AccountRef, AppSummary, Change, Changes, Counts, GroupChange, PLAN_FORMAT_VERSION, PeopleSummary, PersonRef, Plan,
    RoleChange,
};
use keyward_core::resources::HrStatus;
use keyward_core::{PolicySet, SourceFile};

// ------------------------------------------------------------------ fixtures

const PEOPLE_SOURCE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv:\n    path: hr.csv\n    columns: {id: id, email: email}\n---\n";

/// An Application with a csv-export connector and `apply` settings.
fn app_doc(name: &str, apply: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  connector:\n    csvExport: {{path: {name}.csv, columns: {{email: email}}}}\n  apply: {apply}\n---\n"
    )
}

fn policy(docs: &[String]) -> PolicySet {
    let text = format!("{PEOPLE_SOURCE}{}", docs.concat());
    match PolicySet::load("policies", vec![SourceFile { path: "policies/p.yaml".into(), text }]) {
        Ok(l) => l.set,
        Err(d) => panic!("policy does not load:\n{d}"),
    }
}

fn change(app: &str, action: Action, account: &str) -> Change {
    let id = (action != Action::Create).then(|| format!("id-{account}").into());
    let acct = AccountRef { id, email: Some(format!("{account}@example.com").into()), ..AccountRef::default() };
    let mut c = Change::new(app, action, acct, format!("{} {account} because the test says so", action.as_str()));
    c.person = Some(PersonRef { id: format!("E-{account}").into(), email: None, name: None });
    c
}

struct AppDef {
    name: &'static str,
    accounts: usize,
    read_only: bool,
}

fn app(name: &'static str, accounts: usize) -> AppDef {
    AppDef { name, accounts, read_only: false }
}

/// A plan document with these apps and changes (in the given order).
fn plan(people: usize, apps: &[AppDef], changes: Vec<Change>) -> Plan {
    let plan = Plan {
        api_version: "keyward.io/v1alpha1".into(),
        kind: "Plan".into(),
        format_version: PLAN_FORMAT_VERSION,
        date: date(2026, 11, 23),
        people: PeopleSummary { total: people, employed: people, ..PeopleSummary::default() },
        apps: apps
            .iter()
            .map(|a| AppSummary {
                name: a.name.into(),
                display_name: a.name.to_uppercase(),
                connector: "test".into(),
                source: format!("{}.csv", a.name),
                read_only: a.read_only,
                accounts: a.accounts,
                matched: a.accounts,
                orphans: 0,
                protected: 0,
                bots: 0,
                changes: Counts::default(),
                seat_cost: None,
                seats: None,
                export: None,
            })
            .collect(),
        summary: Counts::default(),
        changes: Changes::default(),
        warnings: vec![],
        violations: vec![],
        duty_rules: 0,
        diagnostics: vec![],
        held: vec![],
    };
    let mut doc = serde_json::to_value(&plan).unwrap();
    doc["changes"] = serde_json::to_value(&changes).unwrap();
    Plan::from_json(&doc.to_string()).unwrap()
}

#[derive(Debug, Clone)]
struct Call {
    action: Action,
    account: String,
    start: Instant,
    end: Instant,
}

#[derive(Default)]
struct Seen {
    calls: Mutex<Vec<Call>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Seen {
    fn calls(&self) -> Vec<Call> {
        let mut c = self.calls.lock().unwrap().clone();
        c.sort_by_key(|c| c.start);
        c
    }
}

/// Records every call, holds each for `delay`, fails the chosen ones.
struct Fake {
    app: String,
    caps: Capabilities,
    delay: Duration,
    fail: BTreeSet<(Action, String)>,
    seen: Arc<Seen>,
}

impl Fake {
    fn new(app: &str) -> (Self, Arc<Seen>) {
        let seen = Arc::new(Seen::default());
        let caps = Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: true,
            update: true,
            suspend: true,
            restore: true,
            delete: true,
            transfer: true,
            groups: true,
        };
        (
            Self { app: app.into(), caps, delay: Duration::from_millis(15), fail: BTreeSet::new(), seen: seen.clone() },
            seen,
        )
    }

    fn failing(mut self, action: Action, label: &str) -> Self {
        self.fail.insert((action, label.to_owned()));
        self
    }
}

#[async_trait]
impl Connector for Fake {
    fn kind(&self) -> &'static str {
        "fake"
    }
    fn app(&self) -> &str {
        &self.app
    }
    fn capabilities(&self) -> Capabilities {
        self.caps
    }
    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        Ok(AccountListing::new("fake", vec![]).with_capabilities(self.caps))
    }
    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let start = Instant::now();
        let now = self.seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.seen.in_flight.fetch_sub(1, Ordering::SeqCst);
        let label = change.account.label().to_owned();
        self.seen.calls.lock().unwrap().push(Call {
            action: change.action,
            account: label.clone(),
            start,
            end: Instant::now(),
        });
        if self.fail.contains(&(change.action, label.clone())) {
            return Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("PATCH https://{}.example/Users/{label}", self.app),
                status: Some(500),
                problem: "HTTP 500: {\"detail\":\"backend unavailable\"}".into(),
            });
        }
        Ok(Outcome::Applied(format!("{} {label}", change.action.as_str())))
    }
}

type Connectors = BTreeMap<String, Arc<dyn Connector>>;

fn connectors(fakes: Vec<Fake>) -> Connectors {
    fakes.into_iter().map(|f| (f.app.clone(), Arc::new(f) as Arc<dyn Connector>)).collect()
}

/// How one test apply runs: the applier's settings and the run id.
struct Opts {
    checklist_dir: std::path::PathBuf,
    run_id: String,
    guard: GuardOptions,
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }
    fn log_path(&self) -> std::path::PathBuf {
        self.dir.path().join("state/audit.jsonl")
    }
    fn opts(&self, run: &str) -> Opts {
        Opts {
            checklist_dir: self.dir.path().join("checklists"),
            run_id: run.to_owned(),
            guard: GuardOptions::default(),
        }
    }
    /// Prepares and applies every app of `plan`, as `keyward apply` does.
    async fn apply(&self, plan: &Plan, c: &Connectors, set: &PolicySet, opts: &Opts) -> Report {
        let log = AuditLog::open(self.log_path()).unwrap();
        let applier = Applier::new(log, &opts.checklist_dir, opts.guard.clone());
        let prepared = applier.prepare(plan.clone(), set, c, Scope::EveryApp);
        applier.apply(prepared, &opts.run_id).await
    }
}

fn result_of<'r>(r: &'r Report, action: Action, label: &str) -> &'r ItemResult {
    &r.items
        .iter()
        .find(|i| i.change.action == action && i.change.account.label() == label)
        .unwrap_or_else(|| panic!("no {action:?} for {label}"))
        .result
}

// ------------------------------------------------------------------ ordering

#[tokio::test]
async fn phases_run_in_order_and_each_finishes_before_the_next() {
    let env = Env::new();
    let set = policy(&[app_doc("crm", "{guard: {maxDeprovision: 100, maxDeprovisionPercent: 100}}")]);
    // Deliberately out of phase order in the plan.
    let changes = vec![
        change("crm", Action::Delete, "d1"),
        change("crm", Action::Transfer, "d1"),
        change("crm", Action::Suspend, "d1"),
        change("crm", Action::Update, "u1"),
        change("crm", Action::Create, "c1"),
        change("crm", Action::Restore, "r1"),
        change("crm", Action::Create, "c2"),
        change("crm", Action::Suspend, "s2"),
        change("crm", Action::Review, "orphan"),
    ];
    let plan = plan(10, &[app("crm", 100)], changes);
    let (fake, seen) = Fake::new("crm");
    let report = env.apply(&plan, &connectors(vec![fake]), &set, &env.opts("r1")).await;

    let calls = seen.calls();
    let order: Vec<Action> = calls.iter().map(|c| c.action).collect();
    assert_eq!(order.iter().collect::<BTreeSet<_>>().len(), 6, "every phase ran, the review did not: {order:?}");
    for pair in calls.windows(2) {
        assert!(pair[0].action <= pair[1].action, "phase order broken: {order:?}");
    }
    for a in &calls {
        for b in calls.iter().filter(|b| b.action > a.action) {
            assert!(a.end <= b.start, "{:?} {} overlapped the later {:?} {}", a.action, a.account, b.action, b.account);
        }
    }
    assert_eq!(report.applied(), 8);
    assert_eq!(report.reviews, 1);
    assert!(!report.is_partial());
    let indexes: Vec<usize> = report.items.iter().map(|i| i.index).collect();
    assert_eq!(indexes, vec![0, 1, 2, 3, 4, 5, 6, 7], "report in plan order, review left out");
}

#[tokio::test]
async fn concurrency_stays_within_each_apps_limit_and_apps_overlap() {
    let env = Env::new();
    let set = policy(&[
        app_doc("narrow", "{concurrency: 2, guard: {maxDeprovision: 100, maxDeprovisionPercent: 100}}"),
        app_doc("wide", "{guard: {maxDeprovision: 100, maxDeprovisionPercent: 100}}"),
    ]);
    let mut changes = Vec::new();
    for i in 0..12 {
        changes.push(change("narrow", Action::Suspend, &format!("n{i}")));
    }
    for i in 0..12 {
        changes.push(change("wide", Action::Suspend, &format!("w{i}")));
    }
    let plan = plan(100, &[app("narrow", 100), app("wide", 100)], changes);
    let (narrow, seen_narrow) = Fake::new("narrow");
    let (wide, seen_wide) = Fake::new("wide");
    let report = env.apply(&plan, &connectors(vec![narrow, wide]), &set, &env.opts("r1")).await;

    assert_eq!(report.applied(), 24);
    assert_eq!(seen_narrow.max_in_flight.load(Ordering::SeqCst), 2, "spec.apply.concurrency: 2");
    let wide_max = seen_wide.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=4).contains(&wide_max), "default concurrency is 4, saw {wide_max}");
    let (n, w) = (seen_narrow.calls(), seen_wide.calls());
    assert!(n[0].start < w.last().unwrap().end && w[0].start < n.last().unwrap().end, "apps run concurrently");
}

// ------------------------------------------------------------------ failures

#[tokio::test]
async fn a_failed_suspend_skips_that_accounts_later_steps_only() {
    let env = Env::new();
    let set =
        policy(&[app_doc("crm", "{guard: {maxDeprovision: 100, maxDeprovisionPercent: 100}}"), app_doc("wiki", "{}")]);
    let changes = vec![
        change("crm", Action::Suspend, "alice"),
        change("crm", Action::Transfer, "alice"),
        change("crm", Action::Delete, "alice"),
        change("crm", Action::Suspend, "bob"),
        change("crm", Action::Transfer, "bob"),
        change("crm", Action::Delete, "bob"),
        change("wiki", Action::Suspend, "alice"),
    ];
    let plan = plan(10, &[app("crm", 100), app("wiki", 100)], changes);
    let (crm, seen) = Fake::new("crm");
    let crm = crm.failing(Action::Suspend, "alice@example.com");
    let (wiki, seen_wiki) = Fake::new("wiki");
    let report = env.apply(&plan, &connectors(vec![crm, wiki]), &set, &env.opts("r1")).await;

    let failed = result_of(&report, Action::Suspend, "alice@example.com");
    let ItemResult::Failed(e) = failed else { panic!("{failed:?}") };
    assert!(
        e.contains("PATCH https://crm.example/Users/alice@example.com") && e.contains("backend unavailable"),
        "{e}"
    );
    assert_eq!(
        result_of(&report, Action::Delete, "alice@example.com"),
        &ItemResult::Skipped("the suspend failed, so the deletion was not attempted".into())
    );
    assert_eq!(
        result_of(&report, Action::Transfer, "alice@example.com"),
        &ItemResult::Skipped("the suspend failed, so the hand-over was not attempted".into())
    );
    for a in [Action::Suspend, Action::Transfer, Action::Delete] {
        assert!(matches!(result_of(&report, a, "bob@example.com"), ItemResult::Applied(_)), "bob's {a:?}");
    }
    assert_eq!(seen_wiki.calls().len(), 1, "another app is not held back");
    assert!(!seen.calls().iter().any(|c| c.account == "alice@example.com" && c.action != Action::Suspend));
    assert!(report.is_partial());
    assert_eq!((report.applied(), report.failed(), report.skipped()), (4, 1, 2));

    let text = report.render_text();
    assert!(text.contains("failed: crm suspend alice@example.com (id id-alice): Application crm: PATCH"), "{text}");
    assert!(text.contains("skipped: crm delete alice@example.com (id id-alice): the suspend failed"), "{text}");
    assert!(text.contains("4 applied, 0 already done, 1 failed, 2 skipped"), "{text}");

    let records = audit::read(env.log_path()).unwrap();
    let about = |event: Event, action: Action, who: &str| {
        records.iter().any(|r| {
            r.event == event
                && r.action == Some(action)
                && r.app.as_deref() == Some("crm")
                && r.account.as_deref() == Some(who)
        })
    };
    assert!(about(Event::Attempted, Action::Suspend, "alice@example.com"));
    assert!(about(Event::Failed, Action::Suspend, "alice@example.com"));
    assert!(about(Event::Skipped, Action::Delete, "alice@example.com"));
    assert!(!about(Event::Attempted, Action::Delete, "alice@example.com"));
    // Every attempt is written before its result.
    for r in records.iter().filter(|r| matches!(r.event, Event::Applied | Event::Failed)) {
        let attempt = records.iter().position(|a| {
            a.event == Event::Attempted && a.app == r.app && a.action == r.action && a.account == r.account
        });
        assert!(attempt.is_some_and(|p| (p as u64) < r.seq), "no attempted before {r:?}");
    }
    let finished = records.last().unwrap();
    assert_eq!(finished.event, Event::RunFinished);
    let counts = finished.counts.unwrap();
    assert_eq!((counts.applied, counts.failed, counts.skipped), (4, 1, 2));
}

#[tokio::test]
async fn a_revocation_runs_before_the_suspension_and_its_failure_does_not_keep_the_account_open() {
    let env = Env::new();
    let set = policy(&[app_doc("crm", "{guard: {maxDeprovision: 100, maxDeprovisionPercent: 100}}")]);
    let mut changes = Vec::new();
    for who in ["alice", "bob"] {
        // The plan lists the suspension first only to show the applier
        // orders by phase, not by the list.
        changes.push(change("crm", Action::Suspend, who));
        changes.push(change("crm", Action::Revoke, who));
    }
    let plan = plan(10, &[app("crm", 100)], changes);
    let (crm, seen) = Fake::new("crm");
    let crm = crm.failing(Action::Revoke, "alice@example.com");
    let report = env.apply(&plan, &connectors(vec![crm]), &set, &env.opts("r1")).await;

    assert!(matches!(result_of(&report, Action::Revoke, "alice@example.com"), ItemResult::Failed(_)));
    // Closing access comes first: the suspension goes ahead.
    assert!(matches!(result_of(&report, Action::Suspend, "alice@example.com"), ItemResult::Applied(_)));
    for a in [Action::Revoke, Action::Suspend] {
        assert!(matches!(result_of(&report, a, "bob@example.com"), ItemResult::Applied(_)), "bob's {a:?}");
    }
    let calls = seen.calls();
    for who in ["alice@example.com", "bob@example.com"] {
        let at = |action| calls.iter().find(|c| c.account == who && c.action == action).unwrap();
        assert!(at(Action::Revoke).end <= at(Action::Suspend).start, "{who}: revoke before suspend");
    }
    assert!(report.is_partial());
    assert_eq!((report.applied(), report.failed(), report.skipped()), (3, 1, 0));
}

// ------------------------------------------------------------------ read-only

#[tokio::test]
async fn read_only_app_gets_a_checklist_and_no_calls() {
    let env = Env::new();
    let set = policy(&[app_doc("legacy", "{}")]);
    let mut update = change("legacy", Action::Update, "carol");
    update.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    update.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec!["eng".into()] }));
    let mut transfer = change("legacy", Action::Transfer, "dave");
    transfer.transfer_to =
        Some(Box::new(AccountRef { email: Some("boss@example.com".into()), ..AccountRef::default() }));
    let changes = vec![
        change("legacy", Action::Delete, "dave"),
        transfer,
        update,
        change("legacy", Action::Create, "erin"),
        change("legacy", Action::Review, "orphan"),
    ];
    let plan = plan(10, &[AppDef { name: "legacy", accounts: 100, read_only: true }], changes);
    let (mut fake, seen) = Fake::new("legacy");
    fake.caps = Capabilities::READ_ONLY;
    let opts = env.opts("r1");
    let report = env.apply(&plan, &connectors(vec![fake]), &set, &opts).await;

    assert!(seen.calls().is_empty(), "a read-only app gets no calls");
    let path = opts.checklist_dir.join("legacy.md");
    assert_eq!(report.checklists, vec![path.clone()]);
    assert_eq!(report.checklist_items(), 4);
    assert!(!report.is_partial());
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(md.starts_with("# LEGACY: changes to make by hand\n"), "{md}");
    assert!(md.contains("2026-11-23") && md.contains("`r1`"), "{md}");
    let items: Vec<&str> = md.lines().filter(|l| l.starts_with("- [ ] ")).collect();
    assert_eq!(items.len(), 4, "{md}");
    assert!(items[0].starts_with("- [ ] **create** `erin@example.com` — person E-erin — create erin"), "{}", items[0]);
    assert!(items[1].contains("**update** `carol@example.com` (id `id-carol`)"), "{}", items[1]);
    assert!(items[1].contains("role member → admin — groups +sales −eng"), "{}", items[1]);
    assert!(items[2].contains("**transfer**") && items[2].contains("hand the data over to `boss@example.com`"));
    assert!(items[3].starts_with("- [ ] **delete** `dave@example.com`"), "hand-over before deletion: {md}");
    assert!(!md.contains("orphan"), "reviews are not checklist items");

    let records = audit::read(env.log_path()).unwrap();
    let checklist: Vec<_> = records.iter().filter(|r| r.event == Event::Checklist).collect();
    assert_eq!(checklist.len(), 4);
    assert!(checklist.iter().all(|r| r.detail.as_deref() == Some(path.to_str().unwrap())));
    assert!(!records.iter().any(|r| r.event == Event::Attempted));
}

// ------------------------------------------------------------------ guards

fn suspends(app: &str, n: usize) -> Vec<Change> {
    (0..n).map(|i| change(app, Action::Suspend, &format!("{app}{i}"))).collect()
}

#[test]
fn guard_refuses_more_than_the_count_limit_with_the_numbers() {
    let set = policy(&[app_doc("slack", "{}")]);
    let p = plan(1000, &[app("slack", 1000)], suspends("slack", 30));
    let r = guard::check(&p, &set, &GuardOptions::default(), None);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].app.as_deref(), Some("slack"));
    assert_eq!(
        r[0].message,
        "slack: the plan suspends or deletes 30 of 1000 accounts (3%); the limit is 25 accounts or 10% (the default of --max-deprovision and --max-deprovision-percent; set Application slack spec.apply.guard to change it for this app). Check the HR export, then rerun with --allow-mass-deprovision if this is intended."
    );
    let allow = GuardOptions { allow_mass_deprovision: true, ..GuardOptions::default() };
    assert!(guard::check(&p, &set, &allow, None).is_empty());
}

#[test]
fn guard_defaults_come_from_the_command_line_unless_the_app_sets_its_own() {
    let set = policy(&[app_doc("loose", "{}"), app_doc("strict", "{guard: {maxDeprovision: 2}}")]);
    let mut changes = suspends("loose", 30);
    changes.extend(suspends("strict", 3));
    let p = plan(1000, &[app("loose", 1000), app("strict", 1000)], changes);
    let opts = GuardOptions { default_max_deprovision: 50, ..GuardOptions::default() };
    let r = guard::check(&p, &set, &opts, None);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].app.as_deref(), Some("strict"), "the app's own limit wins over the global default");
    let tight = GuardOptions { default_max_deprovision: 10, ..GuardOptions::default() };
    let apps: Vec<_> = guard::check(&p, &set, &tight, None).into_iter().filter_map(|r| r.app).collect();
    assert_eq!(apps, ["loose", "strict"]);
}

#[test]
fn guard_share_rule_applies_only_above_five_accounts() {
    let set = policy(&[app_doc("tiny", "{guard: {maxDeprovisionPercent: 10}}")]);
    let five = plan(20, &[app("tiny", 20)], suspends("tiny", 5));
    assert!(guard::check(&five, &set, &GuardOptions::default(), None).is_empty(), "5 of 20 is allowed");
    let six = plan(20, &[app("tiny", 20)], suspends("tiny", 6));
    let r = guard::check(&six, &set, &GuardOptions::default(), None);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].message.starts_with("tiny: the plan suspends or deletes 6 of 20 accounts (30%); the limit is 25 accounts or 10% (Application tiny spec.apply.guard)."),
        "{}",
        r[0].message
    );
}

#[test]
fn guard_counts_an_account_with_suspend_and_delete_once() {
    let set = policy(&[app_doc("crm", "{guard: {maxDeprovision: 3, maxDeprovisionPercent: 100}}")]);
    let mut changes = Vec::new();
    for who in ["a", "b", "c"] {
        changes.push(change("crm", Action::Suspend, who));
        changes.push(change("crm", Action::Transfer, who));
        changes.push(change("crm", Action::Delete, who));
    }
    let p = plan(100, &[app("crm", 10)], changes.clone());
    assert!(guard::check(&p, &set, &GuardOptions::default(), None).is_empty(), "3 accounts, not 6 changes");
    changes.push(change("crm", Action::Delete, "d"));
    let p = plan(100, &[app("crm", 10)], changes);
    let r = guard::check(&p, &set, &GuardOptions::default(), None);
    assert!(r[0].message.contains("4 of 10 accounts (40%); the limit is 3 accounts or 100%"), "{}", r[0].message);
}

#[test]
fn guard_total_over_all_apps() {
    let set = policy(&[app_doc("a", "{}"), app_doc("b", "{}")]);
    let mut changes = suspends("a", 4);
    changes.extend(suspends("b", 4));
    let p = plan(1000, &[app("a", 1000), app("b", 1000)], changes);
    let opts = GuardOptions { max_deprovision_total: Some(5), ..GuardOptions::default() };
    let r = guard::check(&p, &set, &opts, None);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].app, None);
    assert!(
        r[0].message
            .starts_with("the plan suspends or deletes 8 accounts over all applications; the limit for one apply is 5")
    );
    let allow = GuardOptions { allow_mass_deprovision: true, ..opts };
    assert!(guard::check(&p, &set, &allow, None).is_empty());
}

#[tokio::test]
async fn a_refused_plan_changes_nothing_and_is_audited() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}")]);
    let plan = plan(1000, &[app("slack", 120)], suspends("slack", 40));
    let (fake, seen) = Fake::new("slack");
    let c = connectors(vec![fake]);
    let report = env.apply(&plan, &c, &set, &env.opts("r1")).await;
    assert!(report.is_refused());
    assert!(report.items.is_empty());
    assert!(seen.calls().is_empty());
    assert!(report.refusals[0].message.contains("40 of 120 accounts (33%)"), "{}", report.refusals[0].message);
    let text = report.render_text();
    assert!(text.starts_with("refused: slack: the plan suspends") && text.contains("Nothing was changed"), "{text}");
    let events: Vec<Event> = audit::read(env.log_path()).unwrap().iter().map(|r| r.event).collect();
    assert_eq!(events, vec![Event::RunStarted, Event::Refused, Event::RunFinished]);

    let mut opts = env.opts("r2");
    opts.guard.allow_mass_deprovision = true;
    let report = env.apply(&plan, &c, &set, &opts).await;
    assert_eq!(report.applied(), 40);
}

#[tokio::test]
async fn a_refused_app_is_held_back_in_a_run_of_its_own_and_the_others_go_ahead() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}"), app_doc("wiki", "{}")]);
    let mut changes = suspends("slack", 40);
    changes.push(change("wiki", Action::Suspend, "w1"));
    let plan = plan(1000, &[app("slack", 120), app("wiki", 100)], changes);
    let (slack, seen_slack) = Fake::new("slack");
    let (wiki, seen_wiki) = Fake::new("wiki");
    let c = connectors(vec![slack, wiki]);
    let applier = Applier::new(
        AuditLog::open(env.log_path()).unwrap(),
        env.dir.path().join("checklists"),
        GuardOptions::default(),
    );
    let prepared = applier.prepare(plan, &set, &c, Scope::EveryApp);
    assert_eq!(prepared.app_refusals().keys().copied().collect::<Vec<_>>(), ["slack"]);
    assert_eq!(prepared.plan_refusals().count(), 0);
    let mut runs = prepared.hold_back_refused_apps().into_iter();
    let held = applier.apply(runs.next().unwrap(), "r1").await;
    assert!(held.is_refused() && held.items.is_empty());
    let rest = applier.apply(runs.next().unwrap(), "r2").await;
    assert!(runs.next().is_none());
    assert!(!rest.is_refused());
    assert_eq!(rest.applied(), 1);
    assert!(seen_slack.calls().is_empty());
    assert_eq!(seen_wiki.calls().len(), 1);
    let events: Vec<(String, Event)> =
        audit::read(env.log_path()).unwrap().into_iter().map(|r| (r.run, r.event)).collect();
    let want = [
        ("r1", Event::RunStarted),
        ("r1", Event::Refused),
        ("r1", Event::RunFinished),
        ("r2", Event::RunStarted),
        ("r2", Event::Attempted),
        ("r2", Event::Applied),
        ("r2", Event::RunFinished),
    ];
    assert_eq!(events, want.map(|(r, e)| (r.to_owned(), e)));
}

#[tokio::test]
async fn only_enforced_apps_are_changed_when_the_caller_asks_so() {
    let env = Env::new();
    let enforced = "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: crm}\nspec:\n  mode: enforce\n  connector:\n    csvExport: {path: crm.csv, columns: {email: email}}\n---\n";
    let set = policy(&[enforced.to_owned(), app_doc("wiki", "{}")]);
    let changes = vec![change("crm", Action::Create, "c1"), change("wiki", Action::Create, "w1")];
    let plan = plan(10, &[app("crm", 10), app("wiki", 10)], changes);
    let (crm, seen_crm) = Fake::new("crm");
    let (wiki, seen_wiki) = Fake::new("wiki");
    let c = connectors(vec![crm, wiki]);
    let applier = Applier::new(
        AuditLog::open(env.log_path()).unwrap(),
        env.dir.path().join("checklists"),
        GuardOptions::default(),
    );
    let prepared = applier.prepare(plan, &set, &c, Scope::EnforcedApps);
    assert_eq!(prepared.strategy("wiki"), Some(keyward_apply::Strategy::Observe));
    assert_eq!(prepared.executable(), 1);
    let report = applier.apply(prepared, "r1").await;
    assert_eq!(report.applied(), 1);
    assert_eq!(seen_crm.calls().len(), 1);
    assert!(seen_wiki.calls().is_empty(), "observe mode: planned, never changed");
    let started = &audit::read(env.log_path()).unwrap()[0];
    assert_eq!(started.changes, Some(1), "the run holds the enforced app's change only");
}

#[tokio::test]
async fn hr_shrink_is_refused_until_allowed_and_a_refusal_does_not_move_the_baseline() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}")]);
    let c = connectors(vec![Fake::new("slack").0]);
    let full = plan(800, &[app("slack", 800)], vec![change("slack", Action::Create, "new")]);
    let cut = plan(600, &[app("slack", 800)], vec![change("slack", Action::Create, "new")]);

    assert!(!env.apply(&full, &c, &set, &env.opts("r1")).await.is_refused(), "nothing to compare with yet");
    let r = env.apply(&cut, &c, &set, &env.opts("r2")).await;
    assert_eq!(r.refusals.len(), 1);
    let m = &r.refusals[0].message;
    assert!(m.starts_with("the HR snapshot has 600 people, 25% fewer than the 800 at the last apply"), "{m}");
    assert!(m.contains("--allow-hr-shrink"), "{m}");
    assert!(env.apply(&cut, &c, &set, &env.opts("r3")).await.is_refused(), "running again does not get past it");

    let mut allow = env.opts("r4");
    allow.guard.allow_hr_shrink = true;
    assert!(!env.apply(&cut, &c, &set, &allow).await.is_refused());
    assert!(!env.apply(&cut, &c, &set, &env.opts("r5")).await.is_refused(), "the accepted 600 is the new baseline");
    assert_eq!(AuditLog::open(env.log_path()).unwrap().last_people_total(), Some(600));
}

// ------------------------------------------------------------------ audit log

async fn log_with_runs(env: &Env) -> Vec<String> {
    let set = policy(&[app_doc("crm", "{}")]);
    let c = connectors(vec![Fake::new("crm").0]);
    for run in ["r1", "r2"] {
        let p =
            plan(10, &[app("crm", 100)], vec![change("crm", Action::Create, run), change("crm", Action::Suspend, run)]);
        env.apply(&p, &c, &set, &env.opts(run)).await;
    }
    let s = verify(env.log_path()).unwrap();
    assert_eq!((s.records, s.runs), (12, 2));
    std::fs::read_to_string(env.log_path()).unwrap().lines().map(str::to_owned).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

#[tokio::test]
async fn the_chain_verifies_and_links_runs() {
    let env = Env::new();
    let lines = log_with_runs(&env).await;
    let records = audit::read(env.log_path()).unwrap();
    assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<u64>>());
    assert_eq!(records[0].prev, audit::GENESIS);
    for w in records.windows(2) {
        assert_eq!(w[1].prev, w[0].hash);
    }
    let started = &records[0];
    assert_eq!(
        (started.event, started.people_total, started.changes, started.reviews),
        (Event::RunStarted, Some(10), Some(2), Some(0))
    );
    assert_eq!(started.plan_date, Some(date(2026, 11, 23)));
    assert!(started.time.ends_with('Z') && started.time.parse::<jiff::Timestamp>().is_ok(), "{}", started.time);
    assert!(
        lines[1].contains(
            r#""event":"attempted","app":"crm","action":"create","account":"r1@example.com","person":"E-r1","reason":"#
        ),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn editing_one_byte_of_a_middle_line_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    let edited = lines[4].replacen("r1@example.com", "r1@examplf.com", 1);
    assert_ne!(edited, lines[4]);
    assert_eq!(edited.len(), lines[4].len(), "one byte changed");
    lines[4] = edited;
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::HashMismatch { line: 5, .. }), "{e}");
    assert!(e.to_string().contains("line 5 of the audit log") && e.to_string().contains("altered"), "{e}");
    let refused = AuditLog::open(env.log_path()).unwrap_err();
    assert!(matches!(refused, AuditError::HashMismatch { line: 5, .. }), "open refuses a tampered log: {refused}");
}

#[tokio::test]
async fn deleting_a_line_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.remove(4);
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::SeqGap { line: 5, expected: 5, found: 6, .. }), "{e}");
    assert!(e.to_string().contains("removed"), "{e}");
    assert!(AuditLog::open(env.log_path()).is_err());
}

#[tokio::test]
async fn swapping_two_lines_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.swap(3, 4);
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::SeqGap { line: 4, .. }), "{e}");
}

#[tokio::test]
async fn renumbering_after_a_removal_is_still_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.remove(0);
    // Even with seq fixed up, the line's hash covers its seq.
    lines[0] = lines[0].replacen("\"seq\":2,", "\"seq\":1,", 1);
    write_lines(&env.log_path(), &lines);
    assert!(matches!(verify(env.log_path()), Err(AuditError::HashMismatch { line: 1, .. })));
}

#[tokio::test]
async fn a_torn_last_line_is_refused() {
    let env = Env::new();
    let lines = log_with_runs(&env).await;
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.push_str(&lines[0][..40]);
    std::fs::write(env.log_path(), text).unwrap();
    let e = AuditLog::open(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::TornWrite { line: 13, .. }), "{e}");
    assert!(e.to_string().contains("incomplete"), "{e}");
    assert!(verify(env.log_path()).is_err());
}

// ------------------------------------------------------------------ end to end

fn person(id: &str, email: &str) -> Person {
    Person {
        id: id.into(),
        previous_ids: vec![],
        email: Some(email.into()),
        name: None,
        posts: vec![Post { department: Some("Sales".into()), title: None }],
        employment_type: Some("full-time".into()),
        status: HrStatus::Active,
        status_label: None,
        start_date: Some(date(2020, 4, 1)),
        end_date: None,
        manager: None,
        moved_on: None,
        attributes: BTreeMap::new(),
        origin: PersonOrigin { source: 0, line: 2 },
    }
}

#[tokio::test]
async fn a_real_plan_creates_then_suspends_then_deletes() {
    let env = Env::new();
    let set = policy(&[
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: crm}\nspec:\n  connector:\n    csvExport: {path: crm.csv, columns: {email: email}}\n  lifecycle: {offboarding: {deleteAfter: 1d}}\n---\n".to_owned(),
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: everyone}\nspec:\n  select: {}\n  grant: [{app: crm, role: member}]\n---\n".to_owned(),
    ]);
    let mut gone = person("E2", "gone@example.com");
    gone.end_date = Some(date(2026, 10, 31));
    let source = vec![SourceInfo { name: "hr".into(), location: "hr.csv".into(), labels: FieldLabels::default() }];
    let people = People::new(source, vec![person("E1", "new@example.com"), gone]).unwrap();
    let (fake, seen) = Fake::new("crm");
    let mut acct = Account::new("U2");
    acct.email = Some("gone@example.com".into());
    acct.role = Some("member".into());
    let listing = AccountListing::new("crm", vec![acct]).with_capabilities(fake.caps);
    let listings = BTreeMap::from([("crm".to_owned(), listing)]);
    let plan = keyward_core::plan(&set, &people, &listings, date(2026, 11, 23)).unwrap();

    let report = env.apply(&plan, &connectors(vec![fake]), &set, &env.opts("r1")).await;
    let order: Vec<(Action, String)> = seen.calls().into_iter().map(|c| (c.action, c.account)).collect();
    assert_eq!(
        order,
        vec![
            (Action::Create, "new@example.com".to_owned()),
            (Action::Suspend, "gone@example.com".to_owned()),
            (Action::Delete, "gone@example.com".to_owned()),
        ]
    );
    assert!(!report.is_partial(), "{}", report.render_text());
    assert_eq!(AuditLog::open(env.log_path()).unwrap().last_people_total(), Some(2));
}
