//! Listing: every page of users, licences and granted groups read with one
//! cached token; a failing, looping or empty listing is an error, never a shorter list.

use crate::support::{
    ADMIN, DIR, LIC, LICENCES, ROLES, STANDARD, STARTER, google_error, granted_scopes, page, setup, user,
};
use keyward_connectors::{Connector, ConnectorError};
use keyward_core::account::AccountStatus;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn listing_reads_every_page_licences_and_granted_groups_with_one_cached_token() {
    let policy = "---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {}\n  grant: [{app: workspace, role: basic, groups: [sales@example.com, gone@example.com]}]\n";
    let s = setup(LICENCES, &format!("{ROLES}{policy}")).await;
    let users = format!("{DIR}/users");
    let mut admin = user("u1", ADMIN);
    admin["isAdmin"] = json!(true);
    admin["externalIds"] = json!([{"type": "organization", "value": "E001"}]);
    admin["organizations"] = json!([{"department": "IT", "title": "Admin", "primary": true}]);
    page(&s, &users, None, json!({"kind": "admin#directory#users", "users": [admin], "nextPageToken": "p2"})).await;
    let mut archived = user("u2", "jiro@example.com");
    archived["archived"] = json!(true);
    page(&s, &users, Some("p2"), json!({"users": [archived], "nextPageToken": "p3"})).await;
    let mut suspended = user("u3", "hanako@example.com");
    suspended["suspended"] = json!(true);
    page(&s, &users, Some("p3"), json!({"users": [suspended]})).await;
    let lic = format!("{LIC}/product/Google-Apps/users");
    page(
        &s,
        &lic,
        None,
        json!({"kind": "licensing#licenseAssignmentList", "items": [
            {"userId": "IT-ADMIN@example.com", "productId": "Google-Apps", "skuId": STARTER},
            {"userId": ADMIN, "productId": "Google-Apps", "skuId": STANDARD}
        ], "nextPageToken": "l2"}),
    )
    .await;
    page(
        &s,
        &lic,
        Some("l2"),
        json!({"items": [{"userId": "jiro@example.com", "productId": "Google-Apps", "skuId": STARTER},
                         {"userId": "hanako@example.com", "productId": "Google-Apps", "skuId": "1010060001"}]}),
    )
    .await;
    page(
        &s,
        &format!("{DIR}/groups/sales@example.com/members"),
        None,
        json!({"members": [{"id": "u1", "email": ADMIN, "role": "MEMBER", "type": "USER"},
                           {"id": "g9", "email": "nested@example.com", "role": "MEMBER", "type": "GROUP"}], "nextPageToken": "m2"}),
    )
    .await;
    page(
        &s,
        &format!("{DIR}/groups/sales@example.com/members"),
        Some("m2"),
        json!({"members": [{"id": "u3", "email": "hanako@example.com", "role": "MEMBER", "type": "USER"}]}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/groups/gone@example.com/members")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: groupKey", "NOT_FOUND"))
        .mount(&s.server)
        .await;

    let listing = s.google.list().await.unwrap();
    let by_id = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap();
    assert_eq!(listing.accounts.len(), 3, "all three pages are read");
    let u1 = by_id("u1");
    assert_eq!(u1.email.as_deref(), Some(ADMIN));
    assert_eq!(u1.external_id.as_deref(), Some("E001"));
    assert_eq!(u1.role.as_deref(), Some("standard"), "two licences: the most privileged role");
    assert_eq!(u1.groups, ["sales@example.com"]);
    assert_eq!(u1.attributes.get("isAdmin").map(String::as_str), Some("true"));
    assert_eq!(u1.attributes.get("department").map(String::as_str), Some("IT"));
    assert_eq!(u1.last_active.map(|d| d.to_string()).as_deref(), Some("2026-11-20"));
    assert_eq!(by_id("u2").status, AccountStatus::Suspended, "archived users cannot sign in");
    assert_eq!(by_id("u2").role.as_deref(), Some("basic"));
    let u3 = by_id("u3");
    assert_eq!(u3.status, AccountStatus::Suspended);
    assert_eq!(u3.role, None, "a SKU no role stands for is no role");
    assert_eq!(u3.groups, ["sales@example.com"], "members on the second page count");
    assert!(listing.capabilities.transfer && listing.capabilities.update);

    let first = &s.requests("GET", &users).await[0];
    let q: Vec<(String, String)> = first.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    for (k, v) in [("customer", "my_customer"), ("maxResults", "500"), ("projection", "full")] {
        assert!(q.contains(&(k.to_owned(), v.to_owned())), "{k}={v} missing in {q:?}");
    }
    let lic_call = &s.requests("GET", &lic).await[0];
    assert!(lic_call.url.query().unwrap().contains("customerId=C0123abc"), "the customer id learnt from the users");

    // The JWT grant: signed by the key, acting as the admin, for the scopes the calls need.
    let scope = granted_scopes(&s).await;
    for sc in ["admin.directory.user", "admin.directory.group.member", "apps.licensing", "admin.datatransfer"] {
        assert!(
            scope.split(' ').any(|x| x == format!("https://www.googleapis.com/auth/{sc}")),
            "{sc} missing in {scope}"
        );
    }

    // A second listing reuses the cached token (the token mock expects one call).
    s.google.list().await.unwrap();
}

#[tokio::test]
async fn a_failing_middle_page_fails_the_listing() {
    let s = setup("", "").await;
    let users = format!("{DIR}/users");
    page(&s, &users, None, json!({"users": [user("u1", "a@example.com")], "nextPageToken": "p2"})).await;
    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("pageToken", "p2"))
        .respond_with(google_error(500, "backendError", "Backend Error", "INTERNAL"))
        .mount(&s.server)
        .await;
    page(&s, &users, Some("p3"), json!({"users": [user("u3", "c@example.com")]})).await;
    let e = s.google.list().await.expect_err("a shorter list was returned as complete");
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert!(call.starts_with("GET ") && call.contains("pageToken=p2"), "{call}");
    assert_eq!(*status, Some(500));
    assert!(problem.contains("stopped at page 2") && problem.contains("backendError"), "{problem}");
    assert_eq!(s.requests("GET", &users).await.iter().filter(|r| r.url.query().unwrap().contains("p2")).count(), 4);
}

#[tokio::test]
async fn a_repeated_page_token_or_a_user_without_id_is_a_partial_listing() {
    let s = setup("", "").await;
    let users = format!("{DIR}/users");
    page(&s, &users, None, json!({"users": [user("u1", "a@example.com")], "nextPageToken": "p2"})).await;
    page(&s, &users, Some("p2"), json!({"users": [user("u2", "b@example.com")], "nextPageToken": "p2"})).await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("page token it had given before")), "{e}");

    let s = setup("", "").await;
    page(&s, &users, None, json!({"users": [{"primaryEmail": "noid@example.com"}]})).await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("without an id")), "{e}");
}

#[tokio::test]
async fn an_empty_user_list_is_not_zero_accounts() {
    let s = setup(", domain: example.org", "").await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("domain", "example.org"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "admin#directory#users", "etag": "\"x\""})),
        )
        .mount(&s.server)
        .await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("listed no users")), "{e}");
}
