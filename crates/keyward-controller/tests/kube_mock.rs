#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Kubernetes mode against a mock API server (kube's `tower_test`
//! pattern): every request the controller sends is recorded and answered
//! by a function of (method, path, body), and the tests assert the exact
//! requests: status patches, events, Lease writes and the CRD check.

use std::sync::{Arc, Mutex};

use http::{Request, Response, StatusCode};
use jiff::ToSpan as _;
use k8s_openapi::api::coordination::v1::Lease;
use keyward_controller::engine::{Engine, EngineConfig};
use keyward_controller::http::Readiness;
use keyward_controller::kube::{KubeError, KubeSecrets, LeaseLock, Reconciler, check_crds};
use keyward_controller::metrics::Metrics;
use keyward_core::load::AllowedDirs;
use kube::client::Body;
use kube::{Api, Client};
use serde_json::{Value, json};

/// One request as the API server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Value,
}

type Answer = Box<dyn Fn(&Seen) -> (u16, Value) + Send + Sync>;

/// A mock API server: answers with `answer`, records every request.
/// Returns the client and a handle to the record; the record is complete
/// once every clone of the client is dropped and the task is awaited.
fn api_server(answer: Answer) -> (Client, tokio::task::JoinHandle<Vec<Seen>>) {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let task = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some((req, send)) = handle.next_request().await {
            let method = req.method().to_string();
            let path = req.uri().path().to_owned();
            let query = req.uri().query().unwrap_or("").to_owned();
            let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let bytes = req.into_body().collect_bytes().await.unwrap();
            let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
            let s = Seen { method, path, query, content_type, body };
            let (status, reply) = answer(&s);
            seen.push(s);
            let resp = Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                .unwrap();
            send.send_response(resp);
        }
        seen
    });
    (Client::new(service, "keyward"), task)
}

fn status(code: u16, reason: &str) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": format!("mock: {reason}"), "reason": reason, "code": code}),
    )
}

fn list(kind: &str, items: Vec<Value>) -> (u16, Value) {
    (
        200,
        json!({"apiVersion": "keyward.io/v1alpha1", "kind": format!("{kind}List"), "metadata": {"resourceVersion": "1"}, "items": items}),
    )
}

const NS: &str = "/apis/keyward.io/v1alpha1/namespaces/keyward";

/// A namespace with one PeopleSource (ann active, bob gone three days
/// ago), one Application in observe mode reading a CSV export where both
/// still have accounts, and a policy granting it to everyone: the plan
/// wants one change for bob.
struct Cluster {
    dir: tempfile::TempDir,
    hr: Value,
    slack: Value,
    policy: Value,
}

impl Cluster {
    /// The operator's `--allow-files`: the directory of the two CSV files.
    fn files(&self) -> AllowedDirs {
        AllowedDirs::new(vec![self.dir.path().canonicalize().unwrap()])
    }
}

fn cluster() -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let gone = jiff::Zoned::now().date().checked_sub(3.days()).unwrap().strftime("%Y-%m-%d").to_string();
    let hr_csv = dir.path().join("hr.csv");
    std::fs::write(
        &hr_csv,
        format!("id,email,status,endDate\nE1,ann@example.com,active,\nE2,bob@example.com,terminated,{gone}\n"),
    )
    .unwrap();
    let slack_csv = dir.path().join("slack.csv");
    std::fs::write(&slack_csv, "email\nann@example.com\nbob@example.com\n").unwrap();
    let meta = |name: &str, uid: &str, generation: i64| json!({"name": name, "namespace": "keyward", "uid": uid, "generation": generation, "resourceVersion": "5"});
    let hr = json!({
        "apiVersion": "keyward.io/v1alpha1", "kind": "PeopleSource", "metadata": meta("hr", "u-hr", 1),
        "spec": {"csv": {"path": hr_csv.to_str().unwrap(), "columns": {"id": "id", "email": "email", "status": "status", "endDate": "endDate"}}}
    });
    let slack = json!({
        "apiVersion": "keyward.io/v1alpha1", "kind": "Application", "metadata": meta("slack", "u-slack", 3),
        "spec": {"mode": "observe", "connector": {"csvExport": {"path": slack_csv.to_str().unwrap(), "columns": {"email": "email"}}}}
    });
    let policy = json!({
        "apiVersion": "keyward.io/v1alpha1", "kind": "AccessPolicy", "metadata": meta("everyone", "u-p", 1),
        "spec": {"select": {}, "grant": [{"app": "slack"}]}
    });
    Cluster { dir, hr, slack, policy }
}

/// The answer to a list of one of the five kinds, holding `hr`, `apps`
/// and `policy`; `None` for any other request.
fn namespace_list(s: &Seen, hr: &Value, apps: &[Value], policy: &Value) -> Option<(u16, Value)> {
    if s.method != "GET" {
        return None;
    }
    let kind = s.path.strip_prefix(NS)?.strip_prefix('/')?;
    Some(match kind {
        "peoplesources" => list("PeopleSource", vec![hr.clone()]),
        "applications" => list("Application", apps.to_vec()),
        "accesspolicies" => list("AccessPolicy", vec![policy.clone()]),
        "exceptions" => list("Exception", vec![]),
        "separationsofduties" => list("SeparationOfDuties", vec![]),
        _ => return None,
    })
}

fn engine_config(dir: &std::path::Path) -> EngineConfig {
    EngineConfig {
        audit_log: dir.join("audit.jsonl"),
        checklist_dir: dir.join("checklists"),
        guard: keyward_apply::GuardOptions::default(),
        metrics: Metrics::new(),
        lang: keyward_core::i18n::Lang::En,
    }
}

fn engine(dir: &std::path::Path) -> Arc<Engine> {
    Arc::new(Engine::new(engine_config(dir)).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconcile_patches_statuses_and_reports_drift_once() {
    let c = cluster();
    let (hr, slack, policy) = (c.hr.clone(), c.slack.clone(), c.policy.clone());
    let (client, record) = api_server(Box::new(move |s| {
        if let Some(answer) = namespace_list(s, &hr, std::slice::from_ref(&slack), &policy) {
            return answer;
        }
        match (s.method.as_str(), s.path.as_str()) {
            ("PATCH", p) if p == format!("{NS}/applications/slack/status") => (200, slack.clone()),
            ("PATCH", p) if p == format!("{NS}/peoplesources/hr/status") => (200, hr.clone()),
            ("POST", "/apis/events.k8s.io/v1/namespaces/keyward/events") => (201, s.body.clone()),
            _ => status(404, "NotFound"),
        }
    }));
    let state = tempfile::tempdir().unwrap();
    let (_leader_tx, leader) = tokio::sync::watch::channel(true);
    let readiness = Arc::new(Readiness::default());
    let r = Reconciler::new(client, "keyward", engine(state.path()), readiness.clone(), leader, "pod-a", c.files());

    let report = r.reconcile_full().await.unwrap().expect("the leader reconciles");
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.apps["slack"].drift, 1, "{:?}", report.apps["slack"]);
    assert!(readiness.reasons().is_empty(), "{:?}", readiness.reasons());
    // The same drift at the next resync: no new event.
    r.reconcile_full().await.unwrap().unwrap();
    drop(r);
    let seen = record.await.unwrap();

    let first: Vec<(String, String)> = seen.iter().take(8).map(|s| (s.method.clone(), s.path.clone())).collect();
    assert_eq!(
        first,
        [
            ("GET".to_owned(), format!("{NS}/peoplesources")),
            ("GET".to_owned(), format!("{NS}/applications")),
            ("GET".to_owned(), format!("{NS}/accesspolicies")),
            ("GET".to_owned(), format!("{NS}/exceptions")),
            ("GET".to_owned(), format!("{NS}/separationsofduties")),
            ("PATCH".to_owned(), format!("{NS}/applications/slack/status")),
            ("PATCH".to_owned(), format!("{NS}/peoplesources/hr/status")),
            ("POST".to_owned(), "/apis/events.k8s.io/v1/namespaces/keyward/events".to_owned()),
        ]
    );
    let patch = &seen[5];
    assert_eq!(patch.content_type, "application/merge-patch+json");
    let st = &patch.body["status"];
    assert_eq!(st["observedGeneration"], 3, "{st}");
    assert_eq!(st["drift"], 1);
    let conds = st["conditions"].as_array().unwrap();
    let drifted = conds.iter().find(|c| c["type"] == "Drifted").unwrap();
    assert_eq!(drifted["status"], "True");
    assert!(conds.iter().any(|c| c["type"] == "Ready"), "{conds:?}");
    assert!(patch.body.get("spec").is_none(), "a status patch never carries the spec");
    assert_eq!(seen[6].body["status"]["observedGeneration"], 1);
    assert_eq!(seen[6].body["status"]["people"], 2);

    let event = &seen[7].body;
    assert_eq!(event["reason"], "Drifted");
    assert_eq!(event["type"], "Normal");
    assert_eq!(event["regarding"]["kind"], "Application");
    assert_eq!(event["regarding"]["name"], "slack");
    assert_eq!(event["regarding"]["uid"], "u-slack");
    assert_eq!(event["reportingInstance"], "pod-a");
    assert!(event["note"].as_str().unwrap().starts_with("1 change pending"), "{event}");

    // Second reconcile: the five lists again, maybe a status patch (lastSync
    // moves with the clock), never another event.
    let rest = &seen[8..];
    assert_eq!(rest.iter().filter(|s| s.method == "GET").count(), 5);
    assert!(rest.iter().all(|s| s.method != "POST"), "{rest:?}");
}

/// A reconciler of namespace keyward whose resources may read no file.
fn reconciler(
    client: Client,
    state: &std::path::Path,
    leader: tokio::sync::watch::Receiver<bool>,
    identity: &str,
) -> Reconciler {
    Reconciler::new(
        client,
        "keyward",
        engine(state),
        Arc::new(Readiness::default()),
        leader,
        identity,
        AllowedDirs::none(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_reads_and_writes_nothing() {
    let (client, record) = api_server(Box::new(|_| status(500, "InternalError")));
    let state = tempfile::tempdir().unwrap();
    let (_tx, leader) = tokio::sync::watch::channel(false);
    let r = reconciler(client, state.path(), leader, "pod-b");
    assert!(r.reconcile_full().await.unwrap().is_none());
    drop(r);
    assert!(record.await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_list_names_the_missing_rule() {
    let (client, record) = api_server(Box::new(|_| status(403, "Forbidden")));
    let state = tempfile::tempdir().unwrap();
    let (_tx, leader) = tokio::sync::watch::channel(true);
    let r = reconciler(client, state.path(), leader, "pod-a");
    let e = r.reconcile_full().await.unwrap_err();
    assert!(matches!(e, KubeError::Forbidden { .. }), "{e:?}");
    assert!(e.to_string().contains("list peoplesources in namespace keyward"), "{e}");
    drop(r);
    record.await.unwrap();
}

// ---------------------------------------------------------------- Secrets

const SECRET: &str = "/api/v1/namespaces/keyward/secrets/keyward-credentials";

/// A SCIM app in observe mode whose token is key `scim-token` of the
/// Secret keyward-credentials, served by a stub that accepts only
/// `accepted` bearer tokens.
async fn scim_stub(accepted: &[&str]) -> wiremock::MockServer {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, ResponseTemplate};
    let server = wiremock::MockServer::start().await;
    for token in accepted {
        let auth = format!("Bearer {token}");
        Mock::given(method("GET"))
            .and(path("/scim/v2/ServiceProviderConfig"))
            .and(header("authorization", auth.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "patch": {"supported": true}, "filter": {"supported": true, "maxResults": 100},
                "etag": {"supported": false}, "bulk": {"supported": false}
            })))
            .mount(&server)
            .await;
        let user = |id: &str, mail: &str| {
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": id, "userName": mail,
                   "emails": [{"value": mail, "primary": true}], "active": true})
        };
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .and(header("authorization", auth.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 2, "startIndex": 1,
                "itemsPerPage": 2, "Resources": [user("1", "ann@example.com"), user("2", "bob@example.com")]
            })))
            .mount(&server)
            .await;
    }
    // Anything else (another token, /Groups) is refused like a real SCIM
    // server would.
    server
}

fn scim_app(c: &Cluster, url: &str) -> Value {
    let mut app = c.slack.clone();
    app["spec"]["connector"] = json!({"scim": {
        "url": format!("{url}/scim/v2"),
        "token": {"secret": {"name": "keyward-credentials", "key": "scim-token"}}
    }});
    app
}

fn secret(data: Value) -> (u16, Value) {
    (
        200,
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "keyward-credentials", "namespace": "keyward", "resourceVersion": "9"}, "data": data}),
    )
}

/// An API server holding `hr`, `apps` and `policy`, answering the Secret
/// read with `secret_answer()`, and a leading reconciler whose engine
/// reads Secrets through it.
fn secrets_cluster(
    hr: Value,
    apps: Vec<Value>,
    policy: Value,
    secret_answer: impl Fn() -> (u16, Value) + Send + Sync + 'static,
    state: &std::path::Path,
    files: AllowedDirs,
) -> (Reconciler, tokio::task::JoinHandle<Vec<Seen>>) {
    let (client, record) = api_server(Box::new(move |s| {
        if let Some(answer) = namespace_list(s, &hr, &apps, &policy) {
            return answer;
        }
        match (s.method.as_str(), s.path.as_str()) {
            ("GET", SECRET) => secret_answer(),
            ("PATCH", _) => (200, s.body.clone()),
            ("POST", _) => (201, s.body.clone()),
            _ => status(404, "NotFound"),
        }
    }));
    let engine = Arc::new(
        Engine::new(engine_config(state)).unwrap().with_secrets(Arc::new(KubeSecrets::new(client.clone(), "keyward"))),
    );
    // A receiver keeps the last value after its sender is gone: the
    // reconciler stays the leader.
    let (_, leader) = tokio::sync::watch::channel(true);
    (Reconciler::new(client, "keyward", engine, Arc::new(Readiness::default()), leader, "pod-a", files), record)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_read_from_the_named_secret_and_a_rotation_is_picked_up() {
    let c = cluster();
    // "tok-1", then "tok-2" after the rotation (the API returns base64).
    let token = Arc::new(Mutex::new("dG9rLTE="));
    let stub = scim_stub(&["tok-1", "tok-2"]).await;
    let (hr, app, policy) = (c.hr.clone(), scim_app(&c, &stub.uri()), c.policy.clone());
    let current = token.clone();
    let state = tempfile::tempdir().unwrap();
    let (r, record) = secrets_cluster(
        hr,
        vec![app],
        policy,
        move || secret(json!({"scim-token": *current.lock().unwrap(), "other": "eA=="})),
        state.path(),
        c.files(),
    );

    let first = r.reconcile_full().await.unwrap().unwrap();
    assert!(first.apps["slack"].problem.is_none(), "{:?}", first.apps["slack"]);
    assert_eq!(first.apps["slack"].drift, 1, "bob's account is seen, so the token worked");

    *token.lock().unwrap() = "dG9rLTI=";
    let second = r.reconcile_full().await.unwrap().unwrap();
    assert!(second.apps["slack"].problem.is_none(), "{:?}", second.apps["slack"]);
    drop(r);
    let seen = record.await.unwrap();

    // One get by name per full reconcile; never a list of Secrets.
    let reads: Vec<&Seen> = seen.iter().filter(|s| s.path.contains("/secrets")).collect();
    assert_eq!(reads.len(), 2, "{:?}", calls(&seen));
    assert!(reads.iter().all(|s| s.method == "GET" && s.path == SECRET));
    let auth: Vec<String> = stub
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|q| q.url.path() == "/scim/v2/Users")
        .map(|q| q.headers.get("authorization").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-2"], "the rotated token is used at the next reconcile");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_secret_fails_only_its_app_and_says_how_to_fix_it() {
    for (answer, expected) in [
        (status(403, "Forbidden"), "add `keyward-credentials` to the resourceNames"),
        (status(404, "NotFound"), "kubectl create secret generic keyward-credentials -n keyward"),
        (
            secret(json!({"other": "eA=="})),
            "has no key `scim-token` (it has: other); add it, or fix spec.connector.scim.token.secret.key",
        ),
    ] {
        let c = cluster();
        let stub = scim_stub(&["tok-1"]).await;
        let (hr, app, csv_app, policy) = (c.hr.clone(), scim_app(&c, &stub.uri()), c.slack.clone(), c.policy.clone());
        let mut csv_app = csv_app;
        csv_app["metadata"]["name"] = json!("wiki");
        let mut policy = policy;
        policy["spec"]["grant"] = json!([{"app": "slack"}, {"app": "wiki"}]);
        let state = tempfile::tempdir().unwrap();
        let (r, record) =
            secrets_cluster(hr, vec![app, csv_app], policy, move || answer.clone(), state.path(), c.files());
        let report = r.reconcile_full().await.unwrap().unwrap();
        drop(r);
        let seen = record.await.unwrap();

        let problem = report.apps["slack"].problem.as_ref().expect("the SCIM app cannot be set up");
        assert_eq!(problem.reason, "ConnectorFailed");
        assert!(problem.message.contains(expected), "{}", problem.message);
        assert!(report.apps["wiki"].problem.is_none(), "the other app is reconciled: {:?}", report.apps["wiki"]);
        assert!(stub.received_requests().await.unwrap().is_empty(), "nothing is sent without a token");
        let patch = seen.iter().find(|s| s.path == format!("{NS}/applications/slack/status")).unwrap();
        let conds = patch.body["status"]["conditions"].as_array().unwrap();
        assert!(
            conds.iter().any(|c| c["reason"] == "ConnectorFailed" && c["message"].as_str().unwrap().contains(expected)),
            "{conds:?}"
        );
    }
}

// ------------------------------------------------------------------ Lease

const LEASE: &str = "/apis/coordination.k8s.io/v1/namespaces/keyward/leases/keyward-controller";
const LEASES: &str = "/apis/coordination.k8s.io/v1/namespaces/keyward/leases";

fn lease(holder: &str, renewed: jiff::Timestamp) -> Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "keyward-controller", "namespace": "keyward", "resourceVersion": "7"},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": renewed.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(), "leaseTransitions": 2}
    })
}

fn lock(client: Client, identity: &str) -> LeaseLock {
    LeaseLock::new(
        Api::<Lease>::namespaced(client, "keyward"),
        "keyward-controller",
        identity,
        std::time::Duration::from_secs(15),
    )
}

async fn run_lease<F, T>(answer: Answer, f: F) -> (T, Vec<Seen>)
where
    F: AsyncFnOnce(&LeaseLock) -> T,
{
    let (client, record) = api_server(answer);
    let l = lock(client, "pod-a");
    let out = f(&l).await;
    drop(l);
    (out, record.await.unwrap())
}

fn calls(seen: &[Seen]) -> Vec<(&str, &str)> {
    seen.iter().map(|s| (s.method.as_str(), s.path.as_str())).collect()
}

#[tokio::test]
async fn an_absent_lease_is_created() {
    let (won, seen) = run_lease(
        Box::new(|s| match s.method.as_str() {
            "GET" => status(404, "NotFound"),
            _ => (201, s.body.clone()),
        }),
        async |l| l.try_acquire_or_renew().await.unwrap(),
    )
    .await;
    assert!(won);
    assert_eq!(calls(&seen), [("GET", LEASE), ("POST", LEASES)]);
    let spec = &seen[1].body["spec"];
    assert_eq!(spec["holderIdentity"], "pod-a");
    assert_eq!(spec["leaseDurationSeconds"], 15);
    assert!(spec["renewTime"].is_string());
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_with_the_observed_version() {
    let old = jiff::Timestamp::now().checked_sub(60.seconds()).unwrap();
    let (won, seen) = run_lease(
        Box::new(move |s| match s.method.as_str() {
            "GET" => (200, lease("pod-b", old)),
            _ => (200, s.body.clone()),
        }),
        async |l| l.try_acquire_or_renew().await.unwrap(),
    )
    .await;
    assert!(won);
    assert_eq!(calls(&seen), [("GET", LEASE), ("PUT", LEASE)]);
    let body = &seen[1].body;
    assert_eq!(body["metadata"]["resourceVersion"], "7");
    assert_eq!(body["spec"]["holderIdentity"], "pod-a");
    assert_eq!(body["spec"]["leaseTransitions"], 3);
}

#[tokio::test]
async fn a_fresh_lease_of_another_replica_is_not_touched() {
    let (won, seen) = run_lease(Box::new(|_| (200, lease("pod-b", jiff::Timestamp::now()))), async |l| {
        l.try_acquire_or_renew().await.unwrap()
    })
    .await;
    assert!(!won);
    assert_eq!(calls(&seen), [("GET", LEASE)]);
}

#[tokio::test]
async fn losing_the_race_for_an_expired_lease_is_not_leading() {
    let old = jiff::Timestamp::now().checked_sub(60.seconds()).unwrap();
    let (won, seen) = run_lease(
        Box::new(move |s| match s.method.as_str() {
            "GET" => (200, lease("pod-b", old)),
            _ => status(409, "Conflict"),
        }),
        async |l| l.try_acquire_or_renew().await.unwrap(),
    )
    .await;
    assert!(!won);
    assert_eq!(calls(&seen), [("GET", LEASE), ("PUT", LEASE)]);
}

#[tokio::test]
async fn our_lease_is_renewed_and_released_on_shutdown() {
    let store = Arc::new(Mutex::new(lease("pod-a", jiff::Timestamp::now())));
    let s2 = store.clone();
    let (_, seen) = run_lease(
        Box::new(move |s| match s.method.as_str() {
            "GET" => (200, s2.lock().unwrap().clone()),
            _ => {
                *s2.lock().unwrap() = s.body.clone();
                (200, s.body.clone())
            }
        }),
        async |l| {
            assert!(l.try_acquire_or_renew().await.unwrap());
            l.release().await.unwrap();
        },
    )
    .await;
    assert_eq!(calls(&seen), [("GET", LEASE), ("PUT", LEASE), ("GET", LEASE), ("PUT", LEASE)]);
    // Renewing is not a transition.
    assert_eq!(seen[1].body["spec"]["leaseTransitions"], 2);
    let released = &seen[3].body["spec"];
    assert!(released.get("holderIdentity").is_none(), "{released}");
    assert!(released.get("renewTime").is_none(), "{released}");
}

#[tokio::test]
async fn a_lease_held_by_another_replica_is_not_released() {
    let (_, seen) = run_lease(Box::new(|_| (200, lease("pod-b", jiff::Timestamp::now()))), async |l| {
        l.release().await.unwrap();
    })
    .await;
    assert_eq!(calls(&seen), [("GET", LEASE)]);
}

// ------------------------------------------------------------------ CRDs

fn crd(name: &str) -> Value {
    json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name},
           "spec": {"group": "keyward.io", "names": {"kind": "X", "plural": "xs"}, "scope": "Namespaced", "versions": []}})
}

#[tokio::test]
async fn missing_crds_are_named_with_the_fix() {
    let (client, record) = api_server(Box::new(|s| {
        let name = s.path.rsplit('/').next().unwrap().to_owned();
        if name.starts_with("applications") || name.starts_with("exceptions") {
            status(404, "NotFound")
        } else {
            (200, crd(&name))
        }
    }));
    let e = check_crds(&client).await.unwrap_err();
    drop(client);
    let msg = e.to_string();
    assert!(matches!(e, KubeError::CrdsMissing { .. }), "{e:?}");
    assert!(msg.contains("applications.keyward.io, exceptions.keyward.io"), "{msg}");
    assert!(msg.contains("kubectl apply -f crds/"), "{msg}");
    let seen = record.await.unwrap();
    assert_eq!(
        calls(&seen),
        [
            ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/peoplesources.keyward.io"),
            ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/applications.keyward.io"),
            ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/accesspolicies.keyward.io"),
            ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/exceptions.keyward.io"),
            ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/separationsofduties.keyward.io"),
        ]
    );
}

#[tokio::test]
async fn crds_present_pass_and_a_403_names_the_rule() {
    let (client, record) = api_server(Box::new(|s| (200, crd(s.path.rsplit('/').next().unwrap()))));
    check_crds(&client).await.unwrap();
    drop(client);
    assert_eq!(record.await.unwrap().len(), 5);

    let (client, record) = api_server(Box::new(|_| status(403, "Forbidden")));
    let e = check_crds(&client).await.unwrap_err();
    drop(client);
    assert!(matches!(e, KubeError::Forbidden { .. }), "{e:?}");
    assert!(e.to_string().contains("customresourcedefinitions"), "{e}");
    record.await.unwrap();
}

// ------------------------------------------------------------ standby

/// A whole controller whose Lease another replica holds: it reconciles
/// nothing, `/readyz` says standby, HR events get 503 "not the leader",
/// and shutting down leaves the other replica's Lease alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_controller_is_not_ready_refuses_events_and_leaves_the_lease_alone() {
    use keyward_controller::WebhookSecret;
    use keyward_controller::kube::{Kubernetes, KubernetesOptions};

    let (client, record) = api_server(Box::new(|s| {
        if s.path == LEASE {
            (200, lease("pod-b", jiff::Timestamp::now()))
        } else {
            // Lists and watches of the five kinds: refused, so the watchers
            // back off; a standby must not depend on them anyway.
            status(500, "InternalError")
        }
    }));
    let state = tempfile::tempdir().unwrap();
    let mut opts = KubernetesOptions::new("keyward");
    opts.listen = "127.0.0.1:0".parse().unwrap();
    opts.audit_log = state.path().join("audit.jsonl");
    opts.checklist_dir = state.path().join("checklists");
    opts.identity = "pod-a".into();
    opts.renew_every = std::time::Duration::from_millis(50);
    opts.webhook_secret = WebhookSecret::new("s3cret-for-tests");
    let running = Kubernetes::start(client, opts).await.unwrap();
    let base = format!("http://{}", running.local_addr());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let http = reqwest::Client::new();
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert!(body["reasons"][0].as_str().unwrap().starts_with("standby"), "{body}");

    let event = r#"{"employeeId": "E2"}"#;
    let ts = jiff::Timestamp::now().as_second();
    let sig = WebhookSecret::new("s3cret-for-tests").unwrap().sign(ts, event.as_bytes());
    let answer = http
        .post(format!("{base}/hr/events"))
        .header(keyward_controller::webhook::TIMESTAMP_HEADER, ts.to_string())
        .header(keyward_controller::webhook::SIGNATURE_HEADER, sig)
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    let body: Value = answer.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("not the leader"), "{body}");

    running.shutdown().await.unwrap();
    let seen = record.await.unwrap();
    let lease_calls: Vec<&str> =
        seen.iter().filter(|s| s.path.contains("/leases")).map(|s| s.method.as_str()).collect();
    assert!(lease_calls.len() >= 3, "renewal attempts and the release check: {lease_calls:?}");
    assert!(lease_calls.iter().all(|m| *m == "GET"), "never writes another replica's Lease: {lease_calls:?}");
    assert!(
        !seen.iter().any(|s| s.method == "PATCH" || (s.method == "POST" && !s.path.contains("/leases"))),
        "a standby writes nothing"
    );
}

/// A whole controller that wins the Lease: it creates the Lease,
/// reconciles at once (statuses and an event), becomes ready, and releases
/// the Lease on shutdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_reconciles_on_election_and_releases_the_lease_on_shutdown() {
    use keyward_controller::kube::{Kubernetes, KubernetesOptions};

    let c = cluster();
    let (hr, slack, policy) = (c.hr.clone(), c.slack.clone(), c.policy.clone());
    let stored: Arc<Mutex<Option<Value>>> = Arc::new(Mutex::new(None));
    let (client, record) = api_server(Box::new(move |s| {
        if s.path.starts_with(LEASES) {
            let mut l = stored.lock().unwrap();
            return match (s.method.as_str(), l.clone()) {
                ("GET", None) => status(404, "NotFound"),
                ("GET", Some(v)) => (200, v),
                _ => {
                    let mut v = s.body.clone();
                    v["metadata"]["resourceVersion"] = json!("8");
                    *l = Some(v.clone());
                    (200, v)
                }
            };
        }
        if s.query.contains("watch=true") {
            // The watch itself: refused, the watchers back off; the
            // election triggers the first reconcile.
            return status(500, "InternalError");
        }
        if let Some(answer) = namespace_list(s, &hr, std::slice::from_ref(&slack), &policy) {
            return answer;
        }
        match (s.method.as_str(), s.path.as_str()) {
            ("PATCH", p) if p == format!("{NS}/applications/slack/status") => (200, slack.clone()),
            ("PATCH", p) if p == format!("{NS}/peoplesources/hr/status") => (200, hr.clone()),
            ("POST", "/apis/events.k8s.io/v1/namespaces/keyward/events") => (201, s.body.clone()),
            _ => status(404, "NotFound"),
        }
    }));
    let state = tempfile::tempdir().unwrap();
    let mut opts = KubernetesOptions::new("keyward");
    opts.listen = "127.0.0.1:0".parse().unwrap();
    opts.audit_log = state.path().join("audit.jsonl");
    opts.checklist_dir = state.path().join("checklists");
    opts.identity = "pod-a".into();
    opts.debounce = std::time::Duration::from_millis(50);
    opts.allow_files = vec![c.dir.path().to_owned()];
    let running = Kubernetes::start(client, opts).await.unwrap();
    let base = format!("http://{}", running.local_addr());
    let http = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if http.get(format!("{base}/readyz")).send().await.unwrap().status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the leader becomes ready after its first reconcile");
    assert_eq!(running.statuses().applications["slack"].drift, 1);
    running.shutdown().await.unwrap();

    let seen = record.await.unwrap();
    let lease_writes: Vec<&Seen> = seen.iter().filter(|s| s.path.starts_with(LEASES) && s.method != "GET").collect();
    assert_eq!(lease_writes[0].method, "POST", "created when absent");
    let last = lease_writes.last().unwrap();
    assert_eq!(last.method, "PUT");
    assert!(last.body["spec"].get("holderIdentity").is_none(), "released: {}", last.body);
    assert!(seen.iter().any(|s| s.method == "PATCH" && s.path.ends_with("/applications/slack/status")));
    assert_eq!(seen.iter().filter(|s| s.method == "POST" && s.path.contains("/events")).count(), 1);
}
