//! `catalogue/zoom.yaml` against stubs of Zoom's REST API v2: the
//! Server-to-Server OAuth token (`account_credentials`, client in HTTP
//! basic), `next_page_token` cursors ("" on the last page) over the active
//! users, a per-second 429 without Retry-After, role assignment by role
//! id, the status action requests, and 409 code 1005 on create resolved by
//! `GET /users/{email}`.

use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{SECRET, body, change, load, shown, with_role};

const TOKEN: &str = "zoom-access-token-1";

/// Zoom's token endpoint: the client in HTTP basic, the account in the form.
async fn token(server: &MockServer) {
    // base64("your-zoom-client-id:" + SECRET)
    let basic = "eW91ci16b29tLWNsaWVudC1pZDprdy1DQVRBTE9HVUUtc2VjcmV0LTdmM2E5YzJl";
    assert_eq!(SECRET, "kw-CATALOGUE-secret-7f3a9c2e", "the basic credential above is made of it");
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", format!("Basic {basic}").as_str()))
        .and(body_string_contains("grant_type=account_credentials"))
        .and(body_string_contains("account_id=your-zoom-account-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN, "token_type": "bearer", "expires_in": 3599,
            "scope": "user:read:list_users:admin user:write:user:admin", "api_url": "https://api.zoom.us"
        })))
        .mount(server)
        .await;
}

fn user(id: &str, email: &str, role: &str, status: &str) -> Value {
    json!({
        "id": id, "first_name": "Taro", "last_name": "Yamada", "display_name": "Taro Yamada", "email": email,
        "type": 2, "pmi": 3_542_471_135u64, "timezone": "Asia/Tokyo", "verified": 1, "dept": "情報システム部",
        "created_at": "2024-04-01T00:00:00Z", "user_created_at": "2024-04-01T00:00:00Z",
        "last_login_time": "2026-11-30T09:00:00Z", "language": "jp-JP", "status": status,
        "role_id": role, "employee_unique_id": format!("E{id}")
    })
}

/// Zoom's error body.
fn error(status: u16, code: u32, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "message": message}))
}

fn page(users: Vec<Value>, next: &str) -> Value {
    json!({"page_count": 2, "page_number": 1, "page_size": 300, "total_records": 3,
           "next_page_token": next, "users": users})
}

#[tokio::test]
async fn lists_active_deactivated_and_pending_users_over_every_page_and_waits_out_a_rate_limit() {
    let app = load("zoom").await;
    token(&app.server).await;
    let bearer = format!("Bearer {TOKEN}");
    Mock::given(method("GET"))
        .and(path("/v2/users"))
        .and(query_param("status", "active"))
        .and(query_param("page_size", "300"))
        .and(query_param_is_missing("next_page_token"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            vec![user("z1", "a@example.com", "2", "active"), user("z2", "b@example.com", "1", "active")],
            "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3",
        )))
        .mount(&app.server)
        .await;
    // Zoom's per-second limit: 429 without Retry-After.
    Mock::given(method("GET"))
        .and(path("/v2/users"))
        .and(query_param("next_page_token", "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3"))
        .respond_with(
            error(429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.")
                .insert_header("X-RateLimit-Category", "Medium")
                .insert_header("X-RateLimit-Type", "QPS"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/users"))
        .and(query_param("status", "active"))
        .and(query_param("next_page_token", "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(vec![user("z3", "c@example.com", "0", "active")], "")),
        )
        .with_priority(2)
        .mount(&app.server)
        .await;
    // Deactivated and pending users are listings of their own.
    for (status, id) in [("inactive", "z4"), ("pending", "z5")] {
        Mock::given(method("GET"))
            .and(path("/v2/users"))
            .and(query_param("status", status))
            .and(query_param("page_size", "300"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "page_size": 300, "total_records": 1, "next_page_token": "",
                "users": [user(id, &format!("{id}@example.com"), "2", status)]
            })))
            .with_priority(1)
            .mount(&app.server)
            .await;
    }
    let listing = app.api.list().await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["z1", "z2", "z3", "z4", "z5"]);
    assert_eq!(listing.accounts[3].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[4].status, AccountStatus::Invited);
    let roles: Vec<Option<&str>> = listing.accounts.iter().take(3).map(|a| a.role.as_deref()).collect();
    // The owner's role id is kept as Zoom wrote it.
    assert_eq!(roles, [Some("member"), Some("admin"), Some("0")]);
    let a = &listing.accounts[0];
    assert_eq!(a.status, AccountStatus::Active);
    assert_eq!(a.external_id.as_deref(), Some("Ez1"));
    assert_eq!(a.attributes["licenseType"], "2");
    assert_eq!(a.last_active.unwrap().to_string(), "2026-11-30");
    let caps = listing.capabilities;
    assert!(caps.create && caps.update && caps.suspend && caps.restore && !caps.delete);
    // One token, two active pages, one retry, one page each of deactivated
    // and pending users: no request more.
    assert_eq!(app.requests().await.len(), 6);
}

#[tokio::test]
async fn a_create_sends_the_names_byte_exact_and_code_1005_adopts_the_user() {
    let app = load("zoom").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .and(body_json(json!({"action": "create", "user_info": {
            "email": "new@example.com", "type": 1, "first_name": "\"太郎\" \\ Yamada", "last_name": "山田",
            "display_name": "山田 \"太郎\" \\ Yamada"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "KDcuGIm1QgePTO8WbOqwIQ", "first_name": "\"太郎\" \\ Yamada", "last_name": "山田",
            "email": "new@example.com", "type": 1
        })))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "new@example.com"), "member");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id KDcuGIm1QgePTO8WbOqwIQ")), "{out:?}");
    let post = app.requests().await.into_iter().find(|r| r.url.path() == "/v2/users").unwrap();
    let raw = String::from_utf8(post.body).unwrap();
    assert!(raw.contains(r#""山田 \"太郎\" \\ Yamada""#), "{raw}");

    // A user the listing did not show yet (made in between): Zoom refuses
    // the create with code 1005, and keyward adopts the user instead of
    // inviting a second time; the next plan restores it if it is
    // deactivated (the listings include deactivated users).
    let app = load("zoom").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .respond_with(error(409, 1005, "User already in the account: old@example.com"))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/users/old@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("z42", "old@example.com", "2", "inactive")))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "old@example.com"), "member");
    let out = app.api.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id z42")), "{out:?}");
    let requests = app.requests().await;
    assert_eq!(requests.iter().filter(|r| r.method.as_str() == "POST" && r.url.path() == "/v2/users").count(), 1);
    assert!(requests.iter().all(|r| !r.url.path().ends_with("/status")), "no reactivation");
}

#[tokio::test]
async fn another_409_on_create_is_not_adopted() {
    let app = load("zoom").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .respond_with(error(409, 1009, "The email address is already registered with another Zoom account."))
        .mount(&app.server)
        .await;
    let c = with_role(change(Action::Create, None, "new@example.com"), "member");
    let e = app.api.apply(&c).await.unwrap_err();
    assert!(shown(&e).contains("another Zoom account"), "{e}");
    assert!(app.requests().await.iter().all(|r| r.method.as_str() != "GET"));
}

#[tokio::test]
async fn role_and_status_changes_and_their_reruns() {
    let app = load("zoom").await;
    token(&app.server).await;
    Mock::given(method("POST"))
        .and(path("/v2/roles/1/members"))
        .and(body_json(json!({"members": [{"id": "z42"}]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"ids": "z42", "add_at": "2026-12-01T00:00:00Z"})))
        .mount(&app.server)
        .await;
    for action in ["deactivate", "activate"] {
        Mock::given(method("PUT"))
            .and(path("/v2/users/z42/status"))
            .and(body_json(json!({"action": action})))
            .respond_with(ResponseTemplate::new(204))
            .mount(&app.server)
            .await;
    }
    Mock::given(method("PUT"))
        .and(path("/v2/users/gone/status"))
        .respond_with(error(404, 1001, "User does not exist: gone."))
        .mount(&app.server)
        .await;
    let role = with_role(change(Action::Update, Some("z42"), "a@example.com"), "admin");
    assert!(matches!(app.api.apply(&role).await.unwrap(), Outcome::Applied(_)));
    for action in [Action::Suspend, Action::Restore] {
        let out = app.api.apply(&change(action, Some("z42"), "a@example.com")).await.unwrap();
        assert!(matches!(out, Outcome::Applied(_)), "{action:?}: {out:?}");
    }
    // A user deleted meanwhile has no account left to close.
    let gone = app.api.apply(&change(Action::Suspend, Some("gone"), "g@example.com")).await.unwrap();
    assert!(matches!(gone, Outcome::AlreadyDone(_)), "{gone:?}");
    // Deleting is left to a human (recordings would go with the user).
    let e = app.api.apply(&change(Action::Delete, Some("z42"), "a@example.com")).await.unwrap_err();
    assert!(shown(&e).contains("cannot delete"), "{e}");
    let bodies: Vec<Value> = app.requests().await.iter().filter(|r| r.url.path() != "/oauth/token").map(body).collect();
    assert_eq!(bodies[1], json!({"action": "deactivate"}));
}

#[tokio::test]
async fn a_refusal_names_the_call_and_zoom_s_message_without_the_credentials() {
    let app = load("zoom").await;
    token(&app.server).await;
    Mock::given(method("PUT"))
        .respond_with(error(400, 4711, "Invalid access token, does not contain scopes:[user:update:status:admin]."))
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Restore, Some("z42"), "a@example.com")).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("PUT http://") && text.contains("/v2/users/z42/status"), "{text}");
    assert!(text.contains("does not contain scopes"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}
