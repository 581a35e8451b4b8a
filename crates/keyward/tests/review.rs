//! Access review on the example organisation: every account lands in
//! exactly one reviewer's sheet; a filled-in sheet fed back becomes
//! Exceptions that the plan then honours, plus removals and the decisions
//! that need a policy change; nothing is ever overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("keyward").unwrap().current_dir(repo()).env("NO_COLOR", "1").args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "keyward {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn export(dir: &Path, by: &str) {
    ok(&["review", "export", "-f", "policies", "--at", "2026-11-23", "--by", by, "--out-dir", dir.to_str().unwrap()]);
}

/// (header, rows) of every CSV sheet in `dir`, the byte-order mark checked.
fn sheets(dir: &Path) -> Vec<(std::path::PathBuf, Vec<csv::StringRecord>)> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let body = text.strip_prefix('\u{feff}').expect("a BOM, so Excel reads UTF-8");
        let mut r = csv::Reader::from_reader(body.as_bytes());
        out.push((p.clone(), r.records().map(Result::unwrap).collect()));
    }
    out
}

const HEADER: [&str; 18] = [
    "reviewer",
    "app",
    "account_id",
    "account",
    "status",
    "role",
    "groups",
    "last_active",
    "person_id",
    "person_name",
    "department",
    "employment_type",
    "person_status",
    "granted_by",
    "matched_by",
    "decision",
    "comment",
    "probably",
];

/// Rewrites a sheet as a spreadsheet would save it (UTF-8 with a BOM),
/// with each row changed by `edit`.
fn rewrite(path: &Path, rows: Vec<csv::StringRecord>, mut edit: impl FnMut(&mut Vec<String>)) {
    let mut w = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(HEADER).unwrap();
    for row in rows {
        let mut row: Vec<String> = row.iter().map(str::to_owned).collect();
        edit(&mut row);
        w.write_record(&row).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

#[test]
fn every_account_is_in_exactly_one_sheet_whoever_reviews() {
    let inventory = ok(&["inventory", "-f", "policies", "--at", "2026-11-23", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(inventory.as_bytes());
    let expected: BTreeSet<(String, String)> =
        r.records().map(|x| x.unwrap()).map(|x| (x[0].to_owned(), x[1].to_owned())).collect();
    for by in ["manager", "app"] {
        let dir = tempfile::tempdir().unwrap();
        export(dir.path(), by);
        let mut seen = Vec::new();
        for (path, rows) in sheets(dir.path()) {
            assert!(path.with_extension("md").exists(), "{}: its Markdown checklist", path.display());
            seen.extend(rows.iter().map(|x| (x[1].to_owned(), x[2].to_owned())));
        }
        let unique: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "by {by}: an account in two sheets");
        assert_eq!(unique, expected, "by {by}: every account of the inventory, no more");
        assert!(std::fs::read_to_string(dir.path().join("README.md")).unwrap().contains("| reviewer |"));
    }
}

#[test]
fn a_filled_in_review_becomes_exceptions_the_plan_honours() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), "manager");
    let (mut kept, mut removed, mut conflict, mut leaver_kept) = (None, None, None, None);
    for (path, rows) in sheets(dir.path()) {
        assert_eq!(rows.first().map(csv::StringRecord::len), Some(HEADER.len()), "{}", path.display());
        rewrite(&path, rows, |row| {
            let (granted, status) = (row[13].clone(), row[12].clone());
            if granted == "not granted by any policy" && status == "employed" && kept.is_none() {
                row[15] = "keep".into();
                row[16] = "needed for the Q4 close".into();
                kept = Some((row[1].clone(), row[3].clone(), row[8].clone()));
            } else if granted == "not granted by any policy" && status.starts_with("left") && removed.is_none() {
                row[15] = "remove".into();
                removed = Some(row[3].clone());
            } else if granted == "not granted by any policy" && status.starts_with("left") && leaver_kept.is_none() {
                row[15] = "keep".into();
                leaver_kept = Some(row[3].clone());
            } else if granted.starts_with("AccessPolicy") && conflict.is_none() {
                row[15] = "remove".into();
                conflict = Some(row[3].clone());
            } else if granted.starts_with("AccessPolicy") {
                row[15] = "keep".into();
            }
        });
    }
    let (app, account, person) = kept.expect("the example has an employed person with an ungranted account");
    let exceptions = dir.path().join("review-exceptions.yaml");
    let csvs: Vec<String> = sheets(dir.path()).into_iter().map(|(p, _)| p.display().to_string()).collect();
    let mut args = vec!["review", "import", "--until", "2099-03-31", "--out", exceptions.to_str().unwrap()];
    args.extend(csvs.iter().map(String::as_str));
    let report = ok(&args);
    assert!(report.contains("Wrote 1 Exception(s)"), "{report}");
    assert!(report.contains(&removed.unwrap()), "the removal is listed: {report}");
    assert!(report.contains("cannot carry out") && report.contains(&conflict.unwrap()), "{report}");
    let leaver = leaver_kept.expect("the example has two leavers' ungranted accounts");
    assert!(
        report.lines().any(|l| l.contains(&leaver) && l.contains("needs an Exception written by hand")),
        "a tick never gives a leaver access: {report}"
    );
    assert!(report.contains("row(s) have no decision yet"), "{report}");

    let yaml = std::fs::read_to_string(&exceptions).unwrap();
    assert!(yaml.contains("kind: Exception") && yaml.contains("needed for the Q4 close"), "{yaml}");
    assert!(yaml.contains(&format!("person: {person}")), "{yaml}");
    // Before: the plan flags the kept account as ungranted; with the
    // Exceptions file, it no longer does.
    let flagged = |plan: &str| {
        let plan: serde_json::Value = serde_json::from_str(plan).unwrap();
        plan["changes"].as_array().unwrap().iter().any(|c| {
            c["app"] == app.as_str()
                && c["person"]["id"] == person.as_str()
                && c["reason"].as_str().unwrap().contains("no policy grants")
        })
    };
    let before = ok(&["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"]);
    let exc = exceptions.to_str().unwrap();
    let after = ok(&["plan", "-f", "policies", "-f", exc, "--at", "2026-11-23", "--format", "json"]);
    assert!(flagged(&before), "{app}: {account} is ungranted before the review");
    assert!(!flagged(&after), "{app}: {account} is granted by the review's Exception");

    // Nothing is overwritten: not the Exceptions, not a review directory.
    let again = run(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists; choose a new file"));
    let out = run(&["review", "export", "-f", "policies", "--out-dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds an access review"));
}

#[test]
fn an_unreadable_decision_names_the_row_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), "app");
    let (path, rows) = sheets(dir.path()).into_iter().next().unwrap();
    let mut first = true;
    rewrite(&path, rows, |row| {
        if std::mem::take(&mut first) {
            row[15] = "maybe".into();
        }
    });
    let out_file = dir.path().join("x.yaml");
    let out = run(&[
        "review",
        "import",
        path.to_str().unwrap(),
        "--until",
        "2099-01-31",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 1: decision `maybe` is not `keep` (継続), `remove` (削除) or `check` (要確認)"), "{err}");
    assert!(!out_file.exists());
}

/// Rewrites a sheet as Excel on Japanese Windows saves "CSV (comma
/// delimited)": Shift_JIS (CP932), no BOM.
fn rewrite_shift_jis(path: &Path, rows: Vec<csv::StringRecord>, mut edit: impl FnMut(&mut Vec<String>)) {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for row in rows {
        let mut row: Vec<String> = row.iter().map(str::to_owned).collect();
        edit(&mut row);
        w.write_record(&row).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "the example's names are all in CP932");
    std::fs::write(path, sjis).unwrap();
}

#[test]
fn a_sheet_excel_saved_as_shift_jis_with_japanese_decisions_is_read() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), "app");
    let (mut kept, mut removed, mut to_check) = (None, None, None);
    let all = sheets(dir.path());
    let (path, rows) = all
        .into_iter()
        .find(|(_, rows)| {
            let ungranted = || rows.iter().filter(|r| &r[13] == "not granted by any policy");
            ungranted().count() >= 3 && ungranted().any(|r| &r[12] == "employed")
        })
        .expect("a sheet with three ungranted accounts, one of an employee");
    rewrite_shift_jis(&path, rows, |row| {
        if row[13] != "not granted by any policy" {
            return;
        }
        if row[12] == "employed" && kept.is_none() {
            row[15] = "継続".into();
            row[16] = "四半期決算のため".into();
            kept = Some(row[3].clone());
        } else if removed.is_none() {
            row[15] = "削除".into();
            removed = Some(row[3].clone());
        } else if to_check.is_none() {
            row[15] = "要確認".into();
            to_check = Some(row[3].clone());
        }
    });
    let out_file = dir.path().join("x.yaml");
    let report =
        ok(&["review", "import", path.to_str().unwrap(), "--until", "2099-01-31", "--out", out_file.to_str().unwrap()]);
    assert!(kept.is_some());
    let yaml = std::fs::read_to_string(&out_file).unwrap();
    assert!(yaml.contains("四半期決算のため"), "the comment came through CP932 intact: {yaml}");
    assert!(report.contains(&removed.expect("a removal")), "{report}");
    let to_check = to_check.expect("a row to check");
    assert!(
        report.lines().any(|l| l.contains(&to_check)) && report.contains("要確認"),
        "rows marked to check are listed: {report}"
    );
}

#[test]
fn an_unreadable_decision_names_the_file_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), "app");
    let (path, rows) = sheets(dir.path()).into_iter().next().unwrap();
    let mut first = true;
    rewrite(&path, rows, |row| {
        if std::mem::take(&mut first) {
            row[15] = "たぶん".into();
        }
    });
    let out = run(&[
        "review",
        "import",
        path.to_str().unwrap(),
        "--until",
        "2099-01-31",
        "--out",
        dir.path().join("x.yaml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:2:", path.display())), "file and line: {err}");
    assert!(err.contains("継続") && err.contains("削除"), "says what to write: {err}");
}

/// Issue 17: under `--lang ja` the sheets are Japanese — headers, the
/// words in the cells, the decision words they offer — and a Japanese
/// sheet filled in with 継続/削除 imports as an English one does.
#[test]
fn a_japanese_sheet_round_trips_through_import() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("sheets");
    ok(&[
        "review",
        "export",
        "-f",
        "policies",
        "--at",
        "2026-11-23",
        "--by",
        "app",
        "--lang",
        "ja",
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    let not_granted = "どのポリシーでも付与されていない";
    let (path, header, rows) = sheets(&out_dir)
        .into_iter()
        .map(|(p, rows)| {
            let text = std::fs::read_to_string(&p).unwrap();
            let mut r = csv::Reader::from_reader(text.strip_prefix('\u{feff}').unwrap().as_bytes());
            (p, r.headers().unwrap().clone(), rows)
        })
        .find(|(_, _, rows)| {
            let ungranted = || rows.iter().filter(|r| &r[13] == not_granted);
            ungranted().count() >= 2 && ungranted().any(|r| &r[12] == "在籍")
        })
        .expect("a sheet with two ungranted accounts, one of an employee");
    assert_eq!(&header[15], "判断（継続・削除・要確認）");
    assert_eq!(&header[8], "社員番号");
    let md = std::fs::read_to_string(path.with_extension("md")).unwrap();
    assert!(md.contains("| 継続 | 削除 | アカウント |"), "{md}");
    let (mut kept, mut removed) = (None, None);
    let mut w = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(&header).unwrap();
    for row in rows {
        let mut row: Vec<String> = row.iter().map(str::to_owned).collect();
        if row[13] == not_granted {
            if kept.is_none() && row[12] == "在籍" {
                row[15] = "継続".into();
                row[16] = "引き継ぎ中のため".into();
                kept = Some(row[8].clone());
            } else if removed.is_none() {
                row[15] = "削除".into();
                removed = Some(row[3].clone());
            }
        }
        w.write_record(&row).unwrap();
    }
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    let out_file = dir.path().join("x.yaml");
    let report =
        ok(&["review", "import", path.to_str().unwrap(), "--until", "2099-01-31", "--out", out_file.to_str().unwrap()]);
    let yaml = std::fs::read_to_string(&out_file).unwrap();
    assert!(yaml.contains("引き継ぎ中のため") && yaml.contains(&kept.unwrap()), "{yaml}");
    assert!(report.contains(&removed.unwrap()), "{report}");
}
