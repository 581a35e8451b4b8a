//! SCIM 2.0 (RFC 7643) Users and Groups as a server sends them: a
//! `ListResponse` page or one resource, mapped to accounts.
#![no_main]

use keyward_connectors::mapping;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    for user in keyward_fuzz::users(&page, "Resources") {
        if let Some(a) = mapping::scim_user(user) {
            keyward_fuzz::check_account(&a);
        }
        let _ = mapping::scim_group_members(user);
    }
});
