#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `keyward history` and the leaver report rendered from records of a
//! small organisation, in English and Japanese (snapshots): Mei left on
//! 2026-11-13; her chat account was suspended on 2026-11-16 (JST), her
//! drive account is still open; a change to Aki's chat account was
//! attempted without a recorded result.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::date;
use jiff::tz::TimeZone;
use keyward_core::account::{Account, AccountListing};
use keyward_core::action::Action;
use keyward_core::history::{self, ListingRecord, Outcome, Seen};
use keyward_core::i18n::Lang;
use keyward_core::people::{People, Person};
use keyward_core::present::history as render;
use keyward_core::present::leavers;

fn named(id: &str, email: &str, name: &str) -> Person {
    let mut p = person(id, email, "Sales");
    p.name = Some(name.into());
    p
}

fn org() -> (keyward_core::PolicySet, People, BTreeMap<String, AccountListing>) {
    let set = policy(&format!(
        "{}{}{}",
        app("chat", "  roles: [member, admin]\n  defaultRole: member"),
        app("drive", ""),
        access("staff", "{employmentType: [full-time]}", "[{app: chat, role: member}, {app: drive}]"),
    ));
    let mut mei = named("E3", "mei@example.com", "Mei 佐藤");
    mei.end_date = Some(date(2026, 11, 13));
    let ppl = people(vec![named("E1", "aki@example.com", "Aki 山田"), mei]);
    let mut aki_chat: Account = account("aki@example.com");
    aki_chat.role = Some("admin".into());
    let listings: BTreeMap<String, AccountListing> = [
        ("chat", vec![aki_chat, account("mei@example.com"), account("ghost@example.com")]),
        ("drive", vec![account("aki@example.com"), account("mei@example.com")]),
    ]
    .into_iter()
    .map(|(app, a)| (app.to_owned(), AccountListing::new(format!("{app}.csv"), a)))
    .collect();
    (set, ppl, listings)
}

fn at(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

/// A listing of both apps on 2026-11-12, then Mei's chat suspension and an
/// unconfirmed update of Aki's.
fn records(set: &keyward_core::PolicySet, ppl: &People, listings: &BTreeMap<String, AccountListing>) -> Vec<Seen> {
    let listed = keyward_core::owners::listed_accounts(set, ppl, listings);
    let mut seen: Vec<Seen> = listed
        .iter()
        .enumerate()
        .map(|(i, (app, accounts))| Seen::Listing {
            seq: i as u64 + 1,
            time: at("2026-11-12T00:30:00Z"),
            run: "20261112T003000Z-1".into(),
            app: app.clone(),
            record: ListingRecord::full(accounts),
        })
        .collect();
    let chat = &listed["chat"];
    let id = |h: &str| chat.iter().find(|a| a.handle == h).unwrap().id.clone();
    let change = |seq, time: &str, action, outcome, h: &str, person: &str| Seen::Change {
        seq,
        time: at(time),
        run: "20261116T000000Z-2".into(),
        app: "chat".into(),
        action,
        outcome,
        account_id: Some(id(h)),
        account: h.into(),
        person: Some(person.into()),
    };
    seen.push(change(3, "2026-11-16T00:00:01Z", Action::Suspend, Outcome::Attempted, "mei@example.com", "E3"));
    seen.push(change(4, "2026-11-16T00:00:02Z", Action::Suspend, Outcome::Applied, "mei@example.com", "E3"));
    seen.push(change(5, "2026-11-16T00:00:03Z", Action::Update, Outcome::Attempted, "aki@example.com", "E1"));
    seen
}

fn tokyo() -> TimeZone {
    TimeZone::get("Asia/Tokyo").unwrap()
}

fn history_in(format: render::Format, lang: Lang) -> String {
    let (set, ppl, listings) = org();
    let seen = records(&set, &ppl, &listings);
    let end = date(2026, 11, 17).to_zoned(tokyo()).unwrap().timestamp();
    let h = history::at(&seen, end, &["wiki".to_owned()]);
    render::render(&h, "2026-11-16", &tokyo(), format, lang)
}

fn leavers_in(format: leavers::Format, lang: Lang) -> String {
    let (set, ppl, mut listings) = org();
    let seen = records(&set, &ppl, &listings);
    // Today's listing shows the suspension the records say was applied.
    let chat = listings.get_mut("chat").unwrap();
    chat.accounts.iter_mut().filter(|a| a.label() == "mei@example.com").for_each(|a| {
        a.status = keyward_core::account::AccountStatus::Suspended;
    });
    let plan = keyward_core::plan(&set, &ppl, &listings, date(2026, 11, 20)).unwrap();
    let rows = leavers::rows(&ppl, &seen, &plan, &set.exceptions, &tokyo(), leavers::Range::default(), lang);
    leavers::render(&rows, plan.date, format, lang)
}

#[test]
fn history_text() {
    insta::assert_snapshot!(history_in(render::Format::Text, Lang::En));
}

#[test]
fn history_text_ja() {
    insta::assert_snapshot!(history_in(render::Format::Text, Lang::Ja));
}

#[test]
fn history_markdown() {
    insta::assert_snapshot!(history_in(render::Format::Markdown, Lang::En));
}

#[test]
fn history_markdown_ja() {
    insta::assert_snapshot!(history_in(render::Format::Markdown, Lang::Ja));
}

#[test]
fn history_before_the_first_listing_is_unknown() {
    let (set, ppl, listings) = org();
    let seen = records(&set, &ppl, &listings);
    let end = date(2026, 11, 12).to_zoned(tokyo()).unwrap().timestamp();
    let csv = render::render(&history::at(&seen, end, &[]), "2026-11-11", &tokyo(), render::Format::Csv, Lang::Ja);
    assert_eq!(
        csv,
        "app,accountId,account,owner,role,groups,status,certainty,basis\n\
chat,,,,,,unknown,,no listing of this app was recorded before 2026-11-12 00:00\n\
drive,,,,,,unknown,,no listing of this app was recorded before 2026-11-12 00:00\n"
    );
}

#[test]
fn leavers_csv() {
    insta::assert_snapshot!(leavers_in(leavers::Format::Csv, Lang::En));
}

#[test]
fn leavers_csv_ja() {
    insta::assert_snapshot!(leavers_in(leavers::Format::CsvForPeople, Lang::Ja));
}

#[test]
fn leavers_markdown() {
    insta::assert_snapshot!(leavers_in(leavers::Format::Markdown, Lang::En));
}

#[test]
fn leavers_markdown_ja() {
    insta::assert_snapshot!(leavers_in(leavers::Format::Markdown, Lang::Ja));
}

#[test]
fn leavers_html_escapes_and_uses_the_report_style() {
    let html = leavers_in(leavers::Format::Html, Lang::Ja);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"), "{html}");
    assert!(html.contains("header.top"), "the admin report's style sheet");
    assert!(html.contains("<td>Mei 佐藤</td>"), "{html}");
}
