//! `keyward plan --format markdown --max-bytes N` on the example
//! organisation: the comment a CI job posts fits the limit it is given.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

#[path = "common/example_exports.rs"]
mod example_exports;

fn repo() -> std::path::PathBuf {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    example_exports::pin_export_times(&repo);
    repo
}

fn markdown(extra: &[&str]) -> String {
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(repo())
        .args(["plan", "-f", "policies", "--at", "2026-11-23", "--format", "markdown"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_default_limit_fits_a_github_comment_and_the_example_whole() {
    let md = markdown(&[]);
    assert!(md.len() <= 65_000);
    assert!(!md.contains("Shortened"), "{md}");
    assert_eq!(md.matches("<details").count(), 5);
}

#[test]
fn a_smaller_limit_keeps_the_counts_and_the_largest_deprovisioning_section() {
    let md = markdown(&["--max-bytes", "5000"]);
    assert!(md.len() <= 5000, "{}", md.len());
    insta::assert_snapshot!(md);
}

#[test]
fn a_tiny_limit_prints_the_summary_and_a_too_large_line() {
    // 600: the example's header (summary, seats, deprovisioning line) is
    // about 510 bytes since the plan counts revocations.
    let md = markdown(&["--max-bytes", "600"]);
    assert!(md.len() <= 600, "{}", md.len());
    assert!(md.contains("**Plan: 5 to create"), "{md}");
    assert!(md.contains("Too large for a 600-byte comment"), "{md}");
    assert!(!md.contains("| app |"), "{md}");
}

#[test]
fn the_limit_is_a_number() {
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(repo())
        .args(["plan", "-f", "policies", "--format", "markdown", "--max-bytes", "64k"])
        .output()
        .unwrap();
    // A usage error exits 1: 2 would read as "the plan has changes".
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-bytes"));
}
