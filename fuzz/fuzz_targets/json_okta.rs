//! Okta users (a page, or one user) with the groups they are in
//! (`groups`, a harness convention) mapped to accounts; the page taken as
//! the listing takes it with the `Link` headers in `links` (a harness
//! convention); and the input as an Okta error body.
#![no_main]

use keyward_connectors::mapping;
use keyward_core::account::Text;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let _ = mapping::okta_error_text(data);
    let Ok(page) = serde_json::from_slice::<Value>(data) else { return };
    for user in keyward_fuzz::users(&page, "users") {
        let groups: Vec<Text> = keyward_fuzz::strings(user, "groups").into_iter().map(Text::from).collect();
        if let Some(a) = mapping::okta_user(user, groups) {
            keyward_fuzz::check_account(&a);
        }
    }
    let links = keyward_fuzz::strings(&page, "links");
    let (Ok(base), Ok(first)) =
        (url::Url::parse("https://acme.okta.com"), url::Url::parse("https://acme.okta.com/api/v1/users?limit=200"))
    else {
        return;
    };
    let body = page.get("users").cloned().unwrap_or(page.clone());
    if let Ok(Some(next)) = mapping::okta_page(&base, &first, body, &links) {
        assert_eq!(next.host_str(), Some("acme.okta.com"), "the token would leave the organisation");
    }
});
