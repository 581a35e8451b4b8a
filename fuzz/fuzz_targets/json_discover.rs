//! What the discovery scans make of the directories' JSON. The first byte
//! picks the vendor; the rest is one JSON document:
//! - Google (even): a users page (`users`, as discovery keeps them) and
//!   one `tokens.list` answer per user (`tokens`, an array; without it the
//!   document is every user's answer), folded into one scan;
//! - Microsoft Graph (odd): the tenant's id (`tenant`) and the items of
//!   its listings (`servicePrincipals`, `users`, `grants`, `signIns`; a
//!   missing `signIns` is a tenant without the licence for them).
//!
//! Checks what the summary relies on: every use names an app, the scan
//! holds facts for every app a Graph use names, and what is kept of vendor
//! text is bounded.
#![no_main]

use keyward_connectors::mapping;
use keyward_core::discovery::DirectoryScan;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn items<'a>(page: &'a Value, key: &str) -> &'a [Value] {
    page.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn check(scan: &DirectoryScan) {
    for (id, facts) in &scan.apps {
        assert!(id.chars().count() <= 256, "an app id over the bound");
        for t in [facts.name.as_deref(), facts.publisher.as_deref(), facts.homepage.as_deref()].into_iter().flatten() {
            assert!(t.chars().count() <= 256, "app text over the bound: {} chars", t.chars().count());
        }
    }
    for u in &scan.uses {
        assert!(!u.app.trim().is_empty(), "a use of an app without id");
        assert!(u.scopes.len() <= 64, "{} scopes kept", u.scopes.len());
        assert!(u.scopes.iter().all(|s| s.chars().count() <= 256), "a scope over the bound");
        if let (Some(first), Some(last)) = (u.first_seen, u.last_seen) {
            assert!(first <= last, "first seen {first} after last seen {last}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = keyward_fuzz::choice(data) else { return };
    let Ok(page) = serde_json::from_slice::<Value>(bytes) else { return };
    if pick % 2 == 0 {
        let mut scan = DirectoryScan::default();
        for user in keyward_fuzz::users(&page, "users") {
            let Some((id, email)) = mapping::google_discovery_user(user) else { continue };
            assert!(!id.trim().is_empty() && !email.trim().is_empty(), "a user without id or e-mail");
            let tokens = user.get("tokens").unwrap_or(&page);
            if mapping::google_discovered_tokens(&mut scan, &id, &email, tokens).is_err() {
                return;
            }
        }
        check(&scan);
        for u in &scan.uses {
            assert!(scan.apps.contains_key(&u.app), "a Google use of an app the scan holds no facts for");
        }
    } else {
        let tenant = page.get("tenant").and_then(Value::as_str).unwrap_or("");
        let sign_ins = page.get("signIns").and_then(Value::as_array).map(Vec::as_slice);
        let scan = mapping::graph_discovery(
            tenant,
            items(&page, "servicePrincipals"),
            items(&page, "users"),
            items(&page, "grants"),
            sign_ins,
        );
        check(&scan);
        for u in &scan.uses {
            assert!(scan.apps.contains_key(&u.app), "a Graph use of an app the scan holds no facts for");
        }
    }
});
