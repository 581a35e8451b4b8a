//! Stubs of Okta's management API shaped as Okta documents them, and the
//! connector set up against them.

use keyward_connectors::okta::Okta;
use keyward_connectors::{ClusterSecrets, ConnectorError};
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, PersonRef};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::fast;

/// Distinctive, so its absence from every error string means something.
pub(crate) const TOKEN: &str = "00kwOKTA-test-token-7d1e9b";
pub(crate) const DEPROVISIONED: &str = r#"status eq "DEPROVISIONED""#;

pub(crate) const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {okta: okta}}}}\n---\n";

pub(crate) struct Setup {
    pub(crate) server: MockServer,
    pub(crate) okta: Okta,
    _dir: tempfile::TempDir,
}

impl Setup {
    pub(crate) async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    pub(crate) fn url(&self, p: &str) -> String {
        format!("{}{p}", self.server.uri())
    }
}

pub(crate) async fn setup() -> Setup {
    setup_with("", "").await
}

/// [`setup`], with `connector` (flow YAML) added to the connector and
/// `spec_lines` (indented YAML) to the Application's spec.
pub(crate) async fn setup_with(connector: &str, spec_lines: &str) -> Setup {
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

pub(crate) fn user(id: &str, login: &str, status: &str) -> Value {
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

pub(crate) fn group(id: &str, name: &str, kind: &str) -> Value {
    json!({
        "id": id, "created": "2025-01-01T00:00:00.000Z", "lastUpdated": "2025-01-01T00:00:00.000Z",
        "lastMembershipUpdated": "2026-01-01T00:00:00.000Z", "objectClass": ["okta:user_group"], "type": kind,
        "profile": {"name": name, "description": null}
    })
}

/// A page with Okta's two `Link` headers: `self`, and `next` when there is
/// one (`after` = the cursor).
pub(crate) fn page(s: &Setup, p: &str, items: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
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
pub(crate) async fn paged(s: &Setup, p: &str, filter: Option<&str>, items: &[Value], size: usize, tag: &str) {
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
pub(crate) async fn users(s: &Setup, active: Vec<Value>, gone: Vec<Value>) {
    paged(s, "/api/v1/users", None, &active, 200, "u").await;
    paged(s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
}

/// Every group, and each group's members (one page each).
pub(crate) async fn groups(s: &Setup, all: Vec<Value>, members: &[(&str, Vec<Value>)]) {
    for g in &all {
        let gid = g["id"].as_str().unwrap();
        let of = members.iter().find(|(id, _)| *id == gid).map(|(_, m)| m.clone()).unwrap_or_default();
        paged(s, &format!("/api/v1/groups/{gid}/users"), None, &of, 200, gid).await;
    }
    paged(s, "/api/v1/groups", None, &all, 200, "g").await;
}

/// Answers `method path` (any query) with `response`, as often as asked.
pub(crate) async fn stub(s: &Setup, m: &str, p: impl Into<String>, response: ResponseTemplate) {
    Mock::given(method(m)).and(path(p.into())).respond_with(response).mount(&s.server).await;
}

pub(crate) fn change(action: Action, id: &str) -> Change {
    Change::new("okta", action, AccountRef { id: Some(id.into()), ..Default::default() }, "test")
}

pub(crate) fn okta_error(status: u16, code: &str, summary: &str, causes: &[&str]) -> ResponseTemplate {
    let causes: Vec<Value> = causes.iter().map(|c| json!({"errorSummary": c})).collect();
    ResponseTemplate::new(status).set_body_json(json!({
        "errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae-test-1", "errorCauses": causes
    }))
}

pub(crate) fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

/// Method, path and query of every request the stub received, in order.
pub(crate) async fn sent(s: &Setup) -> Vec<String> {
    s.requests()
        .await
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.url.path(), r.url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect()
}

/// A create for a person with `name` and work e-mail `email`.
pub(crate) fn joiner(name: &str, email: &str) -> Change {
    let mut c =
        Change::new("okta", Action::Create, AccountRef { email: Some(email.into()), ..Default::default() }, "test");
    c.person = Some(PersonRef { id: "E042".into(), email: Some(email.into()), name: Some(name.into()) });
    c
}
