//! Shared by the GitHub tests: the stub server and the connector built against it,
//! GitHub-shaped users, teams, invitations, pages and errors, and the changes applied.

use std::time::Duration;

use keyward_connectors::ConnectorError;
use keyward_connectors::github::Github;
use keyward_connectors::http::RetryPolicy;
use keyward_core::account::Account;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
pub(crate) const TOKEN: &str = "ghp_TEST7d1f0c9e2bTOKEN";
pub(crate) const ORG: &str = "acme";
pub(crate) const DOCS: &str = "https://docs.github.com/rest/orgs/members";

pub(crate) const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

pub(crate) fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        max_total_wait: Duration::from_secs(5),
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}

/// A policy set with one GitHub Application `gh`, its token in a file.
pub(crate) fn policy(dir: &std::path::Path, api_url: &str, extra: &str) -> PolicySet {
    std::fs::write(dir.join("token.txt"), format!("{TOKEN}\n")).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: gh}}\nspec:\n  connector:\n    github: {{org: {ORG}, token: {{file: token.txt}}, apiUrl: \"{api_url}\"{extra}}}\n  apply: {{requestsPerSecond: 1000}}\n"
    );
    let path = dir.join("apps.yaml").display().to_string();
    PolicySet::load("test", vec![SourceFile { path, text }]).unwrap().set
}

pub(crate) struct Setup {
    pub(crate) server: MockServer,
    pub(crate) gh: Github,
    pub(crate) _dir: tempfile::TempDir,
}

impl Setup {
    pub(crate) async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    pub(crate) async fn calls(&self, verb: &str, p: &str) -> Vec<Request> {
        self.requests().await.into_iter().filter(|r| r.method.as_str() == verb && r.url.path() == p).collect()
    }

    /// `<{server}{path}?{query}>; rel="…"` entries, as GitHub writes them.
    pub(crate) fn link(&self, rels: &[(&str, &str)]) -> String {
        let uri = self.server.uri();
        rels.iter().map(|(target, rel)| format!("<{uri}{target}>; rel=\"{rel}\"")).collect::<Vec<_>>().join(", ")
    }

    /// `response` to the first request `m` matches only, ahead of every
    /// other stub: the state before a change, or a throttled first try.
    pub(crate) async fn first_time(&self, m: MockBuilder, response: ResponseTemplate) {
        m.respond_with(response).up_to_n_times(1).with_priority(1).mount(&self.server).await;
    }

    pub(crate) async fn stub(&self, verb: &str, p: &str, response: ResponseTemplate) {
        Mock::given(method(verb)).and(path(p)).respond_with(response).mount(&self.server).await;
    }

    /// A first page (no `page` parameter) with extra query matchers.
    pub(crate) async fn first_page(&self, p: &str, query: &[(&str, &str)], response: ResponseTemplate) {
        let mut m = Mock::given(method("GET")).and(path(p)).and(query_param_is_missing("page"));
        for (k, v) in query {
            m = m.and(query_param(*k, *v));
        }
        m.respond_with(response).mount(&self.server).await;
    }

    pub(crate) async fn page(&self, p: &str, page: u32, query: &[(&str, &str)], response: ResponseTemplate) {
        let mut m = Mock::given(method("GET")).and(path(p)).and(query_param("page", page.to_string()));
        for (k, v) in query {
            m = m.and(query_param(*k, *v));
        }
        m.respond_with(response).mount(&self.server).await;
    }
}

pub(crate) async fn setup() -> Setup {
    setup_with("").await
}

pub(crate) async fn setup_with(extra: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &server.uri(), extra);
    let app = &set.applications[0];
    let gh = Github::new(&set.locator(&app.origin), app, app.spec.connector.github.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    Setup { server, gh, _dir: dir }
}

pub(crate) fn user(id: u64, login: &str) -> Value {
    json!({
        "login": login, "id": id, "node_id": format!("U_{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "url": format!("https://api.github.com/users/{login}"),
        "type": "User", "site_admin": false
    })
}

pub(crate) fn bot(id: u64, login: &str) -> Value {
    let mut u = user(id, login);
    u["type"] = json!("Bot");
    u
}

pub(crate) fn team(id: u64, slug: &str) -> Value {
    json!({"id": id, "node_id": format!("T_{id}"), "name": slug, "slug": slug, "privacy": "closed", "permission": "pull", "parent": null})
}

pub(crate) fn invitation(id: u64, login: Option<&str>, email: Option<&str>, role: &str, team_count: u64) -> Value {
    json!({
        "id": id, "node_id": format!("I_{id}"), "login": login, "email": email, "role": role,
        "created_at": "2026-11-20T01:02:03Z", "failed_at": null, "failed_reason": null,
        "inviter": user(1, "octo-owner"), "team_count": team_count,
        "invitation_teams_url": format!("https://api.github.com/organizations/9/invitations/{id}/teams"),
        "invitation_source": "member"
    })
}

pub(crate) fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

pub(crate) fn paged(body: Value, link: String) -> ResponseTemplate {
    ok(body).insert_header("link", link.as_str())
}

pub(crate) fn gh_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"message": message, "documentation_url": DOCS, "status": status.to_string()}))
}

pub(crate) fn validation_failed(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(422).set_body_json(json!({
        "message": "Validation Failed",
        "errors": [{"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data", "message": message}],
        "documentation_url": "https://docs.github.com/rest/orgs/members#create-an-organization-invitation",
        "status": "422"
    }))
}

pub(crate) fn members_path() -> String {
    format!("/orgs/{ORG}/members")
}

/// A one-page organisation: no invitations, no teams, these members.
pub(crate) async fn small_org(s: &Setup, admins: Vec<Value>, members: Vec<Value>) {
    s.first_page(&members_path(), &[("role", "admin")], ok(Value::Array(admins))).await;
    s.first_page(&members_path(), &[("role", "member")], ok(Value::Array(members))).await;
    s.stub("GET", &format!("/orgs/{ORG}/invitations"), ok(json!([]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams"), ok(json!([]))).await;
}

pub(crate) fn change(action: Action, id: &str, login: Option<&str>) -> Change {
    let account = AccountRef { id: Some(id.into()), username: login.map(Into::into), ..Default::default() };
    Change::new("gh", action, account, "test")
}

pub(crate) fn create(login: Option<&str>, email: &str, role: &str, teams: &[&str]) -> Change {
    let mut c = Change::new(
        "gh",
        Action::Create,
        AccountRef { email: Some(email.into()), username: login.map(Into::into), ..Default::default() },
        "test",
    );
    c.person = Some(PersonRef { id: "E1".into(), email: Some(email.into()), name: Some("Ann Lee".into()) });
    c.role = Some(Box::new(RoleChange { from: None, to: role.into() }));
    if !teams.is_empty() {
        c.groups = Some(Box::new(GroupChange { add: teams.iter().map(|t| (*t).to_owned()).collect(), remove: vec![] }));
    }
    c
}

pub(crate) fn by_id<'a>(accounts: &'a [Account], id: &str) -> &'a Account {
    accounts.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("no account {id} in {accounts:#?}"))
}

/// Asserts the token appears nowhere in an error's Display or Debug.
pub(crate) fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains("7d1f0c9e2b"), "token leaked: {shown}");
}
