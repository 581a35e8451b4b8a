#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! Token sources against stubbed token endpoints: the Google service
//! account's RS256 assertion, Microsoft's client-credentials form, the
//! cached token on the API calls, refresh on expiry and on 401, and
//! refusals that name the endpoint's words but never a key or secret.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use http::Method;
use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use keyward_http::{
    Auth, GoogleServiceAccount, HttpClient, HttpError, HttpSettings, MicrosoftClientCredentials, Request, RetryPolicy,
    Secret,
};
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("data/test-only-rsa-key.pem");
const PUBLIC_KEY: &str = include_str!("data/test-only-rsa-key.pub.pem");
const CLIENT_EMAIL: &str = "keyward@example-project.iam.gserviceaccount.com";
const ADMIN: &str = "admin@example.com";
const SCOPES: [&str; 2] = [
    "https://www.googleapis.com/auth/admin.directory.user",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
];
const USERS: &str = "/admin/directory/v1/users";
/// Distinctive, so its absence from every error string means something.
const CLIENT_SECRET: &str = "kw-CLIENT-SECRET-5b8e1d";
const TENANT: &str = "contoso.onmicrosoft.com";
/// The clock's start, 2026-11-23T10:15:00Z.
const START: i64 = 1_795_428_900;

/// A clock the test moves by hand.
#[derive(Clone)]
struct Clock(Arc<AtomicI64>);

impl Clock {
    fn new() -> Self {
        Self(Arc::new(AtomicI64::new(START)))
    }

    fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    fn install(&self, http: &mut HttpClient) {
        let t = self.0.clone();
        http.set_clock(Arc::new(move || Timestamp::from_second(t.load(Ordering::SeqCst)).unwrap()));
    }
}

/// Issues `token-1`, `token-2`… one per request, as a token endpoint does.
struct Issuer {
    issued: AtomicUsize,
    expires_in: Value,
}

impl Respond for Issuer {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(
                json!({"access_token": format!("token-{n}"), "expires_in": self.expires_in, "token_type": "Bearer"}),
            )
            // Long enough for concurrent requests to arrive while a fetch
            // is on its way; no assertion depends on it.
            .set_delay(Duration::from_millis(20))
    }
}

fn issuer(expires_in: Value) -> Issuer {
    Issuer { issued: AtomicUsize::new(0), expires_in }
}

fn settings() -> HttpSettings {
    let mut s = HttpSettings::new(Some(5), Some(1000));
    s.retry = RetryPolicy {
        max_attempts: 3,
        max_total_wait: Duration::from_secs(2),
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    s
}

fn key_json(token_uri: &str) -> Secret {
    Secret::new(
        json!({
            "type": "service_account",
            "project_id": "example-project",
            "private_key_id": "test-key-1",
            "private_key": PRIVATE_KEY,
            "client_email": CLIENT_EMAIL,
            "client_id": "1234567890",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
        })
        .to_string(),
    )
}

fn google(server: &MockServer, clock: &Clock) -> HttpClient {
    let sa = GoogleServiceAccount::new(key_json(&format!("{}/token", server.uri())), &SCOPES).subject(ADMIN);
    let mut http = HttpClient::new("directory", Auth::GoogleServiceAccount(sa), &settings()).unwrap();
    clock.install(&mut http);
    http
}

fn microsoft(server: &MockServer) -> HttpClient {
    let cc =
        MicrosoftClientCredentials::new(TENANT, "client-app-id", Secret::new(CLIENT_SECRET)).authority(server.uri());
    HttpClient::new("entra", Auth::MicrosoftClientCredentials(cc), &settings()).unwrap()
}

async fn token_endpoint(server: &MockServer, p: &str, respond: impl Respond + 'static) {
    Mock::given(method("POST")).and(path(p)).respond_with(respond).mount(server).await;
}

/// The API: 200 for `Bearer <accepted>`, 401 for any other token.
async fn api_accepting(server: &MockServer, accepted: &str) {
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(header("authorization", format!("Bearer {accepted}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": []})))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": {"code": 401, "message": "Invalid Credentials"}})),
        )
        .mount(server)
        .await;
}

fn users(server: &MockServer) -> Request {
    Request::new(Method::GET, Url::parse(&format!("{}{USERS}", server.uri())).unwrap())
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == p).collect()
}

fn form(r: &wiremock::Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&r.body).into_owned().collect()
}

fn bearers(requests: &[wiremock::Request]) -> Vec<String> {
    requests.iter().map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn google_signs_an_rs256_assertion_and_sends_its_token() {
    let server = MockServer::start().await;
    token_endpoint(&server, "/token", issuer(json!(3600))).await;
    api_accepting(&server, "token-1").await;
    let reply = google(&server, &Clock::new()).send(&users(&server)).await.unwrap();
    assert_eq!(reply.status, 200);

    let token_requests = requests_to(&server, "/token").await;
    assert_eq!(token_requests.len(), 1);
    let t = &token_requests[0];
    assert_eq!(t.headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    assert!(t.headers.get("authorization").is_none(), "the token request carries no bearer");
    let fields = form(t);
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert_eq!(fields["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");

    let assertion = &fields["assertion"];
    let jwt_header = jsonwebtoken::decode_header(assertion).unwrap();
    assert_eq!(jwt_header.alg, Algorithm::RS256);
    assert_eq!(jwt_header.kid.as_deref(), Some("test-key-1"));
    let audience = format!("{}/token", server.uri());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&audience]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    // The assertion is dated by the test's clock, not the machine's.
    validation.validate_exp = false;
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &validation).unwrap().claims;
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["sub"], ADMIN);
    assert_eq!(claims["aud"], audience);
    assert_eq!(claims["scope"], SCOPES.join(" "));
    assert_eq!(claims["iat"], START);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);

    assert_eq!(bearers(&requests_to(&server, USERS).await), ["Bearer token-1"]);
}

#[tokio::test]
async fn a_google_assertion_without_subject_has_no_sub() {
    let server = MockServer::start().await;
    token_endpoint(&server, "/token", issuer(json!(3600))).await;
    api_accepting(&server, "token-1").await;
    let sa = GoogleServiceAccount::new(key_json(&format!("{}/token", server.uri())), &SCOPES[..1]);
    let http = HttpClient::new("directory", Auth::GoogleServiceAccount(sa), &settings()).unwrap();
    http.send(&users(&server)).await.unwrap();
    let assertion = form(&requests_to(&server, "/token").await[0]).remove("assertion").unwrap();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&assertion).unwrap().claims;
    assert!(claims.get("sub").is_none(), "{claims}");
    assert_eq!(claims["scope"], SCOPES[0]);
}

#[tokio::test]
async fn one_token_serves_many_calls_concurrent_or_not() {
    let server = MockServer::start().await;
    token_endpoint(&server, "/token", issuer(json!(3600))).await;
    api_accepting(&server, "token-1").await;
    let http = google(&server, &Clock::new());
    let req = users(&server);
    let replies = futures::future::join_all((0..8).map(|_| http.send(&req))).await;
    assert!(replies.iter().all(|r| r.as_ref().is_ok_and(|r| r.status == 200)));
    for _ in 0..3 {
        assert_eq!(http.send(&req).await.unwrap().status, 200);
    }
    assert_eq!(requests_to(&server, "/token").await.len(), 1);
    assert_eq!(requests_to(&server, USERS).await.len(), 11);
}

#[tokio::test]
async fn the_token_is_fetched_again_a_minute_before_it_expires() {
    let server = MockServer::start().await;
    token_endpoint(&server, "/token", issuer(json!(3600))).await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": []})))
        .mount(&server)
        .await;
    let clock = Clock::new();
    let http = google(&server, &clock);
    let req = users(&server);
    http.send(&req).await.unwrap();
    clock.advance(3539);
    http.send(&req).await.unwrap();
    assert_eq!(requests_to(&server, "/token").await.len(), 1, "61 s left: still good");
    clock.advance(2);
    http.send(&req).await.unwrap();
    let token_requests = requests_to(&server, "/token").await;
    assert_eq!(token_requests.len(), 2, "59 s left: replaced");
    assert_eq!(bearers(&requests_to(&server, USERS).await), ["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    // The new assertion is dated by the clock too.
    let claims =
        jsonwebtoken::dangerous::insecure_decode::<Value>(&form(&token_requests[1])["assertion"]).unwrap().claims;
    assert_eq!(claims["iat"], START + 3541);
}

#[tokio::test]
async fn a_401_fetches_one_new_token_and_a_second_401_is_final() {
    for (accepted, status) in [("token-2", 200), ("never-issued", 401)] {
        let server = MockServer::start().await;
        token_endpoint(&server, "/token", issuer(json!(3600))).await;
        api_accepting(&server, accepted).await;
        let reply = google(&server, &Clock::new()).send(&users(&server)).await.unwrap();
        assert_eq!(reply.status, status, "{accepted}");
        assert_eq!(requests_to(&server, "/token").await.len(), 2, "{accepted}");
        assert_eq!(bearers(&requests_to(&server, USERS).await), ["Bearer token-1", "Bearer token-2"], "{accepted}");
    }
}

#[tokio::test]
async fn a_static_bearer_gets_no_second_try_on_401() {
    let server = MockServer::start().await;
    api_accepting(&server, "right-token").await;
    let http = HttpClient::bearer("app", Secret::new("wrong-token"), &settings()).unwrap();
    assert_eq!(http.send(&users(&server)).await.unwrap().status, 401);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn invalid_grant_is_a_credentials_error_with_the_endpoints_words() {
    let server = MockServer::start().await;
    let refusal = ResponseTemplate::new(400)
        .set_body_json(json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}));
    token_endpoint(&server, "/token", refusal).await;
    api_accepting(&server, "token-1").await;
    let http = google(&server, &Clock::new());
    let req = users(&server);
    let results = futures::future::join_all((0..4).map(|_| http.send(&req))).await;
    let token_requests = requests_to(&server, "/token").await;
    assert_eq!(token_requests.len(), 1, "callers waiting on a failed fetch share its failure");
    assert!(requests_to(&server, USERS).await.is_empty());
    let assertion = form(&token_requests[0]).remove("assertion").unwrap();
    for result in results {
        let err = result.unwrap_err();
        let HttpError::Credentials { app, what, why } = &err else { panic!("{err:?}") };
        assert_eq!((app.as_str(), what.as_str()), ("directory", "Google service account key"));
        let text = format!("{err} {err:?}");
        assert!(why.contains("invalid_grant: Invalid JWT Signature."), "{why}");
        assert!(why.contains(&format!("{}/token", server.uri())), "names the endpoint: {why}");
        assert!(!text.contains("PRIVATE KEY") && !text.contains(&PRIVATE_KEY[40..80]), "{text}");
        assert!(!text.contains(&assertion), "{text}");
    }
    // A later call asks again: a refusal is not remembered for good.
    assert!(http.send(&req).await.is_err());
    assert_eq!(requests_to(&server, "/token").await.len(), 2);
}

#[tokio::test]
async fn a_token_endpoint_outage_is_retried_like_any_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_endpoint(&server, "/token", issuer(json!(3600))).await;
    api_accepting(&server, "token-1").await;
    assert_eq!(google(&server, &Clock::new()).send(&users(&server)).await.unwrap().status, 200);
    assert_eq!(requests_to(&server, "/token").await.len(), 2);

    let down = MockServer::start().await;
    token_endpoint(&down, "/token", Echo).await;
    let err = google(&down, &Clock::new()).send(&users(&down)).await.unwrap_err();
    let token_requests = requests_to(&down, "/token").await;
    assert_eq!(token_requests.len(), 3, "the policy's attempts");
    let HttpError::Call { call, status, problem, .. } = &err else { panic!("{err:?}") };
    assert_eq!((call.as_str(), *status), (format!("POST {}/token", down.uri()).as_str(), Some(503)));
    assert!(problem.contains("cannot get an access token (Google service account key)"), "{problem}");
    assert!(problem.contains("grant_type=urn"), "the echo is quoted: {problem}");
    for r in &token_requests {
        let assertion = &form(r)["assertion"];
        assert!(!problem.contains(&assertion[..40]), "not even the start of an assertion: {problem}");
    }
}

/// A failing endpoint that quotes the request back, as some error pages do.
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        ResponseTemplate::new(503).set_body_bytes(request.body.clone())
    }
}

#[tokio::test]
async fn microsoft_posts_the_client_credentials_form_and_sends_the_token() {
    let server = MockServer::start().await;
    let token_path = format!("/{TENANT}/oauth2/v2.0/token");
    // Older endpoints send expires_in as a string.
    token_endpoint(&server, &token_path, issuer(json!("3599"))).await;
    api_accepting(&server, "token-1").await;
    let http = microsoft(&server);
    for _ in 0..2 {
        assert_eq!(http.send(&users(&server)).await.unwrap().status, 200);
    }
    let token_requests = requests_to(&server, &token_path).await;
    assert_eq!(token_requests.len(), 1);
    assert_eq!(token_requests[0].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    let fields = form(&token_requests[0]);
    let expected: HashMap<String, String> = [
        ("client_id", "client-app-id"),
        ("client_secret", CLIENT_SECRET),
        ("scope", "https://graph.microsoft.com/.default"),
        ("grant_type", "client_credentials"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(fields, expected);
    assert_eq!(bearers(&requests_to(&server, USERS).await), ["Bearer token-1", "Bearer token-1"]);
    assert!(!format!("{http:?}").contains(CLIENT_SECRET) && !format!("{http:?}").contains("token-1"), "{http:?}");
}

#[tokio::test]
async fn a_refused_client_secret_is_named_by_the_description_not_the_secret() {
    let server = MockServer::start().await;
    let refusal = ResponseTemplate::new(401).set_body_json(json!({
        "error": "invalid_client",
        "error_description": format!("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'client-app-id'. Secret sent: {CLIENT_SECRET}"),
        "error_codes": [7000215],
        "trace_id": "0f9e"
    }));
    token_endpoint(&server, &format!("/{TENANT}/oauth2/v2.0/token"), refusal).await;
    let err = microsoft(&server).send(&users(&server)).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, HttpError::Credentials { .. }), "{err:?}");
    assert!(text.contains("invalid_client: AADSTS7000215: Invalid client secret provided."), "{text}");
    assert!(text.contains("/contoso.onmicrosoft.com/oauth2/v2.0/token"), "{text}");
    assert!(!text.contains(CLIENT_SECRET), "even when the endpoint echoes it: {text}");
}

#[test]
fn unusable_keys_fail_when_the_client_is_built() {
    let build = |key: &str| {
        let sa = GoogleServiceAccount::new(Secret::new(key), &SCOPES).subject(ADMIN);
        HttpClient::new("directory", Auth::GoogleServiceAccount(sa), &settings()).unwrap_err().to_string()
    };
    let garbage = "-----BEGIN PRIVATE KEY-----\nkw-NOT-A-KEY-3f9a\n-----END PRIVATE KEY-----\n";
    let cases = [
        ("kw-NOT-A-KEY-3f9a".to_owned(), "not JSON"),
        (
            json!({"type": "authorized_user", "client_id": "x", "refresh_token": "kw-NOT-A-KEY-3f9a"}).to_string(),
            "not a service account key",
        ),
        (json!({"type": "service_account", "private_key": PRIVATE_KEY}).to_string(), "no `client_email`"),
        (json!({"type": "service_account", "client_email": CLIENT_EMAIL}).to_string(), "no `private_key`"),
        (json!({"client_email": CLIENT_EMAIL, "private_key": garbage}).to_string(), "not an RSA private key"),
        (
            json!({"client_email": CLIENT_EMAIL, "private_key": PRIVATE_KEY, "token_uri": "oauth2/token"}).to_string(),
            "not an http(s) URL",
        ),
    ];
    for (key, expected) in cases {
        let err = build(&key);
        assert!(err.starts_with("directory: cannot use the Google service account key: "), "{err}");
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!err.contains("kw-NOT-A-KEY") && !err.contains(&PRIVATE_KEY[40..80]), "{err}");
    }
    let sa = GoogleServiceAccount::new(key_json("https://oauth2.googleapis.com/token"), &[]);
    let err = HttpClient::new("directory", Auth::GoogleServiceAccount(sa), &settings()).unwrap_err().to_string();
    assert!(err.contains("no OAuth scope"), "{err}");
}

#[test]
fn google_client_debug_shows_neither_key_nor_token() {
    let sa = GoogleServiceAccount::new(key_json("https://oauth2.googleapis.com/token"), &SCOPES);
    let auth = Auth::GoogleServiceAccount(sa);
    let http = HttpClient::new("directory", auth.clone(), &settings()).unwrap();
    for text in [format!("{auth:?}"), format!("{http:?}")] {
        assert!(!text.contains(&PRIVATE_KEY[40..80]) && !text.contains("PRIVATE KEY"), "{text}");
    }
    assert!(format!("{http:?}").contains("Google service account key at https://oauth2.googleapis.com/token"));
}
