//! The example organisation (`policies/` + `examples/`) planned on the
//! date its story is written for. Snapshots pin the three renderings a user
//! sees; `examples/README.md` explains every line of them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn keyward(args: &[&str]) -> String {
    let out =
        Command::cargo_bin("keyward").unwrap().current_dir(repo()).env("NO_COLOR", "1").args(args).output().unwrap();
    assert!(out.status.success(), "keyward {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn plan(format: &str) -> String {
    keyward(&["plan", "-f", "policies", "--at", "2026-11-23", "--format", format, "--color", "never"])
}

#[test]
fn example_plan_text() {
    insta::assert_snapshot!(plan("text"));
}

#[test]
fn example_plan_markdown() {
    insta::assert_snapshot!(plan("markdown"));
}

#[test]
fn example_plan_json() {
    insta::assert_snapshot!(plan("json"));
}

#[test]
fn example_inventory_table() {
    insta::assert_snapshot!(keyward(&["inventory", "-f", "policies", "--at", "2026-11-23"]));
}

#[test]
fn the_same_inputs_give_a_byte_identical_plan() {
    assert_eq!(plan("json"), plan("json"));
}

#[test]
fn the_example_validates_cleanly() {
    let out = keyward(&["validate", "-f", "policies"]);
    assert!(out.starts_with("OK: 1 people source(s), 5 application(s)"), "{out}");
}
