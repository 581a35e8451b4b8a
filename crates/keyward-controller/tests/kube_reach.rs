#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! What a resource from the Kubernetes API may reach, against the kmock
//! API emulator: in Kubernetes mode credentials come only from Secrets of
//! the resource's namespace, and files only from absolute paths under the
//! directories the operator allowed. A resource naming an environment
//! variable, a file outside those directories, a relative path, or a
//! symlink that leaves an allowed directory is refused with a condition on
//! the resource, and nothing of what it names is read, sent or echoed.
//!
//! Each case is one namespace of one emulator: a PeopleSource, an
//! Application whose SCIM "app" is a wiremock stub recording every request,
//! and an AccessPolicy. The judges are the statuses read back from the
//! emulator, the Events it holds and the requests the stub received.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyward_controller::engine::{Engine, EngineConfig};
use keyward_controller::http::Readiness;
use keyward_controller::kube::{KubeSecrets, Reconciler};
use keyward_controller::metrics::Metrics;
use keyward_testkit::KubeEmulator;
use serde_json::{Value, json};

const API: &str = "keyward.io/v1alpha1";
/// What a file or variable holds that a resource must not reach.
const MARKER: &str = "kw-REACH-MARKER-5e1";
/// The token kept in the namespace's Secret, which may be used.
const TOKEN: &str = "kw-reach-secret-token-b07";

/// Directories of one test: `allowed` (the operator's --allow-files) and
/// `outside` (the controller can read it, resources may not).
struct Dirs {
    _root: tempfile::TempDir,
    allowed: PathBuf,
    outside: PathBuf,
    state: PathBuf,
}

fn dirs() -> Dirs {
    let root = tempfile::tempdir().unwrap();
    // Canonical, as the controller canonicalises the allowed directories.
    let base = root.path().canonicalize().unwrap();
    let (allowed, outside, state) = (base.join("allowed"), base.join("outside"), base.join("state"));
    for d in [&allowed, &outside, &state] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(allowed.join("hr.csv"), "id,email,status\nE1,ann@example.com,active\n").unwrap();
    // A file the controller can read that no resource may: its header is
    // the marker, as a token or a key would be.
    std::fs::write(outside.join("secret.csv"), format!("{MARKER},x\n1,2\n")).unwrap();
    std::fs::write(outside.join("token"), format!("{MARKER}\n")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.csv"), allowed.join("link.csv")).unwrap();
    Dirs { _root: root, allowed, outside, state }
}

fn object(ns: &str, kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": API, "kind": kind, "metadata": {"name": name, "namespace": ns, "generation": 1}, "spec": spec})
}

fn base64(s: &str) -> Value {
    serde_json::to_value(k8s_openapi::ByteString(s.as_bytes().to_vec())).unwrap()
}

/// A SCIM stub that records every request and answers an empty listing.
async fn scim_stub() -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/ServiceProviderConfig"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true}, "filter": {"supported": true, "maxResults": 100},
            "etag": {"supported": false}, "bulk": {"supported": false}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "startIndex": 1,
            "itemsPerPage": 0, "Resources": []
        })))
        .mount(&server)
        .await;
    server
}

/// Creates the namespace `ns` in the emulator: the Secret, a PeopleSource
/// reading `hr_path`, an Application `chat` on the stub with `token`, and
/// a policy granting it to everyone.
async fn namespace(k8s: &KubeEmulator, ns: &str, hr_path: &str, stub: &str, token: Value) {
    k8s.create(
        "secrets",
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "keyward-credentials", "namespace": ns},
               "data": {"scim-token": base64(TOKEN)}}),
    )
    .await;
    let columns = json!({"id": "id", "email": "email", "status": "status"});
    k8s.create(
        "peoplesources",
        object(ns, "PeopleSource", "hr", json!({"csv": {"path": hr_path, "columns": columns}})),
    )
    .await;
    let connector = json!({"scim": {"url": format!("{stub}/scim/v2"), "token": token}});
    k8s.create("applications", object(ns, "Application", "chat", json!({"mode": "observe", "connector": connector})))
        .await;
    k8s.create(
        "accesspolicies",
        object(ns, "AccessPolicy", "everyone", json!({"select": {}, "grant": [{"app": "chat"}]})),
    )
    .await;
}

/// One full reconcile of `ns` by a leading controller whose operator
/// allowed `allowed`.
async fn reconcile(k8s: &KubeEmulator, ns: &str, state: &Path, allowed: &Path) {
    let kubeconfig = state.join(format!("{ns}.kubeconfig"));
    k8s.write_kubeconfig(&kubeconfig, ns);
    let config = kube::config::Kubeconfig::read_from(&kubeconfig).unwrap();
    let config =
        kube::Config::from_custom_kubeconfig(config, &kube::config::KubeConfigOptions::default()).await.unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let engine = Engine::new(EngineConfig {
        audit_log: state.join(format!("{ns}.audit.jsonl")),
        checklist_dir: state.join("checklists"),
        guard: keyward_apply::GuardOptions::default(),
        metrics: Metrics::new(),
        lang: keyward_core::i18n::Lang::En,
    })
    .unwrap()
    .with_secrets(Arc::new(KubeSecrets::new(client.clone(), ns)));
    let (_, leader) = tokio::sync::watch::channel(true);
    let files = keyward_controller::kube::allowed_dirs(&[allowed.to_owned()]).unwrap();
    let r = Reconciler::new(client, ns, Arc::new(engine), Arc::new(Readiness::default()), leader, "reach", files);
    r.reconcile_full().await.unwrap();
}

/// The status of `kind`'s `name` in `ns` as the emulator holds it.
async fn status(k8s: &KubeEmulator, ns: &str, plural: &str, name: &str) -> Value {
    k8s.get(API, ns, plural, name).await.unwrap().get("status").cloned().unwrap_or(Value::Null)
}

fn ready(status: &Value) -> &Value {
    status["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
        .unwrap_or_else(|| panic!("no Ready condition in {status:#}"))
}

/// Nothing the stub received, and nothing the emulator holds (statuses,
/// Events), carries the marker.
async fn nothing_leaked(k8s: &KubeEmulator, ns: &str, stub: &wiremock::MockServer) {
    for r in stub.received_requests().await.unwrap_or_default() {
        let seen = format!("{:?} {}", r.headers, String::from_utf8_lossy(&r.body));
        assert!(!seen.contains(MARKER), "the stub received the marker: {seen}");
    }
    for plural in ["applications", "peoplesources"] {
        let all = Value::Array(k8s.list(API, ns, plural).await).to_string();
        assert!(!all.contains(MARKER), "{plural} echo the marker: {all}");
    }
    let events = Value::Array(k8s.list("events.k8s.io/v1", ns, "events").await).to_string();
    assert!(!events.contains(MARKER), "events echo the marker: {events}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_reaches_only_its_namespaces_secrets_and_the_allowed_files() {
    let d = dirs();
    let k8s = KubeEmulator::start().await;
    let hr = d.allowed.join("hr.csv");
    let hr = hr.to_str().unwrap();

    // An environment variable of the controller (PATH is set in every
    // process; setting one of the test's own would need `unsafe`): refused,
    // never sent.
    let stub = scim_stub().await;
    namespace(&k8s, "reach-env", hr, &stub.uri(), json!({"env": "PATH"})).await;
    reconcile(&k8s, "reach-env", &d.state, &d.allowed).await;
    let st = status(&k8s, "reach-env", "applications", "chat").await;
    assert_eq!(ready(&st)["status"], "False", "{st:#}");
    let message = ready(&st)["message"].as_str().unwrap();
    assert!(message.contains("spec.connector.scim.token.env"), "{message}");
    assert!(message.contains("secret:"), "the message says what to do: {message}");
    assert!(stub.received_requests().await.unwrap_or_default().is_empty(), "nothing is sent to the app");
    nothing_leaked(&k8s, "reach-env", &stub).await;

    // A file of the controller's outside the allowed directories: refused.
    let stub = scim_stub().await;
    let token_file = d.outside.join("token");
    namespace(&k8s, "reach-file", hr, &stub.uri(), json!({"file": token_file})).await;
    reconcile(&k8s, "reach-file", &d.state, &d.allowed).await;
    let st = status(&k8s, "reach-file", "applications", "chat").await;
    assert_eq!(ready(&st)["status"], "False", "{st:#}");
    assert!(ready(&st)["message"].as_str().unwrap().contains("spec.connector.scim.token.file"), "{st:#}");
    assert!(stub.received_requests().await.unwrap_or_default().is_empty(), "nothing is sent to the app");
    nothing_leaked(&k8s, "reach-file", &stub).await;

    // A relative path would resolve against the controller's working
    // directory (here the crate's, where Cargo.toml is): refused.
    let stub = scim_stub().await;
    namespace(
        &k8s,
        "reach-relative",
        "Cargo.toml",
        &stub.uri(),
        json!({"secret": {"name": "keyward-credentials", "key": "scim-token"}}),
    )
    .await;
    reconcile(&k8s, "reach-relative", &d.state, &d.allowed).await;
    let st = status(&k8s, "reach-relative", "peoplesources", "hr").await;
    assert_eq!(ready(&st)["status"], "False", "{st:#}");
    let message = ready(&st)["message"].as_str().unwrap();
    assert!(message.contains("spec.csv.path") && message.contains("relative"), "{message}");
    let all = Value::Array(k8s.list(API, "reach-relative", "peoplesources").await).to_string();
    assert!(!all.contains("[package]") && !all.contains("keyward-controller"), "Cargo.toml is echoed: {all}");
    nothing_leaked(&k8s, "reach-relative", &stub).await;

    // A symlink in the allowed directory pointing outside it: refused when
    // it is read, with the condition on the PeopleSource.
    let stub = scim_stub().await;
    let link = d.allowed.join("link.csv");
    namespace(
        &k8s,
        "reach-symlink",
        link.to_str().unwrap(),
        &stub.uri(),
        json!({"secret": {"name": "keyward-credentials", "key": "scim-token"}}),
    )
    .await;
    reconcile(&k8s, "reach-symlink", &d.state, &d.allowed).await;
    let st = status(&k8s, "reach-symlink", "peoplesources", "hr").await;
    assert_eq!(ready(&st)["status"], "False", "{st:#}");
    let message = ready(&st)["message"].as_str().unwrap();
    assert!(message.contains("outside"), "{message}");
    nothing_leaked(&k8s, "reach-symlink", &stub).await;

    // An absolute path under the allowed directory and the token from the
    // namespace's Secret: the reconcile runs and the app is read with it.
    let stub = scim_stub().await;
    namespace(
        &k8s,
        "reach-ok",
        hr,
        &stub.uri(),
        json!({"secret": {"name": "keyward-credentials", "key": "scim-token"}}),
    )
    .await;
    reconcile(&k8s, "reach-ok", &d.state, &d.allowed).await;
    let st = status(&k8s, "reach-ok", "applications", "chat").await;
    assert_eq!(ready(&st)["status"], "True", "{st:#}");
    let st = status(&k8s, "reach-ok", "peoplesources", "hr").await;
    assert_eq!(st["people"], 1, "{st:#}");
    let sent = stub.received_requests().await.unwrap();
    assert!(
        sent.iter().any(|r| r.headers.get("authorization").is_some_and(|v| v == &format!("Bearer {TOKEN}")[..])),
        "the Secret's token is used"
    );
    nothing_leaked(&k8s, "reach-ok", &stub).await;
}
