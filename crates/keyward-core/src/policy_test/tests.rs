//! Unit tests of comparing expectations with grants, and of the text.

use super::*;
use crate::grants::Because;

fn grant(app: &str, role: Option<&str>, groups: &[&str]) -> Grant {
    Grant {
        app: app.into(),
        role: role.map(Into::into),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        because: vec![Because::AccessPolicy { name: "p".into(), department: None, title: None, role: None }],
    }
}

fn expect(app: &str, role: Option<&str>, groups: Option<&[&str]>) -> ExpectedGrant {
    ExpectedGrant {
        app: app.into(),
        role: role.map(Into::into),
        groups: groups.map(|g| g.iter().map(|x| (*x).to_owned()).collect()),
    }
}

#[test]
fn matching_grants_give_no_mismatch() {
    let e = Expectation {
        grants: vec![expect("slack", Some("guest"), None), expect("github", None, Some(&["a", "b"]))],
        denies: vec!["zoom".into()],
        exactly: true,
    };
    let actual = [grant("slack", Some("guest"), &[]), grant("github", Some("member"), &["b", "a"])];
    assert!(compare(&e, &actual, &[]).is_empty());
}

#[test]
fn wrong_role_missing_app_denied_and_extra_apps_are_mismatches() {
    let e = Expectation {
        grants: vec![expect("slack", Some("member"), None), expect("github", None, None)],
        denies: vec!["zoom".into()],
        exactly: true,
    };
    let actual = [grant("slack", Some("guest"), &[]), grant("zoom", None, &[]), grant("drive", None, &[])];
    let why = NotSelected {
        policy: "eng".into(),
        apps: vec!["github".into()],
        why: "it selects department X".into(),
        why_message: crate::i18n::Msg::new("grants-why-bug"),
    };
    let other = NotSelected {
        policy: "sales".into(),
        apps: vec!["crm".into()],
        why: "no".into(),
        why_message: crate::i18n::Msg::new("grants-why-bug"),
    };
    let m = compare(&e, &actual, &[why.clone(), other]);
    let apps: Vec<&str> = m.iter().map(|m| m.app.as_str()).collect();
    assert_eq!(apps, ["slack", "github", "zoom", "drive"]);
    assert_eq!(m[0].actual.as_ref().and_then(|g| g.role.as_deref()), Some("guest"));
    assert!(m[0].why_not.is_empty());
    assert_eq!(m[1].actual, None);
    assert_eq!(m[1].why_not, vec![why]);
    assert!(!m[2].expected.granted);
}

#[test]
fn groups_must_match_exactly() {
    let e = Expectation { grants: vec![expect("github", None, Some(&["a"]))], ..Expectation::default() };
    assert_eq!(compare(&e, &[grant("github", None, &["a", "b"])], &[]).len(), 1);
    assert!(compare(&e, &[grant("github", None, &["a"])], &[]).is_empty());
}

#[test]
fn without_exactly_other_apps_are_fine() {
    let e = Expectation { grants: vec![expect("slack", None, None)], ..Expectation::default() };
    assert!(compare(&e, &[grant("slack", Some("admin"), &[]), grant("drive", None, &[])], &[]).is_empty());
}

#[test]
fn policies_failing_for_the_same_reason_share_one_line() {
    let why = |policy: &str| NotSelected {
        policy: policy.into(),
        apps: vec!["crm".into()],
        why: "the person has left".into(),
        why_message: crate::i18n::Msg::new("grants-why-left"),
    };
    let e = Expectation { grants: vec![expect("crm", None, None)], ..Expectation::default() };
    let mismatches = compare(&e, &[], &[why("sales"), why("support")]);
    let outcome = Outcome {
        passed: 0,
        failed: 1,
        cases: vec![CaseResult {
            test: "t".into(),
            name: "leaver".into(),
            file: "t.test.yaml".into(),
            line: 6,
            column: 7,
            at: jiff::civil::date(2026, 11, 23),
            person: "E1".into(),
            phase: "left".into(),
            passed: false,
            mismatches,
            actual: vec![],
            exceptions_not_in_force: vec![],
        }],
    };
    let text = render_text(&outcome);
    assert!(text.contains("          not selected by sales, support: the person has left\n"), "{text}");
    assert!(text.contains("        actual grants: none\n"), "{text}");
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}
