//! Create and adoption: the profile and groups sent, a 409 or a lost answer adopts the
//! existing account found by an escaped filter, and never the wrong one.

use crate::support::{ENTERPRISE, create, features, list, p, scim_error, setup, user};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::plan::{GroupChange, PersonRef, Profile};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

#[tokio::test]
async fn create_sends_the_profile_and_joins_groups() {
    let s = setup(", enterprise: [employeeNumber, department, manager]").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .and(query_param("filter", r#"displayName eq "sales""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1,
            1,
            vec![json!({"id": "g1", "displayName": "sales"})],
        )))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "boss@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![user("m1", "boss@x.io", true)])))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "ann@x.io",
            "externalId": "E100",
            "displayName": "Ann Lee",
            "name": {"formatted": "Ann Lee"},
            "emails": [{"value": "ann@x.io", "type": "work", "primary": true}],
            "active": true,
            "roles": [{"value": "member", "primary": true}],
            ENTERPRISE: {"employeeNumber": "E100", "department": "Sales/Tokyo", "manager": {"value": "m1"}}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(user("n1", "ann@x.io", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "n1"}]}]
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = create("ann@x.io", "E100");
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec![] }));
    c.profile = Some(Box::new(Profile {
        department: Some("Sales/Tokyo".into()),
        manager: Some(PersonRef { id: "E001".into(), email: Some("boss@x.io".into()), name: None }),
        ..Default::default()
    }));
    let out = s.scim.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("created n1 (userName ann@x.io) in sales".into()));
}

#[tokio::test]
async fn a_missing_group_fails_the_create_before_anything_is_made() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .mount(&s.server)
        .await;
    let mut c = create("ann@x.io", "E100");
    c.groups = Some(Box::new(GroupChange { add: vec!["ghosts".into()], remove: vec![] }));
    let e = s.scim.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("no group `ghosts`"), "{e}");
    assert!(s.calls("POST", "/Users").await.is_empty());
}

#[tokio::test]
async fn a_409_adopts_the_existing_account_found_by_an_escaped_filter() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    let name = r#"o"brien\x@x.io"#;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "User already exists"))
        .mount(&s.server)
        .await;
    let mut existing = user("old7", name, false);
    existing["roles"] = json!([{"value": "guest"}]);
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "o\"brien\\x@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![existing.clone()])))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/old7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&existing))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/old7")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "replace", "path": "active", "value": true},
                {"op": "replace", "path": "externalId", "value": "E100"},
                {"op": "replace", "path": "roles", "value": [{"value": "member", "primary": true}]}
            ]
        })))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&create(name, "E100")).await.unwrap();
    let Outcome::Applied(text) = &out else { panic!("{out:?}") };
    assert!(text.starts_with("adopted existing account old7"), "{text}");
    assert!(text.contains("made active") && text.contains("role member"), "{text}");
    assert_eq!(s.calls("POST", "/Users").await.len(), 1, "no second POST");
    // On the wire, the filter's quotes, backslash and spaces are percent-encoded.
    let lookup = s.calls("GET", "/Users").await;
    assert_eq!(lookup[0].url.query(), Some("filter=userName%20eq%20%22o%5C%22brien%5C%5Cx%40x.io%22"));
}

#[tokio::test]
async fn a_lost_create_answer_is_retried_and_adopted_not_duplicated() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    // The first POST reaches the app, which makes the user, but the
    // connection drops before the answer; the retry meets a 409.
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with_err(|_: &Request| std::io::Error::from(std::io::ErrorKind::ConnectionReset))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    let made = {
        let mut u = user("n1", "ann@x.io", true);
        u["externalId"] = json!("E100");
        u["roles"] = json!([{"value": "member", "primary": true}]);
        u
    };
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "ann@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![made.clone()])))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/n1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&made))
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap();
    assert_eq!(out, Outcome::Applied("adopted existing account n1 (userName ann@x.io): already as wanted".into()));
    assert_eq!(s.calls("POST", "/Users").await.len(), 2);
    assert!(s.calls("PATCH", "/Users/n1").await.is_empty());
}

#[tokio::test]
async fn a_409_with_nobody_to_adopt_is_an_error_that_explains() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .mount(&s.server)
        .await;
    let e = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap_err();
    let ConnectorError::Http { status, problem, call, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(409));
    assert!(call.starts_with("POST "));
    assert!(problem.contains(r#"no user with userName "ann@x.io" or externalId "E100""#), "{problem}");
    assert!(problem.contains("will not create a second account"), "{problem}");
    let filters: Vec<String> =
        s.calls("GET", "/Users").await.iter().filter_map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(filters.len(), 2, "userName, then externalId: {filters:?}");
    assert_eq!(s.calls("POST", "/Users").await.len(), 1);
}

#[tokio::test]
async fn a_server_ignoring_the_filter_does_not_get_the_wrong_user_adopted() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    // Answers every filter with everybody.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            2,
            1,
            vec![user("x1", "someone@x.io", true), user("x2", "else@x.io", true)],
        )))
        .mount(&s.server)
        .await;
    let e = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Http { status: Some(409), .. }), "{e}");
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PATCH"));
}
