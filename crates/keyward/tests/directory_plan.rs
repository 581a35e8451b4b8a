//! `keyward plan` with a Microsoft Graph PeopleSource, against
//! request-level stubs of the token endpoint and `/users`: leavers come
//! from `employeeLeaveDateTime` (read in the policy's time zone) and from
//! disabled accounts, reasons quote Graph's property names, and a refusal
//! plans nothing and never shows the client secret.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "kw-CLI-GRAPH-SECRET-6e0b";
const DATE: &str = "2026-11-23";

const SLACK: &str = "username,email,status\n\
taro,taro@example.com,Member\n\
jiro,jiro@example.com,Member\n\
saburo,saburo@example.com,Member\n";

const APP: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  connector:
    csvExport:
      path: ../data/slack.csv
      columns: {username: username, email: email, status: status, role: status}
      statusValues: {active: [Member], suspended: [Deactivated]}
      roleValues: {Member: member}
  correlate: [{email: {}}]
  roles: [member]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: sales}
spec:
  select: {department: ['Sales/**']}
  grant: [{app: slack, role: member}]
";

struct Org {
    dir: tempfile::TempDir,
    server: MockServer,
}

impl Org {
    async fn new() -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let org = Self { dir, server };
        org.write("data/slack.csv", SLACK);
        org.write(
            "policies/people.yaml",
            &format!(
                "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {{name: entra}}
spec:
  microsoftGraph:
    tenant: example.onmicrosoft.com
    clientId: 11111111-2222-3333-4444-555555555555
    clientSecret: {{env: GRAPH_CLIENT_SECRET}}
    graphUrl: {0}/v1.0
    authorityUrl: {0}
    timeZone: Asia/Tokyo
",
                org.server.uri()
            ),
        );
        org.write("policies/slack.yaml", APP);
        Mock::given(method("POST"))
            .and(path("/example.onmicrosoft.com/oauth2/v2.0/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "at-1", "expires_in": 3599})))
            .mount(&org.server)
            .await;
        org
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    async fn keyward(&self, args: &[&str]) -> Output {
        let mut cmd = tokio::process::Command::new(assert_cmd::cargo::cargo_bin!("keyward"));
        cmd.args(args).current_dir(self.path()).env("NO_COLOR", "1").env("GRAPH_CLIENT_SECRET", SECRET);
        cmd.output().await.unwrap()
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn user(name: &str, number: &str, extra: Value) -> Value {
    let mut u = json!({
        "id": format!("id-{name}"), "userPrincipalName": format!("{name}@example.com"), "mail": format!("{name}@example.com"),
        "displayName": name, "accountEnabled": true, "userType": "Member", "employeeId": number,
        "department": "Sales/Japan", "jobTitle": "AE", "employeeType": "Employee",
        "employeeHireDate": "2020-03-31T15:00:00Z",
    });
    u.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    u
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_suspends_the_leavers_graph_knows_of() {
    let org = Org::new().await;
    let users = vec![
        user("taro", "E1", json!({})),
        // 20 November in UTC, 21 November in Tokyo.
        user("jiro", "E2", json!({"employeeLeaveDateTime": "2026-11-20T16:00:00Z"})),
        user("saburo", "E3", json!({"accountEnabled": false})),
    ];
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": users})))
        .mount(&org.server)
        .await;
    let out = org.keyward(&["plan", "-f", "policies", "--at", DATE, "--format", "json", "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let suspend: Vec<&Value> =
        plan["changes"].as_array().unwrap().iter().filter(|c| c["action"] == "suspend").collect();
    let mut who: Vec<(&str, &str)> =
        suspend.iter().map(|c| (c["person"]["id"].as_str().unwrap(), c["reason"].as_str().unwrap())).collect();
    who.sort();
    assert_eq!(who.len(), 2, "{plan:#}");
    assert_eq!(who[0], ("E2", "last working day 2026-11-21 (employeeLeaveDateTime)"));
    assert_eq!(who[1].0, "E3", "a disabled account is a leaver");
    assert!(!text(&out).contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_plans_nothing_and_never_shows_the_secret() {
    let org = Org::new().await;
    let refused = json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}});
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .respond_with(ResponseTemplate::new(403).set_body_json(refused))
        .mount(&org.server)
        .await;
    let out = org.keyward(&["plan", "-f", "policies", "--at", DATE]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PeopleSource entra") && err.contains("User.Read.All"), "{err}");
    assert!(!text(&out).contains(SECRET), "{err}");
}
