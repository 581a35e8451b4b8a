//! Listing: paging by what each page returned, group memberships, page sizes, and
//! a listing that shifts, empties, repeats or loops refused; and the person lookup.

use crate::support::{features, list, no_groups, p, setup, setup_with, user, users_page};
use keyward_connectors::{Connector, ConnectorError};
use keyward_core::account::AccountStatus;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn pages_by_what_was_returned_and_reads_group_memberships() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    // The server returns fewer than asked: 1, then 2, then 2 of 5.
    users_page(&s, 1, list(5, 1, vec![user("u1", "a@x.io", true)])).await;
    users_page(&s, 2, list(5, 2, vec![user("u2", "b@x.io", false), user("u3", "c@x.io", true)])).await;
    users_page(&s, 4, list(5, 4, vec![user("u4", "d@x.io", true), user("u5", "e@x.io", true)])).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            2,
            1,
            vec![
                json!({"id": "g1", "displayName": "sales", "members": [{"value": "u1"}, {"value": "u3"}]}),
                json!({"id": "g2", "displayName": "admins", "members": [{"value": "u1"}]}),
            ],
        )))
        .mount(&s.server)
        .await;

    let listing = s.scim.list().await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2", "u3", "u4", "u5"]);
    assert_eq!(listing.accounts[0].groups, vec!["admins", "sales"]);
    assert_eq!(listing.accounts[2].groups, vec!["sales"]);
    assert!(listing.accounts[3].groups.is_empty());
    assert_eq!(listing.accounts[1].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[0].email.as_deref(), Some("a@x.io"));
    assert_eq!(listing.source, s.url().to_string());
    assert!(listing.capabilities.delete && listing.capabilities.groups && !listing.capabilities.transfer);

    let starts: Vec<(String, String)> = s
        .calls("GET", "/Users")
        .await
        .iter()
        .map(|r| {
            let q: std::collections::HashMap<_, _> = r.url.query_pairs().into_owned().collect();
            (q["startIndex"].clone(), q["count"].clone())
        })
        .collect();
    let want: Vec<(String, String)> =
        [("1", "2"), ("2", "2"), ("4", "2")].iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    assert_eq!(starts, want);
}

#[tokio::test]
async fn page_size_is_capped_by_max_results_and_groups_may_be_absent() {
    let s = setup(", pageSize: 500").await;
    features(&s, true, false, Some(50)).await;
    users_page(&s, 1, list(1, 1, vec![user("u1", "a@x.io", true)])).await;
    no_groups(&s).await;
    let listing = s.scim.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 1);
    let users = s.calls("GET", "/Users").await;
    assert_eq!(users[0].url.query_pairs().find(|(k, _)| k == "count").unwrap().1, "50");
}

#[tokio::test]
async fn atlassian_pages_hold_at_most_100() {
    let s = setup(", profile: atlassian, pageSize: 1000").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(0, 1, vec![])).await;
    no_groups(&s).await;
    assert!(s.scim.list().await.unwrap().accounts.is_empty());
    let users = s.calls("GET", "/Users").await;
    assert_eq!(users[0].url.query_pairs().find(|(k, _)| k == "count").unwrap().1, "100");
}

#[tokio::test]
async fn total_changing_mid_listing_is_read_again_then_refused() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(3, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    // Somebody was added between the pages.
    users_page(&s, 3, list(4, 3, vec![user("u3", "c@x.io", true), user("u4", "d@x.io", true)])).await;
    no_groups(&s).await;
    let e = s.scim.list().await.unwrap_err();
    let ConnectorError::Partial { app, why } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert!(why.contains("totalResults went from 3 to 4"), "{why}");
    assert!(why.contains("read again"), "{why}");
    let firsts =
        s.calls("GET", "/Users").await.iter().filter(|r| r.url.query().unwrap().contains("startIndex=1&")).count();
    assert_eq!(firsts, 2, "the listing is restarted once");
}

#[tokio::test]
async fn an_empty_page_before_the_end_restarts_the_listing() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(3, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    // First time the last page comes back empty; the second reading is whole.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("startIndex", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(3, 3, vec![])))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    users_page(&s, 3, list(3, 3, vec![user("u3", "c@x.io", true)])).await;
    no_groups(&s).await;
    let listing = s.scim.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 3);
}

#[tokio::test]
async fn duplicates_across_pages_mean_someone_was_skipped() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    // u2 shows up twice, so one of the 4 was never seen.
    users_page(&s, 1, list(4, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    users_page(&s, 3, list(4, 3, vec![user("u2", "b@x.io", true), user("u4", "d@x.io", true)])).await;
    no_groups(&s).await;
    let e = s.scim.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("came twice")), "{e}");
}

#[tokio::test]
async fn a_server_ignoring_start_index_gives_an_error_not_a_loop() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1000,
            1,
            vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)],
        )))
        .mount(&s.server)
        .await;
    let e = s.scim.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("already read")), "{e}");
    assert_eq!(s.calls("GET", "/Users").await.len(), 4, "two pages, twice");
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_on_an_alias_domain() {
    let s = setup_with("", "  correlate: [{email: {domainAliases: {old.example.co.jp: example.com}}}]\n").await;
    features(&s, true, false, None).await;
    // The filter answers the user only when it asks for the old domain.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(wiremock::matchers::query_param_contains("filter", "userName eq \"taro@old.example.co.jp\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1,
            1,
            vec![user("u5", "taro@old.example.co.jp", true)],
        )))
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .with_priority(2)
        .mount(&s.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E5".to_owned()],
        emails: vec!["taro@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.scim.find(&keys).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u5"], "the full reconcile matches taro@old.example.co.jp to taro@example.com");
}
