//! Loading a catalogue definition as an admin would use it, pointed at a
//! stub server: the file's `baseUrl` and `tokenUrl` keep their paths but
//! go to the stub's origin, and each `env:` credential is read from a file
//! holding [`SECRET`] instead (tests cannot set environment variables
//! safely). The definition must load without errors or warnings.

use std::path::PathBuf;

use keyward_connectors::ClusterSecrets;
use keyward_connectors::rest::HttpApi;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, PersonRef, Profile, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use url::Url;
use wiremock::{MockServer, Request};

use crate::common::fast;

/// Every credential's value: distinctive, so its absence from an error
/// means something.
pub const SECRET: &str = "kw-CATALOGUE-secret-7f3a9c2e";

/// An RSA key made for tests only.
pub const TEST_KEY: &str = include_str!("../../../keyward-http/tests/data/test-only-rsa-key.pem");

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

pub struct App {
    pub server: MockServer,
    pub api: HttpApi,
    _dir: tempfile::TempDir,
}

impl App {
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }
}

/// The repository's `catalogue/` directory.
pub fn catalogue() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalogue")
}

/// `catalogue/{name}.yaml`, pointed at a new stub server.
pub async fn load(name: &str) -> App {
    let server = MockServer::start().await;
    let text = std::fs::read_to_string(catalogue().join(format!("{name}.yaml"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut line = line.to_owned();
        for key in ["baseUrl:", "tokenUrl:"] {
            if let Some(at) = line.find(key) {
                let written = line[at + key.len()..].trim().trim_matches('"');
                let url = Url::parse(written).unwrap();
                let moved = format!("{}{}", server.uri(), url.path().trim_end_matches('/'));
                line = format!("{}{key} \"{moved}\"", &line[..at]);
            }
        }
        if let Some(at) = line.find("{env: ") {
            let end = line[at..].find('}').unwrap() + at;
            let var = &line[at + 6..end];
            // A private key must be one; every other credential is SECRET.
            let value = if var.ends_with("_PRIVATE_KEY") { TEST_KEY } else { SECRET };
            std::fs::write(dir.path().join(var), value).unwrap();
            line = format!("{}{{file: {var}}}{}", &line[..at], &line[end + 1..]);
        }
        out.push_str(&line);
        out.push('\n');
    }
    let file = SourceFile {
        path: dir.path().join(format!("{name}.yaml")).display().to_string(),
        text: format!("{PEOPLE}{out}"),
    };
    let loaded =
        PolicySet::load("test", vec![file]).unwrap_or_else(|d| panic!("catalogue/{name}.yaml does not load: {d:?}"));
    assert!(loaded.warnings.is_empty(), "catalogue/{name}.yaml loads with warnings: {:?}", loaded.warnings);
    let set = loaded.set;
    let app = &set.applications[0];
    let spec = app.spec.connector.http.as_ref().unwrap();
    let api =
        HttpApi::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable()).unwrap().with_retry(fast());
    App { server, api, _dir: dir }
}

/// A change of `action` to the account `id` with e-mail `email`.
pub fn change(action: Action, id: Option<&str>, email: &str) -> Change {
    let account = AccountRef { id: id.map(Into::into), email: Some(email.into()), ..Default::default() };
    let mut c = Change::new("app", action, account, "test");
    c.person =
        Some(PersonRef {
            id: "E100".into(), email: Some(email.into()), name: Some("山田 \"太郎\" \\ Yamada".into())
        });
    if action == Action::Create {
        c.profile = Some(Box::new(Profile { department: Some("情報システム部".into()), ..Default::default() }));
    }
    c
}

/// `change` with a role change to `role`.
pub fn with_role(mut c: Change, role: &str) -> Change {
    c.role = Some(Box::new(RoleChange { from: None, to: role.to_owned() }));
    c
}

/// The JSON body of a request.
pub fn body(r: &Request) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// `e` as text, checked not to hold the credential.
pub fn shown(e: &keyward_connectors::ConnectorError) -> String {
    let text = e.to_string();
    assert!(!text.contains(SECRET), "the credential leaked: {text}");
    text
}
