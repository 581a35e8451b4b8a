//! A small organisation whose one app is a real SCIM server: the fixture of
//! the `keyward apply` end-to-end tests. On 2026-11-23 the plan is
//! - E3 joins today: create, with externalId and the enterprise extension,
//!   into `engineers`;
//! - E2 (engineer) is not yet in `engineers`: update;
//! - E4 left on 2026-11-20: suspend;
//! - E5 left on 2026-09-30, already suspended, 30 days' retention: delete;
//! - E6 was rehired on 2026-11-01, the old account is suspended: restore;
//! - E1 (sales manager) is as wanted; `svc-ci` is protected.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared test helpers; a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Output;

use keyward_testkit::ScimServer;
use keyward_testkit::org::{ChatApp, HR_CSV_HEADER, people_yaml, scim_user, scim_user_active};
use serde_json::Value;

/// The bearer token; distinctive so a leak is easy to find.
pub const TOKEN: &str = "kw-test-SECRET-7f3a9c1e5b";
/// The env var the policy names.
pub const TOKEN_ENV: &str = "KW_TEST_SCIM_TOKEN";
pub const DATE: &str = "2026-11-23";

/// The HR rows after the header: the story above, as of DATE.
const HR_ROWS: &str = "E1,山田,太郎,taro@example.com,営業本部,部長,正社員,在籍,2015/04/01,,\n\
E2,鈴木,花子,hanako@example.com,開発本部,,正社員,在籍,2019/04/01,,E1\n\
E3,佐藤,次郎,jiro@example.com,開発本部,,正社員,在籍,2026/11/23,,E1\n\
E4,高橋,美咲,misaki@example.com,営業本部,,契約社員,退職済み,2020/04/01,2026/11/20,E1\n\
E5,伊藤,健,ken@example.com,営業本部,,正社員,退職済み,2018/04/01,2026/09/30,E1\n\
E6,渡辺,直樹,naoki@example.com,営業本部,,正社員,在籍,2026/11/01,,E1\n";

/// The Application, pointing at `url`; `extra` is added under `spec:`.
pub fn app_yaml(url: &str, extra: &str) -> String {
    // scim_faults holds an answer for 3 s to go past this timeout: keep it shorter than that.
    ChatApp::new(url, &format!("{{env: {TOKEN_ENV}}}"))
        .timeout_seconds(2)
        .spec("  lifecycle: {offboarding: {deleteAfter: 30d}}\n")
        .spec(extra)
        .yaml()
}

/// A policy directory for the org against `url`.
pub struct Org {
    pub dir: tempfile::TempDir,
}

impl Org {
    pub fn new(url: &str) -> Self {
        Self::with_app(&app_yaml(url, ""))
    }

    pub fn with_app(app: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hr.csv"), format!("{HR_CSV_HEADER}{HR_ROWS}")).unwrap();
        std::fs::write(dir.path().join("people.yaml"), people_yaml("hr.csv")).unwrap();
        std::fs::write(dir.path().join("chat.yaml"), app).unwrap();
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn audit_log(&self) -> PathBuf {
        self.dir.path().join("state/audit.jsonl")
    }

    /// Runs keyward with the token in its environment.
    pub async fn keyward(&self, args: &[&str]) -> Output {
        self.keyward_with_token(TOKEN, args).await
    }

    /// Runs keyward with `token` as the app's token.
    pub async fn keyward_with_token(&self, token: &str, args: &[&str]) -> Output {
        let bin = assert_cmd::cargo::cargo_bin!("keyward");
        tokio::process::Command::new(bin)
            .args(args)
            .current_dir(self.dir.path())
            .env(TOKEN_ENV, token)
            .env("NO_COLOR", "1")
            .env_remove("KEYWARD_LOG")
            .kill_on_drop(true)
            .output()
            .await
            .unwrap()
    }

    /// `keyward apply -f . --at DATE --auto-approve` plus `extra`.
    pub async fn apply(&self, extra: &[&str]) -> Output {
        let audit = self.audit_log();
        let mut args = vec!["apply", "-f", ".", "--at", DATE, "--auto-approve", "--audit-log", audit.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.keyward(&args).await
    }

    /// The JSON plan for DATE.
    pub async fn plan_json(&self) -> Value {
        let out = self.keyward(&["plan", "-f", ".", "--at", DATE, "--format", "json"]).await;
        assert!(out.status.success(), "plan failed: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// stdout and stderr, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Ids of the seeded accounts.
pub struct Seeded {
    pub taro: String,
    pub hanako: String,
    pub misaki: String,
    pub ken: String,
    pub naoki: String,
    pub svc: String,
}

/// Seeds the server with the accounts the story starts from.
pub async fn seed(server: &ScimServer) -> Seeded {
    let taro = server.create_user(scim_user("taro@example.com", true, Some("E1"))).await;
    let hanako = server.create_user(scim_user("hanako@example.com", true, Some("E2"))).await;
    let misaki = server.create_user(scim_user("misaki@example.com", true, None)).await;
    let ken = server.create_user(scim_user("ken@example.com", false, None)).await;
    let naoki = server.create_user(scim_user("naoki@example.com", false, None)).await;
    let svc = server.create_user(scim_user("svc-ci@example.com", true, None)).await;
    server.create_group("sales", &[&taro, &misaki, &naoki]).await;
    server.create_group("engineers", &[]).await;
    Seeded { taro, hanako, misaki, ken, naoki, svc }
}

/// The server is in the state the 2026-11-23 plan leads to, with nothing
/// duplicated.
pub async fn assert_converged(server: &ScimServer, s: &Seeded) {
    let users = server.users().await;
    let names: Vec<&str> = users.iter().filter_map(|u| u["userName"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate accounts: {names:?}");
    assert_eq!(users.len(), 6, "expected 6 accounts (5 kept + 1 created, 1 deleted): {names:?}");

    let jiro = server.user_by_user_name("jiro@example.com").await.expect("the joiner's account was created");
    assert_eq!(jiro["externalId"], "E3");
    assert!(scim_user_active(&jiro));
    let ext = &jiro["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"];
    assert_eq!(ext["employeeNumber"], "E3", "{jiro:#}");
    assert_eq!(ext["department"], "開発本部", "{jiro:#}");
    assert_eq!(ext["manager"]["value"], s.taro.as_str(), "{jiro:#}");
    let jiro_id = jiro["id"].as_str().unwrap().to_owned();

    let by_id = |id: &str| users.iter().find(|u| u["id"] == id).cloned();
    assert!(scim_user_active(&by_id(&s.taro).unwrap()));
    assert!(scim_user_active(&by_id(&s.hanako).unwrap()));
    assert!(!scim_user_active(&by_id(&s.misaki).expect("the leaver is suspended, not deleted")), "E4 left: inactive");
    assert!(by_id(&s.ken).is_none(), "E5's retention ended: deleted");
    assert!(scim_user_active(&by_id(&s.naoki).unwrap()), "E6 was rehired: restored");
    assert!(scim_user_active(&by_id(&s.svc).unwrap()), "the protected account is untouched");

    let mut engineers = server.group_members("engineers").await;
    engineers.sort();
    let mut want = vec![s.hanako.clone(), jiro_id];
    want.sort();
    assert_eq!(engineers, want, "engineers group");
    let sales = server.group_members("sales").await;
    assert!(sales.contains(&s.taro) && sales.contains(&s.naoki), "sales kept: {sales:?}");
}
