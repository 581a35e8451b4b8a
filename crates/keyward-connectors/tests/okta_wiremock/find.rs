//! The one-person lookup of the controller's event-driven reconcile.

use keyward_connectors::{Connector, PersonKeys};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

fn keys(emails: &[&str]) -> PersonKeys {
    PersonKeys { ids: vec!["E1".into()], emails: emails.iter().map(|e| (*e).to_owned()).collect(), user_names: vec![] }
}

#[tokio::test]
async fn find_searches_login_and_email_among_every_status_and_reads_their_groups() {
    let s = setup().await;
    let expr = r#"profile.login eq "ann@example.com" or profile.email eq "ann@example.com""#;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("search", expr))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u1", "ann@example.com", "ACTIVE")], None))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("search", format!("status eq \"DEPROVISIONED\" and ({expr})").as_str()))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u9", "ann@example.com", "DEPROVISIONED")], None))
        .expect(1)
        .mount(&s.server)
        .await;
    for id in ["00u1", "00u9"] {
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/users/{id}/groups")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                group("00geveryone", "Everyone", "BUILT_IN"),
                group("00g1", "engineering", "OKTA_GROUP")
            ])))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    let l = s.okta.find(&keys(&["ann@example.com"])).await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["00u1", "00u9"]);
    assert_eq!(l.accounts[0].groups, vec!["engineering"]);
    assert_eq!(l.accounts[1].attributes["oktaStatus"], "DEPROVISIONED");
    assert_eq!(s.requests().await.len(), 4);
}

#[tokio::test]
async fn find_quotes_addresses_so_they_cannot_add_a_clause() {
    let s = setup().await;
    stub(&s, "GET", "/api/v1/users", page(&s, "/api/v1/users", vec![], None)).await;
    let evil = r#"x" or status eq "ACTIVE@example.com"#;
    let l = s.okta.find(&keys(&[evil])).await.unwrap();
    assert!(l.accounts.is_empty());
    let search: Vec<String> = s
        .requests()
        .await
        .iter()
        .filter_map(|r| r.url.query_pairs().find(|(k, _)| k == "search").map(|(_, v)| v.into_owned()))
        .collect();
    assert!(search[0].starts_with(r#"profile.login eq "x\" or status eq \"ACTIVE@example.com" or"#), "{search:?}");
}

#[tokio::test]
async fn find_reads_the_listing_when_accounts_are_matched_by_more_than_their_email() {
    let s = setup_with("", "  correlate: [{email: {}}, {attribute: {attribute: okta}}]\n").await;
    users(&s, vec![user("00u1", "ann@example.com", "ACTIVE"), user("00u2", "x@example.com", "ACTIVE")], vec![]).await;
    groups(&s, vec![], &[]).await;
    let l = s.okta.find(&keys(&["ann@example.com"])).await.unwrap();
    assert_eq!(l.accounts.len(), 2);
    assert!(!s.requests().await.iter().any(|r| r.url.query_pairs().any(|(k, _)| k == "search")));
}
