#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The GitHub organisation connector against request-level stubs shaped
//! as GitHub's REST documentation describes them: `Link` paging (GitHub's
//! next links name `/organizations/{id}/…`), the headers GitHub asks for,
//! `{"message","documentation_url"}` errors, 422 validation failures and
//! both kinds of rate limit.

use std::time::Duration;

use keyward_connectors::github::Github;
use keyward_connectors::http::RetryPolicy;
use keyward_connectors::{Connector, ConnectorError, Outcome, PersonKeys, build_all};
use keyward_core::account::{Account, AccountStatus};
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
const TOKEN: &str = "ghp_TEST7d1f0c9e2bTOKEN";
const ORG: &str = "acme";
const DOCS: &str = "https://docs.github.com/rest/orgs/members";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        max_total_wait: Duration::from_secs(5),
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}

/// A policy set with one GitHub Application `gh`, its token in a file.
fn policy(dir: &std::path::Path, api_url: &str, extra: &str) -> PolicySet {
    std::fs::write(dir.join("token.txt"), format!("{TOKEN}\n")).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: gh}}\nspec:\n  connector:\n    github: {{org: {ORG}, token: {{file: token.txt}}, apiUrl: \"{api_url}\"{extra}}}\n  apply: {{requestsPerSecond: 1000}}\n"
    );
    let path = dir.join("apps.yaml").display().to_string();
    PolicySet::load("test", vec![SourceFile { path, text }]).unwrap().set
}

struct Setup {
    server: MockServer,
    gh: Github,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }

    async fn calls(&self, verb: &str, p: &str) -> Vec<Request> {
        self.requests().await.into_iter().filter(|r| r.method.as_str() == verb && r.url.path() == p).collect()
    }

    /// `<{server}{path}?{query}>; rel="…"` entries, as GitHub writes them.
    fn link(&self, rels: &[(&str, &str)]) -> String {
        let uri = self.server.uri();
        rels.iter().map(|(target, rel)| format!("<{uri}{target}>; rel=\"{rel}\"")).collect::<Vec<_>>().join(", ")
    }

    /// `response` to the first request `m` matches only, ahead of every
    /// other stub: the state before a change, or a throttled first try.
    async fn first_time(&self, m: MockBuilder, response: ResponseTemplate) {
        m.respond_with(response).up_to_n_times(1).with_priority(1).mount(&self.server).await;
    }

    async fn stub(&self, verb: &str, p: &str, response: ResponseTemplate) {
        Mock::given(method(verb)).and(path(p)).respond_with(response).mount(&self.server).await;
    }

    /// A first page (no `page` parameter) with extra query matchers.
    async fn first_page(&self, p: &str, query: &[(&str, &str)], response: ResponseTemplate) {
        let mut m = Mock::given(method("GET")).and(path(p)).and(query_param_is_missing("page"));
        for (k, v) in query {
            m = m.and(query_param(*k, *v));
        }
        m.respond_with(response).mount(&self.server).await;
    }

    async fn page(&self, p: &str, page: u32, query: &[(&str, &str)], response: ResponseTemplate) {
        let mut m = Mock::given(method("GET")).and(path(p)).and(query_param("page", page.to_string()));
        for (k, v) in query {
            m = m.and(query_param(*k, *v));
        }
        m.respond_with(response).mount(&self.server).await;
    }
}

async fn setup() -> Setup {
    setup_with("").await
}

async fn setup_with(extra: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &server.uri(), extra);
    let app = &set.applications[0];
    let gh = Github::new(&set.locator(&app.origin), app, app.spec.connector.github.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    Setup { server, gh, _dir: dir }
}

fn user(id: u64, login: &str) -> Value {
    json!({
        "login": login, "id": id, "node_id": format!("U_{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "url": format!("https://api.github.com/users/{login}"),
        "type": "User", "site_admin": false
    })
}

fn bot(id: u64, login: &str) -> Value {
    let mut u = user(id, login);
    u["type"] = json!("Bot");
    u
}

fn team(id: u64, slug: &str) -> Value {
    json!({"id": id, "node_id": format!("T_{id}"), "name": slug, "slug": slug, "privacy": "closed", "permission": "pull", "parent": null})
}

fn invitation(id: u64, login: Option<&str>, email: Option<&str>, role: &str, team_count: u64) -> Value {
    json!({
        "id": id, "node_id": format!("I_{id}"), "login": login, "email": email, "role": role,
        "created_at": "2026-11-20T01:02:03Z", "failed_at": null, "failed_reason": null,
        "inviter": user(1, "octo-owner"), "team_count": team_count,
        "invitation_teams_url": format!("https://api.github.com/organizations/9/invitations/{id}/teams"),
        "invitation_source": "member"
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn paged(body: Value, link: String) -> ResponseTemplate {
    ok(body).insert_header("link", link.as_str())
}

fn gh_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"message": message, "documentation_url": DOCS, "status": status.to_string()}))
}

fn validation_failed(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(422).set_body_json(json!({
        "message": "Validation Failed",
        "errors": [{"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data", "message": message}],
        "documentation_url": "https://docs.github.com/rest/orgs/members#create-an-organization-invitation",
        "status": "422"
    }))
}

fn members_path() -> String {
    format!("/orgs/{ORG}/members")
}

/// A one-page organisation: no invitations, no teams, these members.
async fn small_org(s: &Setup, admins: Vec<Value>, members: Vec<Value>) {
    s.first_page(&members_path(), &[("role", "admin")], ok(Value::Array(admins))).await;
    s.first_page(&members_path(), &[("role", "member")], ok(Value::Array(members))).await;
    s.stub("GET", &format!("/orgs/{ORG}/invitations"), ok(json!([]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams"), ok(json!([]))).await;
}

fn change(action: Action, id: &str, login: Option<&str>) -> Change {
    let account = AccountRef { id: Some(id.into()), username: login.map(Into::into), ..Default::default() };
    Change::new("gh", action, account, "test")
}

fn create(login: Option<&str>, email: &str, role: &str, teams: &[&str]) -> Change {
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

fn by_id<'a>(accounts: &'a [Account], id: &str) -> &'a Account {
    accounts.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("no account {id} in {accounts:#?}"))
}

/// Asserts the token appears nowhere in an error's Display or Debug.
fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains("7d1f0c9e2b"), "token leaked: {shown}");
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn members_roles_teams_and_invitations_are_listed_across_pages() {
    let s = setup().await;
    let members = members_path();
    s.first_page(&members, &[("role", "admin"), ("per_page", "100")], ok(json!([user(1, "octo-owner")]))).await;
    // GitHub's next links point at the organisation by id, not by login.
    let org_by_id = "/organizations/9/members";
    let next = s.link(&[
        (&format!("{org_by_id}?role=member&per_page=100&page=2"), "next"),
        (&format!("{org_by_id}?role=member&per_page=100&page=2"), "last"),
    ]);
    s.first_page(
        &members,
        &[("role", "member"), ("per_page", "100")],
        paged(json!([user(11, "ann-lee"), bot(12, "deploy-bot")]), next),
    )
    .await;
    let prev = s.link(&[(&format!("{org_by_id}?role=member&per_page=100&page=1"), "prev")]);
    s.page(org_by_id, 2, &[("role", "member"), ("per_page", "100")], paged(json!([user(13, "bob")]), prev)).await;

    let invitations = format!("/orgs/{ORG}/invitations");
    let next = s.link(&[
        (&format!("{invitations}?per_page=100&page=2"), "next"),
        (&format!("{invitations}?per_page=100&page=2"), "last"),
    ]);
    s.first_page(
        &invitations,
        &[("per_page", "100")],
        paged(json!([invitation(501, Some("carol"), None, "admin", 0)]), next),
    )
    .await;
    s.page(
        &invitations,
        2,
        &[("per_page", "100")],
        ok(json!([
            invitation(502, None, Some("dave@example.com"), "direct_member", 1),
            invitation(503, None, Some("billing@example.com"), "billing_manager", 0),
        ])),
    )
    .await;
    s.stub("GET", &format!("{invitations}/502/teams"), ok(json!([team(71, "platform")]))).await;

    let teams = format!("/orgs/{ORG}/teams");
    s.first_page(&teams, &[("per_page", "100")], ok(json!([team(71, "platform"), team(72, "sre")]))).await;
    let platform = format!("/orgs/{ORG}/teams/platform/members");
    let next = s.link(&[
        (&format!("{platform}?per_page=100&page=2"), "next"),
        (&format!("{platform}?per_page=100&page=2"), "last"),
    ]);
    s.first_page(&platform, &[("per_page", "100")], paged(json!([user(11, "ann-lee")]), next)).await;
    s.page(&platform, 2, &[("per_page", "100")], ok(json!([user(13, "bob"), user(1, "octo-owner")]))).await;
    s.first_page(&format!("/orgs/{ORG}/teams/sre/members"), &[("per_page", "100")], ok(json!([user(11, "ann-lee")])))
        .await;

    let listing = s.gh.list().await.unwrap();
    let a = &listing.accounts;
    let ids: Vec<&str> = a.iter().map(|x| x.id.as_str()).collect();
    // Every member once, both invitations to membership, no billing manager.
    assert_eq!(ids, ["1", "11", "12", "13", "invitation:501", "invitation:502"]);

    let owner = by_id(a, "1");
    assert_eq!((owner.username.as_deref(), owner.role.as_deref()), (Some("octo-owner"), Some("admin")));
    assert_eq!(owner.groups, vec!["platform"]);
    let ann = by_id(a, "11");
    assert_eq!((ann.role.as_deref(), ann.status, ann.bot), (Some("member"), AccountStatus::Active, false));
    assert_eq!(ann.groups, vec!["platform", "sre"]);
    assert!(by_id(a, "12").bot);
    assert_eq!(by_id(a, "13").username.as_deref(), Some("bob"));

    let carol = by_id(a, "invitation:501");
    assert_eq!(
        (carol.status, carol.username.as_deref(), carol.role.as_deref()),
        (AccountStatus::Invited, Some("carol"), Some("admin"))
    );
    let dave = by_id(a, "invitation:502");
    assert_eq!((dave.username.as_deref(), dave.email.as_deref()), (None, Some("dave@example.com")));
    assert_eq!(dave.groups, vec!["platform"]);

    let caps = listing.capabilities;
    assert!(caps.create && caps.update && caps.suspend && caps.restore && caps.delete && caps.groups);
    assert!(!caps.transfer);

    // Every request carries what GitHub asks for, and each page was read once.
    let all = s.requests().await;
    assert_eq!(all.len(), 10, "{:#?}", all.iter().map(|r| r.url.to_string()).collect::<Vec<_>>());
    for r in &all {
        let h = |n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert_eq!(h("authorization"), format!("Bearer {TOKEN}"), "{}", r.url);
        assert_eq!(h("accept"), "application/vnd.github+json", "{}", r.url);
        assert_eq!(h("x-github-api-version"), "2022-11-28", "{}", r.url);
        assert!(h("user-agent").starts_with("keyward/"), "{}", r.url);
        assert_eq!(
            r.url.query_pairs().find(|(k, _)| k == "per_page").map(|(_, v)| v.into_owned()).as_deref(),
            Some("100"),
            "{}",
            r.url
        );
    }
}

#[tokio::test]
async fn with_teams_off_no_team_is_read_and_groups_are_not_a_capability() {
    let s = setup_with(", teams: false").await;
    s.first_page(&members_path(), &[("role", "admin")], ok(json!([]))).await;
    s.first_page(&members_path(), &[("role", "member")], ok(json!([user(11, "ann-lee")]))).await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/invitations"),
        ok(json!([invitation(5, None, Some("x@example.com"), "direct_member", 2)])),
    )
    .await;

    let listing = s.gh.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 2);
    assert!(!listing.capabilities.groups);
    assert!(s.requests().await.iter().all(|r| !r.url.path().contains("teams")));
}

#[tokio::test]
async fn a_failing_page_2_is_an_error_not_a_short_list() {
    let s = setup().await;
    let members = members_path();
    let next = s.link(&[(&format!("{members}?role=admin&per_page=100&page=2"), "next")]);
    s.first_page(&members, &[("role", "admin")], paged(json!([user(1, "octo-owner")]), next)).await;
    s.page(&members, 2, &[("role", "admin")], gh_error(502, "Server Error")).await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    match &e {
        ConnectorError::Http { call, status, problem, .. } => {
            assert_eq!(*status, Some(502));
            assert!(call.starts_with("GET ") && call.contains("page=2"), "{call}");
            assert!(problem.contains("Server Error"), "{problem}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert_no_token(&e);
    // Retried as the shared policy says, then given up.
    let tries = s.requests().await.into_iter().filter(|r| r.url.query().is_some_and(|q| q.contains("page=2"))).count();
    assert_eq!(tries, 3);
}

#[tokio::test]
async fn a_next_link_pointing_back_is_partial() {
    let s = setup().await;
    let members = members_path();
    let first = format!("{members}?role=member&per_page=100");
    s.first_page(
        &members,
        &[("role", "member")],
        paged(json!([user(11, "ann")]), s.link(&[(&format!("{first}&page=2"), "next")])),
    )
    .await;
    s.page(
        &members,
        2,
        &[("role", "member")],
        paged(json!([user(12, "bob")]), s.link(&[(&format!("{first}&page=1"), "next")])),
    )
    .await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("already read")), "{e}");
}

#[tokio::test]
async fn a_page_count_that_does_not_add_up_is_read_again_then_partial() {
    let s = setup().await;
    let members = members_path();
    let base = format!("{members}?role=member&per_page=100");
    let link = s.link(&[(&format!("{base}&page=2"), "next"), (&format!("{base}&page=3"), "last")]);
    s.first_page(&members, &[("role", "member")], paged(json!([user(11, "ann")]), link)).await;
    // Page 2 ends the listing although page 1 announced three pages.
    s.page(&members, 2, &[("role", "member")], ok(json!([user(12, "bob")]))).await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    let ConnectorError::Partial { why, .. } = &e else { panic!("expected Partial, got {e:?}") };
    assert!(why.contains("announced 3 pages") && why.contains("read again"), "{why}");
    let firsts = s
        .requests()
        .await
        .into_iter()
        .filter(|r| {
            r.url.path() == members
                && r.url.query_pairs().any(|(k, v)| k == "role" && v == "member")
                && !r.url.query_pairs().any(|(k, _)| k == "page")
        })
        .count();
    assert_eq!(firsts, 2, "the listing is read a second time before giving up");
}

#[tokio::test]
async fn someone_listed_as_owner_and_member_is_read_again_then_partial() {
    let s = setup().await;
    small_org(&s, vec![user(11, "ann")], vec![user(11, "ann")]).await;
    let e = s.gh.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("ann is listed both")), "{e}");
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn errors_carry_githubs_message_and_documentation_and_name_the_scope() {
    let s = setup().await;
    s.stub("GET", &members_path(), gh_error(401, "Bad credentials")).await;
    s.stub("GET", &format!("/orgs/{ORG}/invitations"), ok(json!([]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams"), ok(json!([]))).await;
    let e = s.gh.list().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Bad credentials") && text.contains(DOCS), "{text}");
    assert!(text.contains("admin:org"), "{text}");
    assert!(text.contains(&format!("GET {}/orgs/{ORG}/members?role=", s.server.uri())), "{text}");
    assert!(!e.is_transient());
    assert_no_token(&e);

    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/members/ann"), gh_error(403, "You must be an organization owner")).await;
    let e = s.gh.apply(&change(Action::Delete, "11", Some("ann"))).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("You must be an organization owner") && text.contains("admin:org") && text.contains(DOCS),
        "{text}"
    );
    // A refusal is final: asking again would not change GitHub's mind.
    assert_eq!(s.requests().await.len(), 1);
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn create_invites_the_login_hr_records_by_id_with_role_and_teams() {
    let s = setup().await;
    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/platform"), ok(team(71, "platform"))).await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"invitee_id": 42, "role": "direct_member", "team_ids": [71]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            900,
            Some("AnnLee"),
            None,
            "direct_member",
            1,
        )))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &["platform"])).await.unwrap();
    let Outcome::Applied(what) = out else { panic!("{out:?}") };
    assert!(what.contains("AnnLee") && what.contains("invitation 900") && what.contains("platform"), "{what}");
}

#[tokio::test]
async fn create_without_a_login_invites_the_email_as_owner() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"email": "ann@example.com", "role": "admin", "team_ids": []})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            901,
            None,
            Some("ann@example.com"),
            "admin",
            0,
        )))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&create(None, "ann@example.com", "admin", &[])).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann@example.com") && w.contains("admin")), "{out:?}");
}

#[tokio::test]
async fn a_rerun_create_meeting_already_a_member_or_invited_is_already_done() {
    let s = setup().await;
    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub(
        "POST",
        &format!("/orgs/{ORG}/invitations"),
        validation_failed("Invitee is already a part of this organization"),
    )
    .await;
    let out = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &[])).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("already a part")), "{out:?}");

    let s = setup().await;
    s.stub(
        "POST",
        &format!("/orgs/{ORG}/invitations"),
        validation_failed("A user with this email addresss is already a part of this organization"),
    )
    .await;
    let out = s.gh.apply(&create(None, "ann@example.com", "member", &[])).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
}

#[tokio::test]
async fn restore_reinvites_the_removed_member_to_reinstate_what_they_had() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"invitee_id": 11, "role": "reinstate", "team_ids": []})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(903, Some("ann"), None, "reinstate", 0)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Restore, "11", Some("ann"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann (user 11)") && w.contains("reinstate")), "{out:?}");
}

#[tokio::test]
async fn another_422_is_an_error_with_githubs_reasons() {
    let s = setup().await;
    s.stub("POST", &format!("/orgs/{ORG}/invitations"), validation_failed("Over the seat limit of the plan")).await;
    let e = s.gh.apply(&create(None, "ann@example.com", "member", &[])).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Validation Failed") && text.contains("Over the seat limit"), "{text}");
    assert!(text.contains("create-an-organization-invitation"), "{text}");
}

#[tokio::test]
async fn a_login_github_does_not_know_or_a_missing_team_fails_before_inviting() {
    let s = setup().await;
    s.stub("GET", "/users/nobody-here", gh_error(404, "Not Found")).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(0).mount(&s.server).await;
    let e = s.gh.apply(&create(Some("nobody-here"), "ann@example.com", "member", &[])).await.unwrap_err();
    assert!(e.to_string().contains("there is no GitHub user `nobody-here`"), "{e}");

    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/ghost"), gh_error(404, "Not Found")).await;
    let e = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &["ghost"])).await.unwrap_err();
    assert!(e.to_string().contains("there is no team `ghost` in acme"), "{e}");
}

#[tokio::test]
async fn team_ids_come_from_the_listing_without_asking_again() {
    let s = setup().await;
    s.first_page(&format!("/orgs/{ORG}/teams"), &[], ok(json!([team(71, "platform")]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/platform/members"), ok(json!([]))).await;
    small_org(&s, vec![], vec![]).await;
    s.gh.list().await.unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"email": "ann@example.com", "role": "direct_member", "team_ids": [71]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            902,
            None,
            Some("ann@example.com"),
            "direct_member",
            1,
        )))
        .expect(1)
        .mount(&s.server)
        .await;
    s.gh.apply(&create(None, "ann@example.com", "member", &["platform"])).await.unwrap();
    assert!(s.calls("GET", &format!("/orgs/{ORG}/teams/platform")).await.is_empty());
}

// ---------------------------------------------------------------- update

#[tokio::test]
async fn a_role_change_sets_the_organisation_membership() {
    let s = setup().await;
    Mock::given(method("PUT"))
        .and(path(format!("/orgs/{ORG}/memberships/ann")))
        .and(body_json(json!({"role": "admin"})))
        .respond_with(ok(json!({"state": "active", "role": "admin", "user": user(11, "ann")})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, "11", Some("ann"));
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role admin")), "{out:?}");
}

#[tokio::test]
async fn teams_are_joined_and_left_and_a_rerun_changes_nothing() {
    let s = setup().await;
    let membership = |slug: &str| format!("/orgs/{ORG}/teams/{slug}/memberships/ann");
    // Not yet in platform: joined as a member.
    s.stub("GET", &membership("platform"), gh_error(404, "Not Found")).await;
    Mock::given(method("PUT"))
        .and(path(membership("platform")))
        .and(body_json(json!({"role": "member"})))
        .respond_with(ok(json!({"role": "member", "state": "active"})))
        .expect(1)
        .mount(&s.server)
        .await;
    // Already a maintainer of sre: left alone, not demoted to member.
    s.stub("GET", &membership("sre"), ok(json!({"role": "maintainer", "state": "active"}))).await;
    Mock::given(method("PUT"))
        .and(path(membership("sre")))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s.server)
        .await;
    s.stub("DELETE", &membership("legacy"), ResponseTemplate::new(204)).await;

    let mut c = change(Action::Update, "11", Some("ann"));
    c.groups =
        Some(Box::new(GroupChange { add: vec!["platform".into(), "sre".into()], remove: vec!["legacy".into()] }));
    let out = s.gh.apply(&c).await.unwrap();
    let Outcome::Applied(what) = out else { panic!("{out:?}") };
    assert!(what.contains("joined platform") && what.contains("left legacy"), "{what}");

    // The rerun: ann is in both teams to join and out of the one to leave.
    let s = setup().await;
    s.stub("GET", &membership("platform"), ok(json!({"role": "member", "state": "active"}))).await;
    s.stub("GET", &membership("sre"), ok(json!({"role": "maintainer", "state": "active"}))).await;
    s.stub("DELETE", &membership("legacy"), gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", ok(user(11, "ann"))).await;
    Mock::given(method("PUT")).respond_with(ok(json!({}))).expect(0).mount(&s.server).await;
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::AlreadyDone(w) if w.contains("already in platform") && w.contains("not in legacy")),
        "{out:?}"
    );
}

#[tokio::test]
async fn an_email_invitations_role_cannot_be_changed_in_place() {
    let s = setup().await;
    let mut c = change(Action::Update, "invitation:502", None);
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    let e = s.gh.apply(&c).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Unsupported { .. }) && e.to_string().contains("cancel it"), "{e}");
    assert!(s.requests().await.is_empty());
}

// ------------------------------------------------------- suspend, delete

#[tokio::test]
async fn suspend_removes_the_membership_and_a_rerun_is_already_done() {
    let s = setup().await;
    let m = format!("/orgs/{ORG}/memberships/ann");
    s.first_time(Mock::given(method("DELETE")).and(path(&m)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &m, gh_error(404, "Not Found")).await;
    // The 404 is checked against the user's id: still called ann, so truly gone.
    s.stub("GET", "/user/11", ok(user(11, "ann"))).await;

    let c = change(Action::Suspend, "11", Some("ann"));
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("removed ann from acme") && w.contains("re-inviting")),
        "{out:?}"
    );
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("not a member")), "{out:?}");
}

#[tokio::test]
async fn a_member_renamed_since_the_listing_is_removed_under_the_new_login() {
    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/members/ann"), gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", ok(user(11, "ann-new"))).await;
    Mock::given(method("DELETE"))
        .and(path(format!("/orgs/{ORG}/members/ann-new")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Delete, "11", Some("ann"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann-new")), "{out:?}");
}

#[tokio::test]
async fn delete_removes_from_the_organisation_and_404_is_already_done() {
    let s = setup().await;
    let m = format!("/orgs/{ORG}/members/ann");
    s.first_time(Mock::given(method("DELETE")).and(path(&m)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &m, gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", gh_error(404, "Not Found")).await;
    let c = change(Action::Delete, "11", Some("ann"));
    assert!(matches!(s.gh.apply(&c).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(s.gh.apply(&c).await.unwrap(), Outcome::AlreadyDone(_)));
}

#[tokio::test]
async fn a_pending_invitation_is_cancelled_and_a_rerun_is_already_done() {
    let s = setup().await;
    let inv = format!("/orgs/{ORG}/invitations/502");
    s.first_time(Mock::given(method("DELETE")).and(path(&inv)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &inv, gh_error(404, "Not Found")).await;
    let mut c = change(Action::Suspend, "invitation:502", None);
    c.account.email = Some("dave@example.com".into());
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("cancelled the invitation of dave@example.com")),
        "{out:?}"
    );
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
    assert!(s.requests().await.iter().all(|r| !r.url.path().contains("memberships")));
}

#[tokio::test]
async fn an_invitation_accepted_since_the_listing_is_removed_as_a_member() {
    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/invitations/501"), gh_error(404, "Not Found")).await;
    let m = format!("/orgs/{ORG}/memberships/carol");
    s.stub("GET", &m, ok(json!({"state": "active", "role": "admin", "user": user(31, "carol")}))).await;
    Mock::given(method("DELETE"))
        .and(path(&m))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Delete, "invitation:501", Some("carol"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("had accepted")), "{out:?}");
}

#[tokio::test]
async fn nothing_can_be_handed_over() {
    let s = setup().await;
    let e = s.gh.apply(&change(Action::Transfer, "11", Some("ann"))).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { kind: "github", .. }), "{e:?}");
}

// ---------------------------------------------------------------- find

#[tokio::test]
async fn find_asks_for_each_login_and_matches_invitations_by_email() {
    let s = setup().await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/memberships/annlee"),
        ok(json!({"state": "active", "role": "admin", "user": user(42, "AnnLee")})),
    )
    .await;
    s.stub("GET", &format!("/orgs/{ORG}/memberships/e0001"), gh_error(404, "Not Found")).await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/invitations"),
        ok(json!([
            invitation(601, None, Some("Ann.Lee@example.com"), "direct_member", 0),
            invitation(602, None, Some("someone@example.com"), "direct_member", 0),
        ])),
    )
    .await;
    let keys = PersonKeys {
        ids: vec!["E0001".into()],
        emails: vec!["ann.lee@example.com".into()],
        user_names: vec!["@AnnLee".into(), "E0001".into(), "開発本部".into()],
    };
    let listing = s.gh.find(&keys).await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["42", "invitation:601"]);
    assert_eq!(listing.accounts[0].role.as_deref(), Some("admin"));
    // No member listing was read for one person.
    assert!(s.calls("GET", &members_path()).await.is_empty());
}

// ---------------------------------------------------------------- build

#[tokio::test]
async fn build_makes_a_github_connector_and_a_missing_token_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), "https://api.github.com", "");
    let built = build_all(&set).unwrap();
    assert_eq!(built["gh"].kind(), "github");

    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: gh}}\nspec:\n  connector:\n    github: {{org: {ORG}, token: {{env: KEYWARD_TEST_UNSET_GITHUB_TOKEN}}}}\n"
    );
    let set = PolicySet::load("t", vec![SourceFile { path: "a.yaml".into(), text }]).unwrap().set;
    let Err(e) = build_all(&set) else { panic!("built without a token") };
    assert!(e.to_string().contains("GitHub token") && e.to_string().contains("KEYWARD_TEST_UNSET_GITHUB_TOKEN"), "{e}");
}

// ---------------------------------------------------------------- throttling
//
// These follow GitHub's documented rate limits through the shared HTTP
// policy (`Throttle::GitHub` in keyward-http).

fn epoch_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn a_primary_rate_limit_403_waits_for_the_reset_and_retries() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    // A reset already reached: the retry may go out at once.
    let throttled = gh_error(403, "API rate limit exceeded for user ID 1.")
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-used", "5000")
        .insert_header("x-ratelimit-reset", epoch_now().to_string().as_str())
        .insert_header("x-ratelimit-resource", "core");
    s.first_time(Mock::given(method("GET")).and(path(members_path())).and(query_param("role", "admin")), throttled)
        .await;
    let listing = s.gh.list().await.unwrap();
    assert!(listing.accounts.is_empty());
    let admin_reads =
        s.requests().await.into_iter().filter(|r| r.url.query().is_some_and(|q| q.contains("role=admin"))).count();
    assert_eq!(admin_reads, 2);
}

#[tokio::test]
async fn a_secondary_rate_limit_403_with_retry_after_is_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    let throttled =
        gh_error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            .insert_header("retry-after", "1");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/invitations"))), throttled).await;
    s.gh.list().await.unwrap();
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/invitations")).await.len(), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![user(11, "ann")]).await;
    let throttled = gh_error(429, "Too Many Requests").insert_header("retry-after", "1");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/teams"))), throttled).await;
    let listing = s.gh.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 1);
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/teams")).await.len(), 2);
}

#[tokio::test]
async fn a_403_that_is_no_rate_limit_is_not_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    // Were it retried, the second answer would succeed.
    let refused = gh_error(403, "Resource not accessible by personal access token");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/teams"))), refused).await;
    let e = s.gh.list().await.unwrap_err();
    assert!(e.to_string().contains("Resource not accessible") && e.to_string().contains("admin:org"), "{e}");
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/teams")).await.len(), 1);
}
