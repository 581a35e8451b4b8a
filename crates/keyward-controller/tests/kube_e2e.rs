#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Kubernetes mode end to end: the controller, in-process, against an
//! in-memory Kubernetes API server (kmock's KubernetesEmulator, started by
//! keyward-testkit) and a real SCIM 2.0 server (scim2-server). The
//! keyward.io objects are created through the emulator's API, the
//! controller checks the CRDs, takes the Lease, reconciles on election and
//! writes the Application's status back through `/status`, reading the
//! SCIM token from a Secret through the API; a signed HR
//! event then suspends a leaver at once, and the status read back from the
//! emulator reflects it. The SCIM server's and the emulator's own state are
//! the judges.
//!
//! What the emulator (kmock 0.8) does not do like an API server, and where
//! that is covered instead:
//! - It assigns no `metadata.generation` (nor uid, creationTimestamp; the
//!   launcher adds resourceVersion): the test sends `generation: 1` in the objects it
//!   creates, standing in for the API server, so `observedGeneration` is
//!   checked against a generation the test chose, not one the server
//!   bumped. That the controller reconciles again on a new generation and
//!   ignores its own status patches is covered by the watcher logic's
//!   unit tests and `kube_mock.rs`, not here.
//! - Watches from a list's `resourceVersion` stream later changes (the
//!   launcher's versions), but there are no bookmarks and no 410 Gone, so
//!   watch resumption is not exercised; this test does not
//!   depend on a watch-triggered reconcile (the election triggers the first
//!   one, the HR event the second).
//! - It does not serve PUT; the launcher adds PUT as a replace that
//!   refuses a stale `resourceVersion` (409), so the Lease is created,
//!   renewed and released here; losing a race is covered by `kube_mock.rs`
//!   and, with three processes, `crates/keyward/tests/controller_shards.rs`.
//! - Every PATCH is a JSON merge and `/status` is not a separate
//!   subresource: a status patch cannot be told apart from a spec patch
//!   here, so "the controller writes only `/status`" is covered by
//!   `kube_mock.rs` (which asserts the paths), not by this test.
//! - No RBAC: the 403 messages (a List refused, a Secret the Role does not
//!   name) are covered by `kube_mock.rs`.
//! - `run_kubernetes` itself is not called here: the test does what it
//!   does — `check_crds`, then `Kubernetes::start` with a client built from
//!   a kubeconfig pointing at the emulator — and shuts down with
//!   `Kubernetes::shutdown`. The binary's own path (flags, KUBECONFIG,
//!   SIGTERM) is `crates/keyward/tests/controller_kube.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::ToSpan as _;
use jiff::civil::Date;
use keyward_controller::WebhookSecret;
use keyward_controller::kube::{Kubernetes, KubernetesOptions, check_crds};
use keyward_testkit::{KubeEmulator, ScimServer, eventually};
use serde_json::{Value, json};

const TOKEN: &str = "kw-kube-e2e-TOKEN-71c";
const HOOK_SECRET: &str = "hr-hook-kube-e2e-secret";
const NS: &str = "keyward";
const API: &str = "keyward.io/v1alpha1";

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn ymd(d: Date) -> String {
    d.strftime("%Y/%m/%d").to_string()
}

/// The HR master; `leavers` left yesterday.
fn hr_csv(leavers: &[&str]) -> String {
    let yesterday = ymd(today().checked_sub(1.days()).unwrap());
    let mut csv = "社員番号,姓,名,メールアドレス,部署,雇用形態,在籍状況,入社年月日,退職年月日\n".to_owned();
    for (id, family, given, email) in [
        ("E1", "山田", "太郎", "taro@example.com"),
        ("E2", "鈴木", "花子", "hanako@example.com"),
        ("E5", "伊藤", "美香", "mika@example.com"),
    ] {
        if leavers.contains(&id) {
            csv.push_str(&format!("{id},{family},{given},{email},営業本部,正社員,退職済み,2018/04/01,{yesterday}\n"));
        } else {
            csv.push_str(&format!("{id},{family},{given},{email},営業本部,正社員,在籍,2018/04/01,\n"));
        }
    }
    csv
}

fn object(kind: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": API,
        "kind": kind,
        // The emulator assigns no generation: the test stands in for the API server.
        "metadata": {"name": name, "namespace": NS, "generation": 1},
        "spec": spec,
    })
}

fn user(name: &str, external_id: &str) -> Value {
    json!({
        "userName": name,
        "displayName": name,
        "externalId": external_id,
        "emails": [{"value": name, "type": "work", "primary": true}],
        "active": true,
        "roles": [{"value": "member", "primary": true}],
    })
}

fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a Value> {
    status["conditions"].as_array()?.iter().find(|c| c["type"] == type_)
}

async fn client_for(kubeconfig: &Path) -> kube::Client {
    let config = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config =
        kube::Config::from_custom_kubeconfig(config, &kube::config::KubeConfigOptions::default()).await.unwrap();
    kube::Client::try_from(config).unwrap()
}

/// A Secret's `data` value: k8s-openapi's own encoding (base64).
fn base64(s: &str) -> Value {
    serde_json::to_value(k8s_openapi::ByteString(s.as_bytes().to_vec())).unwrap()
}

fn path(dir: &Path, p: &str) -> PathBuf {
    dir.join(p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kubernetes_mode_reconciles_on_election_and_a_signed_hr_event_suspends_a_leaver() {
    let scim = ScimServer::start(TOKEN).await;
    let k8s = KubeEmulator::start().await;
    scim.create_user(user("taro@example.com", "E1")).await;
    scim.create_user(user("hanako@example.com", "E2")).await;
    let mika = scim.create_user(user("mika@example.com", "E5")).await;

    let dir = tempfile::tempdir().unwrap();
    let csv = path(dir.path(), "employees.csv");
    std::fs::write(&csv, hr_csv(&[])).unwrap();
    // The SCIM token lives in a Secret the Application names; the API
    // returns `data` base64-encoded, as a real API server does.
    k8s.create(
        "secrets",
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "keyward-credentials", "namespace": NS},
            "data": {"scim-token": base64(&format!("{TOKEN}\n"))},
        }),
    )
    .await;

    k8s.create(
        "peoplesources",
        object(
            "PeopleSource",
            "smarthr",
            json!({"csv": {
                "path": csv.to_str().unwrap(),
                "columns": {
                    "id": "社員番号", "familyName": "姓", "givenName": "名", "email": "メールアドレス",
                    "department": "部署", "employmentType": "雇用形態", "status": "在籍状況",
                    "startDate": "入社年月日", "endDate": "退職年月日",
                },
            }}),
        ),
    )
    .await;
    k8s.create(
        "applications",
        object(
            "Application",
            "chat",
            json!({
                "mode": "enforce",
                "connector": {"scim": {"url": scim.url(), "token": {"secret": {"name": "keyward-credentials", "key": "scim-token"}}, "timeoutSeconds": 10}},
                "roles": ["member"],
                "apply": {"guard": {"maxDeprovision": 10, "maxDeprovisionPercent": 100}},
            }),
        ),
    )
    .await;
    k8s.create(
        "accesspolicies",
        object("AccessPolicy", "everyone", json!({"select": {}, "grant": [{"app": "chat", "role": "member"}]})),
    )
    .await;

    let kubeconfig = path(dir.path(), "kubeconfig");
    k8s.write_kubeconfig(&kubeconfig, NS);
    let client = client_for(&kubeconfig).await;
    check_crds(&client).await.expect("the launcher pre-creates the five CRDs");

    let mut opts = KubernetesOptions::new(NS);
    opts.listen = "127.0.0.1:0".parse().unwrap();
    opts.audit_log = path(dir.path(), "state/audit.jsonl");
    opts.checklist_dir = path(dir.path(), "state/checklists");
    opts.identity = "kube-e2e".into();
    // Nothing here may rely on the periodic resync.
    opts.resync = Duration::from_secs(3600);
    opts.debounce = Duration::from_millis(200);
    opts.renew_every = Duration::from_millis(500);
    opts.webhook_secret = WebhookSecret::new(HOOK_SECRET);
    // The HR export is a file the operator lets resources read.
    opts.allow_files = vec![dir.path().to_owned()];
    let running = Kubernetes::start(client, opts).await.unwrap();
    let base = format!("http://{}", running.local_addr());
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();

    // Election → first reconcile → status written back through the API.
    let status = eventually(30, "the Application's status in the emulator says Ready", || async {
        let app = k8s.get(API, NS, "applications", "chat").await?;
        let st = app.get("status")?.clone();
        (condition(&st, "Ready")?["status"] == "True").then_some(st)
    })
    .await;
    assert_eq!(status["observedGeneration"], 1, "{status:#}");
    assert_eq!(condition(&status, "Synced").unwrap()["status"], "True", "{status:#}");
    assert_eq!(status["accounts"], 3, "{status:#}");
    assert_eq!(status["drift"], 0, "{status:#}");
    let lease = k8s.get("coordination.k8s.io/v1", NS, "leases", "keyward-controller").await.expect("the Lease exists");
    assert_eq!(lease["spec"]["holderIdentity"], "kube-e2e", "{lease:#}");
    let source = k8s.get(API, NS, "peoplesources", "smarthr").await.unwrap();
    assert_eq!(source["status"]["observedGeneration"], 1, "{source:#}");
    eventually(10, "/readyz answers 200", || async {
        (http.get(format!("{base}/readyz")).send().await.ok()?.status() == 200).then_some(())
    })
    .await;
    assert!(scim.user(&mika).await.unwrap()["active"].as_bool().unwrap_or(true));

    // HR: mika left yesterday; the signed event suspends her at once.
    std::fs::write(&csv, hr_csv(&["E5"])).unwrap();
    let body = r#"{"type":"person.changed","person":"E5"}"#;
    let ts = jiff::Timestamp::now().as_second();
    let sig = WebhookSecret::new(HOOK_SECRET).unwrap().sign(ts, body.as_bytes());
    let answer = http
        .post(format!("{base}/hr/events"))
        .header("content-type", "application/json")
        .header("X-Keyward-Timestamp", ts.to_string())
        .header("X-Keyward-Signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    let code = answer.status();
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(code, 202, "{answer}");
    assert_eq!(answer["people"], json!(["E5"]), "{answer}");
    eventually(5, "mika's SCIM account is inactive", || async {
        (scim.user(&mika).await?["active"] == false).then_some(())
    })
    .await;
    let after = eventually(5, "the Application's status in the emulator reflects the event's reconcile", || async {
        let st = k8s.get(API, NS, "applications", "chat").await?.get("status")?.clone();
        (st != status).then_some(st)
    })
    .await;
    assert_eq!(status["lastApplied"], 0, "the first reconcile had nothing to apply: {status:#}");
    assert_eq!(after["lastApplied"], 1, "the event's reconcile applied one change: {after:#}");
    assert_eq!(after["observedGeneration"], 1, "{after:#}");
    // Events are written after the statuses.
    let event = eventually(5, "an Applied event about chat in the emulator", || async {
        k8s.list("events.k8s.io/v1", NS, "events").await.into_iter().find(|e| e["reason"] == "Applied")
    })
    .await;
    assert_eq!(event["regarding"]["kind"], "Application", "{event:#}");
    assert_eq!(event["regarding"]["name"], "chat", "{event:#}");
    assert_eq!(event["reportingController"], "keyward.io/controller", "{event:#}");
    assert_eq!(event["note"], "applied 1 change", "{event:#}");
    assert_eq!(condition(&after, "Ready").unwrap()["status"], "True", "{after:#}");

    running.shutdown().await.unwrap();
    let lease = k8s.get("coordination.k8s.io/v1", NS, "leases", "keyward-controller").await.unwrap();
    assert!(lease["spec"].get("holderIdentity").is_none_or(Value::is_null), "released: {lease:#}");
}
