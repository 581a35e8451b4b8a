#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The admin report on a small organisation: its numbers agree with the
//! plan's, leavers' days are counted to the plan date, every value from
//! the data is escaped in the HTML, and the same inputs give the same
//! bytes.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::PolicySet;
use keyward_core::account::{Account, AccountListing};
use keyward_core::action::Action;
use keyward_core::people::{People, Person};
use keyward_core::present::report::html;
use keyward_core::present::report::{CellState, Problem, Report, RowKind};

/// chat bills active users and has a guest role; drive bills every
/// account until it is deleted and has no roles.
fn org() -> PolicySet {
    policy(&format!(
        "{}{}{}{}",
        app(
            "chat",
            "  roles: [guest, member, admin]\n  defaultRole: member\n  seatCost: {monthly: 1000, currency: JPY}"
        ),
        app("drive", "  seatCost: {monthly: 10, currency: USD, freedBy: delete}"),
        access("staff", "{employmentType: [full-time]}", "[{app: chat, role: member}, {app: drive}]"),
        access("contractors", "{employmentType: [contractor]}", "[{app: chat, role: guest}]"),
    ))
}

fn named(id: &str, email: &str, dept: &str, name: &str) -> Person {
    let mut p = person(id, email, dept);
    p.name = Some(name.into());
    p
}

/// Aki works here with both accounts; Ken is a contractor with a guest
/// account; Mei left on 2026-11-13 with chat still open and drive
/// suspended; Jo has no chat account yet. ghost@ and printer@ match
/// nobody.
fn staff() -> (People, Vec<(&'static str, Vec<Account>)>) {
    let aki = named("E1", "aki@example.com", "Sales/East", "Aki");
    let mut ken = named("E2", "ken@example.com", "Engineering", "Ken");
    ken.employment_type = Some("contractor".into());
    let mut mei = named("E3", "mei@example.com", "Sales/West", "Mei");
    mei.end_date = Some(date(2026, 11, 13));
    let jo = named("E4", "jo@example.com", "Sales/East", "Jo");
    let mut guest = account("ken@example.com");
    guest.role = Some("guest".into());
    let accounts = vec![
        ("chat", vec![account("aki@example.com"), guest, account("mei@example.com"), account("ghost@example.com")]),
        ("drive", vec![account("aki@example.com"), suspended("mei@example.com"), suspended("printer@example.com")]),
    ];
    (people(vec![aki, ken, mei, jo]), accounts)
}

fn listings(accounts: Vec<(&str, Vec<Account>)>) -> BTreeMap<String, AccountListing> {
    accounts.into_iter().map(|(app, a)| (app.to_owned(), AccountListing::new(format!("{app}.csv"), a))).collect()
}

fn report_on(set: &PolicySet, people: &People, accounts: Vec<(&str, Vec<Account>)>, on: Date) -> Report {
    let listings = listings(accounts);
    let plan = keyward_core::plan(set, people, &listings, on).unwrap();
    Report::build(set, people, &listings, &plan).unwrap()
}

#[test]
fn the_report_numbers_are_the_plans_and_the_inventorys() {
    let set = org();
    let (ppl, accounts) = staff();
    let listings = listings(accounts);
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();
    let r = Report::build(&set, &ppl, &listings, &plan).unwrap();

    assert_eq!(r.date, plan.date);
    assert_eq!(r.people, plan.people);
    assert_eq!(r.summary, plan.summary);
    assert_eq!(r.seat_totals, plan.seat_totals());
    for app in &plan.apps {
        let orphans = r.orphans.iter().find(|g| g.app == app.name).map_or(0, |g| g.accounts.len());
        assert_eq!(orphans, app.orphans, "{}", app.name);
        let bar = r.charts.accounts_by_app.iter().find(|b| b.app == app.name).unwrap();
        assert_eq!(bar.open + bar.suspended + bar.unmatched + bar.other, app.accounts, "{}", app.name);
    }

    // Mei's chat account is the one leaver's account that can sign in;
    // her suspended drive account is not "open".
    assert_eq!(r.leavers.len(), 1);
    assert_eq!(r.leavers[0].app, "chat");
    let mei = &r.leavers[0].accounts[0];
    assert_eq!((mei.person_id.as_str(), mei.account.account.as_str()), ("E3", "mei@example.com"));
    assert_eq!((mei.last_day, mei.days_since), (Some(date(2026, 11, 13)), Some(10)));
    assert_eq!(mei.plan.iter().map(|p| p.action).collect::<Vec<_>>(), [Action::Suspend]);
    assert_eq!(mei.kept_by, None);

    let orphans: Vec<(&str, &str)> = r
        .orphans
        .iter()
        .flat_map(|g| g.accounts.iter().map(|a| (g.app.as_str(), a.account.account.as_str())))
        .collect();
    assert_eq!(orphans, [("chat", "ghost@example.com"), ("drive", "printer@example.com")]);

    // One row per person, then one per unmatched handle.
    let rows: Vec<(RowKind, &str)> = r.matrix.iter().map(|m| (m.kind, m.name.as_str())).collect();
    assert_eq!(
        rows,
        [
            (RowKind::Person, "Aki"),
            (RowKind::Person, "Ken"),
            (RowKind::Person, "Mei"),
            (RowKind::Person, "Jo"),
            (RowKind::Unmatched, "ghost@example.com"),
            (RowKind::Unmatched, "printer@example.com"),
        ]
    );
    let row = |name: &str| r.matrix.iter().find(|m| m.name == name).unwrap();
    assert!(row("Aki").problems.is_empty(), "{:?}", row("Aki"));
    assert_eq!(row("Aki").cells[0].state, CellState::Active);
    let jo = &row("Jo").cells[0];
    assert_eq!(
        (jo.state, jo.actions.as_slice(), jo.problem),
        (CellState::Missing, &[Action::Create][..], Some(Problem::Mismatch))
    );
    assert_eq!(jo.granted.as_ref().and_then(|g| g.role.as_deref()), Some("member"));
    assert_eq!(row("Mei").problems, [Problem::Leaver]);
    assert!(row("Mei").leaver);
    assert_eq!(row("Mei").cells[1].state, CellState::Suspended);
    assert_eq!(row("ghost@example.com").problems, [Problem::Orphan]);
    assert_eq!(row("ghost@example.com").cells[1].state, CellState::None);

    assert_eq!(r.externals.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["E2"]);
    assert_eq!(r.externals[0].accounts.iter().map(|a| a.app.as_str()).collect::<Vec<_>>(), ["chat"]);
    // guest is the lowest role and not the default; drive has no roles.
    assert_eq!(r.guests.iter().map(|g| (g.app.as_str(), g.person_id.as_str())).collect::<Vec<_>>(), [("chat", "E2")]);

    // chat bills the four accounts that can sign in; Mei's and ghost's
    // could be freed. drive bills all three until deleted: Mei's and
    // printer's, though suspended, still cost.
    let seats = |app: &str| r.seats.iter().find(|s| s.app == app).unwrap();
    let chat = seats("chat");
    assert_eq!((chat.in_use, chat.leavers, chat.orphans, chat.freeable), (4, 1, 1, 2));
    assert_eq!((chat.monthly_cost, chat.monthly_saving), (Some(4000.0), Some(2000.0)));
    let drive = seats("drive");
    assert_eq!((drive.in_use, drive.leavers, drive.orphans, drive.freeable), (3, 1, 1, 2));
    assert_eq!(drive.monthly_saving, Some(20.0));
    assert_eq!(chat.plan, plan.apps.iter().find(|a| a.name == "chat").unwrap().seats);
    let savings: Vec<(&str, usize, f64)> =
        r.savings.iter().map(|s| (s.currency.as_str(), s.freeable, s.monthly_saving)).collect();
    assert_eq!(savings, [("JPY", 2, 2000.0), ("USD", 2, 20.0)]);

    let depts: Vec<(&str, usize)> =
        r.charts.accounts_by_department.iter().map(|b| (b.label.as_str(), b.value)).collect();
    assert_eq!(depts, [("Sales/East", 2), ("Engineering", 1), ("Sales/West", 1)]);
}

#[test]
fn report_days_since_the_last_working_day_count_to_the_plan_date() {
    let set = org();
    let (ppl, accounts) = staff();
    let days = |on: Date| report_on(&set, &ppl, accounts.clone(), on).leavers[0].accounts[0].days_since;
    assert_eq!(days(date(2026, 11, 23)), Some(10));
    assert_eq!(days(date(2026, 12, 31)), Some(48));
    let html = html::page(&report_on(&set, &ppl, accounts, date(2026, 12, 31)));
    assert!(html.contains("datetime=\"2026-12-31\""), "the page shows the plan date");
    assert!(html.contains("data-days=\"48\""));
}

#[test]
fn the_same_inputs_give_the_same_report_bytes_whatever_the_listing_order() {
    let set = org();
    let (ppl, accounts) = staff();
    let first = html::page(&report_on(&set, &ppl, accounts.clone(), today()));
    let again = html::page(&report_on(&set, &ppl, accounts.clone(), today()));
    assert_eq!(first, again);
    let reversed = accounts.into_iter().map(|(app, mut a)| {
        a.reverse();
        (app, a)
    });
    assert_eq!(first, html::page(&report_on(&set, &ppl, reversed.collect(), today())));
}

#[test]
fn values_from_the_data_cannot_become_markup_in_the_report() {
    let set = org();
    let (ppl, mut accounts) = staff();
    let mut persons = ppl.persons().to_vec();
    persons[0].name = Some("<script>alert(\"name\")</script>".into());
    persons[0].posts[0].department = Some("R&D/<img src=x onerror=alert(1)>".into());
    persons[1].employment_type = Some("contractor\"><b>type".into());
    let mut hostile = account("x\"><svg onload=alert(2)>@example.com");
    hostile.role = Some("</td><iframe>".into());
    accounts[0].1.push(hostile);
    let r = report_on(&set, &people(persons), accounts, today());
    let html = html::page(&r);

    for raw in ["<script>alert", "<img src=x", "<svg onload", "<iframe>", "<b>type"] {
        assert!(!html.contains(raw), "`{raw}` reached the page unescaped");
    }
    assert!(html.contains("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;"));
    assert!(html.contains("R&amp;D/&lt;img src=x onerror=alert(1)&gt;"));
    // The page's own script is the only one.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn a_report_of_a_plan_of_other_policies_is_refused() {
    let set = org();
    let (ppl, accounts) = staff();
    let listings = listings(accounts);
    let other = policy(&app("chat", ""));
    let plan = keyward_core::plan(&other, &ppl, &listings, today()).unwrap();
    let err = Report::build(&set, &ppl, &listings, &plan).unwrap_err();
    assert!(err.to_string().contains("make the plan from the same policies"), "{err}");
}

#[test]
fn the_page_in_japanese() {
    let set = org();
    let (ppl, accounts) = staff();
    let r = report_on(&set, &ppl, accounts, today());
    let page = html::page_in(&r, keyward_core::i18n::Lang::Ja);
    assert!(page.contains("<html lang=\"ja\">"));
    insta::assert_snapshot!(page);
}

#[test]
fn the_page_in_english_is_the_default_page() {
    let set = org();
    let (ppl, accounts) = staff();
    let r = report_on(&set, &ppl, accounts, today());
    assert_eq!(html::page(&r), html::page_in(&r, keyward_core::i18n::Lang::En));
    insta::assert_snapshot!(html::page(&r));
}

/// The seats of leavers and unmatched accounts are split into those the
/// plan frees and those it leaves open, and the page's money figure is
/// the plan's own seat change.
#[test]
fn the_money_figures_are_the_plans_and_each_is_split_as_it_counts() {
    let set = org();
    let (ppl, accounts) = staff();
    let listings = listings(accounts);
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();
    let r = Report::build(&set, &ppl, &listings, &plan).unwrap();
    for s in &r.savings {
        assert_eq!(s.freed_now + s.later, s.freeable, "{}", s.currency);
        let t = plan.seat_totals().into_iter().find(|t| t.currency == s.currency).unwrap();
        let page = html::page(&r);
        assert!(
            page.contains(&format!("data-stat=\"plan-change-{}\" data-value=\"{}\"", s.currency, t.monthly_change)),
            "{}",
            s.currency
        );
    }
    // chat: Mei (left) is suspended by this plan, ghost@ waits for a review.
    let chat = r.seats.iter().find(|a| a.app == "chat").unwrap();
    assert_eq!((chat.freed_now, chat.later, chat.monthly_later), (1, 1, Some(1000.0)));
}
