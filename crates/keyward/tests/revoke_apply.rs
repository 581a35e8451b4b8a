//! A leaver's revocation end to end, through the binary, against a
//! request-level stub of Okta's management API: `keyward plan` shows the
//! revocation before the suspension, `keyward apply` makes it once (before
//! the suspension) and writes it to the audit log, a second apply against
//! the state the first left plans and sends nothing, a transient failure is
//! retried, and a refused revocation is reported like any failed change
//! while the suspension still goes ahead.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;

use std::path::Path;
use std::process::Output;

use keyward_testkit::org::{HR_CSV_HEADER, people_source_yaml};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "00kwE2E-okta-token-91fe";
const AT: &str = "2026-12-06";

/// Taro stays; Hanako's last working day was 2026-11-30.
const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,情報システム部,部長,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,営業本部,,正社員,在籍,2019/04/01,2026/11/30,E1\n";

const POLICY: &str = "apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: everyone}
spec:
  select: {}
  grant: [{app: okta}]
";

struct Org {
    dir: tempfile::TempDir,
    server: MockServer,
}

fn user(id: &str, login: &str, status: &str) -> Value {
    json!({"id": id, "status": status, "created": "2025-04-01T00:00:00.000Z",
           "lastLogin": "2026-11-27T09:15:00.000Z", "lastUpdated": "2026-11-27T09:15:00.000Z",
           "profile": {"firstName": "User", "lastName": id, "login": login, "email": login}})
}

impl Org {
    async fn new() -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let app = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: okta}}\nspec:\n  connector:\n    okta: {{orgUrl: \"{}\", token: {{file: okta-token.txt}}}}\n  lifecycle:\n    offboarding: {{revoke: {{}}}}\n  apply: {{requestsPerSecond: 1000}}\n",
            server.uri()
        );
        let hr = format!("{HR_CSV_HEADER}{HR_ROWS}");
        for (name, text) in [
            ("okta.yaml", app.as_str()),
            ("okta-token.txt", TOKEN),
            ("hr.csv", hr.as_str()),
            ("people.yaml", people_source_yaml("hr.csv").as_str()),
            ("policies.yaml", POLICY),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Self { dir, server }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Okta with Hanako in `status`; `sessions` answers the session
    /// revocation; every other write succeeds.
    async fn stage(&self, hanako: &str, sessions: ResponseTemplate) {
        let s = &self.server;
        s.reset().await;
        let users = json!([user("00u1", "taro@example.com", "ACTIVE"), user("00u2", "hanako@example.com", hanako)]);
        let none = json!([]);
        Mock::given(method("GET"))
            .and(path("/api/v1/users"))
            .and(query_param("filter", r#"status eq "DEPROVISIONED""#))
            .respond_with(ResponseTemplate::new(200).set_body_json(&none))
            .with_priority(1)
            .mount(s)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/users"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&users))
            .mount(s)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/groups"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&none))
            .mount(s)
            .await;
        Mock::given(method("DELETE")).and(path("/api/v1/users/00u2/sessions")).respond_with(sessions).mount(s).await;
        Mock::given(method("DELETE"))
            .and(path("/api/v1/users/00u2/grants"))
            .respond_with(ResponseTemplate::new(204))
            .mount(s)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/v1/users/00u2/lifecycle/suspend"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(s)
            .await;
    }

    async fn writes(&self) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap();
        all.into_iter().filter(|r| r.method.as_str() != "GET").collect()
    }

    async fn keyward(&self, args: &[&str]) -> Output {
        binary::keyward_in(self.path(), args).await
    }

    async fn plan_json(&self) -> Value {
        let out = self.keyward(&["plan", "-f", ".", "--at", AT, "--format", "json"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    async fn apply(&self) -> Output {
        self.keyward(&["apply", "-f", ".", "--at", AT, "--auto-approve", "--audit-log", "audit.jsonl"]).await
    }
}

fn actions(plan: &Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap().to_owned(), c["account"]["email"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn writes_of(reqs: &[Request]) -> Vec<String> {
    reqs.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect()
}

#[tokio::test]
async fn a_leaver_is_revoked_once_before_the_suspension_and_a_second_apply_plans_none() {
    let org = Org::new().await;
    org.stage("ACTIVE", ResponseTemplate::new(204)).await;
    let plan = org.plan_json().await;
    assert_eq!(
        actions(&plan),
        vec![("revoke".into(), "hanako@example.com".into()), ("suspend".into(), "hanako@example.com".into())]
    );
    assert_eq!(plan["summary"]["revoke"], 1);
    assert_eq!(plan["changes"][0]["revoke"], json!(["sessions", "oauthTokens"]));

    let out = org.apply().await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("2 applied"), "{stdout}");
    assert_eq!(
        writes_of(&org.writes().await),
        vec![
            "DELETE /api/v1/users/00u2/sessions",
            "DELETE /api/v1/users/00u2/grants",
            "POST /api/v1/users/00u2/lifecycle/suspend"
        ]
    );
    let audit = std::fs::read_to_string(org.path().join("audit.jsonl")).unwrap();
    assert!(audit.lines().any(|l| l.contains(r#""event":"applied""#) && l.contains(r#""action":"revoke""#)), "{audit}");

    // Okta now shows Hanako suspended: nothing is left to plan or send.
    org.stage("SUSPENDED", ResponseTemplate::new(204)).await;
    assert_eq!(actions(&org.plan_json().await), vec![]);
    let out = org.apply().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(org.writes().await.is_empty());
}

#[tokio::test]
async fn a_transient_failure_is_retried_and_the_revocation_made() {
    let org = Org::new().await;
    org.stage("ACTIVE", ResponseTemplate::new(204)).await;
    // Two 503s first (the mock mounted last wins while it lasts).
    Mock::given(method("DELETE"))
        .and(path("/api/v1/users/00u2/sessions"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&org.server)
        .await;
    let out = org.apply().await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let sessions = org.writes().await.iter().filter(|r| r.url.path().ends_with("/sessions")).count();
    assert_eq!(sessions, 3, "two 503s and the call that worked");
}

#[tokio::test]
async fn a_refused_revocation_is_reported_and_the_suspension_still_made() {
    let org = Org::new().await;
    let refused = ResponseTemplate::new(403).set_body_json(json!({
        "errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action",
        "errorLink": "E0000006", "errorId": "oae1", "errorCauses": []}));
    org.stage("ACTIVE", refused).await;
    let out = org.apply().await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "partly applied: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("failed: okta revoke hanako@example.com"), "{stdout}");
    assert!(stdout.contains("E0000006"), "{stdout}");
    assert!(!stdout.contains(TOKEN));
    assert!(writes_of(&org.writes().await).contains(&"POST /api/v1/users/00u2/lifecycle/suspend".to_owned()));
    let audit = std::fs::read_to_string(org.path().join("audit.jsonl")).unwrap();
    assert!(audit.lines().any(|l| l.contains(r#""event":"failed""#) && l.contains(r#""action":"revoke""#)), "{audit}");
}
