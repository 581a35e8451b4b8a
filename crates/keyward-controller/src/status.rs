//! Statuses and conditions from what a reconcile saw and did. Pure: no
//! I/O, no clock (the time is an argument), so every rule here is tested
//! without a server.
//!
//! # Application conditions
//!
//! | type | `True` when | reasons |
//! |---|---|---|
//! | `SourceError` | the HR data or the app's accounts could not be read (nothing was planned or applied for the app) | `PeopleSourceFailed`, `ConnectorFailed`, `ListFailed`, `LookupFailed`, `PlanFailed` · `SourcesRead` |
//! | `Drifted` | the app still differs from the policy after the reconcile | `ChangesPending` · `InSync` · `NotPlanned` (Unknown) |
//! | `BlockedByGuard` | a guard refused the app's changes (enforce mode) | `GuardRefused` · `WithinLimits`, `ObserveMode` · `NotPlanned` (Unknown) |
//! | `Synced` | the last reconcile read, planned and (enforce) applied without a failure | `Applied`, `UpToDate`, `Observed` · `ApplyFailed`, `AuditLogFailed`, `GuardRefused`, the `SourceError` reason, `PersonReconcileFailed` |
//! | `Ready` | the controller does what the resource asks: observe mode read and planned; enforce mode left nothing to do | `InSync`, `Observing` · `ChangesPending`, `ApplyFailed`, `BlockedByGuard`, `SourceError` |
//!
//! `lastTransitionTime` moves only when a condition's status changes.
//! Counts (`accounts`, `plan`, `drift`, `lastSync`) keep their last known
//! values while the app cannot be read: an error does not turn into
//! "zero accounts".

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use keyward_apply::{Item, ItemResult, Refusal};
use keyward_core::action::Action;
use keyward_core::plan::{AppSummary, Change, Counts};
use keyward_core::resources::{ApplicationStatus, PeopleSourceStatus, PlanCounts, ReconcileMode};
use serde::Serialize;

/// Condition type: everything is as the resource asks.
pub const READY: &str = "Ready";
/// Condition type: the last reconcile completed.
pub const SYNCED: &str = "Synced";
/// Condition type: changes remain.
pub const DRIFTED: &str = "Drifted";
/// Condition type: a guard refused the changes.
pub const BLOCKED_BY_GUARD: &str = "BlockedByGuard";
/// Condition type: data could not be read.
pub const SOURCE_ERROR: &str = "SourceError";

/// Longest condition message kept; longer ones are cut (the full text is
/// in the log).
pub const MAX_MESSAGE: usize = 2000;
/// Failures named in a condition message; the rest are counted.
const FAILURES_SHOWN: usize = 3;

/// Why something could not be read, as a condition reason and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// CamelCase reason (`ListFailed`).
    pub reason: String,
    /// What went wrong and what to do, never a secret.
    pub message: String,
}

impl Problem {
    /// A problem with a reason and a message.
    pub fn new(reason: &str, message: impl Into<String>) -> Self {
        Self { reason: reason.to_owned(), message: message.into() }
    }
}

/// What one reconcile saw and did for one Application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AppOutcome {
    /// The app's mode.
    pub mode: Mode,
    /// Why nothing was planned for the app; `None` when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    /// Accounts read (for a person's reconcile: the accounts that may be
    /// theirs).
    pub accounts: u32,
    /// The plan's changes for the app, reviews included.
    pub planned: PlanCounts,
    /// Guard refusals that kept the app's changes from being applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<String>,
    /// Changes the app made.
    pub applied: u32,
    /// Changes that were already in place.
    pub already_done: u32,
    /// Changes that failed.
    pub failed: u32,
    /// Changes not attempted (an earlier change of the account failed).
    pub skipped: u32,
    /// Changes written to a checklist for a human.
    pub checklist: u32,
    /// The first failures, `action account: why`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// Changes (reviews excluded) still to make after this reconcile.
    pub drift: u32,
}

/// [`ReconcileMode`] with a `Default` and `Serialize` of its own, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// Plan only.
    #[default]
    Observe,
    /// Apply within the guards.
    Enforce,
}

impl From<ReconcileMode> for Mode {
    fn from(m: ReconcileMode) -> Self {
        match m {
            ReconcileMode::Observe => Self::Observe,
            ReconcileMode::Enforce => Self::Enforce,
        }
    }
}

fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The plan's counts as a status shows them.
pub fn plan_counts(c: &Counts) -> PlanCounts {
    PlanCounts {
        create: n(c.create),
        restore: n(c.restore),
        update: n(c.update),
        suspend: n(c.suspend),
        transfer: n(c.transfer),
        delete: n(c.delete),
        review: n(c.review),
    }
}

/// An app nothing could be planned for.
pub fn unplanned(mode: ReconcileMode, problem: Problem) -> AppOutcome {
    AppOutcome { mode: mode.into(), problem: Some(problem), ..AppOutcome::default() }
}

/// What became of one app in a reconcile that planned it: `summary` and
/// `changes` from the plan, `items` the apply report's items of this app
/// (empty when nothing was applied), `refusals` the guard refusals that
/// kept its changes back, `audit_error` the apply's audit log failure.
pub fn outcome(
    mode: ReconcileMode,
    summary: &AppSummary,
    changes: &[Change],
    items: &[&Item],
    refusals: &[&Refusal],
    audit_error: Option<&str>,
) -> AppOutcome {
    let mut o = AppOutcome {
        mode: mode.into(),
        accounts: n(summary.accounts),
        planned: plan_counts(&summary.changes),
        refusals: refusals.iter().map(|r| r.message.clone()).collect(),
        ..AppOutcome::default()
    };
    for i in items {
        match &i.result {
            ItemResult::Applied(_) => o.applied += 1,
            ItemResult::AlreadyDone(_) => o.already_done += 1,
            ItemResult::Checklist(_) => o.checklist += 1,
            ItemResult::Failed(why) | ItemResult::Skipped(why) => {
                if matches!(i.result, ItemResult::Failed(_)) {
                    o.failed += 1;
                } else {
                    o.skipped += 1;
                }
                if o.failures.len() < FAILURES_SHOWN {
                    o.failures.push(format!("{} {}: {why}", i.change.action.as_str(), i.change.account.label()));
                }
            }
        }
    }
    if let Some(e) = audit_error
        && o.failures.len() < FAILURES_SHOWN
    {
        o.failures.push(format!("audit log: {e}"));
    }
    let wanted = changes.iter().filter(|c| c.action != Action::Review).count();
    // Made or found in place: no longer drift. Checklist items wait for a
    // human, failures for the next reconcile.
    o.drift = n(wanted).saturating_sub(o.applied + o.already_done);
    o
}

/// Sets a condition, keeping its `lastTransitionTime` when the status did
/// not change.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) {
    let message = truncate(message);
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Time(second(now));
            }
            c.status = status.to_owned();
            c.reason = reason.to_owned();
            c.message = message;
        }
        None => conditions.push(Condition {
            last_transition_time: Time(second(now)),
            message,
            observed_generation: None,
            reason: reason.to_owned(),
            status: status.to_owned(),
            type_: type_.to_owned(),
        }),
    }
}

/// The condition of a type, if set.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_MESSAGE {
        return s.to_owned();
    }
    let mut end = MAX_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn second(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// `2026-11-23T09:15:00Z`, as statuses write times.
pub fn rfc3339(t: Timestamp) -> String {
    second(t).to_string()
}

fn bool_str(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn plural(count: u32, one: &str) -> String {
    if count == 1 { format!("1 {one}") } else { format!("{count} {one}s") }
}

/// What a pending plan holds, in words: `1 create, 2 suspend`.
pub fn describe(c: &PlanCounts, review: bool) -> String {
    let parts: Vec<String> = [
        ("create", c.create),
        ("restore", c.restore),
        ("update", c.update),
        ("suspend", c.suspend),
        ("transfer", c.transfer),
        ("delete", c.delete),
    ]
    .into_iter()
    .chain(review.then_some(("review", c.review)))
    .filter(|(_, k)| *k > 0)
    .map(|(a, k)| format!("{k} {a}"))
    .collect();
    if parts.is_empty() { "nothing".to_owned() } else { parts.join(", ") }
}

/// The Application's status after a full reconcile.
pub fn application_status(prev: Option<&ApplicationStatus>, o: &AppOutcome, now: Timestamp) -> ApplicationStatus {
    let mut s = prev.cloned().unwrap_or_default();
    let c = &mut s.conditions;
    if let Some(p) = &o.problem {
        set_condition(c, SOURCE_ERROR, "True", &p.reason, &p.message, now);
        let msg = format!("nothing was planned or applied for this app: {}", p.message);
        set_condition(c, SYNCED, "False", &p.reason, &msg, now);
        let unknown = "the app could not be read, so its drift is not known";
        set_condition(c, DRIFTED, "Unknown", "NotPlanned", unknown, now);
        set_condition(c, BLOCKED_BY_GUARD, "Unknown", "NotPlanned", "nothing was planned", now);
        set_condition(c, READY, "False", SOURCE_ERROR, &msg, now);
        // Counts and lastSync keep their last known values: an app that
        // cannot be read has not lost its accounts.
        return s;
    }
    s.last_sync = Some(rfc3339(now));
    s.accounts = o.accounts;
    s.drift = o.drift;
    s.reviews = o.planned.review;
    s.last_applied = o.applied;
    s.plan = o.planned;
    set_condition(
        c,
        SOURCE_ERROR,
        "False",
        "SourcesRead",
        &format!("HR data and {} read", plural(o.accounts, "account")),
        now,
    );
    let drifted = o.drift > 0;
    let drift_msg = if drifted {
        match o.mode {
            Mode::Observe => format!(
                "{} wanted ({}); observe mode applies nothing — set spec.mode: enforce to apply them",
                plural(o.drift, "change"),
                describe(&o.planned, false)
            ),
            Mode::Enforce if o.checklist > 0 && o.failed + o.skipped == 0 && o.refusals.is_empty() => {
                format!("{} on a checklist, waiting for a human", plural(o.drift, "change"))
            }
            Mode::Enforce => format!("{} still wanted", plural(o.drift, "change")),
        }
    } else {
        "the app matches the policy".to_owned()
    };
    set_condition(c, DRIFTED, bool_str(drifted), if drifted { "ChangesPending" } else { "InSync" }, &drift_msg, now);
    match o.mode {
        Mode::Observe => {
            set_condition(c, BLOCKED_BY_GUARD, "False", "ObserveMode", "observe mode: nothing is applied", now);
            set_condition(c, SYNCED, "True", "Observed", "read and planned; observe mode applies nothing", now);
            let why = if drifted { &drift_msg } else { "observing; the app matches the policy" };
            set_condition(c, READY, "True", if drifted { "Observing" } else { "InSync" }, why, now);
        }
        Mode::Enforce => enforce_conditions(&mut s.conditions, o, drifted, &drift_msg, now),
    }
    s
}

fn enforce_conditions(c: &mut Vec<Condition>, o: &AppOutcome, drifted: bool, drift_msg: &str, now: Timestamp) {
    if !o.refusals.is_empty() {
        let msg = o.refusals.join("; ");
        set_condition(c, BLOCKED_BY_GUARD, "True", "GuardRefused", &msg, now);
        set_condition(c, SYNCED, "False", "GuardRefused", &format!("nothing was applied: {msg}"), now);
        set_condition(c, READY, "False", BLOCKED_BY_GUARD, &msg, now);
        return;
    }
    set_condition(c, BLOCKED_BY_GUARD, "False", "WithinLimits", "the guards accepted the changes", now);
    let broken = o.failed + o.skipped;
    if broken > 0 || !o.failures.is_empty() {
        let reason = if broken == 0 { "AuditLogFailed" } else { "ApplyFailed" };
        let msg =
            format!("{} applied, {} failed, {} skipped: {}", o.applied, o.failed, o.skipped, o.failures.join("; "));
        set_condition(c, SYNCED, "False", reason, &msg, now);
        set_condition(c, READY, "False", reason, &msg, now);
        return;
    }
    let (reason, msg) = if o.applied + o.already_done + o.checklist > 0 {
        let mut m = format!("applied {}", plural(o.applied, "change"));
        if o.already_done > 0 {
            m.push_str(&format!(", {} already in place", o.already_done));
        }
        if o.checklist > 0 {
            m.push_str(&format!(", {} on a checklist", o.checklist));
        }
        ("Applied", m)
    } else {
        ("UpToDate", "nothing to apply".to_owned())
    };
    set_condition(c, SYNCED, "True", reason, &msg, now);
    if drifted {
        set_condition(c, READY, "False", "ChangesPending", drift_msg, now);
    } else {
        set_condition(c, READY, "True", "InSync", "the app matches the policy", now);
    }
}

/// The Application's status after a person's reconcile touched it. Counts
/// other than `lastApplied` stay as the last full reconcile left them (a
/// person's reconcile sees only their accounts); a failure or refusal is
/// reported until the next full reconcile says otherwise.
pub fn merge_person_outcome(
    prev: Option<&ApplicationStatus>,
    o: &AppOutcome,
    person: &str,
    now: Timestamp,
) -> ApplicationStatus {
    let mut s = prev.cloned().unwrap_or_default();
    if o.applied > 0 {
        s.last_applied = o.applied;
    }
    let c = &mut s.conditions;
    if let Some(p) = &o.problem {
        let msg = format!("reconciling {person}: {}", p.message);
        set_condition(c, SOURCE_ERROR, "True", &p.reason, &msg, now);
        set_condition(c, SYNCED, "False", "PersonReconcileFailed", &msg, now);
    } else if !o.refusals.is_empty() {
        let msg = format!("reconciling {person}: {}", o.refusals.join("; "));
        set_condition(c, BLOCKED_BY_GUARD, "True", "GuardRefused", &msg, now);
        set_condition(c, SYNCED, "False", "PersonReconcileFailed", &msg, now);
    } else if !o.failures.is_empty() {
        let msg = format!("reconciling {person}: {}", o.failures.join("; "));
        set_condition(c, SYNCED, "False", "PersonReconcileFailed", &msg, now);
    }
    s
}

/// What became of one PeopleSource in a reconcile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRead {
    /// Read: this many people.
    Read(u32),
    /// The source itself could not be read or has invalid data.
    Failed(Problem),
    /// The source was fine but another one failed, so the snapshot was not
    /// used: keyward never plans from part of the HR data.
    Blocked(Problem),
}

/// A PeopleSource's status after a reconcile. The people count and
/// `lastSync` keep their last known values while the source fails.
pub fn people_source_status(
    prev: Option<&PeopleSourceStatus>,
    read: &SourceRead,
    now: Timestamp,
) -> PeopleSourceStatus {
    let mut s = prev.cloned().unwrap_or_default();
    let c = &mut s.conditions;
    match read {
        SourceRead::Read(people) => {
            let msg = if *people == 1 { "1 person read".to_owned() } else { format!("{people} people read") };
            s.last_sync = Some(rfc3339(now));
            s.people = *people;
            set_condition(c, SOURCE_ERROR, "False", "Read", &msg, now);
            set_condition(c, READY, "True", "Read", &msg, now);
        }
        SourceRead::Failed(p) => {
            set_condition(c, SOURCE_ERROR, "True", &p.reason, &p.message, now);
            set_condition(c, READY, "False", &p.reason, &p.message, now);
        }
        SourceRead::Blocked(p) => {
            set_condition(c, SOURCE_ERROR, "False", "Read", "the source itself was read", now);
            set_condition(c, READY, "False", &p.reason, &p.message, now);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use keyward_core::plan::AccountRef;

    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_795_400_000 + s).unwrap()
    }

    fn summary(accounts: usize, changes: Counts) -> AppSummary {
        AppSummary {
            name: "chat".into(),
            display_name: "Chat".into(),
            connector: "scim".into(),
            source: "http://x".into(),
            read_only: false,
            accounts,
            matched: accounts,
            orphans: 0,
            protected: 0,
            bots: 0,
            changes,
            seat_cost: None,
            seats: None,
        }
    }

    fn change(action: Action, who: &str) -> Change {
        let acct = AccountRef { id: Some(who.into()), email: Some(format!("{who}@x").into()), ..AccountRef::default() };
        Change::new("chat", action, acct, "test")
    }

    fn item(index: usize, action: Action, who: &str, result: ItemResult) -> Item {
        Item { index, change: change(action, who), result }
    }

    fn cond<'a>(s: &'a ApplicationStatus, t: &str) -> &'a Condition {
        condition(&s.conditions, t).unwrap_or_else(|| panic!("no {t} in {:?}", s.conditions))
    }

    fn status_of(s: &ApplicationStatus, t: &str) -> (String, String) {
        let c = cond(s, t);
        (c.status.clone(), c.reason.clone())
    }

    fn two_changes() -> (Vec<Change>, Counts) {
        let changes = vec![change(Action::Create, "a"), change(Action::Suspend, "b"), change(Action::Review, "c")];
        (changes, Counts { create: 1, suspend: 1, review: 1, ..Counts::default() })
    }

    #[test]
    fn observe_mode_reports_drift_and_applies_nothing() {
        let (changes, counts) = two_changes();
        let o = outcome(ReconcileMode::Observe, &summary(10, counts), &changes, &[], &[], None);
        assert_eq!((o.drift, o.applied, o.planned.review), (2, 0, 1));
        let s = application_status(None, &o, t(0));
        assert_eq!((s.drift, s.accounts, s.reviews, s.last_applied), (2, 10, 1, 0));
        assert_eq!(s.last_sync.as_deref(), Some("2026-11-23T02:13:20Z"));
        assert_eq!(status_of(&s, DRIFTED), ("True".into(), "ChangesPending".into()));
        assert!(cond(&s, DRIFTED).message.contains("1 create, 1 suspend"), "{:?}", cond(&s, DRIFTED));
        assert!(cond(&s, DRIFTED).message.contains("spec.mode: enforce"));
        assert_eq!(status_of(&s, READY), ("True".into(), "Observing".into()));
        assert_eq!(status_of(&s, SYNCED), ("True".into(), "Observed".into()));
        assert_eq!(status_of(&s, BLOCKED_BY_GUARD), ("False".into(), "ObserveMode".into()));
        assert_eq!(status_of(&s, SOURCE_ERROR), ("False".into(), "SourcesRead".into()));
    }

    #[test]
    fn enforce_mode_that_applied_everything_is_ready_and_in_sync() {
        let (changes, counts) = two_changes();
        let items = [
            item(0, Action::Create, "a", ItemResult::Applied("created".into())),
            item(1, Action::Suspend, "b", ItemResult::AlreadyDone("inactive".into())),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let o = outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &refs, &[], None);
        assert_eq!((o.drift, o.applied, o.already_done), (0, 1, 1));
        let s = application_status(None, &o, t(0));
        assert_eq!((s.drift, s.last_applied), (0, 1));
        assert_eq!(status_of(&s, READY), ("True".into(), "InSync".into()));
        assert_eq!(status_of(&s, SYNCED), ("True".into(), "Applied".into()));
        assert_eq!(cond(&s, SYNCED).message, "applied 1 change, 1 already in place");
        assert_eq!(status_of(&s, DRIFTED), ("False".into(), "InSync".into()));
        assert_eq!(status_of(&s, BLOCKED_BY_GUARD), ("False".into(), "WithinLimits".into()));
    }

    #[test]
    fn failures_leave_drift_and_name_the_failed_change() {
        let (changes, counts) = two_changes();
        let items = [
            item(0, Action::Create, "a", ItemResult::Applied("created".into())),
            item(1, Action::Suspend, "b", ItemResult::Failed("PATCH /Users/b answered 500".into())),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let o = outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &refs, &[], None);
        assert_eq!((o.drift, o.failed), (1, 1));
        let s = application_status(None, &o, t(0));
        assert_eq!(status_of(&s, SYNCED), ("False".into(), "ApplyFailed".into()));
        assert_eq!(status_of(&s, READY), ("False".into(), "ApplyFailed".into()));
        assert!(
            cond(&s, SYNCED).message.contains("suspend b@x: PATCH /Users/b answered 500"),
            "{:?}",
            cond(&s, SYNCED)
        );
        assert_eq!(status_of(&s, DRIFTED), ("True".into(), "ChangesPending".into()));
    }

    #[test]
    fn a_guard_refusal_blocks_and_keeps_all_drift() {
        let (changes, counts) = two_changes();
        let r = Refusal { app: Some("chat".into()), message: "chat: the plan suspends 30 of 40 accounts".into() };
        let o = outcome(ReconcileMode::Enforce, &summary(40, counts), &changes, &[], &[&r], None);
        let s = application_status(None, &o, t(0));
        assert_eq!(s.drift, 2);
        assert_eq!(status_of(&s, BLOCKED_BY_GUARD), ("True".into(), "GuardRefused".into()));
        assert_eq!(cond(&s, BLOCKED_BY_GUARD).message, r.message);
        assert_eq!(status_of(&s, READY), ("False".into(), BLOCKED_BY_GUARD.into()));
        assert_eq!(status_of(&s, SYNCED), ("False".into(), "GuardRefused".into()));
    }

    #[test]
    fn checklist_items_stay_drift_until_a_human_acts() {
        let (changes, counts) = two_changes();
        let items = [
            item(0, Action::Create, "a", ItemResult::Checklist("c/chat.md".into())),
            item(1, Action::Suspend, "b", ItemResult::Checklist("c/chat.md".into())),
        ];
        let refs: Vec<&Item> = items.iter().collect();
        let o = outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &refs, &[], None);
        let s = application_status(None, &o, t(0));
        assert_eq!(s.drift, 2);
        assert_eq!(status_of(&s, SYNCED), ("True".into(), "Applied".into()));
        assert_eq!(status_of(&s, READY), ("False".into(), "ChangesPending".into()));
        assert!(cond(&s, DRIFTED).message.contains("checklist"), "{:?}", cond(&s, DRIFTED));
    }

    #[test]
    fn an_unreadable_app_keeps_its_last_counts_and_says_why() {
        let (changes, counts) = two_changes();
        let ok = outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &[], &[], None);
        let before = application_status(None, &ok, t(0));
        let bad = unplanned(
            ReconcileMode::Enforce,
            Problem::new("ListFailed", "Application chat: GET http://x/Users failed: 503"),
        );
        let s = application_status(Some(&before), &bad, t(60));
        assert_eq!((s.accounts, s.drift), (10, 2), "an error is not zero accounts");
        assert_eq!(s.last_sync, before.last_sync, "lastSync is the last successful read");
        assert_eq!(status_of(&s, SOURCE_ERROR), ("True".into(), "ListFailed".into()));
        assert!(cond(&s, SOURCE_ERROR).message.contains("503"));
        assert_eq!(status_of(&s, READY), ("False".into(), SOURCE_ERROR.into()));
        assert_eq!(status_of(&s, SYNCED), ("False".into(), "ListFailed".into()));
        assert_eq!(status_of(&s, DRIFTED), ("Unknown".into(), "NotPlanned".into()));
    }

    #[test]
    fn transition_times_move_only_when_the_status_changes() {
        let mut c = Vec::new();
        set_condition(&mut c, READY, "True", "InSync", "ok", t(0));
        set_condition(&mut c, READY, "True", "InSync", "still ok", t(100));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].last_transition_time, Time(t(0)));
        assert_eq!(c[0].message, "still ok");
        set_condition(&mut c, READY, "False", "ApplyFailed", "broken", t(200));
        assert_eq!(c[0].last_transition_time, Time(t(200)));
        assert_eq!(c[0].reason, "ApplyFailed");
        let long = "x".repeat(MAX_MESSAGE + 10);
        set_condition(&mut c, DRIFTED, "True", "ChangesPending", &long, t(0));
        assert!(c[1].message.len() <= MAX_MESSAGE + '…'.len_utf8());
    }

    #[test]
    fn the_audit_log_failing_is_a_failed_sync() {
        let (changes, counts) = two_changes();
        let o = outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &[], &[], Some("disk full"));
        let s = application_status(None, &o, t(0));
        assert_eq!(status_of(&s, SYNCED), ("False".into(), "AuditLogFailed".into()));
        assert!(cond(&s, SYNCED).message.contains("disk full"));
    }

    #[test]
    fn a_person_reconcile_updates_last_applied_and_reports_failures() {
        let (changes, counts) = two_changes();
        let full = application_status(
            None,
            &outcome(ReconcileMode::Enforce, &summary(10, counts), &changes, &[], &[], None),
            t(0),
        );
        let mut o = AppOutcome { mode: Mode::Enforce, applied: 1, ..AppOutcome::default() };
        let s = merge_person_outcome(Some(&full), &o, "E4", t(10));
        assert_eq!((s.last_applied, s.accounts, s.drift), (1, 10, 2));
        assert_eq!(s.conditions, full.conditions);
        o.failures.push("suspend e4@x: 500".into());
        let s = merge_person_outcome(Some(&full), &o, "E4", t(10));
        assert_eq!(status_of(&s, SYNCED), ("False".into(), "PersonReconcileFailed".into()));
        assert!(cond(&s, SYNCED).message.starts_with("reconciling E4: suspend e4@x"));
    }

    #[test]
    fn people_sources_report_people_or_the_problem() {
        let s = people_source_status(None, &SourceRead::Read(6), t(0));
        assert_eq!(s.people, 6);
        assert_eq!(condition(&s.conditions, READY).unwrap().message, "6 people read");
        assert_eq!(condition(&s.conditions, READY).unwrap().status, "True");
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().status, "False");
        let p = Problem::new("ReadFailed", "cannot read hr.csv");
        let s = people_source_status(Some(&s), &SourceRead::Failed(p.clone()), t(10));
        assert_eq!(s.people, 6, "kept from the last read");
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().reason, "ReadFailed");
        assert_eq!(condition(&s.conditions, READY).unwrap().status, "False");
        let s = people_source_status(Some(&s), &SourceRead::Blocked(Problem::new("SnapshotIncomplete", "x")), t(20));
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().status, "False");
        assert_eq!(condition(&s.conditions, READY).unwrap().reason, "SnapshotIncomplete");
    }

    #[test]
    fn describe_lists_only_what_is_there() {
        let c = PlanCounts { create: 2, delete: 1, review: 4, ..PlanCounts::default() };
        assert_eq!(describe(&c, false), "2 create, 1 delete");
        assert_eq!(describe(&c, true), "2 create, 1 delete, 4 review");
        assert_eq!(describe(&PlanCounts::default(), false), "nothing");
    }
}
