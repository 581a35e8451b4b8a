//! `catalogue/zendesk.yaml` against stubs of the Zendesk Support users
//! API: basic authentication with an API token, cursor pagination
//! (`meta.has_more`, `meta.after_cursor`), 429 with Retry-After, a
//! duplicate e-mail answered 422 and adopted.

use base64::Engine as _;
use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{SECRET, change, load, shown, with_role};

fn user(id: u64, email: &str, role: &str, suspended: bool) -> serde_json::Value {
    json!({"id": id, "email": email, "name": format!("User {id}"), "role": role, "suspended": suspended,
           "active": true, "external_id": null, "last_login_at": "2026-11-02T09:00:00Z"})
}

#[tokio::test]
async fn lists_agents_and_admins_by_cursor_with_basic_authentication() {
    let app = load("zendesk").await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("it-admin@example.com/token:{SECRET}"));
    Mock::given(method("GET"))
        .and(path("/api/v2/users"))
        .and(query_param_is_missing("page[after]"))
        .and(query_param("page[size]", "100"))
        .and(header("authorization", format!("Basic {basic}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "users": [user(1, "a@example.com", "agent", false), user(2, "b@example.com", "admin", true)],
            "meta": {"has_more": true, "after_cursor": "xyz", "before_cursor": "abc"},
            "links": {"next": "https://example.zendesk.com/api/v2/users?page[after]=xyz"}
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users"))
        .and(query_param("page[after]", "xyz"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users"))
        .and(query_param("page[after]", "xyz"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "users": [user(3, "c@example.com", "agent", false)],
            "meta": {"has_more": false, "after_cursor": "end"}
        })))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 3);
    assert_eq!(listing.accounts[1].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[1].role.as_deref(), Some("admin"));
    assert_eq!(listing.accounts[0].last_active.unwrap().to_string(), "2026-11-02");
    let requests = app.requests().await;
    assert_eq!(requests.len(), 3);
    // Both roles asked for, each as its own `role[]`.
    let roles: Vec<String> =
        requests[0].url.query_pairs().filter(|(k, _)| k == "role[]").map(|(_, v)| v.into_owned()).collect();
    assert_eq!(roles, ["agent", "admin"]);
}

#[tokio::test]
async fn creates_and_adopts_a_duplicate_address() {
    let app = load("zendesk").await;
    Mock::given(method("POST"))
        .and(path("/api/v2/users"))
        .and(body_json(json!({"user": {"name": "山田 \"太郎\" \\ Yamada", "email": "n@example.com", "role": "admin",
            "external_id": "E100", "verified": true}})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"user": user(90, "n@example.com", "admin", false)})),
        )
        .mount(&app.server)
        .await;
    let out = app.api.apply(&with_role(change(Action::Create, None, "n@example.com"), "admin")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id 90")), "{out:?}");

    let app = load("zendesk").await;
    Mock::given(method("POST"))
        .and(path("/api/v2/users"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": "RecordInvalid", "description": "Record validation errors",
            "details": {"email": [{"description": "Email: o@example.com is already being used by another user", "error": "DuplicateValue"}]}
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/search"))
        .and(query_param("query", "email:o@example.com"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"users": [user(12, "o@example.com", "agent", true)], "count": 1})),
        )
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "o@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id 12")), "{out:?}");

    // Any other 422 is a refusal with Zendesk's words.
    let app = load("zendesk").await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": "RecordInvalid", "description": "Record validation errors",
            "details": {"name": [{"description": "Name: is too short", "error": "InvalidValue"}]}
        })))
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Create, None, "p@example.com")).await.unwrap_err();
    assert!(shown(&e).contains("Record validation errors"), "{e}");
}

#[tokio::test]
async fn suspends_unsuspends_changes_roles_and_deletes() {
    let app = load("zendesk").await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/users/5"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"user": user(5, "e@example.com", "agent", true)})),
        )
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/users/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {"id": 5, "active": false}})))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/users/5"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"error": "RecordNotFound", "description": "Not found"})),
        )
        .mount(&app.server)
        .await;
    let c = |a| change(a, Some("5"), "e@example.com");
    for a in [Action::Suspend, Action::Restore] {
        assert!(matches!(app.api.apply(&c(a)).await.unwrap(), Outcome::Applied(_)));
    }
    assert!(matches!(app.api.apply(&with_role(c(Action::Update), "admin")).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&c(Action::Delete)).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&c(Action::Delete)).await.unwrap(), Outcome::AlreadyDone(_)));
    let bodies: Vec<serde_json::Value> = app.requests().await.iter().take(3).map(crate::harness::body).collect();
    assert_eq!(
        bodies,
        [
            json!({"user": {"suspended": true}}),
            json!({"user": {"suspended": false}}),
            json!({"user": {"role": "admin"}})
        ]
    );
}
