//! Carries out a plan: guards first, then every app at once, each app in
//! phases, a few changes in flight per app, every attempt audited.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use futures::FutureExt as _;
use futures::StreamExt as _;
use keyward_connectors::{Connector, Outcome};
use keyward_core::action::Action;
use keyward_core::compile::PolicySet;
use keyward_core::plan::{AppSummary, Change, Plan};

use crate::audit::{AuditLog, Entry, Event, RunCounts};
use crate::checklist;
use crate::guard::{self, GuardOptions, Refusal};

/// Changes sent to one app at once when its Application does not say.
pub const DEFAULT_CONCURRENCY: u32 = 4;

/// The order of phases within an app. Accounts exist before their groups
/// change; access is cut and data handed over before anything is deleted.
pub const PHASES: [Action; 6] =
    [Action::Create, Action::Restore, Action::Update, Action::Suspend, Action::Transfer, Action::Delete];

/// How to run one apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Where checklists for read-only apps are written (`<app>.md`).
    pub checklist_dir: PathBuf,
    /// Names this apply in the audit log; see [`new_run_id`].
    pub run_id: String,
    /// What the operator allowed.
    pub guard: GuardOptions,
}

impl ApplyOptions {
    /// Options with the default guards.
    pub fn new(checklist_dir: impl Into<PathBuf>, run_id: impl Into<String>) -> Self {
        Self { checklist_dir: checklist_dir.into(), run_id: run_id.into(), guard: GuardOptions::default() }
    }
}

/// A run id that sorts by time and differs between hosts' processes:
/// `20261123T091500Z-4242`.
pub fn new_run_id() -> String {
    let now = jiff::Timestamp::now();
    format!("{}-{}", now.strftime("%Y%m%dT%H%M%SZ"), std::process::id())
}

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemResult {
    /// The app made the change; what it did.
    Applied(String),
    /// The app already was as wanted.
    AlreadyDone(String),
    /// The change failed: the connector's error (the HTTP call and what the
    /// app answered, never a secret).
    Failed(String),
    /// Not attempted, and why.
    Skipped(String),
    /// Written to this checklist for a human.
    Checklist(PathBuf),
}

impl ItemResult {
    /// `applied`, `already-done`, `failed`, `skipped` or `checklist`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Applied(_) => "applied",
            Self::AlreadyDone(_) => "already-done",
            Self::Failed(_) => "failed",
            Self::Skipped(_) => "skipped",
            Self::Checklist(_) => "checklist",
        }
    }
}

/// One change of the plan and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Position of the change in `plan.changes`.
    pub index: usize,
    /// The change.
    pub change: Change,
    /// What became of it.
    pub result: ItemResult,
}

/// The outcome of an apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The run id.
    pub run_id: String,
    /// Why the plan was refused; when not empty nothing was attempted.
    pub refusals: Vec<Refusal>,
    /// Every change except reviews, in plan order.
    pub items: Vec<Item>,
    /// Review items in the plan: never executed.
    pub reviews: usize,
    /// Checklists written, one per read-only app with changes.
    pub checklists: Vec<PathBuf>,
    /// The first failure to write the audit log, if any. Changes not yet
    /// attempted at that point were skipped.
    pub audit_error: Option<String>,
    /// `hash` of the audit log's last record after the run, to keep
    /// somewhere else: it proves later that the log was not rewritten.
    pub audit_last_hash: String,
}

impl Report {
    fn count(&self, f: impl Fn(&ItemResult) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.result)).count()
    }

    /// Changes the apps made.
    pub fn applied(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Applied(_)))
    }

    /// Changes already in place.
    pub fn already_done(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::AlreadyDone(_)))
    }

    /// Changes that failed.
    pub fn failed(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Failed(_)))
    }

    /// Changes not attempted.
    pub fn skipped(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Skipped(_)))
    }

    /// Changes written to checklists.
    pub fn checklist_items(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Checklist(_)))
    }

    /// `true` when guards refused the plan (nothing was attempted).
    pub fn is_refused(&self) -> bool {
        !self.refusals.is_empty()
    }

    /// `true` when some change failed or was skipped, or the audit log
    /// could not be written: a rerun is needed to converge.
    pub fn is_partial(&self) -> bool {
        self.failed() > 0 || self.skipped() > 0 || self.audit_error.is_some()
    }

    /// Failed and skipped items, in plan order.
    pub fn problems(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| matches!(i.result, ItemResult::Failed(_) | ItemResult::Skipped(_)))
    }

    /// The counts as written in `run-finished`.
    pub fn counts(&self) -> RunCounts {
        RunCounts {
            applied: self.applied(),
            already_done: self.already_done(),
            failed: self.failed(),
            skipped: self.skipped(),
            checklist: self.checklist_items(),
            reviews: self.reviews,
            refusals: self.refusals.len(),
        }
    }

    /// Plain text for the CLI: refusals, one line per failed or skipped
    /// change (app, action, account, error), the checklists, and a summary.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for r in &self.refusals {
            let _ = writeln!(out, "refused: {r}");
        }
        if self.is_refused() {
            let _ = writeln!(out, "Nothing was changed (run {}).", self.run_id);
            return out;
        }
        for i in self.problems() {
            let c = &i.change;
            let account = match c.account.id.as_deref() {
                Some(id) if id != c.account.label() => format!("{} (id {id})", c.account.label()),
                _ => c.account.label().to_owned(),
            };
            let why = match &i.result {
                ItemResult::Failed(e) | ItemResult::Skipped(e) => e.as_str(),
                _ => "",
            };
            let _ = writeln!(out, "{}: {} {} {account}: {why}", i.result.as_str(), c.app, c.action.as_str(),);
        }
        for path in &self.checklists {
            let _ = writeln!(out, "checklist for a human: {}", path.display());
        }
        if let Some(e) = &self.audit_error {
            let _ = writeln!(out, "audit log: {e}");
        }
        let c = self.counts();
        let _ = writeln!(
            out,
            "Apply {}: {} applied, {} already done, {} failed, {} skipped; {} on checklists; {} left for review.{}",
            self.run_id,
            c.applied,
            c.already_done,
            c.failed,
            c.skipped,
            c.checklist,
            c.reviews,
            if self.is_partial() { " Partly applied: fix the failures and apply again." } else { "" }
        );
        out
    }
}

/// Why a later change of an account is not attempted.
#[derive(Debug, Clone, Copy)]
enum Cause {
    Failed(Action),
    NotAttempted(Action),
}

impl Cause {
    fn skip_reason(self, next: Action) -> String {
        match self {
            Self::Failed(a) => format!("the {} failed, so the {} was not attempted", a.as_str(), noun(next)),
            Self::NotAttempted(a) => {
                format!("the {} was not attempted, so the {} was not attempted either", a.as_str(), noun(next))
            }
        }
    }
}

fn noun(a: Action) -> &'static str {
    match a {
        Action::Create => "creation",
        Action::Restore => "restore",
        Action::Update => "update",
        Action::Suspend => "suspension",
        Action::Transfer => "hand-over",
        Action::Delete => "deletion",
        Action::Review => "review",
    }
}

/// Accounts whose earlier change did not happen, by id and by e-mail.
#[derive(Debug, Default)]
struct Blocked {
    ids: HashMap<String, Cause>,
    emails: HashMap<String, Cause>,
}

impl Blocked {
    fn get(&self, c: &Change) -> Option<Cause> {
        let by_id = c.account.id.as_deref().and_then(|id| self.ids.get(id));
        let by_email = || c.account.email.as_deref().and_then(|e| self.emails.get(&e.to_lowercase()));
        by_id.or_else(by_email).copied()
    }

    fn block(&mut self, c: &Change, cause: Cause) {
        if let Some(id) = c.account.id.as_deref() {
            self.ids.entry(id.to_owned()).or_insert(cause);
        }
        if let Some(e) = c.account.email.as_deref() {
            self.emails.entry(e.to_lowercase()).or_insert(cause);
        }
    }
}

/// What every app's task shares.
struct Run<'a> {
    audit: &'a AuditLog,
    id: &'a str,
    audit_error: Mutex<Option<String>>,
}

impl Run<'_> {
    /// Records an entry; the first failure is kept for the report and
    /// stops further attempts.
    async fn record(&self, entry: Entry) -> Result<(), String> {
        if let Some(e) = self.broken() {
            return Err(e);
        }
        match self.audit.record_async(self.id, entry).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = e.to_string();
                tracing::error!(error = %e, "cannot write the audit log; no further change is attempted");
                if let Ok(mut slot) = self.audit_error.lock() {
                    slot.get_or_insert_with(|| e.clone());
                }
                Err(e)
            }
        }
    }

    fn broken(&self) -> Option<String> {
        self.audit_error.lock().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// Carries out `plan`.
///
/// Refuses (attempting nothing) when [`guard::check`] objects, comparing
/// the HR head count with the audit log's [`AuditLog::last_people_total`].
/// Otherwise runs every app concurrently; within an app, changes go in
/// [`PHASES`] order with up to `spec.apply.concurrency` in flight. A
/// change whose account had an earlier change fail or be skipped is
/// skipped. Reviews are never executed. Read-only apps get a checklist
/// instead of calls. Every attempt is audited before it is made.
pub async fn apply(
    plan: &Plan,
    connectors: &BTreeMap<String, Box<dyn Connector>>,
    set: &PolicySet,
    audit: &AuditLog,
    opts: &ApplyOptions,
) -> Report {
    let previous = audit.last_people_total();
    let run = Run { audit, id: &opts.run_id, audit_error: Mutex::new(None) };
    let mut report = Report {
        run_id: opts.run_id.clone(),
        refusals: Vec::new(),
        items: Vec::new(),
        reviews: plan.changes.iter().filter(|c| c.action == Action::Review).count(),
        checklists: Vec::new(),
        audit_error: None,
        audit_last_hash: String::new(),
    };
    let _ = run.record(Entry::run_started(plan)).await;
    report.refusals = guard::check(plan, set, &opts.guard, previous);
    if report.is_refused() {
        for r in &report.refusals {
            let _ = run.record(Entry::refused(r)).await;
        }
    } else {
        let mut base = 0;
        let mut tasks = Vec::with_capacity(plan.apps.len());
        for app in &plan.apps {
            let changes = plan.changes_for(&app.name);
            let connector = connectors.get(&app.name).map(Box::as_ref);
            let concurrency =
                set.application(&app.name).and_then(|a| a.spec.apply.concurrency).unwrap_or(DEFAULT_CONCURRENCY).max(1)
                    as usize;
            tasks.push(run_app(&run, plan, app, changes, base, connector, concurrency, &opts.checklist_dir));
            base += changes.len();
        }
        for (results, checklist) in futures::future::join_all(tasks).await {
            report.checklists.extend(checklist);
            report.items.extend(results.into_iter().map(|(index, change, result)| Item {
                index,
                change: change.clone(),
                result,
            }));
        }
        report.items.sort_by_key(|i| i.index);
    }
    let _ = run.record(Entry::run_finished(report.counts())).await;
    report.audit_error = run.broken();
    report.audit_last_hash = audit.last_hash();
    report
}

type Done<'p> = (usize, &'p Change, ItemResult);

#[allow(clippy::too_many_arguments)] // one app's slice of the run; a struct would only rename them
async fn run_app<'p>(
    run: &Run<'_>,
    plan: &'p Plan,
    app: &'p AppSummary,
    changes: &'p [Change],
    base: usize,
    connector: Option<&dyn Connector>,
    concurrency: usize,
    checklist_dir: &Path,
) -> (Vec<Done<'p>>, Option<PathBuf>) {
    let work: Vec<(usize, &Change)> =
        changes.iter().enumerate().filter(|(_, c)| c.action != Action::Review).map(|(i, c)| (base + i, c)).collect();
    if work.is_empty() {
        return (Vec::new(), None);
    }
    if app.read_only || connector.is_some_and(|c| c.capabilities().is_read_only()) {
        return write_checklist(run, plan, app, &work, checklist_dir).await;
    }
    let Some(connector) = connector else {
        let why = format!(
            "no connector was set up for Application {}, so nothing was sent to it (the plan and the policy disagree: make the plan again)",
            app.name
        );
        let mut out = Vec::with_capacity(work.len());
        for (i, c) in work {
            let _ = run.record(Entry::change(Event::Failed, c).error(why.clone())).await;
            out.push((i, c, ItemResult::Failed(why.clone())));
        }
        return (out, None);
    };
    let mut blocked = Blocked::default();
    let mut out = Vec::with_capacity(work.len());
    for phase in PHASES {
        // Changes of one account in the same phase run one after another,
        // in plan order; different accounts run side by side.
        let mut groups: Vec<Vec<(usize, &Change)>> = Vec::new();
        let mut by_account: HashMap<String, usize> = HashMap::new();
        for &(i, c) in work.iter().filter(|(_, c)| c.action == phase) {
            match guard::identity(&c.account) {
                Some(key) => {
                    let g = *by_account.entry(key).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[g].push((i, c));
                }
                None => groups.push(vec![(i, c)]),
            }
        }
        if groups.is_empty() {
            continue;
        }
        let blocked_now = &blocked;
        let done: Vec<Vec<(Done<'p>, Option<Cause>)>> = futures::stream::iter(groups)
            .map(|g| run_group(run, connector, g, blocked_now))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        for ((i, c, result), cause) in done.into_iter().flatten() {
            if let Some(cause) = cause {
                blocked.block(c, cause);
            }
            out.push((i, c, result));
        }
    }
    (out, None)
}

/// One account's changes of one phase, in order, each with the cause that
/// blocks the account's later changes (the first thing that did not
/// happen, so a skip three steps later still names the real failure).
async fn run_group<'p>(
    run: &Run<'_>,
    connector: &dyn Connector,
    group: Vec<(usize, &'p Change)>,
    blocked: &Blocked,
) -> Vec<(Done<'p>, Option<Cause>)> {
    let mut cause = group.first().and_then(|(_, c)| blocked.get(c));
    let mut out = Vec::with_capacity(group.len());
    for (i, c) in group {
        let result = match cause {
            Some(why) => {
                let reason = why.skip_reason(c.action);
                let _ = run.record(Entry::change(Event::Skipped, c).detail(reason.clone())).await;
                ItemResult::Skipped(reason)
            }
            None => run_one(run, connector, c).await,
        };
        match &result {
            ItemResult::Failed(_) => cause = cause.or(Some(Cause::Failed(c.action))),
            ItemResult::Skipped(_) => cause = cause.or(Some(Cause::NotAttempted(c.action))),
            _ => {}
        }
        let blocks = matches!(result, ItemResult::Failed(_) | ItemResult::Skipped(_)).then_some(cause).flatten();
        out.push(((i, c, result), blocks));
    }
    out
}

async fn run_one(run: &Run<'_>, connector: &dyn Connector, c: &Change) -> ItemResult {
    // Without a record of the attempt the change must not be made: the log
    // has to show everything keyward may have done.
    if let Err(e) = run.record(Entry::change(Event::Attempted, c)).await {
        return ItemResult::Skipped(format!("the audit log cannot be written, so the change was not attempted: {e}"));
    }
    let outcome = AssertUnwindSafe(connector.apply(c)).catch_unwind().await;
    let (result, entry) = match outcome {
        Ok(Ok(Outcome::Applied(what))) => {
            (ItemResult::Applied(what.clone()), Entry::change(Event::Applied, c).detail(what))
        }
        Ok(Ok(Outcome::AlreadyDone(what))) => {
            (ItemResult::AlreadyDone(what.clone()), Entry::change(Event::AlreadyDone, c).detail(what))
        }
        Ok(Err(e)) => {
            let e = e.to_string();
            (ItemResult::Failed(e.clone()), Entry::change(Event::Failed, c).error(e))
        }
        Err(_) => {
            // A bug in one connector must not take down the other apps.
            let e = format!("internal error: the {} connector panicked while applying this change", connector.kind());
            (ItemResult::Failed(e.clone()), Entry::change(Event::Failed, c).error(e))
        }
    };
    // The change is made either way; a failure here is kept in the report
    // and stops later attempts.
    let _ = run.record(entry).await;
    result
}

async fn write_checklist<'p>(
    run: &Run<'_>,
    plan: &Plan,
    app: &AppSummary,
    work: &[(usize, &'p Change)],
    dir: &Path,
) -> (Vec<Done<'p>>, Option<PathBuf>) {
    let path = dir.join(checklist::file_name(&app.name));
    let changes: Vec<&Change> = work.iter().map(|(_, c)| *c).collect();
    let text = checklist::render(app, plan.date, run.id, &changes);
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    // Written aside and renamed, so a crash never leaves half a checklist
    // where a complete one was.
    let written = async {
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::write(&tmp, text).await?;
        tokio::fs::rename(&tmp, &path).await
    }
    .await;
    let mut out = Vec::with_capacity(work.len());
    match written {
        Ok(()) => {
            for &(i, c) in work {
                let _ = run.record(Entry::change(Event::Checklist, c).detail(path.display().to_string())).await;
                out.push((i, c, ItemResult::Checklist(path.clone())));
            }
            (out, Some(path))
        }
        Err(e) => {
            let why = format!("cannot write the checklist {}: {e}", path.display());
            for &(i, c) in work {
                let _ = run.record(Entry::change(Event::Failed, c).error(why.clone())).await;
                out.push((i, c, ItemResult::Failed(why.clone())));
            }
            (out, None)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use keyward_connectors::{Capabilities, ConnectorError};
    use keyward_core::account::AccountListing;
    use keyward_core::load::SourceFile;
    use keyward_core::plan::{AccountRef, Changes, Counts, PLAN_FORMAT_VERSION, PeopleSummary};

    use super::*;

    struct Counting(std::sync::Arc<AtomicUsize>);

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

    #[tokio::test]
    async fn nothing_is_attempted_when_the_audit_log_cannot_be_written() {
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
            }],
            summary: Counts::default(),
            changes: Changes::default(),
            warnings: vec![],
            violations: vec![],
            duty_rules: 0,
        };
        let mut doc = serde_json::to_value(&plan).unwrap();
        doc["changes"] = serde_json::to_value(vec![change(Action::Suspend, "a"), change(Action::Delete, "a")]).unwrap();
        let plan = Plan::from_json(&doc.to_string()).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
        log.break_for_test("disk full");
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let counting = Counting(calls.clone());
        let connectors: BTreeMap<String, Box<dyn Connector>> =
            BTreeMap::from([("crm".to_owned(), Box::new(counting) as Box<dyn Connector>)]);
        let report = apply(&plan, &connectors, &set, &log, &ApplyOptions::new(dir.path(), "r")).await;
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

    #[test]
    fn skip_reasons_name_the_cause() {
        assert_eq!(
            Cause::Failed(Action::Suspend).skip_reason(Action::Delete),
            "the suspend failed, so the deletion was not attempted"
        );
        assert_eq!(
            Cause::NotAttempted(Action::Create).skip_reason(Action::Update),
            "the create was not attempted, so the update was not attempted either"
        );
    }

    #[test]
    fn phases_follow_the_action_order() {
        let mut sorted = PHASES;
        sorted.sort();
        assert_eq!(sorted, PHASES, "checklists sort by Action and must match the apply order");
    }
}
