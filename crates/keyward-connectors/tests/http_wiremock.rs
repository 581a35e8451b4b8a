#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The `http` connector's own rules against request-level stubs, apart
//! from any vendor: each paging style to the end, listings refused rather
//! than cut short (a `records` query that selects nothing, an API that
//! ignores the paging parameter, a total that does not add up, a next URL
//! on another origin, a runaway listing), each way to authenticate, and a
//! declared throttle.

mod common;

use base64::Engine as _;
use common::fast;
use keyward_connectors::rest::HttpApi;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "kw-HTTP-test-secret-93b1";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

struct Setup {
    server: MockServer,
    api: HttpApi,
    _dir: tempfile::TempDir,
}

/// An `http` Application with `auth` and `accounts` (YAML, indented under
/// `http:`), at a new stub server.
async fn setup(auth: &str, accounts: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
    let uri = server.uri();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: tool}}\nspec:\n  apply: {{requestsPerSecond: 1000}}\n  connector:\n    http:\n      baseUrl: \"{uri}/api\"\n{auth}{accounts}"
    )
    .replace("TOKEN_URL", &format!("{uri}/oauth/token"));
    let loaded =
        PolicySet::load("test", vec![SourceFile { path: dir.path().join("tool.yaml").display().to_string(), text }])
            .unwrap_or_else(|d| panic!("{d:?}"));
    let set = loaded.set;
    let app = &set.applications[0];
    let spec = app.spec.connector.http.as_ref().unwrap();
    let api =
        HttpApi::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable()).unwrap().with_retry(fast());
    Setup { server, api, _dir: dir }
}

const BEARER: &str = "      auth: {bearer: {token: {file: secret.txt}}}\n";

fn listing(paging: &str) -> String {
    format!(
        "      accounts:\n        request: {{path: /users}}\n        records: $.data\n{paging}        fields: {{id: $.id, email: $.email}}\n"
    )
}

fn users(ids: std::ops::Range<u32>) -> Value {
    Value::Array(ids.map(|i| json!({"id": i, "email": format!("u{i}@example.com")})).collect())
}

fn ids(l: &keyward_core::account::AccountListing) -> Vec<String> {
    l.accounts.iter().map(|a| a.id.to_string()).collect()
}

fn partial(e: ConnectorError) -> String {
    let text = e.to_string();
    assert!(!text.contains(SECRET), "{text}");
    assert!(matches!(e, ConnectorError::Partial { .. }), "{e:?}");
    text
}

#[tokio::test]
async fn page_numbers_run_until_a_short_page() {
    let s =
        setup(BEARER, &listing("        paging: {pageNumber: {param: page, sizeParam: per_page, size: 2}}\n")).await;
    for (page, range) in [("1", 0..2), ("2", 2..4), ("3", 4..5)] {
        Mock::given(method("GET"))
            .and(path("/api/users"))
            .and(query_param("page", page))
            .and(query_param("per_page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(range)})))
            .mount(&s.server)
            .await;
    }
    assert_eq!(ids(&s.api.list().await.unwrap()), ["0", "1", "2", "3", "4"]);
    assert_eq!(s.server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_api_that_ignores_the_page_parameter_is_caught_not_looped() {
    let s =
        setup(BEARER, &listing("        paging: {pageNumber: {param: pagenum, sizeParam: per_page, size: 2}}\n")).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(0..2)})))
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("came twice") && e.contains("ignores the paging parameters"), "{e}");
    assert_eq!(s.server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn link_headers_are_followed_on_the_api_origin_only() {
    let s = setup(BEARER, &listing("        paging: {linkHeader: {}}\n")).await;
    let uri = s.server.uri();
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{uri}/api/users?after=2>; rel=\"next\", <{uri}/api/users>; rel=\"self\"").as_str(),
                )
                .set_body_json(json!({"data": users(0..2)})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .and(query_param("after", "2"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", "<https://evil.example.net/steal?after=4>; rel=\"next\"")
                .set_body_json(json!({"data": users(2..4)})),
        )
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("https://evil.example.net") && e.contains("does not send its credential there"), "{e}");
}

#[tokio::test]
async fn next_urls_and_offsets_read_to_the_end_and_totals_must_add_up() {
    let s =
        setup(BEARER, &listing("        paging: {nextUrl: {from: $.links.next}}\n        total: $.meta.total\n")).await;
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": users(0..2), "links": {"next": "users?cursor=b"}, "meta": {"total": 3}})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .and(query_param("cursor", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(2..4), "links": {"next": null}})))
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("said it has 3 accounts") && e.contains("held 4"), "{e}");

    let s = setup(BEARER, &listing("        paging: {offset: {param: skip, limitParam: take, limit: 2}}\n")).await;
    for (skip, range) in [("0", 0..2), ("2", 2..3)] {
        Mock::given(method("GET"))
            .and(query_param("skip", skip))
            .and(query_param("take", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(range)})))
            .mount(&s.server)
            .await;
    }
    assert_eq!(ids(&s.api.list().await.unwrap()), ["0", "1", "2"]);
}

#[tokio::test]
async fn a_records_query_that_selects_nothing_refuses_the_listing() {
    let s = setup(BEARER, &listing("")).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": users(0..2), "total": 2})))
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("nothing at `records: $.data`") && e.contains("`total`, `users`"), "{e}");
}

#[tokio::test]
async fn a_repeated_cursor_and_a_runaway_listing_stop() {
    let s = setup(BEARER, &listing("        paging: {cursor: {from: $.next, param: c}}\n")).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "next": "same"})))
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("same cursor"), "{e}");

    let s = setup(BEARER, &listing("        paging: {cursor: {from: $.next, param: c}}\n        maxPages: 3\n")).await;
    Mock::given(method("GET"))
        .respond_with(|r: &wiremock::Request| {
            let n: u32 = r.url.query_pairs().find(|(k, _)| k == "c").map_or(0, |(_, v)| v.parse().unwrap());
            ResponseTemplate::new(200).set_body_json(json!({"data": users(n..n + 1), "next": (n + 1).to_string()}))
        })
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("more than 3 pages"), "{e}");
}

#[tokio::test]
async fn a_cursor_in_a_request_of_its_own() {
    let paging = "        paging:\n          cursor:\n            from: $.cursor\n            hasMore: $.has_more\n            request: {method: POST, path: /users/continue, body: '{\"cursor\": \"{{cursor}}\"}'}\n";
    let s = setup(BEARER, &listing(paging)).await;
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": users(0..1), "cursor": "k\"1", "has_more": true})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/users/continue"))
        .and(wiremock::matchers::body_json(json!({"cursor": "k\"1"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": users(1..2), "cursor": "k2", "has_more": false})),
        )
        .mount(&s.server)
        .await;
    assert_eq!(ids(&s.api.list().await.unwrap()), ["0", "1"]);
}

#[tokio::test]
async fn api_keys_basic_and_client_credentials_authenticate_and_never_leak() {
    let api_key = "      auth: {apiKey: {header: X-Api-Token, prefix: \"Token \", key: {file: secret.txt}}}\n";
    let s = setup(api_key, &listing("")).await;
    Mock::given(method("GET"))
        .and(header("x-api-token", format!("Token {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(0..1)})))
        .mount(&s.server)
        .await;
    assert_eq!(ids(&s.api.list().await.unwrap()), ["0"]);

    let basic = "      auth: {basic: {username: admin@example.com/token, password: {file: secret.txt}}}\n";
    let s = setup(basic, &listing("")).await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("admin@example.com/token:{SECRET}"));
    Mock::given(method("GET"))
        .and(header("authorization", format!("Basic {encoded}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!("bad credentials {encoded} for {SECRET}")))
        .mount(&s.server)
        .await;
    let e = s.api.list().await.unwrap_err().to_string();
    assert!(!e.contains(SECRET) && !e.contains(&encoded), "{e}");
    assert!(e.contains("401"), "{e}");

    // Zoom's way: basic client authentication, its own grant type and field.
    let oauth = "      auth:\n        oauth2: {tokenUrl: TOKEN_URL, clientId: cid, clientSecret: {file: secret.txt}, grantType: account_credentials, params: {account_id: acc-1}, clientAuth: basic}\n";
    let s = setup(oauth, &listing("")).await;
    let client = base64::engine::general_purpose::STANDARD.encode(format!("cid:{SECRET}"));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", format!("Basic {client}").as_str()))
        .and(body_string_contains("grant_type=account_credentials"))
        .and(body_string_contains("account_id=acc-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "at-1", "token_type": "bearer", "expires_in": 3599})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .and(header("authorization", "Bearer at-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(0..1)})))
        .mount(&s.server)
        .await;
    // The token is fetched once and kept for both listings.
    s.api.list().await.unwrap();
    s.api.list().await.unwrap();
    let token_form =
        s.server.received_requests().await.unwrap().into_iter().find(|r| r.url.path() == "/oauth/token").unwrap();
    assert!(
        !String::from_utf8_lossy(&token_form.body).contains(SECRET),
        "basic client auth keeps the secret out of the form"
    );

    // The standard way: the secret in the form; a refusal says why without it.
    let oauth = "      auth:\n        oauth2: {tokenUrl: TOKEN_URL, clientId: cid, clientSecret: {file: secret.txt}, scopes: [users.read, users.write]}\n";
    let s = setup(oauth, &listing("")).await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("scope=users.read+users.write"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"error": "invalid_client", "error_description": format!("unknown secret {SECRET}")}),
            ),
        )
        .mount(&s.server)
        .await;
    let e = s.api.list().await.unwrap_err().to_string();
    assert!(e.contains("invalid_client") && !e.contains(SECRET), "{e}");
}

#[tokio::test]
async fn a_declared_throttle_is_waited_out() {
    let throttle =
        format!("{BEARER}      throttle: {{statuses: [403], resetHeader: X-Rate-Reset, resetFormat: seconds}}\n");
    let s = setup(&throttle, &listing("")).await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-rate-reset", "0")
                .set_body_json(json!({"message": "slow down"})),
        )
        .up_to_n_times(2)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": users(0..1)})))
        .mount(&s.server)
        .await;
    assert_eq!(ids(&s.api.list().await.unwrap()), ["0"]);
    assert_eq!(s.server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn more_listings_join_the_first_and_an_account_in_two_refuses_them() {
    let accounts = "      accounts:\n        request: {path: /users, query: {status: active}}\n        moreRequests: [{path: /users, query: {status: inactive}}]\n        records: $.data\n        fields: {id: $.id, email: $.email, status: $.status}\n";
    let s = setup(BEARER, accounts).await;
    Mock::given(method("GET"))
        .and(query_param("status", "active"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1, "status": "active"}]})))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("status", "inactive"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 2, "status": "inactive"}]})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    let l = s.api.list().await.unwrap();
    assert_eq!(ids(&l), ["1", "2"]);
    assert_eq!(l.accounts[1].status, keyward_core::account::AccountStatus::Suspended);
    // Deactivated while the listing was read: in both listings.
    Mock::given(method("GET"))
        .and(query_param("status", "inactive"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1, "status": "inactive"}]})))
        .mount(&s.server)
        .await;
    let e = partial(s.api.list().await.unwrap_err());
    assert!(e.contains("`1` came twice"), "{e}");
}

#[tokio::test]
async fn one_person_is_looked_up_by_address_and_a_404_is_no_account() {
    let accounts = "      accounts:\n        request: {path: /users}\n        records: $.data\n        lookup: {path: '/users/{{email}}'}\n        lookupRecords: $\n        fields: {id: $.id, email: $.email}\n";
    let s = setup(BEARER, accounts).await;
    Mock::given(method("GET"))
        .and(path("/api/users/taro@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7, "email": "taro@example.com"})))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users/nobody@example.com"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "not found"})))
        .mount(&s.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E1".into()],
        emails: vec!["taro@example.com".into(), "nobody@example.com".into()],
        user_names: vec![],
    };
    let found = s.api.find(&keys).await.unwrap();
    assert_eq!(ids(&found), ["7"]);
    let requests = s.server.received_requests().await.unwrap();
    // Two lookups, never the whole listing.
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.path() != "/api/users"));
}

#[tokio::test]
async fn an_app_matched_by_more_than_e_mail_reads_the_whole_listing_instead() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: tool}}\nspec:\n  correlate: [{{employeeId: {{}}}}]\n  connector:\n    http:\n      baseUrl: \"{}/api\"\n{BEARER}      accounts:\n        request: {{path: /users}}\n        records: $.data\n        lookup: {{path: '/users/{{{{email}}}}'}}\n        fields: {{id: $.id, email: $.email, externalId: $.emp}}\n",
        server.uri()
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("t.yaml").display().to_string(), text }])
        .unwrap_or_else(|d| panic!("{d:?}"))
        .set;
    let app = &set.applications[0];
    let api = HttpApi::new(
        &set.locator(&app.origin),
        app,
        app.spec.connector.http.as_ref().unwrap(),
        &ClusterSecrets::unavailable(),
    )
    .unwrap()
    .with_retry(fast());
    Mock::given(method("GET"))
        .and(path("/api/users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1, "emp": "E1"}, {"id": 2, "emp": "E2"}]})),
        )
        .mount(&server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E1".into()],
        emails: vec!["a@example.com".into()],
        user_names: vec![],
    };
    assert_eq!(ids(&api.find(&keys).await.unwrap()), ["1", "2"]);
}
