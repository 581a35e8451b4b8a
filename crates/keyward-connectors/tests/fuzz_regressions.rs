//! Inputs the fuzz targets of `fuzz/` found (FUZZING.md, "What the
//! fuzzers found"), fed through the same public functions the targets
//! call, so each stays fixed. The inputs are in `tests/fuzz/`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use keyward_connectors::mapping;
use serde_json::Value;

fn input(name: &str) -> Value {
    let path = format!("{}/tests/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// `json_discover`: two service principals under one object id (the
/// second replaces the first) and a sign-in to the first's app. The
/// sign-in was kept for an app the scan held no facts for, which the
/// summary cannot name.
#[test]
fn a_replaced_service_principal_takes_its_sign_ins_with_it() {
    let v = input("graph-one-object-id-two-apps.json");
    let scan = mapping::graph_discovery(
        v["tenant"].as_str().unwrap(),
        items(&v, "servicePrincipals"),
        items(&v, "users"),
        items(&v, "grants"),
        Some(items(&v, "signIns")),
    );
    for u in &scan.uses {
        assert!(scan.apps.contains_key(&u.app), "a use of {} with no facts in {:?}", u.app, scan.apps);
    }
    assert!(scan.uses.is_empty(), "{:?}", scan.uses);
}

/// `json_discover`: a Google token whose `clientId` is hundreds of
/// characters long. App names and scopes were cut to a bound, the id
/// was kept whole, in the scan's apps and in every use, so a hostile
/// answer could make the scan hold megabytes per token.
#[test]
fn a_google_client_id_is_cut_like_the_other_vendor_text() {
    let tokens = input("google-token-long-client-id.json");
    let mut scan = keyward_core::discovery::DirectoryScan::default();
    mapping::google_discovered_tokens(&mut scan, "u1", "ai.matsuda@example.com", &tokens).unwrap();
    assert_eq!(scan.uses.len(), 1);
    for id in scan.apps.keys() {
        assert!(id.chars().count() <= 256, "an app id of {} characters", id.chars().count());
    }
    assert!(scan.apps.contains_key(&scan.uses[0].app));
}
