#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Seat cost in the plan: seats added by creates and restores, seats freed
//! by suspensions — or only by deletions where the app bills suspended
//! users (`seatCost.freedBy: delete`) — and the monthly change per
//! currency.

mod common;

use common::*;
use jiff::civil::date;

#[test]
fn seats_follow_what_the_app_bills_and_total_per_currency() {
    let set = policy(&format!(
        "{}{}{}{}",
        app("chat", "  seatCost: {monthly: 1050, currency: JPY}"),
        app(
            "mail",
            "  seatCost: {monthly: 1600, currency: JPY, freedBy: delete}\n  lifecycle: {offboarding: {deleteAfter: 0d}}"
        ),
        app("code", "  seatCost: {monthly: 4, currency: USD}"),
        access("everyone", "{}", "[{app: chat}, {app: mail}, {app: code}]"),
    ));
    let stays = person("E1", "stays@example.com", "営業本部");
    let joins = person("E2", "joins@example.com", "営業本部");
    let mut gone = person("E3", "gone@example.com", "営業本部");
    gone.end_date = Some(date(2026, 11, 20));
    let ppl = people(vec![stays, joins, gone]);
    let plan = plan_on(
        &set,
        &ppl,
        vec![
            ("chat", vec![account("stays@example.com"), account("gone@example.com")]),
            ("mail", vec![account("stays@example.com"), account("gone@example.com")]),
            ("code", vec![account("stays@example.com"), account("joins@example.com")]),
        ],
        today(),
    );
    let seats = |app: &str| plan.apps.iter().find(|a| a.name == app).unwrap().seats.clone().unwrap();
    // chat: joiner created (+1), leaver suspended (−1).
    assert_eq!((seats("chat").added, seats("chat").freed), (1, 1));
    assert_eq!(seats("chat").monthly_change, 0.0);
    // mail bills suspended users: only the deletion frees the seat.
    let mail = seats("mail");
    assert_eq!((mail.added, mail.freed), (1, 1), "{:?}", actions(&plan));
    assert!(plan.changes.iter().any(|c| c.app == "mail" && c.action == keyward_core::Action::Delete));
    // code: nothing to add or free.
    assert_eq!((seats("code").added, seats("code").freed, seats("code").monthly_change), (0, 0, 0.0));

    let totals = plan.seat_totals();
    assert_eq!(totals.iter().map(|t| t.currency.as_str()).collect::<Vec<_>>(), ["JPY", "USD"]);
    assert_eq!((totals[0].added, totals[0].freed), (2, 2));
    let line = keyward_core::present::render::seats_line(&plan).unwrap();
    assert_eq!(line, "Seats: +2 added, 2 freed: 0 JPY/month; +0 added, 0 freed: 0 USD/month.");
    assert!(keyward_core::present::render::text(&plan, Default::default()).contains(&line));
}

#[test]
fn apps_without_a_seat_cost_add_no_seats_line() {
    let set = policy(&format!("{}{}", app("chat", ""), access("everyone", "{}", "[{app: chat}]")));
    let ppl = people(vec![person("E1", "a@example.com", "営業本部")]);
    let plan = plan_on(&set, &ppl, vec![], today());
    assert!(plan.apps[0].seats.is_none());
    assert!(keyward_core::present::render::seats_line(&plan).is_none());
}
