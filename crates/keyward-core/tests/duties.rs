#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Separation of duties: the plan lists everyone who would hold duties a
//! SeparationOfDuties rule keeps apart, and holds back (as a review) every
//! change that would give someone the conflicting entitlement, judged on
//! the state after the plan.

mod common;

use common::*;
use keyward_core::Action;
use keyward_core::people::Post;
use keyward_core::plan::Plan;

const PAYMENTS: &str = "  roles: [viewer, submitter, approver]\n  defaultRole: viewer";
const BANK: &str = "  lifecycle: {ungranted: suspend}";

fn rule(duties: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: SeparationOfDuties\nmetadata: {{name: four-eyes}}\nspec:\n  description: who submits a payment does not release it\n  owner: cfo@example.com\n  duties:\n{duties}\n---\n"
    )
}

/// Payments (roles), a bank (groups), 経理部 submits, 財務部 releases.
fn org() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}{}{}{}",
        app("payments", PAYMENTS),
        app("bank", BANK),
        access("submitters", "{department: [管理本部/経理部]}", "[{app: payments, role: submitter}]"),
        access("releasers", "{department: [管理本部/財務部]}", "[{app: bank, groups: [payers]}]"),
        rule(
            "    - name: submit payments\n      entitlements: [{app: payments, role: submitter}]\n    - name: release payments\n      entitlements: [{app: bank, group: payers}]"
        ),
    ))
}

fn in_bank(email: &str, groups: &[&str]) -> keyward_core::Account {
    let mut a = account(email);
    a.role = None;
    a.groups = groups.iter().map(|g| (*g).into()).collect();
    a
}

fn two_posts(id: &str, email: &str) -> keyward_core::Person {
    let mut p = person(id, email, "管理本部/経理部");
    p.posts.push(Post { department: Some("管理本部/財務部".into()), title: None });
    p
}

#[test]
fn a_joiner_granted_both_duties_gets_neither_automatically() {
    let set = org();
    let ppl = people(vec![two_posts("E1", "both@example.com")]);
    let plan = plan_on(&set, &ppl, vec![], today());

    assert_eq!(plan.duty_rules, 1);
    assert_eq!(plan.violations.len(), 1, "{:#?}", plan.violations);
    let v = &plan.violations[0];
    assert_eq!((v.rule.as_str(), v.person.id.as_str()), ("four-eyes", "E1"));
    assert_eq!(v.owner.as_deref(), Some("cfo@example.com"));
    assert_eq!(v.duty_names(), "submit payments and release payments");
    assert_eq!(v.duties[0].granted_by, ["AccessPolicy submitters (管理本部/経理部): payments role submitter"]);
    assert_eq!(v.duties[0].held_back, ["payments create both@example.com (payments role submitter)"]);
    assert_eq!(v.duties[1].granted_by, ["AccessPolicy releasers (管理本部/財務部): bank group payers"]);
    assert!(v.duties.iter().all(|d| d.held.is_empty()));

    // Neither create is left for apply: both wait for a human.
    assert!(plan.changes.iter().all(|c| c.action == Action::Review), "{:#?}", actions(&plan));
    for app in ["payments", "bank"] {
        let c = plan.changes_for(app).first().unwrap();
        assert_eq!(c.proposed, Some(Action::Create));
        assert!(c.reason.contains("held back"), "{}", c.reason);
        assert!(c.reason.contains("SeparationOfDuties four-eyes"), "{}", c.reason);
    }
    // The counts and seats follow what is held back.
    assert_eq!((plan.summary.create, plan.summary.review), (0, 2));
    assert!(plan.apps.iter().all(|a| a.changes.create == 0 && a.changes.review == 1));
}

#[test]
fn an_entitlement_already_held_holds_back_only_the_new_one() {
    let set = org();
    // In 経理部 only (granted submitter) but already in the bank's payers
    // group, which nothing grants. With the default `ungranted: review` the
    // bank account stays as it is, so it keeps the duty after the plan.
    let set_review = policy(&format!(
        "{}{}{}{}",
        app("payments", PAYMENTS),
        app("bank", ""),
        access("submitters", "{department: [管理本部/経理部]}", "[{app: payments, role: submitter}]"),
        rule(
            "    - name: submit payments\n      entitlements: [{app: payments, role: submitter}]\n    - name: release payments\n      entitlements: [{app: bank, group: payers}]"
        ),
    ));
    let ppl = people(vec![person("E2", "clerk@example.com", "管理本部/経理部")]);
    let accounts = vec![("bank", vec![in_bank("clerk@example.com", &["payers"])])];
    let plan = plan_on(&set_review, &ppl, accounts.clone(), today());

    assert_eq!(plan.violations.len(), 1, "{:#?}", plan.violations);
    let v = &plan.violations[0];
    assert_eq!(v.duties[0].duty, "submit payments");
    assert_eq!(v.duties[0].held_back, ["payments create clerk@example.com (payments role submitter)"]);
    assert_eq!(v.duties[1].held, ["bank: clerk@example.com (bank group payers)"]);
    assert!(v.duties[1].granted_by.is_empty());
    let create = plan.changes_for("payments").first().unwrap();
    assert_eq!((create.action, create.proposed), (Action::Review, Some(Action::Create)));

    // Where the bank suspends accounts nothing grants, the plan takes the
    // payers group away first, so the submitter account is no conflict.
    let plan = plan_on(&set, &ppl, accounts, today());
    assert!(plan.violations.is_empty(), "{:#?}", plan.violations);
    assert_eq!(
        actions(&plan),
        [(Action::Suspend, "clerk@example.com".to_owned()), (Action::Create, "clerk@example.com".to_owned())]
    );
}

#[test]
fn a_mover_keeps_one_duty_when_the_plan_ends_the_other() {
    // Moved from 財務部 to 経理部: the bank account is still in payers and
    // the policy no longer grants it. The bank app suspends it, so the new
    // submitter role is no conflict after the plan.
    let set = org();
    let ppl = people(vec![person("E3", "mover@example.com", "管理本部/経理部")]);
    let plan = plan_on(
        &set,
        &ppl,
        vec![
            ("bank", vec![in_bank("mover@example.com", &["payers"])]),
            ("payments", vec![account("mover@example.com")]),
        ],
        today(),
    );
    assert!(plan.violations.is_empty(), "{:#?}", plan.violations);
    let update = find(&plan, Action::Update, "mover@example.com");
    assert_eq!(update.role.as_ref().map(|r| r.to.as_str()), Some("submitter"));
    find(&plan, Action::Suspend, "mover@example.com");
}

#[test]
fn a_role_merged_away_still_counts_as_granted() {
    // Two policies grant payments to the same person: submitter and
    // approver. The plan gives one role, the most privileged, and that
    // would hide the conflict the policies contain.
    let set = policy(&format!(
        "{}{}{}{}",
        app("payments", PAYMENTS),
        access("submitters", "{department: [管理本部/経理部]}", "[{app: payments, role: submitter}]"),
        access("approvers", "{department: [管理本部/財務部]}", "[{app: payments, role: approver}]"),
        rule(
            "    - name: submit payments\n      entitlements: [{app: payments, role: submitter}]\n    - name: approve payments\n      entitlements: [{app: payments, role: APPROVER}]"
        ),
    ));
    let ppl = people(vec![two_posts("E4", "both@example.com"), person("E5", "clerk@example.com", "管理本部/経理部")]);
    let plan = plan_on(&set, &ppl, vec![("payments", vec![account("both@example.com")])], today());

    assert_eq!(plan.violations.len(), 1, "only E4 is granted both: {:#?}", plan.violations);
    let v = &plan.violations[0];
    assert_eq!(v.person.id.as_str(), "E4");
    assert_eq!(v.duties[0].granted_by.len(), 1);
    assert_eq!(v.duties[1].granted_by.len(), 1);
    // The role change to approver is what would give the second duty.
    assert_eq!(v.duties[1].held_back, ["payments update both@example.com (payments role approver)"]);
    let held = plan.changes_for("payments").iter().find(|c| c.account.label() == "both@example.com").unwrap();
    assert_eq!((held.action, held.proposed), (Action::Review, Some(Action::Update)));
    // E5 is granted only one duty: their account is created.
    find(&plan, Action::Create, "clerk@example.com");
}

#[test]
fn suspended_accounts_carry_no_duty_and_the_plan_reports_none() {
    let set = org();
    let ppl = people(vec![person("E6", "clerk@example.com", "管理本部/経理部")]);
    let mut old = in_bank("clerk@example.com", &["payers"]);
    old.status = keyward_core::AccountStatus::Suspended;
    let plan = plan_on(&set, &ppl, vec![("bank", vec![old])], today());
    assert!(plan.violations.is_empty(), "{:#?}", plan.violations);
    find(&plan, Action::Create, "clerk@example.com");
}

#[test]
fn violations_render_in_text_markdown_and_json() {
    let set = org();
    let mut p = two_posts("E1", "both@example.com");
    p.name = Some("<b>佐藤</b> @channel".into());
    let ppl = people(vec![p]);
    let plan = plan_on(&set, &ppl, vec![], today());

    let text = keyward_core::present::render::text(&plan, Default::default());
    assert!(text.contains("Separation of duties: 1 violation (1 rule checked)."), "{text}");
    assert!(text.contains("  ✗ four-eyes  <b>佐藤</b> @channel (E1): submit payments and release payments"), "{text}");
    assert!(
        text.contains(
            "      submit payments — granted by AccessPolicy submitters (管理本部/経理部): payments role submitter · held back: payments create both@example.com (payments role submitter)"
        ),
        "{text}"
    );

    let md = keyward_core::present::render::markdown(&plan);
    assert!(md.contains("**Separation of duties: 1 violation (1 rule checked).**"), "{md}");
    assert!(!md.contains("<b>佐藤</b>"), "names are escaped in Markdown: {md}");
    // The call-out is part of the head, which a shortened comment keeps.
    let short = keyward_core::present::render::markdown_within(&plan, 1_200);
    assert!(short.len() <= 1_200);
    assert!(short.contains("Separation of duties"), "{short}");

    let json = keyward_core::present::render::json(&plan);
    let back = Plan::from_json(&json).unwrap();
    assert_eq!(back.violations, plan.violations);
    assert_eq!(back.duty_rules, 1);
    // The same inputs give the same bytes.
    assert_eq!(json, keyward_core::present::render::json(&plan_on(&set, &ppl, vec![], today())));
}

#[test]
fn without_rules_the_plan_says_nothing_about_duties() {
    let set = policy(&format!("{}{}", app("payments", PAYMENTS), access("all", "{}", "[{app: payments}]")));
    let ppl = people(vec![person("E1", "a@example.com", "営業本部")]);
    let plan = plan_on(&set, &ppl, vec![], today());
    assert_eq!(plan.duty_rules, 0);
    let json = keyward_core::present::render::json(&plan);
    assert!(!json.contains("violations") && !json.contains("dutyRules"), "{json}");
    assert!(!keyward_core::present::render::text(&plan, Default::default()).contains("Separation of duties"));
}

#[test]
fn a_rule_a_person_cannot_satisfy_is_an_error_at_its_place() {
    let load = |duties: &str| {
        let text = format!("{}---\n{}{}", PEOPLE_SOURCE, app("payments", PAYMENTS), rule(duties));
        match keyward_core::PolicySet::load("p", vec![keyward_core::SourceFile { path: "p.yaml".into(), text }]) {
            Ok(_) => panic!("loads"),
            Err(d) => d.to_string(),
        }
    };
    let one = load("    - name: submit\n      entitlements: [{app: payments, role: submitter}]");
    assert!(one.contains("lists 1 duty; it needs at least two"), "{one}");

    let unknown = load(
        "    - name: submit\n      entitlements: [{app: paymnets, role: submitter}]\n    - name: approve\n      entitlements: [{app: payments, role: aprover}]",
    );
    assert!(unknown.contains("unknown application `paymnets`"), "{unknown}");
    assert!(unknown.contains("did you mean `payments`"), "{unknown}");
    assert!(unknown.contains("`aprover` is not a role of application `payments`"), "{unknown}");

    let same = load(
        "    - name: submit\n      entitlements: [{app: payments, role: submitter}]\n    - name: approve\n      entitlements: [{app: payments, role: Submitter}]",
    );
    assert!(same.contains("this entitlement is also in duty `submit`"), "{same}");

    let dup = load(
        "    - name: submit\n      entitlements: [{app: payments, role: submitter}]\n    - name: Submit\n      entitlements: [{app: payments, role: approver}]",
    );
    assert!(dup.contains("duty `Submit` is listed twice"), "{dup}");
}

#[test]
fn explain_shows_the_violations_of_the_person() {
    let set = org();
    let ppl = people(vec![two_posts("E1", "both@example.com"), person("E2", "clerk@example.com", "管理本部/経理部")]);
    let listings: std::collections::BTreeMap<String, keyward_core::AccountListing> = set
        .applications
        .iter()
        .map(|a| (a.name.clone(), keyward_core::AccountListing::new(format!("{}.csv", a.name), vec![])))
        .collect();
    let e = keyward_core::present::explain::explain(&set, &ppl, &listings, "E1", today()).unwrap();
    assert_eq!(e.violations.len(), 1);
    let text = e.to_text();
    assert!(text.contains("Separation of duties\n  ✗ four-eyes: submit payments and release payments"), "{text}");
    assert!(text.contains("    release payments — granted by AccessPolicy releasers"), "{text}");
    // The same as the whole plan says about E1.
    let full = plan_on(&set, &ppl, vec![], today());
    assert_eq!(full.violations.iter().filter(|v| v.person.id == "E1").cloned().collect::<Vec<_>>(), e.violations);

    let e2 = keyward_core::present::explain::explain(&set, &ppl, &listings, "E2", today()).unwrap();
    assert!(e2.violations.is_empty());
    assert!(!e2.to_text().contains("Separation of duties"));
}

#[test]
fn the_admin_report_lists_the_plan_s_violations() {
    let set = org();
    let mut p = two_posts("E1", "both@example.com");
    p.name = Some("<img src=x>".into());
    let ppl = people(vec![p]);
    let listings: std::collections::BTreeMap<String, keyward_core::AccountListing> = set
        .applications
        .iter()
        .map(|a| (a.name.clone(), keyward_core::AccountListing::new(format!("{}.csv", a.name), vec![])))
        .collect();
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();
    let report = keyward_core::present::report::Report::build(&set, &ppl, &listings, &plan).unwrap();
    assert_eq!(report.violations, plan.violations);
    let html = keyward_core::present::report::html::page(&report);
    assert!(html.contains("<section id=\"duties\" data-rules=\"1\" data-violations=\"1\">"), "{html}");
    assert!(html.contains("&lt;img src=x&gt;") && !html.contains("<img src=x>"), "names are escaped");
    assert!(html.contains("held back: payments create both@example.com"), "{html}");
}
