//! `keyward validate` on broken policy files, in English and in Japanese
//! (`--lang ja`): the located diagnostics, their help and the last line.
//! The English snapshots show what the Japanese ones translate.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;
use keyward_testkit::org::people_source_yaml;

const HR: &str = "社員番号,姓,名,メールアドレス,部署,役職,雇用形態,在籍状況,入社年月日,退職年月日,上長社員番号\n\
E0001,山田,太郎,taro@example.com,営業本部,部長,正社員,在籍,2015/04/01,,\n";

const APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  connector:
    csvExport:
      path: ../data/slack.csv
      columns: {username: username, email: email, status: status}
  roles: [member, admin]
";

/// Broken policy files, each alone in a policy directory with a valid
/// PeopleSource and Application: (name, file name, text).
const BROKEN: &[(&str, &str)] = &[
    (
        "misspelt_field",
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  selct: {department: ['営業本部/**']}\n  grant: [{app: slack, role: member}]\n",
    ),
    ("unknown_kind", "apiVersion: keyward.io/v1alpha1\nkind: AccesPolicy\nmetadata: {name: sales}\nspec: {}\n"),
    (
        "yaml_syntax",
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {department: ['営業本部/**'}\n",
    ),
    (
        "unknown_references",
        "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {employmentType: [正社員]}\n  grant:\n    - {app: slak, role: member}\n    - {app: slack, role: owner}\n",
    ),
    (
        "missing_and_wrong_type",
        "apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {name: handover}\nspec:\n  person: taro@example.com\n  grant: {app: slack}\n  until: 2026-12-15\n",
    ),
    (
        "application_settings",
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: okta}\nspec:\n  connector:\n    okta: {orgUrl: \"https://example.okta.com\", token: {env: OKTA-TOKEN}}\n  lifecycle: {offboarding: {suspend: afterLastDay, revoke: {when: 7d, what: [sessions, sessions]}}}\n---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: everyone}\nspec:\n  select: {}\n  grant: [{app: okta, role: admin, groups: [Everyone, '']}]\n",
    ),
    (
        "http_connector",
        "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: tool}
spec:
  connector:
    http:
      baseUrl: http://api.example.com/v1
      headers: {X-Api-Token: abc}
      auth: {bearer: {token: {env: TOOL-TOKEN}}}
      accounts:
        request: {path: 'users?limit=100'}
        records: users[
        fields: {id: $.id, displayName: $.name}
        maxPages: 0
      changes:
        create:
          path: /users
          body: '{\"email\": \"{{person.emial}}\",}'
          id: $.id
        suspend: {method: patch, path: '/users/{{acount.id}}', body: '{\"active\": false}', accept: [200, 700]}
        addGroup: {path: /groups/x/members, body: '{\"id\": \"{{account.id}}\"}'}
",
    ),
    (
        "ldap_connector",
        "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: directory}
spec:
  connector:
    ldap:
      url: ldap://ldap.example.com:389
      bindDn: keyward
      password: {env: LDAP_PASSWORD}
      baseDn: ou=people,dc=example,dc=com
      userFilter: (uid=*
      attributes: {id: 'u id'}
      suspension: group
      pageSize: 0
  roles: [member]
",
    ),
];

fn validate(lang: &str, policy: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("data/hr.csv", HR);
    write("data/slack.csv", "username,email,status\ntaro,taro@example.com,active\n");
    write("policies/people.yaml", &people_source_yaml("../data/hr.csv"));
    write("policies/slack.yaml", APP);
    write("policies/policy.yaml", policy);
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("KEYWARD_LANG")
        .args(["--lang", lang, "validate", "-f", "policies"])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn snapshot_all(lang: &str) {
    for (name, policy) in BROKEN {
        let (code, err) = validate(lang, policy);
        assert_eq!(code, 1, "{name}: {err}");
        insta::assert_snapshot!(format!("{name}_{lang}"), err);
    }
}

#[test]
fn broken_policies_in_english() {
    snapshot_all("en");
}

#[test]
fn broken_policies_in_japanese() {
    snapshot_all("ja");
}

#[test]
fn the_summary_line_of_a_valid_set_is_japanese_under_lang_ja() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/hr.csv"), HR).unwrap();
    std::fs::write(dir.path().join("policies/people.yaml"), people_source_yaml("../data/hr.csv")).unwrap();
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("KEYWARD_LANG")
        .args(["--lang", "ja", "validate", "-f", "policies"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "OK：人事ソース 1 件、アプリ 0 件、アクセスポリシー 0 件、例外 0 件。従業員 1 人、アカウント 0 件を読み込みました。\n"
    );
}
