//! `catalogue/line-works.yaml` against stubs of LINE WORKS API 2.0: the
//! service account's RS256 assertion exchanged at the token endpoint,
//! `responseMetaData.nextCursor` paging, suspended/pending/deleted flags,
//! 429 `TOO_MANY_REQUESTS` with `rateLimit-reset`, suspend/unsuspend, and
//! a 409 on create resolved by the e-mail lookup.

use base64::Engine as _;
use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{SECRET, body, change, load, shown};

fn member(id: &str, email: &str, flags: &[&str]) -> Value {
    let mut m = json!({"userId": id, "email": email, "userExternalKey": format!("E-{id}"),
        "userName": {"lastName": "山田", "firstName": id}, "isAdministrator": false,
        "isSuspended": false, "isPending": false, "isDeleted": false, "domainId": 10000001});
    for f in flags {
        m[*f] = json!(true);
    }
    m
}

async fn token(app: &crate::harness::App) {
    Mock::given(method("POST"))
        .and(path("/oauth2/v2.0/token"))
        .and(body_string_contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
        .and(body_string_contains("client_id=YOUR_CLIENT_ID"))
        .and(body_string_contains("scope=directory+user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "lw-access-1", "refresh_token": "r", "scope": "directory user",
            "token_type": "Bearer", "expires_in": "86400"
        })))
        .mount(&app.server)
        .await;
}

#[tokio::test]
async fn signs_in_as_the_service_account_and_lists_every_member() {
    let app = load("line-works").await;
    token(&app).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param_is_missing("cursor"))
        .and(header("authorization", "Bearer lw-access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "users": [member("u1", "a@example.com", &[]), member("u2", "b@example.com", &["isSuspended"])],
            "responseMetaData": {"nextCursor": "Y3Vyc29y+/="}
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("cursor", "Y3Vyc29y+/="))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("rateLimit-reset", "1")
                .set_body_json(json!({"code": "TOO_MANY_REQUESTS", "description": "Too many requests"})),
        )
        .up_to_n_times(1)
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("cursor", "Y3Vyc29y+/="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "users": [member("u3", "c@example.com", &["isPending"]), member("u4", "d@example.com", &["isDeleted"])],
            "responseMetaData": {"nextCursor": null}
        })))
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    let got: Vec<(&str, AccountStatus)> = listing.accounts.iter().map(|a| (a.id.as_str(), a.status)).collect();
    assert_eq!(got, [("u1", AccountStatus::Active), ("u2", AccountStatus::Suspended), ("u3", AccountStatus::Invited)]);
    assert_eq!(listing.accounts[0].display_name.as_deref(), Some("山田 u1"));
    assert_eq!(listing.accounts[0].external_id.as_deref(), Some("E-u1"));
    let requests = app.requests().await;
    // One token, two pages, one retry.
    assert_eq!(requests.len(), 4);
    // The cursor went back percent-encoded, as LINE WORKS asks.
    assert!(requests[2].url.query().unwrap().contains("cursor=Y3Vyc29y%2B%2F%3D"), "{}", requests[2].url);
    // The assertion: RS256, iss = client id, sub = the service account; the
    // secret went in the form, never in an error.
    let form = String::from_utf8_lossy(&requests[0].body).into_owned();
    let assertion = form.split('&').find_map(|p| p.strip_prefix("assertion=")).unwrap();
    let parts: Vec<&str> = assertion.split('.').collect();
    let decode = |p: &str| -> Value {
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
    };
    assert_eq!(decode(parts[0])["alg"], "RS256");
    let claims = decode(parts[1]);
    assert_eq!(claims["iss"], "YOUR_CLIENT_ID");
    assert_eq!(claims["sub"], "serviceaccount@example");
    assert!(claims.get("scope").is_none() && claims.get("aud").is_none(), "{claims}");
    assert!(form.contains(&format!("client_secret={SECRET}")));
}

#[tokio::test]
async fn creates_suspends_unsuspends_and_deletes() {
    let app = load("line-works").await;
    token(&app).await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(member("u9", "new@example.com", &["isPending"])))
        .mount(&app.server)
        .await;
    for verb in ["suspend", "unsuspend"] {
        Mock::given(method("POST"))
            .and(path(format!("/v1.0/users/u1/{verb}")))
            .respond_with(ResponseTemplate::new(204))
            .mount(&app.server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path("/v1.0/users/u1"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"code": "NOT_FOUND", "description": "User not found"})),
        )
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "new@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id u9")), "{out:?}");
    let created = body(&app.requests().await[1]);
    assert_eq!(created["userName"], json!({"lastName": "山田", "firstName": "\"太郎\" \\ Yamada"}));
    assert_eq!(created["userExternalKey"], "E100");
    assert_eq!(created["domainId"], 10000001);
    assert_eq!(created["passwordConfig"]["changePasswordAtNextLogin"], true);
    let c = |a| change(a, Some("u1"), "a@example.com");
    assert!(matches!(app.api.apply(&c(Action::Suspend)).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&c(Action::Restore)).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(app.api.apply(&c(Action::Delete)).await.unwrap(), Outcome::AlreadyDone(_)));
}

#[tokio::test]
async fn a_member_that_exists_is_adopted_and_errors_carry_line_works_words() {
    let app = load("line-works").await;
    token(&app).await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(json!({"code": "ALREADY_EXISTS", "description": "The email already exists."})),
        )
        .mount(&app.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/old@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(member("u5", "old@example.com", &["isSuspended"])))
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "old@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id u5")), "{out:?}");

    let app = load("line-works").await;
    token(&app).await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users/u1/suspend"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"code": "FORBIDDEN", "description": "Top administrator cannot be suspended."})),
        )
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Suspend, Some("u1"), "a@example.com")).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("403") && text.contains("/v1.0/users/u1/suspend"), "{text}");
}
