#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A plan for one person (after an HR event) says exactly what the full
//! plan says about that person, even though the listing holds only the
//! accounts that may be theirs.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::date;
use keyward_core::account::AccountListing;
use keyward_core::action::Action;

#[test]
fn a_scoped_plan_matches_the_full_plan_for_that_person_and_says_nothing_else() {
    let set = policy(&format!(
        "{}{}",
        app("slack", "  lifecycle: {offboarding: {transferTo: manager}}"),
        access("everyone", "{}", "[{app: slack}]")
    ));
    let boss = person("E1", "boss@example.com", "営業本部");
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 11, 20));
    leaver.manager = Some("E1".into());
    let joiner = person("E3", "new@example.com", "営業本部");
    let ppl = people(vec![boss, leaver, joiner]);
    let all = vec![account("boss@example.com"), account("leaver@example.com"), account("stray@example.com")];
    let full = plan_on(&set, &ppl, vec![("slack", all)], today());

    // The listing a targeted lookup returns: the leaver's account, and the
    // manager's (the hand-over target) found by the same lookup.
    let mut listings = BTreeMap::new();
    listings.insert(
        "slack".to_owned(),
        AccountListing::new("lookup", vec![account("leaver@example.com"), account("boss@example.com")]),
    );
    let leaver_idx = ppl.find("E2").unwrap();
    let scoped = keyward_core::plan_scoped(&set, &ppl, &listings, today(), &[leaver_idx]).unwrap();

    let of_leaver = |p: &keyward_core::Plan| -> Vec<(Action, String)> {
        p.changes
            .iter()
            .filter(|c| c.person.as_ref().is_some_and(|x| x.id == "E2"))
            .map(|c| (c.action, c.account.label().to_owned()))
            .collect()
    };
    assert_eq!(of_leaver(&scoped), of_leaver(&full));
    assert_eq!(
        of_leaver(&scoped),
        vec![(Action::Suspend, "leaver@example.com".into()), (Action::Transfer, "leaver@example.com".into())]
    );
    // Nothing about anyone else: no create for the joiner (whose accounts
    // were not looked up), no review of accounts outside the lookup.
    assert_eq!(scoped.changes.len(), 2, "{:#?}", actions(&scoped));
    assert!(full.changes.iter().any(|c| c.action == Action::Create), "the full plan does create for E3");
}
