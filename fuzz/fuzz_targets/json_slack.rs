//! Slack Web API members (a `users.list` page or one member) mapped to
//! accounts.
#![no_main]

use keyward_connectors::mapping;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    for member in keyward_fuzz::users(&page, "members") {
        if let Some(a) = mapping::slack_member(member) {
            keyward_fuzz::check_account(&a);
            assert!(a.role.is_some(), "a Slack member without a role");
        }
    }
});
