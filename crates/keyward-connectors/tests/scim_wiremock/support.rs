//! Shared by the SCIM tests: the stub server and the connector built against it,
//! SCIM-shaped users, list responses and errors, and the changes applied.

use crate::common::fast;
use keyward_connectors::ConnectorError;
use keyward_connectors::scim::Scim;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, PersonRef, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
pub(crate) const TOKEN: &str = "kw-TEST-TOKEN-7d1f0c9e2b";
pub(crate) const BASE: &str = "/scim/v2";
pub(crate) const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub(crate) const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub(crate) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

pub(crate) const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

/// A policy set with one SCIM Application `app`, its token in a file.
pub(crate) fn policy(dir: &std::path::Path, url: &str, scim_extra: &str, app_extra: &str) -> PolicySet {
    std::fs::write(dir.join("token.txt"), format!("  {TOKEN}\n")).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"{url}\", token: {{file: token.txt}}{scim_extra}}}\n  apply: {{requestsPerSecond: 1000}}\n{app_extra}"
    );
    let path = dir.join("apps.yaml").display().to_string();
    PolicySet::load("test", vec![SourceFile { path, text }]).unwrap().set
}

pub(crate) struct Setup {
    pub(crate) server: MockServer,
    pub(crate) scim: Scim,
    pub(crate) _dir: tempfile::TempDir,
}

impl Setup {
    pub(crate) fn url(&self) -> String {
        format!("{}{BASE}", self.server.uri())
    }

    pub(crate) async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    pub(crate) async fn calls(&self, verb: &str, p: &str) -> Vec<Request> {
        let full = format!("{BASE}{p}");
        self.requests().await.into_iter().filter(|r| r.method.as_str() == verb && r.url.path() == full).collect()
    }
}

pub(crate) async fn setup(scim_extra: &str) -> Setup {
    setup_with(scim_extra, "").await
}

pub(crate) async fn setup_with(scim_extra: &str, app_extra: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &format!("{}{BASE}", server.uri()), scim_extra, app_extra);
    let app = &set.applications[0];
    let scim = Scim::new(&set.locator(&app.origin), app, app.spec.connector.scim.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    Setup { server, scim, _dir: dir }
}

pub(crate) fn p(s: &str) -> String {
    format!("{BASE}{s}")
}

pub(crate) async fn features(s: &Setup, patch: bool, etag: bool, max_results: Option<u32>) {
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

pub(crate) fn user(id: &str, name: &str, active: bool) -> Value {
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

pub(crate) fn list(total: u64, start: u64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources
    })
}

pub(crate) fn scim_error(status: u16, scim_type: Option<&str>, detail: &str) -> ResponseTemplate {
    let mut body = json!({"schemas": [ERROR_SCHEMA], "status": status.to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    ResponseTemplate::new(status).set_body_json(body)
}

pub(crate) async fn users_page(s: &Setup, start: u64, body: Value) {
    Mock::given(method("GET"))
        .and(path(p("/Users")))
        .and(query_param("startIndex", start.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s.server)
        .await;
}

pub(crate) async fn no_groups(s: &Setup) {
    Mock::given(method("GET"))
        .and(path(p("/Groups")))
        .respond_with(scim_error(404, None, "no such endpoint"))
        .mount(&s.server)
        .await;
}

pub(crate) fn change(action: Action, id: Option<&str>) -> Change {
    Change::new("app", action, AccountRef { id: id.map(Into::into), ..Default::default() }, "test")
}

pub(crate) fn create(email: &str, person: &str) -> Change {
    let mut c = change(Action::Create, None);
    c.account = AccountRef { email: Some(email.into()), display_name: Some("Ann Lee".into()), ..Default::default() };
    c.person = Some(PersonRef { id: person.into(), email: Some(email.into()), name: Some("Ann Lee".into()) });
    c.role = Some(Box::new(RoleChange { from: None, to: "member".into() }));
    c.profile = Some(Box::default());
    c
}

/// Asserts the token appears nowhere in an error's Display or Debug.
pub(crate) fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains("7d1f0c9e2b"), "token leaked: {shown}");
}
