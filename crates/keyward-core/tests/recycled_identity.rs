//! Uncertain identities (issue 17, item 1): an address HR gave to a new
//! hire after its earlier holder left, and an account older than its
//! person, are reviewed with the evidence — never attributed silently,
//! never changed by keyward.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::account::{Account, AccountStatus};
use keyward_core::action::Action;
use keyward_core::people::{People, Person};
use keyward_core::resources::HrStatus;

fn set() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}",
        app("chat", "  lifecycle: {provisionBefore: 7d, offboarding: {deleteAfter: 30d}}"),
        access("all", "{department: ['**']}", "[{app: chat, role: member}]"),
    ))
}

const ON: Date = date(2026, 11, 23);

/// 山田 太郎 E0100 left on 2025-03-31; another 山田 太郎, E0500, joined on
/// 2026-04-01 and HR gave him the same address.
fn org() -> People {
    let mut leaver = person("E0100", "taro.yamada@example.com", "営業");
    leaver.name = Some("山田 太郎".into());
    leaver.start_date = Some(date(2015, 4, 1));
    leaver.end_date = Some(date(2025, 3, 31));
    leaver.status = HrStatus::Terminated;
    let mut hire = person("E0500", "taro.yamada@example.com", "開発");
    hire.name = Some("山田 太郎".into());
    hire.start_date = Some(date(2026, 4, 1));
    let mut late = person("E0700", "jiro@example.com", "開発");
    late.start_date = Some(date(2026, 4, 1));
    people(vec![leaver, hire, late])
}

fn taro(status: AccountStatus, last_active: Option<Date>) -> Account {
    let mut a = account("taro.yamada@example.com");
    a.status = status;
    a.last_active = last_active;
    a
}

fn only(plan: &keyward_core::plan::Plan, label: &str) -> Vec<(Action, String)> {
    plan.changes.iter().filter(|c| c.account.label() == label).map(|c| (c.action, c.reason.clone())).collect()
}

#[test]
fn the_leavers_suspended_account_is_not_restored_for_the_new_hire() {
    // Last used before the new hire's first day: the leaver's account,
    // with the leaver's data. It used to be restored as a "rehire".
    let plan =
        plan_on(&set(), &org(), vec![("chat", vec![taro(AccountStatus::Suspended, Some(date(2025, 3, 20)))])], ON);
    let got = only(&plan, "taro.yamada@example.com");
    assert_eq!(got.len(), 1, "{got:#?}");
    let (action, reason) = &got[0];
    assert_eq!(*action, Action::Review, "{reason}");
    let c = find(&plan, Action::Review, "taro.yamada@example.com");
    assert_eq!(c.proposed, Some(Action::Restore));
    for part in [
        "E0500 山田 太郎 (active, from 2026-04-01)",
        "E0100 山田 太郎 (terminated, 2015-04-01 – 2025-03-31)",
        "last active 2025-03-20, before E0500 started on 2026-04-01 (less provisionBefore 7d)",
        "would decide",
    ] {
        assert!(reason.contains(part), "`{part}` missing from: {reason}");
    }
}

#[test]
fn a_live_account_of_a_recycled_address_is_reviewed_even_with_nothing_to_change() {
    let plan = plan_on(&set(), &org(), vec![("chat", vec![taro(AccountStatus::Active, Some(date(2025, 3, 20)))])], ON);
    let got = only(&plan, "taro.yamada@example.com");
    assert!(matches!(got.as_slice(), [(Action::Review, r)] if r.contains("several HR records")), "{got:#?}");
    // No evidence at all: undecided, and the review says what would decide.
    let plan = plan_on(&set(), &org(), vec![("chat", vec![taro(AccountStatus::Active, None)])], ON);
    let got = only(&plan, "taro.yamada@example.com");
    assert!(
        matches!(got.as_slice(), [(Action::Review, r)] if r.contains("it carries no employee id") && r.contains("could be any of theirs")),
        "{got:#?}"
    );
}

#[test]
fn evidence_for_the_new_hire_attributes_the_account_and_says_so() {
    // Signed in after the new start: theirs (a rehire keeps their account).
    let plan =
        plan_on(&set(), &org(), vec![("chat", vec![taro(AccountStatus::Suspended, Some(date(2026, 5, 10)))])], ON);
    let c = find(&plan, Action::Restore, "taro.yamada@example.com");
    assert!(
        c.reason.contains("the address was also E0100's; last active 2026-05-10, after E0500 started on 2026-04-01"),
        "{}",
        c.reason
    );
    // Created for the new hire (within provisionBefore), nothing to change: no review.
    let mut a = taro(AccountStatus::Active, None);
    a.created = Some(date(2026, 3, 28));
    let plan = plan_on(&set(), &org(), vec![("chat", vec![a])], ON);
    assert!(only(&plan, "taro.yamada@example.com").is_empty(), "{:#?}", actions(&plan));
    // Its employee id decides.
    let mut a = taro(AccountStatus::Active, Some(date(2025, 3, 20)));
    a.external_id = Some("E0500".into());
    let plan = plan_on(&set(), &org(), vec![("chat", vec![a])], ON);
    assert!(only(&plan, "taro.yamada@example.com").is_empty(), "{:#?}", actions(&plan));
}

#[test]
fn an_account_older_than_its_person_is_reviewed_not_attributed() {
    let mut a = account("jiro@example.com");
    a.created = Some(date(2024, 1, 10));
    let plan = plan_on(&set(), &org(), vec![("chat", vec![a.clone()])], ON);
    let got = only(&plan, "jiro@example.com");
    assert!(
        matches!(got.as_slice(), [(Action::Review, r)] if r.contains("older than E0700") && r.contains("created 2024-01-10, before E0700 started on 2026-04-01")),
        "{got:#?}"
    );
    // Last active before the start: the same.
    a.created = None;
    a.last_active = Some(date(2025, 12, 1));
    let plan = plan_on(&set(), &org(), vec![("chat", vec![a.clone()])], ON);
    assert!(matches!(only(&plan, "jiro@example.com").as_slice(), [(Action::Review, _)]), "{:#?}", actions(&plan));
    // Made within provisionBefore: theirs.
    a.last_active = None;
    a.created = Some(date(2026, 3, 25));
    let plan = plan_on(&set(), &org(), vec![("chat", vec![a])], ON);
    assert!(only(&plan, "jiro@example.com").is_empty(), "{:#?}", actions(&plan));
}

#[test]
fn a_rehire_on_the_same_record_keeps_the_earlier_account() {
    // HR's own marker: the same employee number with an end date before
    // the new start.
    let mut p: Person = person("E0900", "hanako@example.com", "営業");
    p.start_date = Some(date(2026, 4, 1));
    p.end_date = Some(date(2023, 3, 31));
    let mut a = suspended("hanako@example.com");
    a.last_active = Some(date(2023, 3, 20));
    let plan = plan_on(&set(), &people(vec![p]), vec![("chat", vec![a])], ON);
    find(&plan, Action::Restore, "hanako@example.com");
}
