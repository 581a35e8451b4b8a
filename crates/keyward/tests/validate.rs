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

/// The classic "billion laughs": nine levels of nine aliases each, 400
/// bytes that would expand to a billion nodes.
const LAUGHS: &str = r#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"#;

#[test]
fn nested_aliases_in_a_policy_file_are_refused_at_the_alias_that_crosses_the_limit() {
    let org = Org::new();
    org.write("policies/laughs.yaml", LAUGHS);
    org.assert_error("policies/laughs.yaml:6:8", "aliases in this document expand to more than 100000 nodes", "anchor");
}

#[test]
fn nested_aliases_in_a_policy_test_file_are_refused_too() {
    let org = Org::new();
    org.write("policy-tests/laughs.test.yaml", LAUGHS);
    let (code, _, err) = org.run(&["test", "-f", "policies", "--tests", "policy-tests"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("policy-tests/laughs.test.yaml:6:8"), "{err}");
    assert!(err.contains("expand to more than 100000 nodes"), "{err}");
}

#[test]
fn an_oversized_policy_file_is_refused_with_its_name_and_the_fix() {
    let org = Org::new();
    let big = org.path().join("policies/dump.yaml");
    std::fs::File::create(&big).unwrap().set_len(64 << 20).unwrap();
    let (code, _, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("policies/dump.yaml is larger than 4194304 bytes"), "{err}");
    assert!(err.contains("split the resources over several files"), "{err}");
}

/// The fixture's files with CRLF line ends, as SmartHR and Excel write them.
fn crlf(org: &Org) {
    for f in ["data/hr.csv", "data/slack.csv"] {
        let p = org.path().join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(p, text.replace('\n', "\r\n")).unwrap();
    }
}

#[test]
fn crlf_exports_report_the_lines_an_editor_shows() {
    let org = Org::new();
    crlf(&org);
    org.edit("data/hr.csv", "2026/11/25", "2026/13/25");
    org.assert_error("data/hr.csv:3 (column 入社年月日)", "cannot read the date `2026/13/25`", "%Y/%m/%d");
    let org = Org::new();
    crlf(&org);
    org.edit("data/slack.csv", "Member,Jiro", "Guest,Jiro");
    org.assert_error("data/slack.csv:3 (column status)", "unknown account status `Guest`", "statusValues");
}

#[test]
fn explain_names_the_hr_line_of_a_crlf_export() {
    let org = Org::new();
    crlf(&org);
    let (code, out, err) = org.run(&["explain", "E0002", "-f", "policies", "--at", "2026-11-23"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("data/hr.csv line 3"), "{out}");
}

#[test]
fn an_over_size_regex_says_why_and_how_to_fix_it() {
    let org = Org::new();
    org.edit(
        "policies/slack.yaml",
        "  roles: [member, admin]\n",
        "  roles: [member, admin]\n  protect: [{username: \"(a{1000}){1000}\"}]\n",
    );
    org.assert_error(
        "policies/slack.yaml:13:24",
        "`(a{1000}){1000}` is not a valid regular expression: it compiles to more than",
        "counted repetition",
    );
}

#[test]
fn an_hr_export_neither_utf8_nor_shift_jis_names_the_line_and_byte() {
    let org = Org::new();
    let text = HR.replace("E0003,佐藤", "E0003,\u{1}佐藤");
    let bytes = text.into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    let mut bytes = bytes;
    bytes[at] = 0xff;
    std::fs::write(org.path().join("data/hr.csv"), &bytes).unwrap();
    org.assert_error("data/hr.csv:4:7", &format!("byte offset {at}"), "save the export as UTF-8");
}

#[test]
fn a_policy_file_that_is_not_utf8_names_the_line_and_byte() {
    let org = Org::new();
    let mut bytes = POLICY.as_bytes().to_vec();
    let at = POLICY.find("'.*'").unwrap();
    bytes[at + 1] = 0xff;
    std::fs::write(org.path().join("policies/sales.yaml"), &bytes).unwrap();
    let (code, _, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("policies/sales.yaml:7:13"), "{err}");
    assert!(err.contains(&format!("byte offset {}", at + 1)), "{err}");
}

#[test]
fn an_empty_hr_file_is_reported_as_empty() {
    for empty in ["", "\u{feff}", "\r\n\r\n", "  \n"] {
        let org = Org::new();
        org.write("data/hr.csv", empty);
        org.assert_error("data/hr.csv", "the file is empty", "export the HR master again");
        let (_, _, err) = org.run(&["validate", "-f", "policies"]);
        assert!(!err.contains("is not in data/hr.csv"), "{empty:?}: one problem, not a missing column each: {err}");
    }
}

#[test]
fn an_empty_app_export_is_reported_as_empty() {
    let org = Org::new();
    org.write("data/slack.csv", "");
    org.assert_error("data/slack.csv", "the file is empty", "export the accounts again");
    let (_, _, err) = org.run(&["validate", "-f", "policies"]);
    assert!(!err.contains("is not in data/slack.csv"), "{err}");
}

#[test]
fn selectors_the_hr_data_cannot_meet_are_warned_about_by_validate_and_plan() {
    let org = Org::new();
    org.edit("policies/sales.yaml", "['営業本部/**']", "['営業本部/**', '営業本部/第三営業部/*']");
    org.write(
        "policies/contractors.yaml",
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: contractors}\nspec:\n  select: {employmentType: [contractor]}\n  grant: [{app: slack}]\n",
    );
    let glob = "policies/sales.yaml:6:29: department glob `営業本部/第三営業部/*` matches no department in the HR data";
    let nobody = "policies/contractors.yaml:5:11: AccessPolicy contractors selects nobody on 2026-11-23";
    let (code, out, err) = org.run(&["validate", "-f", "policies", "--at", "2026-11-23"]);
    assert_eq!(code, 0, "warnings do not fail validate: {err}");
    assert!(out.starts_with("OK:"), "{out}");
    assert!(err.contains(glob) && err.contains(nobody), "{err}");
    assert!(err.contains("did you mean `営業本部/第一営業部`?"), "{err}");

    let (code, out, err) = org.run(&["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(glob) && err.contains(nobody), "printed before the plan, on stderr: {err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["diagnostics"].as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(plan["formatVersion"], 1);
}

/// A loopback port that counts the connections made to it (and answers
/// none of them), for "nothing was contacted".
struct Listener {
    url: String,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Listener {
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The fixture plus a SCIM Application and a SmartHR PeopleSource whose
/// URLs are the listener's.
fn org_with_apis(api: &Listener) -> Org {
    let org = Org::new();
    org.write("data/token", "not-a-real-token\n");
    org.write(
        "policies/scim.yaml",
        &format!(
            "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: wiki}}\nspec:\n  connector:\n    scim: {{url: '{}/scim/v2', token: {{file: ../data/token}}}}\n",
            api.url
        ),
    );
    org.write(
        "policies/smarthr.yaml",
        &format!(
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: smarthr-api}}\nspec:\n  smarthr: {{url: '{}', token: {{file: ../data/token}}}}\n",
            api.url
        ),
    );
    org
}

#[test]
fn validate_is_offline_by_default_and_says_what_it_did_not_contact() {
    let api = Listener::start();
    let org = org_with_apis(&api);
    let (code, out, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert_eq!(api.hits(), 0, "an offline validate contacted a URL named in the policies");
    assert!(out.contains("3 people, 4 accounts read"), "the local CSV files are still read: {out}");
    assert!(out.contains("not contacted"), "{out}");
    assert!(out.contains("PeopleSource smarthr-api (smarthr)"), "{out}");
    assert!(out.contains("Application wiki (scim)"), "{out}");
    assert!(out.contains("--online"), "{out}");
    assert!(!err.contains("selects nobody"), "no selector check against part of the HR data: {err}");

    // --online reads them as before (here: a server that answers nothing).
    let (code, _, _) = org.run(&["validate", "-f", "policies", "--online"]);
    assert_eq!(code, 1);
    assert!(api.hits() > 0, "--online contacts the APIs");
}

#[test]
fn plan_offline_refuses_policies_that_need_the_network_and_contacts_nothing() {
    let api = Listener::start();
    let org = org_with_apis(&api);
    let (code, out, err) = org.run(&["plan", "-f", "policies", "--offline", "--at", "2026-11-23"]);
    assert_eq!(code, 1, "stdout: {out}\nstderr: {err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(api.hits(), 0);
    assert!(err.contains("--offline"), "{err}");
    assert!(err.contains("PeopleSource smarthr-api (smarthr)") && err.contains("Application wiki (scim)"), "{err}");

    // Local sources only: the plan is made as without --offline.
    let local = Org::new();
    let (code, offline, err) = local.run(&["plan", "-f", "policies", "--offline", "--at", "2026-11-23"]);
    assert_eq!(code, 0, "{err}");
    let (_, online, _) = local.run(&["plan", "-f", "policies", "--at", "2026-11-23"]);
    assert_eq!(offline, online);
}

#[test]
fn hr_input_over_the_size_caps_is_refused_naming_the_cap_and_never_its_content() {
    let org = Org::new();
    let (code, _, err) = org.run(&["validate", "-f", "policies", "--max-hr-rows", "2"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("PeopleSource smarthr") && err.contains("more than 2 people"), "{err}");
    assert!(err.contains("--max-hr-rows"), "{err}");

    // A file far larger than the cap is not read into memory or echoed.
    let mut huge = HR.to_owned();
    huge.push_str(&format!("E9999,{},x,x@example.com,営業本部,,正社員,在籍,2020/04/01,,\n", "山".repeat(400_000)));
    org.write("data/hr.csv", &huge);
    let (code, _, err) = org.run(&["plan", "-f", "policies", "--max-hr-bytes", "1000000"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("data/hr.csv") && err.contains("more than 1000000 bytes"), "{err}");
    assert!(err.contains("--max-hr-bytes"), "{err}");
    assert!(!err.contains("山山"), "the file's content is never echoed");
    assert!(err.len() < 2000, "{} bytes of stderr", err.len());
    let (code, _, err) = org.run(&["validate", "-f", "policies"]);
    assert_eq!(code, 0, "the defaults are far above a real company: {err}");
}
