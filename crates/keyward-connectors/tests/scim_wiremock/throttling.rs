//! Throttling and retries: 429 with Retry-After, 503 and 500, timeouts, the retry bound
//! and the client-side rate limit.

use std::time::{Duration, Instant};

use crate::common::fast;
use crate::support::{
    BASE, Setup, assert_no_token, features, list, no_groups, p, policy, scim_error, setup, user, users_page,
};
use keyward_connectors::scim::Scim;
use keyward_connectors::{Connector, ConnectorError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(scim_error(429, None, "slow down").insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    users_page(&s, 1, list(1, 1, vec![user("u1", "a@x.io", true)])).await;
    no_groups(&s).await;
    let started = Instant::now();
    let listing = s.scim.list().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(listing.accounts.len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_limit_fails_at_once() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(scim_error(429, None, "slow down").insert_header("Retry-After", "600"))
        .mount(&s.server)
        .await;
    let started = Instant::now();
    let e = s.scim.list().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(e.to_string().contains("asked to wait 600 s"), "{e}");
    assert!(e.is_transient());
    assert_eq!(s.calls("GET", "/Users").await.len(), 1);
}

#[tokio::test]
async fn a_503_then_success() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&s.server)
        .await;
    users_page(&s, 1, list(1, 1, vec![user("u1", "a@x.io", true)])).await;
    no_groups(&s).await;
    assert_eq!(s.scim.list().await.unwrap().accounts.len(), 1);
    assert_eq!(s.calls("GET", "/Users").await.len(), 3);
}

#[tokio::test]
async fn a_500_until_the_bound_names_the_call_and_the_detail() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(scim_error(500, None, "database on fire"))
        .mount(&s.server)
        .await;
    let e = s.scim.list().await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(call, &format!("GET {}/Users?startIndex=1&count=100", s.url()));
    assert_eq!(*status, Some(500));
    assert!(problem.contains("database on fire"), "{problem}");
    assert!(problem.contains("gave up after 4 attempts"), "{problem}");
    assert_eq!(s.calls("GET", "/Users").await.len(), 4);
    assert_no_token(&e);
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let s = setup(", timeoutSeconds: 1").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    users_page(&s, 1, list(1, 1, vec![user("u1", "a@x.io", true)])).await;
    no_groups(&s).await;
    assert_eq!(s.scim.list().await.unwrap().accounts.len(), 1);
}

#[tokio::test]
async fn requests_wait_for_the_rate_limit() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &format!("{}{BASE}", server.uri()), ", pageSize: 1", "");
    // The same policy, at 4 requests a second.
    let mut app = set.applications[0].clone();
    app.spec.apply.requests_per_second = Some(4);
    let scim = Scim::new(&set.locator(&app.origin), &app, app.spec.connector.scim.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    let s = Setup { server, scim, _dir: dir };
    features(&s, true, false, None).await;
    for i in 1..=7u64 {
        users_page(&s, i, list(7, i, vec![user(&format!("u{i}"), &format!("{i}@x.io"), true)])).await;
    }
    no_groups(&s).await;
    let started = Instant::now();
    assert_eq!(s.scim.list().await.unwrap().accounts.len(), 7);
    // 9 requests: a burst of 4, then one every 250 ms.
    assert!(started.elapsed() >= Duration::from_millis(1200), "{:?}", started.elapsed());
}
