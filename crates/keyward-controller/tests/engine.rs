#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The reconcile engine on its own (as the Kubernetes mode will use it)
//! against two real SCIM servers: a guard refusal holds back only the app
//! it is about, and an unreadable HR master plans and applies nothing; a
//! SmartHR PeopleSource (against a request-level stub) reads its token
//! from a Kubernetes Secret.

use std::path::Path;

use jiff::ToSpan as _;
use keyward_controller::engine::{Engine, EngineConfig};
use keyward_controller::metrics::Metrics;
use keyward_core::PolicySet;
use keyward_testkit::ScimServer;
use serde_json::json;

const TOKEN: &str = "kw-engine-SECRET-41d";

/// The PeopleSource over the CSV [`hr`] writes.
const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv:\n    path: hr.csv\n    columns: {id: id, email: email, status: status, endDate: endDate}\n";

/// An engine with default guards, English checklists and its audit log
/// (and so its roster) at `audit_log`, its checklists in `dir/checklists`.
fn engine(dir: &Path, audit_log: std::path::PathBuf) -> Engine {
    Engine::new(EngineConfig {
        audit_log,
        checklist_dir: dir.join("checklists"),
        guard: keyward_apply::GuardOptions::default(),
        metrics: Metrics::new(),
        lang: keyward_core::i18n::Lang::En,
    })
    .unwrap()
}

fn hr(dir: &Path) {
    let gone = jiff::Zoned::now().date().checked_sub(3.days()).unwrap().strftime("%Y-%m-%d").to_string();
    let csv = format!(
        "id,email,status,endDate\nE1,ann@example.com,active,\nE2,bob@example.com,terminated,{gone}\nE3,cy@example.com,active,\n"
    );
    std::fs::write(dir.join("hr.csv"), csv).unwrap();
}

fn app(name: &str, url: &str, max_deprovision: u32) -> String {
    format!(
        "---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: {name}}}
spec:
  mode: enforce
  connector:
    scim: {{url: {url}, token: {{file: token}}, timeoutSeconds: 10}}
  apply:
    requestsPerSecond: 200
    guard: {{maxDeprovision: {max_deprovision}, maxDeprovisionPercent: 100}}
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: all-{name}}}
spec:
  select: {{}}
  grant: [{{app: {name}}}]
"
    )
}

fn load(dir: &Path) -> PolicySet {
    keyward_controller::policies::load_policies(&[dir.to_path_buf()]).unwrap()
}

async fn seeded() -> (ScimServer, String) {
    let server = ScimServer::start(TOKEN).await;
    for (email, id) in [("ann@example.com", "E1"), ("cy@example.com", "E3")] {
        server
            .create_user(json!({"userName": email, "externalId": id, "emails": [{"value": email}], "active": true}))
            .await;
    }
    let bob = server
        .create_user(json!({"userName": "bob@example.com", "emails": [{"value": "bob@example.com"}], "active": true}))
        .await;
    (server, bob)
}

fn cond<'a>(
    s: &'a keyward_core::resources::ApplicationStatus,
    t: &str,
) -> &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition {
    s.conditions.iter().find(|c| c.type_ == t).unwrap_or_else(|| panic!("no {t}: {:?}", s.conditions))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guard_refusal_holds_back_only_its_own_app() {
    let (chat, chat_bob) = seeded().await;
    let (wiki, wiki_bob) = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    hr(dir.path());
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    // chat may not suspend anyone at all; wiki may.
    let policies = format!("{PEOPLE}{}{}", app("chat", &chat.url(), 0), app("wiki", &wiki.url(), 10));
    std::fs::write(dir.path().join("policies.yaml"), policies).unwrap();
    let set = load(dir.path());
    let engine = engine(dir.path(), dir.path().join("audit.jsonl"));
    let today = jiff::Zoned::now().date();
    let report = engine.reconcile_all(&set, today).await;
    assert!(report.error.is_none(), "{report:#?}");

    assert!(chat.user(&chat_bob).await.unwrap()["active"].as_bool().unwrap(), "chat's guard refused");
    assert!(!wiki.user(&wiki_bob).await.unwrap()["active"].as_bool().unwrap(), "wiki was applied");
    let c = &report.applications["chat"];
    assert_eq!(cond(c, "BlockedByGuard").status, "True");
    assert!(
        cond(c, "BlockedByGuard").message.contains("maxDeprovision")
            || cond(c, "BlockedByGuard").message.contains("limit"),
        "{c:?}"
    );
    assert_eq!(cond(c, "Ready").reason, "BlockedByGuard");
    assert_eq!(c.drift, 1);
    let w = &report.applications["wiki"];
    assert_eq!(cond(w, "BlockedByGuard").status, "False");
    assert_eq!(cond(w, "Ready").status, "True");
    assert_eq!((w.drift, w.last_applied), (0, 1));
    assert_eq!(report.run_ids.len(), 2, "a refused run for chat, an applied one for wiki");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(
        audit.lines().filter(|l| l.contains("\"event\":\"refused\"") && l.contains("\"app\":\"chat\"")).count(),
        1,
        "{audit}"
    );
    assert!(engine.metrics().encode().contains(r#"keyward_guard_refusals_total{app="chat"} 1"#));

    // A second reconcile has nothing to apply for wiki and writes no empty
    // runs to the audit log.
    // Listings are recorded only when they changed: wiki's did (bob was
    // suspended by the first reconcile), chat's did not.
    let listed = |l: &&str| l.contains("\"event\":\"listed\"");
    let lines = audit.lines().filter(|l| !listed(l)).count();
    let listings = audit.lines().filter(listed).count();
    let again = engine.reconcile_all(&set, today).await;
    assert_eq!(again.applications["wiki"].drift, 0);
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    let runs = audit.lines().filter(|l| !listed(l)).count();
    assert_eq!(runs, lines + 3, "only chat's refusal again (started, refused, finished)");
    let new: Vec<&str> = audit.lines().filter(listed).skip(listings).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].contains("\"app\":\"wiki\""), "{new:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_hr_master_plans_and_applies_nothing() {
    let (chat, bob) = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    hr(dir.path());
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    std::fs::write(dir.path().join("policies.yaml"), format!("{PEOPLE}{}", app("chat", &chat.url(), 10))).unwrap();
    let set = load(dir.path());
    let engine = engine(dir.path(), dir.path().join("audit.jsonl"));
    let today = jiff::Zoned::now().date();
    std::fs::rename(dir.path().join("hr.csv"), dir.path().join("hr.csv.bak")).unwrap();
    let report = engine.reconcile_all(&set, today).await;
    assert_eq!(report.error.as_ref().unwrap().reason, "ReadFailed", "{report:#?}");
    assert!(!report.is_ok());
    let c = &report.applications["chat"];
    assert_eq!(cond(c, "SourceError").reason, "PeopleSourceFailed");
    assert_eq!(cond(c, "Ready").status, "False");
    let ps = &report.people_sources["hr"];
    let src = ps.conditions.iter().find(|c| c.type_ == "SourceError").unwrap();
    assert_eq!((src.status.as_str(), src.reason.as_str()), ("True", "ReadFailed"));
    assert!(src.message.contains("hr.csv"), "{src:?}");
    assert!(chat.user(&bob).await.unwrap()["active"].as_bool().unwrap(), "nothing applied");
    assert!(
        !dir.path().join("audit.jsonl").exists()
            || std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap().is_empty()
    );

    // A person's reconcile cannot work without the HR data either.
    let person = engine.reconcile_person(&set, "E2", today).await;
    assert_eq!(person.error.as_ref().unwrap().reason, "ReadFailed");

    // Once the file is back, the next reconcile recovers.
    std::fs::rename(dir.path().join("hr.csv.bak"), dir.path().join("hr.csv")).unwrap();
    let unknown = engine.reconcile_person(&set, "nobody@example.com", today).await;
    assert_eq!(unknown.error.as_ref().unwrap().reason, "PersonNotFound");
    let person = engine.reconcile_person(&set, "bob@example.com", today).await;
    assert!(person.is_ok(), "{person:#?}");
    assert_eq!(person.apps["chat"].applied, 1);
    assert!(!chat.user(&bob).await.unwrap()["active"].as_bool().unwrap(), "bob suspended by the person's reconcile");
    let report = engine.reconcile_all(&set, today).await;
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!(cond(&report.applications["chat"], "SourceError").status, "False");
    assert_eq!(report.people_sources["hr"].people, 3);
}

/// Kubernetes Secrets as the controller would read them: `hr-creds` has
/// the key `smarthr` when `with_key`.
struct Secrets {
    with_key: bool,
}

#[async_trait::async_trait]
impl keyward_controller::engine::SecretReader for Secrets {
    async fn read(&self, name: &str) -> Result<keyward_controller::engine::SecretData, String> {
        if name != "hr-creds" {
            return Err(format!("no Secret {name}"));
        }
        let mut data = std::collections::BTreeMap::new();
        let key = if self.with_key { "smarthr" } else { "other" };
        data.insert(key.to_owned(), Ok(keyward_connectors::http::Secret::new(TOKEN)));
        Ok(data)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smarthr_people_source_reads_its_token_from_a_kubernetes_secret() {
    use wiremock::matchers::{header, method, path};
    let smarthr = wiremock::MockServer::start().await;
    let crews = json!([
        {"id": "c1", "emp_code": "E1", "emp_status": "employed", "email": "ann@example.com", "entered_at": "2020-04-01"},
        {"id": "c2", "emp_code": "E2", "emp_status": "retired", "email": "bob@example.com", "resigned_at": "2024-03-31"},
    ]);
    wiremock::Mock::given(method("GET"))
        .and(path("/api/v1/crews"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(wiremock::ResponseTemplate::new(200).insert_header("x-total-count", "2").set_body_json(crews))
        .mount(&smarthr)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let people = format!(
        "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: hr}}\nspec:\n  smarthr:\n    url: {}\n    token: {{secret: {{name: hr-creds, key: smarthr}}}}\n",
        smarthr.uri()
    );
    std::fs::write(dir.path().join("policies.yaml"), people).unwrap();
    let set = load(dir.path());
    let engine = |with_key| {
        engine(dir.path(), dir.path().join("audit.jsonl")).with_secrets(std::sync::Arc::new(Secrets { with_key }))
    };
    let today = jiff::Zoned::now().date();

    let report = engine(true).reconcile_all(&set, today).await;
    assert!(report.error.is_none(), "{report:#?}");
    assert_eq!(report.people_sources["hr"].people, 2);

    let report = engine(false).reconcile_all(&set, today).await;
    assert_eq!(report.error.as_ref().unwrap().reason, "ReadFailed", "{report:#?}");
    let src = report.people_sources["hr"].conditions.iter().find(|c| c.type_ == "SourceError").unwrap();
    assert_eq!(src.status, "True");
    assert!(
        src.message.contains("Secret hr-creds has no key `smarthr`")
            && src.message.contains("spec.smarthr.token.secret.key"),
        "{src:?}"
    );
    assert!(!src.message.contains(TOKEN));
}

/// `entra-creds` with the Graph client secret under `key`.
struct GraphSecrets {
    key: &'static str,
}

#[async_trait::async_trait]
impl keyward_controller::engine::SecretReader for GraphSecrets {
    async fn read(&self, name: &str) -> Result<keyward_controller::engine::SecretData, String> {
        if name != "entra-creds" {
            return Err(format!("no Secret {name}"));
        }
        let mut data = std::collections::BTreeMap::new();
        data.insert(self.key.to_owned(), Ok(keyward_connectors::http::Secret::new(TOKEN)));
        Ok(data)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graph_people_source_reads_its_secret_from_kubernetes_and_its_changes_by_delta_across_reconciles() {
    use wiremock::matchers::{body_string_contains, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contoso.onmicrosoft.com/oauth2/v2.0/token"))
        .and(body_string_contains(format!("client_secret={TOKEN}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "at", "expires_in": 3599})))
        .mount(&graph)
        .await;
    let user = |id: &str, number: &str, enabled: bool| json!({"id": id, "employeeId": number, "mail": format!("{id}@example.com"), "accountEnabled": enabled});
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param_is_missing("$deltatoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [user("ann", "E1", true), user("bob", "E2", true)],
            "@odata.deltaLink": format!("{}/v1.0/users/delta?$deltatoken=d1", graph.uri()),
        })))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$deltatoken", "d1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "bob", "@removed": {"reason": "changed"}}],
            "@odata.deltaLink": format!("{}/v1.0/users/delta?$deltatoken=d2", graph.uri()),
        })))
        .mount(&graph)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let people = format!(
        "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: entra}}\nspec:\n  microsoftGraph:\n    tenant: contoso.onmicrosoft.com\n    clientId: 11111111-2222-3333-4444-555555555555\n    clientSecret: {{secret: {{name: entra-creds, key: graph}}}}\n    graphUrl: {0}/v1.0\n    authorityUrl: {0}\n    delta: true\n",
        graph.uri()
    );
    std::fs::write(dir.path().join("policies.yaml"), people).unwrap();
    let set = load(dir.path());
    let engine = |key| {
        engine(dir.path(), dir.path().join(format!("audit-{key}.jsonl")))
            .with_secrets(std::sync::Arc::new(GraphSecrets { key }))
    };
    let today = jiff::Zoned::now().date();

    let engine_with_key = engine("graph");
    let report = engine_with_key.reconcile_all(&set, today).await;
    assert!(report.error.is_none(), "{report:#?}");
    assert_eq!(report.people_sources["entra"].people, 2);
    let report = engine_with_key.reconcile_all(&set, today).await;
    assert!(report.error.is_none(), "{report:#?}");
    assert_eq!(report.people_sources["entra"].people, 1, "the second reconcile applied the delta");
    let tokens: Vec<Option<String>> = graph
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1.0/users/delta")
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "$deltatoken").map(|(_, v)| v.into_owned()))
        .collect();
    assert_eq!(tokens, [None, Some("d1".to_owned())]);

    let report = engine("other").reconcile_all(&set, today).await;
    let src = report.people_sources["entra"].conditions.iter().find(|c| c.type_ == "SourceError").unwrap();
    assert!(
        src.message.contains("Secret entra-creds has no key `graph`")
            && src.message.contains("spec.microsoftGraph.clientSecret.secret.key"),
        "{src:?}"
    );
    assert!(!src.message.contains(TOKEN));
}

/// A person deleted from the HR data between two reconciles is remembered
/// in the roster beside the audit log (not forgotten, not "last seen"
/// moved on) and their account is left as it is for a human to decide.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_who_vanished_from_the_hr_data_stays_in_the_roster_and_keeps_their_account() {
    let (chat, _) = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    hr(dir.path());
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    std::fs::write(dir.path().join("policies.yaml"), format!("{PEOPLE}{}", app("chat", &chat.url(), 10))).unwrap();
    let set = load(dir.path());
    let engine = engine(dir.path(), dir.path().join("state/audit.jsonl"));
    let today = jiff::Zoned::now().date();
    assert!(engine.reconcile_all(&set, today).await.error.is_none());
    let roster_path = dir.path().join("state/roster.json");
    let first = keyward_apply::RosterFile::new(&roster_path).read().unwrap();
    assert!(first.get("E3").is_some(), "the first reconcile records whom it saw: {first:?}");

    // E3 is deleted from the HR master.
    let csv = std::fs::read_to_string(dir.path().join("hr.csv")).unwrap();
    std::fs::write(
        dir.path().join("hr.csv"),
        csv.lines().filter(|l| !l.starts_with("E3,")).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let tomorrow = today.tomorrow().unwrap();
    let report = engine.reconcile_all(&set, tomorrow).await;
    assert!(report.error.is_none(), "{report:#?}");
    let second = keyward_apply::RosterFile::new(&roster_path).read().unwrap();
    let e3 = second.get("E3").expect("never forgotten");
    assert_eq!(e3.last_seen, today, "last seen on the day the HR data still had them");
    assert!(e3.acknowledged.is_none());
    let cy = chat.user_by_user_name("cy@example.com").await.expect("cy's account is still there");
    assert!(cy["active"].as_bool().unwrap(), "not suspended on absence alone: {cy}");
}
