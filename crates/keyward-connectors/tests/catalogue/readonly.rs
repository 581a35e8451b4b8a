//! The read-only definitions — `catalogue/notion.yaml` and
//! `catalogue/freee.yaml` — against stubs of Notion's user list (cursor
//! with `has_more`, bots, 429 `rate_limited`) and freee's company members
//! (one page, 429 with an ISO reset time, `errors[]` bodies). Every change
//! is a checklist item: the connectors can change nothing.

use keyward_connectors::Connector;
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{change, load, shown};

#[tokio::test]
async fn notion_lists_people_and_bots_by_cursor() {
    let app = load("notion").await;
    let person = |id: &str, email: &str| json!({"object": "user", "id": id, "type": "person", "name": "P", "person": {"email": email}});
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_param_is_missing("start_cursor"))
        .and(header("notion-version", "2022-06-28"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "results": [person("u1", "a@example.com"),
                {"object": "user", "id": "b1", "type": "bot", "name": "Importer", "bot": {}}],
            "next_cursor": "c2", "has_more": true, "type": "user", "user": {}
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_param("start_cursor", "c2"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(json!({
            "object": "error", "status": 429, "code": "rate_limited", "message": "You have been rate limited."
        })))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_param("start_cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "results": [person("u2", "b@example.com")], "next_cursor": null, "has_more": false
        })))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 3);
    assert!(listing.accounts[1].bot);
    assert_eq!(listing.accounts[2].email.as_deref(), Some("b@example.com"));
    assert!(listing.capabilities.is_read_only());
    assert_eq!(app.requests().await.len(), 3);
    let e = app.api.apply(&change(Action::Suspend, Some("u1"), "a@example.com")).await.unwrap_err();
    assert!(shown(&e).contains("cannot suspend"), "{e}");
}

#[tokio::test]
async fn freee_reads_one_page_and_its_errors() {
    let app = load("freee").await;
    Mock::given(method("GET"))
        .and(path("/api/1/users"))
        .and(query_param("company_id", "1234567"))
        .and(query_param("limit", "3000"))
        .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "2000-01-01T00:00:00Z"))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [
            {"id": 1, "email": "a@example.com", "display_name": "山田 太郎", "first_name": "太郎", "last_name": "山田", "role": "admin"},
            {"id": 2, "email": "b@example.com", "display_name": "佐藤 花子", "role": "read_only"}
        ]})))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 2);
    assert_eq!(listing.accounts[0].display_name.as_deref(), Some("山田 太郎"));
    assert_eq!(listing.accounts[1].role.as_deref(), Some("read_only"));
    assert!(listing.capabilities.is_read_only());
    assert_eq!(app.requests().await.len(), 2);

    let app = load("freee").await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status_code": 401, "errors": [{"type": "status", "messages": ["アクセストークンが無効です"]}]
        })))
        .mount(&app.server)
        .await;
    let e = app.api.list().await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("401") && text.contains("/api/1/users"), "{text}");
}
