#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Policy tests (`keyward test`): a PolicyTest file is read with positions,
//! every name it uses is checked against the policies, and each case's
//! expectations are compared with the grants the plan would give.

mod common;

use common::*;
use keyward_core::SourceFile;
use keyward_core::policy_test::{self, Outcome, Subject, TestCase};

fn set() -> keyward_core::PolicySet {
    policy(&format!(
        "{}{}{}{}{}{}{}{}",
        app("slack", "  roles: [guest, member, admin]\n  defaultRole: member"),
        app("github", "  roles: [member, admin]\n  defaultRole: member"),
        app("zoom", ""),
        access("staff", "{employmentType: [full-time, part-time]}", "[{app: slack}, {app: zoom}]"),
        access("contractors", "{employmentType: [contractor]}", "[{app: slack, role: guest}]"),
        access(
            "platform",
            "{department: [開発本部/プラットフォーム部], employmentType: [full-time, contractor]}",
            "[{app: github, groups: [platform]}]"
        ),
        access("leads", "{department: [開発本部/**], title: 部長}", "[{app: github, role: admin}]"),
        "apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {name: handover}\nspec:\n  person: E0018\n  grant: [{app: zoom}]\n  until: 2026-12-15\n  reason: handover\n  approver: boss@example.com\n",
    ))
}

fn file(text: &str) -> Vec<SourceFile> {
    vec![SourceFile { path: "policy-tests/t.test.yaml".into(), text: text.into() }]
}

const HEAD: &str = "apiVersion: keyward.io/v1alpha1\nkind: PolicyTest\nmetadata: {name: t}\nspec:\n  cases:\n";

fn load(cases: &str) -> Vec<TestCase> {
    policy_test::load(&set(), &file(&format!("{HEAD}{cases}"))).unwrap_or_else(|d| panic!("does not load:\n{d}"))
}

fn run(cases: &str) -> Outcome {
    let set = set();
    policy_test::run(&set, &load(cases), None, today()).unwrap()
}

/// The first error of a test file, as `position: message`, and its help.
fn error(cases: &str) -> (String, String) {
    let d = policy_test::load(&set(), &file(&format!("{HEAD}{cases}"))).unwrap_err();
    let first = &d.0[0];
    (format!("{}: {}", first.position(), first.message), first.help.clone().unwrap_or_default())
}

#[test]
fn a_contractor_in_platform_gets_guest_and_member_not_zoom() {
    let out = run("    - name: contractor
      person: {department: 開発本部/プラットフォーム部, employmentType: contractor}
      expect:
        grants: {slack: guest, github: {role: member, groups: [platform]}}
        denies: [zoom]
        exactly: true
");
    assert_eq!((out.passed, out.failed), (1, 0), "{out:#?}");
    assert!(out.success());
}

#[test]
fn a_synthetic_person_is_built_from_the_hr_fields() {
    let cases = load(
        "    - name: two posts
      person:
        department:
          - {department: 営業本部, title: 部長}
          - 開発本部/プラットフォーム部
        employmentType: part-time
        status: on-leave
        startDate: 2026-12-01
        attributes: {github: octocat}
      expect: {exactly: true}
",
    );
    let Subject::Synthetic(p) = &cases[0].subject else { panic!("not synthetic") };
    assert_eq!(p.id, policy_test::DEFAULT_ID);
    assert_eq!(p.email.as_deref(), Some(policy_test::DEFAULT_EMAIL));
    assert_eq!(p.posts.len(), 2);
    assert_eq!(p.posts[0].title.as_deref(), Some("部長"));
    assert_eq!(p.posts[1].department.as_deref(), Some("開発本部/プラットフォーム部"));
    assert_eq!(p.status, keyward_core::resources::HrStatus::OnLeave);
    assert_eq!(p.start_date, Some(jiff::civil::date(2026, 12, 1)));
    assert_eq!(p.attributes["github"], "octocat");
    assert_eq!((cases[0].location.line, cases[0].location.column), (6, 7));
}

#[test]
fn title_and_department_are_one_post() {
    // 部長 in 開発本部: the leads policy grants github admin.
    let out = run("    - name: lead
      person: {department: 開発本部/プロダクト部, title: 部長, employmentType: full-time}
      expect: {grants: {github: admin, slack: member}}
");
    assert!(out.success(), "{}", policy_test::render_text(&out));
}

#[test]
fn a_failure_shows_expected_and_actual_with_reasons() {
    let out = run("    - name: contractor expected to get zoom
      person: {department: 開発本部/プラットフォーム部, employmentType: contractor}
      expect:
        grants: {slack: member, zoom: true}
        denies: [github]
");
    assert_eq!((out.passed, out.failed), (0, 1));
    let case = &out.cases[0];
    let apps: Vec<&str> = case.mismatches.iter().map(|m| m.app.as_str()).collect();
    assert_eq!(apps, ["slack", "zoom", "github"]);
    assert_eq!(case.mismatches[0].actual.as_ref().unwrap().role.as_deref(), Some("guest"));
    assert_eq!(case.mismatches[1].actual, None);
    assert_eq!(case.mismatches[1].why_not[0].policy, "staff");
    insta::assert_snapshot!(policy_test::render_text(&out));
}

#[test]
fn the_document_day_decides_exceptions_and_defaults_apply_otherwise() {
    let text = "apiVersion: keyward.io/v1alpha1\nkind: PolicyTest\nmetadata: {name: handover}\nspec:\n  at: 2026-12-15\n  cases:\n    - name: last day of the exception\n      person: {id: E0018, status: terminated, endDate: 2026-11-13}\n      expect: {grants: {zoom: true}, exactly: true}\n---\n".to_owned()
        + HEAD
        + "    - name: default day\n      person: {id: E0018, status: terminated, endDate: 2026-11-13}\n      expect: {grants: {zoom: true}}\n";
    let set = set();
    let cases = policy_test::load(&set, &file(&text)).unwrap();
    // The second document has no `at:`, so the day passed in applies:
    // the exception has ended by then.
    let out = policy_test::run(&set, &cases, None, jiff::civil::date(2026, 12, 16)).unwrap();
    assert!(out.cases[0].passed, "{}", policy_test::render_text(&out));
    assert_eq!(out.cases[0].at, jiff::civil::date(2026, 12, 15));
    assert!(!out.cases[1].passed);
    assert_eq!(out.cases[1].exceptions_not_in_force, ["Exception handover expired on 2026-12-15"]);
}

#[test]
fn an_employee_case_uses_the_hr_master() {
    let set = set();
    let cases = load(
        "    - name: real person
      employee: dev@example.com
      expect: {grants: {github: {groups: [platform]}}}
",
    );
    assert!(policy_test::needs_people(&cases));
    let ppl = people(vec![person("E0100", "dev@example.com", "開発本部/プラットフォーム部")]);
    let out = policy_test::run(&set, &cases, Some(&ppl), today()).unwrap();
    assert!(out.success(), "{}", policy_test::render_text(&out));

    let missing = load("    - name: nobody\n      employee: E9999\n      expect: {exactly: true}\n");
    let d = policy_test::run(&set, &missing, Some(&ppl), today()).unwrap_err();
    assert_eq!(d.0[0].position(), "policy-tests/t.test.yaml:7:17");
    assert!(d.0[0].message.contains("no person `E9999`"), "{}", d.0[0]);
}

#[test]
fn unknown_apps_roles_and_groups_are_errors_at_their_place() {
    let (e, h) = error("    - name: x\n      person: {}\n      expect: {grants: {slak: guest}}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:8:25: unknown app `slak`");
    assert_eq!(h, "did you mean `slack`?");
    let (e, h) = error("    - name: x\n      person: {}\n      expect: {grants: {github: owner}}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:8:33: `owner` is not a role of `github`");
    assert_eq!(h, "`github` has the roles member, admin");
    let (e, h) = error("    - name: x\n      person: {}\n      expect: {grants: {zoom: member}}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:8:31: `member` is not a role of `zoom`");
    assert_eq!(h, "`zoom` has no roles; write `zoom: true`");
    let (e, h) = error("    - name: x\n      person: {}\n      expect: {grants: {github: {groups: [platfrom]}}}\n");
    assert!(e.ends_with("no policy or exception grants the group `platfrom` in `github`"), "{e}");
    assert_eq!(h, "did you mean `platform`?");
    let (e, _) = error("    - name: x\n      person: {}\n      expect: {denies: [teams]}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:8:25: unknown app `teams`");
}

#[test]
fn unknown_hr_values_bad_dates_and_fields_are_errors_with_a_fix() {
    let (e, h) = error("    - name: x\n      person: {employmentType: contracter}\n      expect: {exactly: true}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:7:32: unknown employment type `contracter`");
    assert_eq!(h, "did you mean `contractor`?");
    let (e, h) = error("    - name: x\n      person: {startDate: 2026-02-30}\n      expect: {exactly: true}\n");
    assert!(e.starts_with("policy-tests/t.test.yaml:7:27: "), "{e}");
    assert_eq!(h, "write the date as YYYY-MM-DD, e.g. 2026-11-23");
    let (e, h) = error("    - name: x\n      person: {status: retired}\n      expect: {exactly: true}\n");
    assert!(e.starts_with("policy-tests/t.test.yaml:7:24: unknown variant `retired`"), "{e}");
    assert!(h.contains("on-leave"), "{h}");
    let (e, h) = error("    - name: x\n      person: {attributes: {gihub: x}}\n      expect: {exactly: true}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:7:29: no people source declares the attribute `gihub`");
    assert_eq!(h, "did you mean `github`?");
    let (e, h) = error("    - name: x\n      person: {departmnt: 営業本部}\n      expect: {exactly: true}\n");
    assert!(e.starts_with("policy-tests/t.test.yaml:7:16: unknown field `departmnt`"), "{e}");
    assert_eq!(h, "did you mean `department`?");
}

#[test]
fn cases_must_say_who_and_what() {
    let (e, _) = error("    - name: nobody\n      expect: {exactly: true}\n");
    assert_eq!(e, "policy-tests/t.test.yaml:6:7: case `nobody` says nobody to test");
    let (e, _) = error("    - name: nothing\n      person: {}\n      expect: {}\n");
    assert!(e.ends_with("the case expects nothing"), "{e}");
    let (e, _) = error("    - name: both\n      person: {}\n      employee: E1\n      expect: {exactly: true}\n");
    assert!(e.ends_with("a case has either `person:` or `employee:`, not both"), "{e}");
    let (e, _) = error("    - name: x\n      person: {}\n      expect: {grants: {zoom: true}, denies: [zoom]}\n");
    assert!(e.ends_with("`zoom` is both expected and denied"), "{e}");
}

#[test]
fn every_bad_case_is_reported_not_only_the_first() {
    let d = policy_test::load(
        &set(),
        &file(&format!(
            "{HEAD}    - name: a\n      person: {{employmentType: nope}}\n      expect: {{exactly: true}}\n    - name: b\n      person: {{}}\n      expect: {{grants: {{nope: true}}}}\n"
        )),
    )
    .unwrap_err();
    let positions: Vec<String> = d.0.iter().map(|x| x.position()).collect();
    assert_eq!(positions, ["policy-tests/t.test.yaml:7:32", "policy-tests/t.test.yaml:11:25"]);
}

#[test]
fn policies_in_a_test_file_are_refused() {
    let d = policy_test::load(&set(), &file(&access("x", "{}", "[{app: zoom}]"))).unwrap_err();
    assert_eq!(d.0[0].position(), "policy-tests/t.test.yaml:2:7");
    assert!(d.0[0].message.contains("test files hold only `PolicyTest` documents"), "{}", d.0[0]);
}
