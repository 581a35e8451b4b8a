#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The testkit's Kubernetes emulator (kmock): what the launcher registers and the behaviour
//! `KubeEmulator`'s documentation promises.

use keyward_testkit::KubeEmulator;
use serde_json::json;

#[tokio::test]
async fn the_emulator_serves_the_keyward_kinds_crds_and_leases() {
    let k8s = KubeEmulator::start().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for plural in ["peoplesources", "applications", "accesspolicies", "exceptions"] {
        let url = format!("{}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.keyward.io", k8s.url());
        let crd: serde_json::Value = http.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(crd["metadata"]["name"], format!("{plural}.keyward.io"), "{crd}");
        assert!(k8s.list("keyward.io/v1alpha1", "keyward", plural).await.is_empty());
    }

    let app = json!({
        "apiVersion": "keyward.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "chat", "namespace": "keyward"}, "spec": {"mode": "observe"},
    });
    assert_eq!(k8s.create("applications", app.clone()).await, app, "stored as sent: nothing assigned");
    let patched =
        k8s.patch("keyward.io/v1alpha1", "keyward", "applications", "chat", json!({"status": {"drift": 2}})).await;
    assert_eq!(patched["status"]["drift"], 2);
    assert_eq!(patched["spec"]["mode"], "observe", "a merge");
    assert_eq!(k8s.list("keyward.io/v1alpha1", "keyward", "applications").await, vec![patched]);

    // A missing object is a 404 with the API server's reason, and PUT replaces.
    let lease_url = format!("{}/apis/coordination.k8s.io/v1/namespaces/keyward/leases/l", k8s.url());
    let missing = http.get(&lease_url).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["reason"], "NotFound", "{body}");
    let lease = json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "l", "namespace": "keyward"}, "spec": {"holderIdentity": "a"},
    });
    k8s.create("leases", lease).await;
    let replaced = json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "l", "namespace": "keyward"}, "spec": {},
    });
    assert_eq!(http.put(&lease_url).json(&replaced).send().await.unwrap().status(), 200);
    assert_eq!(k8s.get("coordination.k8s.io/v1", "keyward", "leases", "l").await, Some(replaced));
}
