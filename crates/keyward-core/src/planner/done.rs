//! Checklist items a human recorded as done, settled into a plan: a change
//! whose item was recorded done leaves the changes for the plan's `done`
//! list ("done by X on DATE": not counted, not applied, not on a
//! checklist) — unless the app's listing was read after the completion and
//! still shows the account needing the change; then it stays, noting that
//! it was marked done but the app still shows it.
//!
//! Pure: the completions (from the audit log) and when each listing was
//! read come in as parameters.

use std::collections::{BTreeMap, HashMap};

use crate::action::Action;
use crate::plan::{Change, Completion, DoneChange, ListingRead, MarkedDone, Plan};

/// Settles `completions` into `plan`; `read` says when each app's listing
/// was read (an app without one counts as read before every completion).
/// The latest completion of an item decides.
pub fn settle_completions(plan: &mut Plan, completions: &[Completion], read: &BTreeMap<String, ListingRead>) {
    if completions.is_empty() {
        return;
    }
    let mut latest: HashMap<&str, &Completion> = HashMap::new();
    for c in completions {
        let l = latest.entry(c.item.as_str()).or_insert(c);
        if c.on >= l.on {
            *l = c;
        }
    }
    // What each change's completion says: `Some(true)` still shown by a
    // listing read since, `Some(false)` done, `None` not recorded.
    let verdict = |change: &Change| -> Option<(bool, MarkedDone)> {
        if change.action == Action::Review {
            return None;
        }
        let c = latest.get(change.item_id().as_str())?;
        let shown_since = read.get(change.app.as_str()).is_some_and(|r| r.is_after(c));
        Some((shown_since, MarkedDone { by: c.by.clone(), on: c.day }))
    };
    let mut done = Vec::new();
    for change in plan.changes.iter_mut() {
        match verdict(change) {
            Some((true, marked)) => change.marked_done = Some(Box::new(marked)),
            Some((false, marked)) => done.push(DoneChange { change: change.clone(), done: marked }),
            None => {}
        }
    }
    if !done.is_empty() {
        plan.retain_changes(|c| !matches!(verdict(c), Some((false, _))));
        plan.done.extend(done);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::plan::{AccountRef, AppSummary, Changes, Counts, PLAN_FORMAT_VERSION, PeopleSummary};

    fn plan(changes: Vec<Change>) -> Plan {
        let app = AppSummary {
            name: "slack".into(),
            display_name: "Slack".into(),
            connector: "csvExport".into(),
            source: "slack.csv".into(),
            read_only: true,
            accounts: 2,
            matched: 2,
            orphans: 0,
            protected: 0,
            bots: 0,
            changes: Counts::default(),
            seat_cost: None,
            seats: None,
            export: None,
        };
        let mut p = Plan {
            api_version: "keyward.io/v1alpha1".into(),
            kind: "Plan".into(),
            format_version: PLAN_FORMAT_VERSION,
            date: jiff::civil::date(2026, 12, 1),
            people: PeopleSummary::default(),
            apps: vec![app],
            summary: Counts::default(),
            changes: Changes::per_app(vec![changes]),
            warnings: vec![],
            warning_messages: vec![],
            violations: vec![],
            duty_rules: 0,
            diagnostics: vec![],
            held: vec![],
            vanished: vec![],
            done: vec![],
        };
        p.retain_changes(|_| true);
        p
    }

    fn suspend(who: &str) -> Change {
        let account = AccountRef { id: Some(who.into()), ..AccountRef::default() };
        Change::new("slack", Action::Suspend, account, "left")
    }

    fn completion(c: &Change, on: &str) -> Completion {
        let on: jiff::Timestamp = on.parse().unwrap();
        Completion { item: c.item_id(), on, day: on.to_zoned(jiff::tz::TimeZone::UTC).date(), by: Some("Ann".into()) }
    }

    #[test]
    fn a_change_recorded_done_is_shown_done_and_not_counted() {
        let (a, b) = (suspend("a"), suspend("b"));
        let mut p = plan(vec![a.clone(), b.clone()]);
        let done = [completion(&a, "2026-12-02T10:00:00Z")];
        let read = BTreeMap::from([("slack".to_owned(), ListingRead::Exported(jiff::civil::date(2026, 12, 2)))]);
        settle_completions(&mut p, &done, &read);
        assert_eq!(p.changes.iter().map(Change::item_id).collect::<Vec<_>>(), [b.item_id()]);
        assert_eq!(p.summary.total(), 1);
        assert_eq!(p.apps[0].changes.total(), 1);
        assert_eq!(p.done.len(), 1);
        assert_eq!(p.done[0].done, MarkedDone { by: Some("Ann".into()), on: jiff::civil::date(2026, 12, 2) });
    }

    #[test]
    fn a_listing_read_after_the_completion_that_still_shows_it_lists_it_again_with_a_note() {
        let a = suspend("a");
        let done = [completion(&a, "2026-12-02T10:00:00Z")];
        for read in [
            ListingRead::Exported(jiff::civil::date(2026, 12, 3)),
            ListingRead::Live("2026-12-02T10:00:01Z".parse().unwrap()),
        ] {
            let mut p = plan(vec![a.clone()]);
            settle_completions(&mut p, &done, &BTreeMap::from([("slack".to_owned(), read)]));
            assert!(p.done.is_empty(), "{read:?}");
            assert_eq!(p.summary.total(), 1);
            let noted = p.changes.iter().next().unwrap().marked_done.as_deref().cloned();
            assert_eq!(noted.map(|m| m.on), Some(jiff::civil::date(2026, 12, 2)));
        }
        // Read before the completion: done.
        let mut p = plan(vec![a.clone()]);
        let before = ListingRead::Live("2026-12-02T09:59:59Z".parse().unwrap());
        settle_completions(&mut p, &done, &BTreeMap::from([("slack".to_owned(), before)]));
        assert_eq!(p.done.len(), 1);
    }
}
