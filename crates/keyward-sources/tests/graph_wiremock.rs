#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Microsoft Graph PeopleSource against request-level stubs shaped as
//! Microsoft documents them: the client-credentials token endpoint,
//! `GET /v1.0/users` paged by `@odata.nextLink`, `/users/delta` rounds
//! ending in `@odata.deltaLink` with `@removed` entries, 410 when a delta
//! link is gone, 429 with and without `Retry-After`, and errors as
//! `{error: {code, message, innerError}}`.

mod common;

use std::sync::Arc;

use common::{fast, load_people_yaml};
use jiff::civil::date;
use keyward_core::resources::HrStatus;
use keyward_core::{People, PolicySet, Post};
use keyward_sources::{DeltaCache, ReadOptions, SourceError, read_people_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TENANT: &str = "contoso.onmicrosoft.com";
const TOKEN_PATH: &str = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
const USERS: &str = "/v1.0/users";
const DELTA: &str = "/v1.0/users/delta";
/// Distinctive, so their absence from every error string means something.
const CLIENT_SECRET: &str = "kw-GRAPH-SECRET-91c2";
const ACCESS_TOKEN: &str = "eyJ0-GRAPH-ACCESS-TOKEN-4d1e";

struct Setup {
    server: MockServer,
    set: PolicySet,
    delta: Arc<DeltaCache>,
    _dir: tempfile::TempDir,
}

impl Setup {
    /// A PeopleSource reading the stub, with `extra` lines under `microsoftGraph:`.
    async fn new(extra: &str) -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("graph-secret"), format!("{CLIENT_SECRET}\n")).unwrap();
        let text = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: entra}}\nspec:\n  microsoftGraph:\n    tenant: {TENANT}\n    clientId: 11111111-2222-3333-4444-555555555555\n    clientSecret: {{file: graph-secret}}\n    graphUrl: \"{0}/v1.0\"\n    authorityUrl: \"{0}\"\n{extra}",
            server.uri()
        );
        let set = load_people_yaml(dir.path(), text);
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": ACCESS_TOKEN}),
            ))
            .mount(&server)
            .await;
        Self { server, set, delta: Arc::new(DeltaCache::new()), _dir: dir }
    }

    /// A read as the CLI does it: no delta state.
    async fn read(&self) -> Result<People, SourceError> {
        read_people_with(&self.set, &ReadOptions { retry: Some(fast()), ..ReadOptions::default() }).await
    }

    /// A read as the controller does it, with the delta state it keeps.
    async fn reconcile(&self) -> Result<People, SourceError> {
        let options = ReadOptions { retry: Some(fast()), delta: Some(self.delta.clone()), ..ReadOptions::default() };
        read_people_with(&self.set, &options).await
    }

    async fn requests(&self, p: &str) -> Vec<Request> {
        self.server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == p).collect()
    }

    fn link(&self, p: &str, key: &str, value: &str) -> String {
        format!("{}{p}?{key}={value}", self.server.uri())
    }

    /// Serves the page of users at `$skiptoken` `at` (None: the first),
    /// linking on to the page at `next`.
    async fn serve_users(&self, at: Option<&str>, users: Vec<Value>, next: Option<&str>) {
        let link = next.map(|n| ("@odata.nextLink", self.link(USERS, "$skiptoken", n)));
        self.serve(USERS, "$skiptoken", at, page(users, link)).await;
    }

    /// Serves `p` when its query has `key=value`, or lacks `key` (`value` None).
    async fn serve(&self, p: &str, key: &str, value: Option<&str>, response: ResponseTemplate) {
        let m = Mock::given(method("GET")).and(path(p));
        let m = match value {
            Some(v) => m.and(query_param(key, v)),
            None => m.and(query_param_is_missing(key)),
        };
        m.respond_with(response).mount(&self.server).await;
    }
}

fn page(users: Vec<Value>, link: Option<(&str, String)>) -> ResponseTemplate {
    let mut body = json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": users});
    if let Some((key, url)) = link {
        body[key] = json!(url);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// A user as Graph returns it for keyward's `$select`.
fn user(n: u32, extra: Value) -> Value {
    let mut u = json!({
        "id": format!("00000000-0000-0000-0000-{n:012}"),
        "userPrincipalName": format!("user{n}@contoso.com"),
        "mail": format!("user{n}@contoso.com"),
        "displayName": format!("User {n}"),
        "accountEnabled": true,
        "userType": "Member",
        "employeeId": format!("E{n:04}"),
        "department": "Sales",
        "jobTitle": "Account Executive",
        "employeeType": "Employee",
        "employeeHireDate": "2021-04-01T00:00:00Z",
        "employeeLeaveDateTime": null,
    });
    for (k, v) in extra.as_object().unwrap() {
        u[k] = v.clone();
    }
    u
}

fn users(range: std::ops::RangeInclusive<u32>) -> Vec<Value> {
    range.map(|n| user(n, json!({}))).collect()
}

fn query(r: &Request, key: &str) -> Option<String> {
    r.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

fn data_errors(e: SourceError) -> String {
    match e {
        SourceError::Data(d) => d.to_string(),
        other => panic!("expected data problems, got {other}"),
    }
}

fn person<'a>(people: &'a People, id: &str) -> &'a keyward_core::Person {
    people.get(people.find(id).unwrap_or_else(|| panic!("{id} is not in the snapshot"))).unwrap()
}

#[tokio::test]
async fn every_page_is_read_along_next_links_with_one_token_exchange() {
    let s = Setup::new("").await;
    s.serve_users(None, users(1..=3), Some("p2")).await;
    s.serve_users(Some("p2"), users(4..=6), Some("p3")).await;
    s.serve_users(Some("p3"), users(7..=8), None).await;

    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 8);
    let p = person(&people, "E0001");
    assert_eq!(p.email.as_deref(), Some("user1@contoso.com"));
    assert_eq!(p.name.as_deref(), Some("User 1"));
    assert_eq!(p.posts, [Post { department: Some("Sales".into()), title: Some("Account Executive".into()) }]);
    assert_eq!(p.employment_type.as_deref(), Some("full-time"), "employeeType `Employee`");
    assert_eq!(p.start_date, Some(date(2021, 4, 1)));
    assert_eq!((p.status, p.end_date), (HrStatus::Active, None));

    let requests = s.requests(USERS).await;
    let pages: Vec<Option<String>> = requests.iter().map(|r| query(r, "$skiptoken")).collect();
    assert_eq!(pages, [None, Some("p2".into()), Some("p3".into())]);
    let first = &requests[0];
    assert_eq!(query(first, "$top").as_deref(), Some("999"));
    let select = query(first, "$select").unwrap();
    for property in [
        "id",
        "accountEnabled",
        "userType",
        "employeeId",
        "mail",
        "userPrincipalName",
        "displayName",
        "department",
        "jobTitle",
        "employeeType",
        "employeeHireDate",
        "employeeLeaveDateTime",
    ] {
        assert!(select.split(',').any(|p| p == property), "{property} is not in $select={select}");
    }
    assert_eq!(query(first, "$expand"), None, "no manager asked for, none expanded");
    for r in &requests {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {ACCESS_TOKEN}"));
    }
    let token_requests = s.requests(TOKEN_PATH).await;
    assert_eq!(token_requests.len(), 1, "one token serves every page");
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&token_requests[0].body).into_owned().collect();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(form["scope"], format!("{}/.default", s.server.uri()));
}

#[tokio::test]
async fn a_page_that_fails_fails_the_read() {
    let s = Setup::new("").await;
    s.serve_users(None, users(1..=3), Some("p2")).await;
    let down = json!({"error": {"code": "serviceNotAvailable", "message": "Service unavailable", "innerError": {"request-id": "r1"}}});
    s.serve(USERS, "$skiptoken", Some("p2"), ResponseTemplate::new(503).set_body_json(down)).await;
    let e = s.read().await.unwrap_err();
    assert!(matches!(e, SourceError::Http { .. }), "{e}");
    assert!(e.to_string().contains("$skiptoken=p2") || e.to_string().contains("%24skiptoken=p2"), "{e}");
    assert_eq!(s.requests(USERS).await.len(), 1 + 3);
}

#[tokio::test]
async fn next_links_that_loop_or_leave_graph_are_partial_listings() {
    let s = Setup::new("").await;
    s.serve_users(None, users(1..=3), Some("p2")).await;
    s.serve_users(Some("p2"), users(4..=5), Some("p2")).await;
    let e = s.read().await.unwrap_err();
    assert!(matches!(e, SourceError::Partial { .. }), "{e}");
    assert!(e.to_string().contains("already read"), "{e}");

    let s = Setup::new("").await;
    let elsewhere = "https://graph.evil.example/v1.0/users?$skiptoken=p2".to_owned();
    s.serve(USERS, "$skiptoken", None, page(users(1..=3), Some(("@odata.nextLink", elsewhere)))).await;
    let e = s.read().await.unwrap_err();
    assert!(e.to_string().contains("does not send its token there"), "{e}");
}

#[tokio::test]
async fn throttling_429s_are_retried_with_and_without_retry_after() {
    let s = Setup::new("").await;
    let throttled = json!({"error": {"code": "TooManyRequests", "message": "Too many requests"}});
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0").set_body_json(throttled.clone()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(429).set_body_json(throttled))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    s.serve_users(None, users(1..=3), Some("p2")).await;
    s.serve_users(Some("p2"), users(4..=5), None).await;
    assert_eq!(s.read().await.unwrap().len(), 5);
    assert_eq!(s.requests(USERS).await.len(), 4);
}

#[tokio::test]
async fn a_final_403_names_the_call_and_the_permission_never_a_secret() {
    let s = Setup::new("").await;
    let refused = json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation.",
        "innerError": {"date": "2026-12-02T00:00:00", "request-id": "r2", "client-request-id": "r2"}}});
    s.serve(USERS, "$skiptoken", None, ResponseTemplate::new(403).set_body_json(refused)).await;
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains(&format!("GET {}{USERS}?", s.server.uri())), "{msg}");
    assert!(msg.contains("User.Read.All") && msg.contains("Authorization_RequestDenied"), "{msg}");
    assert!(!msg.contains(ACCESS_TOKEN) && !msg.contains(CLIENT_SECRET), "{msg}");
    assert_eq!(s.requests(USERS).await.len(), 1);
}

#[tokio::test]
async fn leavers_disabled_accounts_managers_and_value_maps() {
    let s = Setup::new(
        "    timeZone: Asia/Tokyo
    fields: {manager: manager.employeeId}
    attributes: {division: employeeOrgData.division}
    values:
      employmentType: {Contractor: contractor, 正社員: full-time}
",
    )
    .await;
    let boss =
        json!({"@odata.type": "#microsoft.graph.user", "id": "b", "employeeId": "E0100", "mail": "boss@contoso.com"});
    s.serve(
        USERS,
        "$skiptoken",
        None,
        page(
            vec![
                // 01:00 on 1 April in Tokyo, still 31 March in UTC.
                user(1, json!({"employeeLeaveDateTime": "2026-03-31T16:00:00Z", "manager": boss, "employeeOrgData": {"division": "APAC", "costCenter": "C1"}})),
                user(2, json!({"accountEnabled": false, "employeeType": "Contractor"})),
                user(3, json!({"mail": null, "userPrincipalName": "upn3@contoso.com", "employeeType": "正社員"})),
                // A guest and a disabled account without a number are no one to follow.
                user(4, json!({"userType": "Guest", "employeeId": null, "userPrincipalName": "guest_ext.com#EXT#@contoso.com"})),
                user(5, json!({"accountEnabled": false, "employeeId": null})),
            ],
            None,
        ),
    )
    .await;
    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 3);
    let one = person(&people, "E0001");
    assert_eq!(one.end_date, Some(date(2026, 4, 1)), "the day in the policy's time zone");
    assert_eq!(one.manager.as_deref(), Some("E0100"));
    assert_eq!(one.attributes["division"], "APAC");
    let two = person(&people, "E0002");
    assert_eq!(two.status, HrStatus::Terminated, "a disabled account is a leaver");
    assert_eq!(two.status_label.as_deref(), Some("disabled"));
    assert_eq!(two.employment_type.as_deref(), Some("contractor"));
    let three = person(&people, "E0003");
    assert_eq!(three.email.as_deref(), Some("upn3@contoso.com"), "no mail: the userPrincipalName");
    assert_eq!(three.employment_type.as_deref(), Some("full-time"));

    let r = &s.requests(USERS).await[0];
    assert_eq!(query(r, "$expand").as_deref(), Some("manager($select=id,employeeId,mail,userPrincipalName)"));
    let select = query(r, "$select").unwrap();
    assert!(select.split(',').any(|p| p == "employeeOrgData"), "{select}");
    assert!(!select.split(',').any(|p| p == "manager"), "the manager is expanded, not selected: {select}");
}

#[tokio::test]
async fn an_unknown_employee_type_is_an_error_naming_the_user_and_the_path() {
    let s = Setup::new("").await;
    s.serve(
        USERS,
        "$skiptoken",
        None,
        page(vec![user(1, json!({})), user(2, json!({"employeeType": "Intern"}))], None),
    )
    .await;
    let msg = data_errors(s.read().await.unwrap_err());
    assert!(msg.contains("Entra user user2@contoso.com: unknown employment type `Intern` in employeeType"), "{msg}");
    assert!(msg.contains("spec.microsoftGraph.values.employmentType"), "{msg}");
    assert!(!msg.contains("user1@"), "{msg}");
}

#[tokio::test]
async fn an_enabled_user_without_an_employee_id_is_an_error() {
    let s = Setup::new("").await;
    s.serve(USERS, "$skiptoken", None, page(vec![user(1, json!({"employeeId": ""}))], None)).await;
    let msg = data_errors(s.read().await.unwrap_err());
    assert!(msg.contains("Entra user user1@contoso.com: has no employee number in employeeId"), "{msg}");
}

/// The first round of the delta stub: two pages, then a delta link.
async fn first_round(s: &Setup) {
    Mock::given(method("GET"))
        .and(path(DELTA))
        .and(query_param_is_missing("$skiptoken"))
        .and(query_param_is_missing("$deltatoken"))
        .respond_with(page(users(1..=2), Some(("@odata.nextLink", s.link(DELTA, "$skiptoken", "r1p2")))))
        .mount(&s.server)
        .await;
    s.serve(
        DELTA,
        "$skiptoken",
        Some("r1p2"),
        page(users(3..=3), Some(("@odata.deltaLink", s.link(DELTA, "$deltatoken", "d1")))),
    )
    .await;
}

#[tokio::test]
async fn delta_reads_merge_changes_and_removals_into_the_users_read_before() {
    let s = Setup::new("    delta: true\n").await;
    first_round(&s).await;
    s.serve(
        DELTA,
        "$deltatoken",
        Some("d1"),
        page(
            vec![
                json!({"id": user(1, json!({}))["id"], "department": "Legal"}),
                json!({"id": user(2, json!({}))["id"], "@removed": {"reason": "deleted"}}),
                user(4, json!({})),
            ],
            Some(("@odata.deltaLink", s.link(DELTA, "$deltatoken", "d2"))),
        ),
    )
    .await;

    let first = s.reconcile().await.unwrap();
    assert_eq!(first.len(), 3);
    let initial = &s.requests(DELTA).await[0];
    assert!(query(initial, "$select").unwrap().split(',').any(|p| p == "employeeLeaveDateTime"));
    assert_eq!(query(initial, "$top"), None, "delta pages are sized by Graph");
    assert_eq!(s.delta.delta_link("entra"), Some(s.link(DELTA, "$deltatoken", "d1")));

    let second = s.reconcile().await.unwrap();
    let ids: Vec<&str> = second.persons().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert!(second.find("E0002").is_none(), "a removed user is gone, as from a full read");
    let moved = person(&second, "E0001");
    assert_eq!(moved.posts[0].department.as_deref(), Some("Legal"), "the changed property");
    assert_eq!(moved.posts[0].title.as_deref(), Some("Account Executive"), "the others as cached");
    assert!(second.find("E0004").is_some());
    let tokens: Vec<Option<String>> = s.requests(DELTA).await.iter().map(|r| query(r, "$deltatoken")).collect();
    assert_eq!(tokens, [None, None, Some("d1".into())], "the second read fetched only the changes");
    assert_eq!(s.delta.delta_link("entra"), Some(s.link(DELTA, "$deltatoken", "d2")));

    // The CLI (no cache) reads /users in full, whatever `delta` says.
    s.serve_users(None, users(1..=2), None).await;
    assert_eq!(s.read().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_gone_delta_link_starts_over_with_a_full_round() {
    let expired = json!({"error": {"code": "syncStateNotFound", "message": "The sync state generation is not found. The delta token is expired and data must be synchronized again."}});
    let resync = json!({"error": {"code": "resyncRequired", "message": "Resync required."}});
    for answer in [ResponseTemplate::new(410).set_body_json(expired), ResponseTemplate::new(400).set_body_json(resync)]
    {
        let s = Setup::new("    delta: true\n").await;
        first_round(&s).await;
        s.serve(DELTA, "$deltatoken", Some("d1"), answer).await;
        assert_eq!(s.reconcile().await.unwrap().len(), 3);
        let again = s.reconcile().await.unwrap();
        assert_eq!(again.len(), 3);
        let tokens: Vec<(Option<String>, Option<String>)> =
            s.requests(DELTA).await.iter().map(|r| (query(r, "$skiptoken"), query(r, "$deltatoken"))).collect();
        assert_eq!(
            tokens,
            [
                (None, None),
                (Some("r1p2".into()), None),
                (None, Some("d1".into())),
                (None, None),
                (Some("r1p2".into()), None)
            ],
            "after the refusal, a new round from the start"
        );
        assert_eq!(s.delta.delta_link("entra"), Some(s.link(DELTA, "$deltatoken", "d1")));
    }
}

#[tokio::test]
async fn a_failed_delta_page_fails_the_read_and_keeps_the_previous_state() {
    let s = Setup::new("    delta: true\n").await;
    first_round(&s).await;
    // The round's first page would remove a user; its second page fails.
    s.serve(
        DELTA,
        "$deltatoken",
        Some("d1"),
        page(
            vec![json!({"id": user(1, json!({}))["id"], "@removed": {"reason": "deleted"}})],
            Some(("@odata.nextLink", s.link(DELTA, "$skiptoken", "r2p2"))),
        ),
    )
    .await;
    let broken = json!({"error": {"code": "generalException", "message": "An unexpected error occurred."}});
    Mock::given(method("GET"))
        .and(path(DELTA))
        .and(query_param("$skiptoken", "r2p2"))
        .respond_with(ResponseTemplate::new(500).set_body_json(broken))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&s.server)
        .await;
    s.serve(
        DELTA,
        "$skiptoken",
        Some("r2p2"),
        page(vec![], Some(("@odata.deltaLink", s.link(DELTA, "$deltatoken", "d2")))),
    )
    .await;

    assert_eq!(s.reconcile().await.unwrap().len(), 3);
    let e = s.reconcile().await.unwrap_err();
    assert!(matches!(e, SourceError::Http { .. }), "{e}");
    assert_eq!(s.delta.users_held("entra"), Some(3), "nothing of the half-read round was applied");
    assert_eq!(s.delta.delta_link("entra"), Some(s.link(DELTA, "$deltatoken", "d1")));

    // The next read starts the same round again from the old link.
    let after = s.reconcile().await.unwrap();
    assert_eq!(after.len(), 2);
    assert!(after.find("E0001").is_none());
    let d1 = s.requests(DELTA).await.iter().filter(|r| query(r, "$deltatoken").as_deref() == Some("d1")).count();
    assert_eq!(d1, 2);
}

#[tokio::test]
async fn a_filter_and_a_page_size_are_sent_as_graph_documents_them() {
    let s = Setup::new("    filter: \"employeeType eq 'Employee'\"\n    pageSize: 100\n").await;
    s.serve_users(None, users(1..=2), None).await;
    assert_eq!(s.read().await.unwrap().len(), 2);
    let r = &s.requests(USERS).await[0];
    assert_eq!(query(r, "$filter").as_deref(), Some("employeeType eq 'Employee'"));
    assert_eq!(query(r, "$top").as_deref(), Some("100"));
}

#[tokio::test]
async fn mapping_users_already_fetched_gives_the_people_a_read_gives() {
    // keyward-bench times `graph::map_users`: it must be what a read does.
    let s = Setup::new("    timeZone: Asia/Tokyo\n").await;
    let fetched = vec![
        user(1, json!({})),
        user(2, json!({"accountEnabled": false, "employeeLeaveDateTime": "2026-03-31T15:00:00Z"})),
        user(3, json!({"userType": "Guest", "employeeId": null})),
    ];
    s.serve(USERS, "$skiptoken", None, page(fetched.clone(), None)).await;
    let read = s.read().await.unwrap();
    let (_, mapped) = keyward_sources::graph::map_users(&s.set, 0, &fetched).unwrap();
    assert_eq!(mapped.as_slice(), read.persons());
    assert_eq!(person(&read, "E0002").end_date, Some(date(2026, 4, 1)), "the leave day in Tokyo");

    let e = keyward_sources::google::map_users(&s.set, 0, &fetched).unwrap_err();
    assert!(e.to_string().contains("no `googleWorkspace` source"), "{e}");
}
