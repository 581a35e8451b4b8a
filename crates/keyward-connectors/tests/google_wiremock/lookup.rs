//! Looking one person up without the whole listing: by e-mail and external id,
//! on an alias domain, and by an HR attribute a correlator compares.

use crate::support::{DIR, LIC, LICENCES, ROLES, STANDARD, STARTER, Setup, get_user, setup, setup_with, user};
use keyward_connectors::Connector;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn a_person_lookup_reads_only_that_persons_user_licence_and_groups() {
    let policy = "---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {}\n  grant: [{app: workspace, role: basic, groups: [sales@example.com, eng@example.com]}]\n";
    let s = setup(LICENCES, &format!("{ROLES}{policy}")).await;
    get_user(&s, "o'brien@example.com", user("u7", "o'brien@example.com")).await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("query", "externalId:E7"))
        .and(query_param("customer", "my_customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user("u7", "o'brien@example.com")]})))
        .expect(1)
        .mount(&s.server)
        .await;
    for (sku, status) in [(STARTER, 200), (STANDARD, 404)] {
        Mock::given(method("GET"))
            .and(path(format!("{LIC}/product/Google-Apps/sku/{sku}/user/o'brien@example.com")))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"skuId": sku})))
            .mount(&s.server)
            .await;
    }
    for (group, status) in [("sales@example.com", 200), ("eng@example.com", 404)] {
        Mock::given(method("GET"))
            .and(path(format!("{DIR}/groups/{group}/members/u7")))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"id": "u7"})))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E7".to_owned()],
        emails: vec!["o'brien@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.google.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1, "one user, found twice");
    let a = &found.accounts[0];
    assert_eq!(a.id.as_str(), "u7");
    assert_eq!(a.role.as_deref(), Some("basic"));
    assert_eq!(a.groups, ["sales@example.com"]);
    assert!(s.requests("GET", &format!("{LIC}/product/Google-Apps/users")).await.is_empty(), "no whole listing");
}

/// An HR master with a `legacyId` attribute, for attribute correlators.
const PEOPLE_WITH_LEGACY_ID: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {legacyId: legacy}}}}\n---\n";

fn taro() -> keyward_connectors::PersonKeys {
    keyward_connectors::PersonKeys {
        ids: vec!["E5".to_owned()],
        emails: vec!["taro@example.com".to_owned()],
        user_names: vec!["L-77".to_owned()],
    }
}

/// Every `externalId:` search answers `users` (none when `None`).
async fn external_id_search(s: &Setup, id: &str, users: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("query", format!("externalId:{id}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "users": users })))
        .mount(&s.server)
        .await;
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_on_an_alias_domain() {
    let s = setup("", "  correlate: [{email: {domainAliases: {old.example.co.jp: example.com}}}]\n").await;
    get_user(&s, "taro@old.example.co.jp", user("u5", "taro@old.example.co.jp")).await;
    external_id_search(&s, "E5", json!([])).await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u5"], "the full reconcile matches taro@old.example.co.jp to taro@example.com");
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_an_hr_attribute_matches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: externalId}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u6", "t.yamada@example.com");
    u["externalIds"] = json!([{"type": "organization", "value": "L-77"}]);
    external_id_search(&s, "E5", json!([])).await;
    external_id_search(&s, "L-77", json!([u])).await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u6"]);
}

#[tokio::test]
async fn a_person_lookup_reads_the_listing_when_a_correlator_compares_a_field_no_search_reaches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: orgUnitPath}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u8", "someone@example.com");
    u["orgUnitPath"] = json!("L-77");
    external_id_search(&s, "E5", json!([])).await;
    external_id_search(&s, "L-77", json!([])).await;
    // The whole listing: no `query`.
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(wiremock::matchers::query_param_is_missing("query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [u]})))
        .mount(&s.server)
        .await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u8"]);
}
