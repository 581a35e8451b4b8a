//! `catalogue/kintone.yaml` against stubs of the cybozu.com User API:
//! offset/size paging, `valid` as the status, batch bodies of one user,
//! a used login name answered with a 400 validation error and adopted.

use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{SECRET, body, change, load, shown};

fn user(id: u32, code: &str, valid: bool) -> serde_json::Value {
    json!({"id": id.to_string(), "code": code, "name": format!("ユーザー {id}"), "email": code,
           "employeeNumber": format!("E{id}"), "valid": valid, "ctime": "2024-04-01T00:00:00Z"})
}

#[tokio::test]
async fn lists_by_offset_until_a_short_page() {
    let app = load("kintone").await;
    let full: Vec<_> = (1..=100).map(|i| user(i, &format!("u{i}@example.com"), i != 7)).collect();
    Mock::given(method("GET"))
        .and(path("/v1/users.json"))
        .and(query_param("offset", "0"))
        .and(query_param("size", "100"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": full})))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users.json"))
        .and(query_param("offset", "100"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users.json"))
        .and(query_param("offset", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user(101, "last@example.com", true)]})))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 101);
    let seven = &listing.accounts[6];
    assert_eq!(seven.status, AccountStatus::Suspended);
    assert_eq!(seven.username.as_deref(), Some("u7@example.com"));
    assert_eq!(seven.external_id.as_deref(), Some("E7"));
    assert_eq!(app.requests().await.len(), 3);
}

#[tokio::test]
async fn creates_with_a_generated_password_that_no_error_quotes() {
    let app = load("kintone").await;
    Mock::given(method("POST"))
        .and(path("/v1/users.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users.json"))
        .and(query_param("codes[0]", "new@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user(55, "new@example.com", true)]})))
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "new@example.com")).await.unwrap();
    // cybozu answers a create with no id: the find request reads it.
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id 55")), "{out:?}");
    let sent = body(&app.requests().await[0]);
    let u = &sent["users"][0];
    assert_eq!(u["code"], "new@example.com");
    assert_eq!(u["name"], "山田 \"太郎\" \\ Yamada");
    assert_eq!(u["surName"], "山田");
    assert_eq!(u["employeeNumber"], "E100");
    assert_eq!(u["valid"], true);
    let password = u["password"].as_str().unwrap().to_owned();
    assert!(password.len() >= 24);

    // A used login name: 400 CB_VA01 with 既に使用されています, then adoption.
    let app = load("kintone").await;
    Mock::given(method("POST"))
        .and(path("/v1/users.json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": "CB_VA01", "id": "1505999166-897850006", "message": "入力内容が正しくありません。",
            "errors": {"users[0].code": {"messages": ["既に使用されています。"]}}
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users.json"))
        .and(query_param("codes[0]", "old@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user(9, "old@example.com", false)]})))
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "old@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id 9")), "{out:?}");

    // Any other validation error is a refusal, and never quotes the password.
    let app = load("kintone").await;
    Mock::given(method("POST"))
        .and(path("/v1/users.json"))
        .respond_with(|req: &wiremock::Request| {
            let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
            let pw = sent["users"][0]["password"].as_str().unwrap().to_owned();
            ResponseTemplate::new(400).set_body_json(json!({
                "code": "CB_VA01", "message": "入力内容が正しくありません。",
                "errors": {"users[0].password": {"messages": [format!("{pw} は短すぎます")]}}
            }))
        })
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Create, None, "x@example.com")).await.unwrap_err();
    let text = shown(&e);
    let sent = body(&app.requests().await[0]);
    assert!(!text.contains(sent["users"][0]["password"].as_str().unwrap()), "{text}");
    assert!(text.contains("CB_VA01") || text.contains("入力内容"), "{text}");
}

#[tokio::test]
async fn stops_restarts_and_deletes_by_login_name() {
    let app = load("kintone").await;
    Mock::given(method("PUT"))
        .and(path("/v1/users.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&app.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&app.server)
        .await;
    let mut c = change(Action::Suspend, Some("7"), "u7@example.com");
    c.account.username = Some("u7@example.com".into());
    assert!(matches!(app.api.apply(&c).await.unwrap(), Outcome::Applied(_)));
    c.action = Action::Restore;
    assert!(matches!(app.api.apply(&c).await.unwrap(), Outcome::Applied(_)));
    c.action = Action::Delete;
    assert!(matches!(app.api.apply(&c).await.unwrap(), Outcome::Applied(_)));
    let r = app.requests().await;
    assert_eq!(body(&r[0]), json!({"users": [{"code": "u7@example.com", "valid": false}]}));
    assert_eq!(body(&r[1]), json!({"users": [{"code": "u7@example.com", "valid": true}]}));
    assert_eq!(body(&r[2]), json!({"codes": ["u7@example.com"]}));
    // Without a login name the request is not sent at all.
    let bare = change(Action::Suspend, Some("8"), "u8@example.com");
    let e = app.api.apply(&bare).await.unwrap_err();
    assert!(shown(&e).contains("account.username"), "{e}");
    assert_eq!(app.requests().await.len(), 3);
}
