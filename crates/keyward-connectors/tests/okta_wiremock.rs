#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Okta connector against request-level stubs of Okta's management
//! API: `Link: rel="next"` paging with `after` cursors, deactivated users
//! read through their own filter, groups and members paged, 429 with
//! `X-Rate-Limit-Reset` in epoch seconds, `errorCode`/`errorSummary`/
//! `errorCauses` bodies, the lifecycle calls and their reruns, group
//! membership and the one-person lookup.

mod common;

use std::time::{Duration, Instant};

use common::fast;
use keyward_connectors::okta::Okta;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
const TOKEN: &str = "00kwOKTA-test-token-7d1e9b";
const DEPROVISIONED: &str = r#"status eq "DEPROVISIONED""#;

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {okta: okta}}}}\n---\n";

struct Setup {
    server: MockServer,
    okta: Okta,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.server.uri())
    }
}

async fn setup() -> Setup {
    setup_with("", "").await
}

/// [`setup`], with `connector` (flow YAML) added to the connector and
/// `spec_lines` (indented YAML) to the Application's spec.
async fn setup_with(connector: &str, spec_lines: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token.txt"), format!("{TOKEN}\n")).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: okta}}\nspec:\n  connector:\n    okta: {{orgUrl: \"{}\", token: {{file: token.txt}}{connector}}}\n  apply: {{requestsPerSecond: 1000}}\n{spec_lines}",
        server.uri()
    );
    let loaded =
        PolicySet::load("test", vec![SourceFile { path: dir.path().join("apps.yaml").display().to_string(), text }])
            .unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let set = loaded.set;
    let app = &set.applications[0];
    let spec = app.spec.connector.okta.as_ref().unwrap();
    let okta =
        Okta::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable()).unwrap().with_retry(fast());
    Setup { server, okta, _dir: dir }
}

fn user(id: &str, login: &str, status: &str) -> Value {
    json!({
        "id": id, "status": status, "created": "2025-04-01T00:00:00.000Z", "activated": null,
        "statusChanged": "2025-04-01T00:00:00.000Z", "lastLogin": "2026-02-27T09:15:00.000Z",
        "lastUpdated": "2026-02-27T09:15:00.000Z", "passwordChanged": null, "type": {"id": "oty1"},
        "profile": {"firstName": "User", "lastName": id, "mobilePhone": null, "secondEmail": null,
                    "login": login, "email": login},
        "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": format!("https://acme.okta.com/api/v1/users/{id}")}}
    })
}

fn group(id: &str, name: &str, kind: &str) -> Value {
    json!({
        "id": id, "created": "2025-01-01T00:00:00.000Z", "lastUpdated": "2025-01-01T00:00:00.000Z",
        "lastMembershipUpdated": "2026-01-01T00:00:00.000Z", "objectClass": ["okta:user_group"], "type": kind,
        "profile": {"name": name, "description": null}
    })
}

/// A page with Okta's two `Link` headers: `self`, and `next` when there is
/// one (`after` = the cursor).
fn page(s: &Setup, p: &str, items: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
    let mut r = ResponseTemplate::new(200)
        .set_body_json(Value::Array(items))
        .append_header("link", format!("<{}?limit=200>; rel=\"self\"", s.url(p)).as_str())
        .append_header("x-rate-limit-limit", "600")
        .append_header("x-rate-limit-remaining", "599")
        .append_header("x-rate-limit-reset", "1772366400");
    if let Some(after) = next {
        r = r.append_header("link", format!("<{}?after={after}&limit=200>; rel=\"next\"", s.url(p)).as_str());
    }
    r
}

/// `items` at `GET p` (with `filter` when given) as pages of `size`,
/// chained by `after` cursors `{tag}2`, `{tag}3`…
async fn paged(s: &Setup, p: &str, filter: Option<&str>, items: &[Value], size: usize, tag: &str) {
    let chunks: Vec<&[Value]> = if items.is_empty() { vec![&[]] } else { items.chunks(size).collect() };
    for (i, chunk) in chunks.iter().enumerate() {
        let next = (i + 1 < chunks.len()).then(|| format!("{tag}{}", i + 2));
        let m = Mock::given(method("GET")).and(path(p)).and(query_param("limit", "200"));
        let m = match filter {
            Some(f) => m.and(query_param("filter", f)),
            None => m.and(query_param_is_missing("filter")).and(query_param_is_missing("search")),
        };
        let m = if i == 0 {
            m.and(query_param_is_missing("after"))
        } else {
            m.and(query_param("after", format!("{tag}{}", i + 1).as_str()))
        };
        m.respond_with(page(s, p, chunk.to_vec(), next.as_deref())).mount(&s.server).await;
    }
}

/// Users (not deprovisioned) and deprovisioned users, one page each.
async fn users(s: &Setup, active: Vec<Value>, gone: Vec<Value>) {
    paged(s, "/api/v1/users", None, &active, 200, "u").await;
    paged(s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
}

/// Every group, and each group's members (one page each).
async fn groups(s: &Setup, all: Vec<Value>, members: &[(&str, Vec<Value>)]) {
    for g in &all {
        let gid = g["id"].as_str().unwrap();
        let of = members.iter().find(|(id, _)| *id == gid).map(|(_, m)| m.clone()).unwrap_or_default();
        paged(s, &format!("/api/v1/groups/{gid}/users"), None, &of, 200, gid).await;
    }
    paged(s, "/api/v1/groups", None, &all, 200, "g").await;
}

/// Answers `method path` (any query) with `response`, as often as asked.
async fn stub(s: &Setup, m: &str, p: impl Into<String>, response: ResponseTemplate) {
    Mock::given(method(m)).and(path(p.into())).respond_with(response).mount(&s.server).await;
}

fn change(action: Action, id: &str) -> Change {
    Change::new("okta", action, AccountRef { id: Some(id.into()), ..Default::default() }, "test")
}

fn okta_error(status: u16, code: &str, summary: &str, causes: &[&str]) -> ResponseTemplate {
    let causes: Vec<Value> = causes.iter().map(|c| json!({"errorSummary": c})).collect();
    ResponseTemplate::new(status).set_body_json(json!({
        "errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae-test-1", "errorCauses": causes
    }))
}

fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

/// Method, path and query of every request the stub received, in order.
async fn sent(s: &Setup) -> Vec<String> {
    s.requests()
        .await
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.url.path(), r.url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect()
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn lists_three_pages_deprovisioned_users_and_groups_with_the_ssws_token() {
    let s = setup().await;
    let mut all: Vec<Value> =
        (0..5).map(|i| user(&format!("00u{i}"), &format!("u{i}@example.com"), "ACTIVE")).collect();
    all[1]["status"] = json!("SUSPENDED");
    all[2]["status"] = json!("PROVISIONED");
    all[3]["status"] = json!("LOCKED_OUT");
    all[4]["profile"]["employeeNumber"] = json!("E004");
    // Three pages of two, two and one.
    paged(&s, "/api/v1/users", None, &all, 2, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &[user("00ugone", "gone@example.com", "DEPROVISIONED")], 200, "d")
        .await;
    let gs = vec![
        group("00g1", "engineering", "OKTA_GROUP"),
        group("00g2", "Salesforce Users", "APP_GROUP"),
        group("00geveryone", "Everyone", "BUILT_IN"),
    ];
    groups(&s, gs, &[("00g1", vec![all[0].clone(), all[1].clone()]), ("00g2", vec![all[0].clone()])]).await;

    let l = s.okta.list().await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["00u0", "00u1", "00u2", "00u3", "00u4", "00ugone"]);
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("00u0").groups, vec!["Salesforce Users", "engineering"]);
    assert_eq!(by("00u0").username.as_deref(), Some("u0@example.com"));
    assert_eq!(by("00u0").email.as_deref(), Some("u0@example.com"));
    assert_eq!(by("00u0").display_name.as_deref(), Some("User 00u0"));
    assert_eq!(by("00u0").last_active.unwrap().to_string(), "2026-02-27");
    assert_eq!(by("00u1").status, AccountStatus::Suspended);
    assert_eq!(by("00u1").attributes["oktaStatus"], "SUSPENDED");
    assert_eq!(by("00u2").status, AccountStatus::Invited);
    assert_eq!(by("00u3").status, AccountStatus::Active);
    assert_eq!(by("00u4").external_id.as_deref(), Some("E004"));
    assert_eq!(by("00ugone").status, AccountStatus::Suspended);
    assert_eq!(by("00ugone").attributes["oktaStatus"], "DEPROVISIONED");
    assert!(l.capabilities.create && l.capabilities.suspend && l.capabilities.delete && l.capabilities.groups);
    assert!(!l.capabilities.transfer);

    let reqs = s.requests().await;
    for r in &reqs {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("SSWS {TOKEN}"));
    }
    // 3 users pages + 1 deprovisioned + 1 groups + 2 member pages
    // (Everyone, which holds every user, is not read).
    assert_eq!(reqs.len(), 7, "{:#?}", sent(&s).await);
    assert!(!reqs.iter().any(|r| r.url.path().contains("00geveryone")));
}

#[tokio::test]
async fn a_listing_costs_its_pages_not_a_request_per_user() {
    let s = setup().await;
    let all: Vec<Value> =
        (0..450).map(|i| user(&format!("00u{i:03}"), &format!("u{i:03}@example.com"), "ACTIVE")).collect();
    let gone: Vec<Value> =
        (0..3).map(|i| user(&format!("00ud{i}"), &format!("d{i}@example.com"), "DEPROVISIONED")).collect();
    paged(&s, "/api/v1/users", None, &all, 200, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
    stub(
        &s,
        "GET",
        "/api/v1/groups",
        page(
            &s,
            "/api/v1/groups",
            vec![
                group("00g1", "engineering", "OKTA_GROUP"),
                group("00g2", "sales", "OKTA_GROUP"),
                group("00g3", "Everyone", "BUILT_IN"),
            ],
            None,
        ),
    )
    .await;
    paged(&s, "/api/v1/groups/00g1/users", None, &all[..300], 200, "m").await;
    paged(&s, "/api/v1/groups/00g2/users", None, &all[300..], 200, "n").await;

    let l = s.okta.list().await.unwrap();
    assert_eq!(l.accounts.len(), 453);
    assert!(l.accounts.iter().filter(|a| a.groups == vec!["engineering"]).count() == 300);
    // 3 users pages + 1 deprovisioned page + 1 groups page + member pages
    // 2 (engineering) + 1 (sales) = 8 for 453 users, where reading each
    // user's groups would cost 455.
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 8, "{:#?}", sent(&s).await);
    assert!(reqs.iter().all(|r| r.method.as_str() == "GET"));
}

#[tokio::test]
async fn a_failing_page_fails_the_listing_with_oktas_error_and_no_token() {
    let s = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param_is_missing("after"))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u1", "a@example.com", "ACTIVE")], Some("c2")))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "c2"))
        .respond_with(okta_error(403, "E0000006", "You do not have permission to perform the requested action", &[]))
        .mount(&s.server)
        .await;
    let e = s.okta.list().await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("GET ") && call.contains("/api/v1/users?after=c2&limit=200"), "{call}");
    assert!(problem.contains("Okta error E0000006: You do not have permission"), "{problem}");
    assert!(problem.contains("Group Administrator"), "{problem}");
    assert_no_token(&e);

    let s = setup().await;
    Mock::given(method("GET"))
        .respond_with(okta_error(401, "E0000011", "Invalid token provided", &[]))
        .mount(&s.server)
        .await;
    let e = s.okta.list().await.unwrap_err();
    assert!(e.to_string().contains("Okta error E0000011: Invalid token provided"), "{e}");
    assert!(e.to_string().contains("Security → API → Tokens"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn a_next_link_to_another_host_or_back_is_partial() {
    let s = setup().await;
    stub(
        &s,
        "GET",
        "/api/v1/users",
        ResponseTemplate::new(200)
            .set_body_json(json!([user("00u1", "a@example.com", "ACTIVE")]))
            .append_header("link", "<https://evil.example/api/v1/users?after=x>; rel=\"next\""),
    )
    .await;
    let e = s.okta.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("does not send the token")), "{e:?}");
    assert_eq!(s.requests().await.len(), 1);
}

#[tokio::test]
async fn a_429_waits_until_the_epoch_reset_and_one_too_far_fails_at_once() {
    let s = setup().await;
    // Okta's reset is whole epoch seconds: at least one second away.
    let reset = (jiff::Timestamp::now().as_second() + 2).to_string();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(
            okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.", &[])
                .insert_header("X-Rate-Limit-Limit", "600")
                .insert_header("X-Rate-Limit-Remaining", "0")
                .insert_header("X-Rate-Limit-Reset", reset.as_str()),
        )
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    users(&s, vec![user("00u1", "a@example.com", "ACTIVE")], vec![]).await;
    groups(&s, vec![], &[]).await;
    let started = Instant::now();
    let l = s.okta.list().await.unwrap();
    assert_eq!(l.accounts.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(900), "waited only {:?}", started.elapsed());

    let s = setup().await;
    let later = (jiff::Timestamp::now().as_second() + 3600).to_string();
    stub(
        &s,
        "GET",
        "/api/v1/users",
        okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.", &[])
            .insert_header("X-Rate-Limit-Reset", later.as_str()),
    )
    .await;
    let started = Instant::now();
    let e = s.okta.list().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "should not wait an hour: {:?}", started.elapsed());
    let shown = e.to_string();
    assert!(shown.contains("longer than the") && shown.contains("retry limit"), "{shown}");
    assert!(e.is_transient());
    assert_no_token(&e);
    assert_eq!(s.requests().await.len(), 1);
}

// ---------------------------------------------------------------- changes

/// `POST …/lifecycle/{verb}` answers 200 once, then `then` (Okta refuses
/// a transition the user is past).
async fn lifecycle_once(s: &Setup, id: &str, verb: &str, then: ResponseTemplate) {
    let p = format!("/api/v1/users/{id}/lifecycle/{verb}");
    Mock::given(method("POST"))
        .and(path(p.as_str()))
        .and(header("authorization", format!("SSWS {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    stub(s, "POST", p, then).await;
}

/// `GET /api/v1/users/{id}` answers with the user in `status`.
async fn user_is(s: &Setup, id: &str, status: &str) {
    stub(
        s,
        "GET",
        format!("/api/v1/users/{id}"),
        ResponseTemplate::new(200).set_body_json(user(id, "a@example.com", status)),
    )
    .await;
}

fn not_allowed(what: &str) -> ResponseTemplate {
    okta_error(400, "E0000001", &format!("Api validation failed: {what}"), &[&format!("{what}: not allowed")])
}

#[tokio::test]
async fn suspend_and_unsuspend_are_one_call_each_and_reruns_are_already_done() {
    let s = setup().await;
    lifecycle_once(&s, "00u1", "suspend", not_allowed("suspend")).await;
    lifecycle_once(&s, "00u1", "unsuspend", not_allowed("unsuspend")).await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended 00u1".into()));
    // The rerun: Okta refuses, the user is read, and it is SUSPENDED.
    let user_mock = Mock::given(method("GET"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00u1", "a@example.com", "SUSPENDED")))
        .up_to_n_times(1)
        .mount_as_scoped(&s.server)
        .await;
    let again = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("already SUSPENDED")), "{again:?}");
    drop(user_mock);

    let out = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("unsuspended 00u1".into()));
    user_is(&s, "00u1", "ACTIVE").await;
    let again = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("ACTIVE")), "{again:?}");
    assert_eq!(
        sent(&s).await,
        [
            "POST /api/v1/users/00u1/lifecycle/suspend",
            "POST /api/v1/users/00u1/lifecycle/suspend",
            "GET /api/v1/users/00u1",
            "POST /api/v1/users/00u1/lifecycle/unsuspend",
            "POST /api/v1/users/00u1/lifecycle/unsuspend",
            "GET /api/v1/users/00u1",
        ]
    );
}

#[tokio::test]
async fn suspend_as_deactivate_deactivates_and_restore_activates_again() {
    let s = setup_with(", suspendAs: deactivate", "").await;
    lifecycle_once(&s, "00u1", "deactivate", not_allowed("deactivate")).await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("deactivated 00u1".into()));
    user_is(&s, "00u1", "DEPROVISIONED").await;
    let again = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("DEPROVISIONED")), "{again:?}");

    // A deprovisioned user cannot be unsuspended: it is activated again.
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/unsuspend",
        okta_error(
            400,
            "E0000001",
            "Api validation failed: unsuspend",
            &["Cannot unsuspend a user that is not suspended"],
        ),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/activate"))
        .and(query_param("sendEmail", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.starts_with("activated 00u1 again")), "{out:?}");
    let deactivations: Vec<String> = sent(&s).await.into_iter().filter(|r| r.contains("deactivate")).collect();
    assert!(deactivations.iter().all(|r| r.ends_with("?sendEmail=false")), "{deactivations:?}");
}

#[tokio::test]
async fn delete_deactivates_then_deletes_and_a_rerun_is_already_done() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/deactivate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("deactivated and deleted 00u1".into()));
    assert_eq!(
        sent(&s).await,
        ["POST /api/v1/users/00u1/lifecycle/deactivate?sendEmail=false", "DELETE /api/v1/users/00u1?sendEmail=false"]
    );
    // Afterwards Okta knows no such user.
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/deactivate",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    stub(
        &s,
        "GET",
        "/api/v1/users/00u1",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    let again = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("no longer in Okta")), "{again:?}");
}

#[tokio::test]
async fn delete_after_a_crash_between_the_two_steps_only_deletes() {
    let s = setup().await;
    stub(&s, "POST", "/api/v1/users/00u1/lifecycle/deactivate", not_allowed("deactivate")).await;
    user_is(&s, "00u1", "DEPROVISIONED").await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("deleted 00u1")), "{out:?}");
}

#[tokio::test]
async fn a_refused_lifecycle_call_is_an_error_with_oktas_causes() {
    let s = setup().await;
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/suspend",
        okta_error(400, "E0000001", "Api validation failed: suspend", &["Cannot suspend a user that is not active"]),
    )
    .await;
    user_is(&s, "00u1", "LOCKED_OUT").await;
    let e = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains(&format!("POST {}", s.url("/api/v1/users/00u1/lifecycle/suspend"))), "{shown}");
    assert!(shown.contains("cannot suspend 00u1, whose status is LOCKED_OUT"), "{shown}");
    assert!(shown.contains("or set suspendAs: deactivate"), "{shown}");
    assert!(
        shown
            .contains("Okta error E0000001: Api validation failed: suspend (Cannot suspend a user that is not active)"),
        "{shown}"
    );
    assert_no_token(&e);
}

#[tokio::test]
async fn a_leaver_who_never_activated_is_deactivated_so_the_activation_link_dies() {
    let s = setup().await;
    stub(&s, "POST", "/api/v1/users/00u1/lifecycle/suspend", not_allowed("suspend")).await;
    user_is(&s, "00u1", "PROVISIONED").await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/deactivate"))
        .and(query_param("sendEmail", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.starts_with("deactivated 00u1: it was PROVISIONED")), "{out:?}");
}

fn joiner(name: &str, email: &str) -> Change {
    let mut c =
        Change::new("okta", Action::Create, AccountRef { email: Some(email.into()), ..Default::default() }, "test");
    c.person = Some(PersonRef { id: "E042".into(), email: Some(email.into()), name: Some(name.into()) });
    c
}

#[tokio::test]
async fn a_joiner_is_created_activated_with_an_exact_profile_and_joins_groups() {
    let s = setup_with(", nameOrder: familyFirst", "").await;
    let name = "山田 \"花子\"\\";
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .and(query_param("activate", "true"))
        .and(body_json(json!({"profile": {
            "firstName": "\"花子\"\\", "lastName": "山田", "email": "hanako@example.com",
            "login": "hanako@example.com", "employeeNumber": "E042"
        }, "groupIds": ["00g1"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00unew", "hanako@example.com", "ACTIVE")))
        .expect(1)
        .mount(&s.server)
        .await;
    groups(&s, vec![group("00g1", "engineering", "OKTA_GROUP")], &[]).await;
    let mut c = joiner(name, "hanako@example.com");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec![] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("created and activated 00unew (hanako@example.com), groups engineering".into()));
}

#[tokio::test]
async fn a_taken_login_is_adopted_never_a_second_user() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .respond_with(okta_error(
            400,
            "E0000001",
            "Api validation failed: login",
            &["login: An object with this field already exists in the current organization"],
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/ann@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00uann", "ann@example.com", "ACTIVE")))
        .expect(1)
        .mount(&s.server)
        .await;
    groups(&s, vec![group("00g1", "engineering", "OKTA_GROUP")], &[]).await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/groups/00g1/users/00uann"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = joiner("Ann Lee", "ann@example.com");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec![] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("adopted existing user 00uann (ann@example.com), groups engineering".into()));

    // Any other refusal is an error with Okta's causes, and nothing adopted.
    let s = setup().await;
    stub(
        &s,
        "POST",
        "/api/v1/users",
        okta_error(400, "E0000001", "Api validation failed: email", &["email: Does not match required pattern"]),
    )
    .await;
    let e = s.okta.apply(&joiner("Ann Lee", "ann@example.com")).await.unwrap_err();
    assert!(e.to_string().contains("cannot create ann@example.com"), "{e}");
    assert!(e.to_string().contains("(email: Does not match required pattern)"), "{e}");
    assert_no_token(&e);
    assert_eq!(s.requests().await.len(), 1);
}

#[tokio::test]
async fn groups_are_joined_and_left_and_app_groups_are_never_touched() {
    let s = setup().await;
    groups(
        &s,
        vec![
            group("00g1", "engineering", "OKTA_GROUP"),
            group("00g2", "ops", "OKTA_GROUP"),
            group("00g3", "Salesforce Users", "APP_GROUP"),
        ],
        &[],
    )
    .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/groups/00g1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/groups/00g2/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .expect(1)
        .mount(&s.server)
        .await;
    stub(
        &s,
        "DELETE",
        "/api/v1/groups/00g2/users/00u1",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec!["ops".into()] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("00u1: joined engineering, left ops".into()));
    // A rerun: Okta's PUT is 204 again, the DELETE of a non-member 404.
    let again = s.okta.apply(&c).await.unwrap();
    assert_eq!(again, Outcome::Applied("00u1: joined engineering, not in ops (no change)".into()));

    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec!["Salesforce Users".into()] }));
    let e = s.okta.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("`Salesforce Users` is an APP_GROUP group"), "{e}");
    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["no-such".into()], remove: vec![] }));
    let e = s.okta.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("there is no Okta group `no-such`"), "{e}");
    // The groups were read once for the first change; a missing name reads
    // them again. Nothing was sent for the refused changes.
    let reqs = s.requests().await;
    assert_eq!(reqs.iter().filter(|r| r.url.path() == "/api/v1/groups").count(), 2);
    assert_eq!(reqs.iter().filter(|r| r.method.as_str() != "GET").count(), 4);
}

#[tokio::test]
async fn a_hand_over_is_not_something_okta_does() {
    let s = setup().await;
    let e = s.okta.apply(&change(Action::Transfer, "00u1")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { kind: "okta", .. }), "{e:?}");
    assert!(s.requests().await.is_empty());
}

// ---------------------------------------------------------------- one person

fn keys(emails: &[&str]) -> PersonKeys {
    PersonKeys { ids: vec!["E1".into()], emails: emails.iter().map(|e| (*e).to_owned()).collect(), user_names: vec![] }
}

#[tokio::test]
async fn find_searches_login_and_email_among_every_status_and_reads_their_groups() {
    let s = setup().await;
    let expr = r#"profile.login eq "ann@example.com" or profile.email eq "ann@example.com""#;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("search", expr))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u1", "ann@example.com", "ACTIVE")], None))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("search", format!("status eq \"DEPROVISIONED\" and ({expr})").as_str()))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u9", "ann@example.com", "DEPROVISIONED")], None))
        .expect(1)
        .mount(&s.server)
        .await;
    for id in ["00u1", "00u9"] {
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/users/{id}/groups")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                group("00geveryone", "Everyone", "BUILT_IN"),
                group("00g1", "engineering", "OKTA_GROUP")
            ])))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    let l = s.okta.find(&keys(&["ann@example.com"])).await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["00u1", "00u9"]);
    assert_eq!(l.accounts[0].groups, vec!["engineering"]);
    assert_eq!(l.accounts[1].attributes["oktaStatus"], "DEPROVISIONED");
    assert_eq!(s.requests().await.len(), 4);
}

#[tokio::test]
async fn find_quotes_addresses_so_they_cannot_add_a_clause() {
    let s = setup().await;
    stub(&s, "GET", "/api/v1/users", page(&s, "/api/v1/users", vec![], None)).await;
    let evil = r#"x" or status eq "ACTIVE@example.com"#;
    let l = s.okta.find(&keys(&[evil])).await.unwrap();
    assert!(l.accounts.is_empty());
    let search: Vec<String> = s
        .requests()
        .await
        .iter()
        .filter_map(|r| r.url.query_pairs().find(|(k, _)| k == "search").map(|(_, v)| v.into_owned()))
        .collect();
    assert!(search[0].starts_with(r#"profile.login eq "x\" or status eq \"ACTIVE@example.com" or"#), "{search:?}");
}

#[tokio::test]
async fn find_reads_the_listing_when_accounts_are_matched_by_more_than_their_email() {
    let s = setup_with("", "  correlate: [{email: {}}, {attribute: {attribute: okta}}]\n").await;
    users(&s, vec![user("00u1", "ann@example.com", "ACTIVE"), user("00u2", "x@example.com", "ACTIVE")], vec![]).await;
    groups(&s, vec![], &[]).await;
    let l = s.okta.find(&keys(&["ann@example.com"])).await.unwrap();
    assert_eq!(l.accounts.len(), 2);
    assert!(!s.requests().await.iter().any(|r| r.url.query_pairs().any(|(k, _)| k == "search")));
}

// ---------------------------------------------------------------- request counts

/// The numbers in BENCHMARKS.md ("HTTP requests of an Okta reconcile"):
/// one full reconcile of the same organisation shape as the SCIM
/// benchmark — 450 users and 20 deactivated ones, three Okta groups plus
/// Everyone; 50 joiners each into a group, 30 engineers missing their
/// group, 40 leavers to suspend, 20 to delete, 10 rehires to unsuspend —
/// costs the listing's pages plus one request per change (two per delete,
/// Okta's two steps).
#[tokio::test]
async fn a_full_reconcile_costs_its_pages_and_one_request_per_change() {
    use wiremock::matchers::path_regex;
    let s = setup().await;
    let all: Vec<Value> =
        (0..450).map(|i| user(&format!("00u{i:03}"), &format!("u{i:03}@example.com"), "ACTIVE")).collect();
    let gone: Vec<Value> =
        (0..20).map(|i| user(&format!("00ud{i:02}"), &format!("d{i:02}@example.com"), "DEPROVISIONED")).collect();
    paged(&s, "/api/v1/users", None, &all, 200, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
    let gs = vec![
        group("00g1", "engineering", "OKTA_GROUP"),
        group("00g2", "sales", "OKTA_GROUP"),
        group("00g3", "design", "OKTA_GROUP"),
        group("00g4", "Everyone", "BUILT_IN"),
    ];
    paged(&s, "/api/v1/groups", None, &gs, 200, "g").await;
    paged(&s, "/api/v1/groups/00g1/users", None, &all[..300], 200, "e").await;
    paged(&s, "/api/v1/groups/00g2/users", None, &all[300..], 200, "s").await;
    paged(&s, "/api/v1/groups/00g3/users", None, &[], 200, "x").await;
    let listing = s.okta.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 470);
    let pages = s.requests().await.len();
    // 3 users + 1 deactivated + 1 groups + 2 + 1 + 1 member pages.
    assert_eq!(pages, 9);

    let ok = || ResponseTemplate::new(200).set_body_json(json!({}));
    stub(
        &s,
        "POST",
        "/api/v1/users",
        ResponseTemplate::new(200).set_body_json(user("00unew", "new@example.com", "ACTIVE")),
    )
    .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/api/v1/users/[^/]+/lifecycle/"))
        .respond_with(ok())
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex(r"^/api/v1/groups/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex(r"^/api/v1/users/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&s.server)
        .await;

    let groups_add = |g: &str| Some(Box::new(GroupChange { add: vec![g.into()], remove: vec![] }));
    let mut plan: Vec<Change> = Vec::new();
    for i in 0..50 {
        let mut c = joiner("New Person", &format!("new{i}@example.com"));
        c.groups = groups_add("design");
        plan.push(c);
    }
    for i in 0..30 {
        let mut c = change(Action::Update, &format!("00u{:03}", 300 + i));
        c.groups = groups_add("engineering");
        plan.push(c);
    }
    plan.extend((0..40).map(|i| change(Action::Suspend, &format!("00u{:03}", 400 + i))));
    plan.extend((0..20).map(|i| change(Action::Delete, &format!("00ud{i:02}"))));
    plan.extend((0..10).map(|i| change(Action::Restore, &format!("00u{:03}", 440 + i))));
    for c in &plan {
        s.okta.apply(c).await.unwrap();
    }
    let total = s.requests().await.len();
    // 50 creates (groups in the same request) + 30 PUTs + 40 suspends +
    // 20 × (deactivate + delete) + 10 unsuspends; the group ids come from
    // the listing, so no group is read again.
    assert_eq!(total - pages, 170);
    assert_eq!(total, 179, "minimum {} = {pages} pages + {} changes", pages + plan.len(), plan.len());
}
