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
    let created = k8s.create("applications", app.clone()).await;
    let mut sent_back = created.clone();
    sent_back["metadata"].as_object_mut().unwrap().remove("resourceVersion");
    assert_eq!(sent_back, app, "stored as sent but for the resourceVersion");
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
    let mut stored = k8s.get("coordination.k8s.io/v1", "keyward", "leases", "l").await.unwrap();
    stored["metadata"].as_object_mut().unwrap().remove("resourceVersion");
    assert_eq!(stored, replaced);
}

fn version(object: &serde_json::Value) -> u64 {
    let rv = object["metadata"]["resourceVersion"].as_str().unwrap_or_else(|| panic!("no resourceVersion: {object}"));
    rv.parse().unwrap_or_else(|_| panic!("resourceVersion {rv:?} is not a number"))
}

/// What kube-rs's watcher relies on: every object and watch event carries a
/// `resourceVersion` (without one the watcher starts over with a new list,
/// which made every watcher of the controller re-list once a second), a
/// list says the version it is at, and a watch from that version streams
/// only later changes instead of replaying what was listed.
#[tokio::test]
async fn objects_lists_and_watch_events_carry_resource_versions() {
    let k8s = KubeEmulator::start().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let app = |name: &str| {
        json!({
            "apiVersion": "keyward.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": "keyward"}, "spec": {"mode": "observe"},
        })
    };
    let chat = version(&k8s.create("applications", app("chat")).await);
    let wiki = version(&k8s.create("applications", app("wiki")).await);
    assert!(wiki > chat, "each write gets a later version: {chat}, {wiki}");
    let collection =
        format!("{}{}", k8s.url(), KubeEmulator::collection("keyward.io/v1alpha1", "keyward", "applications"));
    let list: serde_json::Value = http.get(&collection).send().await.unwrap().json().await.unwrap();
    let listed = version(&list);
    assert!(listed >= wiki, "the list is as of the last write: {list}");

    let mut watch = http.get(format!("{collection}?watch=true&resourceVersion={listed}")).send().await.unwrap();
    assert_eq!(watch.status(), 200);
    let patched =
        k8s.patch("keyward.io/v1alpha1", "keyward", "applications", "chat", json!({"status": {"drift": 1}})).await;
    assert!(version(&patched) > listed, "a patch gives a new version: {patched}");
    let deleted = http.delete(format!("{collection}/wiki")).send().await.unwrap();
    assert_eq!(deleted.status(), 200);

    let mut events: Vec<serde_json::Value> = Vec::new();
    let mut buffer = String::new();
    while events.len() < 2 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), watch.chunk())
            .await
            .unwrap_or_else(|_| panic!("the watch sent only {events:?}"))
            .unwrap()
            .expect("the watch stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find('\n') {
            let line: String = buffer.drain(..=end).collect();
            if !line.trim().is_empty() {
                events.push(serde_json::from_str(&line).unwrap());
            }
        }
    }
    let seen: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["object"]["metadata"]["name"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [("MODIFIED", "chat"), ("DELETED", "wiki")], "nothing listed is replayed: {events:?}");
    assert_eq!(version(&events[0]["object"]), version(&patched));
    assert!(version(&events[1]["object"]) > version(&patched), "a deletion is a write too: {events:?}");
}
