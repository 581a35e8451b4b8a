//! `keyward test` through the binary: the example organisation's tests
//! pass, a failing case prints expected and actual grants and exits 1, a
//! bad test file is reported at file:line:column before any test runs,
//! `--format json` is one JSON document, and test files sitting among the
//! policies do not change what `keyward plan` reads.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn keyward(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("keyward").unwrap().current_dir(dir).env("NO_COLOR", "1").args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A copy of the example organisation (policies, their data, their tests)
/// that a test may change.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["policies", "examples", "policy-tests"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its contents, to show a run changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

const FAILING: &str = "apiVersion: keyward.io/v1alpha1
kind: PolicyTest
metadata: {name: review}
spec:
  cases:
    - name: a contractor in プラットフォーム部 gets company mail
      person:
        department: 開発本部/プラットフォーム部
        employmentType: contractor
      expect:
        grants:
          slack: member
          google-workspace: true
    - name: a temp in 経理部 books in freee
      person: {department: 管理本部/経理部, employmentType: temp}
      expect:
        grants: {freee: member}
";

#[test]
fn the_example_tests_pass_from_any_directory() {
    let out = keyward(&repo(), &["test", "-f", "policies"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() > 8, "{stdout}");
    assert!(lines[..lines.len() - 1].iter().all(|l| l.starts_with("ok ")), "{stdout}");
    assert!(stdout.contains("ok      example-org: a contractor in 開発本部/プラットフォーム部"), "{stdout}");
    let summary = lines.last().unwrap();
    assert!(summary.ends_with("passed, 0 failed"), "{summary}");

    // policy-tests/ is found beside the -f directory, not in the working directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = repo().join("policies");
    let out = keyward(elsewhere.path(), &["test", "-f", abs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().last(), Some(*summary));
}

#[test]
fn a_failing_case_prints_expected_and_actual_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("review.test.yaml"), FAILING).unwrap();
    let tests = dir.path().join("review.test.yaml");
    let out = keyward(&repo(), &["test", "-f", "policies", "--tests", tests.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAILED  review: a contractor in プラットフォーム部 gets company mail ("), "{stdout}");
    assert!(stdout.contains("review.test.yaml:6:7)"), "{stdout}");
    // slack: the expected role against the actual one, and the policy behind it.
    assert!(
        stdout.contains(
            "        slack:\n          expected  granted, role member\n          actual    granted, role guest\n          because   AccessPolicy contractors\n"
        ),
        "{stdout}"
    );
    // google-workspace: missing, with the policy that did not select them and why.
    assert!(
        stdout.contains(
            "        google-workspace:\n          expected  granted\n          actual    not granted\n          not selected by all-staff: it selects employment type full-time, contract, part-time; the person's is contractor\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("        actual grants:\n"), "{stdout}");
    assert!(stdout.contains("ok      review: a temp in 経理部 books in freee\n"), "{stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn json_has_one_result_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let tests = dir.path().join("review.test.yaml");
    std::fs::write(&tests, FAILING).unwrap();
    let out = keyward(&repo(), &["test", "-f", "policies", "--tests", tests.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64()), (Some(1), Some(1)));
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let failed = &cases[0];
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["line"], 6);
    assert_eq!(failed["at"].as_str().map(str::len), Some(10), "a YYYY-MM-DD day");
    let mismatches = failed["mismatches"].as_array().unwrap();
    assert_eq!(mismatches[0]["app"], "slack");
    assert_eq!(mismatches[0]["expected"], serde_json::json!({"granted": true, "role": "member"}));
    assert_eq!(mismatches[0]["actual"]["role"], "guest");
    assert_eq!(mismatches[0]["actual"]["because"][0]["name"], "contractors");
    assert_eq!(mismatches[1]["app"], "google-workspace");
    assert!(mismatches[1]["actual"].is_null());
    assert_eq!(mismatches[1]["whyNot"][0]["policy"], "all-staff");
    assert_eq!(cases[1]["passed"], true);
    assert_eq!(cases[1]["mismatches"], serde_json::json!([]));

    let ok = keyward(&repo(), &["test", "-f", "policies", "--format", "json"]);
    assert!(ok.status.success());
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["failed"], 0);
    assert!(v["cases"].as_array().unwrap().iter().all(|c| c["passed"] == true));
}

#[test]
fn a_bad_test_file_is_located_and_nothing_runs_or_changes() {
    let org = example_copy();
    std::fs::write(
        org.path().join("policy-tests/bad.test.yaml"),
        "apiVersion: keyward.io/v1alpha1
kind: PolicyTest
metadata: {name: bad}
spec:
  cases:
    - name: typo in the app
      person: {department: 開発本部, employmentType: full-time}
      expect:
        grants: {githb: member}
",
    )
    .unwrap();
    let before = snapshot(org.path());
    let out = keyward(org.path(), &["test", "-f", "policies"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("policy-tests/bad.test.yaml:9:18: unknown app `githb`"), "{stderr}");
    assert!(stderr.contains("did you mean `github`?"), "{stderr}");
    assert!(stderr.contains("1 problem in the test files; no test was run"), "{stderr}");
    assert_eq!(text(&out.stdout), "", "no case ran");
    assert_eq!(snapshot(org.path()), before, "nothing was written");
}

#[test]
fn test_files_among_the_policies_are_run_by_test_and_ignored_by_plan() {
    let org = example_copy();
    let plan_args = ["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"];
    let before = keyward(org.path(), &plan_args);
    assert!(before.status.success(), "{}", text(&before.stderr));

    std::fs::write(
        org.path().join("policies/access/sales.test.yaml"),
        "apiVersion: keyward.io/v1alpha1
kind: PolicyTest
metadata: {name: sales}
spec:
  cases:
    - name: a new hire in 第二営業部 works in Salesforce
      person: {department: 営業本部/第二営業部, employmentType: full-time}
      expect:
        grants: {salesforce: {role: standard, groups: [第二営業部]}}
",
    )
    .unwrap();
    let after = keyward(org.path(), &plan_args);
    assert!(after.status.success(), "plan must not read the test file: {}", text(&after.stderr));
    assert_eq!(text(&after.stdout), text(&before.stdout));

    let out = keyward(org.path(), &["test", "-f", "policies"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("ok      sales: a new hire in 第二営業部 works in Salesforce\n"), "{stdout}");
    assert!(stdout.contains("ok      example-org: "), "the sibling policy-tests/ still runs: {stdout}");

    // --tests replaces the default places.
    let only = keyward(org.path(), &["test", "-f", "policies", "--tests", "policies/access"]);
    assert!(only.status.success());
    assert!(text(&only.stdout).ends_with("1 passed, 0 failed\n"), "{}", text(&only.stdout));
}

#[test]
fn no_test_files_is_an_error() {
    let org = example_copy();
    std::fs::remove_dir_all(org.path().join("policy-tests")).unwrap();
    let out = keyward(org.path(), &["test", "-f", "policies"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no policy test files (*.test.yaml) found in policies, policy-tests"), "{stderr}");
}
