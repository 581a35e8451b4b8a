//! `keyward controller` in Kubernetes mode, as the Deployment runs it: the
//! binary, a kubeconfig (`KUBECONFIG`) pointing at kmock's in-memory API
//! server, SIGTERM to stop. What this adds to keyward-controller's own
//! kube_e2e test is the binary's part: the flags, `run_kubernetes` (client
//! from the kubeconfig, the CRD check before anything starts) and the
//! graceful stop on SIGTERM that releases the Lease.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::process::Stdio;
use std::time::Duration;

use keyward_testkit::{KubeEmulator, eventually};
use serde_json::{Value, json};

const NS: &str = "keyward";
const API: &str = "keyward.io/v1alpha1";

fn object(kind: &str, name: &str, spec: Value) -> Value {
    // kmock assigns no generation; the test stands in for the API server.
    json!({"apiVersion": API, "kind": kind, "metadata": {"name": name, "namespace": NS, "generation": 1}, "spec": spec})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reconciles_a_namespace_and_stops_on_sigterm_releasing_the_lease() {
    let k8s = KubeEmulator::start().await;
    let dir = tempfile::tempdir().unwrap();
    let hr = dir.path().join("hr.csv");
    std::fs::write(
        &hr,
        "id,email,status,endDate\nE1,ann@example.com,active,\nE2,bob@example.com,terminated,2026-01-09\n",
    )
    .unwrap();
    let wiki = dir.path().join("wiki.csv");
    std::fs::write(&wiki, "email\nann@example.com\nbob@example.com\n").unwrap();
    let columns = json!({"id": "id", "email": "email", "status": "status", "endDate": "endDate"});
    k8s.create("peoplesources", object("PeopleSource", "hr", json!({"csv": {"path": hr, "columns": columns}}))).await;
    k8s.create(
        "applications",
        object(
            "Application",
            "wiki",
            json!({"mode": "observe", "connector": {"csvExport": {"path": wiki, "columns": {"email": "email"}}}}),
        ),
    )
    .await;
    k8s.create("accesspolicies", object("AccessPolicy", "everyone", json!({"select": {}, "grant": [{"app": "wiki"}]})))
        .await;
    let kubeconfig = dir.path().join("kubeconfig");
    k8s.write_kubeconfig(&kubeconfig, NS);

    let stderr = dir.path().join("stderr.log");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(["controller", "--namespace", NS, "--listen", "127.0.0.1:0", "--identity", "bin-e2e"])
        .args(["--resync", "1h", "--log-format", "json"])
        .arg("--audit-log")
        .arg(dir.path().join("state/audit.jsonl"))
        .arg("--checklist-dir")
        .arg(dir.path().join("state/checklists"))
        // The exports are files the operator lets resources read.
        .arg("--allow-files")
        .arg(dir.path())
        .env("KUBECONFIG", &kubeconfig)
        .env_remove("POD_NAMESPACE")
        .env_remove("KEYWARD_HR_WEBHOOK_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let log = || std::fs::read_to_string(&stderr).unwrap_or_default();

    let status = eventually(60, "the Application's status says Ready", || async {
        let st = k8s.get(API, NS, "applications", "wiki").await?.get("status")?.clone();
        let ready = st["conditions"].as_array()?.iter().find(|c| c["type"] == "Ready")?.clone();
        (ready["status"] == "True").then_some(st)
    })
    .await;
    assert_eq!(status["drift"], 1, "bob's account is drift in observe mode: {status:#}");
    assert_eq!(status["observedGeneration"], 1, "{status:#}");
    let lease = k8s.get("coordination.k8s.io/v1", NS, "leases", "keyward-controller").await.unwrap();
    assert_eq!(lease["spec"]["holderIdentity"], "bin-e2e", "{lease:#}");

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .unwrap_or_else(|_| panic!("still running 30 s after SIGTERM; its log:\n{}", log()))
        .unwrap();
    assert!(exit.success(), "exit {exit:?}; its log:\n{}", log());
    let lease = k8s.get("coordination.k8s.io/v1", NS, "leases", "keyward-controller").await.unwrap();
    assert!(lease["spec"].get("holderIdentity").is_none_or(Value::is_null), "released: {lease:#}");
    // JSON logs stay JSON lines, every one of them.
    let text = log();
    for line in text.lines() {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "not a JSON log line: {line}");
    }
    assert!(text.contains("stopping"), "{text}");
}

#[test]
fn standalone_only_flags_are_refused_in_kubernetes_mode() {
    // clap declares the rule (`requires = "standalone"`) and words the
    // refusal: --standalone is what is missing.
    for (flags, says) in [
        (vec!["--status-file", "s.json"], "the following required arguments were not provided:"),
        (vec!["-f", "policies"], "the following required arguments were not provided:"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_keyward"))
            .args(["controller", "--namespace", NS])
            .args(&flags)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {err}");
        assert!(err.contains(says), "{flags:?}: {err}");
        assert!(err.lines().any(|l| l.trim() == "--standalone"), "{flags:?}: {err}");
    }
}

#[test]
fn allowed_file_directories_are_for_kubernetes_mode_and_must_exist() {
    let run = |flags: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_keyward"))
            .arg("controller")
            .args(flags)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Policy files already reach files (relative to themselves): the flag
    // would mean nothing there.
    let (code, err) = run(&["--standalone", "-f", "policies", "--allow-files", "/srv"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--allow-files") && err.contains("cannot be used with"), "{err}");
    // A directory that does not exist is named before the cluster is tried.
    let (code, err) = run(&["--namespace", NS, "--allow-files", "/nonexistent/keyward-exports"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot allow resources to read files under /nonexistent/keyward-exports"), "{err}");
    assert!(!err.contains("kubeconfig"), "the flag is checked first: {err}");
}
