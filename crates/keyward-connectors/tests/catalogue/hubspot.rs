//! `catalogue/hubspot.yaml` against stubs of HubSpot's user provisioning
//! API: `paging.next.after` cursors, a 429 with `errorType: RATE_LIMIT`
//! and no Retry-After, a 409 on create resolved by the e-mail lookup.

use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{SECRET, body, change, load, shown, with_role};

const USERS: &str = "/settings/v3/users/";

fn user(id: &str, email: &str, role: &str) -> serde_json::Value {
    json!({"id": id, "email": email, "roleIds": [role], "primaryTeamId": "7", "superAdmin": false})
}

#[tokio::test]
async fn lists_every_page_and_waits_out_a_rate_limit() {
    let app = load("hubspot").await;
    let bearer = format!("Bearer {SECRET}");
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("after"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [user("1", "a@example.com", "100001"), user("2", "b@example.com", "100003")],
            "paging": {"next": {"after": "NTI1Cg%3D%3D", "link": "?after=NTI1Cg%3D%3D"}}
        })))
        .mount(&app.server)
        .await;
    // The second page is throttled once, as HubSpot does: no Retry-After.
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("after", "NTI1Cg%3D%3D"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "status": "error", "message": "You have reached your ten_secondly_rolling limit.",
            "errorType": "RATE_LIMIT", "correlationId": "c-1", "policyName": "TEN_SECONDLY_ROLLING"
        })))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("after", "NTI1Cg%3D%3D"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [user("3", "c@example.com", "999")]})))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(listing.accounts[0].role.as_deref(), Some("sales"));
    assert_eq!(listing.accounts[1].role.as_deref(), Some("admin"));
    // An unmapped role id is kept as the app wrote it.
    assert_eq!(listing.accounts[2].role.as_deref(), Some("999"));
    assert_eq!(listing.accounts[0].attributes["superAdmin"], "false");
    assert!(listing.accounts.iter().all(|a| a.status == AccountStatus::Active));
    let caps = listing.capabilities;
    assert!(caps.create && caps.update && caps.delete && !caps.suspend && !caps.restore);
    // Two pages and one retry: no request more.
    assert_eq!(app.requests().await.len(), 3);
}

#[tokio::test]
async fn a_create_sends_the_role_id_and_a_conflict_adopts_the_user() {
    let app = load("hubspot").await;
    Mock::given(method("POST"))
        .and(path(USERS))
        .and(body_json(json!({"email": "new@example.com", "roleId": "100002", "sendWelcomeEmail": true})))
        .respond_with(ResponseTemplate::new(201).set_body_json(user("77", "new@example.com", "100002")))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "new@example.com"), "marketing");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id 77")), "{out:?}");

    let app = load("hubspot").await;
    Mock::given(method("POST"))
        .and(path(USERS))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "status": "error", "message": "A user with that email already exists", "category": "CONFLICT"
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/settings/v3/users/old@example.com"))
        .and(query_param("idProperty", "EMAIL"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("42", "old@example.com", "100001")))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "old@example.com"), "sales");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id 42")), "{out:?}");
    // One create, one lookup: never a second POST.
    let posts = app.requests().await.iter().filter(|r| r.method.as_str() == "POST").count();
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn role_changes_and_deletes_and_their_reruns() {
    let app = load("hubspot").await;
    Mock::given(method("PUT"))
        .and(path("/settings/v3/users/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("42", "a@example.com", "100003")))
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/settings/v3/users/42"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/settings/v3/users/42"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"status": "error", "message": "User not found", "category": "OBJECT_NOT_FOUND"})),
        )
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Update, Some("42"), "a@example.com"), "admin");
    assert!(matches!(app.api.apply(&c).await.unwrap(), Outcome::Applied(_)));
    let requests = app.requests().await;
    assert_eq!(body(&requests[0]), json!({"roleId": "100003"}));
    let d = change(Action::Delete, Some("42"), "a@example.com");
    assert!(matches!(app.api.apply(&d).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&d).await.unwrap(), Outcome::AlreadyDone(_)));
    // No suspend in HubSpot: the connector says so rather than guessing.
    let s = change(Action::Suspend, Some("42"), "a@example.com");
    let e = app.api.apply(&s).await.unwrap_err();
    assert!(shown(&e).contains("cannot suspend"), "{e}");
}

#[tokio::test]
async fn a_refusal_names_the_call_and_the_app_s_message() {
    let app = load("hubspot").await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "status": "error", "message": "This app hasn't been granted all required scopes", "category": "MISSING_SCOPES"
        })))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Update, Some("42"), "a@example.com"), "admin");
    let e = app.api.apply(&c).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("PUT http://") && text.contains("/settings/v3/users/42"), "{text}");
    assert!(text.contains("required scopes"), "{text}");
}

#[tokio::test]
async fn one_person_is_one_lookup_by_e_mail() {
    let app = load("hubspot").await;
    Mock::given(method("GET"))
        .and(path("/settings/v3/users/taro@example.com"))
        .and(query_param("idProperty", "EMAIL"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("42", "taro@example.com", "100003")))
        .mount(&app.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E1".into()],
        emails: vec!["taro@example.com".into()],
        user_names: vec![],
    };
    let found = app.api.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.accounts[0].role.as_deref(), Some("admin"));
    assert_eq!(app.requests().await.len(), 1);
}
