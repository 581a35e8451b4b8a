//! A human finishing a read-only app's checklist: the example organisation
//! applied (its apps are CSV exports, so everything goes to checklists),
//! items ticked in the Markdown and imported or named with `keyward
//! checklist done`, each recorded in the audit log; a re-run keeps the
//! ticks, and an unknown item is refused with nothing recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use keyward_apply::audit::{self, Event};

#[path = "common/example_exports.rs"]
mod example_exports;

fn repo() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    example_exports::pin_export_times(&repo);
    repo
}

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }
    fn audit(&self) -> PathBuf {
        self.dir.path().join("audit.jsonl")
    }
    fn lists(&self) -> PathBuf {
        self.dir.path().join("checklists")
    }
    fn keyward(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("keyward")
            .unwrap()
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .env("KEYWARD_ROSTER", self.dir.path().join("roster.json"))
            .env("KEYWARD_AUDIT_LOG", self.audit())
            .env_remove("KEYWARD_BY")
            .args(args)
            .arg("--checklist-dir")
            .arg(self.lists())
            .output()
            .unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.keyward(args);
        assert!(out.status.success(), "keyward {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
    fn plan(&self, more: &[&str]) -> String {
        let out = Command::cargo_bin("keyward")
            .unwrap()
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .env("KEYWARD_ROSTER", self.dir.path().join("roster.json"))
            .env("KEYWARD_AUDIT_LOG", self.audit())
            .args(["plan", "-f", "policies", "--at", "2026-11-23", "--color", "never"])
            .args(more)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
    fn apply(&self) -> String {
        self.ok(&["apply", "-f", "policies", "--at", "2026-11-23", "--auto-approve"])
    }
    fn slack(&self) -> String {
        std::fs::read_to_string(self.lists().join("slack.md")).unwrap()
    }
    fn done_records(&self) -> Vec<audit::Record> {
        audit::read(self.audit()).unwrap().into_iter().filter(|r| r.event == Event::ChecklistDone).collect()
    }
}

/// The id of the line mentioning `what`.
fn id_of(md: &str, what: &str) -> String {
    let line = md.lines().find(|l| l.contains(what)).unwrap_or_else(|| panic!("no {what} in\n{md}"));
    line.split_whitespace().nth(3).unwrap().to_owned()
}

#[test]
fn a_ticked_item_is_imported_recorded_and_keeps_its_tick_on_the_next_run() {
    let work = Work::new();
    work.apply();
    let md = work.slack();
    let id = id_of(&md, "tsubasa.aoki");
    let ticked = md.replacen(&format!("- [ ] {id} "), &format!("- [x] {id} "), 1);
    assert_ne!(ticked, md);
    std::fs::write(work.lists().join("slack.md"), &ticked).unwrap();

    let said =
        work.ok(&["checklist", "import", "--by", "Hanako Sato", work.lists().join("slack.md").to_str().unwrap()]);
    assert!(said.starts_with("Recorded 1 item(s) of slack as done by Hanako Sato:\n"), "{said}");
    let done = work.done_records();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].app.as_deref(), Some("slack"));
    assert_eq!(done[0].detail.as_deref(), Some("by Hanako Sato"));
    assert!(done[0].account.as_deref().unwrap().contains("tsubasa.aoki"), "{:?}", done[0]);

    // The plan stops listing it: done by whom and when instead.
    let plan = work.plan(&[]);
    assert!(plan.contains("Recorded as done by a human (not counted, not on a checklist):"), "{plan}");
    let done_line = plan.lines().find(|l| l.contains("done by Hanako Sato on")).unwrap_or_default();
    assert!(done_line.contains("slack") && done_line.contains("tsubasa.aoki"), "{plan}");
    let json = work.plan(&["--format", "json"]);
    assert!(json.contains("\"done\": ["), "{json}");
    assert_eq!(json, work.plan(&["--format", "json"]), "identical inputs, identical plans");
    let ja = work.plan(&["--lang", "ja"]);
    assert!(ja.contains("担当者が完了として記録した項目"), "{ja}");

    work.apply();
    let again = work.slack();
    assert!(!again.contains(&format!("- [ ] {id} ")), "the tick is not lost:\n{again}");
    assert!(!again.contains(&id), "a recorded item is no longer on the checklist:\n{again}");
    let verified = Command::cargo_bin("keyward").unwrap().args(["audit", "verify"]).arg(work.audit()).output().unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}

#[test]
fn checklist_done_takes_an_id_or_the_account_and_refuses_an_unknown_item_recording_nothing() {
    let work = Work::new();
    work.apply();
    let md = work.slack();
    let ids: Vec<String> = md.lines().filter(|l| l.starts_with("- [ ] K-")).map(|l| id_of(l, "K-")).collect();
    assert!(ids.len() >= 2, "{md}");

    let out = work.keyward(&["checklist", "done", "slack", &ids[0], "K-00000000", "--by", "Ann"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not on the checklist of slack: K-00000000. The open items are:"), "{err}");
    assert!(err.contains(&ids[1]), "the open items are listed: {err}");
    assert!(err.contains("Nothing was recorded."), "{err}");
    assert!(work.done_records().is_empty(), "nothing is recorded unless every item is known");

    let said = work.ok(&["checklist", "done", "slack", &ids[0], "--by", "Ann"]);
    assert!(said.contains(&ids[0]), "{said}");
    // By the account: every open item of it.
    let who = md.lines().find(|l| l.contains(&ids[1])).unwrap();
    let account = who.split('`').nth(1).unwrap().to_owned();
    let said = work.ok(&["checklist", "done", "slack", &account, "--by", "Ann"]);
    assert!(said.contains(&ids[1]), "{said}");
    assert!(work.done_records().len() >= 2);
    // Done already: said, not recorded twice.
    let before = work.done_records().len();
    let said = work.ok(&["checklist", "done", "slack", &ids[0], "--by", "Ann"]);
    assert!(said.contains("already recorded as done"), "{said}");
    assert_eq!(work.done_records().len(), before);

    let ja = work.keyward(&["--lang", "ja", "checklist", "done", "slack", "K-00000000", "--by", "Ann"]);
    let err = String::from_utf8_lossy(&ja.stderr);
    assert!(err.contains("slack のチェックリストにありません：K-00000000。"), "{err}");
}

#[test]
fn checklist_done_takes_the_login_a_github_checklist_shows() {
    let work = Work::new();
    work.apply();
    let md = std::fs::read_to_string(work.lists().join("github.md")).unwrap();
    // GitHub names members by login, and has no suspension.
    let line = md
        .lines()
        .find(|l| l.contains("**remove from the organisation (GitHub has no suspension)** `tsubasa-aoki` —"))
        .unwrap_or_else(|| panic!("{md}"));
    let id = id_of(line, "K-");
    let said = work.ok(&["checklist", "done", "github", "tsubasa-aoki", "--by", "Ann"]);
    assert!(said.contains(&id), "{said}");
    let done = work.done_records();
    assert_eq!(done.len(), 1, "only that member's item");
    assert_eq!(done[0].app.as_deref(), Some("github"));
}
