//! `catalogue/box.yaml` against stubs of Box's API 2.0: the client
//! credentials token for the enterprise, `offset`/`limit` pages counted by
//! `total_count`, a 429 with `retry-after`, `PUT /users/{id}` for role and
//! status, 409 `user_login_already_used` on create resolved by the login
//! lookup, and Box's error body when a user who owns content is deleted.

use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{SECRET, body, change, load, shown, with_role};

const TOKEN: &str = "box-access-token-1";

/// Box's token endpoint for the enterprise's service account.
async fn token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("box_subject_type=enterprise"))
        .and(body_string_contains("box_subject_id=1234567"))
        .and(body_string_contains(format!("client_secret={SECRET}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN, "expires_in": 3600, "token_type": "bearer", "restricted_to": []
        })))
        .mount(server)
        .await;
}

fn user(id: &str, login: &str, role: &str, status: &str) -> serde_json::Value {
    json!({"type": "user", "id": id, "name": format!("User {id}"), "login": login, "role": role, "status": status})
}

/// Box's error object.
fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "type": "error", "status": status, "code": code, "message": message,
        "help_url": "http://developers.box.com/docs/#errors", "request_id": "abc123"
    }))
}

fn page(from: usize, count: usize, total: usize) -> serde_json::Value {
    let entries: Vec<_> = (from..from + count)
        .map(|i| {
            let status = if i % 10 == 9 { "inactive" } else { "active" };
            user(&format!("{}", 10_000 + i), &format!("u{i}@example.com"), "user", status)
        })
        .collect();
    json!({"entries": entries, "limit": 1000, "offset": from, "total_count": total, "order": []})
}

#[tokio::test]
async fn lists_every_page_and_waits_out_a_rate_limit() {
    let app = load("box").await;
    token(&app.server).await;
    let bearer = format!("Bearer {TOKEN}");
    for (offset, count) in [(0, 1000), (1000, 1000), (2000, 3)] {
        let mut m = Mock::given(method("GET"))
            .and(path("/2.0/users"))
            .and(query_param("user_type", "managed"))
            .and(query_param("fields", "id,type,name,login,status,role"))
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", "1000"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(offset, count, 2003)));
        if offset == 1000 {
            m = m.with_priority(2);
        }
        m.mount(&app.server).await;
    }
    // The second page is throttled once, as Box does: 429 with retry-after.
    Mock::given(method("GET"))
        .and(path("/2.0/users"))
        .and(query_param("offset", "1000"))
        .respond_with(
            error(429, "rate_limit_exceeded", "Request rate limit exceeded").insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 2003);
    let first = &listing.accounts[0];
    assert_eq!((first.id.as_str(), first.email.as_deref()), ("10000", Some("u0@example.com")));
    assert_eq!(first.role.as_deref(), Some("user"));
    assert_eq!(first.display_name.as_deref(), Some("User 10000"));
    assert_eq!(listing.accounts[9].status, AccountStatus::Suspended);
    let caps = listing.capabilities;
    assert!(caps.create && caps.update && caps.suspend && caps.restore && caps.delete && !caps.groups);
    // One token, three pages, one retry: no request more.
    assert_eq!(app.requests().await.len(), 5);
}

#[tokio::test]
async fn a_listing_shorter_than_total_count_is_refused() {
    let app = load("box").await;
    token(&app.server).await;
    Mock::given(method("GET"))
        .and(path("/2.0/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, 3, 5)))
        .mount(&app.server)
        .await;
    let e = app.api.list().await.unwrap_err();
    assert!(shown(&e).contains("5 accounts"), "{e}");
}

#[tokio::test]
async fn a_create_sends_the_name_byte_exact_and_a_conflict_adopts_the_user() {
    let app = load("box").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/2.0/users"))
        .and(body_json(json!({"name": "山田 \"太郎\" \\ Yamada", "login": "new@example.com", "role": "coadmin"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(user("777", "new@example.com", "coadmin", "active")))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "new@example.com"), "coadmin");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id 777")), "{out:?}");
    let sent = app.requests().await.into_iter().find(|r| r.method.as_str() == "POST" && r.url.path() == "/2.0/users");
    // Byte-exact: JSON escapes for the quotes and the backslash, the
    // Japanese as UTF-8.
    let raw = String::from_utf8(sent.unwrap().body).unwrap();
    assert!(raw.contains(r#""山田 \"太郎\" \\ Yamada""#), "{raw}");

    let app = load("box").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/2.0/users"))
        .respond_with(error(409, "user_login_already_used", "User with the specified login already exists"))
        .mount(&app.server)
        .await;
    // filter_term matches the start of logins: Box lists a longer login
    // too, which is not adopted.
    Mock::given(method("GET"))
        .and(path("/2.0/users"))
        .and(query_param("filter_term", "old@example.com"))
        .and(query_param("user_type", "managed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "entries": [user("42", "old@example.com", "user", "inactive"), user("43", "old@example.com.au", "user", "active")],
            "limit": 100, "offset": 0, "total_count": 2
        })))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "old@example.com"), "user");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id 42")), "{out:?}");
    let posts =
        app.requests().await.iter().filter(|r| r.url.path() == "/2.0/users" && r.method.as_str() == "POST").count();
    assert_eq!(posts, 1, "never a second create");
}

#[tokio::test]
async fn another_409_on_create_is_not_a_conflict() {
    let app = load("box").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/2.0/users"))
        .respond_with(error(409, "conflict", "A resource with this value already exists"))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "new@example.com"), "user");
    let e = app.api.apply(&c).await.unwrap_err();
    assert!(shown(&e).contains("already exists"), "{e}");
    // No lookup: the conflict is not Box's "login already used".
    assert!(app.requests().await.iter().all(|r| r.method.as_str() != "GET"));
}

#[tokio::test]
async fn role_status_and_delete_requests_and_their_reruns() {
    let app = load("box").await;
    token(&app.server).await;
    for status in ["inactive", "active"] {
        Mock::given(method("PUT"))
            .and(path("/2.0/users/42"))
            .and(body_json(json!({"status": status})))
            .respond_with(ResponseTemplate::new(200).set_body_json(user("42", "a@example.com", "user", status)))
            .mount(&app.server)
            .await;
    }
    Mock::given(method("PUT"))
        .and(path("/2.0/users/42"))
        .and(body_json(json!({"role": "coadmin"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("42", "a@example.com", "coadmin", "active")))
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/2.0/users/42"))
        .and(query_param("notify", "false"))
        .and(query_param_is_missing("force"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/2.0/users/42"))
        .respond_with(error(404, "not_found", "Not Found"))
        .mount(&app.server)
        .await;
    let role = with_role(change(Action::Update, Some("42"), "a@example.com"), "coadmin");
    assert!(matches!(app.api.apply(&role).await.unwrap(), Outcome::Applied(_)));
    // Box sets a status that is already set again with 200: a rerun of a
    // suspend or restore is one more harmless request.
    for action in [Action::Suspend, Action::Suspend, Action::Restore, Action::Restore] {
        let out = app.api.apply(&change(action, Some("42"), "a@example.com")).await.unwrap();
        assert!(matches!(out, Outcome::Applied(_)), "{action:?}: {out:?}");
    }
    let d = change(Action::Delete, Some("42"), "a@example.com");
    assert!(matches!(app.api.apply(&d).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&d).await.unwrap(), Outcome::AlreadyDone(_)));
    let puts: Vec<_> =
        app.requests().await.into_iter().filter(|r| r.method.as_str() == "PUT").map(|r| body(&r)).collect();
    assert_eq!(puts.len(), 5);
    assert_eq!(puts[1], json!({"status": "inactive"}));
}

#[tokio::test]
async fn deleting_a_user_who_owns_content_is_refused_with_box_s_message() {
    let app = load("box").await;
    token(&app.server).await;
    Mock::given(method("DELETE"))
        .and(path("/2.0/users/42"))
        .respond_with(error(400, "bad_request", "User has managed content"))
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Delete, Some("42"), "a@example.com")).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("DELETE http://") && text.contains("/2.0/users/42"), "{text}");
    assert!(text.contains("User has managed content"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    // Refused once, never forced.
    let deletes = app.requests().await.into_iter().filter(|r| r.method.as_str() == "DELETE").collect::<Vec<_>>();
    assert_eq!(deletes.len(), 1);
    assert!(deletes[0].url.query_pairs().all(|(k, _)| k != "force"));
}
