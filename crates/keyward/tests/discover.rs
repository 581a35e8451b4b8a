//! `keyward discover` end to end, through the binary, on a stubbed Google
//! Workspace and Microsoft 365 tenant (request-level stubs shaped as the
//! vendors document: Google's users listing and batch of per-user token
//! calls, Graph's organization, service principals, users, delegated
//! grants, and the sign-in log's 403 for a tenant without Entra ID P1/P2):
//! every third-party app with its users, the undeclared ones flagged, the
//! leaver still holding a grant, stubs printed and written (and loadable),
//! the report's section, and the leaver's "still open" in `explain`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;

use std::path::Path;
use std::process::Output;

use keyward_testkit::google_batch::{BatchStub, Hostile, tokens};
use keyward_testkit::org::{HR_CSV_HEADER, people_source_yaml};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("../../keyward-http/tests/data/test-only-rsa-key.pem");
const TENANT: &str = "example.onmicrosoft.com";
const TENANT_ID: &str = "0a1b2c3d-0000-4000-8000-00000000a11c";
const MICROSOFT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const AT: &str = "2026-12-06";

/// Taro and Jiro work here; Hanako's last working day was 2026-11-30.
const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,営業本部,,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,営業本部,,正社員,在籍,2019/04/01,2026/11/30,E1\n\
E3,佐藤,次郎,jiro@example.com,開発本部,,契約社員,在籍,2024/04/01,,E1\n";

struct Org {
    dir: tempfile::TempDir,
    server: MockServer,
}

fn sp(id: &str, app_id: &str, name: &str, owner: &str) -> Value {
    json!({"id": id, "appId": app_id, "displayName": name, "appOwnerOrganizationId": owner,
           "publisherName": format!("{name} Inc."), "verifiedPublisher": {"displayName": null}, "homepage": null})
}

fn grant(id: &str, client: &str, principal: &str, scope: &str) -> Value {
    json!({"id": id, "clientId": client, "consentType": "Principal", "principalId": principal,
           "resourceId": "sp-graph", "scope": scope})
}

impl Org {
    async fn new() -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let uri = server.uri();
        let key = json!({"type": "service_account", "project_id": "example-project", "private_key_id": "k1",
                         "private_key": PRIVATE_KEY, "client_email": "keyward@example-project.iam.gserviceaccount.com",
                         "client_id": "1", "token_uri": format!("{uri}/token")});
        let apps = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: google}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{file: key.json}}, subject: it-admin@example.com, directoryUrl: \"{uri}/admin/directory/v1\"}}\n---\n\
apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: entra}}\nspec:\n  connector:\n    microsoftGraph: {{tenant: {TENANT}, clientId: cid, clientSecret: {{file: graph-secret.txt}}, graphUrl: \"{uri}/v1.0\", authorityUrl: \"{uri}\"}}\n---\n\
apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: chat}}\nspec:\n  displayName: Slack\n  connector:\n    csvExport: {{path: chat.csv, columns: {{email: email}}}}\n"
        );
        let hr = format!("{HR_CSV_HEADER}{HR_ROWS}");
        for (name, text) in [
            ("apps.yaml", apps.as_str()),
            ("key.json", key.to_string().as_str()),
            ("graph-secret.txt", "kw-e2e-graph-secret"),
            ("chat.csv", "email\ntaro@example.com\n"),
            (
                "../chat-only.yaml",
                "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: chat}\nspec:\n  displayName: Slack\n  connector:\n    csvExport: {path: policies/chat.csv, columns: {email: email}}\n",
            ),
            ("hr.csv", hr.as_str()),
            ("people.yaml", people_source_yaml("hr.csv").as_str()),
        ] {
            std::fs::create_dir_all(dir.path().join("policies")).unwrap();
            std::fs::write(dir.path().join("policies").join(name), text).unwrap();
        }
        let org = Self { dir, server };
        org.google().await;
        org.graph().await;
        org
    }

    /// Google: Taro granted Miro, Hanako (who left) still holds Zoom.
    async fn google(&self) {
        let s = &self.server;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "ya29.kw-e2e", "expires_in": 3599, "token_type": "Bearer"})))
            .mount(s)
            .await;
        Mock::given(method("GET"))
            .and(path("/admin/directory/v1/users"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [
                {"id": "g1", "primaryEmail": "taro@example.com", "suspended": false},
                {"id": "g2", "primaryEmail": "hanako@example.com", "suspended": true}]})))
            .mount(s)
            .await;
        BatchStub::new(Hostile::No)
            .answer("/admin/directory/v1/users/g1/tokens", 200, tokens(&[("miro-client", "Miro")]))
            .answer("/admin/directory/v1/users/g2/tokens", 200, tokens(&[("zoom-client", "Zoom")]))
            .mount_on(s, any())
            .await;
    }

    /// Microsoft: Jiro granted Slack, Hanako Zoom; Teams is Microsoft's own;
    /// no P1/P2 licence for sign-in records.
    async fn graph(&self) {
        let s = &self.server;
        let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
        Mock::given(method("POST"))
            .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
            .respond_with(ok(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "kw-e2e-graph"})))
            .mount(s)
            .await;
        for (p, body) in [
            ("/v1.0/organization", json!({"value": [{"id": TENANT_ID}]})),
            // For `explain`, which lists the tenant's accounts too.
            ("/v1.0/groups", json!({"value": []})),
            (
                "/v1.0/servicePrincipals",
                json!({"value": [sp("sp-zoom", "app-zoom", "Zoom", "5a5a5a5a-0000-4000-8000-00000000200a"),
                                 sp("sp-slack", "app-slack", "Slack", "6b6b6b6b-0000-4000-8000-00000000300b"),
                                 sp("sp-teams", "app-teams", "Microsoft Teams", MICROSOFT)]}),
            ),
            (
                "/v1.0/users",
                json!({"value": [{"id": "m2", "userPrincipalName": "hanako@example.com", "mail": "hanako@example.com"},
                                 {"id": "m3", "userPrincipalName": "jiro@example.com", "mail": null}]}),
            ),
            (
                "/v1.0/oauth2PermissionGrants",
                json!({"value": [grant("gr-1", "sp-zoom", "m2", "User.Read offline_access"),
                                 grant("gr-2", "sp-slack", "m3", "User.Read"),
                                 grant("gr-3", "sp-teams", "m3", "User.Read")]}),
            ),
        ] {
            Mock::given(method("GET")).and(path(p)).respond_with(ok(body)).mount(s).await;
        }
        Mock::given(method("GET"))
            .and(path("/v1.0/auditLogs/signIns"))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
                "code": "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                "message": "Neither tenant is B2C or tenant doesn't have premium license",
                "innerError": {"date": "2026-12-06T09:00:00", "request-id": "r1", "client-request-id": "c1"}}})))
            .mount(s)
            .await;
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    async fn keyward(&self, args: &[&str]) -> Output {
        let out = binary::keyward_in(self.path(), args).await;
        assert!(
            out.status.success(),
            "keyward {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn app<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["apps"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("{name}"))
}

#[tokio::test]
async fn discover_lists_every_third_party_app_flags_the_undeclared_and_the_leavers_and_prints_stubs() {
    let org = Org::new().await;
    let out = org.keyward(&["discover", "-f", "policies", "--at", AT, "--format", "json", "-o", "summary.json"]).await;
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary,
        serde_json::from_str::<Value>(&std::fs::read_to_string(org.path().join("summary.json")).unwrap()).unwrap()
    );

    let names: Vec<&str> = summary["apps"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"Microsoft Teams"), "Microsoft's own apps are not third party: {names:?}");
    assert_eq!(names.len(), 3, "{names:?}");
    // Zoom: reported by both directories, one app; Hanako left and still holds it.
    let zoom = app(&summary, "Zoom");
    assert_eq!(zoom["people"], 1);
    assert!(zoom["coveredBy"].is_null(), "{zoom}");
    assert_eq!(zoom["catalogue"], "zoom");
    let holders = zoom["holders"].as_array().unwrap();
    assert!(holders.iter().any(|h| h["personId"] == "E2" && h["lastDay"] == "2026-11-30"), "{zoom}");
    assert!(holders.iter().all(|h| h["personId"] == "E2"), "only the leaver is listed: {zoom}");
    // Miro: undeclared, nothing in the catalogue.
    let miro = app(&summary, "Miro");
    assert!(miro["coveredBy"].is_null() && miro["catalogue"].is_null(), "{miro}");
    // Slack: covered by the csvExport Application whose displayName is Slack.
    assert_eq!(app(&summary, "Slack")["coveredBy"], "chat");
    let notes = summary.to_string();
    assert!(notes.contains("P1 or P2"), "the missing licence is a note, not an error: {notes}");

    // Text: the undeclared first, flagged.
    let out = org.keyward(&["discover", "-f", "policies", "--at", AT]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Zoom") && text.contains("undeclared"), "{text}");

    // A stub for Zoom starts from the catalogue's definition; --stubs writes them all.
    let out = org.keyward(&["discover", "-f", "policies", "--at", AT, "--stub", "zoom"]).await;
    let stub = String::from_utf8_lossy(&out.stdout);
    assert!(stub.contains("kind: Application") && stub.contains("discoveredAs"), "{stub}");
    org.keyward(&["discover", "-f", "policies", "--at", AT, "--stubs", "stubs"]).await;
    let written: Vec<String> = std::fs::read_dir(org.path().join("stubs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), 2, "Zoom and Miro: {written:?}");
    // Every stub loads next to the policies (offline: no credential read),
    // once the skeleton's export is saved where it says.
    std::fs::create_dir_all(org.path().join("stubs/exports")).unwrap();
    std::fs::write(org.path().join("stubs/exports/miro.csv"), "email\ntaro@example.com\n").unwrap();
    org.keyward(&["validate", "-f", "policies/people.yaml", "-f", "stubs"]).await;

    // The report's section and the leaver's view.
    org.keyward(&[
        "report",
        "-f",
        "policies/people.yaml",
        "-f",
        "chat-only.yaml",
        "--at",
        AT,
        "-o",
        "r.html",
        "--discovery",
        "summary.json",
    ])
    .await;
    let html = std::fs::read_to_string(org.path().join("r.html")).unwrap();
    assert!(html.contains("Discovered apps") && html.contains("Zoom"), "the report's section");
    let out = org.keyward(&["explain", "E2", "-f", "policies", "--at", AT, "--discover"]).await;
    let explained = String::from_utf8_lossy(&out.stdout);
    assert!(explained.contains("Still open") && explained.contains("Zoom"), "{explained}");
}
