//! Organisations whose HR CSV has the reading columns (セイ, メイ): the
//! fixture of the name-hint and `explain` tests. The PeopleSource is the
//! same for all; each test file writes its own people, apps and exports.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers; a panic is the failure report

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

/// The day every command runs on.
pub const DATE: &str = "2026-11-23";

/// The HR CSV's header row.
pub const HR_HEADER: &str = "社員番号,姓,名,セイ,メイ,メールアドレス,部署,在籍状況,入社年月日,退職年月日\n";

/// A PeopleSource reading `hr.csv` (written with [`HR_HEADER`]), readings
/// included.
pub const PEOPLE_SOURCE: &str = "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: hr}
spec:
  csv:
    path: hr.csv
    columns: {id: 社員番号, familyName: 姓, givenName: 名, familyNameReading: セイ, givenNameReading: メイ,
              email: メールアドレス, department: 部署, status: 在籍状況, startDate: 入社年月日, endDate: 退職年月日}
    values: {status: {在籍: active, 退職: terminated}}
";

/// A temporary directory holding `files` (name, text): `hr.csv` gets
/// [`HR_HEADER`] before its rows, `policy.yaml` [`PEOPLE_SOURCE`] before
/// its documents.
pub fn org(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let text = match *name {
            "hr.csv" => format!("{HR_HEADER}{text}"),
            "policy.yaml" => format!("{PEOPLE_SOURCE}---\n{text}"),
            _ => (*text).to_owned(),
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Runs `keyward ARGS -f . --at DATE` in `dir`, in English whatever the
/// machine's locale.
pub fn keyward(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("KEYWARD_LANG")
        .args(args)
        .args(["-f", ".", "--at", DATE])
        .output()
        .unwrap()
}
