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

/// The bearer token, with characters each encoding writes differently:
/// `/` (JSON's `\/`, `%2F`) and `+` (`%2B`, `\u002b`).
const TOKEN: &str = "kw/SECRET+tok/9f3c2a91";

/// Every way the tests below write [`TOKEN`] back, and what `svc:TOKEN`
/// (HTTP basic credentials) looks like in base64.
const ENCODINGS: [&str; 8] = [
    TOKEN,
    r"kw\/SECRET+tok\/9f3c2a91",
    r"\u006b\u0077\u002f\u0053\u0045\u0043\u0052\u0045\u0054\u002b\u0074\u006f\u006b\u002f\u0039\u0066\u0033\u0063\u0032\u0061\u0039\u0031",
    r"kw\/SECRET\u002Btok/9f3c2a91",
    "kw%2FSECRET%2Btok%2F9f3c2a91",
    "kw%2fSECRET%2btok%2f9f3c2a91",
    "c3ZjOmt3L1NFQ1JFVCt0b2svOWYzYzJhOTE",
    "SECRET",
];

/// An error body that quotes the token in each encoding above.
fn echoing_body() -> String {
    format!(
        r#"{{"error":{{"message":"invalid token {}","detail":"{}","mixed":"{}"}},"request":"token={}&t={}","echo":"Authorization: Basic {}="}}"#,
        ENCODINGS[1], ENCODINGS[2], ENCODINGS[3], ENCODINGS[4], ENCODINGS[5], ENCODINGS[6]
    )
}

fn assert_no_token(what: &str, text: &str) {
    for form in ENCODINGS {
        assert!(!text.contains(form), "{what} holds the token as `{form}`:\n{text}");
    }
}

/// Every string in a JSON document, decoded, percent-decoded too.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.push(s.clone());
            out.push(url::form_urlencoded::parse(s.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn an_error_body_never_holds_the_token_in_any_encoding() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(echoing_body(), "application/json"))
        .mount(&server)
        .await;
    let http = HttpClient::bearer("app", Secret::new(TOKEN), &HttpSettings::new(Some(5), None)).unwrap();
    let req = Request::new(Method::GET, Url::parse(&format!("{}/users", server.uri())).unwrap());
    let reply = http.send(&req).await.unwrap();
    assert_eq!(reply.status, 401);
    assert_no_token("the reply's body", &String::from_utf8_lossy(&reply.body));
    assert_no_token("the reply's error", &reply.error().to_string());
    // What a connector decodes from the body, percent-decoded too.
    let mut decoded = Vec::new();
    strings(&reply.json().unwrap(), &mut decoded);
    for s in decoded {
        assert_no_token("a decoded string of the body", &s);
    }
}

#[tokio::test]
async fn a_retried_error_and_an_unreadable_success_never_hold_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(echoing_body(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(format!("<html>{}</html>", echoing_body()), "text/html"))
        .mount(&server)
        .await;
    let mut http = HttpClient::bearer("app", Secret::new(TOKEN), &HttpSettings::new(Some(5), None)).unwrap();
    http.set_retry(keyward_http::RetryPolicy {
        max_attempts: 2,
        min_delay: std::time::Duration::from_millis(1),
        max_delay: std::time::Duration::from_millis(1),
        ..Default::default()
    });
    let url = |p: &str| Url::parse(&format!("{}{p}", server.uri())).unwrap();
    let e = http.send(&Request::new(Method::GET, url("/users"))).await.unwrap_err();
    assert_no_token("the error after retries", &e.to_string());
    // A success is the app's data as it came, but an error quoting it is not.
    let reply = http.send(&Request::new(Method::POST, url("/users"))).await.unwrap();
    assert_no_token("the error of an answer that is not JSON", &reply.json().unwrap_err().to_string());
}
