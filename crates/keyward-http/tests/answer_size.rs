#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! An answer is read up to a bound: a vendor (or whatever answers in its
//! place) sending gigabytes within the timeout must not take the memory
//! with it. Too large an answer is a final error naming the call and the
//! bound, not retried, whether or not it announces its length.

use http::Method;
use keyward_http::{HttpClient, HttpSettings, Request, Secret};
use url::Url;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(server: &MockServer) -> Request {
    Request::new(Method::GET, Url::parse(&format!("{}/users", server.uri())).unwrap())
}

fn client(max: u64) -> HttpClient {
    let mut settings = HttpSettings::new(Some(5), Some(1000));
    settings.max_answer_bytes = max;
    HttpClient::bearer("app", Secret::new("t-123456"), &settings).unwrap()
}

#[tokio::test]
async fn an_answer_over_the_bound_is_refused_once_and_names_the_bound() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(300_000)))
        .mount(&server)
        .await;
    let e = client(100_000).send(&get(&server)).await.unwrap_err().to_string();
    assert!(e.contains("GET") && e.contains("/users"), "names the call: {e}");
    assert!(e.contains("100000 bytes") || e.contains("100,000 bytes"), "names the bound: {e}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "not retried");
}

#[tokio::test]
async fn an_answer_within_the_bound_is_read_whole() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("y".repeat(99_000)))
        .mount(&server)
        .await;
    let reply = client(100_000).send(&get(&server)).await.unwrap();
    assert_eq!(reply.body.len(), 99_000);
}

#[test]
fn the_default_bound_leaves_room_for_the_largest_vendor_pages() {
    // A Google batch answer of 1000 users' tokens, a Graph page of 999
    // users: a few megabytes each.
    assert!(HttpSettings::new(None, None).max_answer_bytes >= 32 * 1024 * 1024);
}
