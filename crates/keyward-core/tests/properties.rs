//! Properties that must hold for any HR data and any accounts:
//! - planning is deterministic, whatever the order of the inputs;
//! - removing people from the HR data (a truncated or filtered export)
//!   never adds a suspension, hand-over or deletion.
//!
//! Generated people have distinct e-mails and GitHub logins: a rehire kept
//! as two records sharing an e-mail is a different story (losing the new
//! record exposes the old, terminated one), guarded by the HR-shrink guard
//! rather than by planning.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use std::collections::BTreeSet;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::PolicySet;
use keyward_core::account::{Account, AccountStatus};
use keyward_core::action::Action;
use keyward_core::people::Person;
use keyward_core::plan::Plan;
use keyward_core::present::render;
use keyward_core::resources::HrStatus;
use proptest::prelude::*;

fn set() -> PolicySet {
    policy(&format!(
        "{}{}{}{}{}",
        app(
            "strict",
            "  roles: [guest, member, admin]\n  correlate: [{email: {domainAliases: {example.co.jp: example.com}}}]\n  lifecycle: {provisionBefore: 5d, onLeave: suspend, ungranted: suspend, moverGrace: 7d, offboarding: {transferTo: manager, deleteAfter: 30d}}",
        ),
        app(
            "github",
            "  correlate: [{email: {}}, {attribute: {attribute: github, accountField: username}}]\n  lifecycle: {offboarding: {suspend: onLastDay, deleteAfter: 10d}}"
        ),
        access("sales", "{department: ['営業/**']}", "[{app: strict, role: member, groups: [sales]}]"),
        access("eng", "{department: ['開発/**']}", "[{app: strict, role: admin, groups: [eng]}, {app: github}]"),
        access("contractors", "{employmentType: [contractor]}", "[{app: strict, role: guest}]"),
    ))
}

const DEPTS: [&str; 4] = ["営業/東京", "営業", "開発/基盤", "総務"];

fn day(offset: i64) -> Date {
    date(2026, 6, 1).checked_add(jiff::Span::new().days(offset)).unwrap()
}

#[derive(Debug, Clone)]
struct Gen {
    persons: Vec<Person>,
    strict: Vec<Account>,
    github: Vec<Account>,
    today: Date,
}

prop_compose! {
    fn gen_person(i: usize)(
        dept in 0..DEPTS.len(),
        contractor in any::<bool>(),
        status in 0..3u8,
        start in -400i64..200,
        end in prop::option::of(-300i64..300),
        manager in prop::option::of(0..12usize),
        moved in prop::option::of(-30i64..10),
        github in any::<bool>(),
    ) -> Person {
        let mut p = person(&format!("E{i:03}"), &format!("p{i}@example.com"), DEPTS[dept]);
        if contractor { p.employment_type = Some("contractor".into()); }
        p.status = [HrStatus::Active, HrStatus::OnLeave, HrStatus::Terminated][status as usize];
        p.start_date = Some(day(start));
        p.end_date = end.map(day);
        p.manager = manager.map(|m| format!("E{m:03}"));
        p.moved_on = moved.map(day);
        if github { p.attributes.insert("github".into(), format!("gh-{i}")); }
        p
    }
}

prop_compose! {
    fn gen_account(i: usize, n: usize)(
        who in 0..n.max(1) + 3,
        style in 0..4u8,
        status in 0..3u8,
        role in 0..4u8,
        groups in prop::collection::vec(prop::sample::select(vec!["sales", "eng", "other"]), 0..3),
    ) -> Account {
        let local = if who >= n { format!("orphan{who}") } else { format!("p{who}") };
        let email = match style {
            0 => format!("{local}@example.com"),
            1 => format!("{}+x@EXAMPLE.com", local.to_uppercase()),
            2 => format!("{local}@example.co.jp"),
            _ => format!("{local}@elsewhere.example"),
        };
        let mut a = Account::new(format!("acct-{i}"));
        a.email = Some(email.into());
        a.username = Some(format!("gh-{who}").into());
        a.status = [AccountStatus::Active, AccountStatus::Suspended, AccountStatus::Invited][status as usize];
        a.role = [None, Some("guest"), Some("member"), Some("admin")][role as usize].map(Into::into);
        a.groups = groups.into_iter().collect::<BTreeSet<&str>>().into_iter().map(Into::into).collect();
        a
    }
}

fn org() -> impl Strategy<Value = Gen> {
    (0usize..12).prop_flat_map(|n| {
        let persons: Vec<_> = (0..n).map(gen_person).collect();
        let strict: Vec<_> = (0..n + 3).map(|i| gen_account(i, n)).collect();
        let github: Vec<_> = (0..n + 3).map(|i| gen_account(100 + i, n)).collect();
        (persons, strict, github, -60i64..300).prop_map(|(persons, strict, github, t)| Gen {
            persons,
            strict,
            github,
            today: day(t),
        })
    })
}

fn run(g: &Gen, persons: Vec<Person>) -> Plan {
    plan_on(&set(), &people(persons), vec![("strict", g.strict.clone()), ("github", g.github.clone())], g.today)
}

fn deprovisioning(plan: &Plan) -> BTreeSet<(String, String, Action)> {
    plan.changes
        .iter()
        .filter(|c| c.action.is_deprovisioning())
        .map(|c| (c.app.to_string(), c.account.id.as_deref().unwrap_or_default().to_owned(), c.action))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn planning_is_deterministic_whatever_the_input_order(g in org()) {
        let a = render::json(&run(&g, g.persons.clone()));
        let b = render::json(&run(&g, g.persons.clone()));
        prop_assert_eq!(&a, &b);
        let mut reversed = g.clone();
        reversed.strict.reverse();
        reversed.github.reverse();
        let c = render::json(&run(&reversed, g.persons.iter().rev().cloned().collect()));
        prop_assert_eq!(&a, &c);
    }

    #[test]
    fn removing_people_never_adds_deprovisioning(g in org(), drop in prop::collection::vec(any::<bool>(), 12)) {
        let full = deprovisioning(&run(&g, g.persons.clone()));
        let kept: Vec<Person> = g.persons.iter().enumerate().filter(|(i, _)| !drop[*i]).map(|(_, p)| p.clone()).collect();
        let partial = deprovisioning(&run(&g, kept));
        let added: Vec<_> = partial.difference(&full).collect();
        prop_assert!(added.is_empty(), "removing people added {:?}", added);
    }
}
