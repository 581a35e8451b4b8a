//! `keyward apply` against a real SCIM 2.0 server (`scim2-server` from
//! PyPI): joiners created, leavers suspended then deleted, a rehire
//! restored, groups set, and a second plan with nothing left to do. The
//! server's own state is the judge, not keyward's output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/scim_org.rs"]
mod scim_org;

use keyward_testkit::ScimServer;
use scim_org::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_brings_the_app_to_the_policy_and_a_second_plan_is_empty() {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let org = Org::new(&server.url());

    let plan = org.plan_json().await;
    let s = &plan["summary"];
    assert_eq!(
        (s["create"].as_u64(), s["update"].as_u64(), s["suspend"].as_u64(), s["restore"].as_u64()),
        (Some(1), Some(1), Some(1), Some(1)),
        "{plan:#}"
    );
    assert_eq!((s["delete"].as_u64(), s["review"].as_u64()), (Some(1), Some(0)), "{plan:#}");
    assert_eq!(plan["apps"][0]["readOnly"], false);

    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 applied"), "{}", text(&out));
    assert_converged(&server, &seeded).await;

    // Convergence: nothing left to do, and a rerun changes nothing.
    let out = org.keyward(&["plan", "-f", ".", "--at", DATE, "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to apply"), "{}", text(&out));

    // The audit log holds every attempt and verifies.
    let audit = std::fs::read_to_string(org.audit_log()).unwrap();
    assert_eq!(audit.lines().filter(|l| l.contains("\"event\":\"applied\"")).count(), 5, "{audit}");
    let out = org.keyward(&["audit", "verify", org.audit_log().to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_output_plans_or_the_audit_log() {
    let server = ScimServer::start(TOKEN).await;
    seed(&server).await;
    let org = Org::new(&server.url());
    let mut seen = Vec::new();
    let plan_file = org.path().join("plan.json");
    let out = org.keyward(&["plan", "-f", ".", "--at", DATE, "-o", plan_file.to_str().unwrap()]).await;
    seen.push(text(&out));
    seen.push(std::fs::read_to_string(&plan_file).unwrap());
    let out = org.keyward(&["validate", "-f", ".", "--online"]).await;
    seen.push(text(&out));
    // Debug logging on, and one call failing, so errors and traces are printed.
    let bin = assert_cmd::cargo::cargo_bin!("keyward");
    let out = tokio::process::Command::new(bin)
        .args(["apply", "-f", ".", "--at", DATE, "--auto-approve", "--audit-log"])
        .arg(org.audit_log())
        .current_dir(org.path())
        .env(TOKEN_ENV, TOKEN)
        .env("KEYWARD_LOG", "trace")
        .output()
        .await
        .unwrap();
    seen.push(text(&out));
    seen.push(std::fs::read_to_string(org.audit_log()).unwrap());
    // A wrong token: the 401 is reported without echoing either token.
    let out = org.keyward(&["plan", "-f", "."]).await;
    seen.push(text(&out));
    for s in &seen {
        assert!(!s.contains(TOKEN), "the token leaked:\n{s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_missing_token_is_an_error_that_changes_nothing() {
    let server = ScimServer::start("the-right-token").await;
    seed(&server).await;
    let org = Org::new(&server.url());
    let out = org.apply(&[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("/Users") || err.contains("ServiceProviderConfig"), "names the HTTP call: {err}");

    let bin = assert_cmd::cargo::cargo_bin!("keyward");
    let out = tokio::process::Command::new(bin)
        .args(["plan", "-f", "."])
        .current_dir(org.path())
        .env_remove(TOKEN_ENV)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(TOKEN_ENV), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_applies_exactly_and_is_refused_once_the_app_changed() {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let org = Org::new(&server.url());
    let plan_file = org.path().join("plan.json");
    let plan_path = plan_file.to_str().unwrap();
    let out = org.keyward(&["plan", "-f", ".", "--at", DATE, "-o", plan_path]).await;
    assert!(out.status.success(), "{}", text(&out));

    // After the review, someone deactivates an engineer's account by hand:
    // restoring it is right, but nobody approved it.
    let set_active = |active: bool| {
        let url = format!("{}/Users/{}", server.url(), seeded.hanako);
        async move {
            let body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "active", "value": active}]
            });
            let r = reqwest::Client::new().patch(url).bearer_auth(TOKEN).json(&body).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
        }
    };
    set_active(false).await;
    let audit = org.audit_log();
    let out = org.keyward(&["apply", "-f", ".", "--audit-log", audit.to_str().unwrap(), plan_path]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not in the approved plan"), "{err}");
    assert!(err.contains("restore") && err.contains("hanako@example.com"), "names the unapproved change: {err}");
    assert!(server.user_by_user_name("jiro@example.com").await.is_none(), "nothing was applied");

    // Back to the reviewed state: the saved plan applies, without a prompt.
    set_active(true).await;
    let out = org.keyward(&["apply", "-f", ".", "--audit-log", audit.to_str().unwrap(), plan_path]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mass_deprovisioning_guard_refuses_and_names_the_override() {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let org = Org::with_app(&app_yaml(&server.url(), "").replace("maxDeprovision: 10", "maxDeprovision: 1"));
    let out = org.apply(&[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2") && err.contains("--allow-mass-deprovision"), "{err}");
    assert!(server.user_by_user_name("jiro@example.com").await.is_none(), "nothing was applied");
    assert!(server.user(&seeded.ken).await.is_some(), "nothing was deleted");

    let out = org.apply(&["--allow-mass-deprovision"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_or_auto_approve_apply_refuses() {
    let server = ScimServer::start(TOKEN).await;
    seed(&server).await;
    let org = Org::new(&server.url());
    let out = org.keyward(&["apply", "-f", ".", "--at", DATE]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--auto-approve"), "{}", text(&out));
    assert!(server.user_by_user_name("jiro@example.com").await.is_none());
}

/// Runs `keyward apply` on a pseudo-terminal (util-linux `script`, part of
/// every Debian system) and types `answer` at the prompt.
async fn apply_on_a_terminal(org: &Org, answer: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt as _;
    let bin = assert_cmd::cargo::cargo_bin!("keyward");
    let audit = org.audit_log();
    let command = format!("{} apply -f . --at {DATE} --audit-log {}", bin.display(), audit.display());
    let mut child = tokio::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(org.path())
        .env(TOKEN_ENV, TOKEN)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{answer}\n").as_bytes()).await.unwrap();
    let out =
        tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output()).await.unwrap().unwrap();
    drop(stdin);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_apply_shows_the_plan_asks_and_only_yes_applies() {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let org = Org::new(&server.url());

    let out = apply_on_a_terminal(&org, "y").await;
    let shown = String::from_utf8_lossy(&out.stdout);
    // The confirmation counts only what keyward changes itself, then asks.
    assert!(shown.contains("5 change(s) will be made in 1 application(s)."), "{}", text(&out));
    assert!(shown.contains("Apply? Only 'yes' is accepted"), "{}", text(&out));
    assert!(shown.contains("Apply cancelled; nothing was changed."), "{}", text(&out));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(server.user_by_user_name("jiro@example.com").await.is_none());

    let out = apply_on_a_terminal(&org, "yes").await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

/// Separation of duties through a real server: an Exception puts E2 into
/// `sales` while the policy puts her into `engineers`, which a rule keeps
/// apart. The update that would give her both is held back for review and
/// never reaches the server; every other change is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_never_creates_a_grant_a_separation_of_duties_forbids() {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let org = Org::new(&server.url());
    std::fs::write(
        org.path().join("governance.yaml"),
        "apiVersion: keyward.io/v1alpha1
kind: SeparationOfDuties
metadata: {name: ship-or-sign}
spec:
  description: who ships code does not sign deals
  duties:
    - name: ship code
      entitlements: [{app: chat, group: engineers}]
    - name: sign deals
      entitlements: [{app: chat, group: sales}]
---
apiVersion: keyward.io/v1alpha1
kind: Exception
metadata: {name: hanako-sales-project}
spec:
  person: E2
  grant: [{app: chat, groups: [sales]}]
  until: 2026-12-31
  reason: pre-sales support for one customer
  approver: taro@example.com
",
    )
    .unwrap();

    let plan = org.plan_json().await;
    let v = &plan["violations"];
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{plan:#}");
    assert_eq!(v[0]["rule"], "ship-or-sign");
    assert_eq!(v[0]["person"]["id"], "E2");
    let held: Vec<&Value> =
        plan["changes"].as_array().unwrap().iter().filter(|c| c["account"]["email"] == "hanako@example.com").collect();
    assert_eq!(held.len(), 1, "{plan:#}");
    assert_eq!((held[0]["action"].as_str(), held[0]["proposed"].as_str()), (Some("review"), Some("update")));
    assert_eq!(plan["summary"]["update"], 0, "{plan:#}");

    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("4 applied"), "{}", text(&out));
    assert!(stdout.contains("Separation of duties: 1 violation"), "{}", text(&out));

    // Hanako is in neither group; the joiner got engineers as the policy says.
    let engineers = server.group_members("engineers").await;
    let sales = server.group_members("sales").await;
    assert!(!engineers.contains(&seeded.hanako) && !sales.contains(&seeded.hanako), "{engineers:?} {sales:?}");
    let jiro = server.user_by_user_name("jiro@example.com").await.expect("the joiner was created");
    assert!(engineers.contains(&jiro["id"].as_str().unwrap().to_owned()), "{engineers:?}");
    // The review stays until the policies are fixed.
    let plan = org.plan_json().await;
    assert_eq!(plan["violations"][0]["person"]["id"], "E2", "{plan:#}");
}
