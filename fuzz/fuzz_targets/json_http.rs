//! A page of an `http` connector's listing, read by each definition of the
//! connector catalogue (`catalogue/*.yaml`): the records query, every
//! field's JSONPath, status words and flags, role values, dates. The first
//! byte picks the definition; the rest is the page's JSON.
#![no_main]

use keyward_connectors::mapping;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = keyward_fuzz::choice(data) else { return };
    let Ok(page) = serde_json::from_slice::<Value>(bytes) else { return };
    let set = keyward_fuzz::catalogue();
    let app = &set.applications[usize::from(pick) % set.applications.len()];
    let Some(http) = &app.spec.connector.http else { return };
    if let Ok(accounts) = mapping::http_page(&http.accounts, &page) {
        for a in accounts.iter().flatten() {
            keyward_fuzz::check_account(a);
        }
    }
});
