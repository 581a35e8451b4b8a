#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Google Workspace connector against request-level stubs shaped as
//! Google documents the Admin SDK Directory API, the Enterprise License
//! Manager API, the Data Transfer API and the OAuth token endpoint: the
//! service account's JWT grant, `pageToken`/`nextPageToken` paging, 403
//! throttling reasons, and Google's error body.

mod common;

use common::fast;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use keyward_connectors::google::GoogleWorkspace;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome, build_all};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, Profile, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("../../keyward-http/tests/data/test-only-rsa-key.pem");
const PUBLIC_KEY: &str = include_str!("../../keyward-http/tests/data/test-only-rsa-key.pub.pem");
const CLIENT_EMAIL: &str = "keyward@example-project.iam.gserviceaccount.com";
const ADMIN: &str = "it-admin@example.com";
/// Distinctive, so its absence from every error string means something.
const ACCESS_TOKEN: &str = "ya29.kw-ACCESS-TOKEN-7c1e";
const DIR: &str = "/admin/directory/v1";
const LIC: &str = "/apps/licensing/v1";
const DT: &str = "/admin/datatransfer/v1";
const STARTER: &str = "1010020027";
const STANDARD: &str = "1010020028";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

struct Setup {
    server: MockServer,
    google: GoogleWorkspace,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn requests(&self, method: &str, p: &str) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap();
        all.into_iter().filter(|r| r.method.as_str() == method && r.url.path() == p).collect()
    }
}

fn key_json(token_uri: &str) -> String {
    json!({
        "type": "service_account",
        "project_id": "example-project",
        "private_key_id": "test-key-1",
        "private_key": PRIVATE_KEY,
        "client_email": CLIENT_EMAIL,
        "client_id": "1234567890",
        "token_uri": token_uri,
    })
    .to_string()
}

/// One Application `workspace` whose connector points at the stub;
/// `extra` adds fields to `googleWorkspace`, `more` adds Application
/// fields and further documents (AccessPolicies).
async fn setup(extra: &str, more: &str) -> Setup {
    setup_with(PEOPLE, extra, more).await
}

/// [`setup`] with another PeopleSource document (ending with `---`).
async fn setup_with(people: &str, extra: &str, more: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let uri = server.uri();
    std::fs::write(dir.path().join("key.json"), key_json(&format!("{uri}/token"))).unwrap();
    let text = format!(
        "{people}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{file: key.json}}, subject: {ADMIN}, directoryUrl: \"{uri}{DIR}\", licensingUrl: \"{uri}{LIC}\", dataTransferUrl: \"{uri}{DT}\"{extra}}}\n  apply: {{requestsPerSecond: 1000}}\n{more}"
    );
    let file = dir.path().join("apps.yaml").display().to_string();
    let set = PolicySet::load("test", vec![SourceFile { path: file, text }]).unwrap().set;
    let app = set.application("workspace").unwrap();
    let spec = app.spec.connector.google_workspace.as_ref().unwrap();
    let google = GoogleWorkspace::new(
        &set.locator(&app.origin),
        app,
        spec,
        &ClusterSecrets::unavailable(),
        set.granted_groups(&app.name),
    )
    .unwrap()
    .with_retry(fast());
    // One token for every call: a second token request fails the test.
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
        .and(body_string_contains("assertion="))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Setup { server, google, _dir: dir }
}

const LICENCES: &str = ", licences: {basic: {productId: Google-Apps, skuId: '1010020027'}, standard: {productId: Google-Apps, skuId: '1010020028'}}";
const ROLES: &str = "  roles: [basic, standard]\n";

fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str())
}

fn user(id: &str, email: &str) -> Value {
    json!({
        "kind": "admin#directory#user", "id": id, "primaryEmail": email, "customerId": "C0123abc",
        "name": {"givenName": "User", "familyName": id, "fullName": format!("User {id}")},
        "isAdmin": false, "suspended": false, "archived": false, "orgUnitPath": "/",
        "lastLoginTime": "2026-11-20T08:12:33.000Z"
    })
}

fn google_error(status: u16, reason: &str, message: &str, st: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "code": status, "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": st
    }}))
}

/// One page of `GET {p}`: the first when `token` is `None`.
async fn page(s: &Setup, p: &str, token: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path(p)).and(bearer());
    let mock = match token {
        Some(t) => mock.and(query_param("pageToken", t)),
        None => mock.and(wiremock::matchers::query_param_is_missing("pageToken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&s.server).await;
}

async fn get_user(s: &Setup, key: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users/{key}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s.server)
        .await;
}

fn change(action: Action, id: Option<&str>) -> Change {
    let account = AccountRef {
        id: id.map(Into::into),
        email: Some("hanako@example.com".into()),
        username: None,
        display_name: None,
        status: None,
    };
    let mut c = Change::new("workspace", action, account, "test");
    c.person = Some(PersonRef {
        id: "E100".into(),
        email: Some("hanako@example.com".into()),
        name: Some("Hanako Yamada".into()),
    });
    c
}

#[tokio::test]
async fn listing_reads_every_page_licences_and_granted_groups_with_one_cached_token() {
    let policy = "---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {}\n  grant: [{app: workspace, role: basic, groups: [sales@example.com, gone@example.com]}]\n";
    let s = setup(LICENCES, &format!("{ROLES}{policy}")).await;
    let users = format!("{DIR}/users");
    let mut admin = user("u1", ADMIN);
    admin["isAdmin"] = json!(true);
    admin["externalIds"] = json!([{"type": "organization", "value": "E001"}]);
    admin["organizations"] = json!([{"department": "IT", "title": "Admin", "primary": true}]);
    page(&s, &users, None, json!({"kind": "admin#directory#users", "users": [admin], "nextPageToken": "p2"})).await;
    let mut archived = user("u2", "jiro@example.com");
    archived["archived"] = json!(true);
    page(&s, &users, Some("p2"), json!({"users": [archived], "nextPageToken": "p3"})).await;
    let mut suspended = user("u3", "hanako@example.com");
    suspended["suspended"] = json!(true);
    page(&s, &users, Some("p3"), json!({"users": [suspended]})).await;
    let lic = format!("{LIC}/product/Google-Apps/users");
    page(
        &s,
        &lic,
        None,
        json!({"kind": "licensing#licenseAssignmentList", "items": [
            {"userId": "IT-ADMIN@example.com", "productId": "Google-Apps", "skuId": STARTER},
            {"userId": ADMIN, "productId": "Google-Apps", "skuId": STANDARD}
        ], "nextPageToken": "l2"}),
    )
    .await;
    page(
        &s,
        &lic,
        Some("l2"),
        json!({"items": [{"userId": "jiro@example.com", "productId": "Google-Apps", "skuId": STARTER},
                         {"userId": "hanako@example.com", "productId": "Google-Apps", "skuId": "1010060001"}]}),
    )
    .await;
    page(
        &s,
        &format!("{DIR}/groups/sales@example.com/members"),
        None,
        json!({"members": [{"id": "u1", "email": ADMIN, "role": "MEMBER", "type": "USER"},
                           {"id": "g9", "email": "nested@example.com", "role": "MEMBER", "type": "GROUP"}], "nextPageToken": "m2"}),
    )
    .await;
    page(
        &s,
        &format!("{DIR}/groups/sales@example.com/members"),
        Some("m2"),
        json!({"members": [{"id": "u3", "email": "hanako@example.com", "role": "MEMBER", "type": "USER"}]}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/groups/gone@example.com/members")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: groupKey", "NOT_FOUND"))
        .mount(&s.server)
        .await;

    let listing = s.google.list().await.unwrap();
    let by_id = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap();
    assert_eq!(listing.accounts.len(), 3, "all three pages are read");
    let u1 = by_id("u1");
    assert_eq!(u1.email.as_deref(), Some(ADMIN));
    assert_eq!(u1.external_id.as_deref(), Some("E001"));
    assert_eq!(u1.role.as_deref(), Some("standard"), "two licences: the most privileged role");
    assert_eq!(u1.groups, ["sales@example.com"]);
    assert_eq!(u1.attributes.get("isAdmin").map(String::as_str), Some("true"));
    assert_eq!(u1.attributes.get("department").map(String::as_str), Some("IT"));
    assert_eq!(u1.last_active.map(|d| d.to_string()).as_deref(), Some("2026-11-20"));
    assert_eq!(by_id("u2").status, AccountStatus::Suspended, "archived users cannot sign in");
    assert_eq!(by_id("u2").role.as_deref(), Some("basic"));
    let u3 = by_id("u3");
    assert_eq!(u3.status, AccountStatus::Suspended);
    assert_eq!(u3.role, None, "a SKU no role stands for is no role");
    assert_eq!(u3.groups, ["sales@example.com"], "members on the second page count");
    assert!(listing.capabilities.transfer && listing.capabilities.update);

    let first = &s.requests("GET", &users).await[0];
    let q: Vec<(String, String)> = first.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    for (k, v) in [("customer", "my_customer"), ("maxResults", "500"), ("projection", "full")] {
        assert!(q.contains(&(k.to_owned(), v.to_owned())), "{k}={v} missing in {q:?}");
    }
    let lic_call = &s.requests("GET", &lic).await[0];
    assert!(lic_call.url.query().unwrap().contains("customerId=C0123abc"), "the customer id learnt from the users");

    // The JWT grant: signed by the key, acting as the admin, for the scopes the calls need.
    let token_req = &s.requests("POST", "/token").await[0];
    let form: Vec<(String, String)> =
        url::form_urlencoded::parse(&token_req.body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let assertion = &form.iter().find(|(k, _)| k == "assertion").unwrap().1;
    let mut v = Validation::new(Algorithm::RS256);
    let token_uri = format!("{}/token", s.server.uri());
    v.set_audience(&[token_uri.as_str()]);
    let claims =
        jsonwebtoken::decode::<Value>(assertion, &DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap(), &v)
            .unwrap()
            .claims;
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["sub"], ADMIN);
    let scope = claims["scope"].as_str().unwrap();
    for sc in ["admin.directory.user", "admin.directory.group.member", "apps.licensing", "admin.datatransfer"] {
        assert!(scope.contains(&format!("https://www.googleapis.com/auth/{sc}")), "{sc} missing in {scope}");
    }

    // A second listing reuses the cached token (the token mock expects one call).
    s.google.list().await.unwrap();
}

#[tokio::test]
async fn a_failing_middle_page_fails_the_listing() {
    let s = setup("", "").await;
    let users = format!("{DIR}/users");
    page(&s, &users, None, json!({"users": [user("u1", "a@example.com")], "nextPageToken": "p2"})).await;
    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("pageToken", "p2"))
        .respond_with(google_error(500, "backendError", "Backend Error", "INTERNAL"))
        .mount(&s.server)
        .await;
    page(&s, &users, Some("p3"), json!({"users": [user("u3", "c@example.com")]})).await;
    let e = s.google.list().await.expect_err("a shorter list was returned as complete");
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert!(call.starts_with("GET ") && call.contains("pageToken=p2"), "{call}");
    assert_eq!(*status, Some(500));
    assert!(problem.contains("stopped at page 2") && problem.contains("backendError"), "{problem}");
    assert_eq!(s.requests("GET", &users).await.iter().filter(|r| r.url.query().unwrap().contains("p2")).count(), 4);
}

#[tokio::test]
async fn a_repeated_page_token_or_a_user_without_id_is_a_partial_listing() {
    let s = setup("", "").await;
    let users = format!("{DIR}/users");
    page(&s, &users, None, json!({"users": [user("u1", "a@example.com")], "nextPageToken": "p2"})).await;
    page(&s, &users, Some("p2"), json!({"users": [user("u2", "b@example.com")], "nextPageToken": "p2"})).await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("page token it had given before")), "{e}");

    let s = setup("", "").await;
    page(&s, &users, None, json!({"users": [{"primaryEmail": "noid@example.com"}]})).await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("without an id")), "{e}");
}

#[tokio::test]
async fn an_empty_user_list_is_not_zero_accounts() {
    let s = setup(", domain: example.org", "").await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("domain", "example.org"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "admin#directory#users", "etag": "\"x\""})),
        )
        .mount(&s.server)
        .await;
    let e = s.google.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("listed no users")), "{e}");
}

#[tokio::test]
async fn a_rate_limited_403_is_retried_and_a_plain_403_is_final_without_the_token() {
    let s = setup("", "").await;
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(google_error(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "PERMISSION_DENIED"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u9")))
        .and(body_json(json!({"suspended": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u9", "suspended": true})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Suspend, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("suspended u9")), "{out:?}");
    assert_eq!(s.requests("PUT", &format!("{DIR}/users/u9")).await.len(), 2, "the throttled call was sent again");

    get_user(&s, "u8", user("u8", "taro@example.com")).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u8")))
        .respond_with(google_error(403, "forbidden", "Not Authorized to access this resource/api", "PERMISSION_DENIED"))
        .expect(1)
        .mount(&s.server)
        .await;
    let e = s.google.apply(&change(Action::Suspend, Some("u8"))).await.unwrap_err();
    let text = format!("{e} {e:?}");
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("PUT ") && call.ends_with("/admin/directory/v1/users/u8"), "{call}");
    assert!(problem.contains("forbidden: Not Authorized") && problem.contains("domain-wide delegation"), "{problem}");
    assert!(problem.contains(ADMIN) && problem.contains("admin.directory.user"), "{problem}");
    assert!(!text.contains(ACCESS_TOKEN), "the token leaked: {text}");
    assert!(!e.is_transient());
}

/// Answers a create with Google's error, quoting the request body back as
/// a careless proxy would.
struct EchoBody;

impl Respond for EchoBody {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        google_error(
            400,
            "invalid",
            &format!("Invalid Input: {}", String::from_utf8_lossy(&req.body)),
            "INVALID_ARGUMENT",
        )
    }
}

fn create_change() -> Change {
    let mut c = change(Action::Create, None);
    c.role = Some(Box::new(RoleChange { from: None, to: "standard".to_owned() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales@example.com".to_owned()], remove: vec![] }));
    c.profile = Some(Box::new(Profile {
        department: Some("Sales".to_owned()),
        title: Some("Manager".to_owned()),
        ..Profile::default()
    }));
    c
}

#[tokio::test]
async fn create_posts_the_user_then_assigns_the_licence_and_joins_groups() {
    let s = setup(&format!("{LICENCES}, orgUnitPath: /Sales"), ROLES).await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/users")))
        .and(bearer())
        .and(body_partial_json(json!({
            "primaryEmail": "hanako@example.com",
            "name": {"givenName": "Hanako", "familyName": "Yamada"},
            "changePasswordAtNextLogin": true,
            "orgUnitPath": "/Sales",
            "externalIds": [{"type": "organization", "value": "E100"}],
            "organizations": [{"department": "Sales", "title": "Manager", "primary": true}]
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "new-1", "primaryEmail": "hanako@example.com"})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STANDARD})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .and(body_json(json!({"email": "hanako@example.com", "role": "MEMBER"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "new-1", "role": "MEMBER"})))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.google.apply(&create_change()).await.unwrap();
    let Outcome::Applied(what) = &out else { panic!("{out:?}") };
    assert!(what.contains("created new-1") && what.contains(STANDARD) && what.contains("sales@example.com"), "{what}");
    let post = &s.requests("POST", &format!("{DIR}/users")).await[0];
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["password"].as_str().unwrap();
    assert!(password.len() >= 16, "{password}");
    assert!(!format!("{out:?}").contains(password));
}

#[tokio::test]
async fn a_create_error_shows_googles_words_but_never_the_password() {
    let s = setup("", "").await;
    Mock::given(method("POST")).and(path(format!("{DIR}/users"))).respond_with(EchoBody).mount(&s.server).await;
    let e = s.google.apply(&change(Action::Create, None)).await.unwrap_err();
    let text = format!("{e} {e:?}");
    let post = &s.requests("POST", &format!("{DIR}/users")).await[0];
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["password"].as_str().unwrap();
    assert!(text.contains("invalid: Invalid Input") && text.contains("POST "), "{text}");
    assert!(!text.contains(password), "the password leaked: {text}");
    assert!(!text.contains(ACCESS_TOKEN), "{text}");
}

#[tokio::test]
async fn a_duplicate_create_adopts_the_user_and_an_existing_licence_is_kept() {
    let s = setup(LICENCES, ROLES).await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/users")))
        .respond_with(google_error(409, "duplicate", "Entity already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    get_user(&s, "hanako@example.com", user("old-7", "hanako@example.com")).await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user")))
        .respond_with(google_error(
            412,
            "conditionNotMet",
            "User already has a license for the specified product and SKU",
            "FAILED_PRECONDITION",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user/hanako@example.com")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"userId": "hanako@example.com", "skuId": STANDARD})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .respond_with(google_error(409, "duplicate", "Member already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&create_change()).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("adopted existing user old-7")), "{out:?}");
    assert!(s.requests("PUT", &format!("{DIR}/users/old-7")).await.is_empty(), "an active user is left as it is");
}

#[tokio::test]
async fn suspend_and_restore_put_suspended_and_a_user_already_so_is_already_done() {
    let s = setup("", "").await;
    get_user(&s, "u1", user("u1", "a@example.com")).await;
    let mut archived = user("u2", "b@example.com");
    archived["archived"] = json!(true);
    get_user(&s, "u2", archived).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u1")))
        .and(body_json(json!({"suspended": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u2")))
        .and(body_json(json!({"suspended": false, "archived": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u2"})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("suspended u1")), "{out:?}");
    let out = s.google.apply(&change(Action::Restore, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("already active")), "{out:?}");
    let out = s.google.apply(&change(Action::Suspend, Some("u2"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("archived")), "{out:?}");
    let out = s.google.apply(&change(Action::Restore, Some("u2"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("restored u2")), "{out:?}");
}

#[tokio::test]
async fn a_super_admin_is_never_suspended_or_deleted() {
    let s = setup("", "").await;
    let mut admin = user("u1", ADMIN);
    admin["isAdmin"] = json!(true);
    get_user(&s, "u1", admin).await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&s.server).await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&s.server).await;
    for action in [Action::Suspend, Action::Delete] {
        let e = s.google.apply(&change(action, Some("u1"))).await.unwrap_err();
        assert!(e.to_string().contains("super administrator") && e.to_string().contains("spec.protect"), "{e}");
    }
}

#[tokio::test]
async fn joining_twice_and_leaving_a_group_one_is_not_in_are_already_done() {
    let s = setup("", "").await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .and(body_json(json!({"email": "hanako@example.com", "role": "MEMBER"})))
        .respond_with(google_error(409, "duplicate", "Member already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/groups/eng@example.com/members/u9")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: memberKey", "NOT_FOUND"))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.groups = Some(Box::new(GroupChange {
        add: vec!["sales@example.com".to_owned()],
        remove: vec!["eng@example.com".to_owned()],
    }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::AlreadyDone(w) if w.contains("already in sales@example.com") && w.contains("not in eng@example.com")),
        "{out:?}"
    );

    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/groups/eng@example.com/members/u7")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u7"));
    c.groups = Some(Box::new(GroupChange { add: vec![], remove: vec!["eng@example.com".to_owned()] }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("left eng@example.com")), "{out:?}");
}

#[tokio::test]
async fn a_role_change_moves_the_user_to_the_new_sku_in_one_call() {
    let s = setup(LICENCES, ROLES).await;
    Mock::given(method("PUT"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user/hanako@example.com")))
        .and(body_json(json!({"productId": "Google-Apps", "skuId": STANDARD, "userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STANDARD})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: Some("basic".to_owned()), to: "standard".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role standard") && w.contains(STANDARD)), "{out:?}");

    // No licence before: the new one is assigned.
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STARTER})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: None, to: "basic".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role basic")), "{out:?}");
}

fn transfer_change(to_id: Option<&str>) -> Change {
    let mut c = change(Action::Transfer, Some("u9"));
    c.transfer_to = Some(Box::new(AccountRef {
        id: to_id.map(Into::into),
        email: Some("boss@example.com".into()),
        ..AccountRef::default()
    }));
    c
}

/// The Data Transfer keyward requests for u9 leaving: Drive (private and
/// shared files) and Calendar (resources released) to boss-1.
fn handover_request() -> Value {
    json!({
        "oldOwnerUserId": "u9",
        "newOwnerUserId": "boss-1",
        "applicationDataTransfers": [
            {"applicationId": "55656082996",
             "applicationTransferParams": [{"key": "PRIVACY_LEVEL", "value": ["PRIVATE", "SHARED"]}]},
            {"applicationId": "435070579839",
             "applicationTransferParams": [{"key": "RELEASE_RESOURCES", "value": ["TRUE"]}]}
        ]
    })
}

#[tokio::test]
async fn transfer_hands_drive_and_calendar_over_once() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    // First run: nothing yet; after the POST, the transfer is listed.
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "admin#datatransfer#dataTransfersList"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            {"id": "t-old", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": "failed",
             "requestTime": "2026-11-29T18:00:00.000Z"},
            {"id": "t-1", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": "inProgress",
             "requestTime": "2026-11-30T18:00:00.000Z"}
        ]})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .and(bearer())
        .and(body_json(handover_request()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t-1", "overallTransferStatusCode": "new"})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    // The receiver named by e-mail only is looked up for its id.
    get_user(&s, "boss@example.com", user("boss-1", "boss@example.com")).await;
    // Last signed in on 2026-11-20, before every transfer listed.
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;

    let out = s.google.apply(&transfer_change(None)).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("t-1") && w.contains("boss-1")), "{out:?}");
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-1") && w.contains("inProgress")), "{out:?}");
    assert_eq!(s.requests("GET", &format!("{DIR}/users/boss@example.com")).await.len(), 1);
}

#[tokio::test]
async fn delete_waits_for_the_transfer_to_complete_and_a_deleted_user_is_already_done() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    let listed = |status: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            {"id": "t-1", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": status,
             "requestTime": "2026-11-30T18:00:00.000Z"}
        ]}))
    };
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("inProgress"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("failed"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("completed"))
        .with_priority(3)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;

    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("still inProgress") && e.to_string().contains("would lose"), "{e}");
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("failed"), "{e}");
    assert!(s.requests("DELETE", &format!("{DIR}/users/u9")).await.is_empty(), "deleted before the hand-over");
    let out = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("deleted u9")), "{out:?}");

    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users/u5")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: userKey", "NOT_FOUND"))
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Delete, Some("u5"))).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
}

#[tokio::test]
async fn delete_without_any_hand_over_is_refused_where_the_app_hands_data_over() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    Mock::given(method("GET"))
        .and(path(format!("{DT}/transfers")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&s.server).await;
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("no Data Transfer"), "{e}");
}

/// Hanako left in March 2025 (her data went to boss-1 then), was rehired
/// and restored in April 2026, and signed in last on the morning of her
/// second last working day, 2026-11-30.
fn rehired_leaver() -> Value {
    let mut u = user("u9", "hanako@example.com");
    u["suspended"] = json!(true);
    u["lastLoginTime"] = json!("2026-11-30T08:55:00.000Z");
    u
}

fn dt(id: &str, status: &str, requested: &str) -> Value {
    json!({"kind": "admin#datatransfer#DataTransfer", "id": id, "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1",
           "overallTransferStatusCode": status, "requestTime": requested,
           "applicationDataTransfers": [{"applicationId": "55656082996"}, {"applicationId": "435070579839"}]})
}

const FIRST_LEAVING: &str = "2025-03-31T18:00:00.000Z";
const SECOND_LEAVING: &str = "2026-11-30T18:02:00.000Z";

#[tokio::test]
async fn a_rehire_leaving_again_gets_a_second_hand_over_to_the_same_receiver() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", rehired_leaver()).await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#datatransfer#dataTransfersList",
            "dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "inProgress", SECOND_LEAVING)
        ]})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .and(bearer())
        .and(body_json(handover_request()))
        .respond_with(ResponseTemplate::new(200).set_body_json(dt("t-2026", "new", SECOND_LEAVING)))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("requested Data Transfer t-2026") && w.contains("t-2025") && w.contains("holds none of what they made since")),
        "the completed transfer of the first leaving is not this hand-over: {out:?}"
    );
    // The rerun finds the new one, and requests nothing more.
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-2026") && w.contains("inProgress")), "{out:?}");
    assert_eq!(s.requests("POST", &transfers).await.len(), 1);

    // Someone who never signed in made nothing: an old transfer still counts.
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let mut never = rehired_leaver();
    never["lastLoginTime"] = json!("1970-01-01T00:00:00.000Z");
    get_user(&s, "u9", never).await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-2025") && w.contains("completed")), "{out:?}");
}

#[tokio::test]
async fn a_rehires_delete_waits_for_the_new_hand_over_not_the_old_completed_one() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", rehired_leaver()).await;
    let listed = |list: Vec<Value>| ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": list}));
    for (priority, list) in [
        (1, vec![dt("t-2025", "completed", FIRST_LEAVING)]),
        (2, vec![dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "inProgress", SECOND_LEAVING)]),
    ] {
        Mock::given(method("GET"))
            .and(path(&transfers))
            .and(query_param("oldOwnerUserId", "u9"))
            .respond_with(listed(list))
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&s.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(listed(vec![dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "completed", SECOND_LEAVING)]))
        .with_priority(3)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;

    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err().to_string();
    assert!(
        e.contains("t-2025")
            && e.contains("before the user last signed in (2026-11-30T08:55:00Z)")
            && e.contains("not handed over"),
        "{e}"
    );
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err().to_string();
    assert!(e.contains("t-2026") && e.contains("still inProgress"), "{e}");
    assert!(s.requests("DELETE", &format!("{DIR}/users/u9")).await.is_empty(), "deleted before the second hand-over");
    let out = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("deleted u9")), "{out:?}");
}

#[tokio::test]
async fn the_listing_tells_which_suspended_users_have_no_hand_over_of_their_current_data() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let suspended = |id: &str, last_login: &str| {
        let mut u = user(id, &format!("{id}@example.com"));
        u["suspended"] = json!(true);
        u["lastLoginTime"] = json!(last_login);
        u
    };
    let users = vec![
        user("boss-1", "boss@example.com"),
        // Handed over after her last sign-in; still running counts.
        suspended("u2", "2026-11-30T08:55:00.000Z"),
        // Only a failed transfer.
        suspended("u3", "2026-11-30T08:55:00.000Z"),
        // A rehire: the completed transfer is from her first leaving.
        suspended("u9", "2026-11-30T08:55:00.000Z"),
        // Never signed in, and nothing transferred.
        suspended("u5", "1970-01-01T00:00:00.000Z"),
    ];
    page(&s, &format!("{DIR}/users"), None, json!({"users": users})).await;
    let of = |old: &str, id: &str, status: &str, requested: &str| {
        let mut t = dt(id, status, requested);
        t["oldOwnerUserId"] = json!(old);
        t
    };
    let transfers = format!("{DT}/transfers");
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("customerId", "C0123abc"))
        .and(query_param("maxResults", "100"))
        .and(wiremock::matchers::query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#datatransfer#dataTransfersList",
            "dataTransfers": [of("u9", "t-2025", "completed", FIRST_LEAVING), of("u3", "t-3", "failed", SECOND_LEAVING)],
            "nextPageToken": "d2"
        })))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("customerId", "C0123abc"))
        .and(query_param("pageToken", "d2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [of("u2", "t-2", "inProgress", SECOND_LEAVING)]})),
        )
        .expect(1)
        .mount(&s.server)
        .await;

    let listing = s.google.list().await.unwrap();
    let handed_over = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap().handed_over;
    assert_eq!(handed_over("boss-1"), None, "an active user's data keeps changing");
    assert_eq!(handed_over("u2"), Some(true), "requested after the last sign-in, not failed");
    assert_eq!(handed_over("u3"), Some(false), "a failed transfer hands nothing over");
    assert_eq!(handed_over("u9"), Some(false), "a transfer from before the rehire holds none of the new data");
    assert_eq!(handed_over("u5"), Some(false), "no transfer at all");

    // Where the app hands nothing over, the transfers are not read.
    let s = setup("", "").await;
    page(&s, &format!("{DIR}/users"), None, json!({"users": [suspended("u5", "1970-01-01T00:00:00.000Z")]})).await;
    let listing = s.google.list().await.unwrap();
    assert_eq!(listing.accounts[0].handed_over, None);
    assert!(s.requests("GET", &transfers).await.is_empty());
}

#[tokio::test]
async fn a_person_lookup_tells_whether_a_suspended_users_data_was_handed_over() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    get_user(&s, "hanako@example.com", rehired_leaver()).await;
    Mock::given(method("GET"))
        .and(path(format!("{DT}/transfers")))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec![],
        emails: vec!["hanako@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.google.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.accounts[0].handed_over, Some(false), "the only transfer is from before the rehire");
}

#[tokio::test]
async fn build_dispatches_google_workspace_and_reads_the_key_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{env: KEYWARD_TEST_UNSET_GOOGLE_KEY_4F}}, subject: {ADMIN}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without its key") };
    let ConnectorError::Credentials { what, why, .. } = &e else { panic!("{e:?}") };
    assert!(what.contains("Google service account key"), "{what}");
    assert!(why.contains("KEYWARD_TEST_UNSET_GOOGLE_KEY_4F") && why.contains("not set"), "{why}");
}

#[tokio::test]
async fn a_person_lookup_reads_only_that_persons_user_licence_and_groups() {
    let policy = "---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: sales}\nspec:\n  select: {}\n  grant: [{app: workspace, role: basic, groups: [sales@example.com, eng@example.com]}]\n";
    let s = setup(LICENCES, &format!("{ROLES}{policy}")).await;
    get_user(&s, "o'brien@example.com", user("u7", "o'brien@example.com")).await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("query", "externalId:E7"))
        .and(query_param("customer", "my_customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user("u7", "o'brien@example.com")]})))
        .expect(1)
        .mount(&s.server)
        .await;
    for (sku, status) in [(STARTER, 200), (STANDARD, 404)] {
        Mock::given(method("GET"))
            .and(path(format!("{LIC}/product/Google-Apps/sku/{sku}/user/o'brien@example.com")))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"skuId": sku})))
            .mount(&s.server)
            .await;
    }
    for (group, status) in [("sales@example.com", 200), ("eng@example.com", 404)] {
        Mock::given(method("GET"))
            .and(path(format!("{DIR}/groups/{group}/members/u7")))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"id": "u7"})))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E7".to_owned()],
        emails: vec!["o'brien@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.google.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1, "one user, found twice");
    let a = &found.accounts[0];
    assert_eq!(a.id.as_str(), "u7");
    assert_eq!(a.role.as_deref(), Some("basic"));
    assert_eq!(a.groups, ["sales@example.com"]);
    assert!(s.requests("GET", &format!("{LIC}/product/Google-Apps/users")).await.is_empty(), "no whole listing");
}

#[tokio::test]
async fn the_key_can_come_from_a_kubernetes_secret() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{secret: {{name: keyward-credentials, key: google-sa.json}}}}, subject: {ADMIN}, directoryUrl: \"{uri}{DIR}\"}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: "ns/apps.yaml".into(), text }]).unwrap().set;
    let app = set.application("workspace").unwrap();
    let r = app.spec.connector.secret_refs()[0].clone();
    let mut secrets = ClusterSecrets::fetched();
    secrets.insert(r.clone(), Ok(keyward_connectors::http::Secret::new(key_json(&format!("{uri}/token")))));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user("u1", ADMIN)]})))
        .expect(1)
        .mount(&server)
        .await;
    let google = keyward_connectors::build(&set, app, &secrets).unwrap();
    assert_eq!(google.kind(), "googleWorkspace");
    assert_eq!(google.list().await.unwrap().accounts.len(), 1);

    // A Secret without the key is the connector's credential error, naming the reference.
    let mut missing = ClusterSecrets::fetched();
    missing.insert(r, Err("the Secret keyward-credentials has no key google-sa.json".to_owned()));
    let Err(e) = keyward_connectors::build(&set, app, &missing) else { panic!("built without its key") };
    assert!(matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("google-sa.json")), "{e}");
}

#[tokio::test]
async fn a_role_change_across_products_assigns_the_new_licence_then_revokes_the_old() {
    let s = setup(
        ", licences: {basic: {productId: Google-Apps, skuId: '1010020027'}, archive: {productId: '101034', skuId: '1010340001'}}",
        "  roles: [archive, basic]\n",
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/101034/sku/1010340001/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": "1010340001"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user/hanako@example.com")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: Some("basic".to_owned()), to: "archive".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role archive") && w.contains("removed")), "{out:?}");
    let order: Vec<String> = s
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.method.to_string())
        .filter(|m| m != "GET")
        .collect();
    assert_eq!(order, ["POST", "POST", "DELETE"], "token, new licence, then the old one goes");
}

/// An HR master with a `legacyId` attribute, for attribute correlators.
const PEOPLE_WITH_LEGACY_ID: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {legacyId: legacy}}}}\n---\n";

fn taro() -> keyward_connectors::PersonKeys {
    keyward_connectors::PersonKeys {
        ids: vec!["E5".to_owned()],
        emails: vec!["taro@example.com".to_owned()],
        user_names: vec!["L-77".to_owned()],
    }
}

/// Every `externalId:` search answers `users` (none when `None`).
async fn external_id_search(s: &Setup, id: &str, users: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(query_param("query", format!("externalId:{id}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "users": users })))
        .mount(&s.server)
        .await;
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_on_an_alias_domain() {
    let s = setup("", "  correlate: [{email: {domainAliases: {old.example.co.jp: example.com}}}]\n").await;
    get_user(&s, "taro@old.example.co.jp", user("u5", "taro@old.example.co.jp")).await;
    external_id_search(&s, "E5", json!([])).await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u5"], "the full reconcile matches taro@old.example.co.jp to taro@example.com");
}

#[tokio::test]
async fn a_person_lookup_finds_the_user_an_hr_attribute_matches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: externalId}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u6", "t.yamada@example.com");
    u["externalIds"] = json!([{"type": "organization", "value": "L-77"}]);
    external_id_search(&s, "E5", json!([])).await;
    external_id_search(&s, "L-77", json!([u])).await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u6"]);
}

#[tokio::test]
async fn a_person_lookup_reads_the_listing_when_a_correlator_compares_a_field_no_search_reaches() {
    let more = "  correlate: [{attribute: {attribute: legacyId, accountField: orgUnitPath}}]\n";
    let s = setup_with(PEOPLE_WITH_LEGACY_ID, "", more).await;
    let mut u = user("u8", "someone@example.com");
    u["orgUnitPath"] = json!("L-77");
    external_id_search(&s, "E5", json!([])).await;
    external_id_search(&s, "L-77", json!([])).await;
    // The whole listing: no `query`.
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(wiremock::matchers::query_param_is_missing("query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [u]})))
        .mount(&s.server)
        .await;
    let found = s.google.find(&taro()).await.unwrap();
    let ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["u8"]);
}
