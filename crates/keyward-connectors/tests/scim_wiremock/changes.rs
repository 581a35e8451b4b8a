//! Changes to existing accounts: role and memberships by PATCH, suspend, restore and
//! delete (a rerun is already done), and what SCIM cannot do.

use crate::support::{change, features, list, p, scim_error, setup, user};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::{GroupChange, RoleChange};
use serde_json::json;
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn update_changes_role_and_memberships_with_patch() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    for (name, id) in [("sales", "g1"), ("ops", "g2")] {
        Mock::given(method("GET"))
            .and(path(p("/Groups")))
            .and(query_param("filter", format!("displayName eq \"{name}\"")))
            .respond_with(ResponseTemplate::new(200).set_body_json(list(
                1,
                1,
                vec![json!({"id": id, "displayName": name})],
            )))
            .mount(&s.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .and(body_partial_json(
            json!({"Operations": [{"op": "replace", "path": "roles", "value": [{"value": "admin", "primary": true}]}]}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g1")))
        .and(body_partial_json(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "u1"}]}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g2")))
        .and(body_partial_json(json!({"Operations": [{"op": "remove", "path": "members[value eq \"u1\"]"}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u1"));
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec!["ops".into()] }));
    let out = s.scim.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("u1: role admin, joined sales, left ops".into()));
    // Memberships are PATCHed without reading the (possibly huge) group.
    assert!(s.calls("GET", "/Groups/g1").await.is_empty());
}

#[tokio::test]
async fn suspending_a_suspended_or_gone_account_is_already_done() {
    let s = setup("").await;
    // Without PATCH the user is read first (to build the PUT), which is
    // how keyward sees there is nothing left to do.
    features(&s, false, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u2")))
        .respond_with(scim_error(404, None, "Resource u2 not found"))
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap(),
        Outcome::AlreadyDone("u1 is already suspended".into())
    );
    assert!(
        matches!(s.scim.apply(&change(Action::Suspend, Some("u2"))).await.unwrap(), Outcome::AlreadyDone(t) if t.contains("no longer exists"))
    );
    let e = s.scim.apply(&change(Action::Restore, Some("u2"))).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Http { status: Some(404), .. }), "{e}");
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PUT"));
}

#[tokio::test]
async fn with_patch_a_suspend_is_one_blind_request() {
    let s = setup("").await;
    features(&s, true, true, None).await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}]
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/gone")))
        .respond_with(scim_error(404, None, "Resource gone not found"))
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap(),
        Outcome::Applied("suspended u1".into())
    );
    assert!(
        matches!(s.scim.apply(&change(Action::Suspend, Some("gone"))).await.unwrap(), Outcome::AlreadyDone(t) if t.contains("no longer exists"))
    );
    // A targeted PATCH needs neither a read nor If-Match.
    let reqs = s.requests().await;
    assert!(reqs.iter().all(|r| !r.url.path().contains("/Users/") || r.method.as_str() == "PATCH"));
    assert!(reqs.iter().all(|r| !r.headers.contains_key("if-match")));
}

#[tokio::test]
async fn delete_and_a_second_delete() {
    let s = setup("").await;
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .respond_with(scim_error(404, None, "not found"))
        .mount(&s.server)
        .await;
    assert_eq!(s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap(), Outcome::Applied("deleted u1".into()));
    assert!(matches!(s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap(), Outcome::AlreadyDone(_)));
}

#[tokio::test]
async fn transfer_and_review_are_unsupported() {
    let s = setup("").await;
    for a in [Action::Transfer, Action::Review] {
        let e = s.scim.apply(&change(a, Some("u1"))).await.unwrap_err();
        assert!(matches!(e, ConnectorError::Unsupported { kind: "scim", .. }), "{e}");
    }
    assert!(s.requests().await.is_empty());
}
