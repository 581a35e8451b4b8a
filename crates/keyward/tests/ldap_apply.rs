//! `keyward plan` and `keyward apply` against a real OpenLDAP slapd
//! (keyward-testkit's LdapServer): on 2026-11-23 a joiner is created in its
//! group, an engineer joins `engineers`, a leaver is locked and a rehire
//! unlocked; a second plan has nothing left to do. The directory's own state
//! is the judge, not keyward's output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::process::Output;

use keyward_testkit::LdapServer;
use keyward_testkit::ldap::{GROUPS_DN, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD};
use keyward_testkit::org::{HR_CSV_HEADER, people_source_yaml};

const DATE: &str = "2026-11-23";
const PASSWORD_ENV: &str = "KW_TEST_LDAP_PASSWORD";

/// E1 is an engineer not yet in `engineers`; E3 joins today; E4 left on
/// 2026-11-20; E6 was rehired on 2026-11-01 and their old entry is locked.
const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n\
E3,佐藤,次郎,jiro@example.com,開発本部,,正社員,在籍,2026/11/23,,E1\n\
E4,高橋,美咲,misaki@example.com,営業本部,,契約社員,退職済み,2020/04/01,2026/11/20,E1\n\
E6,渡辺,直樹,naoki@example.com,営業本部,,正社員,在籍,2026/11/01,,E1\n";

fn policies(url: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: directory}}
spec:
  connector:
    ldap:
      url: {url}
      bindDn: {SERVICE_DN}
      password: {{env: {PASSWORD_ENV}}}
      baseDn: {PEOPLE_DN}
      groupsDn: {GROUPS_DN}
      pageSize: 2
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: everyone}}
spec:
  select: {{}}
  grant: [{{app: directory}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: engineers}}
spec:
  select: {{department: [開発本部/**]}}
  grant: [{{app: directory, groups: [engineers]}}]
"
    )
}

async fn keyward(dir: &std::path::Path, args: &[&str]) -> Output {
    tokio::process::Command::new(assert_cmd::cargo::cargo_bin!("keyward"))
        .args(args)
        .current_dir(dir)
        .env(PASSWORD_ENV, SERVICE_PASSWORD)
        .env("NO_COLOR", "1")
        .env_remove("KEYWARD_LOG")
        .kill_on_drop(true)
        .output()
        .await
        .unwrap()
}

fn text(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_brings_the_directory_to_the_policy_and_a_second_plan_is_empty() {
    let server = LdapServer::start().await;
    let taro = server.add_person("taro", Some("E1"), None).await;
    let misaki = server.add_person("misaki", Some("E4"), Some("misaki-pw")).await;
    let naoki = server.add_person("naoki", Some("E6"), Some("naoki-pw")).await;
    server.set_locked_time(&naoki, "000001010000Z").await;
    server.add_group("engineers", &[]).await;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hr.csv"), format!("{HR_CSV_HEADER}{HR_ROWS}")).unwrap();
    std::fs::write(dir.path().join("people.yaml"), people_source_yaml("hr.csv")).unwrap();
    std::fs::write(dir.path().join("directory.yaml"), policies(&server.url())).unwrap();

    let out = keyward(dir.path(), &["plan", "-f", ".", "--at", DATE, "--format", "json"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &plan["summary"];
    let counts = ["create", "update", "suspend", "restore", "delete", "review"].map(|k| s[k].as_u64().unwrap());
    assert_eq!(counts, [1, 1, 1, 1, 0, 0], "{plan:#}");
    assert_eq!(plan["apps"][0]["readOnly"], false);

    let out =
        keyward(dir.path(), &["apply", "-f", ".", "--at", DATE, "--auto-approve", "--audit-log", "audit.jsonl"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 applied"), "{}", text(&out));

    let jiro = format!("uid=jiro,{PEOPLE_DN}");
    let made = server.entry(&jiro).await.expect("the joiner's entry");
    assert_eq!(made.first("mail"), Some("jiro@example.com"));
    assert_eq!(made.first("employeeNumber"), Some("E3"));
    let engineers = server.members("engineers").await;
    assert!(engineers.contains(&taro) && engineers.contains(&jiro), "{engineers:?}");
    assert!(!server.can_bind(&misaki, "misaki-pw").await, "the leaver is locked");
    assert!(server.can_bind(&naoki, "naoki-pw").await, "the rehire is unlocked");

    let out = keyward(dir.path(), &["plan", "-f", ".", "--at", DATE, "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "nothing left to do: {}", text(&out));
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    for seen in [text(&out), audit] {
        assert!(!seen.contains(SERVICE_PASSWORD), "the password leaked:\n{seen}");
    }
}
