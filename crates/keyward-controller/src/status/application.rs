//! An Application's status from a reconcile's [`AppOutcome`]: after a
//! full reconcile (every count and condition) and after a person's
//! reconcile (merged into the last full one). Pure.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use keyward_core::resources::{ApplicationStatus, PlanCounts};

use super::conditions::{BLOCKED_BY_GUARD, DRIFTED, READY, SOURCE_ERROR, STALE_EXPORT, SYNCED, rfc3339, set_condition};
use super::outcome::{AppOutcome, Mode};

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
        ("revoke", c.revoke),
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
    match (&o.export, &o.export_problem) {
        (_, Some(p)) => set_condition(c, STALE_EXPORT, "True", &p.reason, &p.message, now),
        (Some(age), None) => {
            set_condition(c, STALE_EXPORT, "False", "ExportFresh", &format!("the export is {age}"), now)
        }
        (None, None) => {}
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use keyward_apply::{Item, ItemResult, Refusal};
    use keyward_core::action::Action;
    use keyward_core::plan::{AccountRef, AppSummary, Change, Counts};
    use keyward_core::resources::ReconcileMode;

    use super::*;
    use crate::status::conditions::condition;
    use crate::status::outcome::{Problem, outcome, unplanned};
    use crate::status::t;

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
            export: None,
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
    fn an_export_says_its_age_and_a_stale_one_is_a_condition_in_observe_mode() {
        use keyward_core::account::{ExportDate, ExportDateFrom};
        use keyward_core::plan::ExportAge;
        let (changes, counts) = two_changes();
        let mut sum = summary(10, counts);
        sum.source = "crm.csv (utf-8)".into();
        let exported = ExportDate { date: jiff::civil::date(2026, 10, 1), from: ExportDateFrom::FileModified };
        sum.export =
            Some(ExportAge::on(exported.clone(), keyward_core::duration::Days(90), jiff::civil::date(2026, 11, 23)));
        let s = application_status(None, &outcome(ReconcileMode::Observe, &sum, &changes, &[], &[], None), t(0));
        assert_eq!(status_of(&s, STALE_EXPORT), ("False".into(), "ExportFresh".into()));
        assert_eq!(
            cond(&s, STALE_EXPORT).message,
            "the export is 53 days old (exported 2026-10-01, from the file's modification time)"
        );
        sum.export = Some(ExportAge::on(exported, keyward_core::duration::Days(30), jiff::civil::date(2026, 11, 23)));
        let s = application_status(Some(&s), &outcome(ReconcileMode::Observe, &sum, &changes, &[], &[], None), t(1));
        assert_eq!(status_of(&s, STALE_EXPORT), ("True".into(), "ExportTooOld".into()));
        assert!(cond(&s, STALE_EXPORT).message.contains("is 53 days old"), "{:?}", cond(&s, STALE_EXPORT));
        assert!(cond(&s, STALE_EXPORT).message.contains("export the accounts again, or raise maxAge"));
        assert_eq!(status_of(&s, READY), ("True".into(), "Observing".into()), "observing goes on");
        let none =
            application_status(None, &outcome(ReconcileMode::Observe, &summary(1, counts), &[], &[], &[], None), t(0));
        assert!(condition(&none.conditions, STALE_EXPORT).is_none(), "only apps read from an export have it");
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
        let r = Refusal {
            app: Some("chat".into()),
            message: "chat: the plan suspends 30 of 40 accounts".into(),
            msg: None,
        };
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
    fn describe_lists_only_what_is_there() {
        let c = PlanCounts { create: 2, delete: 1, review: 4, ..PlanCounts::default() };
        assert_eq!(describe(&c, false), "2 create, 1 delete");
        assert_eq!(describe(&c, true), "2 create, 1 delete, 4 review");
        assert_eq!(describe(&PlanCounts::default(), false), "nothing");
    }
}
