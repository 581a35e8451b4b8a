#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Slack connector against request-level stubs of Slack's Web API
//! (`users.list`, `users.lookupByEmail`: HTTP 200 with `ok`, cursors in
//! `response_metadata.next_cursor`, 429 with `Retry-After`) and its SCIM
//! API (DELETE deactivates, PATCH `active: true` reactivates).

mod common;

use std::time::{Duration, Instant};

use common::fast;
use keyward_connectors::slack::Slack;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys, build_all};
use keyward_core::account::{AccountStatus, Capabilities};
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Distinctive, so their absence from every error string means something.
const TOKEN: &str = "xoxb-kw-TEST-web-5b2e91d4";
const SCIM_TOKEN: &str = "xoxp-kw-TEST-scim-a8c3f07e";
const ADMIN_TOKEN: &str = "xoxp-kw-TEST-admin-0c4d2e19";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {slack: slack}}}}\n---\n";

struct Setup {
    server: MockServer,
    slack: Slack,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }
}

/// A Slack Application against the stub: Web API under `/api`, SCIM under
/// `/scim/v2`, with a SCIM token when `scim` is set.
async fn setup(scim: bool, extra: &str) -> Setup {
    setup_spec(scim, extra, "").await
}

/// [`setup`], with `spec_lines` (indented YAML) added to the Application's spec.
async fn setup_spec(scim: bool, extra: &str, spec_lines: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("web.txt"), format!("{TOKEN}\n")).unwrap();
    std::fs::write(dir.path().join("scim.txt"), SCIM_TOKEN).unwrap();
    std::fs::write(dir.path().join("admin.txt"), ADMIN_TOKEN).unwrap();
    let scim_token = if scim { ", scimToken: {file: scim.txt}" } else { "" };
    let uri = server.uri();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: slack}}\nspec:\n  connector:\n    slack: {{token: {{file: web.txt}}{scim_token}, apiUrl: \"{uri}/api\", scimUrl: \"{uri}/scim/v2\"{extra}}}\n  apply: {{requestsPerSecond: 1000}}\n{spec_lines}"
    );
    let set =
        PolicySet::load("test", vec![SourceFile { path: dir.path().join("apps.yaml").display().to_string(), text }])
            .unwrap()
            .set;
    let app = &set.applications[0];
    let spec = app.spec.connector.slack.as_ref().unwrap();
    let slack =
        Slack::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable()).unwrap().with_retry(fast());
    Setup { server, slack, _dir: dir }
}

fn member(id: &str, email: &str) -> Value {
    json!({
        "id": id, "team_id": "T0123ABCD", "name": email.split('@').next().unwrap(), "deleted": false,
        "real_name": format!("User {id}"), "is_admin": false, "is_owner": false, "is_primary_owner": false,
        "is_restricted": false, "is_ultra_restricted": false, "is_bot": false, "is_app_user": false,
        "profile": {"email": email, "real_name": format!("User {id}"), "display_name": ""}
    })
}

fn page(members: Vec<Value>, next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "ok": true, "members": members, "cache_ts": 1_498_777_272,
        "response_metadata": {"next_cursor": next}
    }))
}

fn not_ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn first_page(s: &Setup, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/users.list"))
        .and(query_param_is_missing("cursor"))
        .respond_with(response)
        .mount(&s.server)
        .await;
}

async fn cursor_page(s: &Setup, cursor: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/users.list"))
        .and(query_param("cursor", cursor))
        .respond_with(response)
        .mount(&s.server)
        .await;
}

fn change(action: Action, id: Option<&str>) -> Change {
    Change::new("slack", action, AccountRef { id: id.map(Into::into), ..Default::default() }, "test")
}

fn create(email: &str, role: &str) -> Change {
    let mut c = change(Action::Create, None);
    c.account = AccountRef { email: Some(email.into()), display_name: Some("Ann Lee".into()), ..Default::default() };
    c.person = Some(PersonRef { id: "E1".into(), email: Some(email.into()), name: Some("Ann Lee".into()) });
    c.role = Some(Box::new(RoleChange { from: None, to: role.into() }));
    c.profile = Some(Box::default());
    c
}

fn scim_user(id: &str, active: bool) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id, "userName": "ann", "active": active,
        "emails": [{"value": "ann@example.com", "primary": true}]
    })
}

fn assert_no_token(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains(SCIM_TOKEN) && !shown.contains(ADMIN_TOKEN),
        "token leaked: {shown}"
    );
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn lists_every_cursor_page_with_limit_and_the_bearer_token() {
    let s = setup(false, ", limit: 2, teamId: T0123ABCD").await;
    first_page(&s, page(vec![member("U1", "a@example.com"), member("U2", "b@example.com")], "dXNlcjpVMg==")).await;
    cursor_page(
        &s,
        "dXNlcjpVMg==",
        page(vec![member("U3", "c@example.com"), member("U4", "d@example.com")], "dXNlcjpVNA=="),
    )
    .await;
    // The last page repeats U4 (a user added while paging shifts Slack's
    // pages); it is kept once.
    cursor_page(&s, "dXNlcjpVNA==", page(vec![member("U4", "d@example.com"), member("U5", "e@example.com")], "")).await;

    let l = s.slack.list().await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["U1", "U2", "U3", "U4", "U5"]);
    assert_eq!(l.accounts[0].email.as_deref(), Some("a@example.com"));
    assert_eq!(l.accounts[0].display_name.as_deref(), Some("User U1"));
    assert!(l.capabilities.is_read_only(), "no SCIM token: lists only");

    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_eq!(r.method.as_str(), "GET");
        let q: Vec<(String, String)> = r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert!(q.contains(&("limit".into(), "2".into())), "{q:?}");
        assert!(q.contains(&("team_id".into(), "T0123ABCD".into())), "{q:?}");
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
    }
    assert!(reqs[0].url.query_pairs().all(|(k, _)| k != "cursor"), "the first page sends no cursor");
}

#[tokio::test]
async fn flags_map_to_status_bot_and_role() {
    let s = setup(true, "").await;
    let mut gone = member("U1", "left@example.com");
    gone["deleted"] = json!(true);
    let mut bot = member("B1", "bot@example.com");
    bot["is_bot"] = json!(true);
    let mut slackbot = member("USLACKBOT", "");
    slackbot["profile"] = json!({});
    let mut invited = member("U2", "new@example.com");
    invited["is_invited_user"] = json!(true);
    let mut owner = member("U3", "ceo@example.com");
    owner["is_owner"] = json!(true);
    owner["is_primary_owner"] = json!(true);
    owner["is_admin"] = json!(true);
    let mut admin = member("U4", "it@example.com");
    admin["is_admin"] = json!(true);
    let mut multi = member("U5", "agency@partner.example");
    multi["is_restricted"] = json!(true);
    let mut single = member("U6", "one@partner.example");
    single["is_restricted"] = json!(true);
    single["is_ultra_restricted"] = json!(true);
    first_page(
        &s,
        page(vec![gone, bot, slackbot, invited, owner, admin, multi, single, member("U7", "m@example.com")], ""),
    )
    .await;

    let l = s.slack.list().await.unwrap();
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("U1").status, AccountStatus::Suspended);
    assert!(by("B1").bot && by("USLACKBOT").bot && !by("U7").bot);
    assert_eq!(by("USLACKBOT").email, None);
    assert_eq!(by("U2").status, AccountStatus::Invited);
    let roles: Vec<(&str, &str)> =
        ["U3", "U4", "U5", "U6", "U7"].iter().map(|id| (*id, by(id).role.as_deref().unwrap())).collect();
    assert_eq!(
        roles,
        [
            ("U3", "owner"),
            ("U4", "admin"),
            ("U5", "multi-channel-guest"),
            ("U6", "single-channel-guest"),
            ("U7", "member")
        ]
    );
    assert_eq!(
        l.capabilities,
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: true,
            update: false,
            suspend: true,
            restore: true,
            delete: false,
            transfer: false,
            groups: true
        }
    );
}

#[tokio::test]
async fn a_page_that_is_not_ok_fails_the_listing_with_slacks_code_and_what_to_do() {
    let s = setup(false, "").await;
    first_page(&s, page(vec![member("U1", "a@example.com")], "c2")).await;
    cursor_page(
        &s,
        "c2",
        not_ok(json!({"ok": false, "error": "missing_scope", "needed": "users:read.email", "provided": "users:read"})),
    )
    .await;
    let e = s.slack.list().await.unwrap_err();
    let ConnectorError::Http { call, problem, .. } = &e else { panic!("{e:?}") };
    assert!(call.starts_with("GET ") && call.contains("/api/users.list?") && call.contains("cursor=c2"), "{call}");
    assert!(problem.contains("Slack error `missing_scope`"), "{problem}");
    assert!(problem.contains("lacks the scope `users:read.email`") && problem.contains("has: users:read"), "{problem}");
    assert!(problem.contains("reinstall"), "{problem}");
    assert_no_token(&e);
}

#[tokio::test]
async fn a_refused_token_is_an_error_naming_the_call_never_the_token() {
    let s = setup(false, "").await;
    first_page(&s, not_ok(json!({"ok": false, "error": "invalid_auth"}))).await;
    let e = s.slack.list().await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("GET ") && shown.contains("/api/users.list?limit=200"), "{shown}");
    assert!(shown.contains("Slack error `invalid_auth`") && shown.contains("spec.connector.slack.token"), "{shown}");
    assert!(!e.is_transient());
    assert_no_token(&e);
}

#[tokio::test]
async fn a_not_ok_answer_that_echoes_the_token_never_quotes_it() {
    let s = setup(false, "").await;
    // Slack's errors come as HTTP 200, which the client keeps as the app's data.
    let echoed = TOKEN.replace('-', "\\u002d");
    let body = format!(r#"{{"ok":false,"error":"missing_scope","needed":"users:read.email","provided":"{echoed}"}}"#);
    first_page(&s, ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let e = s.slack.list().await.unwrap_err();
    assert!(e.to_string().contains("it has: ***"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn a_repeated_cursor_or_a_page_without_members_is_partial() {
    let s = setup(false, "").await;
    first_page(&s, page(vec![member("U1", "a@example.com")], "c2")).await;
    cursor_page(&s, "c2", page(vec![member("U2", "b@example.com")], "c2")).await;
    let e = s.slack.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("cursor already followed")), "{e:?}");

    let s = setup(false, "").await;
    first_page(&s, ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).await;
    let e = s.slack.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("without a `members` list")), "{e:?}");
}

#[tokio::test]
async fn a_429_waits_retry_after_and_tries_again() {
    let s = setup(false, "").await;
    Mock::given(method("GET"))
        .and(path("/api/users.list"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    first_page(&s, page(vec![member("U1", "a@example.com")], "")).await;
    let started = Instant::now();
    let l = s.slack.list().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(l.accounts.len(), 1);
    assert_eq!(s.requests().await.len(), 2);
}

// ---------------------------------------------------------------- changes through SCIM

#[tokio::test]
async fn without_a_scim_token_changes_are_refused_clearly() {
    let s = setup(false, "").await;
    for c in [create("ann@example.com", "member"), change(Action::Suspend, Some("U1"))] {
        let e = s.slack.apply(&c).await.unwrap_err();
        let ConnectorError::NotConfigured { why, .. } = &e else { panic!("{e:?}") };
        assert!(why.contains("spec.connector.slack.scimToken") && why.contains("by hand"), "{why}");
    }
    assert!(s.requests().await.is_empty());
}

#[tokio::test]
async fn create_posts_a_scim_user_and_a_rerun_finds_it_by_email() {
    let s = setup(true, "").await;
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .and(query_param("email", "ann@example.com"))
        .respond_with(not_ok(json!({"ok": false, "error": "users_not_found"})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", format!("Bearer {SCIM_TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(scim_user("U9", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.slack.apply(&create("ann@example.com", "admin")).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(t) if t.contains("created U9") && t.contains("make it admin by hand")),
        "{out:?}"
    );
    let post = s.requests().await.into_iter().find(|r| r.method.as_str() == "POST").unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["userName"], "ann@example.com");
    assert_eq!(body["externalId"], "E1");
    assert_eq!(body["emails"], json!([{"value": "ann@example.com", "type": "work", "primary": true}]));
    assert_eq!(body["name"], json!({"formatted": "Ann Lee"}));
    assert!(body.get("roles").is_none(), "SCIM cannot make admins: {body}");

    // The answer was lost and the change runs again: Slack has the user now.
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "user": member("U9", "ann@example.com")})),
        )
        .mount(&s.server)
        .await;
    let again = s.slack.apply(&create("ann@example.com", "admin")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("U9")), "{again:?}");
}

#[tokio::test]
async fn guests_are_not_created_as_full_members() {
    let s = setup(true, "").await;
    let e = s.slack.apply(&create("agency@partner.example", "multi-channel-guest")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { action: "create guests", .. }), "{e:?}");
    assert!(s.requests().await.is_empty());
}

#[tokio::test]
async fn suspend_deactivates_with_delete_and_a_rerun_sends_nothing() {
    let s = setup(true, "").await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user("U1", true)))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user("U1", false)))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/scim/v2/Users/U1"))
        .and(header("authorization", format!("Bearer {SCIM_TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.slack.apply(&change(Action::Suspend, Some("U1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("deactivated U1")), "{out:?}");
    let again = s.slack.apply(&change(Action::Suspend, Some("U1"))).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("already deactivated")), "{again:?}");
}

#[tokio::test]
async fn restore_patches_active_true_and_a_rerun_sends_nothing() {
    let s = setup(true, "").await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user("U1", false)))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user("U1", true)))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/scim/v2/Users/U1"))
        .and(body_partial_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": true}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user("U1", true)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.slack.apply(&change(Action::Restore, Some("U1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("reactivated U1")), "{out:?}");
    let again = s.slack.apply(&change(Action::Restore, Some("U1"))).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(_)), "{again:?}");
}

#[tokio::test]
async fn deletes_and_role_changes_are_never_sent() {
    let s = setup(true, "").await;
    let mut role = change(Action::Update, Some("U1"));
    role.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    for c in [change(Action::Delete, Some("U1")), role, change(Action::Transfer, Some("U1"))] {
        let e = s.slack.apply(&c).await.unwrap_err();
        assert!(matches!(e, ConnectorError::Unsupported { kind: "slack", .. }), "{e:?}");
    }
    assert!(s.requests().await.is_empty());
}

fn scim_group(id: &str, name: &str, members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m, "display": m})).collect();
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": id, "displayName": name, "members": members})
}

async fn scim_groups(s: &Setup, groups: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path("/scim/v2/Groups"))
        .and(query_param("startIndex", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": groups.len(), "startIndex": 1, "itemsPerPage": groups.len(), "Resources": groups
        })))
        .mount(&s.server)
        .await;
}

#[tokio::test]
async fn user_groups_are_read_and_changed_through_scim_groups_by_the_same_id() {
    let s = setup(true, "").await;
    first_page(&s, page(vec![member("U1", "a@example.com"), member("U2", "b@example.com")], "")).await;
    scim_groups(&s, vec![scim_group("S1", "sales", &["U1", "U2"]), scim_group("S2", "eng-announce", &["U2"])]).await;
    let l = s.slack.list().await.unwrap();
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("U1").groups, vec!["sales"]);
    assert_eq!(by("U2").groups, vec!["eng-announce", "sales"]);
    let groups_read = s.requests().await.into_iter().find(|r| r.url.path() == "/scim/v2/Groups").unwrap();
    assert_eq!(groups_read.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {SCIM_TOKEN}"));

    Mock::given(method("PATCH"))
        .and(path("/scim/v2/Groups/S2"))
        .and(body_partial_json(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "U1"}]}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/scim/v2/Groups/S1"))
        .and(body_partial_json(json!({"Operations": [{"op": "remove", "path": "members[value eq \"U1\"]"}]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("U1"));
    c.groups = Some(Box::new(GroupChange { add: vec!["eng-announce".into()], remove: vec!["sales".into()] }));
    let out = s.slack.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(t) if t.contains("joined eng-announce") && t.contains("left sales")),
        "{out:?}"
    );
}

#[tokio::test]
async fn build_all_builds_it_and_a_missing_scim_token_names_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: slack}}\nspec:\n  connector:\n    slack: {{token: {{env: PATH}}, scimToken: {{env: KEYWARD_TEST_UNSET_SLACK_SCIM_9F2}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without a SCIM token") };
    let ConnectorError::Credentials { what, why, .. } = &e else { panic!("{e:?}") };
    assert_eq!(what, "Slack SCIM token");
    assert!(why.contains("KEYWARD_TEST_UNSET_SLACK_SCIM_9F2"), "{why}");
}

#[tokio::test]
async fn a_lookup_slack_refuses_stops_the_create_before_scim_is_called() {
    let s = setup(true, "").await;
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(not_ok(json!({"ok": false, "error": "missing_scope", "needed": "users:read.email"})))
        .mount(&s.server)
        .await;
    let e = s.slack.apply(&create("ann@example.com", "member")).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("users.lookupByEmail?email=ann%40example.com"), "{shown}");
    assert!(shown.contains("lacks the scope `users:read.email`"), "{shown}");
    assert_no_token(&e);
    assert!(s.requests().await.iter().all(|r| !r.url.path().starts_with("/scim")), "SCIM was called");
}

// ---------------------------------------------------------------- one person

/// `users.lookupByEmail` answering for one address, as Slack documents it:
/// `{"ok": true, "user": …}`, or `{"ok": false, "error": "users_not_found"}`.
async fn lookup(s: &Setup, email: &str, found: Option<Value>) {
    let body = match found {
        Some(user) => json!({"ok": true, "user": user}),
        None => json!({"ok": false, "error": "users_not_found"}),
    };
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .and(query_param("email", email))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s.server)
        .await;
}

fn keys(emails: &[&str], user_names: &[&str]) -> PersonKeys {
    PersonKeys {
        ids: vec!["E1".into()],
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
        user_names: user_names.iter().map(|u| (*u).to_owned()).collect(),
    }
}

/// Method, path and query of every request the stub received, in order.
async fn sent(s: &Setup) -> Vec<String> {
    s.requests()
        .await
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.url.path(), r.url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn find_looks_up_each_address_and_reads_the_groups_of_the_user_found_from_scim() {
    let s = setup(true, "").await;
    let mut ann = member("U1", "ann@example.com");
    ann["is_admin"] = json!(true);
    lookup(&s, "ann@example.com", Some(ann)).await;
    lookup(&s, "boss@example.com", None).await;
    let mut resource = scim_user("U1", true);
    resource["groups"] = json!([{"value": "S2", "display": "sales"}, {"value": "S1", "display": "eng-announce"}]);
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .and(header("authorization", format!("Bearer {SCIM_TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource))
        .mount(&s.server)
        .await;

    // The manager's address comes in as a login that is an address; the
    // work e-mail repeated in another case is looked up once; a login that
    // is no address (a department) is not looked up at all.
    let found = s.slack.find(&keys(&["ann@example.com"], &["ANN@example.com", "Sales", "boss@example.com"])).await;
    let l = found.unwrap();
    assert_eq!(l.accounts.len(), 1);
    let a = &l.accounts[0];
    assert_eq!((a.id.as_str(), a.email.as_deref(), a.role.as_deref()), ("U1", Some("ann@example.com"), Some("admin")));
    assert_eq!(a.groups, vec!["eng-announce", "sales"]);
    assert!(l.capabilities.suspend && l.capabilities.groups);

    assert_eq!(
        sent(&s).await,
        [
            "GET /api/users.lookupByEmail?email=ann%40example.com",
            "GET /scim/v2/Users/U1",
            "GET /api/users.lookupByEmail?email=boss%40example.com",
        ]
    );
    for r in s.requests().await.iter().filter(|r| r.url.path().starts_with("/api/")) {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
    }
}

#[tokio::test]
async fn an_address_the_lookup_does_not_know_reads_the_listing_where_a_deactivated_rehire_shows() {
    // Slack's lookup answers users_not_found for a deactivated user: a
    // rehire's account is only in the listing, and must be restored, not
    // created a second time.
    let s = setup(false, "").await;
    lookup(&s, "ann@example.com", None).await;
    let mut gone = member("U1", "ann@example.com");
    gone["deleted"] = json!(true);
    first_page(&s, page(vec![gone, member("U2", "bob@example.com")], "")).await;
    let l = s.slack.find(&keys(&["ann@example.com"], &[])).await.unwrap();
    let ann = l.accounts.iter().find(|a| a.id.as_str() == "U1").expect("the deactivated account is found");
    assert_eq!(ann.status, AccountStatus::Suspended);
    let paths: Vec<String> = s.requests().await.iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(paths, ["/api/users.lookupByEmail", "/api/users.list"]);
}

#[tokio::test]
async fn a_lookup_or_a_scim_read_that_fails_fails_find_never_no_accounts() {
    let s = setup(true, "").await;
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .respond_with(not_ok(json!({"ok": false, "error": "invalid_auth"})))
        .mount(&s.server)
        .await;
    let e = s.slack.find(&keys(&["ann@example.com"], &[])).await.unwrap_err();
    let ConnectorError::Http { call, problem, .. } = &e else { panic!("{e:?}") };
    assert!(call.contains("users.lookupByEmail?email=ann%40example.com"), "{call}");
    assert!(
        problem.contains("Slack error `invalid_auth`") && problem.contains("does not accept the token"),
        "{problem}"
    );
    assert_no_token(&e);
    assert_eq!(sent(&s).await, ["GET /api/users.lookupByEmail?email=ann%40example.com"], "no listing instead");

    let s = setup(true, "").await;
    lookup(&s, "ann@example.com", Some(member("U1", "ann@example.com"))).await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/U1"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "insufficient_scope", "status": 403
        })))
        .mount(&s.server)
        .await;
    let e = s.slack.find(&keys(&["ann@example.com"], &[])).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Http { status: Some(403), call, .. } if call.contains("/scim/v2/Users/U1")),
        "{e:?}"
    );
    assert_no_token(&e);
}

#[tokio::test]
async fn without_a_scim_token_find_reads_no_groups() {
    let s = setup(false, "").await;
    lookup(&s, "ann@example.com", Some(member("U1", "ann@example.com"))).await;
    let l = s.slack.find(&keys(&["ann@example.com"], &[])).await.unwrap();
    assert_eq!(l.accounts.len(), 1);
    assert!(l.accounts[0].groups.is_empty());
    assert_eq!(sent(&s).await, ["GET /api/users.lookupByEmail?email=ann%40example.com"]);
}

#[tokio::test]
async fn find_reads_the_listing_when_accounts_are_matched_by_more_than_their_email() {
    // A username correlator matches accounts no e-mail lookup finds.
    let s = setup_spec(false, "", "  correlate: [{attribute: {attribute: slack}}]\n").await;
    first_page(&s, page(vec![member("U1", "ann@example.com"), member("U2", "old-handle@example.com")], "")).await;
    let l = s.slack.find(&keys(&["ann@example.com"], &["old-handle"])).await.unwrap();
    assert_eq!(l.accounts.len(), 2);
    let paths: Vec<String> = s.requests().await.iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(paths, ["/api/users.list"]);

    // So do alias domains.
    let s = setup_spec(false, "", "  correlate: [{email: {domainAliases: {old.example.com: example.com}}}]\n").await;
    first_page(&s, page(vec![member("U1", "ann@old.example.com")], "")).await;
    let l = s.slack.find(&keys(&["ann@example.com"], &[])).await.unwrap();
    assert_eq!(l.accounts[0].email.as_deref(), Some("ann@old.example.com"));
    assert!(s.requests().await.iter().all(|r| r.url.path() == "/api/users.list"));
}

// ---------------------------------------------------------------- revoke

fn reset_answers(s: &Setup, body: Value) -> Mock {
    let _ = s;
    Mock::given(method("POST"))
        .and(path("/api/admin.users.session.reset"))
        .and(header("authorization", format!("Bearer {ADMIN_TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

fn revoke_sessions(id: &str) -> Change {
    let mut c = change(Action::Revoke, Some(id));
    c.revoke = Some(keyward_core::account::RevokeKinds::of(&[keyward_core::resources::RevokeKind::Sessions]));
    c
}

#[tokio::test]
async fn an_enterprise_admin_token_resets_sessions_with_one_call_a_rerun_repeats() {
    let s = setup(true, ", adminToken: {file: admin.txt}").await;
    assert!(s.slack.capabilities().revoke.contains(keyward_core::resources::RevokeKind::Sessions));
    reset_answers(&s, json!({"ok": true})).mount(&s.server).await;
    for _ in 0..2 {
        let out = s.slack.apply(&revoke_sessions("U1")).await.unwrap();
        assert_eq!(out, Outcome::Applied("signed U1 out of every Slack session".into()));
    }
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(String::from_utf8_lossy(&reqs[0].body), "user_id=U1");
}

#[tokio::test]
async fn a_user_slack_no_longer_has_is_already_done() {
    let s = setup(true, ", adminToken: {file: admin.txt}").await;
    reset_answers(&s, json!({"ok": false, "error": "user_not_found"})).mount(&s.server).await;
    let out = s.slack.apply(&revoke_sessions("U9")).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("no longer in Slack")), "{out:?}");
}

#[tokio::test]
async fn outside_enterprise_grid_the_reset_is_refused_saying_what_it_needs() {
    let s = setup(true, ", adminToken: {file: admin.txt}").await;
    reset_answers(&s, json!({"ok": false, "error": "not_an_enterprise"})).mount(&s.server).await;
    let e = s.slack.apply(&revoke_sessions("U1")).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("not_an_enterprise") && text.contains("Enterprise Grid"), "{text}");
    assert!(text.contains("spec.connector.slack.adminToken"), "{text}");
    assert_no_token(&e);
}

#[tokio::test]
async fn without_an_admin_token_slack_cannot_revoke_and_sends_nothing() {
    let s = setup(true, "").await;
    assert!(s.slack.capabilities().revoke.is_empty());
    let e = s.slack.apply(&revoke_sessions("U1")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { kind: "slack", .. }), "{e:?}");
    assert!(s.requests().await.is_empty());
}
