#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Google Workspace PeopleSource against request-level stubs shaped as
//! Google documents the Directory API: `GET /admin/directory/v1/users`
//! paged by `pageToken`/`nextPageToken`, a service-account token from the
//! key's `token_uri`, `projection=custom` with the `customFieldMask` of the
//! schemas read, throttling as 403 `userRateLimitExceeded`, and errors
//! as `{error: {code, message, errors[{reason}]}}`.

mod common;

use common::{fast, load_people_yaml};
use jiff::civil::date;
use keyward_core::resources::HrStatus;
use keyward_core::{People, PolicySet, Post};
use keyward_sources::{ReadOptions, SourceError, read_people_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("../../keyward-http/tests/data/test-only-rsa-key.pem");
const USERS: &str = "/admin/directory/v1/users";
const ADMIN: &str = "admin@example.com";
/// Distinctive, so its absence from every error string means something.
const ACCESS_TOKEN: &str = "ya29.TEST-ACCESS-TOKEN-7f3a";

struct Setup {
    server: MockServer,
    set: PolicySet,
    _dir: tempfile::TempDir,
}

impl Setup {
    /// A PeopleSource reading the stub, with `extra` lines under `googleWorkspace:`.
    async fn new(extra: &str) -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let key = json!({
            "type": "service_account",
            "project_id": "example-project",
            "private_key_id": "test-key-1",
            "private_key": PRIVATE_KEY,
            "client_email": "keyward@example-project.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": format!("{}/token", server.uri()),
        });
        std::fs::write(dir.path().join("google-key.json"), key.to_string()).unwrap();
        let text = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: workspace}}\nspec:\n  googleWorkspace:\n    serviceAccountKey: {{file: google-key.json}}\n    subject: {ADMIN}\n    directoryUrl: \"{}/admin/directory/v1\"\n{extra}",
            server.uri()
        );
        let set = load_people_yaml(dir.path(), text);
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
            )
            .mount(&server)
            .await;
        Self { server, set, _dir: dir }
    }

    async fn read(&self) -> Result<People, SourceError> {
        read_people_with(&self.set, &ReadOptions { retry: Some(fast()), ..ReadOptions::default() }).await
    }

    async fn requests(&self, p: &str) -> Vec<Request> {
        self.server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == p).collect()
    }

    /// Serves the page asked for with `token` (`None`: the first page).
    async fn serve(&self, token: Option<&str>, response: ResponseTemplate) {
        let m = Mock::given(method("GET")).and(path(USERS));
        let m = match token {
            Some(t) => m.and(query_param("pageToken", t)),
            None => m.and(query_param_is_missing("pageToken")),
        };
        m.respond_with(response).mount(&self.server).await;
    }
}

fn page(users: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
    let mut body = json!({"kind": "admin#directory#users", "etag": "\"e\"", "users": users});
    if let Some(n) = next {
        body["nextPageToken"] = json!(n);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// A user as the Directory API returns it with `projection=full`.
fn user(n: u32, extra: Value) -> Value {
    let mut u = json!({
        "kind": "admin#directory#user",
        "id": format!("10{n:04}"),
        "primaryEmail": format!("user{n}@example.com"),
        "name": {"givenName": "Taro", "familyName": format!("Yamada{n}"), "fullName": format!("Taro Yamada{n}")},
        "isAdmin": false,
        "suspended": false,
        "archived": false,
        "orgUnitPath": "/Employees",
        "externalIds": [{"value": format!("E{n:04}"), "type": "organization"}],
        "organizations": [{"title": "Engineer", "primary": true, "department": "Engineering", "description": "Full time"}],
        "relations": [{"value": "boss@example.com", "type": "manager"}],
    });
    for (k, v) in extra.as_object().unwrap() {
        u[k] = v.clone();
    }
    u
}

fn users(range: std::ops::RangeInclusive<u32>) -> Vec<Value> {
    range.map(|n| user(n, json!({}))).collect()
}

fn data_errors(e: SourceError) -> String {
    match e {
        SourceError::Data(d) => d.to_string(),
        other => panic!("expected data problems, got {other}"),
    }
}

/// The claims of a JWT, without checking its signature (the HTTP
/// client's own tests do that).
fn jwt_claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut bits, mut n, mut out) = (0u32, 0u32, Vec::new());
    for c in payload.bytes().filter(|c| *c != b'=') {
        bits = (bits << 6) | alphabet.iter().position(|a| *a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    serde_json::from_slice(&out).unwrap()
}

fn query(r: &Request, key: &str) -> Option<String> {
    r.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn every_page_is_read_along_the_page_token_with_one_token_exchange() {
    let s = Setup::new("").await;
    let mut last = users(201..=205);
    last.push(user(999, json!({"suspended": true})));
    s.serve(None, page(users(1..=100), Some("tok-2"))).await;
    s.serve(Some("tok-2"), page(users(101..=200), Some("tok-3"))).await;
    s.serve(Some("tok-3"), page(last, None)).await;

    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 206);
    let p = people.get(people.find("E0001").unwrap()).unwrap();
    assert_eq!(p.email.as_deref(), Some("user1@example.com"));
    assert_eq!(p.name.as_deref(), Some("Taro Yamada1"));
    assert_eq!(p.posts, [Post { department: Some("Engineering".into()), title: Some("Engineer".into()) }]);
    assert_eq!(p.employment_type.as_deref(), Some("full-time"), "organizations[].description `Full time`");
    assert_eq!(p.manager.as_deref(), Some("boss@example.com"));
    assert_eq!(p.status, HrStatus::Active);
    let gone = people.get(people.find("E0999").unwrap()).unwrap();
    assert_eq!(gone.status, HrStatus::Terminated, "a suspended user is a leaver");
    assert_eq!(gone.status_label.as_deref(), Some("suspended"));

    let requests = s.requests(USERS).await;
    let tokens: Vec<Option<String>> = requests.iter().map(|r| query(r, "pageToken")).collect();
    assert_eq!(tokens, [None, Some("tok-2".into()), Some("tok-3".into())]);
    for r in &requests {
        assert_eq!(query(r, "customer").as_deref(), Some("my_customer"));
        assert_eq!(query(r, "projection").as_deref(), Some("basic"), "no custom schema is read");
        assert_eq!(query(r, "customFieldMask"), None);
        assert_eq!(query(r, "maxResults").as_deref(), Some("500"));
        assert_eq!(query(r, "query"), None, "no filter: suspended users must be seen");
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {ACCESS_TOKEN}"));
    }
    let token_requests = s.requests("/token").await;
    assert_eq!(token_requests.len(), 1, "one token serves every page");
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&token_requests[0].body).into_owned().collect();
    assert_eq!(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
    let claims = jwt_claims(&form["assertion"]);
    assert_eq!(claims["sub"], ADMIN);
    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/admin.directory.user.readonly");
}

#[tokio::test]
async fn a_domain_an_org_unit_and_a_query_are_sent_as_one_search() {
    let s =
        Setup::new("    domain: example.co.jp\n    query: isAdmin=false\n    orgUnitPath: /Employees/Sales\n").await;
    s.serve(None, page(users(1..=2), None)).await;
    assert_eq!(s.read().await.unwrap().len(), 2);
    let r = &s.requests(USERS).await[0];
    assert_eq!(query(r, "domain").as_deref(), Some("example.co.jp"));
    assert_eq!(query(r, "customer"), None);
    assert_eq!(query(r, "query").as_deref(), Some("isAdmin=false orgUnitPath='/Employees/Sales'"));
}

#[tokio::test]
async fn a_page_that_fails_fails_the_read() {
    let s = Setup::new("").await;
    s.serve(None, page(users(1..=100), Some("tok-2"))).await;
    s.serve(
        Some("tok-2"),
        ResponseTemplate::new(503).set_body_json(json!({"error": {"code": 503, "message": "Backend Error"}})),
    )
    .await;
    let e = s.read().await.unwrap_err();
    let SourceError::Http { source_name, .. } = &e else { panic!("expected an HTTP error, got {e}") };
    assert_eq!(source_name, "workspace");
    let msg = e.to_string();
    assert!(msg.contains("GET ") && msg.contains("pageToken=tok-2"), "{msg}");
    assert_eq!(s.requests(USERS).await.len(), 1 + 3, "the failing page is tried three times");
}

#[tokio::test]
async fn a_page_token_that_comes_back_is_a_partial_listing() {
    let s = Setup::new("").await;
    s.serve(None, page(users(1..=2), Some("tok-2"))).await;
    s.serve(Some("tok-2"), page(users(3..=4), Some("tok-2"))).await;
    let e = s.read().await.unwrap_err();
    assert!(matches!(e, SourceError::Partial { .. }), "{e}");
    assert!(e.to_string().contains("already followed"), "{e}");
    assert!(e.to_string().contains("nothing is planned"), "{e}");
}

#[tokio::test]
async fn a_page_of_users_already_read_that_points_further_is_partial() {
    let s = Setup::new("").await;
    s.serve(None, page(users(1..=2), Some("tok-2"))).await;
    s.serve(Some("tok-2"), page(users(1..=2), Some("tok-3"))).await;
    let e = s.read().await.unwrap_err();
    assert!(e.to_string().contains("no user not already read"), "{e}");
}

#[tokio::test]
async fn a_rate_limit_403_is_retried_and_the_read_goes_on() {
    let s = Setup::new("").await;
    let throttled = json!({"error": {"code": 403, "message": "Quota exceeded for quota metric 'Queries'",
        "errors": [{"message": "Quota exceeded", "domain": "usageLimits", "reason": "userRateLimitExceeded"}]}});
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("pageToken", "tok-2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(throttled))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    s.serve(None, page(users(1..=2), Some("tok-2"))).await;
    s.serve(Some("tok-2"), page(users(3..=4), None)).await;
    assert_eq!(s.read().await.unwrap().len(), 4);
    assert_eq!(s.requests(USERS).await.len(), 3);
}

#[tokio::test]
async fn a_final_403_names_the_call_and_the_fix_never_the_token() {
    let s = Setup::new("").await;
    let refused = json!({"error": {"code": 403, "message": "Not Authorized to access this resource/api",
        "errors": [{"message": "Not Authorized to access this resource/api", "domain": "global", "reason": "forbidden"}]}});
    s.serve(None, ResponseTemplate::new(403).set_body_json(refused)).await;
    let e = s.read().await.unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&format!("GET {}{USERS}?customer=my_customer", s.server.uri())), "{msg}");
    assert!(msg.contains("domain-wide delegation"), "{msg}");
    assert!(msg.contains("Not Authorized"), "{msg}");
    assert!(!msg.contains(ACCESS_TOKEN) && !msg.contains("PRIVATE KEY"), "{msg}");
    assert_eq!(s.requests(USERS).await.len(), 1, "a refusal is not retried");
}

#[tokio::test]
async fn custom_schemas_and_value_maps_map_to_keywards_vocabulary() {
    let s = Setup::new(
        "    fields:
      id: customSchemas.HR.EmployeeNumber
      employmentType: customSchemas.HR.EmploymentType
      startDate: customSchemas.HR.StartDate
      endDate: customSchemas.HR.LastDay
      department: organizations[*].department
      title: organizations[*].title
    attributes: {github: customSchemas.HR.GitHubLogin, ou: orgUnitPath}
    values:
      employmentType: {嘱託: contract}
      status: {suspended: on-leave}
",
    )
    .await;
    let hr = |number: &str, kind: &str| json!({"HR": {"EmployeeNumber": number, "EmploymentType": kind, "StartDate": "2021-04-01", "GitHubLogin": format!("gh-{number}")}});
    s.serve(
        None,
        page(
            vec![
                user(
                    1,
                    json!({"customSchemas": hr("1001", "正社員"), "organizations": [
                        {"department": "営業本部 / 第一営業部", "title": "部長", "primary": true},
                        {"department": "DX推進室"},
                    ]}),
                ),
                user(2, json!({"customSchemas": hr("1002", "嘱託"), "suspended": true})),
                user(3, json!({"customSchemas": {"HR": {"EmployeeNumber": "1003", "LastDay": "2026-03-31"}}})),
            ],
            None,
        ),
    )
    .await;
    let people = s.read().await.unwrap();
    let one = people.get(people.find("1001").unwrap()).unwrap();
    assert_eq!(one.employment_type.as_deref(), Some("full-time"));
    assert_eq!(one.start_date, Some(date(2021, 4, 1)));
    assert_eq!(
        one.posts,
        [
            Post { department: Some("営業本部/第一営業部".into()), title: Some("部長".into()) },
            Post { department: Some("DX推進室".into()), title: None },
        ]
    );
    assert_eq!(one.attributes["github"], "gh-1001");
    assert_eq!(one.attributes["ou"], "/Employees");
    let two = people.get(people.find("1002").unwrap()).unwrap();
    assert_eq!(two.employment_type.as_deref(), Some("contract"));
    assert_eq!(two.status, HrStatus::OnLeave, "the policy maps suspended to on-leave");
    let three = people.get(people.find("1003").unwrap()).unwrap();
    assert_eq!(three.end_date, Some(date(2026, 3, 31)));
    assert_eq!(three.employment_type, None);
    let r = &s.requests(USERS).await[0];
    assert_eq!(query(r, "projection").as_deref(), Some("custom"));
    assert_eq!(query(r, "customFieldMask").as_deref(), Some("HR"), "the schema the paths read");
}

#[tokio::test]
async fn an_unknown_label_is_an_error_naming_the_user_and_the_path() {
    let s = Setup::new("    fields: {employmentType: customSchemas.HR.EmploymentType}\n").await;
    s.serve(
        None,
        page(
            vec![user(1, json!({})), user(2, json!({"customSchemas": {"HR": {"EmploymentType": "インターン"}}}))],
            None,
        ),
    )
    .await;
    let msg = data_errors(s.read().await.unwrap_err());
    assert!(msg.contains("Google user user2@example.com"), "{msg}");
    assert!(msg.contains("unknown employment type `インターン` in customSchemas.HR.EmploymentType"), "{msg}");
    assert!(msg.contains("spec.googleWorkspace.values.employmentType"), "{msg}");
}

#[tokio::test]
async fn active_users_need_an_employee_number_suspended_ones_without_are_left_out() {
    let s = Setup::new("").await;
    s.serve(
        None,
        page(
            vec![
                user(1, json!({})),
                user(2, json!({"externalIds": [], "suspended": true, "primaryEmail": "old-svc@example.com"})),
            ],
            None,
        ),
    )
    .await;
    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 1, "the suspended account without a number is no one to follow");

    let s = Setup::new("").await;
    s.serve(None, page(vec![user(1, json!({"externalIds": [{"type": "custom", "value": "x"}]}))], None)).await;
    let msg = data_errors(s.read().await.unwrap_err());
    assert!(
        msg.contains("Google user user1@example.com: has no employee number in externalIds[type=organization].value"),
        "{msg}"
    );
    assert!(msg.contains("Employee ID"), "{msg}");
}

#[tokio::test]
async fn archived_users_are_leavers_too() {
    let s = Setup::new("").await;
    s.serve(None, page(vec![user(1, json!({"archived": true, "suspended": true}))], None)).await;
    let people = s.read().await.unwrap();
    let p = people.get(people.find("E0001").unwrap()).unwrap();
    assert_eq!((p.status, p.status_label.as_deref()), (HrStatus::Terminated, Some("archived")));
}

#[tokio::test]
async fn a_key_that_is_not_a_service_account_key_is_refused_without_quoting_it() {
    let s = Setup::new("").await;
    std::fs::write(s._dir.path().join("google-key.json"), "kw-NOT-A-KEY-0042").unwrap();
    let e = s.read().await.unwrap_err();
    assert!(matches!(e, SourceError::Http { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("workspace"), "{msg}");
    assert!(!msg.contains("kw-NOT-A-KEY-0042"), "{msg}");
    assert!(s.server.received_requests().await.unwrap().is_empty(), "nothing is sent with a broken key");
}

#[tokio::test]
async fn an_empty_path_turns_a_default_off() {
    let s = Setup::new("    fields: {employmentType: \"\"}\n").await;
    let free_text =
        json!({"organizations": [{"department": "Sales", "primary": true, "description": "the sales team"}]});
    s.serve(None, page(vec![user(1, free_text)], None)).await;
    let people = s.read().await.unwrap();
    assert_eq!(people.get(people.find("E0001").unwrap()).unwrap().employment_type, None);
}

#[tokio::test]
async fn two_users_with_one_employee_number_are_an_error_naming_both() {
    let s = Setup::new("").await;
    let old = user(2, json!({"suspended": true, "externalIds": [{"type": "organization", "value": "E0001"}]}));
    s.serve(None, page(vec![user(1, json!({})), old], None)).await;
    let msg = data_errors(s.read().await.unwrap_err());
    assert!(msg.contains("employee number `E0001`"), "{msg}");
    assert!(msg.contains("Google user user1@example.com and Google user user2@example.com"), "{msg}");
    assert!(msg.contains("must have it cleared"), "{msg}");
}
