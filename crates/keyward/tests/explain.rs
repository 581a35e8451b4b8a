//! `keyward explain PERSON` on the example organisation: the grants with
//! their policies, the policies that do not select the person and why, the
//! accounts and how they were matched, and the plan's changes — which must
//! be exactly the full plan's changes for that person.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("keyward").unwrap().current_dir(repo()).env("NO_COLOR", "1").args(args).output().unwrap()
}

fn explain(person: &str, format: &str) -> String {
    let out = run(&["explain", person, "-f", "policies", "--at", "2026-11-23", "--format", format]);
    assert!(out.status.success(), "explain {person} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_contract_engineer_is_explained_grant_by_grant() {
    insta::assert_snapshot!(explain("E0025", "text"));
}

#[test]
fn a_leaver_is_explained_with_every_account_and_its_offboarding() {
    insta::assert_snapshot!(explain("tsubasa.aoki@example.com", "text"));
}

#[test]
fn a_leaver_kept_on_by_an_exception_names_it() {
    let text = explain("E0018", "text");
    assert!(text.contains("because Exception nana-ikeda-salesforce-handover until 2026-12-15"), "{text}");
    assert!(text.contains("only the exceptions above keep access"), "{text}");
    assert!(!text.contains("none:"), "{text}");
}

/// Issue 17 item 3: an employee number typed in lowercase (`e0018`) is the
/// same person as `E0018`, as it is for an e-mail address.
#[test]
fn an_employee_number_is_found_whatever_its_case() {
    assert_eq!(explain("e0018", "text"), explain("E0018", "text"));
}

#[test]
fn the_explained_changes_are_the_full_plans_changes_for_that_person() {
    let plan: Value =
        serde_json::from_slice(&run(&["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"]).stdout)
            .unwrap();
    let mut checked = 0;
    for id in ["E0025", "E0031", "E0017", "E0009", "E0001"] {
        let explained: Value = serde_json::from_str(&explain(id, "json")).unwrap();
        let of = |changes: &Value| -> Vec<String> {
            let mut v: Vec<String> = changes
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["person"]["id"] == id)
                .map(|c| format!("{} {} {}", c["app"], c["action"], c["account"]))
                .collect();
            v.sort();
            v
        };
        let expected = of(&plan["changes"]);
        assert_eq!(of(&explained["changes"]), expected, "{id}");
        checked += expected.len();
        // Every account the explanation lists is one the inventory matched to them.
        for a in explained["accounts"].as_array().unwrap() {
            assert!(a["personId"] == id || a["matchedBy"].as_str().unwrap().starts_with("ambiguous"), "{a}");
        }
    }
    assert!(checked > 0, "the people checked have changes in the plan");
}

#[test]
fn an_unknown_person_is_an_error_with_suggestions() {
    let out = run(&["explain", "tsubasa.aoki@exampel.com", "-f", "policies", "--at", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nobody in the HR data has the employee number or work e-mail `tsubasa.aoki@exampel.com`"),
        "{err}"
    );
    assert!(err.contains("did you mean tsubasa.aoki@example.com"), "{err}");
}

/// Issue 17 item 6: the explanation in Japanese — keyward's words
/// translated, the data (names, policies, accounts) as written.
#[test]
fn a_leaver_is_explained_in_japanese() {
    let out = run(&["--lang", "ja", "explain", "E0031", "-f", "policies", "--at", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn a_person_with_unselecting_policies_is_explained_in_japanese() {
    let out = run(&["--lang", "ja", "explain", "E0025", "-f", "policies", "--at", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
