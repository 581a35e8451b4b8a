//! A real plan, made by the planner from people and listings, applied
//! over several days.

use super::*;

fn person(id: &str, email: &str) -> Person {
    Person {
        id: id.into(),
        previous_ids: vec![],
        reading: None,
        email: Some(email.into()),
        name: None,
        posts: vec![Post { department: Some("Sales".into()), title: None }],
        employment_type: Some("full-time".into()),
        status: HrStatus::Active,
        status_label: None,
        start_date: Some(date(2020, 4, 1)),
        end_date: None,
        manager: None,
        moved_on: None,
        attributes: BTreeMap::new(),
        origin: PersonOrigin { source: 0, line: 2 },
    }
}

#[tokio::test]
async fn a_real_plan_creates_then_suspends_then_deletes() {
    let env = Env::new();
    let set = policy(&[
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: crm}\nspec:\n  connector:\n    csvExport: {path: crm.csv, columns: {email: email}}\n  lifecycle: {offboarding: {deleteAfter: 1d}}\n---\n".to_owned(),
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: everyone}\nspec:\n  select: {}\n  grant: [{app: crm, role: member}]\n---\n".to_owned(),
    ]);
    let mut gone = person("E2", "gone@example.com");
    gone.end_date = Some(date(2026, 10, 31));
    let source = vec![SourceInfo { name: "hr".into(), location: "hr.csv".into(), labels: FieldLabels::default() }];
    let people = People::new(source, vec![person("E1", "new@example.com"), gone]).unwrap();
    let (fake, seen) = Fake::new("crm");
    let mut acct = Account::new("U2");
    acct.email = Some("gone@example.com".into());
    acct.role = Some("member".into());
    let listing = AccountListing::new("crm", vec![acct]).with_capabilities(fake.caps);
    let listings = BTreeMap::from([("crm".to_owned(), listing)]);
    let plan = keyward_core::plan(&set, &people, &listings, date(2026, 11, 23)).unwrap();

    let report = env.apply(&plan, &connectors(vec![fake]), &set, &env.opts("r1")).await;
    let order: Vec<(Action, String)> = seen.calls().into_iter().map(|c| (c.action, c.account)).collect();
    assert_eq!(
        order,
        vec![
            (Action::Create, "new@example.com".to_owned()),
            (Action::Suspend, "gone@example.com".to_owned()),
            (Action::Delete, "gone@example.com".to_owned()),
        ]
    );
    assert!(!report.is_partial(), "{}", report.render_text(keyward_core::i18n::Lang::En));
    assert_eq!(AuditLog::open(env.log_path()).unwrap().last_people_total(), Some(2));
}
