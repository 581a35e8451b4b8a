#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The SCIM connector against request-level stubs shaped as RFC 7644
//! describes them: paging, discovery, ETags, throttling, errors, adoption,
//! vendor profiles and credentials.

mod common;

use std::time::{Duration, Instant};

use common::fast;
use keyward_connectors::scim::Scim;
use keyward_connectors::{Connector, ConnectorError, Outcome, build_all};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, Profile, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
const TOKEN: &str = "kw-TEST-TOKEN-7d1f0c9e2b";
const BASE: &str = "/scim/v2";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

/// A policy set with one SCIM Application `app`, its token in a file.
fn policy(dir: &std::path::Path, url: &str, scim_extra: &str, app_extra: &str) -> PolicySet {
    std::fs::write(dir.join("token.txt"), format!("  {TOKEN}\n")).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"{url}\", token: {{file: token.txt}}{scim_extra}}}\n  apply: {{requestsPerSecond: 1000}}\n{app_extra}"
    );
    let path = dir.join("apps.yaml").display().to_string();
    PolicySet::load("test", vec![SourceFile { path, text }]).unwrap().set
}

struct Setup {
    server: MockServer,
    scim: Scim,
    _dir: tempfile::TempDir,
}

impl Setup {
    fn url(&self) -> String {
        format!("{}{BASE}", self.server.uri())
    }

    async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    async fn calls(&self, verb: &str, p: &str) -> Vec<Request> {
        let full = format!("{BASE}{p}");
        self.requests().await.into_iter().filter(|r| r.method.as_str() == verb && r.url.path() == full).collect()
    }
}

async fn setup(scim_extra: &str) -> Setup {
    setup_with(scim_extra, "").await
}

async fn setup_with(scim_extra: &str, app_extra: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &format!("{}{BASE}", server.uri()), scim_extra, app_extra);
    let app = &set.applications[0];
    let scim = Scim::new(&set.locator(&app.origin), app, app.spec.connector.scim.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    Setup { server, scim, _dir: dir }
}

fn p(s: &str) -> String {
    format!("{BASE}{s}")
}

async fn features(s: &Setup, patch: bool, etag: bool, max_results: Option<u32>) {
    let mut filter = json!({"supported": true});
    if let Some(m) = max_results {
        filter["maxResults"] = json!(m);
    }
    Mock::given(method("GET"))
        .and(path(p("/ServiceProviderConfig")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": patch},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": filter,
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": etag},
            "authenticationSchemes": [{"type": "oauthbearertoken", "name": "OAuth Bearer Token", "description": "bearer"}]
        })))
        .mount(&s.server)
        .await;
}

fn user(id: &str, name: &str, active: bool) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id,
        "userName": name,
        "displayName": format!("User {id}"),
        "emails": [{"value": name, "type": "work", "primary": true}],
        "active": active,
        "meta": {"resourceType": "User", "version": format!("W/\"{id}-1\"")}
    })
}

fn list(total: u64, start: u64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources
    })
}

fn scim_error(status: u16, scim_type: Option<&str>, detail: &str) -> ResponseTemplate {
    let mut body = json!({"schemas": [ERROR_SCHEMA], "status": status.to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    ResponseTemplate::new(status).set_body_json(body)
}

async fn users_page(s: &Setup, start: u64, body: Value) {
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("startIndex", start.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s.server)
        .await;
}

async fn no_groups(s: &Setup) {
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(scim_error(404, None, "no such endpoint"))
        .mount(&s.server)
        .await;
}

fn change(action: Action, id: Option<&str>) -> Change {
    Change::new("app", action, AccountRef { id: id.map(Into::into), ..Default::default() }, "test")
}

fn create(email: &str, person: &str) -> Change {
    let mut c = change(Action::Create, None);
    c.account = AccountRef { email: Some(email.into()), display_name: Some("Ann Lee".into()), ..Default::default() };
    c.person = Some(PersonRef { id: person.into(), email: Some(email.into()), name: Some("Ann Lee".into()) });
    c.role = Some(Box::new(RoleChange { from: None, to: "member".into() }));
    c.profile = Some(Box::default());
    c
}

/// Asserts the token appears nowhere in an error's Display or Debug.
fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains("7d1f0c9e2b"), "token leaked: {shown}");
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn pages_by_what_was_returned_and_reads_group_memberships() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    // The server returns fewer than asked: 1, then 2, then 2 of 5.
    users_page(&s, 1, list(5, 1, vec![user("u1", "a@x.io", true)])).await;
    users_page(&s, 2, list(5, 2, vec![user("u2", "b@x.io", false), user("u3", "c@x.io", true)])).await;
    users_page(&s, 4, list(5, 4, vec![user("u4", "d@x.io", true), user("u5", "e@x.io", true)])).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            2,
            1,
            vec![
                json!({"id": "g1", "displayName": "sales", "members": [{"value": "u1"}, {"value": "u3"}]}),
                json!({"id": "g2", "displayName": "admins", "members": [{"value": "u1"}]}),
            ],
        )))
        .mount(&s.server)
        .await;

    let listing = s.scim.list().await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2", "u3", "u4", "u5"]);
    assert_eq!(listing.accounts[0].groups, vec!["admins", "sales"]);
    assert_eq!(listing.accounts[2].groups, vec!["sales"]);
    assert!(listing.accounts[3].groups.is_empty());
    assert_eq!(listing.accounts[1].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[0].email.as_deref(), Some("a@x.io"));
    assert_eq!(listing.source, s.url().to_string());
    assert!(listing.capabilities.delete && listing.capabilities.groups && !listing.capabilities.transfer);

    let starts: Vec<(String, String)> = s
        .calls("GET", "/Users")
        .await
        .iter()
        .map(|r| {
            let q: std::collections::HashMap<_, _> = r.url.query_pairs().into_owned().collect();
            (q["startIndex"].clone(), q["count"].clone())
        })
        .collect();
    let want: Vec<(String, String)> =
        [("1", "2"), ("2", "2"), ("4", "2")].iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    assert_eq!(starts, want);
}

#[tokio::test]
async fn page_size_is_capped_by_max_results_and_groups_may_be_absent() {
    let s = setup(", pageSize: 500").await;
    features(&s, true, false, Some(50)).await;
    users_page(&s, 1, list(1, 1, vec![user("u1", "a@x.io", true)])).await;
    no_groups(&s).await;
    let listing = s.scim.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 1);
    let users = s.calls("GET", "/Users").await;
    assert_eq!(users[0].url.query_pairs().find(|(k, _)| k == "count").unwrap().1, "50");
}

#[tokio::test]
async fn atlassian_pages_hold_at_most_100() {
    let s = setup(", profile: atlassian, pageSize: 1000").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(0, 1, vec![])).await;
    no_groups(&s).await;
    assert!(s.scim.list().await.unwrap().accounts.is_empty());
    let users = s.calls("GET", "/Users").await;
    assert_eq!(users[0].url.query_pairs().find(|(k, _)| k == "count").unwrap().1, "100");
}

#[tokio::test]
async fn total_changing_mid_listing_is_read_again_then_refused() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(3, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    // Somebody was added between the pages.
    users_page(&s, 3, list(4, 3, vec![user("u3", "c@x.io", true), user("u4", "d@x.io", true)])).await;
    no_groups(&s).await;
    let e = s.scim.list().await.unwrap_err();
    let ConnectorError::Partial { app, why } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert!(why.contains("totalResults went from 3 to 4"), "{why}");
    assert!(why.contains("read again"), "{why}");
    let firsts =
        s.calls("GET", "/Users").await.iter().filter(|r| r.url.query().unwrap().contains("startIndex=1&")).count();
    assert_eq!(firsts, 2, "the listing is restarted once");
}

#[tokio::test]
async fn an_empty_page_before_the_end_restarts_the_listing() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    users_page(&s, 1, list(3, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    // First time the last page comes back empty; the second reading is whole.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("startIndex", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(3, 3, vec![])))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    users_page(&s, 3, list(3, 3, vec![user("u3", "c@x.io", true)])).await;
    no_groups(&s).await;
    let listing = s.scim.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 3);
}

#[tokio::test]
async fn duplicates_across_pages_mean_someone_was_skipped() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    // u2 shows up twice, so one of the 4 was never seen.
    users_page(&s, 1, list(4, 1, vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)])).await;
    users_page(&s, 3, list(4, 3, vec![user("u2", "b@x.io", true), user("u4", "d@x.io", true)])).await;
    no_groups(&s).await;
    let e = s.scim.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("came twice")), "{e}");
}

#[tokio::test]
async fn a_server_ignoring_start_index_gives_an_error_not_a_loop() {
    let s = setup(", pageSize: 2").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1000,
            1,
            vec![user("u1", "a@x.io", true), user("u2", "b@x.io", true)],
        )))
        .mount(&s.server)
        .await;
    let e = s.scim.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("already read")), "{e}");
    assert_eq!(s.calls("GET", "/Users").await.len(), 4, "two pages, twice");
}

// ---------------------------------------------------------------- discovery, PUT, ETags

#[tokio::test]
async fn without_patch_suspend_reads_and_puts_the_whole_user() {
    let s = setup("").await;
    features(&s, false, false, None).await;
    let mut current = user("u1", "a@x.io", true);
    current["groups"] = json!([{"value": "g1", "display": "sales"}]);
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&current))
        .mount(&s.server)
        .await;
    let mut want = user("u1", "a@x.io", false);
    want.as_object_mut().unwrap().remove("meta");
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(body_json(&want))
        .and(header("content-type", "application/scim+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended u1".into()));
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PATCH"));
    let put = &s.calls("PUT", "/Users/u1").await[0];
    assert!(put.headers.get("if-match").is_none(), "no ETags without etag.supported");
}

#[tokio::test]
async fn without_patch_group_membership_is_get_edit_put() {
    let s = setup("").await;
    features(&s, false, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .and(query_param("filter", r#"displayName eq "sales""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1,
            1,
            vec![json!({"id": "g1", "displayName": "sales"})],
        )))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Groups/g1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "sales",
            "members": [{"value": "u9"}], "meta": {"version": "W/\"g1\""}
        })))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Groups/g1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "sales",
            "members": [{"value": "u9"}, {"value": "u1"}]
        })))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u1"));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec![] }));
    assert_eq!(s.scim.apply(&c).await.unwrap(), Outcome::Applied("u1: joined sales".into()));
}

#[tokio::test]
async fn etags_are_sent_in_if_match_and_a_412_rereads_once() {
    let s = setup("").await;
    // Without PATCH a change is a whole-resource PUT, which must not
    // overwrite someone else's edit: it carries the ETag read.
    features(&s, false, true, None).await;
    let mut v2 = user("u1", "a@x.io", true);
    v2["meta"]["version"] = json!("W/\"u1-2\"");
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&v2))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"u1-1\""))
        .respond_with(scim_error(412, None, "version mismatch"))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"u1-2\""))
        .and(body_partial_json(json!({"id": "u1", "active": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended u1".into()));
    assert_eq!(s.calls("GET", "/Users/u1").await.len(), 2);
}

#[tokio::test]
async fn etag_from_the_header_when_meta_has_no_version() {
    let s = setup("").await;
    // Without PATCH a change is a whole-resource PUT, which must not
    // overwrite someone else's edit: it carries the ETag read.
    features(&s, false, true, None).await;
    let mut u = user("u1", "a@x.io", false);
    u["meta"] = json!({"resourceType": "User"});
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(u).insert_header("ETag", "W/\"h7\""))
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("/Users/u1")))
        .and(header("if-match", "W/\"h7\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Restore, Some("u1"))).await.unwrap(),
        Outcome::Applied("restored u1".into())
    );
}

// ---------------------------------------------------------------- throttling and retries

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

// ---------------------------------------------------------------- create and adoption

#[tokio::test]
async fn create_sends_the_profile_and_joins_groups() {
    let s = setup(", enterprise: [employeeNumber, department, manager]").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .and(query_param("filter", r#"displayName eq "sales""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1,
            1,
            vec![json!({"id": "g1", "displayName": "sales"})],
        )))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "boss@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![user("m1", "boss@x.io", true)])))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "ann@x.io",
            "externalId": "E100",
            "displayName": "Ann Lee",
            "name": {"formatted": "Ann Lee"},
            "emails": [{"value": "ann@x.io", "type": "work", "primary": true}],
            "active": true,
            "roles": [{"value": "member", "primary": true}],
            ENTERPRISE: {"employeeNumber": "E100", "department": "Sales/Tokyo", "manager": {"value": "m1"}}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(user("n1", "ann@x.io", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "n1"}]}]
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = create("ann@x.io", "E100");
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec![] }));
    c.profile = Some(Box::new(Profile {
        department: Some("Sales/Tokyo".into()),
        manager: Some(PersonRef { id: "E001".into(), email: Some("boss@x.io".into()), name: None }),
        ..Default::default()
    }));
    let out = s.scim.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("created n1 (userName ann@x.io) in sales".into()));
}

#[tokio::test]
async fn a_missing_group_fails_the_create_before_anything_is_made() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .mount(&s.server)
        .await;
    let mut c = create("ann@x.io", "E100");
    c.groups = Some(Box::new(GroupChange { add: vec!["ghosts".into()], remove: vec![] }));
    let e = s.scim.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("no group `ghosts`"), "{e}");
    assert!(s.calls("POST", "/Users").await.is_empty());
}

#[tokio::test]
async fn a_409_adopts_the_existing_account_found_by_an_escaped_filter() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    let name = r#"o"brien\x@x.io"#;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "User already exists"))
        .mount(&s.server)
        .await;
    let mut existing = user("old7", name, false);
    existing["roles"] = json!([{"value": "guest"}]);
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "o\"brien\\x@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![existing.clone()])))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/old7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&existing))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/old7")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "replace", "path": "active", "value": true},
                {"op": "replace", "path": "externalId", "value": "E100"},
                {"op": "replace", "path": "roles", "value": [{"value": "member", "primary": true}]}
            ]
        })))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&create(name, "E100")).await.unwrap();
    let Outcome::Applied(text) = &out else { panic!("{out:?}") };
    assert!(text.starts_with("adopted existing account old7"), "{text}");
    assert!(text.contains("made active") && text.contains("role member"), "{text}");
    assert_eq!(s.calls("POST", "/Users").await.len(), 1, "no second POST");
    // On the wire, the filter's quotes, backslash and spaces are percent-encoded.
    let lookup = s.calls("GET", "/Users").await;
    assert_eq!(lookup[0].url.query(), Some("filter=userName%20eq%20%22o%5C%22brien%5C%5Cx%40x.io%22"));
}

#[tokio::test]
async fn a_lost_create_answer_is_retried_and_adopted_not_duplicated() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    // The first POST reaches the app, which makes the user, but the
    // connection drops before the answer; the retry meets a 409.
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with_err(|_: &Request| std::io::Error::from(std::io::ErrorKind::ConnectionReset))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    let made = {
        let mut u = user("n1", "ann@x.io", true);
        u["externalId"] = json!("E100");
        u["roles"] = json!([{"value": "member", "primary": true}]);
        u
    };
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("filter", r#"userName eq "ann@x.io""#))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(1, 1, vec![made.clone()])))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/n1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&made))
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap();
    assert_eq!(out, Outcome::Applied("adopted existing account n1 (userName ann@x.io): already as wanted".into()));
    assert_eq!(s.calls("POST", "/Users").await.len(), 2);
    assert!(s.calls("PATCH", "/Users/n1").await.is_empty());
}

#[tokio::test]
async fn a_409_with_nobody_to_adopt_is_an_error_that_explains() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .mount(&s.server)
        .await;
    let e = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap_err();
    let ConnectorError::Http { status, problem, call, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(409));
    assert!(call.starts_with("POST "));
    assert!(problem.contains(r#"no user with userName "ann@x.io" or externalId "E100""#), "{problem}");
    assert!(problem.contains("will not create a second account"), "{problem}");
    let filters: Vec<String> =
        s.calls("GET", "/Users").await.iter().filter_map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(filters.len(), 2, "userName, then externalId: {filters:?}");
    assert_eq!(s.calls("POST", "/Users").await.len(), 1);
}

#[tokio::test]
async fn a_server_ignoring_the_filter_does_not_get_the_wrong_user_adopted() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    Mock::given(method("POST"))
        .and(path(p("/Users")))
        .respond_with(scim_error(409, Some("uniqueness"), "exists"))
        .mount(&s.server)
        .await;
    // Answers every filter with everybody.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            2,
            1,
            vec![user("x1", "someone@x.io", true), user("x2", "else@x.io", true)],
        )))
        .mount(&s.server)
        .await;
    let e = s.scim.apply(&create("ann@x.io", "E100")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Http { status: Some(409), .. }), "{e}");
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PATCH"));
}

// ---------------------------------------------------------------- update, suspend, restore, delete

#[tokio::test]
async fn update_changes_role_and_memberships_with_patch() {
    let s = setup("").await;
    features(&s, true, false, None).await;
    for (name, id) in [("sales", "g1"), ("ops", "g2")] {
        Mock::given(method("GET"))
            .and(path(p("/Groups")))
            .and(query_param("filter", format!("displayName eq \"{name}\"")))
            .respond_with(ResponseTemplate::new(200).set_body_json(list(
                1,
                1,
                vec![json!({"id": id, "displayName": name})],
            )))
            .mount(&s.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .and(body_partial_json(
            json!({"Operations": [{"op": "replace", "path": "roles", "value": [{"value": "admin", "primary": true}]}]}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g1")))
        .and(body_partial_json(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "u1"}]}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Groups/g2")))
        .and(body_partial_json(json!({"Operations": [{"op": "remove", "path": "members[value eq \"u1\"]"}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u1"));
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales".into()], remove: vec!["ops".into()] }));
    let out = s.scim.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("u1: role admin, joined sales, left ops".into()));
    // Memberships are PATCHed without reading the (possibly huge) group.
    assert!(s.calls("GET", "/Groups/g1").await.is_empty());
}

#[tokio::test]
async fn suspending_a_suspended_or_gone_account_is_already_done() {
    let s = setup("").await;
    // Without PATCH the user is read first (to build the PUT), which is
    // how keyward sees there is nothing left to do.
    features(&s, false, false, None).await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", false)))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u2")))
        .respond_with(scim_error(404, None, "Resource u2 not found"))
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap(),
        Outcome::AlreadyDone("u1 is already suspended".into())
    );
    assert!(
        matches!(s.scim.apply(&change(Action::Suspend, Some("u2"))).await.unwrap(), Outcome::AlreadyDone(t) if t.contains("no longer exists"))
    );
    let e = s.scim.apply(&change(Action::Restore, Some("u2"))).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Http { status: Some(404), .. }), "{e}");
    assert!(s.requests().await.iter().all(|r| r.method.as_str() != "PUT"));
}

#[tokio::test]
async fn with_patch_a_suspend_is_one_blind_request() {
    let s = setup("").await;
    features(&s, true, true, None).await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}]
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/gone")))
        .respond_with(scim_error(404, None, "Resource gone not found"))
        .mount(&s.server)
        .await;
    assert_eq!(
        s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap(),
        Outcome::Applied("suspended u1".into())
    );
    assert!(
        matches!(s.scim.apply(&change(Action::Suspend, Some("gone"))).await.unwrap(), Outcome::AlreadyDone(t) if t.contains("no longer exists"))
    );
    // A targeted PATCH needs neither a read nor If-Match.
    let reqs = s.requests().await;
    assert!(reqs.iter().all(|r| !r.url.path().contains("/Users/") || r.method.as_str() == "PATCH"));
    assert!(reqs.iter().all(|r| !r.headers.contains_key("if-match")));
}

#[tokio::test]
async fn delete_and_a_second_delete() {
    let s = setup("").await;
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .respond_with(scim_error(404, None, "not found"))
        .mount(&s.server)
        .await;
    assert_eq!(s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap(), Outcome::Applied("deleted u1".into()));
    assert!(matches!(s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap(), Outcome::AlreadyDone(_)));
}

#[tokio::test]
async fn transfer_and_review_are_unsupported() {
    let s = setup("").await;
    for a in [Action::Transfer, Action::Review] {
        let e = s.scim.apply(&change(a, Some("u1"))).await.unwrap_err();
        assert!(matches!(e, ConnectorError::Unsupported { kind: "scim", .. }), "{e}");
    }
    assert!(s.requests().await.is_empty());
}

// ---------------------------------------------------------------- profiles

#[tokio::test]
async fn slack_never_claims_to_delete() {
    let s = setup(", profile: slack").await;
    let caps = s.scim.capabilities();
    assert!(!caps.delete && caps.suspend && caps.create && !caps.transfer);
    let e = s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { action: "delete accounts", .. }), "{e}");
    assert!(s.requests().await.is_empty());
}

#[tokio::test]
async fn github_emu_sends_a_user_agent_and_deletes_for_good() {
    let s = setup(", profile: githubEmu").await;
    assert!(s.scim.capabilities().delete);
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .and(header_exists("user-agent"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("for good")), "{out:?}");
    let r = &s.requests().await[0];
    let ua = r.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(ua.starts_with("keyward/"), "{ua}");
    assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn zoom_accepts_scim_json_only_and_others_also_json() {
    for (profile, accept) in
        [(", profile: zoom", "application/scim+json"), ("", "application/scim+json, application/json")]
    {
        let s = setup(profile).await;
        features(&s, true, false, None).await;
        users_page(&s, 1, list(0, 1, vec![])).await;
        no_groups(&s).await;
        s.scim.list().await.unwrap();
        for r in s.requests().await {
            assert_eq!(r.headers.get("accept").unwrap().to_str().unwrap(), accept);
        }
    }
}

#[tokio::test]
async fn without_service_provider_config_known_vendors_patch() {
    let s = setup(", profile: slack").await;
    Mock::given(method("GET"))
        .and(path(p("/ServiceProviderConfig")))
        .respond_with(scim_error(404, None, "no"))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&s.server)
        .await;
    s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    // Discovered once, used by every later call.
    s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(s.calls("GET", "/ServiceProviderConfig").await.len(), 1);
}

// ---------------------------------------------------------------- credentials and secrecy

#[tokio::test]
async fn a_missing_env_token_is_a_credentials_error_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"https://scim.example.com/v2\", token: {{env: KEYWARD_TEST_UNSET_SCIM_TOKEN_41B7}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without a token") };
    let ConnectorError::Credentials { app, what, why } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert_eq!(what, "SCIM bearer token");
    assert!(why.contains("KEYWARD_TEST_UNSET_SCIM_TOKEN_41B7") && why.contains("not set"), "{why}");
}

#[tokio::test]
async fn a_kubernetes_secret_token_is_refused_outside_the_controller_and_used_inside() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"https://scim.example.com/v2\", token: {{secret: {{name: creds, key: scim}}}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    // The CLI and the standalone daemon build with no cluster to read from.
    let Err(e) = build_all(&set) else { panic!("built with a Secret nobody can read") };
    let ConnectorError::Credentials { app, why, .. } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert!(why.contains("token.env") && why.contains("token.file") && why.contains("keyward controller"), "{why}");

    // The controller hands over what it read.
    let key = keyward_core::resources::SecretKeyRef { name: "creds".to_owned(), key: "scim".to_owned() };
    let mut secrets = keyward_connectors::ClusterSecrets::fetched();
    secrets.insert(key.clone(), Ok(keyward_connectors::http::Secret::new(" tok \n")));
    let app = &set.applications[0];
    assert!(keyward_connectors::build(&set, app, &secrets).is_ok());
    let mut empty = keyward_connectors::ClusterSecrets::fetched();
    empty.insert(key, Ok(keyward_connectors::http::Secret::new("  ")));
    let Err(e) = keyward_connectors::build(&set, app, &empty) else { panic!("built with an empty token") };
    assert!(e.to_string().contains("key scim of Secret creds is empty"), "{e}");
}

#[tokio::test]
async fn an_empty_or_missing_token_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), "https://scim.example.com/v2", "", "");
    std::fs::write(dir.path().join("token.txt"), " \n").unwrap();
    let Err(e) = build_all(&set) else { panic!("built with an empty token") };
    assert!(
        matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("token.txt") && why.contains("empty")),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("token.txt")).unwrap();
    let Err(e) = build_all(&set) else { panic!("built without a token file") };
    assert!(matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("token.txt")), "{e}");
}

/// Echoes the request's Authorization header back, as some error pages do.
struct EchoAuth;

impl Respond for EchoAuth {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        ResponseTemplate::new(401).set_body_json(
            json!({"schemas": [ERROR_SCHEMA], "status": "401", "detail": format!("bad credentials: {auth}")}),
        )
    }
}

#[tokio::test]
async fn the_token_appears_in_no_error_nor_debug_output() {
    let s = setup("").await;
    // Built through build_all too: the boxed connector's Debug is not
    // reachable, but the concrete one's is.
    let shown = format!("{:?}", s.scim);
    assert!(!shown.contains(TOKEN), "{shown}");

    let mut errors = Vec::new();
    Mock::given(method("GET")).and(path(p("/ServiceProviderConfig"))).respond_with(EchoAuth).mount(&s.server).await;
    errors.push(s.scim.list().await.unwrap_err());
    errors.push(s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap_err());
    errors.push(s.scim.apply(&change(Action::Transfer, Some("u1"))).await.unwrap_err());

    // Nothing listening: connection refused, retried, then given up.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &format!("http://{closed}/scim/v2"), "", "");
    let app = &set.applications[0];
    let gone = Scim::new(&set.locator(&app.origin), app, app.spec.connector.scim.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    let e = gone.list().await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Http { status: None, problem, .. } if problem.contains("could not connect")),
        "{e}"
    );
    assert!(e.is_transient());
    errors.push(e);

    assert!(errors[0].to_string().contains("bad credentials: Bearer ***"), "{}", errors[0]);
    for e in &errors {
        assert_no_token(e);
    }
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_on_an_alias_domain() {
    let s = setup_with("", "  correlate: [{email: {domainAliases: {old.example.co.jp: example.com}}}]\n").await;
    features(&s, true, false, None).await;
    // The filter answers the user only when it asks for the old domain.
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(wiremock::matchers::query_param_contains("filter", "userName eq \"taro@old.example.co.jp\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(
            1,
            1,
            vec![user("u5", "taro@old.example.co.jp", true)],
        )))
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list(0, 1, vec![])))
        .with_priority(2)
        .mount(&s.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E5".to_owned()],
        emails: vec!["taro@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.scim.find(&keys).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u5"], "the full reconcile matches taro@old.example.co.jp to taro@example.com");
}
