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
        warning_messages: vec![],
        violations: vec![],
        duty_rules: 0,
        diagnostics: vec![],
        held: vec![],
        vanished: vec![],
        done: vec![],
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
        let prepared = applier.prepare(plan.clone(), set, c, Scope::EveryApp).await;
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

    let text = report.render_text(keyward_core::i18n::Lang::En);
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
async fn a_checklist_is_written_in_the_appliers_language() {
    let env = Env::new();
    let set = policy(&[app_doc("legacy", "{}")]);
    let mut update = change("legacy", Action::Update, "carol");
    update.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    let mut revoke = change("legacy", Action::Revoke, "dave");
    revoke.reason = "left".into();
    let update_id = update.item_id();
    let plan = plan(10, &[AppDef { name: "legacy", accounts: 100, read_only: true }], vec![update, revoke]);
    let (mut fake, _) = Fake::new("legacy");
    fake.caps = Capabilities::READ_ONLY;
    let opts = env.opts("r1");
    let log = AuditLog::open(env.log_path()).unwrap();
    let applier = Applier::new(log, &opts.checklist_dir, opts.guard.clone()).in_lang(keyward_core::i18n::Lang::Ja);
    let prepared = applier.prepare(plan.clone(), &set, &connectors(vec![fake]), Scope::EveryApp).await;
    let report = applier.apply(prepared, "r1").await;
    let md = std::fs::read_to_string(opts.checklist_dir.join("legacy.md")).unwrap();
    assert!(md.starts_with("<!-- keyward-checklist app: legacy -->\n# LEGACY：手作業で行う変更\n\n2026-11-23 の変更計画、keyward apply の実行 `r1`。"), "{md}");
    assert!(md.contains("以下の 2件の変更を上から順に"), "{md}");
    assert!(
        md.contains(&format!("- [ ] {update_id} **変更** `carol@example.com`（ID `id-carol`） — 従業員 E-carol")),
        "{md}"
    );
    assert!(md.contains(" — ロール member → admin — "), "{md}");
    assert!(
        md.contains("— サインアウトさせ、すべてのセッション、OAuth トークン、アプリパスワードを失効させる — left\n"),
        "{md}"
    );
    let text = report.render_text(keyward_core::i18n::Lang::Ja);
    assert!(text.starts_with("手作業のチェックリスト："), "{text}");
    assert!(
        text.ends_with("適用 r1：適用 0件、適用済み 0件、失敗 0件、未実施 0件、チェックリスト 2件、要確認 0件。\n"),
        "{text}"
    );
    // The audit log stays English whatever the language.
    let records = audit::read(env.log_path()).unwrap();
    assert!(records.iter().all(|r| r.detail.as_deref().is_none_or(|d| !d.contains('件'))));
}

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
    let erin_id = change("legacy", Action::Create, "erin").item_id();
    let dave_id = change("legacy", Action::Delete, "dave").item_id();
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
    assert!(md.starts_with("<!-- keyward-checklist app: legacy -->\n# LEGACY: changes to make by hand\n"), "{md}");
    assert!(md.contains("2026-11-23") && md.contains("`r1`"), "{md}");
    let items: Vec<&str> = md.lines().filter(|l| l.starts_with("- [ ] ")).collect();
    assert_eq!(items.len(), 4, "{md}");
    let erin_line = format!("- [ ] {erin_id} **create** `erin@example.com` — person E-erin — create erin");
    assert!(items[0].starts_with(&erin_line), "{}", items[0]);
    assert!(items[1].contains("**update** `carol@example.com` (id `id-carol`)"), "{}", items[1]);
    assert!(items[1].contains("role member → admin — groups +sales −eng"), "{}", items[1]);
    assert!(items[2].contains("**transfer**") && items[2].contains("hand the data over to `boss@example.com`"));
    let dave_line = format!("- [ ] {dave_id} **delete** `dave@example.com`");
    assert!(items[3].starts_with(&dave_line), "hand-over before deletion: {md}");
    // The app's review is on the checklist too, but as a decision for the
    // human after the changes, with no checkbox: not an item to tick off.
    let (changes_part, decisions) = md.split_once("## Decisions for you (not changes)").expect("a reviews section");
    assert!(!changes_part.contains("orphan"), "reviews are not checklist items: {md}");
    assert!(decisions.contains("\n- **review** `orphan@example.com`"), "{md}");

    let records = audit::read(env.log_path()).unwrap();
    let checklist: Vec<_> = records.iter().filter(|r| r.event == Event::Checklist).collect();
    assert_eq!(checklist.len(), 4);
    assert!(checklist.iter().all(|r| r.detail.as_deref() == Some(path.to_str().unwrap())));
    assert!(!records.iter().any(|r| r.event == Event::Attempted));
}

mod audit_chain;
mod checklists;
mod end_to_end;
mod guards;
