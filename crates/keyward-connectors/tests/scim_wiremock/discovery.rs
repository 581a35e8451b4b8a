//! What ServiceProviderConfig says: without PATCH a change is read, edited and put
//! whole; with ETags, If-Match is sent and a 412 rereads once.

use crate::support::{change, features, list, p, scim_error, setup, user};
use keyward_connectors::{Connector, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::GroupChange;
use serde_json::json;
use wiremock::matchers::{body_json, body_partial_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn without_patch_suspend_reads_and_puts_the_whole_user() {
    let s = setup("").await;
    features(&s, false, false, None).await;
    let mut current = user("u1", "a@x.io", true);
    current["groups"] = json!([{"value": "g1", "display": "sales"}]);
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&current))
        .mount(&s.server)
        .await;
    let mut want = user("u1", "a@x.io", false);
    want.as_object_mut().unwrap().remove("meta");
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(body_json(&want))
        .and(header("content-type", "application/scim+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended u1".into()));
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PATCH"));
    let put = &s.calls("PUT", "/Users/u1").await[0];
    assert!(put.headers.get("if-match").is_none(), "no ETags without etag.supported");
}

#[tokio::test]
async fn without_patch_group_membership_is_get_edit_put() {
    let s = setup("").await;
    features(&s, false, false, None).await;
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
        .and(path(p("/Groups/g1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "sales",
            "members": [{"value": "u9"}], "meta": {"version": "W/\"g1\""}
        })))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Groups/g1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "sales",
            "members": [{"value": "u9"}, {"value": "u1"}]
        })))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u1"));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec![] }));
    assert_eq!(s.scim.apply(&c).await.unwrap(), Outcome::Applied("u1: joined sales".into()));
}

#[tokio::test]
async fn etags_are_sent_in_if_match_and_a_412_rereads_once() {
    let s = setup("").await;
    // Without PATCH a change is a whole-resource PUT, which must not
    // overwrite someone else's edit: it carries the ETag read.
    features(&s, false, true, None).await;
    let mut v2 = user("u1", "a@x.io", true);
    v2["meta"]["version"] = json!("W/\"u1-2\"");
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&v2))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"u1-1\""))
        .respond_with(scim_error(412, None, "version mismatch"))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"u1-2\""))
        .and(body_partial_json(json!({"id": "u1", "active": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended u1".into()));
    assert_eq!(s.calls("GET", "/Users/u1").await.len(), 2);
}

#[tokio::test]
async fn etag_from_the_header_when_meta_has_no_version() {
    let s = setup("").await;
    // Without PATCH a change is a whole-resource PUT, which must not
    // overwrite someone else's edit: it carries the ETag read.
    features(&s, false, true, None).await;
    let mut u = user("u1", "a@x.io", false);
    u["meta"] = json!({"resourceType": "User"});
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(u).insert_header("ETag", "W/\"h7\""))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"h7\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Restore, Some("u1"))).await.unwrap(),
        Outcome::Applied("restored u1".into())
    );
}
