//! `keyward audit verify` with what was kept elsewhere: the record count
//! and last hash `keyward apply` prints detect a cut tail and a rewritten
//! log; an HMAC key (`KEYWARD_AUDIT_HMAC_KEY`) signs every record and
//! verify checks it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;

use assert_cmd::Command;

const KEY: &str = "0123456789abcdef0123456789abcdef-test-key";

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn keyward(args: &[&str], key: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("keyward").unwrap();
    // An apply writes the roster: not into the repo, where the example
    // plan snapshots would read it.
    let roster = tempfile::tempdir().unwrap();
    cmd.env("KEYWARD_ROSTER", roster.path().join("roster.json"));
    cmd.current_dir(repo()).env("NO_COLOR", "1").env_remove("KEYWARD_AUDIT_HMAC_KEY").args(args);
    if let Some(k) = key {
        cmd.env("KEYWARD_AUDIT_HMAC_KEY", k);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Applies the example into `dir`; returns the record count and hash the
/// apply printed.
fn apply(dir: &Path, key: Option<&str>) -> (String, String) {
    let log = dir.join("audit.jsonl");
    let lists = dir.join("checklists");
    let (code, out, err) = keyward(
        &[
            "apply",
            "-f",
            "policies",
            "--at",
            "2026-11-23",
            "--auto-approve",
            "--audit-log",
            log.to_str().unwrap(),
            "--checklist-dir",
            lists.to_str().unwrap(),
        ],
        key,
    );
    assert_eq!(code, 0, "{out}{err}");
    let line = out.lines().find(|l| l.starts_with("Audit log ")).unwrap_or_else(|| panic!("{out}"));
    let rest = line.split(" ends at record ").nth(1).unwrap_or_else(|| panic!("{line}"));
    let (records, rest) = rest.split_once(" with hash ").unwrap();
    (records.to_owned(), rest.split(|c: char| !c.is_ascii_hexdigit()).next().unwrap().to_owned())
}

#[test]
fn the_figures_apply_prints_detect_a_cut_tail_and_a_rewritten_log() {
    let dir = tempfile::tempdir().unwrap();
    let (records, hash) = apply(dir.path(), None);
    let log = dir.path().join("audit.jsonl");
    let log = log.to_str().unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", log];
        args.extend_from_slice(extra);
        keyward(&args, None)
    };
    let (code, out, err) = verify(&["--expect-records", &records, "--expect-hash", &hash]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("record {records} has the expected hash")), "{out}");

    // Cut the last line: the chain still verifies on its own.
    let text = std::fs::read_to_string(log).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    std::fs::write(log, kept[..kept.len() - 1].iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    assert_eq!(verify(&[]).0, 0);
    let (code, _, err) = verify(&["--expect-records", &records]);
    assert_eq!(code, 1);
    assert!(err.contains("fewer than the") && err.contains("expected"), "{err}");
    let (code, _, err) = verify(&["--expect-hash", &hash]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("no record of the audit log {log} has the expected hash {hash}")), "{err}");

    let (code, _, err) = verify(&["--expect-hash", "not-a-hash"]);
    assert_eq!(code, 1, "a usage error exits 1");
    assert!(err.contains("64 hexadecimal"), "{err}");
}

#[test]
fn an_hmac_key_signs_every_record_and_verify_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    apply(dir.path(), Some(KEY));
    let log = dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.lines().all(|l| l.contains("\"mac\":\"")), "{text}");
    let log = log.to_str().unwrap();
    let (code, out, err) = keyward(&["audit", "verify", log], Some(KEY));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("HMAC checked"), "{out}");
    let (code, out, _) = keyward(&["audit", "verify", log], None);
    assert_eq!(code, 0);
    assert!(out.contains("not checked") && out.contains("KEYWARD_AUDIT_HMAC_KEY"), "{out}");
    let (code, _, err) = keyward(&["audit", "verify", log], Some(&KEY.replace('0', "1")));
    assert_eq!(code, 1);
    assert!(err.contains("fails its HMAC check"), "{err}");
    // A keyed log is not continued without its key.
    let (code, out, err) =
        keyward(&["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve", "--audit-log", log], None);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("KEYWARD_AUDIT_HMAC_KEY"), "{err}");
}
