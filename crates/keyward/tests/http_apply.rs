//! An app added by writing one YAML document: the catalogue's Zendesk
//! definition, copied into an organisation's policy directory as an admin
//! would, pointed at a request-level stub of the Zendesk users API. `keyward
//! plan` shows the joiner, the leaver and the mover; `keyward apply` sends
//! one request each, writes them to the audit log, and a rerun against the
//! state it left sends nothing. The mass-deprovisioning guard holds for
//! this app as for every other.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;

use std::path::{Path, PathBuf};
use std::process::Output;

use keyward_testkit::org::{HR_CSV_HEADER, people_source_yaml};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "zd-kw-E2E-token-0c41";

/// Taro is in 情報システム部 (admin), Hanako left on 2026-11-30, Jiro
/// (with a quote and a backslash in his name) joins on 2026-11-27.
const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,情報システム部,部長,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,営業本部,,正社員,在籍,2019/04/01,2026/11/30,E1\n\
E3,\"佐\\藤\",\"次\"\"郎\",jiro@example.com,営業本部,営業,正社員,在籍,2026/11/27,,E1\n";

const POLICY: &str = "apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: support}
spec:
  select: {}
  grant: [{app: zendesk, role: agent}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: it-admins}
spec:
  select: {department: [情報システム部]}
  grant: [{app: zendesk, role: admin}]
";

struct Org {
    dir: tempfile::TempDir,
    server: MockServer,
}

fn zendesk_user(id: u64, email: &str, role: &str, suspended: bool) -> Value {
    json!({"id": id, "email": email, "name": format!("User {id}"), "role": role, "suspended": suspended,
           "active": true, "external_id": null, "last_login_at": "2026-11-20T09:00:00Z"})
}

impl Org {
    async fn new() -> Self {
        Self::with_definition(|d| d).await
    }

    /// The organisation with the catalogue's definition edited by `edit`.
    async fn with_definition(edit: impl Fn(String) -> String) -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let catalogue = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalogue/zendesk.yaml");
        let definition = edit(std::fs::read_to_string(catalogue).unwrap())
            .replace("https://example.zendesk.com/api/v2", &format!("{}/api/v2", server.uri()))
            .replace("{env: ZENDESK_API_TOKEN}", "{file: zendesk-token.txt}")
            .replace("  roles: [agent, admin]", "  roles: [agent, admin]\n  apply: {requestsPerSecond: 1000}");
        assert!(definition.contains(&server.uri()), "the catalogue's baseUrl moved");
        let hr = format!("{HR_CSV_HEADER}{HR_ROWS}");
        for (name, text) in [
            ("zendesk.yaml", definition.as_str()),
            ("zendesk-token.txt", TOKEN),
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

    /// Zendesk with these users; every write is answered as Zendesk does.
    async fn stage(&self, users: &[Value]) {
        let s = &self.server;
        s.reset().await;
        Mock::given(method("GET"))
            .and(path("/api/v2/users"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"users": users, "meta": {"has_more": false, "after_cursor": null}})),
            )
            .mount(s)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/v2/users"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(json!({"user": zendesk_user(3, "jiro@example.com", "agent", false)})),
            )
            .mount(s)
            .await;
        Mock::given(method("PUT"))
            .and(path_regex("^/api/v2/users/[0-9]+$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {}})))
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

    fn audit_log(&self) -> PathBuf {
        self.path().join("state/audit.jsonl")
    }

    async fn apply(&self, at: &str, extra: &[&str]) -> Output {
        let audit = self.audit_log();
        let mut args = vec!["apply", "-f", ".", "--at", at, "--auto-approve", "--audit-log", audit.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.keyward(&args).await
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
async fn a_joiner_a_leaver_and_a_mover_are_planned_applied_audited_and_not_repeated() {
    let org = Org::new().await;
    let before = [
        zendesk_user(1, "taro@example.com", "agent", false),
        zendesk_user(2, "hanako@example.com", "agent", false),
        zendesk_user(9, "it-admin@example.com", "admin", false),
    ];
    org.stage(&before).await;

    let out = org.keyward(&["plan", "-f", ".", "--at", "2026-12-01", "--format", "json"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut summary: Vec<(String, String)> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap().to_owned(), c["account"]["email"].as_str().unwrap().to_owned()))
        .collect();
    summary.sort();
    assert_eq!(
        summary,
        [
            ("create".to_owned(), "jiro@example.com".to_owned()),
            ("suspend".to_owned(), "hanako@example.com".to_owned()),
            ("update".to_owned(), "taro@example.com".to_owned()),
        ],
        "{plan:#}"
    );
    assert!(org.writes().await.is_empty(), "a plan sent a write");

    let out = org.apply("2026-12-01", &[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(TOKEN), "the token is never shown");
    let writes = org.writes().await;
    let mut lines: Vec<String> = writes.iter().map(line).collect();
    lines.sort();
    assert_eq!(lines, ["POST /api/v2/users", "PUT /api/v2/users/1", "PUT /api/v2/users/2"], "{}", text(&out));
    for w in &writes {
        match line(w).as_str() {
            "POST /api/v2/users" => assert_eq!(
                body(w),
                json!({"user": {"name": "佐\\藤 次\"郎", "email": "jiro@example.com", "role": "agent",
                                "external_id": "E3", "verified": true}})
            ),
            "PUT /api/v2/users/1" => assert_eq!(body(w), json!({"user": {"role": "admin"}})),
            _ => assert_eq!(body(w), json!({"user": {"suspended": true}})),
        }
    }
    // The name went out byte for byte: `\` and `"` escaped once, UTF-8 as is.
    let post = writes.iter().find(|w| w.method.as_str() == "POST").unwrap();
    assert!(
        String::from_utf8_lossy(&post.body).contains(r#""name":"佐\\藤 次\"郎""#),
        "{}",
        String::from_utf8_lossy(&post.body)
    );
    let audit = std::fs::read_to_string(org.audit_log()).unwrap();
    for needle in ["jiro@example.com", "hanako@example.com", "taro@example.com", "created id 3"] {
        assert!(audit.contains(needle), "the audit log lacks {needle}:\n{audit}");
    }

    // The state apply left: nothing more to do, nothing sent.
    org.stage(&[
        zendesk_user(1, "taro@example.com", "admin", false),
        zendesk_user(2, "hanako@example.com", "agent", true),
        zendesk_user(3, "jiro@example.com", "agent", false),
        zendesk_user(9, "it-admin@example.com", "admin", false),
    ])
    .await;
    let out = org.apply("2026-12-01", &[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(org.writes().await.is_empty(), "a rerun sent a write: {}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mass_deprovisioning_guard_holds_for_a_declared_app() {
    let org = Org::new().await;
    // Thirty leavers at once, more than the default guard (25): a wrong
    // HR export or selector looks exactly like this.
    let mut users = vec![zendesk_user(1, "taro@example.com", "admin", false)];
    let hr: String = (100..130)
        .map(|i| format!("E{i},退職,者{i},left{i}@example.com,営業本部,,正社員,退職,2019/04/01,2026/11/01,\n"))
        .collect();
    std::fs::write(org.path().join("hr.csv"), format!("{HR_CSV_HEADER}{HR_ROWS}{hr}")).unwrap();
    for i in 100..130 {
        users.push(zendesk_user(i, &format!("left{i}@example.com"), "agent", false));
    }
    org.stage(&users).await;
    let out = org.apply("2026-12-01", &[]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("--allow-mass-deprovision"), "{}", text(&out));
    let suspends = org.writes().await.iter().filter(|w| body(w) == json!({"user": {"suspended": true}})).count();
    assert_eq!(suspends, 0, "{}", text(&out));
}

/// Under `--lang ja` the summary of an apply that partly failed is
/// Japanese: keyward's own words (the failure, why a later change of the
/// same account was not attempted, the counts), while the app's answer is
/// shown as the app gave it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partly_failed_apply_is_reported_in_japanese_under_lang_ja() {
    // Leavers are deleted the day after their last day, so Hanako's
    // suspension and deletion are in the same run.
    let org = Org::with_definition(|d| d.replace("deleteAfter: 180d", "deleteAfter: 0d")).await;
    org.stage(&[
        zendesk_user(1, "taro@example.com", "agent", false),
        zendesk_user(2, "hanako@example.com", "agent", false),
        zendesk_user(9, "it-admin@example.com", "admin", false),
    ])
    .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/users/2"))
        // A refusal, not an outage: no retries to wait for.
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"error": "backend down (test)"})))
        .with_priority(1)
        .mount(&org.server)
        .await;

    let out = org.apply("2026-12-01", &["--lang", "ja", "--allow-mass-deprovision"]).await;
    assert_eq!(out.status.code(), Some(3), "a partly applied run: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failed = stdout
        .lines()
        .find(|l| l.starts_with("失敗：zendesk 停止 hanako@example.com（ID 2）："))
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert!(failed.contains("backend down (test)"), "the app's answer as it gave it: {failed}");
    assert!(
        stdout
            .contains("未実施：zendesk 削除 hanako@example.com（ID 2）：停止に失敗したため、削除は試行していません\n"),
        "{}",
        text(&out)
    );
    assert!(stdout.contains("適用 2件、適用済み 0件、失敗 1件、未実施 1件"), "{}", text(&out));
    assert!(stdout.contains("一部だけ適用しました。"), "{}", text(&out));
    let writes: Vec<String> = org.writes().await.iter().map(line).collect();
    assert!(!writes.contains(&"DELETE /api/v2/users/2".to_owned()), "{writes:?}");
}
