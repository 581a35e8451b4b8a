#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Changes the plan holds back — by `moverGrace` after a transfer, or by a
//! hand-over Exception that keeps a leaver's account — are listed as held
//! until the day they will be planned, in the JSON plan, the text plan and
//! `explain`; never silently absent. They are not changes: nothing counts
//! or applies them.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::date;
use keyward_core::account::AccountListing;
use keyward_core::action::Action;
use keyward_core::plan::Plan;
use keyward_core::present::render::{TextOptions, text};

fn held(plan: &Plan) -> Vec<(Action, String, String)> {
    plan.held.iter().map(|h| (h.change.action, h.change.account.label().to_owned(), h.until.to_string())).collect()
}

fn grace_set() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}{}{}",
        app("slack", "  roles: [member, admin]\n  lifecycle: {moverGrace: 14d}"),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack, role: admin, groups: [sales]}]"),
        access("eng", "{department: ['開発本部/**']}", "[{app: slack, role: member, groups: [eng]}]"),
        access("ops", "{department: ['運用部']}", "[{app: slack, role: member}]"),
    ))
}

#[test]
fn a_movers_lost_group_and_role_are_held_until_the_grace_ends() {
    let set = grace_set();
    let mut mover = person("E1", "mover@example.com", "開発本部/プラットフォーム部");
    mover.moved_on = Some(date(2026, 11, 16));
    let ppl = people(vec![mover]);
    let mut a = account("mover@example.com");
    a.role = Some("admin".into());
    a.groups = vec!["sales".into()];
    let accts = || vec![("slack", vec![a.clone()])];

    let plan = plan_on(&set, &ppl, accts(), today());
    assert_eq!(held(&plan), vec![(Action::Update, "mover@example.com".into(), "2026-11-30".into())]);
    let h = &plan.held[0].change;
    assert_eq!(h.role.as_ref().map(|r| (r.from.as_deref(), r.to.as_str())), Some((Some("admin"), "member")));
    assert_eq!(h.groups.as_ref().map(|g| g.remove.clone()), Some(vec!["sales".to_string()]));
    assert!(h.reason.contains("moverGrace 14d"), "{}", h.reason);
    assert!(h.reason.contains("2026-11-16"), "{}", h.reason);
    // The eng group is added at once; the held part is not counted.
    assert_eq!(plan.summary.update, 1);
    let now = find(&plan, Action::Update, "mover@example.com");
    assert_eq!(now.groups.as_ref().map(|g| g.remove.clone()), Some(vec![]));

    let text = text(&plan, TextOptions::default());
    assert!(text.contains("held until 2026-11-30"), "{text}");
    assert!(text.contains("role: admin → member"), "{text}");

    // On the day it names, the held change is planned and no longer held.
    let on_the_day = plan_on(&set, &ppl, accts(), date(2026, 11, 30));
    assert_eq!(held(&on_the_day), vec![]);
    let c = find(&on_the_day, Action::Update, "mover@example.com");
    assert_eq!(c.groups.as_ref().map(|g| g.remove.clone()), Some(vec!["sales".to_string()]));
}

#[test]
fn an_account_no_policy_grants_any_more_is_held_during_the_grace() {
    let set = policy(&format!(
        "{}{}",
        app("slack", "  lifecycle: {moverGrace: 14d, ungranted: suspend}"),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack}]"),
    ));
    let mut mover = person("E1", "mover@example.com", "管理本部");
    mover.moved_on = Some(date(2026, 11, 16));
    let ppl = people(vec![mover]);
    let accts = || vec![("slack", vec![account("mover@example.com")])];
    let plan = plan_on(&set, &ppl, accts(), today());
    assert!(!plan.has_changes(), "{:#?}", plan.changes);
    assert_eq!(held(&plan), vec![(Action::Suspend, "mover@example.com".into(), "2026-11-30".into())]);
    let on_the_day = plan_on(&set, &ppl, accts(), date(2026, 11, 30));
    find(&on_the_day, Action::Suspend, "mover@example.com");
}

#[test]
fn a_leaver_kept_by_a_hand_over_exception_shows_the_suspension_held_until_it_ends() {
    let set = policy(&format!(
        "{}{}{}",
        app("slack", ""),
        access("all", "{}", "[{app: slack}]"),
        "apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {name: handover}\nspec:\n  person: E1\n  grant: [{app: slack}]\n  until: 2026-12-15\n  reason: handover of key accounts\n  approver: boss@example.com\n---\n",
    ));
    let mut leaver = person("E1", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 11, 13));
    let ppl = people(vec![leaver]);
    let accts = || vec![("slack", vec![account("leaver@example.com")])];

    let plan = plan_on(&set, &ppl, accts(), today());
    assert!(!plan.has_changes(), "{:#?}", plan.changes);
    assert_eq!(held(&plan), vec![(Action::Suspend, "leaver@example.com".into(), "2026-12-16".into())]);
    assert!(plan.held[0].change.reason.contains("Exception handover"), "{}", plan.held[0].change.reason);

    let mut listings = BTreeMap::new();
    listings.insert("slack".to_owned(), AccountListing::new("slack.csv", vec![account("leaver@example.com")]));
    let e = keyward_core::present::explain::explain(&set, &ppl, &listings, "E1", today()).unwrap();
    assert_eq!(e.held.len(), 1);
    let t = e.to_text();
    assert!(t.contains("slack: suspend leaver@example.com held until 2026-12-16"), "{t}");

    let on_the_day = plan_on(&set, &ppl, accts(), date(2026, 12, 16));
    assert_eq!(held(&on_the_day), vec![]);
    find(&on_the_day, Action::Suspend, "leaver@example.com");
}

#[test]
fn held_changes_survive_the_json_plan_and_are_absent_when_there_are_none() {
    let set = grace_set();
    let mut mover = person("E1", "mover@example.com", "運用部");
    mover.moved_on = Some(date(2026, 11, 16));
    let mut a = account("mover@example.com");
    a.groups = vec!["eng".into()];
    let plan = plan_on(&set, &people(vec![mover.clone()]), vec![("slack", vec![a.clone()])], today());
    assert_eq!(held(&plan).len(), 1);
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["held"][0]["until"], "2026-11-30");
    assert_eq!(json["held"][0]["action"], "update");
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(serde_json::from_value::<Plan>(json).unwrap(), plan);

    mover.moved_on = None;
    let plan = plan_on(&set, &people(vec![mover]), vec![("slack", vec![a])], today());
    assert!(serde_json::to_value(&plan).unwrap().get("held").is_none());
}
