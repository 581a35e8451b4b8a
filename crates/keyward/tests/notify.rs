//! Notifications after `keyward plan` and `keyward apply`, received by a
//! local HTTP server: the Slack message and the JSON digest carry the
//! leavers' accounts, the unmatched accounts and the guard refusals; the
//! webhook URL (a credential) never appears in output; an unreachable
//! receiver is a warning, not a failed plan.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SLACK_PATH: &str = "/services/T0001/B0001/s3cr3t-webhook-token";

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

async fn keyward(args: &[&str], env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_keyward"));
    // An apply writes the roster: not into the repo, where the example
    // plan snapshots would read it.
    let roster = tempfile::tempdir().unwrap();
    cmd.env("KEYWARD_ROSTER", roster.path().join("roster.json"));
    cmd.current_dir(repo()).env("NO_COLOR", "1").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().await.unwrap()
}

async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(status)).mount(&server).await;
    server
}

async fn bodies(server: &MockServer, at: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == at)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_plan_posts_leavers_accounts_and_unmatched_accounts_to_slack_and_a_json_webhook() {
    let server = receiver(200).await;
    let env = [
        ("KW_TEST_SLACK", format!("{}{SLACK_PATH}", server.uri())),
        ("KW_TEST_HOOK", format!("{}/hooks/keyward", server.uri())),
    ];
    let args = ["plan", "-f", "policies", "--at", "2026-11-23", "--notify-slack-env", "KW_TEST_SLACK"];
    let out = keyward(&[&args[..], &["--notify-webhook-env", "KW_TEST_HOOK", "--format", "json"]].concat(), &env).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();

    let json = bodies(&server, "/hooks/keyward").await;
    assert_eq!(json.len(), 1);
    let digest = &json[0];
    assert_eq!(digest["kind"], "Notification");
    assert_eq!(digest["event"], "plan");
    let aoki = digest["leavers"].as_array().unwrap().iter().find(|l| l["id"] == "E0031").expect("E0031 left");
    assert_eq!(aoki["lastDay"], "2026-11-20");
    assert_eq!(aoki["daysSince"], 3);
    assert!(aoki["changes"].as_array().unwrap().iter().any(|c| c == "slack: suspend tsubasa.aoki@example.com"));
    // Every leaver-change of the plan is in the digest, and only those.
    let in_digest: usize =
        digest["leavers"].as_array().unwrap().iter().map(|l| l["changes"].as_array().unwrap().len()).sum();
    let ids: Vec<&str> = digest["leavers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    let in_plan = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["person"]["id"].as_str().is_some_and(|id| ids.contains(&id)))
        .filter(|c| c["action"] != "create" && c["action"] != "restore" && c["action"] != "update")
        .count();
    assert_eq!(in_digest, in_plan);
    let orphans: u64 = plan["apps"].as_array().unwrap().iter().map(|a| a["orphans"].as_u64().unwrap()).sum();
    let unmatched: u64 = digest["unmatched"].as_array().unwrap().iter().map(|u| u["count"].as_u64().unwrap()).sum();
    assert_eq!(unmatched, orphans);

    let slack = bodies(&server, SLACK_PATH).await;
    assert_eq!(slack.len(), 1);
    let text = slack[0]["text"].as_str().unwrap();
    assert!(text.starts_with("keyward plan 2026-11-23"), "{text}");
    assert!(text.contains(&format!("for {} leaver(s)", ids.len())), "{text}");
    let blocks = slack[0]["blocks"].to_string();
    assert!(blocks.contains("Leavers' accounts") && blocks.contains("青木 翼"), "{blocks}");
    assert!(blocks.contains("Accounts matching nobody in HR"), "{blocks}");
}

#[tokio::test]
async fn an_unreachable_receiver_is_a_warning_that_never_shows_the_url() {
    let server = receiver(500).await;
    let env = [("KW_TEST_SLACK", format!("{}{SLACK_PATH}", server.uri()))];
    let out =
        keyward(&["plan", "-f", "policies", "--at", "2026-11-23", "--notify-slack-env", "KW_TEST_SLACK"], &env).await;
    assert!(out.status.success(), "the plan itself worked");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: the Slack webhook at 127.0.0.1 (from KW_TEST_SLACK) answered HTTP 500"), "{err}");
    assert!(!err.contains("s3cr3t") && !String::from_utf8_lossy(&out.stdout).contains("s3cr3t"), "{err}");
    assert_eq!(bodies(&server, SLACK_PATH).await.len(), 3, "a 5xx is retried twice");
}

#[tokio::test]
async fn a_missing_variable_stops_before_planning() {
    let out = keyward(&["plan", "-f", "policies", "--notify-webhook-env", "KW_TEST_UNSET_HOOK_91"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("environment variable KW_TEST_UNSET_HOOK_91"), "{err}");
}

#[tokio::test]
async fn a_refused_apply_reports_the_guard_refusal() {
    let server = receiver(200).await;
    let dir = tempfile::tempdir().unwrap();
    let env = [("KW_TEST_HOOK", format!("{}/hooks/keyward", server.uri()))];
    let audit = dir.path().join("audit.jsonl");
    let checklists = dir.path().join("checklists");
    let out = keyward(
        &[
            "apply",
            "-f",
            "policies",
            "--at",
            "2026-11-23",
            "--auto-approve",
            "--max-deprovision",
            "1",
            "--audit-log",
            audit.to_str().unwrap(),
            "--checklist-dir",
            checklists.to_str().unwrap(),
            "--notify-webhook-env",
            "KW_TEST_HOOK",
        ],
        &env,
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json = bodies(&server, "/hooks/keyward").await;
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["event"], "apply");
    let refusals = json[0]["guardRefusals"].as_array().unwrap();
    assert!(!refusals.is_empty());
    assert!(refusals.iter().any(|r| r.as_str().unwrap().contains("--allow-mass-deprovision")), "{refusals:?}");
    assert!(json[0].get("applied").is_none(), "nothing was applied");
    assert!(!checklists.exists(), "a refused apply writes no checklist");
}
