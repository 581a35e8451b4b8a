#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! People who vanish from the HR source: the roster remembers whom keyward
//! saw, the planner (given the roster) shows the missing with their
//! accounts as reviews — never a suspension — and a read missing a large
//! share of the roster is one loud warning instead of a review per account.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::account::{Account, AccountListing};
use keyward_core::action::Action;
use keyward_core::plan::Plan;
use keyward_core::roster::Roster;
use keyward_core::{People, PolicySet};

fn set() -> PolicySet {
    policy(&format!("{}{}", app("slack", ""), access("everyone", "{}", "[{app: slack, role: member}]")))
}

fn plan_with(set: &PolicySet, people: &People, accounts: Vec<Account>, roster: &Roster, on: Date) -> Plan {
    let mut listings = BTreeMap::new();
    listings.insert("slack".to_owned(), AccountListing::new("slack.csv", accounts));
    keyward_core::plan_with_roster(set, people, &listings, on, roster).expect("plan")
}

fn named(id: &str, email: &str, name: &str) -> keyward_core::Person {
    let mut p = person(id, email, "営業本部");
    p.name = Some(name.into());
    p
}

#[test]
fn a_person_missing_since_the_last_read_is_reviewed_with_their_accounts_never_suspended() {
    let set = set();
    let before =
        people(vec![named("1042", "taro@example.com", "山田 太郎"), named("1043", "hanako@example.com", "佐藤 花子")]);
    let roster = Roster::default().updated(&before, date(2026, 11, 30));
    let after = people(vec![named("1043", "hanako@example.com", "佐藤 花子")]);
    let accounts = vec![account("taro@example.com"), account("hanako@example.com"), account("bot@example.com")];

    let plan = plan_with(&set, &after, accounts, &roster, date(2026, 12, 3));

    assert!(plan.changes.iter().all(|c| c.action == Action::Review), "{:#?}", actions(&plan));
    let c = find(&plan, Action::Review, "taro@example.com");
    assert_eq!(
        c.reason,
        "1042 山田 太郎 is no longer in the HR source (last seen 2026-11-30): decide — they left, or the record moved; keyward changes nothing on absence alone"
    );
    assert_eq!(c.person.as_ref().map(|p| p.id.as_str()), Some("1042"));
    let orphan = find(&plan, Action::Review, "bot@example.com");
    assert!(orphan.reason.starts_with("matches nobody"), "{}", orphan.reason);
    assert_eq!((plan.people.vanished, plan.people.known), (1, 2));
    assert_eq!(plan.vanished.len(), 1);
    assert_eq!(plan.vanished[0].last_seen, date(2026, 11, 30));
    assert_eq!(plan.vanished[0].accounts.len(), 1);
    assert_eq!(plan.vanished[0].accounts[0].account.label(), "taro@example.com");
    let text = keyward_core::present::render::text(&plan, Default::default());
    assert!(text.contains("! 1 person is no longer in the HR source (of 2 seen before)"), "{text}");
    assert!(
        text.contains(
            "  ? 1042 山田 太郎 <taro@example.com> — last seen 2026-11-30 (smarthr)\n      slack: taro@example.com"
        ),
        "{text}"
    );

    // Without the roster the same account matches nobody, as before.
    let plain = plan_on(&set, &after, vec![("slack", vec![account("taro@example.com")])], date(2026, 12, 3));
    assert!(find(&plain, Action::Review, "taro@example.com").reason.starts_with("matches nobody"));
    assert!(plain.vanished.is_empty());
}

#[test]
fn the_roster_never_forgets_until_the_person_reappears_or_a_human_acknowledges() {
    let both =
        people(vec![named("1042", "taro@example.com", "山田 太郎"), named("1043", "h@example.com", "佐藤 花子")]);
    let one = people(vec![named("1043", "h@example.com", "佐藤 花子")]);
    let r1 = Roster::default().updated(&both, date(2026, 11, 30));
    let r2 = r1.updated(&one, date(2026, 12, 5));
    let gone = r2.get("1042").expect("kept");
    assert_eq!((gone.first_seen, gone.last_seen), (date(2026, 11, 30), date(2026, 11, 30)));
    assert_eq!(r2.get("1043").unwrap().last_seen, date(2026, 12, 5));
    assert_eq!(r2.vanished(&one).len(), 1);

    // Back under a new employee number with the same address: the same person.
    let rekeyed =
        people(vec![named("2042", "taro@example.com", "山田 太郎"), named("1043", "h@example.com", "佐藤 花子")]);
    assert!(r2.vanished(&rekeyed).is_empty());
    let r3 = r2.updated(&rekeyed, date(2026, 12, 6));
    assert_eq!(r3.get("2042").unwrap().first_seen, date(2026, 11, 30));
    assert!(r3.get("1042").is_none());

    let mut acked = r2.clone();
    assert!(acked.acknowledge("1042", date(2026, 12, 7), "left on 2026-11-30, HR deleted the record".into()));
    assert!(acked.vanished(&one).is_empty());
    assert!(acked.get("1042").is_some(), "acknowledged, still remembered");
    let round = Roster::from_json(&acked.to_json()).unwrap();
    assert_eq!(round, acked);
}

#[test]
fn a_read_missing_a_large_share_of_the_roster_is_one_warning_not_a_review_each() {
    let set = set();
    let everyone: Vec<_> = (0..20).map(|i| named(&format!("{i:04}"), &format!("p{i}@example.com"), "x")).collect();
    let roster = Roster::default().updated(&people(everyone.clone()), date(2026, 11, 30));
    let truncated = people(everyone[..14].to_vec());
    let accounts = (0..20).map(|i| account(&format!("p{i}@example.com"))).collect();

    let plan = plan_with(&set, &truncated, accounts, &roster, date(2026, 12, 1));

    assert_eq!((plan.people.vanished, plan.people.known), (6, 20));
    assert!(plan.people.mass_vanish());
    assert!(plan.vanished.is_empty());
    assert!(plan.changes.iter().all(|c| c.person.is_some() || c.reason.starts_with("matches nobody")));
    assert!(
        plan.warnings.iter().any(|w| w.starts_with("6 of the 20 people keyward saw before are missing")),
        "{:#?}",
        plan.warnings
    );
    // Five of twenty is within the bound: reviewed one by one.
    let five = people(everyone[..15].to_vec());
    let accounts = (0..20).map(|i| account(&format!("p{i}@example.com"))).collect();
    let plan = plan_with(&set, &five, accounts, &roster, date(2026, 12, 1));
    assert!(!plan.people.mass_vanish());
    assert_eq!(plan.vanished.len(), 5);
}
