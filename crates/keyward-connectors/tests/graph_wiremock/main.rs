#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Microsoft Graph connector against request-level stubs shaped as
//! Microsoft documents Graph v1.0 and the identity platform's token
//! endpoint: client credentials, `@odata.nextLink` paging, `$ref` group
//! members, licences, throttling and Graph's error body.

#[path = "../common/mod.rs"]
mod common;

mod observation;
mod revoke;

use common::fast;
use keyward_connectors::graph::MicrosoftGraph;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys, build_all};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, Profile, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TENANT: &str = "example.onmicrosoft.com";
/// Distinctive, so its absence from every error string means something.
const CLIENT_SECRET: &str = "kw-GRAPH-SECRET-5e0a91c7";
const ACCESS_TOKEN: &str = "kw-ACCESS-TOKEN-3b8d";
const SKU: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

struct Setup {
    server: MockServer,
    graph: MicrosoftGraph,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn graph_requests(&self) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap();
        all.into_iter().filter(|r| r.url.path().starts_with("/v1.0/")).collect()
    }
}

fn g(p: &str) -> String {
    format!("/v1.0{p}")
}

/// One Application `entra` whose connector points at the stub; `extra`
/// adds fields to `microsoftGraph`.
async fn setup(extra: &str) -> Setup {
    setup_with(PEOPLE, extra, "").await
}

/// [`setup`] with another PeopleSource document (ending with `---`) and
/// further Application fields.
async fn setup_with(people: &str, extra: &str, more: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), format!("{CLIENT_SECRET}\n")).unwrap();
    let uri = server.uri();
    let text = format!(
        "{people}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: entra}}\nspec:\n  connector:\n    microsoftGraph: {{tenant: {TENANT}, clientId: app-client-id, clientSecret: {{file: secret.txt}}, graphUrl: \"{uri}/v1.0\", authorityUrl: \"{uri}\"{extra}}}\n  apply: {{requestsPerSecond: 1000}}\n{more}"
    );
    let file = dir.path().join("apps.yaml").display().to_string();
    let set = PolicySet::load("test", vec![SourceFile { path: file, text }]).unwrap().set;
    let app = &set.applications[0];
    let spec = app.spec.connector.microsoft_graph.as_ref().unwrap();
    let graph = MicrosoftGraph::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable())
        .unwrap()
        .with_retry(fast());
    // One token for every call: a second token request fails the test.
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=app-client-id"))
        .and(body_string_contains(format!("client_secret={CLIENT_SECRET}")))
        .and(body_string_contains(".default"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": ACCESS_TOKEN
        })))
        .expect(1)
        .mount(&server)
        .await;
    Setup { server, graph, _dir: dir }
}

fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str())
}

fn user(id: &str, upn: &str, enabled: bool) -> Value {
    json!({
        "id": id, "userPrincipalName": upn, "mail": null, "displayName": format!("User {id}"),
        "accountEnabled": enabled, "employeeId": format!("E{id}"), "department": "Sales",
        "jobTitle": null, "employeeType": "Employee", "assignedLicenses": []
    })
}

fn graph_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "code": code, "message": message,
        "innerError": {"date": "2026-04-01T09:00:00", "request-id": "rid-0f3c", "client-request-id": "crid-77"}
    }}))
}

async fn page(s: &Setup, p: &str, skiptoken: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path(g(p))).and(bearer());
    let mock = match skiptoken {
        Some(t) => mock.and(query_param("$skiptoken", t)),
        None => mock.and(wiremock::matchers::query_param_is_missing("$skiptoken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&s.server).await;
}

fn change(action: Action, id: Option<&str>) -> Change {
    let account = AccountRef {
        id: id.map(Into::into),
        email: Some("hanako@example.com".into()),
        username: None,
        display_name: Some("Hanako Yamada".into()),
        status: None,
    };
    let mut c = Change::new("entra", action, account, "test");
    c.person = Some(PersonRef { id: "E100".into(), email: Some("hanako@example.com".into()), name: None });
    c
}

#[tokio::test]
async fn listing_follows_next_links_reads_memberships_and_uses_one_token() {
    let s = setup("").await;
    let uri = s.server.uri();
    let mut first = user("u1", "taro@example.com", true);
    first["mail"] = json!("taro.mail@example.com");
    page(
        &s,
        "/users",
        None,
        json!({"value": [first, user("u2", "jiro@example.com", false)], "@odata.nextLink": format!("{uri}/v1.0/users?$top=999&$skiptoken=p2")}),
    )
    .await;
    page(&s, "/users", Some("p2"), json!({"value": [user("u3", "saburo@example.com", true)]})).await;
    page(
        &s,
        "/groups",
        None,
        json!({"value": [{"id": "g1", "displayName": "sales-jp"}], "@odata.nextLink": format!("{uri}/v1.0/groups?$skiptoken=g2")}),
    )
    .await;
    page(&s, "/groups", Some("g2"), json!({"value": [{"id": "g2", "displayName": "all-staff"}]})).await;
    page(&s, "/groups/g1/members", None, json!({"value": [{"id": "u1"}, {"id": "u3"}]})).await;
    page(&s, "/groups/g2/members", None, json!({"value": [{"id": "u1"}]})).await;

    let listing = s.graph.list().await.unwrap();
    let by_id = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap();
    assert_eq!(listing.accounts.len(), 3, "every page is read");
    let u1 = by_id("u1");
    assert_eq!(u1.email.as_deref(), Some("taro.mail@example.com"));
    assert_eq!(u1.username.as_deref(), Some("taro@example.com"));
    assert_eq!(u1.external_id.as_deref(), Some("Eu1"));
    let groups: Vec<&str> = u1.groups.iter().map(|g| g.as_str()).collect();
    assert_eq!(groups, ["all-staff", "sales-jp"]);
    assert_eq!(by_id("u2").status, AccountStatus::Suspended);
    assert_eq!(by_id("u2").email.as_deref(), Some("jiro@example.com"), "no mail: the UPN is the address");
    assert_eq!(by_id("u3").groups.len(), 1);
    assert!(!listing.capabilities.transfer);
    let first_call = &s.graph_requests().await[0];
    let q = first_call.url.query().unwrap();
    assert!(q.contains("$select=id,userPrincipalName,mail") && q.contains("$top=999"), "{q}");
    // The token mock's expect(1) is checked when the server drops.
}

#[tokio::test]
async fn a_failing_second_page_fails_the_listing() {
    let s = setup("").await;
    let uri = s.server.uri();
    page(
        &s,
        "/users",
        None,
        json!({"value": [user("u1", "taro@example.com", true)], "@odata.nextLink": format!("{uri}/v1.0/users?$skiptoken=p2")}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(graph_error(503, "serviceNotAvailable", "Service unavailable"))
        .mount(&s.server)
        .await;
    let e = s.graph.list().await.expect_err("a shorter list was returned as complete");
    let text = e.to_string();
    assert!(text.contains("skiptoken=p2") && text.contains("503"), "{text}");
}

#[tokio::test]
async fn a_next_link_off_graph_is_refused() {
    let s = setup("").await;
    page(
        &s,
        "/users",
        None,
        json!({"value": [], "@odata.nextLink": "https://elsewhere.example.net/v1.0/users?$skiptoken=x"}),
    )
    .await;
    let e = s.graph.list().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Partial { .. }) && e.to_string().contains("elsewhere.example.net"), "{e}");
}

/// Answers a create with Graph's error, quoting the request body back as
/// a careless proxy would.
struct EchoBody;

impl Respond for EchoBody {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        graph_error(400, "Request_BadRequest", &format!("Invalid value in {}", String::from_utf8_lossy(&req.body)))
    }
}

fn create_change() -> Change {
    let mut c = change(Action::Create, None);
    c.role = Some(Box::new(RoleChange { from: None, to: "standard".to_owned() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales-jp".to_owned()], remove: vec![] }));
    c.profile = Some(Box::new(Profile {
        department: Some("Sales".to_owned()),
        title: Some("Manager".to_owned()),
        ..Profile::default()
    }));
    c
}

#[tokio::test]
async fn create_posts_the_user_joins_groups_by_ref_and_assigns_the_licence() {
    let s = setup(&format!(", usageLocation: JP, licences: {{standard: {SKU}}}")).await;
    let uri = s.server.uri();
    Mock::given(method("GET"))
        .and(path(g("/groups")))
        .and(query_param("$filter", "displayName eq 'sales-jp'"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "g1", "displayName": "sales-jp"}]})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(g("/users")))
        .and(bearer())
        .and(body_partial_json(json!({
            "accountEnabled": true, "displayName": "Hanako Yamada", "mailNickname": "hanako",
            "userPrincipalName": "hanako@example.com", "employeeId": "E100", "department": "Sales",
            "jobTitle": "Manager", "usageLocation": "JP",
            "passwordProfile": {"forceChangePasswordNextSignIn": true}
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "new-1", "userPrincipalName": "hanako@example.com"})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    // Already a member (a rerun): Graph's 400 means done.
    Mock::given(method("POST"))
        .and(path(g("/groups/g1/members/$ref")))
        .and(body_json(json!({"@odata.id": format!("{uri}/v1.0/directoryObjects/new-1")})))
        .respond_with(graph_error(
            400,
            "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(g("/users/new-1/assignLicense")))
        .and(body_json(json!({"addLicenses": [{"skuId": SKU, "disabledPlans": []}], "removeLicenses": []})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "new-1"})))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.graph.apply(&create_change()).await.unwrap();
    let Outcome::Applied(what) = &out else { panic!("{out:?}") };
    assert!(what.contains("new-1") && what.contains("sales-jp"), "{what}");
    let post = s
        .graph_requests()
        .await
        .into_iter()
        .find(|r| r.method.as_str() == "POST" && r.url.path() == g("/users"))
        .unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["passwordProfile"]["password"].as_str().unwrap();
    assert!(password.len() >= 16, "{password}");
    assert!(!what.contains(password) && !format!("{out:?}").contains(password));
}

#[tokio::test]
async fn a_create_error_shows_graphs_words_but_never_the_password() {
    let s = setup("").await;
    Mock::given(method("POST")).and(path(g("/users"))).respond_with(EchoBody).mount(&s.server).await;
    let e = s.graph.apply(&change(Action::Create, None)).await.unwrap_err();
    let text = format!("{e} {e:?}");
    let post = s.graph_requests().await.into_iter().find(|r| r.method.as_str() == "POST").unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["passwordProfile"]["password"].as_str().unwrap();
    assert!(text.contains("Request_BadRequest") && text.contains("rid-0f3c"), "{text}");
    assert!(!text.contains(password), "the password leaked: {text}");
    assert!(!text.contains(CLIENT_SECRET) && !text.contains(ACCESS_TOKEN), "{text}");
}

#[tokio::test]
async fn a_create_meeting_an_existing_upn_adopts_and_enables_that_user() {
    let s = setup("").await;
    Mock::given(method("POST"))
        .and(path(g("/users")))
        .respond_with(graph_error(
            400,
            "Request_BadRequest",
            "Another object with the same value for property userPrincipalName already exists.",
        ))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .and(query_param("$filter", "userPrincipalName eq 'hanako@example.com'"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [user("old-7", "hanako@example.com", false)]})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(g("/users/old-7")))
        .and(body_json(json!({"accountEnabled": true})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.graph.apply(&change(Action::Create, None)).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("adopted") && w.contains("old-7")), "{out:?}");
}

#[tokio::test]
async fn suspend_and_restore_patch_account_enabled() {
    let s = setup("").await;
    for enabled in [false, true] {
        Mock::given(method("PATCH"))
            .and(path(g("/users/u9")))
            .and(bearer())
            .and(body_json(json!({"accountEnabled": enabled})))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    let out = s.graph.apply(&change(Action::Suspend, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("suspended u9")), "{out:?}");
    let out = s.graph.apply(&change(Action::Restore, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("restored u9")), "{out:?}");
}

#[tokio::test]
async fn deleting_a_deleted_user_is_already_done() {
    let s = setup("").await;
    Mock::given(method("DELETE"))
        .and(path(g("/users/u9")))
        .respond_with(graph_error(404, "Request_ResourceNotFound", "Resource 'u9' does not exist."))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.graph.apply(&change(Action::Delete, Some("u9"))).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
}

#[tokio::test]
async fn leaving_a_group_deletes_the_member_ref_and_404_means_done() {
    let s = setup("").await;
    Mock::given(method("GET"))
        .and(path(g("/groups")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "g1", "displayName": "sales-jp"}]})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(g("/groups/g1/members/u9/$ref")))
        .respond_with(graph_error(404, "Request_ResourceNotFound", "not a member"))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.groups = Some(Box::new(GroupChange { add: vec![], remove: vec!["sales-jp".to_owned()] }));
    let out = s.graph.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("not in sales-jp")), "{out:?}");
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried() {
    let s = setup("").await;
    Mock::given(method("PATCH"))
        .and(path(g("/users/u9")))
        .respond_with(graph_error(429, "TooManyRequests", "Too many requests"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(g("/users/u9")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.graph.apply(&change(Action::Suspend, Some("u9"))).await.unwrap();
    assert!(matches!(out, Outcome::Applied(_)), "{out:?}");
    assert_eq!(s.graph_requests().await.len(), 2);
}

#[tokio::test]
async fn a_refused_permission_names_graphs_code_message_request_id_and_the_permission() {
    let s = setup("").await;
    Mock::given(method("PATCH"))
        .and(path(g("/users/u9")))
        .respond_with(graph_error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ))
        .mount(&s.server)
        .await;
    let e = s.graph.apply(&change(Action::Suspend, Some("u9"))).await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("PATCH ") && call.contains("/v1.0/users/u9"), "{call}");
    for part in ["Authorization_RequestDenied", "Insufficient privileges", "request-id rid-0f3c", "User.ReadWrite.All"]
    {
        assert!(problem.contains(part), "{part} missing: {problem}");
    }
    assert!(!e.is_transient());
}

#[tokio::test]
async fn a_person_lookup_filters_on_upn_mail_and_employee_id_with_quotes_doubled() {
    let s = setup("").await;
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .and(query_param(
            "$filter",
            "userPrincipalName eq 'o''brien@example.com' or mail eq 'o''brien@example.com' or employeeId eq 'E7'",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [user("u7", "o'brien@example.com", true)]})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    let keys =
        PersonKeys { ids: vec!["E7".to_owned()], emails: vec!["o'brien@example.com".to_owned()], user_names: vec![] };
    let found = s.graph.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.accounts[0].id.as_str(), "u7");
}

#[tokio::test]
async fn build_dispatches_microsoft_graph_and_reads_the_secret_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: entra}}\nspec:\n  connector:\n    microsoftGraph: {{tenant: {TENANT}, clientId: cid, clientSecret: {{env: KEYWARD_TEST_UNSET_GRAPH_SECRET_9A}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without its client secret") };
    let ConnectorError::Credentials { why, .. } = &e else { panic!("{e:?}") };
    assert!(why.contains("KEYWARD_TEST_UNSET_GRAPH_SECRET_9A") && why.contains("not set"), "{why}");
}

/// An HR master with a `legacyId` attribute, for attribute correlators.
const PEOPLE_WITH_LEGACY_ID: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {legacyId: legacy}}}}\n---\n";

fn taro() -> PersonKeys {
    PersonKeys {
        ids: vec!["E5".to_owned()],
        emails: vec!["taro@example.com".to_owned()],
        user_names: vec!["L-77".to_owned()],
    }
}

/// `GET /users?$filter=…` answers `user` when the filter holds `clause`,
/// and no user otherwise.
async fn users_where(s: &Setup, clause: &str, user: Value) {
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .and(wiremock::matchers::query_param_contains("$filter", clause))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [user] })))
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [] })))
        .with_priority(2)
        .mount(&s.server)
        .await;
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_on_an_alias_domain() {
    let more = "  correlate: [{email: {domainAliases: {old.example.co.jp: example.com}}}]\n";
    let s = setup_with(PEOPLE, "", more).await;
    users_where(&s, "userPrincipalName eq 'taro@old.example.co.jp'", user("u5", "taro@old.example.co.jp", true)).await;
    let found = s.graph.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u5"], "the full reconcile matches taro@old.example.co.jp to taro@example.com");
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_an_hr_attribute_matches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: externalId}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u6", "t.yamada@example.com", true);
    u["employeeId"] = json!("L-77");
    users_where(&s, "employeeId eq 'L-77'", u).await;
    let found = s.graph.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u6"]);
}

#[tokio::test]
async fn a_person_lookup_reads_the_listing_when_a_correlator_compares_a_field_no_filter_reaches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: department}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u8", "someone@example.com", true);
    u["department"] = json!("L-77");
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .and(wiremock::matchers::query_param_is_missing("$filter"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [u] })))
        .mount(&s.server)
        .await;
    page(&s, "/groups", None, json!({"value": []})).await;
    let found = s.graph.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u8"]);
}
