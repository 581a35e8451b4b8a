//! Google Directory API users (a `users.list` page or one user) with their
//! Data Transfer requests (`dataTransfers`), mapped to accounts; and the
//! name split for a new user.
#![no_main]

use keyward_connectors::mapping;
use keyward_core::account::Text;
use keyward_core::resources::NameOrder;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    let transfers = page.get("dataTransfers").and_then(Value::as_array).map(Vec::as_slice);
    for user in keyward_fuzz::users(&page, "users") {
        let groups: Vec<Text> = keyward_fuzz::strings(user, "groups").into_iter().map(Text::from).collect();
        let role = user.get("role").and_then(Value::as_str).map(str::to_owned);
        if let Some(a) = mapping::google_user(user, role, groups, transfers) {
            keyward_fuzz::check_account(&a);
            if let Some(name) = a.display_name.as_deref() {
                for order in [NameOrder::GivenFirst, NameOrder::FamilyFirst] {
                    let (given, family) = mapping::google_split_name(name, order);
                    assert!(given.chars().count() <= 60 && family.chars().count() <= 60, "a name part over 60");
                }
            }
        }
    }
});
