//! A csv export older than its app's `maxAge`: the plan says how old every
//! export is, warns about a stale one (with its date, where the date came
//! from, its age, the limit and the fix) in every rendering, and `apply`
//! refuses it until `--allow-stale-exports`. The date comes from the
//! export's own column, else from the file's modification time.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

use keyward_testkit::org::{HR_CSV_HEADER, directory, people_source_yaml};

/// `wiki` maps the export's date column; `crm` has none.
const APPS: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: wiki}
spec:
  connector:
    csvExport:
      path: ../data/wiki.csv
      columns: {username: username, email: email, status: status, exportedAt: 出力日時}
      statusValues: {active: [Member]}
      maxAge: 14d
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
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
  grant: [{app: wiki}, {app: crm}]
";

/// A joiner without a wiki account, so the wiki's checklist has an item;
/// the wiki export's rows were written on two days (the older counts).
fn org(wiki_dates: [&str; 2]) -> tempfile::TempDir {
    let hr = format!(
        "{HR_CSV_HEADER}E1,山田,太郎,taro@example.com,開発本部,,正社員,在籍,2015/04/01,,\nE2,佐藤,花子,hanako@example.com,開発本部,,正社員,在籍,2015/04/01,,\n"
    );
    let wiki = format!(
        "username,email,status,出力日時\ntaro,taro@example.com,Member,{}\nghost,ghost@example.com,Member,{}\n",
        wiki_dates[0], wiki_dates[1]
    );
    let dir = directory(&[
        ("data/hr.csv", &hr),
        ("data/wiki.csv", &wiki),
        ("data/crm.csv", "email\ntaro@example.com\nhanako@example.com\n"),
        ("policies/people.yaml", &people_source_yaml("../data/hr.csv")),
        ("policies/apps.yaml", APPS),
    ]);
    modified(&dir.path().join("data/crm.csv"), "2026-11-20T09:00:00+09:00");
    dir
}

/// Sets a file's modification time, as a copy that kept it would have.
fn modified(path: &Path, at: &str) {
    let t: jiff::Timestamp = at.parse().unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::from(t)).unwrap();
}

fn keyward(dir: &Path, args: &[&str]) -> Output {
    // The file's time is read on the machine's calendar: pin it.
    Command::new(env!("CARGO_BIN_EXE_keyward"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TZ", "Asia/Tokyo")
        .env_remove("KEYWARD_LOG")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_plan_says_how_old_each_export_is_and_warns_about_a_stale_one() {
    let dir = org(["2026/11/20 09:15", "2026年11月1日"]);
    let text = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23"]));
    assert!(
        text.contains("  ! export of 2026-11-01 (from the column `出力日時`): 22 days old, over the limit of 14d: export again or raise maxAge\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  export of 2026-11-20 (from the file's modification time): 3 days old, within the limit of 30d\n"
        ),
        "{text}"
    );
    let warning = "wiki: the export data/wiki.csv (UTF-8) is 22 days old (exported 2026-11-01, from the column `出力日時`); the limit is 14d (spec.connector.csvExport.maxAge): export the accounts again, or raise maxAge.";
    assert!(text.contains(&format!("  ! {warning}")), "{text}");
    assert!(!text.contains("crm: the export"), "crm's export is within its limit: {text}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&keyward(
        dir.path(),
        &["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"],
    )))
    .unwrap();
    let apps = json["apps"].as_array().unwrap();
    let export = |name: &str| apps.iter().find(|a| a["name"] == name).unwrap()["export"].clone();
    assert_eq!(
        export("wiki"),
        serde_json::json!({"date": "2026-11-01", "from": "column", "column": "出力日時", "ageDays": 22, "maxAge": "14d"})
    );
    assert_eq!(
        export("crm"),
        serde_json::json!({"date": "2026-11-20", "from": "fileModified", "ageDays": 3, "maxAge": "30d"})
    );
    assert!(json["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with(warning)), "{json}");

    let md = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23", "--format", "markdown"]));
    assert!(md.contains("| wiki · ⚠️ export 22 days old, limit 14d |"), "{md}");
    assert!(md.contains("| crm · export 3 days old |"), "{md}");
    assert!(md.contains("- ⚠️ wiki: the export"), "{md}");
}

#[test]
fn the_file_time_decides_without_a_date_column_and_a_future_column_date_only_warns() {
    let dir = org(["2026/11/20", "2026/11/20"]);
    modified(&dir.path().join("data/crm.csv"), "2026-10-01T12:00:00+09:00");
    let text = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23"]));
    assert!(text.contains("crm: the export data/crm.csv (UTF-8) is 53 days old (exported 2026-10-01, from the file's modification time); the limit is 30d"), "{text}");
    let text = stdout(&keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-09-28"]));
    // A file modified after a past plan date is normal (a checkout, a
    // copy): said, not warned about.
    assert!(
        text.contains("export of 2026-10-01 (from the file's modification time): modified after the plan's date, within the limit of 30d"),
        "{text}"
    );
    assert!(!text.contains("crm: the export"), "{text}");
    assert!(text.contains("wiki: the export data/wiki.csv (UTF-8) is dated 53 days after the plan's date"), "{text}");
}

#[test]
fn apply_refuses_a_stale_export_and_names_it_until_allowed() {
    let dir = org(["2026/11/01", "2026/11/01"]);
    let apply = |extra: &[&str]| {
        let mut args = vec!["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve"];
        args.extend_from_slice(extra);
        keyward(dir.path(), &args)
    };
    let out = apply(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("wiki: the export data/wiki.csv (UTF-8) is 22 days old (exported 2026-11-01, from the column `出力日時`); the limit is 14d"),
        "{err}"
    );
    assert!(err.contains("--allow-stale-exports"), "{err}");
    assert!(!dir.path().join(".keyward/checklists/wiki.md").exists(), "nothing is written from a stale export");

    // A future-dated export is not refused; a fresh one is applied.
    let fresh = org(["2026/11/24", "2026/11/25 08:00"]);
    let out = keyward(fresh.path(), &["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = apply(&["--allow-stale-exports"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let checklist = std::fs::read_to_string(dir.path().join(".keyward/checklists/wiki.md")).unwrap();
    assert!(checklist.contains("hanako@example.com"), "{checklist}");
}

#[test]
fn an_export_date_that_cannot_be_read_is_an_error_at_its_line_and_column() {
    let dir = org(["2026/11/20", "昨日"]);
    let out = keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("data/wiki.csv:3 (column 出力日時)"), "{err}");
    assert!(err.contains("cannot read the export date `昨日`"), "{err}");
    assert!(err.contains("2026年11月30日"), "the accepted forms are named: {err}");
}
