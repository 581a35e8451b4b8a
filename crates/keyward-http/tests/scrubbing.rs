#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! A request that carries a secret (a new user's initial password) meets
//! an error page that echoes the request: the secret is gone from the
//! reply's body itself, so no connector reading the vendor's error from it
//! can quote the secret.

use http::Method;
use keyward_http::{HttpClient, HttpSettings, Request, Secret};
use serde_json::json;
use url::Url;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn an_error_body_never_holds_what_the_request_carried() {
    let server = MockServer::start().await;
    let password = "Initial-PW-8f3c2a91";
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": format!("Invalid password `{password}`: too common"), "code": 400}
        })))
        .mount(&server)
        .await;
    let http = HttpClient::bearer("app", Secret::new("tok-kw-scrub-1"), &HttpSettings::new(Some(5), None)).unwrap();
    let req = Request::new(Method::POST, Url::parse(&format!("{}/users", server.uri())).unwrap())
        .json(&json!({"password": password}))
        .carrying(&Secret::new(password));
    let reply = http.send(&req).await.unwrap();
    assert_eq!(reply.status, 400);
    let body = reply.json().unwrap();
    assert_eq!(body["error"]["message"], "Invalid password `***`: too common");
    assert!(!reply.error().to_string().contains(password));

    // A success is the app's data, as it came.
    let ok = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"note": password})))
        .mount(&ok)
        .await;
    let req = Request::new(Method::POST, Url::parse(&format!("{}/users", ok.uri())).unwrap())
        .carrying(&Secret::new(password));
    assert_eq!(http.send(&req).await.unwrap().json().unwrap()["note"], password);
}
