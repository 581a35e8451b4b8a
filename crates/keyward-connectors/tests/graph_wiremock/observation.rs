//! What the listing observes for revocations, only when the Application
//! asks for them: `signInSessionsValidFromDateTime` in the users'
//! `$select`, and the tenant's delegated grants read once, paged.

use jiff::civil::date;

use super::*;

const REVOKE: &str = "  lifecycle: {offboarding: {revoke: {}}}\n";

fn grant(id: &str, consent: &str, principal: Option<&str>) -> Value {
    json!({"id": id, "clientId": "sp-zoom", "consentType": consent, "principalId": principal,
           "resourceId": "sp-graph", "scope": "User.Read"})
}

async fn no_groups(s: &Setup) {
    page(s, "/groups", None, json!({"value": []})).await;
}

#[tokio::test]
async fn the_listing_reads_session_dates_and_counts_each_users_own_grants_when_revoke_is_configured() {
    let s = setup_with(PEOPLE, "", REVOKE).await;
    let uri = s.server.uri();
    let mut u1 = user("u1", "taro@example.com", false);
    u1["signInSessionsValidFromDateTime"] = json!("2026-03-31T23:30:00Z");
    let mut u2 = user("u2", "jiro@example.com", true);
    u2["signInSessionsValidFromDateTime"] = json!(null);
    page(&s, "/users", None, json!({"value": [u1, u2]})).await;
    no_groups(&s).await;
    page(
        &s,
        "/oauth2PermissionGrants",
        None,
        json!({"value": [grant("a", "Principal", Some("u1")), grant("b", "AllPrincipals", None)],
               "@odata.nextLink": format!("{uri}/v1.0/oauth2PermissionGrants?$top=999&$skiptoken=p2")}),
    )
    .await;
    page(&s, "/oauth2PermissionGrants", Some("p2"), json!({"value": [grant("c", "Principal", Some("u1"))]})).await;

    let listing = s.graph.list().await.unwrap();
    let by_id = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap();
    assert_eq!(by_id("u1").open_grants, Some(2), "tenant-wide consents are nobody's own grant");
    assert_eq!(by_id("u1").sessions_valid_from, Some(date(2026, 3, 31)), "the UTC day of the timestamp");
    assert_eq!(by_id("u2").open_grants, Some(0));
    assert_eq!(by_id("u2").sessions_valid_from, None);
    let users_call = s.graph_requests().await.into_iter().find(|r| r.url.path() == g("/users")).unwrap();
    assert!(users_call.url.query().unwrap().contains("signInSessionsValidFromDateTime"));
    let grant_calls =
        s.graph_requests().await.into_iter().filter(|r| r.url.path() == g("/oauth2PermissionGrants")).count();
    assert_eq!(grant_calls, 2, "the tenant's grants are read once, every page");
}

#[tokio::test]
async fn without_revoke_the_listing_asks_graph_nothing_new() {
    let s = setup("").await;
    page(&s, "/users", None, json!({"value": [user("u1", "taro@example.com", true)]})).await;
    no_groups(&s).await;
    let listing = s.graph.list().await.unwrap();
    assert_eq!(listing.accounts[0].open_grants, None);
    assert_eq!(listing.accounts[0].sessions_valid_from, None);
    for r in s.graph_requests().await {
        assert_ne!(r.url.path(), g("/oauth2PermissionGrants"));
        assert!(!r.url.query().unwrap_or_default().contains("signInSessionsValidFromDateTime"), "{}", r.url);
    }
}

#[tokio::test]
async fn a_failing_grants_page_fails_the_listing() {
    let s = setup_with(PEOPLE, "", REVOKE).await;
    let uri = s.server.uri();
    page(&s, "/users", None, json!({"value": [user("u1", "taro@example.com", true)]})).await;
    no_groups(&s).await;
    page(
        &s,
        "/oauth2PermissionGrants",
        None,
        json!({"value": [], "@odata.nextLink": format!("{uri}/v1.0/oauth2PermissionGrants?$skiptoken=p2")}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(g("/oauth2PermissionGrants")))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(graph_error(403, "Authorization_RequestDenied", "Insufficient privileges"))
        .mount(&s.server)
        .await;
    let e = s.graph.list().await.expect_err("a listing without the grants was returned as complete");
    assert!(e.to_string().contains("DelegatedPermissionGrant.Read.All"), "{e}");
}

#[tokio::test]
async fn a_one_person_lookup_observes_the_same_as_the_listing_with_that_persons_grants_only() {
    let s = setup_with(PEOPLE, "", REVOKE).await;
    let mut u1 = user("u1", "taro@example.com", false);
    u1["signInSessionsValidFromDateTime"] = json!("2026-05-01T08:00:00Z");
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [u1]})))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(g("/oauth2PermissionGrants")))
        .and(query_param("$filter", "principalId eq 'u1'"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [grant("a", "Principal", Some("u1"))]})))
        .mount(&s.server)
        .await;
    let found = s.graph.find(&taro()).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.accounts[0].open_grants, Some(1));
    assert_eq!(found.accounts[0].sessions_valid_from, Some(date(2026, 5, 1)));
    let grant_calls: Vec<_> =
        s.graph_requests().await.into_iter().filter(|r| r.url.path() == g("/oauth2PermissionGrants")).collect();
    assert_eq!(grant_calls.len(), 1, "one person's grants, never the tenant's");
}
