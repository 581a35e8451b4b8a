#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `Auth::Header`: one header carrying a credential as it is (Okta's
//! `Authorization: SSWS <token>`, an API-key header). It is sent verbatim,
//! never printed, and scrubbed from error answers whole or without its
//! scheme.

use http::Method;
use keyward_http::{Auth, HttpClient, HttpError, HttpSettings, Request, Secret};
use serde_json::json;
use url::Url;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "00kw-SSWS-secret-4f9c2a";

fn ssws() -> Auth {
    Auth::Header { name: "Authorization".to_owned(), value: Secret::new(format!("SSWS {TOKEN}")) }
}

fn get(server: &MockServer) -> Request {
    Request::new(Method::GET, Url::parse(&format!("{}/api/v1/users", server.uri())).unwrap())
}

#[tokio::test]
async fn the_header_is_sent_as_given_and_no_bearer_beside_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", format!("SSWS {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let http = HttpClient::new("okta", ssws(), &HttpSettings::new(Some(5), None)).unwrap();
    assert_eq!(http.send(&get(&server)).await.unwrap().status, 200);

    let key = Auth::Header { name: "X-Api-Key".to_owned(), value: Secret::new("k-12345678") };
    let http = HttpClient::new("app", key, &HttpSettings::new(Some(5), None)).unwrap();
    http.send(&get(&server)).await.unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(last.headers.get("x-api-key").unwrap(), "k-12345678");
    assert!(last.headers.get("authorization").is_none());
}

#[tokio::test]
async fn an_echoed_credential_is_scrubbed_with_or_without_its_scheme() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "errorCode": "E0000011",
            "errorSummary": format!("Invalid token provided: {TOKEN}"),
            "echo": format!("Authorization: SSWS {TOKEN}"),
        })))
        .mount(&server)
        .await;
    let http = HttpClient::new("okta", ssws(), &HttpSettings::new(Some(5), None)).unwrap();
    let reply = http.send(&get(&server)).await.unwrap();
    let body = String::from_utf8(reply.body.clone()).unwrap();
    assert!(!body.contains(TOKEN), "{body}");
    assert!(!reply.error().to_string().contains(TOKEN));
}

#[test]
fn the_credential_never_prints_and_a_bad_header_is_refused() {
    let auth = ssws();
    let http = HttpClient::new("okta", auth.clone(), &HttpSettings::new(None, None)).unwrap();
    for text in [format!("{auth:?}"), format!("{http:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(format!("{http:?}").contains("authorization: ***"), "{http:?}");

    let bad = Auth::Header { name: "Bad Name".to_owned(), value: Secret::new("x") };
    let e = HttpClient::new("okta", bad, &HttpSettings::new(None, None)).unwrap_err();
    assert!(matches!(&e, HttpError::Credentials { why, .. } if why.contains("`Bad Name` is not an HTTP header name")));
    let bad = Auth::Header { name: "Authorization".to_owned(), value: Secret::new(format!("SSWS {TOKEN}\n")) };
    let e = HttpClient::new("okta", bad, &HttpSettings::new(None, None)).unwrap_err();
    assert!(!e.to_string().contains(TOKEN), "{e}");
}
