#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What a plan proposes depends on what the app's connector can do, and a
//! saved plan read back is the same plan.

mod common;

use common::*;
use jiff::civil::date;
use keyward_core::account::{AccountListing, Capabilities};
use keyward_core::action::Action;
use keyward_core::approval;
use keyward_core::plan::Plan;
use keyward_core::present::render;
use std::collections::BTreeMap;

const SCIM_LIKE: Capabilities = Capabilities {
    revoke: keyward_core::account::RevokeKinds::NONE,
    create: true,
    update: true,
    suspend: true,
    restore: true,
    delete: true,
    transfer: false,
    groups: true,
};

fn slack(extra: &str) -> String {
    app("slack", extra)
}

fn everyone() -> String {
    access("everyone", "{}", "[{app: slack}]")
}

fn plan_with(
    set: &keyward_core::PolicySet,
    ppl: &keyward_core::People,
    accts: Vec<keyward_core::Account>,
    caps: Capabilities,
    on: jiff::civil::Date,
) -> Plan {
    let mut listings = BTreeMap::new();
    listings.insert("slack".to_owned(), AccountListing::new("scim", accts).with_capabilities(caps));
    keyward_core::plan(set, ppl, &listings, on).unwrap()
}

fn leaver_setup() -> (keyward_core::PolicySet, keyward_core::People) {
    let set = policy(&format!(
        "{}{}",
        slack("  lifecycle: {offboarding: {transferTo: manager, deleteAfter: 30d}}"),
        everyone()
    ));
    let boss = person("E1", "boss@example.com", "営業本部");
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 9, 30));
    leaver.manager = Some("E1".into());
    (set, people(vec![boss, leaver]))
}

#[test]
fn a_handover_the_connector_cannot_do_becomes_a_task_and_holds_the_deletion() {
    let (set, ppl) = leaver_setup();
    let accts = vec![account("boss@example.com"), suspended("leaver@example.com")];
    let plan = plan_with(&set, &ppl, accts, SCIM_LIKE, today());
    let mine: Vec<_> = plan.changes.iter().filter(|c| c.account.label() == "leaver@example.com").collect();
    assert_eq!(mine.len(), 2, "{:#?}", actions(&plan));
    assert!(mine.iter().all(|c| c.action == Action::Review), "{:#?}", actions(&plan));
    let proposed: Vec<_> = mine.iter().map(|c| c.proposed).collect();
    assert_eq!(proposed, vec![Some(Action::Transfer), Some(Action::Delete)]);
    assert!(mine[0].reason.contains("cannot hand data over: do it by hand"), "{}", mine[0].reason);
    assert!(mine[1].reason.contains("deletion waits because the hand-over is done by hand"), "{}", mine[1].reason);
    assert!(!plan.apps[0].read_only);
}

#[test]
fn a_connector_that_cannot_delete_leaves_the_account_suspended_for_a_human() {
    let set = policy(&format!("{}{}", slack("  lifecycle: {offboarding: {deleteAfter: 30d}}"), everyone()));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 9, 30));
    let caps = Capabilities { delete: false, ..SCIM_LIKE };
    let plan = plan_with(&set, &people(vec![leaver]), vec![suspended("leaver@example.com")], caps, today());
    assert_eq!(actions(&plan), vec![(Action::Review, "leaver@example.com".into())]);
    assert_eq!(plan.changes[0].proposed, Some(Action::Delete));
    // With the capability, the same data deletes.
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 9, 30));
    let plan = plan_with(&set, &people(vec![leaver]), vec![suspended("leaver@example.com")], SCIM_LIKE, today());
    assert_eq!(actions(&plan), vec![(Action::Delete, "leaver@example.com".into())]);
}

#[test]
fn a_read_only_app_keeps_its_changes_as_a_checklist() {
    let (set, ppl) = leaver_setup();
    let accts = vec![account("boss@example.com"), suspended("leaver@example.com")];
    let plan = plan_with(&set, &ppl, accts, Capabilities::READ_ONLY, today());
    assert_eq!(
        actions(&plan),
        vec![(Action::Transfer, "leaver@example.com".into()), (Action::Delete, "leaver@example.com".into())]
    );
    assert!(plan.apps[0].read_only);
}

#[test]
fn a_saved_plan_reads_back_as_the_same_plan() {
    let (set, ppl) = leaver_setup();
    let joiner = {
        let mut p = person("E3", "new@example.com", "営業本部");
        p.start_date = Some(date(2026, 11, 23));
        p.manager = Some("E1".into());
        p
    };
    let mut all: Vec<_> = ppl.persons().to_vec();
    all.push(joiner);
    let ppl = people(all);
    let plan =
        plan_with(&set, &ppl, vec![account("boss@example.com"), account("leaver@example.com")], SCIM_LIKE, today());
    assert!(plan.changes.iter().any(|c| c.action == Action::Create && c.profile.is_some()));
    let back = Plan::from_json(&render::json(&plan)).unwrap();
    assert_eq!(back, plan);
    assert_eq!(back.changes_for("slack").len(), plan.changes.len());
}

#[test]
fn a_plan_from_another_format_version_is_refused() {
    let (set, ppl) = leaver_setup();
    let plan = plan_with(&set, &ppl, vec![], SCIM_LIKE, today());
    let text = render::json(&plan).replace("\"formatVersion\": 1", "\"formatVersion\": 99");
    let err = Plan::from_json(&text).unwrap_err().to_string();
    assert!(err.contains("version 99 is not supported"), "{err}");
}

#[test]
fn approval_allows_what_was_approved_or_is_already_done_and_nothing_else() {
    let set = policy(&format!("{}{}", slack(""), everyone()));
    let mut a = person("E1", "a@example.com", "営業本部");
    a.end_date = Some(date(2026, 11, 20));
    let mut b = person("E2", "b@example.com", "営業本部");
    b.end_date = Some(date(2026, 11, 20));
    let c = person("E3", "c@example.com", "営業本部");
    let approved = plan_with(
        &set,
        &people(vec![a.clone(), b.clone(), c.clone()]),
        vec![account("a@example.com"), account("b@example.com"), account("c@example.com")],
        SCIM_LIKE,
        today(),
    );
    assert_eq!(approved.summary.suspend, 2);

    // a was suspended by an interrupted apply: only b remains, approved.
    let now = plan_with(
        &set,
        &people(vec![a.clone(), b.clone(), c.clone()]),
        vec![suspended("a@example.com"), account("b@example.com"), account("c@example.com")],
        SCIM_LIKE,
        today(),
    );
    let cmp = approval::compare(&approved, &now);
    assert!(cmp.is_approved());
    assert_eq!((cmp.approved.len(), cmp.no_longer_needed), (1, 1));

    // c left in the meantime: suspending c was never approved.
    let mut c_left = c;
    c_left.end_date = Some(date(2026, 11, 21));
    let now = plan_with(
        &set,
        &people(vec![a, b, c_left]),
        vec![account("a@example.com"), account("b@example.com"), account("c@example.com")],
        SCIM_LIKE,
        today(),
    );
    let cmp = approval::compare(&approved, &now);
    assert!(!cmp.is_approved());
    assert_eq!(cmp.unapproved.len(), 1);
    assert_eq!(cmp.unapproved[0].account.label(), "c@example.com");
}
