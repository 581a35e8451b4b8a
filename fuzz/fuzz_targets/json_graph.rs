//! Microsoft Graph users (a page's `value` or one user) with the groups
//! they are in (`groups`, a harness convention), mapped to accounts under
//! a fixed licence map.
#![no_main]

use std::collections::BTreeMap;

use keyward_connectors::mapping;
use keyward_core::account::Text;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    let licences: BTreeMap<String, String> = BTreeMap::from([
        ("e3".to_owned(), "05e9a617-0261-4cee-bb44-138d3ef5d965".to_owned()),
        ("business".to_owned(), "f245ecc8-75af-4f8e-b61f-27d8114de5f3".to_owned()),
    ]);
    for user in keyward_fuzz::users(&page, "value") {
        let groups: Vec<Text> = keyward_fuzz::strings(user, "groups").into_iter().map(Text::from).collect();
        if let Some(a) = mapping::graph_user(&licences, user, groups) {
            keyward_fuzz::check_account(&a);
        }
    }
});
