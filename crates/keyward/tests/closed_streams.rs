//! A closed standard output or error (a pipe whose reader went away, or a
//! stream closed with `2>&-`) never turns into a panic (exit status 101):
//! what cannot be printed is dropped and keyward's own exit status stands.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::{Command, Stdio};

use keyward_testkit::org::{HR_CSV_HEADER, directory, people_source_yaml};

const APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: wiki}
spec:
  connector:
    csvExport:
      path: ../data/wiki.csv
      columns: {username: username, email: email, status: status}
      statusValues: {active: [Member]}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: everyone}
spec:
  select: {}
  grant: [{app: wiki}]
";

/// An organisation whose plan has changes (a joiner without an account
/// and an account nobody matches) and writes plenty to both streams.
fn org() -> tempfile::TempDir {
    let hr = format!("{HR_CSV_HEADER}E1,山田,太郎,taro@example.com,開発本部,,正社員,在籍,2015/04/01,,\n");
    directory(&[
        ("data/hr.csv", &hr),
        ("data/wiki.csv", "username,email,status\nghost,ghost@example.com,Member\n"),
        ("policies/people.yaml", &people_source_yaml("../data/hr.csv")),
        ("policies/wiki.yaml", APP),
    ])
}

fn keyward() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keyward"));
    c.env("NO_COLOR", "1").env_remove("KEYWARD_LOG");
    c
}

/// A pipe whose reading end is already closed: every write fails (EPIPE).
fn dead_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

fn status(dir: &Path, args: &[&str], stdout: Stdio, stderr: Stdio) -> Option<i32> {
    keyward().current_dir(dir).args(args).stdin(Stdio::null()).stdout(stdout).stderr(stderr).status().unwrap().code()
}

#[test]
fn an_error_for_a_closed_stderr_exits_1_not_with_a_panic() {
    let dir = org();
    std::fs::write(dir.path().join("policies/wiki.yaml"), APP.replace("select:", "selct:")).unwrap();
    let args = ["validate", "-f", "policies"];
    assert_eq!(status(dir.path(), &args, Stdio::null(), dead_pipe()), Some(1));
    // Closed by the shell rather than a pipe.
    let shell = format!("exec '{}' validate -f policies 2>&-", env!("CARGO_BIN_EXE_keyward"));
    let code = Command::new("sh").arg("-c").arg(shell).current_dir(dir.path()).stdout(Stdio::null()).status();
    assert_eq!(code.unwrap().code(), Some(1));
}

#[test]
fn a_usage_error_for_a_closed_stderr_exits_1() {
    let dir = org();
    assert_eq!(status(dir.path(), &["plan", "--no-such-flag"], Stdio::null(), dead_pipe()), Some(1));
}

#[test]
fn apply_for_closed_streams_finishes_with_its_own_status() {
    let dir = org();
    let args = ["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve"];
    assert_eq!(status(dir.path(), &args, dead_pipe(), dead_pipe()), Some(0));
    assert!(dir.path().join(".keyward/audit.jsonl").exists(), "the apply ran to its end");
}

#[test]
fn plan_for_closed_streams_keeps_its_detailed_exit_code() {
    let dir = org();
    let args = ["plan", "-f", "policies", "--at", "2026-11-23", "--detailed-exitcode"];
    assert_eq!(status(dir.path(), &args, dead_pipe(), dead_pipe()), Some(2));
}
