//! Inputs the fuzz targets (`fuzz/`, see FUZZING.md) found crashing, each
//! run the way its target runs it, so a fix stays fixed without nightly
//! or cargo-fuzz. The inputs are in `tests/fuzz/`, named by what they hit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use jiff::civil::{Date, date};
use keyward_core::action::Action;
use keyward_core::duration::{Days, Retention, SuspendTiming};

fn input(name: &str) -> String {
    let path = format!("{}/tests/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `4294967295d` is a valid day count, but more days than the calendar
/// holds: moving a date by it panicked inside jiff (a span of at most
/// 7,304,484 days) instead of saturating at the calendar's end.
#[test]
fn day_counts_beyond_the_calendar_saturate() {
    let text = input("duration-days-beyond-the-calendar");
    let days: Days = text.parse().unwrap();
    let day = date(2026, 11, 23);
    assert_eq!(days.after(day), Date::MAX);
    assert_eq!(days.before(day), Date::MIN);
    let timing: SuspendTiming = text.parse().unwrap();
    assert_eq!(timing.first_day(day), Date::MAX);
    assert_eq!(text.parse::<Retention>(), Ok(Retention::After(days)));
}

/// The same day count in a policy: a leaver is planned (suspended, and
/// never deleted in the calendar's lifetime) instead of a crash.
#[test]
fn a_policy_with_a_huge_retention_plans_without_a_crash() {
    let set = common::policy(&format!(
        "{}{}",
        common::app("slack", "  lifecycle: {provisionBefore: 99999999d, offboarding: {deleteAfter: 4294967295d}}"),
        common::access("everyone", "{}", "[{app: slack}]"),
    ));
    let mut leaver = common::person("E1", "leaver@example.com", "営業");
    leaver.end_date = Some(date(2026, 9, 30));
    let mut joiner = common::person("E2", "joiner@example.com", "営業");
    joiner.start_date = Some(date(2027, 4, 1));
    let plan = common::plan_on(
        &set,
        &common::people(vec![leaver, joiner]),
        vec![("slack", vec![common::account("leaver@example.com")])],
        common::today(),
    );
    assert_eq!(
        common::actions(&plan),
        [(Action::Create, "joiner@example.com".to_owned()), (Action::Suspend, "leaver@example.com".to_owned())]
    );
}

/// Asserts that a rendering holds no character that would act on a
/// terminal or reorder what a reader sees, line feeds aside.
fn printable(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| *c != '\n' && keyward_core::printable::is_unsafe(*c)).collect();
    assert!(bad.is_empty(), "the {what} holds raw {bad:?}:\n{text}");
}

/// `discovered_json`: a discovery summary (`keyward report --discovery`
/// reads it back, and anyone may have edited it) whose directory, app,
/// department, person and scope names hold bidi overrides and isolates.
/// The Markdown (and the report's HTML, which escapes the same way) wrote
/// them raw, so a comment could show a name reordered; the text rendering
/// already escaped them.
#[test]
fn bidi_overrides_in_a_discovery_summary_are_shown_escaped() {
    use keyward_core::present::discovered::{Discovered, markdown, text};
    let found: Discovered = serde_json::from_str(&input("discovered-bidi-overrides.json")).unwrap();
    printable("text", &text(&found));
    let md = markdown(&found);
    printable("Markdown", &md);
    assert!(md.contains("Mi\\u{202e}ro"), "the override is shown as an escape:\n{md}");
    let set = common::policy(&common::app("slack", ""));
    let people = common::people(vec![]);
    let listings: std::collections::BTreeMap<_, _> = set
        .applications
        .iter()
        .map(|a| (a.name.clone(), keyward_core::account::AccountListing::new(format!("{}.csv", a.name), vec![])))
        .collect();
    let plan = keyward_core::plan(&set, &people, &listings, found.date).unwrap();
    let mut report = keyward_core::present::report::Report::build(&set, &people, &listings, &plan).unwrap();
    report.discovered = Some(found);
    let page = keyward_core::present::report::html::page(&report);
    let start = page.find("<section id=\"discovered\"").unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    printable("report section", &page[start..end]);
}
