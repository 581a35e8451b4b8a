//! Atlassian Cloud admin-API users (a page's `data` or one user) with the
//! groups they are in (`groups`, a harness convention), mapped to accounts
//! under a fixed product-access map; and the page's `links.next` cursor.
#![no_main]

use std::collections::BTreeMap;

use keyward_connectors::mapping;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    let product_access: BTreeMap<String, Vec<String>> = BTreeMap::from([
        ("user".to_owned(), vec!["jira-software-users".to_owned()]),
        ("admin".to_owned(), vec!["jira-software-users".to_owned(), "jira-admins".to_owned()]),
        ("none".to_owned(), vec![]),
    ]);
    for user in keyward_fuzz::users(&page, "data") {
        let groups = keyward_fuzz::strings(user, "groups");
        if let Some(a) = mapping::atlassian_user(&product_access, user, &groups) {
            keyward_fuzz::check_account(&a);
            assert!(
                !a.groups.iter().any(|g| g.eq_ignore_ascii_case("jira-admins")),
                "a product-access group listed as a group"
            );
        }
    }
    if let Some(next) = page.pointer("/links/next").and_then(Value::as_str) {
        let _ = mapping::atlassian_next_cursor(next);
    }
});
