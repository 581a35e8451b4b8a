#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The controller publishes where its audit log ends — the record count
//! and the last hash — where an operator can read them and keep them
//! elsewhere (`/metrics` in both modes, the status file when standalone),
//! so `keyward audit verify --expect-records --expect-hash` can later show
//! a cut tail or a rewritten log.

use std::path::Path;
use std::time::Duration;

use keyward_controller::engine::{Engine, EngineConfig};
use keyward_controller::metrics::Metrics;
use keyward_controller::standalone::{Standalone, StandaloneOptions};

/// An organisation of two people and a read-only app in enforce mode that
/// has no accounts yet: each reconcile writes two checklist items to the
/// audit log.
fn org(dir: &Path) {
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("hr.csv"), "id,email\nE1,ann@example.com\nE2,bob@example.com\n").unwrap();
    std::fs::write(dir.join("wiki.csv"), "email\n").unwrap();
    std::fs::write(
        dir.join("policies/org.yaml"),
        "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv: {path: ../hr.csv, columns: {id: id, email: email}}\n---\n\
         apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: wiki}\nspec:\n  mode: enforce\n  connector:\n    csvExport: {path: ../wiki.csv, columns: {email: email}}\n---\n\
         apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: all}\nspec:\n  select: {}\n  grant: [{app: wiki}]\n",
    )
    .unwrap();
}

fn anchor_in(metrics: &str) -> (Option<&str>, Option<&str>) {
    // `{}`: the metric is a family (labelled by namespace when the controller
    // watches several); to Prometheus `m{}` and `m` are the same series.
    let records = metrics
        .lines()
        .find_map(|l| l.strip_prefix("keyward_audit_records ").or_else(|| l.strip_prefix("keyward_audit_records{} ")));
    let hash = metrics
        .lines()
        .find_map(|l| l.strip_prefix("keyward_audit_last_hash_info{hash=\""))
        .and_then(|rest| rest.split('"').next());
    (records, hash)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_publishes_the_audit_logs_count_and_last_hash_in_its_metrics() {
    let dir = tempfile::tempdir().unwrap();
    org(dir.path());
    let log = dir.path().join("audit.jsonl");
    let config = || EngineConfig {
        audit_log: log.clone(),
        checklist_dir: dir.path().join("checklists"),
        guard: keyward_apply::GuardOptions::default(),
        metrics: Metrics::new(),
        lang: keyward_core::i18n::Lang::En,
    };
    let engine = Engine::new(config()).unwrap();
    assert_eq!(anchor_in(&engine.metrics().encode()), (Some("0"), Some(keyward_apply::audit::GENESIS)));
    let set = keyward_controller::policies::load_policies(&[dir.path().join("policies")]).unwrap();
    let report = engine.reconcile_all(&set, jiff::civil::date(2026, 11, 23)).await;
    assert!(report.error.is_none(), "{report:#?}");
    let summary = keyward_apply::verify(&log).unwrap();
    assert!(summary.records > 0);
    let m = engine.metrics().encode();
    let records = summary.records.to_string();
    assert_eq!(anchor_in(&m), (Some(records.as_str()), Some(summary.last_hash.as_str())), "{m}");
    assert_eq!(m.matches("keyward_audit_last_hash_info{").count(), 1, "only the current hash: {m}");
    drop(engine);

    // A controller starting on an existing log publishes where it ends.
    let again = Engine::new(config()).unwrap();
    assert_eq!(anchor_in(&again.metrics().encode()), (Some(records.as_str()), Some(summary.last_hash.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_status_file_says_where_the_audit_log_ends() {
    let dir = tempfile::tempdir().unwrap();
    org(dir.path());
    let mut o = StandaloneOptions::new(vec![dir.path().join("policies")]);
    o.listen = "127.0.0.1:0".parse().unwrap();
    o.resync = Duration::from_secs(3600);
    o.status_file = Some(dir.path().join("state/status.json"));
    o.audit_log = dir.path().join("state/audit.jsonl");
    o.checklist_dir = dir.path().join("state/checklists");
    let running = Standalone::start(o).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        let text = std::fs::read_to_string(dir.path().join("state/status.json")).unwrap_or_default();
        let status: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status["lastReconcile"].is_object() {
            break status;
        }
        assert!(tokio::time::Instant::now() < deadline, "no reconcile within 30 s: {text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    running.shutdown().await.unwrap();
    let summary = keyward_apply::verify(dir.path().join("state/audit.jsonl")).unwrap();
    assert!(summary.records > 0);
    assert_eq!(status["auditLog"]["records"], summary.records as u64, "{status:#}");
    assert_eq!(status["auditLog"]["lastHash"], summary.last_hash, "{status:#}");
    assert!(status["auditLog"]["path"].as_str().unwrap().ends_with("audit.jsonl"), "{status:#}");
}
