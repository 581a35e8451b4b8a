//! Shared by the Google Workspace tests: the stub server with its one-token
//! OAuth endpoint, the connector built against it, and Google-shaped users, pages and errors.

use crate::common::fast;
use keyward_connectors::ClusterSecrets;
use keyward_connectors::google::GoogleWorkspace;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, PersonRef};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub(crate) const PRIVATE_KEY: &str = include_str!("../../../keyward-http/tests/data/test-only-rsa-key.pem");
pub(crate) const PUBLIC_KEY: &str = include_str!("../../../keyward-http/tests/data/test-only-rsa-key.pub.pem");
pub(crate) const CLIENT_EMAIL: &str = "keyward@example-project.iam.gserviceaccount.com";
pub(crate) const ADMIN: &str = "it-admin@example.com";
/// Distinctive, so its absence from every error string means something.
pub(crate) const ACCESS_TOKEN: &str = "ya29.kw-ACCESS-TOKEN-7c1e";
pub(crate) const DIR: &str = "/admin/directory/v1";
pub(crate) const LIC: &str = "/apps/licensing/v1";
pub(crate) const DT: &str = "/admin/datatransfer/v1";
pub(crate) const STARTER: &str = "1010020027";
pub(crate) const STANDARD: &str = "1010020028";

pub(crate) const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

pub(crate) struct Setup {
    pub(crate) server: MockServer,
    pub(crate) google: GoogleWorkspace,
    pub(crate) set: PolicySet,
    _dir: tempfile::TempDir,
}

impl Setup {
    pub(crate) async fn requests(&self, method: &str, p: &str) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap();
        all.into_iter().filter(|r| r.method.as_str() == method && r.url.path() == p).collect()
    }
}

pub(crate) fn key_json(token_uri: &str) -> String {
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
pub(crate) async fn setup(extra: &str, more: &str) -> Setup {
    setup_with(PEOPLE, extra, more).await
}

/// [`setup`] with another PeopleSource document (ending with `---`), in
/// which `{URI}` stands for the stub's address.
pub(crate) async fn setup_with(people: &str, extra: &str, more: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let uri = server.uri();
    std::fs::write(dir.path().join("key.json"), key_json(&format!("{uri}/token"))).unwrap();
    let people = people.replace("{URI}", &uri);
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
    Setup { server, google, set, _dir: dir }
}

/// The scopes the connector's token request asked for (the JWT grant's
/// `scope` claim), checked against the key's signature.
pub(crate) async fn granted_scopes(s: &Setup) -> String {
    let token_req = &s.requests("POST", "/token").await[0];
    let form: Vec<(String, String)> =
        url::form_urlencoded::parse(&token_req.body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let assertion = &form.iter().find(|(k, _)| k == "assertion").unwrap().1;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    let token_uri = format!("{}/token", s.server.uri());
    v.set_audience(&[token_uri.as_str()]);
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &v).unwrap().claims;
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["sub"], ADMIN);
    claims["scope"].as_str().unwrap().to_owned()
}

/// `lifecycle.offboarding.revoke` with its defaults, as `setup`'s `more`.
pub(crate) const REVOKES: &str = "  lifecycle: {offboarding: {revoke: {}}}\n";

pub(crate) const LICENCES: &str = ", licences: {basic: {productId: Google-Apps, skuId: '1010020027'}, standard: {productId: Google-Apps, skuId: '1010020028'}}";
pub(crate) const ROLES: &str = "  roles: [basic, standard]\n";

pub(crate) fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str())
}

pub(crate) fn user(id: &str, email: &str) -> Value {
    json!({
        "kind": "admin#directory#user", "id": id, "primaryEmail": email, "customerId": "C0123abc",
        "name": {"givenName": "User", "familyName": id, "fullName": format!("User {id}")},
        "isAdmin": false, "suspended": false, "archived": false, "orgUnitPath": "/",
        "lastLoginTime": "2026-11-20T08:12:33.000Z"
    })
}

pub(crate) fn google_error(status: u16, reason: &str, message: &str, st: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "code": status, "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": st
    }}))
}

/// One page of `GET {p}`: the first when `token` is `None`.
pub(crate) async fn page(s: &Setup, p: &str, token: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path(p)).and(bearer());
    let mock = match token {
        Some(t) => mock.and(query_param("pageToken", t)),
        None => mock.and(wiremock::matchers::query_param_is_missing("pageToken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&s.server).await;
}

pub(crate) async fn get_user(s: &Setup, key: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users/{key}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s.server)
        .await;
}

pub(crate) fn change(action: Action, id: Option<&str>) -> Change {
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
