#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A person's grants read back in words: what `keyward explain` shows and
//! what `keyward test` compares. Each grant names every policy and
//! exception behind it; each policy that did not select the person says
//! the first condition that failed.

mod common;

use common::*;
use keyward_core::grants::{Because, grants_of};

fn set() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}{}{}{}{}{}",
        app("slack", "  roles: [guest, member, admin]\n  defaultRole: member"),
        app("github", "  roles: [member, owner]\n  defaultRole: member"),
        app("zoom", ""),
        access("everyone", "{}", "[{app: slack}]"),
        access(
            "engineers",
            "{department: [開発本部/**], employmentType: [full-time, contractor]}",
            "[{app: github, groups: [eng]}, {app: slack, role: admin}]"
        ),
        access("full-timers-zoom", "{employmentType: [full-time]}", "[{app: zoom}]"),
        access("leads", "{department: [開発本部/**], title: Lead}", "[{app: github, role: owner}]"),
    ))
}

#[test]
fn every_grant_names_its_policies_and_the_post_that_met_them() {
    let set = set();
    let mut dev = person("E1", "dev@example.com", "開発本部/プラットフォーム部");
    dev.employment_type = Some("contractor".into());
    let ppl = people(vec![dev]);
    let g = grants_of(&set, &ppl, 0, today()).unwrap();
    assert_eq!(g.phase, "employed");

    let slack = g.grant("slack").expect("slack is granted");
    assert_eq!(slack.role.as_deref(), Some("admin"), "the most privileged role wins");
    let mut names: Vec<&str> = slack
        .because
        .iter()
        .map(|b| match b {
            Because::AccessPolicy { name, .. } => name.as_str(),
            Because::Exception { name, .. } => name.as_str(),
        })
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["engineers", "everyone"], "both policies granting slack are named");
    let github = g.grant("github").unwrap();
    assert_eq!(github.groups, ["eng"]);
    assert!(
        matches!(&github.because[0], Because::AccessPolicy { name, department: Some(d), .. }
            if name == "engineers" && d == "開発本部/プラットフォーム部"),
        "{:?}",
        github.because
    );
    assert!(g.grant("zoom").is_none());

    let why = |policy: &str| g.not_selected.iter().find(|n| n.policy == policy).unwrap().why.clone();
    assert_eq!(why("full-timers-zoom"), "it selects employment type full-time; the person's is contractor");
    assert!(why("leads").starts_with("it selects titles matching `Lead`"), "{}", why("leads"));
    assert!(g.not_selected.iter().all(|n| n.policy != "everyone" && n.policy != "engineers"));
}

#[test]
fn a_leaver_has_no_grants_and_every_policy_says_why() {
    let set = set();
    let mut gone = person("E2", "gone@example.com", "営業本部");
    gone.end_date = Some(today().yesterday().unwrap());
    let ppl = people(vec![gone]);
    let g = grants_of(&set, &ppl, 0, today()).unwrap();
    assert_eq!(g.phase, "left");
    assert!(g.grants.is_empty(), "{:?}", g.grants);
    assert_eq!(g.not_selected.len(), 4);
    assert!(g.not_selected.iter().all(|n| n.why.contains("has left")));
}

#[test]
fn a_department_outside_the_selector_is_named() {
    let set = set();
    let mut sales = person("E3", "sales@example.com", "営業本部/第一営業部");
    sales.employment_type = Some("full-time".into());
    let ppl = people(vec![sales]);
    let g = grants_of(&set, &ppl, 0, today()).unwrap();
    let why = &g.not_selected.iter().find(|n| n.policy == "engineers").unwrap().why;
    assert_eq!(why, "it selects department 開発本部/**; the person is in 営業本部/第一営業部");
    assert_eq!(g.grant("zoom").map(|z| z.because.len()), Some(1));
}
