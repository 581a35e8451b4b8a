//! `keyward validate` and `keyward plan` on broken input: every error names
//! the file, line and column (or CSV line and column header), says how to
//! fix it, exits 1, and plans nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;

use assert_cmd::Command;
use keyward_testkit::org::people_source_yaml;

const HR: &str = "\u{feff}社員番号,姓,名,メールアドレス,部署,役職,雇用形態,在籍状況,入社年月日,退職年月日,上長社員番号\n\
E0001,山田,太郎,taro@example.com,営業本部/第一営業部,部長,正社員,在籍,2015/04/01,,\n\
E0002,鈴木,花子,hanako@example.com,営業本部/第一営業部,,正社員,在籍,2026/11/25,,E0001\n\
E0003,佐藤,次郎,jiro@example.com,営業本部,,契約社員,退職済み,2020/04/01,2026/11/20,E0001\n";

const SLACK: &str = "username,email,status,fullname\n\
taro,Taro+slack@EXAMPLE.com,Member,Taro\n\
jiro,jiro@example.co.jp,Member,Jiro\n\
info,info@example.com,Member,Info\n\
slackbot,,Bot,Slackbot\n";

const APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  connector:
    csvExport:
      path: ../data/slack.csv
      columns: {username: username, email: email, status: status, role: status}
      statusValues: {active: [Member, Admin], suspended: [Deactivated], bot: [Bot]}
      roleValues: {Member: member, Admin: admin}
  correlate: [{email: {domainAliases: {example.co.jp: example.com}}}]
  roles: [member, admin]
  lifecycle: {provisionBefore: 3d, offboarding: {transferTo: manager}}
";

const POLICY: &str = "apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: sales}
spec:
  select:
    department: ['営業本部/**']
    title: '.*'
  grant:
    - app: slack
      role: member
";

struct Org {
    dir: tempfile::TempDir,
}

impl Org {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let org = Self { dir };
        org.write("data/hr.csv", HR);
        org.write("data/slack.csv", SLACK);
        org.write("policies/people.yaml", &people_source_yaml("../data/hr.csv"));
        org.write("policies/slack.yaml", APP);
        org.write("policies/sales.yaml", POLICY);
        org
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(p, text.replacen(from, to, 1)).unwrap();
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs keyward in the org's directory; returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("keyward")
            .unwrap()
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Asserts `validate` fails with an error at `position` mentioning
    /// `message` and `help`, and that `plan` refuses too.
    fn assert_error(&self, position: &str, message: &str, help: &str) {
        let (code, out, err) = self.run(&["validate", "-f", "policies"]);
        assert_eq!(code, 1, "stdout: {out}\nstderr: {err}");
        assert!(err.contains(position), "expected position {position:?} in:\n{err}");
        assert!(err.contains(message), "expected {message:?} in:\n{err}");
        assert!(err.contains(help), "expected help {help:?} in:\n{err}");
        assert!(err.contains("nothing was planned or changed"), "{err}");
        let (code, out, _) = self.run(&["plan", "-f", "policies", "--at", "2026-11-23"]);
        assert_eq!(code, 1);
        assert!(out.is_empty(), "a failed plan prints no plan: {out}");
    }
}

#[test]
fn the_fixture_is_valid() {
    let org = Org::new();
    let (code, out, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("OK: 1 people source(s), 1 application(s)"), "{out}");
    assert!(out.contains("3 people, 4 accounts read"), "{out}");
}

#[test]
fn unknown_field() {
    let org = Org::new();
    org.edit("policies/sales.yaml", "  select:", "  selct:");
    org.assert_error("policies/sales.yaml:5:3", "unknown field `selct`", "did you mean `select`?");
}

#[test]
fn bad_regex() {
    let org = Org::new();
    org.edit("policies/sales.yaml", "title: '.*'", "title: '(部長'");
    org.assert_error("policies/sales.yaml:7:12", "`(部長` is not a valid regular expression", "escape literal");
}

#[test]
fn unknown_app_in_a_grant() {
    let org = Org::new();
    org.edit("policies/sales.yaml", "- app: slack", "- app: slak");
    org.assert_error("policies/sales.yaml:9:12", "unknown application `slak`", "did you mean `slack`?");
}

#[test]
fn a_separation_of_duties_naming_an_unknown_role_is_refused_at_its_position() {
    let org = Org::new();
    org.write(
        "policies/sod.yaml",
        "apiVersion: keyward.io/v1alpha1
kind: SeparationOfDuties
metadata: {name: admins-apart}
spec:
  duties:
    - name: administer chat
      entitlements: [{app: slack, role: admin}]
    - name: post as a guest
      entitlements:
        - {app: slack, role: gust}
",
    );
    org.assert_error(
        "policies/sod.yaml:10:30",
        "`gust` is not a role of application `slack`",
        "use one of member, admin or add it to the Application's `roles`",
    );
}

#[test]
fn duplicate_name() {
    let org = Org::new();
    org.write("policies/sales-copy.yaml", POLICY);
    org.assert_error(
        "policies/sales.yaml:3",
        "AccessPolicy `sales` is defined twice (first in policies/sales-copy.yaml:3)",
        "rename one of them",
    );
}

#[test]
fn missing_csv_column() {
    let org = Org::new();
    org.edit("policies/people.yaml", "department: 部署", "department: 部署名");
    org.assert_error(
        "policies/people.yaml:12:19",
        "column `部署名` is not in data/hr.csv",
        "did you mean `部署`? The file's columns are: 社員番号, 姓, 名",
    );
}

#[test]
fn missing_column_in_an_app_export() {
    let org = Org::new();
    org.edit("policies/slack.yaml", "email: email,", "email: mail,");
    org.assert_error(
        "policies/slack.yaml:8:44",
        "column `mail` is not in data/slack.csv",
        "The export's columns are: username, email",
    );
}

/// What validate prints about a file that is not the CSV the policy
/// expects: its first line is quoted capped (a dozen columns, each cut)
/// and once, however long the line and however many columns are missing.
#[test]
fn a_huge_file_that_is_not_the_expected_csv_is_quoted_in_one_short_excerpt() {
    const BOUND: usize = 16 * 1024;
    let org = Org::new();
    // 5 MB on one line: 50,000 "columns" of 99 characters.
    let many = (0..50_000).map(|i| format!("{i:0>99}")).collect::<Vec<_>>().join(",");
    // 5 MB on one line without a comma: one column of 5 MB.
    let one = "x".repeat(5_000_000);
    for (file, line) in [("data/hr.csv", &many), ("data/hr.csv", &one), ("data/slack.csv", &many)] {
        let org_file = if file == "data/hr.csv" { HR } else { SLACK };
        org.write(file, line);
        let (code, _, err) = org.run(&["validate", "-f", "policies"]);
        org.write(file, org_file);
        assert_eq!(code, 1, "{}", &err[..err.len().min(2000)]);
        assert!(err.len() < BOUND, "{file}: {} bytes of stderr", err.len());
        assert!(err.contains(&format!("is not in {file}")), "{err}");
        assert_eq!(err.to_lowercase().matches("columns are:").count(), 1, "the columns are listed once: {err}");
        if line.contains(',') {
            assert!(err.contains(&format!("{}…", "0".repeat(40))), "each column is cut: {err}");
            assert!(err.contains("… and 49988 more"), "a dozen columns are shown: {err}");
        }
    }
}

#[test]
fn unreadable_date() {
    let org = Org::new();
    org.edit("data/hr.csv", "2026/11/25", "2026/13/25");
    org.assert_error("data/hr.csv:3 (column 入社年月日)", "cannot read the date `2026/13/25`", "%Y/%m/%d");
}

#[test]
fn unknown_hr_label() {
    let org = Org::new();
    org.edit("data/hr.csv", "契約社員", "嘱託職員");
    org.assert_error("data/hr.csv:4 (column 雇用形態)", "unknown employment type `嘱託職員`", "values.employmentType");
}

#[test]
fn unknown_account_status() {
    let org = Org::new();
    org.edit("data/slack.csv", "Member,Jiro", "Guest,Jiro");
    org.assert_error("data/slack.csv:3 (column status)", "unknown account status `Guest`", "statusValues");
}

#[test]
fn truncated_csv_row() {
    let org = Org::new();
    org.write("data/hr.csv", &format!("{HR}E0004,高橋,三郎,saburo@example.com,営業本部"));
    org.assert_error("data/hr.csv:5", "the row has 5 fields but the header has 11", "cut off");
}

#[test]
fn yaml_syntax_error() {
    let org = Org::new();
    org.edit("policies/sales.yaml", "department: ['営業本部/**']", "department: ['営業本部/**'");
    org.assert_error("policies/sales.yaml:", "invalid YAML", "indentation");
}

#[test]
fn missing_data_file_names_the_file_and_the_source() {
    let org = Org::new();
    std::fs::remove_file(org.path().join("data/hr.csv")).unwrap();
    let (code, _, err) = org.run(&["plan", "-f", "policies"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read data/hr.csv (PeopleSource smarthr)"), "{err}");
}

#[test]
fn detailed_exitcode_and_json_contract() {
    let org = Org::new();
    let (code, out, err) =
        org.run(&["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["apiVersion"], "keyward.io/v1alpha1");
    assert_eq!(v["kind"], "Plan");
    assert_eq!(v["formatVersion"], 1);
    for c in v["changes"].as_array().unwrap() {
        for key in ["app", "action", "account", "reason"] {
            assert!(c.get(key).is_some(), "change without {key}: {c}");
        }
    }
    let suspend = v["changes"].as_array().unwrap().iter().find(|c| c["action"] == "suspend").unwrap();
    assert_eq!(suspend["person"]["id"], "E0003");
    assert_eq!(suspend["reason"], "last working day 2026-11-20 (退職年月日)");

    // Without changes: exit 0 even with --detailed-exitcode.
    org.write(
        "data/hr.csv",
        "社員番号,姓,名,メールアドレス,部署,役職,雇用形態,在籍状況,入社年月日,退職年月日,上長社員番号\n",
    );
    org.write("data/slack.csv", "username,email,status,fullname\nslackbot,,Bot,Slackbot\n");
    let (code, out, _) = org.run(&["plan", "-f", "policies", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Plan: 0 to create"), "{out}");
}

#[test]
fn plan_writes_the_json_plan_to_a_file_as_well() {
    let org = Org::new();
    let (code, out, _) = org.run(&["plan", "-f", "policies", "--at", "2026-11-23", "-o", "plan.json"]);
    assert_eq!(code, 0);
    assert!(out.contains("Plan: 1 to create"), "{out}");
    let saved = std::fs::read_to_string(org.path().join("plan.json")).unwrap();
    assert!(saved.contains("\"kind\": \"Plan\""));
}

#[test]
fn shift_jis_exports_read_like_utf8() {
    let org = Org::new();
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(HR.trim_start_matches('\u{feff}'));
    std::fs::write(org.path().join("data/hr.csv"), bytes).unwrap();
    let (code, out, err) = org.run(&["plan", "-f", "policies", "--at", "2026-11-23"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("鈴木 花子 (E0002)"), "{out}");
}

#[test]
fn inventory_as_csv_matches_accounts_to_people() {
    let org = Org::new();
    let (code, out, err) = org.run(&["inventory", "-f", "policies", "--at", "2026-11-23", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("app,account_id,account,status,role,groups,last_active,person_id,person_name,person_status,matched_by")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.contains(
            &"slack,jiro,jiro@example.co.jp,active,member,,,E0003,佐藤 次郎,left 2026-11-20,e-mail jiro@example.com"
        ),
        "{rows:#?}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("slack,info,info@example.com,active,member,,,,,,unmatched")),
        "{rows:#?}"
    );
    assert!(rows.iter().any(|r| r.ends_with(",bot")), "{rows:#?}");
}

#[test]
fn unknown_app_filter_in_inventory_lists_the_apps() {
    let org = Org::new();
    let (code, _, err) = org.run(&["inventory", "-f", "policies", "--app", "slak"]);
    assert_eq!(code, 1);
    assert!(err.contains("no Application named `slak`; the policies define: slack"), "{err}");
}

const SCIM_APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  connector:
    scim:
      url: https://api.slack.com/scim/v2
      token: {env: SLACK_SCIM_TOKEN}
      profile: slack
";

#[test]
fn a_scim_token_written_into_the_policy_is_refused_at_its_position() {
    let org = Org::new();
    org.write("policies/slack.yaml", &SCIM_APP.replace("{env: SLACK_SCIM_TOKEN}", "{env: xoxp-1234-secret}"));
    org.assert_error(
        "policies/slack.yaml:8:20",
        "`xoxp-1234-secret` is not an environment variable name",
        "never write the token itself here",
    );
}

#[test]
fn a_scim_token_from_both_env_and_file_is_refused() {
    let org = Org::new();
    org.write("policies/slack.yaml", &SCIM_APP.replace("{env: SLACK_SCIM_TOKEN}", "{env: A, file: b}"));
    org.assert_error(
        "policies/slack.yaml:8:14",
        "exactly one of `env`, `file` and `secret`",
        "token: {env: SLACK_SCIM_TOKEN}",
    );
}

#[test]
fn a_kubernetes_secret_token_is_refused_by_the_cli_with_the_alternatives() {
    let org = Org::new();
    let app = SCIM_APP.replace("{env: SLACK_SCIM_TOKEN}", "{secret: {name: keyward-credentials, key: slack}}");
    org.write("policies/slack.yaml", &app);
    for cmd in ["validate", "plan"] {
        let (code, out, err) = org.run(&[cmd, "-f", "policies"]);
        assert_eq!(code, 1, "{cmd}: {out}{err}");
        assert!(!out.contains("Plan:") && !out.contains("OK:"), "{cmd}: {out}");
        assert!(err.contains("Application slack") && err.contains("`token.env` or `token.file`"), "{cmd}: {err}");
    }

    org.write("policies/slack.yaml", &app.replace("name: keyward-credentials", "name: Keyward_Creds"));
    org.assert_error(
        "policies/slack.yaml:8:30",
        "`Keyward_Creds` is not a valid Secret name",
        "lower-case letters, digits, `-` and `.`",
    );
}

#[test]
fn two_connectors_and_an_unknown_profile_are_refused() {
    let org = Org::new();
    org.write("policies/slack.yaml", &SCIM_APP.replace("profile: slack", "profile: slak"));
    let (code, _, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 1);
    assert!(err.contains("policies/slack.yaml:9:16") && err.contains("slak"), "{err}");
    let both =
        APP.replace("  connector:\n", "  connector:\n    scim: {url: 'https://x.example/scim', token: {env: T}}\n");
    org.write("policies/slack.yaml", &both);
    org.assert_error("policies/slack.yaml", "more than one connector", "keep exactly one of `csvExport`, `scim`");
}

#[test]
fn a_missing_scim_token_names_the_variable_and_changes_nothing() {
    let org = Org::new();
    org.write("policies/slack.yaml", SCIM_APP);
    let (code, out, err) = org.run(&["plan", "-f", "policies"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("SLACK_SCIM_TOKEN"), "{err}");
    assert!(err.contains("nothing was planned or changed"), "{err}");
}
