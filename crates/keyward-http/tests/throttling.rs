#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! Each vendor's documented throttling answer, stubbed before a success:
//! the client waits as the vendor asks, tries again and returns the
//! success; a 403 that is not a throttle comes back at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Method;
use jiff::Timestamp;
use keyward_http::{Clock, HttpClient, HttpError, HttpSettings, Reply, Request, RetryPolicy, Secret, Sleep, Throttle};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The client's clock in these tests: reset dates and epochs are written
/// against it, so the waits they ask for are exact.
const NOW: &str = "2026-11-23T10:15:00Z";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn client(throttle: Throttle) -> HttpClient {
    let mut settings = HttpSettings::new(Some(5), Some(1000));
    settings.throttle = throttle.clone();
    settings.retry = RetryPolicy {
        max_attempts: 3,
        max_total_wait: Duration::from_secs(5),
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    let mut http = HttpClient::bearer(&format!("{throttle:?}"), Secret::new("kw-throttle-token"), &settings).unwrap();
    http.set_clock(Arc::new(now));
    http
}

fn get(server: &MockServer) -> Request {
    Request::new(Method::GET, Url::parse(&format!("{}/users", server.uri())).unwrap())
}

/// `first` once, then 200: what the client returned and how many
/// requests the server saw.
async fn after(throttle: Throttle, first: ResponseTemplate) -> (Result<Reply, HttpError>, usize) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": []})))
        .mount(&server)
        .await;
    let result = client(throttle).send(&get(&server)).await;
    (result, server.received_requests().await.unwrap().len())
}

async fn retried_to_success(throttle: Throttle, first: ResponseTemplate) {
    let (result, requests) = after(throttle.clone(), first).await;
    let reply = result.unwrap();
    assert_eq!(reply.status, 200, "{throttle:?}");
    assert_eq!(requests, 2, "{throttle:?}: one throttled request, one retry");
}

async fn final_at_once(throttle: Throttle, first: ResponseTemplate) -> Reply {
    let (result, requests) = after(throttle.clone(), first).await;
    assert_eq!(requests, 1, "{throttle:?}: a final answer is not retried");
    result.unwrap()
}

/// Fails with the limit's message after one request: the wait the answer
/// asked for, as computed, is in the message.
async fn too_long(throttle: Throttle, first: ResponseTemplate) -> String {
    let (result, requests) = after(throttle.clone(), first).await;
    assert_eq!(requests, 1, "{throttle:?}: a wait past the limit fails before trying again");
    let err = result.unwrap_err().to_string();
    assert!(err.contains("longer than the 5 s left of keyward's 5 s retry limit"), "{err}");
    err
}

fn google_403(reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({"error": {
        "code": 403,
        "message": "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'",
        "errors": [{"message": "Quota exceeded", "domain": "usageLimits", "reason": reason}],
        "status": "PERMISSION_DENIED"
    }}))
}

fn github(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    }))
}

fn epoch(offset_seconds: i64) -> String {
    (now().as_second() + offset_seconds).to_string()
}

#[tokio::test]
async fn google_rate_limit_403s_are_retried() {
    for reason in ["userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded"] {
        retried_to_success(Throttle::Google, google_403(reason)).await;
    }
}

#[tokio::test]
async fn google_permission_403s_are_final() {
    for reason in ["forbidden", "insufficientPermissions"] {
        let reply = final_at_once(Throttle::Google, google_403(reason)).await;
        assert_eq!(reply.status, 403);
        assert!(reply.error().to_string().contains("Quota exceeded for quota metric"), "the app's message is kept");
    }
}

#[tokio::test]
async fn google_rate_limit_403s_are_retried_only_as_often_as_allowed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(google_403("userRateLimitExceeded"))
        .mount(&server)
        .await;
    let err = client(Throttle::Google).send(&get(&server)).await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(err.to_string().contains("gave up after 3 attempts"), "{err}");
    assert!(matches!(err, HttpError::Call { status: Some(403), .. }), "{err:?}");
}

#[tokio::test]
async fn github_waits_for_retry_after() {
    let first = github(403, "You have exceeded a secondary rate limit.").insert_header("retry-after", "0");
    retried_to_success(Throttle::GitHub, first).await;
    let err = too_long(Throttle::GitHub, github(429, "slow down").insert_header("retry-after", "30")).await;
    assert!(err.contains("asked to wait 30 s"), "{err}");
}

#[tokio::test]
async fn github_waits_for_the_primary_limit_reset() {
    let spent = |reset: String| {
        github(403, "API rate limit exceeded for user ID 1.")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-used", "5000")
            .insert_header("x-ratelimit-reset", reset.as_str())
            .insert_header("x-ratelimit-resource", "core")
    };
    retried_to_success(Throttle::GitHub, spent(epoch(0))).await;
    // The reset an hour away is read as an epoch against the client's clock.
    let err = too_long(Throttle::GitHub, spent(epoch(3600))).await;
    assert!(err.contains("asked to wait 3600 s"), "{err}");
}

#[tokio::test]
async fn github_secondary_limit_waits_at_least_a_minute() {
    let first =
        github(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            .insert_header("x-ratelimit-remaining", "4990");
    let err = too_long(Throttle::GitHub, first).await;
    assert!(err.contains("asked to wait at least 60 s"), "{err}");
    let err = too_long(Throttle::GitHub, github(429, "Too many requests")).await;
    assert!(err.contains("asked to wait at least 60 s"), "{err}");
}

#[tokio::test]
async fn github_permission_403s_are_final() {
    let first = github(403, "Resource not accessible by personal access token")
        .insert_header("x-ratelimit-remaining", "4999")
        .insert_header("x-ratelimit-reset", epoch(1800).as_str());
    let reply = final_at_once(Throttle::GitHub, first).await;
    assert_eq!(reply.status, 403);
    // The same answer under the Standard policy is final too: a 403 was
    // never retried, and only GitHub's signals make it a throttle.
    let reply = final_at_once(Throttle::Standard, github(403, "You have exceeded a secondary rate limit.")).await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn graph_waits_for_retry_after_or_backs_off() {
    let throttled = || {
        ResponseTemplate::new(429)
            .insert_header("x-ms-throttle-scope", "Tenant_Application/ReadWrite/9c7f")
            .insert_header("x-ms-throttle-limit-percentage", "1.0")
            .set_body_json(json!({"error": {
                "code": "TooManyRequests",
                "message": "Too many requests.",
                "innerError": {"date": "2026-11-23T10:15:00", "request-id": "1", "client-request-id": "1"}
            }}))
    };
    retried_to_success(Throttle::Graph, throttled().insert_header("Retry-After", "0")).await;
    retried_to_success(Throttle::Graph, throttled()).await;
    retried_to_success(Throttle::Graph, ResponseTemplate::new(504)).await;
    let err = too_long(Throttle::Graph, throttled().insert_header("Retry-After", "12")).await;
    assert!(err.contains("asked to wait 12 s"), "{err}");
}

#[tokio::test]
async fn atlassian_waits_until_the_iso_reset() {
    let throttled = |reset: &str| {
        ResponseTemplate::new(429)
            .insert_header("X-RateLimit-Limit", "100")
            .insert_header("X-RateLimit-Remaining", "0")
            .insert_header("X-RateLimit-Reset", reset)
            .set_body_json(json!({"code": 429, "message": "Too Many Requests"}))
    };
    retried_to_success(Throttle::Atlassian, throttled(NOW)).await;
    let err = too_long(Throttle::Atlassian, throttled("2026-11-23T19:16:30+09:00")).await;
    assert!(err.contains("asked to wait 90 s"), "{err}");
    retried_to_success(Throttle::Atlassian, ResponseTemplate::new(429).insert_header("Retry-After", "0")).await;
}

#[tokio::test]
async fn smarthr_waits_the_reset_seconds() {
    let throttled = |reset: &str| {
        ResponseTemplate::new(429)
            .insert_header("x-rate-limit-limit", "10")
            .insert_header("x-rate-limit-remaining", "0")
            .insert_header("x-rate-limit-reset", reset)
            .set_body_json(
                json!({"code": 6, "type": "too_many_requests", "message": "Too Many Requests", "errors": []}),
            )
    };
    retried_to_success(Throttle::SmartHr, throttled("0")).await;
    let err = too_long(Throttle::SmartHr, throttled("45")).await;
    assert!(err.contains("asked to wait 45 s"), "{err}");
}

#[tokio::test]
async fn standard_waits_for_retry_after() {
    retried_to_success(Throttle::Standard, ResponseTemplate::new(429).insert_header("Retry-After", "0")).await;
    retried_to_success(Throttle::Standard, ResponseTemplate::new(503)).await;
}

/// A clock whose time moves only when the test says: a wait ends once the
/// test has moved the time past its end, so what the client waits for is
/// checked without waiting for it.
#[derive(Clone)]
struct SteppedClock {
    now: Arc<tokio::sync::watch::Sender<Timestamp>>,
    sleeping: Arc<AtomicUsize>,
}

impl SteppedClock {
    fn new() -> Self {
        Self { now: Arc::new(tokio::sync::watch::channel(now()).0), sleeping: Arc::default() }
    }

    fn advance(&self, d: Duration) {
        self.now.send_modify(|t| *t += d);
    }

    /// Waits in progress.
    fn sleeping(&self) -> usize {
        self.sleeping.load(Ordering::SeqCst)
    }
}

impl Clock for SteppedClock {
    fn now(&self) -> Timestamp {
        *self.now.borrow()
    }

    fn sleep(&self, d: Duration) -> Sleep {
        let until = self.now() + d;
        let me = self.clone();
        me.sleeping.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let _ = me.now.subscribe().wait_for(|t| *t >= until).await;
            me.sleeping.fetch_sub(1, Ordering::SeqCst);
        })
    }
}

/// Answers the first request 429 with `Retry-After: 2`, the others 200,
/// and notes when (by the stepped clock) each arrived.
struct ThrottleOnce {
    clock: SteppedClock,
    arrivals: Arc<Mutex<Vec<Timestamp>>>,
}

impl wiremock::Respond for ThrottleOnce {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(self.clock.now());
        if arrivals.len() == 1 {
            ResponseTemplate::new(429).insert_header("Retry-After", "2")
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"users": []}))
        }
    }
}

/// Waits (a bounded time) until `done` holds; what it checks is asserted
/// afterwards, so a condition that never comes fails there.
async fn until(done: impl Fn() -> bool) {
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttle_answer_pauses_every_request_to_the_app() {
    let server = MockServer::start().await;
    let clock = SteppedClock::new();
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .respond_with(ThrottleOnce { clock: clock.clone(), arrivals: arrivals.clone() })
        .mount(&server)
        .await;
    let mut http = client(Throttle::Standard);
    http.set_retry(RetryPolicy { max_total_wait: Duration::from_secs(60), ..RetryPolicy::default() });
    http.set_clock(Arc::new(clock.clone()));
    let seen = || arrivals.lock().unwrap().len();

    // The first request is throttled, and waits; three more are sent
    // while it waits, and none may reach the app inside the wait.
    let req = get(&server);
    let first = http.send(&req);
    let others = async {
        until(|| seen() == 1 && clock.sleeping() == 1).await;
        futures::future::join_all((0..3).map(|_| async { http.send(&get(&server)).await })).await
    };
    let time = async {
        // Each of the four has either reached the app or is waiting.
        until(|| seen() + clock.sleeping() == 5).await;
        clock.advance(Duration::from_secs(2));
    };
    let (first, others, ()) = tokio::join!(first, others, time);
    for reply in std::iter::once(first).chain(others) {
        assert_eq!(reply.unwrap().status, 200);
    }
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 5, "one throttled request, its retry and three others");
    let resume = arrivals[0] + Duration::from_secs(2);
    for (i, t) in arrivals.iter().enumerate().skip(1) {
        assert!(*t >= resume, "request {i} reached the app at {t}, inside the 2 s it asked everyone to wait");
    }
}

#[tokio::test]
async fn a_pause_longer_than_the_retry_limit_fails_the_other_requests_without_sending_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .mount(&server)
        .await;
    let http = client(Throttle::Standard);
    let first = http.send(&get(&server)).await.unwrap_err().to_string();
    assert!(first.contains("asked to wait 30 s"), "{first}");
    // The same client, so the same app: the next request is not sent.
    let err = http.send(&get(&server)).await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "the second request was held back");
    let err = err.to_string();
    assert!(
        err.contains("the app throttled an earlier request and asked every request to wait 30 s more")
            && err.contains("longer than the 5 s left of keyward's 5 s retry limit"),
        "{err}"
    );
}
