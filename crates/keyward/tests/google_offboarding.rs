//! One Google Workspace leaver walked through time with `keyward plan` and
//! `keyward apply`, against a request-level stub of the Admin SDK
//! (Directory and Data Transfer APIs) and Google's OAuth token endpoint.
//! Hanako (E2) works to her last day, 2026-11-30; the app says
//! `offboarding: {suspend: onLastDay, transferTo: manager, deleteAfter: 30d}`
//! and her manager is Taro (E1). Jiro (E3) joins on 2026-11-27.
//!
//! Each run sees the Google state the earlier runs left behind (the stub is
//! re-staged between runs), and each run is judged by the requests that
//! reached Google, their bodies, what keyward reports and its exit code.
//! Two variations follow: a hand-over that failed on the last day, and a
//! rehire who leaves a second time.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;

use std::path::{Path, PathBuf};
use std::process::Output;

use keyward_testkit::org::{HR_CSV_HEADER, people_source_yaml};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("../../keyward-http/tests/data/test-only-rsa-key.pem");
const ACCESS_TOKEN: &str = "ya29.kw-CLI-ACCESS-TOKEN-51d0";
const ADMIN: &str = "it-admin@example.com";
const DIR: &str = "/admin/directory/v1";
const DT: &str = "/admin/datatransfer/v1";

const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,営業本部,部長,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,営業本部,,正社員,在籍,2019/04/01,2026/11/30,E1\n\
E3,佐藤,次郎,jiro@example.com,営業本部,営業,正社員,在籍,2026/11/27,,E1\n";

/// The transfer keyward requests: every Drive file and the calendars.
fn transfer_body() -> Value {
    json!({
        "oldOwnerUserId": "u-hanako",
        "newOwnerUserId": "u-taro",
        "applicationDataTransfers": [
            {"applicationId": "55656082996",
             "applicationTransferParams": [{"key": "PRIVACY_LEVEL", "value": ["PRIVATE", "SHARED"]}]},
            {"applicationId": "435070579839",
             "applicationTransferParams": [{"key": "RELEASE_RESOURCES", "value": ["TRUE"]}]}
        ]
    })
}

fn user(id: &str, email: &str, employee: Option<&str>, last_login: &str) -> Value {
    let mut u = json!({
        "kind": "admin#directory#user", "id": id, "primaryEmail": email, "customerId": "C0123abc",
        "name": {"givenName": "User", "familyName": id, "fullName": format!("User {id}")},
        "isAdmin": false, "suspended": false, "archived": false, "orgUnitPath": "/Staff",
        "lastLoginTime": last_login
    });
    if let Some(e) = employee {
        u["externalIds"] = json!([{"type": "organization", "value": e}]);
    }
    u
}

fn admin() -> Value {
    let mut u = user("u-admin", ADMIN, None, "2026-11-26T07:00:00.000Z");
    u["isAdmin"] = json!(true);
    u
}

fn taro() -> Value {
    user("u-taro", "taro@example.com", Some("E1"), "2026-11-26T08:30:00.000Z")
}

/// Hanako as Google has her; she last signed in on the morning of her last day.
fn hanako(suspended: bool) -> Value {
    let mut u = user("u-hanako", "hanako@example.com", Some("E2"), "2026-11-30T08:55:00.000Z");
    u["suspended"] = json!(suspended);
    u
}

fn jiro() -> Value {
    user("u-jiro", "jiro@example.com", Some("E3"), "1970-01-01T00:00:00.000Z")
}

fn hand_over(status: &str) -> Value {
    json!({
        "kind": "admin#datatransfer#DataTransfer", "id": "t-1",
        "oldOwnerUserId": "u-hanako", "newOwnerUserId": "u-taro",
        "overallTransferStatusCode": status, "requestTime": "2026-11-30T18:00:07.000Z",
        "applicationDataTransfers": [{"applicationId": "55656082996"}, {"applicationId": "435070579839"}]
    })
}

struct Org {
    dir: tempfile::TempDir,
    server: MockServer,
}

impl Org {
    async fn new() -> Self {
        Self::with_hr(HR_ROWS).await
    }

    /// The org with these HR rows after the header.
    async fn with_hr(rows: &str) -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let uri = server.uri();
        let key = json!({
            "type": "service_account",
            "project_id": "example-project",
            "private_key_id": "test-key-1",
            "private_key": PRIVATE_KEY,
            "client_email": "keyward@example-project.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": format!("{uri}/token"),
        });
        std::fs::write(dir.path().join("key.json"), key.to_string()).unwrap();
        std::fs::write(dir.path().join("hr.csv"), format!("{HR_CSV_HEADER}{rows}")).unwrap();
        std::fs::write(dir.path().join("people.yaml"), people_source_yaml("hr.csv")).unwrap();
        let app = format!(
            "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: workspace}}
spec:
  connector:
    googleWorkspace:
      serviceAccountKey: {{file: key.json}}
      subject: {ADMIN}
      directoryUrl: \"{uri}{DIR}\"
      licensingUrl: \"{uri}/apps/licensing/v1\"
      dataTransferUrl: \"{uri}{DT}\"
      orgUnitPath: /Staff
      nameOrder: familyFirst
  correlate: [{{email: {{}}}}]
  protect: [{{email: '^it-admin@', reason: the administrator keyward acts as}}]
  lifecycle:
    offboarding: {{suspend: onLastDay, transferTo: manager, deleteAfter: 30d}}
  apply:
    requestsPerSecond: 1000
    guard: {{maxDeprovision: 10, maxDeprovisionPercent: 100}}
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: everyone}}
spec:
  select: {{}}
  grant: [{{app: workspace}}]
"
        );
        std::fs::write(dir.path().join("workspace.yaml"), app).unwrap();
        Self { dir, server }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn audit_log(&self) -> PathBuf {
        self.path().join("state/audit.jsonl")
    }

    /// Google as the earlier runs left it: these users, and these Data
    /// Transfers of Hanako's data. Every write is answered as Google does;
    /// which ones keyward sends is what the test looks at.
    async fn stage(&self, users: &[Value], transfers: &[Value]) {
        let s = &self.server;
        s.reset().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
            )
            .mount(s)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{DIR}/users")))
            .and(query_param("customer", "my_customer"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"kind": "admin#directory#users", "users": users})),
            )
            .mount(s)
            .await;
        for u in users {
            let id = u["id"].as_str().unwrap();
            Mock::given(method("GET"))
                .and(path(format!("{DIR}/users/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(u))
                .mount(s)
                .await;
        }
        Mock::given(method("GET"))
            .and(path(format!("{DIR}/users/u-hanako")))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {
                "code": 404, "message": "Resource Not Found: userKey",
                "errors": [{"message": "Resource Not Found: userKey", "domain": "global", "reason": "notFound"}],
                "status": "NOT_FOUND"
            }})))
            .with_priority(10)
            .mount(s)
            .await;
        // Read for the listing (the whole customer) and before a change
        // (the one user); all of these are Hanako's.
        for (key, value) in [("customerId", "C0123abc"), ("oldOwnerUserId", "u-hanako")] {
            Mock::given(method("GET"))
                .and(path(format!("{DT}/transfers")))
                .and(query_param(key, value))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(
                        json!({"kind": "admin#datatransfer#dataTransfersList", "dataTransfers": transfers}),
                    ),
                )
                .mount(s)
                .await;
        }
        Mock::given(method("POST"))
            .and(path(format!("{DIR}/users")))
            .respond_with(ResponseTemplate::new(200).set_body_json(jiro()))
            .mount(s)
            .await;
        Mock::given(method("PUT"))
            .and(path_regex(format!("^{DIR}/users/[^/]+$")))
            .respond_with(ResponseTemplate::new(200).set_body_json(hanako(true)))
            .mount(s)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("{DT}/transfers")))
            .respond_with(ResponseTemplate::new(200).set_body_json(hand_over("new")))
            .mount(s)
            .await;
        Mock::given(method("DELETE"))
            .and(path_regex(format!("^{DIR}/users/[^/]+$")))
            .respond_with(ResponseTemplate::new(204))
            .mount(s)
            .await;
    }

    /// Every request that would change something in Google, in the order
    /// they arrived (the token requests aside).
    async fn writes(&self) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap();
        all.into_iter().filter(|r| r.method.as_str() != "GET" && r.url.path() != "/token").collect()
    }

    async fn keyward(&self, args: &[&str]) -> Output {
        binary::keyward_in(self.path(), args).await
    }

    async fn apply(&self, at: &str) -> Output {
        let audit = self.audit_log();
        self.keyward(&["apply", "-f", ".", "--at", at, "--auto-approve", "--audit-log", audit.to_str().unwrap()]).await
    }

    async fn plan_json(&self, at: &str) -> Value {
        let out = self.keyward(&["plan", "-f", ".", "--at", at, "--format", "json"]).await;
        assert!(out.status.success(), "plan failed: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `plan --detailed-exitcode` for a day keyward should leave alone.
    async fn assert_nothing_planned(&self, at: &str) {
        let out = self.keyward(&["plan", "-f", ".", "--at", at, "--detailed-exitcode"]).await;
        assert_eq!(out.status.code(), Some(0), "on {at}: {}", text(&out));
        assert!(self.writes().await.is_empty(), "a plan changed something");
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn line(r: &Request) -> String {
    format!("{} {}", r.method, r.url.path())
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaver_works_to_the_last_day_hands_over_and_is_deleted_only_after_the_transfer_completes() {
    let org = Org::new().await;

    // 2026-11-27, before Hanako's last day: the joiner gets his account,
    // Hanako keeps hers untouched.
    org.stage(&[admin(), taro(), hanako(false)], &[]).await;
    let plan = org.plan_json("2026-11-27").await;
    let changes = plan["changes"].as_array().unwrap();
    let summary: Vec<(&str, &str)> =
        changes.iter().map(|c| (c["action"].as_str().unwrap(), c["account"]["email"].as_str().unwrap())).collect();
    assert_eq!(summary, [("create", "jiro@example.com")], "{plan:#}");
    let out = org.apply("2026-11-27").await;
    assert!(out.status.success(), "{}", text(&out));
    let writes = org.writes().await;
    assert_eq!(writes.iter().map(line).collect::<Vec<_>>(), [format!("POST {DIR}/users")], "{}", text(&out));
    let mut created = body(&writes[0]);
    let password = created.as_object_mut().unwrap().remove("password").unwrap();
    assert!(password.as_str().is_some_and(|p| p.len() >= 8), "an initial password is set");
    assert_eq!(
        created,
        json!({
            "primaryEmail": "jiro@example.com",
            "name": {"givenName": "次郎", "familyName": "佐藤"},
            "changePasswordAtNextLogin": true,
            "orgUnitPath": "/Staff",
            "externalIds": [{"type": "organization", "value": "E3"}],
            "organizations": [{"primary": true, "department": "営業本部", "title": "営業"}]
        })
    );
    assert!(!text(&out).contains(password.as_str().unwrap()), "the password is never shown");

    // The day before the last day: she still works, nothing is planned.
    org.stage(&[admin(), taro(), hanako(false), jiro()], &[]).await;
    org.assert_nothing_planned("2026-11-29").await;

    // The last working day: suspended, and her data handed to her manager.
    let out = org.apply("2026-11-30").await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 applied"), "{}", text(&out));
    let writes = org.writes().await;
    assert_eq!(
        writes.iter().map(line).collect::<Vec<_>>(),
        [format!("PUT {DIR}/users/u-hanako"), format!("POST {DT}/transfers")],
        "suspended first, then the hand-over"
    );
    assert_eq!(body(&writes[0]), json!({"suspended": true}));
    assert_eq!(body(&writes[1]), transfer_body(), "both Directory ids, all of Drive, the calendars");

    // Suspended and handed over: nothing until the retention ends.
    org.stage(&[admin(), taro(), hanako(true), jiro()], &[hand_over("inProgress")]).await;
    org.assert_nothing_planned("2026-12-15").await;
    org.assert_nothing_planned("2026-12-29").await;

    // 2026-12-30, the retention is over but Google is still moving her
    // files: the delete is refused and reported, and nothing is deleted.
    let plan = org.plan_json("2026-12-30").await;
    let planned: Vec<&str> =
        plan["changes"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(planned, ["transfer", "delete"], "{plan:#}");
    let out = org.apply("2026-12-30").await;
    assert_eq!(out.status.code(), Some(3), "some change failed: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("failed: workspace delete hanako@example.com (id u-hanako)"), "{}", text(&out));
    assert!(stdout.contains("Data Transfer t-1") && stdout.contains("still inProgress"), "{}", text(&out));
    assert!(stdout.contains("0 applied, 1 already done, 1 failed"), "{}", text(&out));
    assert!(stdout.contains("Partly applied: fix the failures and apply again."), "{}", text(&out));
    assert!(org.writes().await.is_empty(), "no DELETE and no second transfer reached Google");

    // The transfer completed: the rerun deletes her.
    org.stage(&[admin(), taro(), hanako(true), jiro()], &[hand_over("completed")]).await;
    let out = org.apply("2026-12-30").await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 applied, 1 already done, 0 failed"), "{}", text(&out));
    let writes = org.writes().await;
    assert_eq!(writes.iter().map(line).collect::<Vec<_>>(), [format!("DELETE {DIR}/users/u-hanako")]);

    // Gone from Google: a further rerun has nothing to do.
    org.stage(&[admin(), taro(), jiro()], &[hand_over("completed")]).await;
    let out = org.apply("2026-12-30").await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to apply"), "{}", text(&out));
    assert!(org.writes().await.is_empty());

    // The audit log holds every change made, the refusal, and verifies.
    let audit = std::fs::read_to_string(org.audit_log()).unwrap();
    let records: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let of = |event: &str| -> Vec<(String, String)> {
        records
            .iter()
            .filter(|r| r["event"] == event)
            .map(|r| (r["action"].as_str().unwrap().to_owned(), r["account"].as_str().unwrap().to_owned()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>();
    assert_eq!(
        of("applied"),
        pairs(&[
            ("create", "jiro@example.com"),
            ("suspend", "hanako@example.com"),
            ("transfer", "hanako@example.com"),
            ("delete", "hanako@example.com"),
        ]),
        "{audit}"
    );
    assert_eq!(of("failed"), pairs(&[("delete", "hanako@example.com")]), "{audit}");
    let failed = records.iter().find(|r| r["event"] == "failed").unwrap();
    assert!(failed["error"].as_str().unwrap().contains("still inProgress"), "{failed:#}");
    assert_eq!(failed["person"], "E2");
    assert!(!audit.contains(ACCESS_TOKEN), "the access token never reaches the audit log");
    let out = org.keyward(&["audit", "verify", org.audit_log().to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
}

/// The hand-over fails on the last day, after the suspension went through
/// (here the admin keyward acts as may not transfer data). Before, nothing
/// asked for it again until the delete was due (and never with
/// `deleteAfter: never`); now the next run requests it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_over_that_failed_on_the_last_day_is_requested_again_the_next_day() {
    let org = Org::new().await;
    org.stage(&[admin(), taro(), hanako(false), jiro()], &[]).await;
    Mock::given(method("POST"))
        .and(path(format!("{DT}/transfers")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": 403, "message": "Not Authorized to access this resource/api",
            "errors": [{"message": "Not Authorized to access this resource/api", "domain": "global", "reason": "forbidden"}],
            "status": "PERMISSION_DENIED"
        }})))
        .with_priority(1)
        .mount(&org.server)
        .await;
    let out = org.apply("2026-11-30").await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("failed: workspace transfer hanako@example.com"), "{}", text(&out));
    assert!(stdout.contains("Not Authorized"), "Google's words are shown: {}", text(&out));
    let writes = org.writes().await;
    assert_eq!(
        writes.iter().map(line).collect::<Vec<_>>(),
        [format!("PUT {DIR}/users/u-hanako"), format!("POST {DT}/transfers")]
    );

    // The next day she is suspended and Google holds no transfer of hers.
    org.stage(&[admin(), taro(), hanako(true), jiro()], &[]).await;
    let plan = org.plan_json("2026-12-01").await;
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{plan:#}");
    assert_eq!(
        (changes[0]["action"].as_str(), changes[0]["account"]["id"].as_str()),
        (Some("transfer"), Some("u-hanako"))
    );
    assert_eq!(changes[0]["transferTo"]["id"], "u-taro", "{plan:#}");
    assert!(changes[0]["reason"].as_str().unwrap().contains("no hand-over since the suspension"), "{plan:#}");
    let listing = org.server.received_requests().await.unwrap();
    let read =
        listing.iter().find(|r| r.url.path() == format!("{DT}/transfers")).expect("the listing reads the transfers");
    let query: Vec<(String, String)> = read.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    assert!(query.contains(&("customerId".to_owned(), "C0123abc".to_owned())), "{query:?}");

    let out = org.apply("2026-12-01").await;
    assert!(out.status.success(), "{}", text(&out));
    let writes = org.writes().await;
    assert_eq!(writes.iter().map(line).collect::<Vec<_>>(), [format!("POST {DT}/transfers")], "no second suspend");
    assert_eq!(body(&writes[0]), transfer_body());

    // Requested: nothing more to do until the retention ends.
    org.stage(&[admin(), taro(), hanako(true), jiro()], &[hand_over("inProgress")]).await;
    org.assert_nothing_planned("2026-12-02").await;
}

/// Hanako left once before, on 2025-03-31 (her data went to Taro then, and
/// her account stayed suspended), was rehired on 2026-04-01 and restored,
/// and now leaves again on 2026-11-30. The completed transfer of 2025 holds
/// nothing she made since, so she gets a second hand-over to the same
/// manager, and the delete waits for that one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rehire_leaving_again_gets_a_second_hand_over_before_the_delete() {
    let rows = HR_ROWS.replace("2019/04/01,2026/11/30", "2026/04/01,2026/11/30");
    let org = Org::with_hr(&rows).await;
    let first = json!({
        "kind": "admin#datatransfer#DataTransfer", "id": "t-2025",
        "oldOwnerUserId": "u-hanako", "newOwnerUserId": "u-taro",
        "overallTransferStatusCode": "completed", "requestTime": "2025-03-31T18:00:00.000Z"
    });

    // Her second last day: suspended, and handed over again.
    org.stage(&[admin(), taro(), hanako(false), jiro()], std::slice::from_ref(&first)).await;
    let out = org.apply("2026-11-30").await;
    assert!(out.status.success(), "{}", text(&out));
    let writes = org.writes().await;
    assert_eq!(
        writes.iter().map(line).collect::<Vec<_>>(),
        [format!("PUT {DIR}/users/u-hanako"), format!("POST {DT}/transfers")],
        "the 2025 transfer is not this hand-over: {}",
        text(&out)
    );
    assert_eq!(body(&writes[1]), transfer_body());
    let audit = std::fs::read_to_string(org.audit_log()).unwrap();
    let transfer = audit
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["event"] == "applied" && r["action"] == "transfer")
        .expect("the hand-over is in the audit log");
    assert!(
        transfer["detail"].as_str().unwrap().contains("t-2025"),
        "says why the old one did not count: {transfer:#}"
    );

    // Retention over, the new transfer still running: the old completed
    // one does not let the delete through.
    org.stage(&[admin(), taro(), hanako(true), jiro()], &[first.clone(), hand_over("inProgress")]).await;
    let out = org.apply("2026-12-30").await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("still inProgress"), "{}", text(&out));
    assert!(org.writes().await.is_empty(), "nothing deleted, nothing requested twice");

    org.stage(&[admin(), taro(), hanako(true), jiro()], &[first, hand_over("completed")]).await;
    let out = org.apply("2026-12-30").await;
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(org.writes().await.iter().map(line).collect::<Vec<_>>(), [format!("DELETE {DIR}/users/u-hanako")]);
}
