//! Probable people for accounts that match nobody (issue 17, item 2):
//! personal addresses, romaji display names and kanji written without a
//! space are compared with HR's names and readings, and the candidates are
//! named — never matched.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use jiff::civil::date;
use keyward_core::account::Account;
use keyward_core::action::Action;
use keyward_core::people::{NameReading, People, Person};
use keyward_core::resources::HrStatus;

fn named(id: &str, email: &str, name: &str, family: &str, given: &str) -> Person {
    let mut p = person(id, email, "営業");
    p.name = Some(name.into());
    p.reading = Some(NameReading { family: family.into(), given: given.into() });
    p
}

fn org() -> People {
    let mut taro = named("E0100", "taro.yamada@example.com", "山田 太郎", "ヤマダ", "タロウ");
    taro.status = HrStatus::Terminated;
    taro.end_date = Some(date(2025, 3, 31));
    people(vec![
        taro,
        named("E0200", "yuki.ohno@example.com", "大野 優希", "オオノ", "ユウキ"),
        named("E0300", "hanako.sato@example.com", "佐藤 花子", "さとう", "はなこ"),
        named("E0400", "jiro.sato@example.com", "佐藤 次郎", "サトウ", "ジロウ"),
    ])
}

fn set() -> keyward_core::PolicySet {
    policy(&format!("{}{}", app("chat", ""), access("all", "{department: ['**']}", "[{app: chat, role: member}]")))
}

fn orphan(email: &str, display: Option<&str>) -> Account {
    let mut a = account(email);
    a.display_name = display.map(Into::into);
    a
}

fn reason_of(plan: &keyward_core::plan::Plan, label: &str) -> String {
    let c = find(plan, Action::Review, label);
    assert!(c.person.is_none(), "a hint never links: {c:?}");
    c.reason.clone()
}

#[test]
fn orphans_name_the_people_they_probably_are_with_their_status() {
    let accounts = vec![
        orphan("taro.yamada@gmail.com", Some("Taro Yamada")),
        orphan("yuuki-oono@gmail.com", None),
        orphan("u123@example.net", Some("Yuki Ohno")),
        orphan("hanako_sato99@gmail.com", None),
        orphan("x1@example.net", Some("山田太郎")),
        orphan("sato@example.net", Some("Sato")),
        orphan("shared-inbox@example.com", Some("Sales inbox")),
    ];
    let plan = plan_on(&set(), &org(), vec![("chat", accounts)], today());
    let has = |label: &str, want: &str| {
        let r = reason_of(&plan, label);
        assert!(r.contains(want), "{label}: `{want}` missing from: {r}");
    };
    has("taro.yamada@gmail.com", "by its name probably E0100 山田 太郎 (left 2025-03-31)");
    has("yuuki-oono@gmail.com", "probably E0200 大野 優希 (current)");
    has("u123@example.net", "probably E0200 大野 優希 (current)");
    has("hanako_sato99@gmail.com", "probably E0300 佐藤 花子 (current)");
    has("x1@example.net", "probably E0100 山田 太郎");
    // A family name alone suggests nobody (two 佐藤 work here), and a
    // mailbox is no one's name.
    for label in ["sato@example.net", "shared-inbox@example.com"] {
        assert!(!reason_of(&plan, label).contains("probably"), "{label}");
    }
    // Nothing but reviews: a hint never changes an account.
    let touched: Vec<_> =
        plan.changes.iter().filter(|c| c.action != Action::Review && c.action != Action::Create).collect();
    assert!(touched.is_empty(), "{touched:#?}");
}
