//! Builders for planning tests: a policy from YAML, people and accounts
//! from short constructors, and a plan for a date.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers; a panic is the failure report

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use keyward_core::account::{Account, AccountListing, AccountStatus};
use keyward_core::action::Action;
use keyward_core::diag::Diagnostics;
use keyward_core::people::{FieldLabels, People, Person, PersonOrigin, Post, SourceInfo};
use keyward_core::plan::{Change, Plan};
use keyward_core::resources::HrStatus;
use keyward_core::{PolicySet, SourceFile};

pub const PEOPLE_SOURCE: &str = r#"
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: smarthr}
spec:
  csv:
    path: hr.csv
    columns:
      id: 社員番号
      email: メールアドレス
      manager: 上長社員番号
      movedOn: 異動日
      attributes: {github: GitHubアカウント}
"#;

/// Loads `text` as the one policy file `path`; a refusal as it prints.
pub fn load_file(path: &str, text: String) -> Result<PolicySet, String> {
    PolicySet::load("policies", vec![SourceFile { path: path.into(), text }]).map(|l| l.set).map_err(|d| d.to_string())
}

/// `(position: message, help)` of every error and warning.
pub fn problem_list(d: &Diagnostics) -> Vec<(String, String)> {
    d.0.iter().map(|x| (format!("{}: {}", x.position(), x.message), x.help.clone().unwrap_or_default())).collect()
}

/// Some problem is at `start` (a position, perhaps with its message) and
/// its help says `help`.
pub fn has(ps: &[(String, String)], start: &str, help: &str) {
    assert!(
        ps.iter().any(|(m, h)| m.starts_with(start) && h.contains(help)),
        "no `{start}` with help `{help}` in {ps:#?}"
    );
}

/// Loads `extra` documents after a PeopleSource.
pub fn policy(extra: &str) -> PolicySet {
    let text = format!("{PEOPLE_SOURCE}---\n{extra}");
    match PolicySet::load("policies", vec![SourceFile { path: "policies/p.yaml".into(), text }]) {
        Ok(l) => l.set,
        Err(d) => panic!("policy does not load:\n{d}"),
    }
}

/// An Application with a csv-export connector and the given extra spec
/// lines (indented by two spaces in `spec:`).
pub fn app(name: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  connector:\n    csvExport: {{path: {name}.csv, columns: {{email: email}}}}\n{extra_spec}\n---\n"
    )
}

/// An AccessPolicy.
pub fn access(name: &str, select: &str, grant: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {{name: {name}}}\nspec:\n  select: {select}\n  grant: {grant}\n---\n"
    )
}

pub fn source() -> Vec<SourceInfo> {
    vec![SourceInfo {
        name: "smarthr".into(),
        location: "hr.csv".into(),
        labels: FieldLabels {
            status: Some("在籍状況".into()),
            start_date: Some("入社年月日".into()),
            end_date: Some("退職年月日".into()),
            department: Some("部署".into()),
            title: Some("役職".into()),
            employment_type: Some("雇用形態".into()),
            moved_on: Some("異動日".into()),
        },
    }]
}

/// A full-time employee in `dept`, started 2020-04-01.
pub fn person(id: &str, email: &str, dept: &str) -> Person {
    Person {
        id: id.into(),
        previous_ids: vec![],
        reading: None,
        email: Some(email.into()),
        name: None,
        posts: vec![Post { department: Some(dept.into()), title: None }],
        employment_type: Some("full-time".into()),
        status: HrStatus::Active,
        status_label: Some("在籍".into()),
        start_date: Some(date(2020, 4, 1)),
        end_date: None,
        manager: None,
        moved_on: None,
        attributes: BTreeMap::new(),
        origin: PersonOrigin { source: 0, line: 2 },
    }
}

pub fn people(persons: Vec<Person>) -> People {
    People::new(source(), persons).expect("people")
}

/// An active `member` account with this e-mail (used as the id too).
pub fn account(email: &str) -> Account {
    let mut a = Account::new(email);
    a.email = Some(email.into());
    a.role = Some("member".into());
    a
}

pub fn suspended(email: &str) -> Account {
    let mut a = account(email);
    a.status = AccountStatus::Suspended;
    a
}

/// Plans with one listing per app given as (app, accounts).
pub fn plan_on(set: &PolicySet, people: &People, accounts: Vec<(&str, Vec<Account>)>, on: Date) -> Plan {
    let mut listings = BTreeMap::new();
    for app in &set.applications {
        listings.insert(app.name.clone(), AccountListing::new(format!("{}.csv", app.name), vec![]));
    }
    for (app, accts) in accounts {
        listings.insert(app.to_owned(), AccountListing::new(format!("{app}.csv"), accts));
    }
    let plan = keyward_core::plan(set, people, &listings, on).expect("plan");
    reasons_are_messages(&plan);
    plan
}

/// Every reason the planner gives is a message whose English rendering is
/// the stored `reason` byte for byte (the JSON contract), and which exists
/// in Japanese (no id left unrendered). Run on every plan the tests make.
pub fn reasons_are_messages(plan: &Plan) {
    use keyward_core::i18n::Lang;
    for c in plan.changes.iter().chain(plan.held.iter().map(|h| &h.change)) {
        let m = c.message.as_ref().unwrap_or_else(|| panic!("a reason without a message: {:?}", c.reason));
        assert_eq!(m.render(Lang::En), c.reason, "the message {m:?} renders otherwise in English");
        let ja = m.render(Lang::Ja);
        assert!(!ja.contains("reason-") && !ja.is_empty(), "{ja:?}: a message missing in Japanese");
    }
}

/// `(action, account label)` pairs of a plan, for compact assertions.
pub fn actions(plan: &Plan) -> Vec<(Action, String)> {
    plan.changes.iter().map(|c| (c.action, c.account.label().to_owned())).collect()
}

pub fn find<'a>(plan: &'a Plan, action: Action, label: &str) -> &'a Change {
    plan.changes
        .iter()
        .find(|c| c.action == action && c.account.label() == label)
        .unwrap_or_else(|| panic!("no {action:?} for {label} in {:#?}", actions(plan)))
}

pub fn today() -> Date {
    date(2026, 11, 23)
}
