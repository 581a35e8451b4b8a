#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Selectors only the HR data can prove wrong: an AccessPolicy that selects
//! nobody on the plan date, and a department glob that matches no
//! department of the HR data, are located warnings — from
//! `selector_warnings` (what `keyward validate` prints) and in the plan
//! (what `keyward plan` prints), never silent.

mod common;

use common::*;
use jiff::civil::date;
use keyward_core::diag::Diagnostic;

fn set() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}{}{}",
        app("slack", ""),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack}]"),
        access("third-sales", "{department: ['営業本部/第一営業部', '営業本部/第三営業部/**']}", "[{app: slack}]"),
        access("contractors", "{employmentType: [contractor]}", "[{app: slack}]"),
    ))
}

fn org() -> keyward_core::People {
    let mut leaver = person("E3", "c@example.com", "開発本部");
    leaver.employment_type = Some("contractor".into());
    leaver.end_date = Some(date(2026, 10, 31));
    people(vec![
        person("E1", "a@example.com", "営業本部/第一営業部"),
        person("E2", "b@example.com", "管理本部"),
        leaver,
    ])
}

fn lines(ws: &[Diagnostic]) -> Vec<String> {
    ws.iter().map(|w| format!("{}: {}", w.position(), w.message)).collect()
}

#[test]
fn a_glob_matching_no_department_and_a_policy_selecting_nobody_are_located_warnings() {
    let set = set();
    let ws = keyward_core::selector_warnings(&set, &org(), today());
    assert!(ws.iter().all(|w| !w.is_error()), "{ws:#?}");
    // In policies/p.yaml: third-sales' select is line 34, its second
    // pattern at column 39; contractors' select is line 41.
    assert_eq!(
        lines(&ws),
        vec![
            "policies/p.yaml:34:39: department glob `営業本部/第三営業部/**` matches no department in the HR data",
            "policies/p.yaml:41:11: AccessPolicy contractors selects nobody on 2026-11-23",
        ],
        "{ws:#?}"
    );
    assert!(ws[0].help.as_deref().unwrap().contains("営業本部/第一営業部"), "{:?}", ws[0].help);
    assert!(ws[1].help.as_deref().unwrap().contains("keyward explain"), "{:?}", ws[1].help);
}

#[test]
fn the_plan_carries_the_same_warnings_and_a_scoped_plan_none() {
    let set = set();
    let ppl = org();
    let plan = plan_on(&set, &ppl, vec![], today());
    assert_eq!(plan.diagnostics, keyward_core::selector_warnings(&set, &ppl, today()));
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["diagnostics"][1]["location"]["line"], 41);
    assert_eq!(json["formatVersion"], 1, "an optional field keeps the format version");
    let back: keyward_core::Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
    let scoped = keyward_core::plan_scoped(&set, &ppl, &Default::default(), today(), &[0]);
    assert!(scoped.is_err() || scoped.unwrap().diagnostics.is_empty());
}

#[test]
fn a_policy_whose_people_have_all_left_selects_nobody_on_the_plan_date() {
    let set = set();
    let before = keyward_core::selector_warnings(&set, &org(), date(2026, 10, 1));
    assert_eq!(
        lines(&before),
        vec!["policies/p.yaml:34:39: department glob `営業本部/第三営業部/**` matches no department in the HR data"]
    );
}

#[test]
fn selectors_that_select_somebody_say_nothing() {
    let set = policy(&format!("{}{}", app("slack", ""), access("all", "{}", "[{app: slack}]")));
    assert_eq!(keyward_core::selector_warnings(&set, &org(), today()), vec![]);
    let plan = plan_on(&set, &org(), vec![], today());
    assert!(serde_json::to_value(&plan).unwrap().get("diagnostics").is_none(), "absent when empty");
}
