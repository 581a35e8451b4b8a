//! People who vanish from the HR source, through the binary: `apply`
//! writes the roster of everyone it saw; after a row is dropped from the
//! export, `plan` (which never writes the roster) shows the person as
//! vanished with their accounts, reviews them and plans no suspension;
//! `explain` says the same.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

use keyward_testkit::org::{HR_CSV_HEADER, directory, people_source_yaml};

const APPS: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: crm}
spec:
  connector:
    csvExport:
      path: ../data/crm.csv
      columns: {email: email}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: everyone}
spec:
  select: {}
  grant: [{app: crm}]
";

const TARO: &str = "1042,山田,太郎,taro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n";
const HANAKO: &str = "1043,佐藤,花子,hanako@example.com,開発本部,,正社員,在籍,2015/04/01,,\n";

fn keyward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyward"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("KEYWARD_LOG")
        .env_remove("KEYWARD_ROSTER")
        .env_remove("KEYWARD_AUDIT_LOG")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_person_dropped_from_the_export_is_shown_as_vanished_with_their_accounts_and_not_suspended() {
    let dir = directory(&[
        ("data/hr.csv", &format!("{HR_CSV_HEADER}{TARO}{HANAKO}")),
        ("data/crm.csv", "email\ntaro@example.com\nhanako@example.com\n"),
        ("policies/people.yaml", &people_source_yaml("../data/hr.csv")),
        ("policies/apps.yaml", APPS),
    ]);
    let roster = dir.path().join(".keyward/roster.json");
    stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-30"]));
    assert!(!roster.exists(), "plan never writes the roster");
    stdout(&keyward(dir.path(), &["apply", "-f", "policies", "--at", "2026-11-30", "--auto-approve"]));
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&roster).unwrap()).unwrap();
    assert_eq!(saved["people"][0]["id"], "1042");
    assert_eq!(saved["people"][0]["lastSeen"], "2026-11-30");

    std::fs::write(dir.path().join("data/hr.csv"), format!("{HR_CSV_HEADER}{HANAKO}")).unwrap();
    let text = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-12-03"]));
    assert!(text.contains("! 1 person is no longer in the HR source (of 2 seen before)"), "{text}");
    assert!(
        text.contains(
            "  ? 1042 山田 太郎 <taro@example.com> — last seen 2026-11-30 (smarthr)\n      crm: taro@example.com"
        ),
        "{text}"
    );
    assert!(
        text.contains("1042 山田 太郎 is no longer in the HR source (last seen 2026-11-30): decide — they left, or the record moved"),
        "{text}"
    );
    assert!(!text.contains("suspend "), "no suspension on absence alone: {text}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&keyward(
        dir.path(),
        &["plan", "-f", "policies", "--at", "2026-12-03", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["people"]["vanished"], 1);
    assert_eq!(json["vanished"][0]["person"]["id"], "1042");
    assert_eq!(json["vanished"][0]["accounts"][0]["account"]["email"], "taro@example.com");
    assert_eq!(json["summary"]["suspend"].as_u64().unwrap_or(0), 0, "{json:#}");

    let explained = stdout(&keyward(dir.path(), &["explain", "1042", "-f", "policies", "--at", "2026-12-03"]));
    assert!(
        explained.starts_with("1042 山田 太郎 <taro@example.com> — last seen 2026-11-30 (smarthr)\n"),
        "{explained}"
    );
    assert!(explained.contains("  crm: taro@example.com"), "{explained}");
    // The next apply keeps them: never forgotten on absence.
    stdout(&keyward(dir.path(), &["apply", "-f", "policies", "--at", "2026-12-03", "--auto-approve"]));
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&roster).unwrap()).unwrap();
    assert_eq!(saved["people"][0]["lastSeen"], "2026-11-30");
    assert_eq!(saved["people"][1]["lastSeen"], "2026-12-03");
}

#[test]
fn vanished_people_and_the_apply_summary_read_in_japanese_and_the_markdown_lists_them() {
    let dir = directory(&[
        ("data/hr.csv", &format!("{HR_CSV_HEADER}{TARO}{HANAKO}")),
        ("data/crm.csv", "email\ntaro@example.com\nhanako@example.com\n"),
        ("policies/people.yaml", &people_source_yaml("../data/hr.csv")),
        ("policies/apps.yaml", APPS),
    ]);
    let applied = stdout(&keyward(
        dir.path(),
        &["--lang", "ja", "apply", "-f", "policies", "--at", "2026-11-30", "--auto-approve"],
    ));
    assert!(applied.contains("\n適用する変更はありません。\n") || applied.contains("監査ログ "), "{applied}");
    std::fs::write(dir.path().join("data/hr.csv"), format!("{HR_CSV_HEADER}{HANAKO}")).unwrap();

    let text = stdout(&keyward(dir.path(), &["--lang", "ja", "plan", "-f", "policies", "--at", "2026-12-03"]));
    assert!(text.contains("! 人事マスタにいなくなった従業員 1名（以前に確認した 2名中）\n"), "{text}");
    assert!(text.contains("人事マスタにいなくなった従業員：退職したのか、レコードが移ったのかを判断\n"), "{text}");
    assert!(
        text.contains(
            "  ? 1042 山田 太郎 <taro@example.com> — 最終確認 2026-11-30（smarthr）\n      crm: taro@example.com"
        ),
        "{text}"
    );
    assert!(
        text.contains("1042 山田 太郎 は人事マスタにいなくなりました（最後に確認したのは 2026-11-30）。"),
        "{text}"
    );

    let md = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-12-03", "--format", "markdown"]));
    assert!(md.contains("⚠️ 1 person is no longer in the HR source (of 2 seen before)\n"), "{md}");
    assert!(md.contains("**No longer in the HR source — decide: they left, or the record moved**\n"), "{md}");
    assert!(
        md.contains(
            "- 1042 山田 太郎 &lt;taro@example.com&gt; — last seen 2026-11-30 (smarthr)\n  - crm: taro@example.com\n"
        ),
        "{md}"
    );
    let md_ja = stdout(&keyward(
        dir.path(),
        &["--lang", "ja", "plan", "-f", "policies", "--at", "2026-12-03", "--format", "markdown"],
    ));
    assert!(
        md_ja.contains("**人事マスタにいなくなった従業員：退職したのか、レコードが移ったのかを判断**\n"),
        "{md_ja}"
    );

    let explained =
        stdout(&keyward(dir.path(), &["--lang", "ja", "explain", "1042", "-f", "policies", "--at", "2026-12-03"]));
    assert!(
        explained.starts_with(
            "1042 山田 太郎 <taro@example.com> — 最終確認 2026-11-30（smarthr）\n  人事マスタにいません。"
        ),
        "{explained}"
    );
    assert!(explained.contains("  crm: taro@example.com"), "{explained}");
}
