//! The example organisation (`policies/` + `examples/`) planned on the
//! date its story is written for. Snapshots pin the three renderings a user
//! sees; `examples/README.md` explains every line of them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

#[path = "common/example_exports.rs"]
mod example_exports;

fn repo() -> std::path::PathBuf {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    example_exports::pin_export_times(&repo);
    repo
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
fn the_inventory_csv_for_excel_starts_with_a_bom_and_for_tools_does_not() {
    let csv = keyward(&["inventory", "-f", "policies", "--at", "2026-11-23", "--format", "csv"]);
    let excel = keyward(&["inventory", "-f", "policies", "--at", "2026-11-23", "--format", "csv", "--bom"]);
    assert!(!csv.starts_with('\u{feff}'));
    assert_eq!(excel.strip_prefix('\u{feff}'), Some(csv.as_str()), "the same rows, after the BOM Excel needs");
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

#[test]
fn applying_the_example_writes_checklists_for_its_read_only_apps_and_an_audit_log_that_verifies() {
    let work = tempfile::tempdir().unwrap();
    let audit = work.path().join("audit.jsonl");
    let lists = work.path().join("checklists");
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(repo())
        .env("NO_COLOR", "1")
        // Not the repo's .keyward/roster.json: the plan snapshots read it.
        .env("KEYWARD_ROSTER", work.path().join("roster.json"))
        .args(["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve", "--audit-log"])
        .arg(&audit)
        .arg("--checklist-dir")
        .arg(&lists)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("0 applied, 0 already done, 0 failed, 0 skipped; 33 on checklists"), "{stdout}");
    let slack = std::fs::read_to_string(lists.join("slack.md")).unwrap();
    assert!(slack.contains("- [ ] **suspend** `tsubasa.aoki@example.com`"), "{slack}");
    // The order a human must follow: the hand-over before the deletion.
    let google = std::fs::read_to_string(lists.join("google-workspace.md")).unwrap();
    let (t, d) = (google.find("**transfer**"), google.find("**delete**"));
    assert!(t.is_some() && d.is_some() && t < d, "{google}");
    // Revocations come before the suspensions, with what to close.
    let (r, s) = (google.find("**revoke** `tsubasa.aoki@example.com`"), google.find("**suspend** `tsubasa.aoki"));
    assert!(r.is_some() && s.is_some() && r < s, "{google}");
    assert!(google.contains("sign the person out and revoke every session, OAuth token and app password"), "{google}");
    let verified = Command::cargo_bin("keyward").unwrap().arg("audit").arg("verify").arg(&audit).output().unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}

#[test]
fn the_example_scim_application_is_a_valid_policy() {
    let paths = [repo().join("policies/people.yaml"), repo().join("examples/scim/slack.yaml")];
    let loaded = keyward::pipeline::load_policies(&paths).unwrap();
    let app = loaded.set.application("slack").unwrap();
    assert!(app.spec.connector.scim.is_some());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn an_apply_that_opens_more_accounts_than_an_apps_limit_is_refused_until_allowed() {
    let work = tempfile::tempdir().unwrap();
    let apply = |extra: &[&str]| {
        Command::cargo_bin("keyward")
            .unwrap()
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .env("KEYWARD_ROSTER", work.path().join("roster.json"))
            .args(["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve", "--audit-log"])
            .arg(work.path().join("audit.jsonl"))
            .arg("--checklist-dir")
            .arg(work.path().join("checklists"))
            .args(extra)
            .output()
            .unwrap()
    };
    // The example opens two accounts in github, google-workspace,
    // salesforce (restores) and slack.
    let out = apply(&["--max-create", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("salesforce: the plan creates or restores 2 accounts"), "{err}");
    assert!(err.contains("--allow-mass-create"), "{err}");
    assert!(!work.path().join("checklists").exists(), "nothing was written for a refused plan");
    let out = apply(&["--max-create", "1", "--allow-mass-create"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
