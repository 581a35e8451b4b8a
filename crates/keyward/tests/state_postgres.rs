//! `--state postgres://…`: `keyward apply` keeps its audit log and roster in a real PostgreSQL 15
//! (keyward-testkit's `PostgresServer`); `keyward audit verify` and `export` read it back, and the
//! export verifies as a file. The password is never shown.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;
use keyward_testkit::PostgresServer;

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn keyward(args: &[&str], password: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("keyward").unwrap();
    cmd.current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("KEYWARD_AUDIT_HMAC_KEY")
        .env_remove("KEYWARD_STATE")
        .env_remove("KEYWARD_ROSTER")
        .env_remove("KEYWARD_STATE_PASSWORD_FILE")
        .args(args);
    match password {
        Some(p) => cmd.env("KEYWARD_STATE_PASSWORD", p),
        None => cmd.env_remove("KEYWARD_STATE_PASSWORD"),
    };
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn apply_keeps_the_audit_log_in_postgres_and_verify_and_export_read_it() {
    let server = PostgresServer::start();
    let url = server.url("postgres");
    let pw = Some(PostgresServer::PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("checklists");
    let apply = [
        "apply",
        "-f",
        "policies",
        "--at",
        "2026-11-23",
        "--auto-approve",
        "--state",
        &url,
        "--checklist-dir",
        lists.to_str().unwrap(),
    ];
    let (code, out, err) = keyward(&apply, pw);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains(PostgresServer::PASSWORD) && !err.contains(PostgresServer::PASSWORD));
    let line = out.lines().find(|l| l.starts_with("Audit log ")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains(&format!("{url}#default")), "{line}");
    let rest = line.split(" ends at record ").nth(1).unwrap();
    let (records, rest) = rest.split_once(" with hash ").unwrap();
    let hash = rest.split(|c: char| !c.is_ascii_hexdigit()).next().unwrap();
    // The roster is in the database too.
    assert_eq!(server.psql("postgres", "SELECT count(*) FROM keyward_roster").trim(), "1");

    let (code, out, err) =
        keyward(&["audit", "verify", "--state", &url, "--expect-records", records, "--expect-hash", hash], pw);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("record {records} has the expected hash")), "{out}");

    let export = dir.path().join("export.jsonl");
    let (code, out, err) = keyward(&["audit", "export", "--state", &url, "--out", export.to_str().unwrap()], pw);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = keyward(
        &["audit", "verify", export.to_str().unwrap(), "--expect-records", records, "--expect-hash", hash],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");

    // A second apply continues the same chain; plan reads the roster from it.
    let (code, out, err) = keyward(&apply, pw);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = keyward(&["plan", "-f", "policies", "--at", "2026-11-23", "--state", &url], pw);
    assert!(code == 0 || code == 2, "{out}{err}");
    let (code, out, err) = keyward(&["audit", "verify", "--state", &url], pw);
    assert_eq!(code, 0, "{out}{err}");
    // The auditors' history reads the listings the applies recorded there.
    let (code, out, err) = keyward(&["history", "--state", &url, "--app", "slack", "--format", "csv"], pw);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().count() > 5 && out.contains("@"), "slack's accounts, from the store: {out}{err}");

    // Tampered: verify names the record.
    server.psql("postgres", "UPDATE keyward_audit SET line = replace(line, '\"seq\":2,', '\"seq\":2 ,') WHERE seq = 2");
    let (code, _, err) = keyward(&["audit", "verify", "--state", &url], pw);
    assert_ne!(code, 0);
    assert!(err.contains("line 2 of the audit log postgres://"), "{err}");
}

#[test]
fn a_password_in_the_state_url_is_refused_and_never_printed() {
    let server = PostgresServer::start();
    let url = server.url("postgres").replace("keyward@", &format!("keyward:{}@", PostgresServer::PASSWORD));
    let (code, out, err) = keyward(&["audit", "verify", "--state", &url], None);
    assert_ne!(code, 0);
    assert!(!out.contains(PostgresServer::PASSWORD) && !err.contains(PostgresServer::PASSWORD), "{err}");
    assert!(err.contains("keyward:***@") && err.contains("KEYWARD_STATE_PASSWORD"), "{err}");
}
