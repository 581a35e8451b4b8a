#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `lifecycle.offboarding.revoke`: when a leaver's sessions and grants are
//! revoked, what a connector that cannot revoke everything hands to a
//! human, and why a second run plans none.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::account::{Account, AccountListing, Capabilities, RevokeKinds};
use keyward_core::action::Action;
use keyward_core::plan::Plan;
use keyward_core::resources::RevokeKind;

/// What the Graph connector can do with revoke configured.
const GRAPH_LIKE: Capabilities = Capabilities {
    revoke: RevokeKinds::of(&[RevokeKind::Sessions, RevokeKind::OauthTokens]),
    create: true,
    update: true,
    suspend: true,
    restore: true,
    delete: true,
    transfer: false,
    groups: true,
};

/// Last working day of the leaver in every test.
const LAST: Date = date(2026, 9, 30);

fn set(offboarding: &str) -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}",
        app("m365", &format!("  lifecycle: {{offboarding: {offboarding}}}")),
        access("everyone", "{}", "[{app: m365}]")
    ))
}

fn leaver() -> keyward_core::People {
    let stay = person("E1", "stay@example.com", "営業本部");
    let mut gone = person("E2", "gone@example.com", "営業本部");
    gone.end_date = Some(LAST);
    people(vec![stay, gone])
}

fn plan(set: &keyward_core::PolicySet, accounts: Vec<Account>, caps: Capabilities, on: Date) -> Plan {
    let mut listings = BTreeMap::new();
    listings.insert("m365".to_owned(), AccountListing::new("graph", accounts).with_capabilities(caps));
    keyward_core::plan(set, &leaver(), &listings, on).unwrap()
}

fn mine(p: &Plan) -> Vec<(Action, Option<Action>)> {
    p.changes.iter().filter(|c| c.account.label() == "gone@example.com").map(|c| (c.action, c.proposed)).collect()
}

#[test]
fn a_leavers_live_account_is_revoked_with_the_suspension_and_before_it() {
    let s = set("{revoke: {}}");
    let p = plan(&s, vec![account("stay@example.com"), account("gone@example.com")], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![(Action::Revoke, None), (Action::Suspend, None)]);
    let r = find(&p, Action::Revoke, "gone@example.com");
    // `revoke: {}` asks for everything; the plan says what this app can do.
    assert_eq!(r.revoke, Some(GRAPH_LIKE.revoke));
    assert!(r.reason.contains("last working day 2026-09-30"), "{}", r.reason);
    assert!(r.reason.contains("lifecycle.offboarding.revoke"), "{}", r.reason);
    assert_eq!(p.summary.revoke, 1);
    assert_eq!(p.apps[0].changes.revoke, 1);
}

#[test]
fn without_revoke_in_the_policy_nothing_is_revoked() {
    let s = set("{}");
    let p = plan(&s, vec![account("gone@example.com")], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![(Action::Suspend, None)]);
}

#[test]
fn nothing_is_revoked_before_it_is_due() {
    let s = set("{revoke: {}}");
    let p = plan(&s, vec![account("gone@example.com")], GRAPH_LIKE, LAST);
    assert_eq!(mine(&p), vec![]);
}

#[test]
fn an_earlier_when_revokes_before_the_suspension_is_due() {
    let s = set("{suspend: 7d, revoke: {when: onLastDay}}");
    let p = plan(&s, vec![account("gone@example.com")], GRAPH_LIKE, LAST);
    assert_eq!(mine(&p), vec![(Action::Revoke, None)]);
    assert!(find(&p, Action::Revoke, "gone@example.com").reason.contains("when: onLastDay"));
    // Once the app shows the sessions revoked on that day and no grant
    // left, it is done until the suspension.
    let mut a = account("gone@example.com");
    a.sessions_valid_from = Some(LAST);
    a.open_grants = Some(0);
    let p = plan(&s, vec![a], GRAPH_LIKE, date(2026, 10, 2));
    assert_eq!(mine(&p), vec![]);
}

#[test]
fn a_suspended_account_is_revoked_again_only_when_the_app_shows_something_open() {
    let s = set("{revoke: {}}");
    // The app cannot tell: the revocation came with the suspension.
    let p = plan(&s, vec![suspended("gone@example.com")], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![]);
    // Nothing open: done.
    let mut done = suspended("gone@example.com");
    done.open_grants = Some(0);
    done.sessions_valid_from = Some(date(2026, 10, 1));
    assert_eq!(mine(&plan(&s, vec![done], GRAPH_LIKE, today())), vec![]);
    // Grants left (a revocation failed, or was configured after the
    // suspension): revoke again.
    let mut grants = suspended("gone@example.com");
    grants.open_grants = Some(2);
    let p = plan(&s, vec![grants], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![(Action::Revoke, None)]);
    let r = find(&p, Action::Revoke, "gone@example.com");
    assert!(r.reason.contains("still show 2 OAuth grant(s)"), "{}", r.reason);
    // Sessions valid from before the day the revocation was due.
    let mut sessions = suspended("gone@example.com");
    sessions.sessions_valid_from = Some(date(2026, 4, 1));
    let p = plan(&s, vec![sessions], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![(Action::Revoke, None)]);
    assert!(find(&p, Action::Revoke, "gone@example.com").reason.contains("signed in since 2026-04-01"));
}

#[test]
fn old_sessions_do_not_matter_when_sessions_are_not_asked_for() {
    let s = set("{revoke: {what: [oauthTokens]}}");
    let mut a = suspended("gone@example.com");
    a.sessions_valid_from = Some(date(2026, 4, 1));
    a.open_grants = Some(0);
    assert_eq!(mine(&plan(&s, vec![a], GRAPH_LIKE, today())), vec![]);
}

#[test]
fn kinds_the_connector_cannot_revoke_go_to_a_human_and_the_rest_is_revoked() {
    let s = set("{revoke: {what: [sessions, appPasswords]}}");
    let p = plan(&s, vec![account("gone@example.com")], GRAPH_LIKE, today());
    assert_eq!(mine(&p), vec![(Action::Revoke, None), (Action::Suspend, None), (Action::Review, Some(Action::Revoke))]);
    let r = find(&p, Action::Revoke, "gone@example.com");
    assert_eq!(r.revoke, Some(RevokeKinds::of(&[RevokeKind::Sessions])));
    let review = p.changes.iter().find(|c| c.action == Action::Review).unwrap();
    assert_eq!(review.revoke, Some(RevokeKinds::of(&[RevokeKind::AppPasswords])));
    assert!(review.reason.contains("cannot revoke app passwords: do it by hand"), "{}", review.reason);
}

#[test]
fn a_connector_that_can_revoke_nothing_hands_the_whole_revocation_to_a_human() {
    let s = set("{revoke: {}}");
    let caps = Capabilities { revoke: RevokeKinds::NONE, ..GRAPH_LIKE };
    let p = plan(&s, vec![account("gone@example.com")], caps, today());
    assert_eq!(mine(&p), vec![(Action::Suspend, None), (Action::Review, Some(Action::Revoke))]);
    let review = find(&p, Action::Review, "gone@example.com");
    assert!(review.reason.contains("cannot revoke sessions and grants: do it by hand"), "{}", review.reason);
}

#[test]
fn a_read_only_app_gets_the_revocation_as_a_checklist_item() {
    let s = set("{revoke: {}}");
    let p = plan(&s, vec![account("gone@example.com")], Capabilities::READ_ONLY, today());
    assert_eq!(mine(&p), vec![(Action::Revoke, None), (Action::Suspend, None)]);
    assert!(p.apps[0].read_only);
}

#[test]
fn a_terminated_person_without_a_last_day_is_revoked_at_once() {
    let s = set("{revoke: {}}");
    let mut gone = person("E2", "gone@example.com", "営業本部");
    gone.status = keyward_core::resources::HrStatus::Terminated;
    let mut listings = BTreeMap::new();
    listings.insert(
        "m365".to_owned(),
        AccountListing::new("graph", vec![account("gone@example.com")]).with_capabilities(GRAPH_LIKE),
    );
    let p = keyward_core::plan(&s, &people(vec![gone]), &listings, today()).unwrap();
    assert_eq!(mine(&p), vec![(Action::Revoke, None), (Action::Suspend, None)]);
    assert!(find(&p, Action::Revoke, "gone@example.com").reason.contains("without a last working day"));
}

#[test]
fn a_revocation_is_planned_the_same_way_every_time() {
    let s = set("{revoke: {what: [sessions, oauthTokens, appPasswords]}}");
    let accts = || vec![account("stay@example.com"), account("gone@example.com")];
    let a = serde_json::to_string(&plan(&s, accts(), GRAPH_LIKE, today())).unwrap();
    let b = serde_json::to_string(&plan(&s, accts(), GRAPH_LIKE, today())).unwrap();
    assert_eq!(a, b);
    assert!(a.contains(r#""revoke":["sessions","oauthTokens"]"#), "{a}");
}

#[test]
fn a_suspension_on_the_last_day_brings_its_revocation_once() {
    for offboarding in ["{suspend: onLastDay, revoke: {}}", "{suspend: onLastDay, revoke: {when: onLastDay}}"] {
        let p = plan(&set(offboarding), vec![account("gone@example.com")], GRAPH_LIKE, LAST);
        assert_eq!(mine(&p), vec![(Action::Revoke, None), (Action::Suspend, None)], "{offboarding}");
    }
}

#[test]
fn a_revocation_due_after_the_suspension_and_a_kind_listed_twice_are_warned_about() {
    let text = format!(
        "{}{}",
        app(
            "m365",
            "  lifecycle: {offboarding: {suspend: afterLastDay, revoke: {when: 7d, what: [sessions, sessions]}}}"
        ),
        access("everyone", "{}", "[{app: m365}]")
    );
    let loaded = keyward_core::PolicySet::load(
        "policies",
        vec![keyward_core::SourceFile {
            path: "policies/p.yaml".into(),
            text: format!("{}---\n{text}", common::PEOPLE_SOURCE),
        }],
    )
    .unwrap();
    let shown = format!("{:?}", loaded.warnings);
    assert!(shown.contains("`when: 7d` is after the suspension") && shown.contains("line: 21"), "{shown}");
    assert!(shown.contains("`sessions` is listed twice"), "{shown}");
    // With the suspension (the default), nothing to say.
    let quiet = set("{revoke: {when: afterLastDay}}");
    assert_eq!(quiet.applications.len(), 1);
}
