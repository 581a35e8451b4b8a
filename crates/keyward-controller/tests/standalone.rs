#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The standalone controller against a real SCIM 2.0 server
//! (`scim2-server`, started by keyward-testkit), in-process on a free port:
//! the initial reconcile converges the app, a signed HR event suspends a
//! leaver at once (without waiting for the resync), unsigned and stale
//! events change nothing, observe mode only reports drift, a policy edit
//! triggers a reconcile, and shutdown lets a change in flight finish. The
//! SCIM server's own state is the judge.

use std::path::PathBuf;
use std::time::Duration;

use jiff::ToSpan as _;
use jiff::civil::Date;
use keyward_controller::{Standalone, StandaloneOptions, WebhookSecret};
use keyward_testkit::org::{ChatApp, HR_CSV_HEADER, people_yaml, scim_user, scim_user_active};
use keyward_testkit::{FaultProxy, ScimServer};
use serde_json::{Value, json};

/// The SCIM bearer token; read by the controller from a file.
const TOKEN: &str = "kw-ctl-SECRET-93b1d";
/// The HR webhook secret.
const HOOK_SECRET: &str = "hr-hook-shared-secret-5c2e";

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn ymd(d: Date) -> String {
    d.strftime("%Y/%m/%d").to_string()
}

/// The HR master as of the real today. `leavers` are employee numbers
/// whose last working day was yesterday.
fn hr_csv(leavers: &[&str]) -> String {
    let t = today();
    let gone_3 = ymd(t.checked_sub(3.days()).unwrap());
    let yesterday = ymd(t.checked_sub(1.days()).unwrap());
    let row = |id: &str, family: &str, given: &str, email: &str, dept: &str, start: &str| {
        if leavers.contains(&id) {
            format!("{id},{family},{given},{email},{dept},,正社員,退職済み,{start},{yesterday},E1\n")
        } else {
            format!("{id},{family},{given},{email},{dept},,正社員,在籍,{start},,E1\n")
        }
    };
    let mut csv = HR_CSV_HEADER.to_owned();
    csv.push_str("E1,山田,太郎,taro@example.com,営業本部,部長,正社員,在籍,2015/04/01,,\n");
    csv.push_str(&row("E2", "鈴木", "花子", "hanako@example.com", "開発本部", "2019/04/01"));
    csv.push_str(&row("E3", "佐藤", "次郎", "jiro@example.com", "開発本部", &ymd(t)));
    csv.push_str(&format!("E4,高橋,美咲,misaki@example.com,営業本部,,契約社員,退職済み,2020/04/01,{gone_3},E1\n"));
    csv.push_str(&row("E5", "伊藤", "美香", "mika@example.com", "営業本部", "2018/04/01"));
    csv.push_str(&row("E6", "渡辺", "蓮", "ren@example.com", "開発本部", "2021/04/01"));
    csv
}

fn app_yaml(url: &str, mode: &str) -> String {
    ChatApp::new(url, "{file: ../secrets/scim-token}").spec(&format!("  mode: {mode}\n")).yaml()
}

/// A working directory: `policies/` (watched), `hr/`, `secrets/`, `state/`.
struct Org {
    dir: tempfile::TempDir,
}

impl Org {
    fn new(url: &str, mode: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["policies", "hr", "secrets"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("secrets/scim-token"), format!("{TOKEN}\n")).unwrap();
        std::fs::write(dir.path().join("hr/employees.csv"), hr_csv(&[])).unwrap();
        std::fs::write(dir.path().join("policies/people.yaml"), people_yaml("../hr/employees.csv")).unwrap();
        std::fs::write(dir.path().join("policies/chat.yaml"), app_yaml(url, mode)).unwrap();
        Self { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn options(&self) -> StandaloneOptions {
        let mut o = StandaloneOptions::new(vec![self.path("policies")]);
        o.listen = "127.0.0.1:0".parse().unwrap();
        // Nothing in these tests may rely on the periodic resync.
        o.resync = Duration::from_secs(3600);
        o.debounce = Duration::from_millis(300);
        o.status_file = Some(self.path("state/status.json"));
        o.audit_log = self.path("state/audit.jsonl");
        o.checklist_dir = self.path("state/checklists");
        o.webhook_secret = WebhookSecret::new(HOOK_SECRET);
        o
    }

    fn status(&self) -> Value {
        match std::fs::read_to_string(self.path("state/status.json")) {
            Ok(text) => {
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("the status file is not JSON ({e}):\n{text}"))
            }
            Err(_) => Value::Null,
        }
    }
}

struct Seeded {
    hanako: String,
    misaki: String,
    mika: String,
    ren: String,
    svc: String,
}

async fn seed(server: &ScimServer) -> Seeded {
    let taro = server.create_user(scim_user("taro@example.com", true, Some("E1"))).await;
    let hanako = server.create_user(scim_user("hanako@example.com", true, Some("E2"))).await;
    let misaki = server.create_user(scim_user("misaki@example.com", true, None)).await;
    let mika = server.create_user(scim_user("mika@example.com", true, Some("E5"))).await;
    let ren = server.create_user(scim_user("ren@example.com", true, Some("E6"))).await;
    let svc = server.create_user(scim_user("svc-ci@example.com", true, None)).await;
    server.create_group("sales", &[&taro, &misaki, &mika]).await;
    server.create_group("engineers", &[&ren]).await;
    Seeded { hanako, misaki, mika, ren, svc }
}

async fn is_active(server: &ScimServer, id: &str) -> bool {
    scim_user_active(&server.user(id).await.unwrap_or_else(|| panic!("user {id} is gone")))
}

/// Polls `check` every 100 ms until it holds or `secs` pass.
async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("not within {secs} s: {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    fn new(running: &Standalone) -> Self {
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();
        Self { base: format!("http://{}", running.local_addr()), http }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    async fn metrics(&self) -> String {
        let (status, text) = self.get("/metrics").await;
        assert_eq!(status, 200, "{text}");
        text
    }

    /// POSTs an HR event signed at `ts` (Unix seconds) with `secret`.
    async fn event_signed(&self, body: &str, ts: i64, secret: &str) -> (u16, Value) {
        let sig = WebhookSecret::new(secret).unwrap().sign(ts, body.as_bytes());
        self.event_raw(body, Some(&ts.to_string()), Some(&sig)).await
    }

    async fn event(&self, body: &str) -> (u16, Value) {
        self.event_signed(body, jiff::Timestamp::now().as_second(), HOOK_SECRET).await
    }

    async fn event_raw(&self, body: &str, ts: Option<&str>, sig: Option<&str>) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/hr/events", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(ts) = ts {
            req = req.header("X-Keyward-Timestamp", ts);
        }
        if let Some(sig) = sig {
            req = req.header("X-Keyward-Signature", sig);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

/// The value of one metric line (`name{labels}`), 0 when absent.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

fn condition<'a>(status: &'a Value, app: &str, type_: &str) -> &'a Value {
    let conds = status["applications"][app]["conditions"]
        .as_array()
        .unwrap_or_else(|| panic!("no conditions for {app}: {status:#}"));
    conds.iter().find(|c| c["type"] == type_).unwrap_or_else(|| panic!("no {type_} condition: {status:#}"))
}

async fn wait_ready(client: &Client) {
    eventually(30, "/readyz answers 200", || async { client.get("/readyz").await.0 == 200 }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_converges_and_a_signed_hr_event_suspends_a_leaver_at_once() {
    let server = ScimServer::start(TOKEN).await;
    let s = seed(&server).await;
    // Through a proxy, to count the requests of the event's reconcile and
    // to hold a change in flight during shutdown.
    let proxy = FaultProxy::start(&server.url()).await;
    let org = Org::new(&proxy.url(), "enforce");
    let running = Standalone::start(org.options()).await.unwrap();
    let client = Client::new(&running);
    assert_eq!(client.get("/healthz").await, (200, "ok\n".to_owned()));
    wait_ready(&client).await;

    // The initial reconcile converged the app.
    let jiro = server.user_by_user_name("jiro@example.com").await.expect("the joiner's account was created");
    assert!(scim_user_active(&jiro));
    assert_eq!(jiro["externalId"], "E3");
    assert!(!is_active(&server, &s.misaki).await, "E4 left three days ago: suspended");
    assert!(is_active(&server, &s.mika).await && is_active(&server, &s.ren).await);
    assert!(is_active(&server, &s.svc).await, "protected");
    let mut engineers = server.group_members("engineers").await;
    engineers.sort();
    let mut want = vec![s.hanako.clone(), s.ren.clone(), jiro["id"].as_str().unwrap().to_owned()];
    want.sort();
    assert_eq!(engineers, want);

    let st = org.status();
    assert_eq!(st["ready"], true, "{st:#}");
    assert_eq!(condition(&st, "chat", "Ready")["status"], "True", "{st:#}");
    assert_eq!(condition(&st, "chat", "Synced")["reason"], "Applied", "{st:#}");
    assert_eq!(condition(&st, "chat", "Drifted")["status"], "False", "{st:#}");
    assert_eq!(condition(&st, "chat", "SourceError")["status"], "False", "{st:#}");
    assert_eq!(condition(&st, "chat", "BlockedByGuard")["status"], "False", "{st:#}");
    assert_eq!(st["applications"]["chat"]["lastApplied"], 3, "{st:#}");
    assert_eq!(st["applications"]["chat"]["drift"], 0, "{st:#}");
    assert_eq!(st["applications"]["chat"]["accounts"], 6, "{st:#}");
    assert_eq!(st["applications"]["chat"]["plan"]["suspend"], 1, "{st:#}");
    assert!(st["applications"]["chat"]["lastSync"].as_str().unwrap().ends_with('Z'), "{st:#}");
    assert_eq!(st["peopleSources"]["smarthr"]["people"], 6, "{st:#}");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_reconciles_total{kind="full",result="ok"}"#), 1.0, "{m}");
    assert_eq!(metric(&m, r#"keyward_changes_total{app="chat",action="suspend",result="applied"}"#), 1.0, "{m}");
    assert_eq!(metric(&m, r#"keyward_changes_total{app="chat",action="create",result="applied"}"#), 1.0, "{m}");
    assert_eq!(metric(&m, r#"keyward_drift{app="chat"}"#), 0.0, "{m}");
    assert!(m.contains("keyward_reconcile_duration_seconds_bucket"), "{m}");
    assert!(m.contains(r#"keyward_guard_refusals_total{app="chat"} 0"#), "{m}");
    assert!(m.contains(r#"keyward_http_errors_total{app="chat"} 0"#), "{m}");

    // HR: mika's last working day was yesterday. Nothing happens until an
    // event says so (the resync is an hour away).
    std::fs::write(org.path("hr/employees.csv"), hr_csv(&["E5"])).unwrap();
    let body = r#"{"type":"person.changed","person":"E5"}"#;
    let now = jiff::Timestamp::now().as_second();
    let (status, answer) = client.event_signed(body, now, "not-the-secret").await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("signature does not match"), "{answer}");
    let (status, answer) = client.event_signed(body, now - 301, HOOK_SECRET).await;
    assert_eq!(status, 401, "a stale timestamp: {answer}");
    assert!(answer["error"].as_str().unwrap().contains("away from the controller's clock"), "{answer}");
    let (status, answer) = client.event_raw(body, None, None).await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = client.event(r#"{"who":"E5"}"#).await;
    assert_eq!(status, 400, "a signed body of an unknown shape: {answer}");
    assert!(answer["error"].as_str().unwrap().contains("employeeId"), "{answer}");
    assert_eq!(answer["accepted"].as_array().unwrap().len(), 4, "{answer}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(is_active(&server, &s.mika).await, "refused events change nothing");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_reconciles_total{kind="person",result="ok"}"#), 0.0, "{m}");

    proxy.reset_log();
    let (status, answer) = client.event(body).await;
    assert_eq!(status, 202, "{answer}");
    assert!(answer["id"].as_str().unwrap().starts_with("evt-"), "{answer}");
    assert_eq!(answer["people"], json!(["E5"]));
    eventually(5, "mika's account is suspended", || async { !is_active(&server, &s.mika).await }).await;
    eventually(5, "the person's reconcile is counted", || async {
        metric(&client.metrics().await, r#"keyward_reconciles_total{kind="person",result="ok"}"#) == 1.0
    })
    .await;
    // One lookup and one change: no listing of every account.
    let requests: Vec<String> = proxy.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert!(requests[0].starts_with("GET ") && requests[0].contains("/Users?filter="), "{requests:#?}");
    assert!(requests[1].starts_with(&format!("PATCH /v2/Users/{}", s.mika)), "{requests:#?}");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_reconciles_total{kind="full",result="ok"}"#), 1.0, "no resync ran: {m}");
    assert_eq!(metric(&m, r#"keyward_changes_total{app="chat",action="suspend",result="applied"}"#), 2.0, "{m}");
    eventually(5, "the status file shows the person's reconcile", || async {
        org.status()["lastReconcile"]["person"] == "E5"
    })
    .await;
    let st = org.status();
    assert_eq!(st["lastReconcile"]["kind"], "person", "{st:#}");
    assert_eq!(st["applications"]["chat"]["lastApplied"], 1, "{st:#}");
    assert!(is_active(&server, &s.ren).await, "only the person named was reconciled");

    // Shutdown while a change is in flight: it is finished, not cut off.
    std::fs::write(org.path("hr/employees.csv"), hr_csv(&["E5", "E6"])).unwrap();
    proxy.hold_writes_after(0);
    let (status, answer) = client.event(r#"{"employeeId":"E6"}"#).await;
    assert_eq!(status, 202, "{answer}");
    tokio::time::timeout(Duration::from_secs(10), proxy.held()).await.expect("the suspension reaches the app");
    let stopping = tokio::spawn(running.shutdown());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!stopping.is_finished(), "shutdown waits for the change in flight");
    proxy.release();
    tokio::time::timeout(Duration::from_secs(20), stopping).await.expect("shutdown ends").unwrap().unwrap();
    assert!(!is_active(&server, &s.ren).await, "the change in flight was made");
    assert!(client.http.get(format!("{}/healthz", client.base)).send().await.is_err(), "the HTTP server is closed");

    // Every attempt is in the audit log, and it verifies.
    let summary = keyward_apply::verify(org.path("state/audit.jsonl")).unwrap();
    assert_eq!(summary.runs, 3, "the initial apply and one per event");
    let audit = std::fs::read_to_string(org.path("state/audit.jsonl")).unwrap();
    assert_eq!(audit.lines().filter(|l| l.contains("\"event\":\"applied\"")).count(), 5, "{audit}");
    assert!(!audit.contains(TOKEN) && !audit.contains(HOOK_SECRET));
    let st = std::fs::read_to_string(org.path("state/status.json")).unwrap();
    assert!(!st.contains(TOKEN) && !st.contains(HOOK_SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observe_mode_only_reports_drift_until_a_policy_edit_enforces_it() {
    let server = ScimServer::start(TOKEN).await;
    let s = seed(&server).await;
    let org = Org::new(&server.url(), "observe");
    let running = Standalone::start(org.options()).await.unwrap();
    let client = Client::new(&running);
    wait_ready(&client).await;

    assert!(is_active(&server, &s.misaki).await, "observe mode changes nothing");
    assert!(server.user_by_user_name("jiro@example.com").await.is_none(), "observe mode creates nothing");
    let st = org.status();
    let chat = &st["applications"]["chat"];
    assert_eq!(chat["drift"], 3, "{st:#}");
    assert_eq!(chat["lastApplied"], 0, "{st:#}");
    assert_eq!(condition(&st, "chat", "Drifted")["status"], "True", "{st:#}");
    assert_eq!(condition(&st, "chat", "Drifted")["reason"], "ChangesPending", "{st:#}");
    let msg = condition(&st, "chat", "Drifted")["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("1 create") && msg.contains("1 suspend") && msg.contains("spec.mode: enforce"), "{msg}");
    assert_eq!(condition(&st, "chat", "Ready")["reason"], "Observing", "{st:#}");
    assert_eq!(condition(&st, "chat", "BlockedByGuard")["reason"], "ObserveMode", "{st:#}");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_drift{app="chat"}"#), 3.0, "{m}");
    assert!(!m.contains("keyward_changes_total{"), "nothing was applied: {m}");

    // An HR event in observe mode applies nothing either; an unknown
    // person is reported.
    let (status, _) = client.event(r#"{"email":"misaki@example.com"}"#).await;
    assert_eq!(status, 202);
    let (status, _) = client.event(r#"{"type":"person.changed","people":["E99"]}"#).await;
    assert_eq!(status, 202);
    eventually(5, "both person reconciles finished", || async {
        let m = client.metrics().await;
        metric(&m, r#"keyward_reconciles_total{kind="person",result="ok"}"#) == 1.0
            && metric(&m, r#"keyward_reconciles_total{kind="person",result="error"}"#) == 1.0
    })
    .await;
    assert!(is_active(&server, &s.misaki).await, "observe mode: the event applied nothing");

    // Switching the Application to enforce is picked up from the file at
    // once, not at the next resync (an hour away).
    std::fs::write(org.path("policies/chat.yaml"), app_yaml(&server.url(), "enforce")).unwrap();
    eventually(15, "the policy edit is reconciled and applied", || async { !is_active(&server, &s.misaki).await })
        .await;
    eventually(5, "the status shows the applied reconcile", || async {
        let st = org.status();
        st["applications"]["chat"]["drift"] == 0 && condition(&st, "chat", "Synced")["reason"] == "Applied"
    })
    .await;
    assert!(server.user_by_user_name("jiro@example.com").await.is_some());
    let st = org.status();
    assert_eq!(condition(&st, "chat", "Drifted")["status"], "False", "{st:#}");
    assert_eq!(condition(&st, "chat", "Ready")["status"], "True", "{st:#}");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_reconciles_total{kind="full",result="ok"}"#), 2.0, "{m}");
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_until_the_policies_load_and_a_broken_edit_keeps_the_last_good_set() {
    let server = ScimServer::start(TOKEN).await;
    seed(&server).await;
    let org = Org::new(&server.url(), "observe");
    std::fs::write(org.path("policies/chat.yaml"), app_yaml(&server.url(), "observe") + "  colour: blue\n").unwrap();
    let running = Standalone::start(org.options()).await.unwrap();
    let client = Client::new(&running);
    assert_eq!(client.get("/healthz").await.0, 200, "alive even without policies");
    eventually(10, "the load error is in the status file", || async { org.status()["policies"]["error"].is_string() })
        .await;
    let (status, body) = client.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    let reasons = body["reasons"].to_string();
    assert!(reasons.contains("could not be loaded") && reasons.contains("chat.yaml:"), "{body}");
    assert!(reasons.contains("first reconcile has not finished"), "{body}");
    let st = org.status();
    assert_eq!(st["ready"], false, "{st:#}");
    assert!(st["policies"]["error"].as_str().unwrap().contains("colour"), "{st:#}");
    let (status, answer) = client.event(r#"{"employeeId":"E5"}"#).await;
    assert_eq!(status, 503, "no policies, no event handling: {answer}");

    // The fix is picked up by the watcher.
    std::fs::write(org.path("policies/chat.yaml"), app_yaml(&server.url(), "observe")).unwrap();
    wait_ready(&client).await;
    let st = org.status();
    assert!(st["policies"]["error"].is_null(), "{st:#}");
    assert_eq!(st["applications"]["chat"]["drift"], 3, "{st:#}");

    // A broken edit keeps the last good policies in use.
    std::fs::write(org.path("policies/people.yaml"), "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\n").unwrap();
    eventually(10, "the new load error is reported", || async { org.status()["policies"]["error"].is_string() }).await;
    let (status, body) = client.get("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("previous policies stay in use"), "{body}");
    let (status, answer) = client.event(r#"{"employeeId":"E5"}"#).await;
    assert_eq!(status, 202, "events still work with the last good policies: {answer}");
    running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_that_cannot_be_read_is_a_source_error_not_zero_accounts() {
    let server = ScimServer::start("the-right-token").await;
    seed(&server).await;
    let org = Org::new(&server.url(), "enforce");
    let mut opts = org.options();
    opts.webhook_secret = None;
    let running = Standalone::start(opts).await.unwrap();
    let client = Client::new(&running);
    wait_ready(&client).await;
    let st = org.status();
    let source = condition(&st, "chat", "SourceError");
    assert_eq!(source["status"], "True", "{st:#}");
    assert_eq!(source["reason"], "ListFailed", "{st:#}");
    assert!(source["message"].as_str().unwrap().contains("401"), "{st:#}");
    assert_eq!(condition(&st, "chat", "Ready")["status"], "False", "{st:#}");
    assert_eq!(condition(&st, "chat", "Drifted")["status"], "Unknown", "{st:#}");
    assert_eq!(st["applications"]["chat"]["accounts"], 0, "never read: no count yet {st:#}");
    assert!(st["applications"]["chat"].get("lastSync").is_none(), "{st:#}");
    assert_eq!(st["peopleSources"]["smarthr"]["people"], 6, "the HR data was read: {st:#}");
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_reconciles_total{kind="full",result="error"}"#), 1.0, "{m}");
    assert!(metric(&m, r#"keyward_http_errors_total{app="chat"}"#) >= 1.0, "{m}");
    assert!(!m.contains(r#"keyward_drift{app="chat"}"#), "no drift is known: {m}");
    let (status, answer) = client.event(r#"{"employeeId":"E5"}"#).await;
    assert_eq!(status, 503, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("KEYWARD_HR_WEBHOOK_SECRET"), "{answer}");
    running.shutdown().await.unwrap();
    assert_eq!(server.users().await.len(), 6, "nothing was created");
}

/// Lookups of one person's accounts the proxy forwarded.
fn lookups(proxy: &FaultProxy) -> usize {
    proxy.requests().iter().filter(|r| r.method == "GET" && r.path.contains("/Users?filter=")).count()
}

/// An enforce-mode controller, its app behind a proxy, after its first
/// reconcile; then mika (E5) leaves in the HR data, and the proxy's log
/// starts afresh.
struct MikaLeaves {
    server: ScimServer,
    s: Seeded,
    proxy: FaultProxy,
    _org: Org,
    running: Standalone,
    client: Client,
}

async fn mika_leaves() -> MikaLeaves {
    let server = ScimServer::start(TOKEN).await;
    let s = seed(&server).await;
    let proxy = FaultProxy::start(&server.url()).await;
    let org = Org::new(&proxy.url(), "enforce");
    let running = Standalone::start(org.options()).await.unwrap();
    let client = Client::new(&running);
    wait_ready(&client).await;
    std::fs::write(org.path("hr/employees.csv"), hr_csv(&["E5"])).unwrap();
    proxy.reset_log();
    MikaLeaves { server, s, proxy, _org: org, running, client }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_hr_event_is_refused_and_reconciles_the_person_once() {
    use futures::StreamExt as _;
    let MikaLeaves { server, s, proxy, _org, running, client } = mika_leaves().await;

    // One signed request, captured and sent 300 times, some at once.
    let body = r#"{"type":"person.changed","person":"E5"}"#;
    let ts = jiff::Timestamp::now().as_second();
    let sig = WebhookSecret::new(HOOK_SECRET).unwrap().sign(ts, body.as_bytes());
    let ts = ts.to_string();
    let answers: Vec<(u16, Value)> = futures::stream::iter(0..300)
        .map(|_| client.event_raw(body, Some(&ts), Some(&sig)))
        .buffer_unordered(8)
        .collect()
        .await;
    let accepted = answers.iter().filter(|(s, _)| *s == 202).count();
    let replays: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 409).map(|(_, a)| a).collect();
    assert_eq!((accepted, replays.len()), (1, 299), "{:?}", &answers[..3]);
    let why = replays[0]["error"].as_str().unwrap();
    assert!(why.contains("already received") && why.contains("sign a new request"), "{why}");

    eventually(5, "mika's account is suspended", || async { !is_active(&server, &s.mika).await }).await;
    let m = client.metrics().await;
    assert_eq!(metric(&m, r#"keyward_hr_events_total{result="accepted"}"#), 1.0, "{m}");
    assert_eq!(metric(&m, r#"keyward_hr_events_total{result="replayed"}"#), 299.0, "{m}");
    running.shutdown().await.unwrap();
    assert_eq!(lookups(&proxy), 1, "one reconcile of the person");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_naming_a_person_being_reconciled_are_coalesced_into_one_more_reconcile() {
    let MikaLeaves { server, s, proxy, _org, running, client } = mika_leaves().await;

    // The first event's reconcile is held at its change; three more
    // events name the same person meanwhile.
    proxy.hold_writes_after(0);
    let (status, answer) = client.event(r#"{"type":"person.changed","person":"E5"}"#).await;
    assert_eq!(status, 202, "{answer}");
    tokio::time::timeout(Duration::from_secs(10), proxy.held()).await.expect("the suspension reaches the app");
    for body in [r#"{"employeeId":"E5"}"#, r#"{"type":"person.changed","people":["E5"]}"#, r#"{"employeeId":" E5"}"#] {
        let (status, answer) = client.event(body).await;
        assert_eq!(status, 202, "{answer}");
    }
    proxy.release();
    eventually(5, "mika's account is suspended", || async { !is_active(&server, &s.mika).await }).await;
    // The one running and one more behind it, which sees the change made.
    eventually(10, "two person reconciles finished", || async {
        metric(&client.metrics().await, r#"keyward_reconciles_total{kind="person",result="ok"}"#) == 2.0
    })
    .await;
    let m = client.metrics().await;
    assert_eq!(metric(&m, "keyward_hr_people_coalesced_total"), 2.0, "{m}");
    running.shutdown().await.unwrap();
    assert_eq!(lookups(&proxy), 2, "the running reconcile and one behind it");
    let writes = proxy.requests().iter().filter(|r| r.method == "PATCH").count();
    assert_eq!(writes, 1, "one suspension");
}
