#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! Sharding's Leases against an API server that answers slowly: a mock
//! (kube's `tower_test` pattern) that keeps Leases in memory with an API
//! server's optimistic concurrency and answers every call after a delay.
//! A replica that is alive keeps its shards however long the calls take,
//! as long as one renewal's calls fit in the Lease's safety margin.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Request, Response, StatusCode};
use keyward_controller::kube::sharding::{ShardConfig, Shards};
use keyward_controller::metrics::Metrics;
use kube::Client;
use kube::client::Body;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

const NS: &str = "keyward";

/// Leases by name, each with its resourceVersion.
#[derive(Default)]
struct Store {
    leases: BTreeMap<String, Value>,
    version: u64,
}

fn status(code: u16, reason: &str) -> (u16, Value) {
    (
        code,
        json!({"apiVersion": "v1", "kind": "Status", "metadata": {}, "status": "Failure", "code": code, "reason": reason, "message": reason}),
    )
}

/// One call: `path` is `/apis/coordination.k8s.io/v1/namespaces/NS/leases[/NAME]`.
fn answer(store: &Mutex<Store>, method: &str, path: &str, body: Value) -> (u16, Value) {
    let mut store = store.lock().unwrap();
    let name = path.rsplit_once("/leases/").map(|(_, n)| n.to_owned());
    match (method, name) {
        ("GET", None) => {
            let items: Vec<Value> = store.leases.values().cloned().collect();
            (
                200,
                json!({"apiVersion": "coordination.k8s.io/v1", "kind": "LeaseList", "metadata": {"resourceVersion": store.version.to_string()}, "items": items}),
            )
        }
        ("GET", Some(name)) => match store.leases.get(&name) {
            Some(l) => (200, l.clone()),
            None => status(404, "NotFound"),
        },
        ("POST", None) => {
            let name = body["metadata"]["name"].as_str().unwrap().to_owned();
            if store.leases.contains_key(&name) {
                return status(409, "AlreadyExists");
            }
            store.version += 1;
            let mut lease = body;
            lease["metadata"]["resourceVersion"] = json!(store.version.to_string());
            store.leases.insert(name, lease.clone());
            (201, lease)
        }
        ("PUT", Some(name)) => {
            let Some(stored) = store.leases.get(&name) else { return status(404, "NotFound") };
            if body["metadata"]["resourceVersion"] != stored["metadata"]["resourceVersion"] {
                return status(409, "Conflict");
            }
            store.version += 1;
            let mut lease = body;
            lease["metadata"]["resourceVersion"] = json!(store.version.to_string());
            store.leases.insert(name, lease.clone());
            (200, lease)
        }
        (m, n) => panic!("unexpected call {m} {path} ({n:?})"),
    }
}

/// A client whose every call is answered `delay` after it was sent, calls
/// in parallel answered in parallel.
fn slow_api_server(delay: Duration) -> Client {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let store = Arc::new(Mutex::new(Store::default()));
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let store = store.clone();
            tokio::spawn(async move {
                let method = req.method().to_string();
                let path = req.uri().path().to_owned();
                assert!(path.starts_with(&format!("/apis/coordination.k8s.io/v1/namespaces/{NS}/leases")), "{path}");
                let bytes = req.into_body().collect_bytes().await.unwrap();
                let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
                tokio::time::sleep(delay).await;
                let (code, reply) = answer(&store, &method, &path, body);
                let resp = Response::builder()
                    .status(StatusCode::from_u16(code).unwrap())
                    .header("content-type", "application/json")
                    .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                    .unwrap();
                send.send_response(resp);
            });
        }
    });
    Client::new(service, NS)
}

/// Every call takes 150 ms; Leases last 2 s, renewed every 500 ms, so a
/// shard counts as held for 1.33 s after each renewal is sent. Taking or
/// renewing a shard is two calls (300 ms), the heartbeat two more and the
/// list of replicas one: one after the other, with the pause after them,
/// a renewal came every 1.25 s and finished 1.55 s after the last one was
/// sent — the shards lapsed for a moment on every round. A replica that is
/// alive must hold its shards without a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_replica_keeps_its_shards_when_the_api_server_answers_slowly() {
    let client = slow_api_server(Duration::from_millis(150));
    let config = ShardConfig {
        prefix: "keyward-controller".into(),
        home: NS.into(),
        identity: "r1".into(),
        duration: Duration::from_secs(2),
        renew_every: Duration::from_millis(500),
    };
    let (tx, _rx) = mpsc::unbounded_channel();
    let shards = Shards::new(client, config, BTreeMap::from([(NS.to_owned(), tx)]), Metrics::new());
    shards.set_apps(NS, BTreeSet::from(["chat".to_owned(), "wiki".to_owned()]));
    shards.announce().await.unwrap();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(shards.clone().run(stop_rx));

    let both = || shards.holds(NS, "chat") && shards.holds(NS, "wiki");
    let started = tokio::time::Instant::now();
    while !both() {
        assert!(started.elapsed() < Duration::from_secs(5), "the shards were never taken");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Six seconds: about five renewals of the old loop.
    let mut gaps = Vec::new();
    let watched = tokio::time::Instant::now();
    while watched.elapsed() < Duration::from_secs(6) {
        if !both() {
            gaps.push(watched.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gaps.is_empty(), "the replica lost its shards for a moment at {gaps:?} after taking them");

    stop.send_replace(true);
    tokio::time::timeout(Duration::from_secs(10), task).await.unwrap().unwrap();
    assert!(shards.held().is_empty(), "released at the end");
}
