//! `keyward plan` and `validate` with a SmartHR PeopleSource, against a
//! request-level stub of SmartHR's crews API: people come from the API
//! page by page, a listing that does not add up plans nothing, and the
//! PeopleSource's mistakes are reported at their file:line:column.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "shr-CLI-TOKEN-0c4f9a2e61";
const DATE: &str = "2026-11-23";

const SLACK: &str = "username,email,status,fullname\n\
taro,taro@example.com,Member,Taro\n\
jiro,jiro@example.com,Member,Jiro\n";

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
  lifecycle: {provisionBefore: 3d}
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: sales}
spec:
  select: {department: ['営業本部/**']}
  grant: [{app: slack, role: member}]
";

fn people_yaml(url: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {{name: smarthr}}
spec:
  smarthr:
    url: {url}
    token: {{env: SMARTHR_TOKEN}}
    perPage: 2
"
    )
}

fn crew(code: &str, family: &str, given: &str, extra: Value) -> Value {
    let mut c = json!({
        "id": format!("uuid-{code}"),
        "emp_code": code,
        "emp_status": "employed",
        "last_name": family,
        "first_name": given,
        "email": format!("{given}@example.com").to_lowercase(),
        "employment_type": {"id": "et-1", "name": "正社員"},
        "departments": [{"id": "d1", "name": "第一営業部", "full_name": "営業本部/第一営業部"}],
        "entered_at": "2015-04-01",
        "custom_fields": [],
    });
    if let (Some(base), Some(add)) = (c.as_object_mut(), extra.as_object()) {
        base.extend(add.clone());
    }
    c
}

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
        org.write("policies/people.yaml", &people_yaml(&org.server.uri()));
        org.write("policies/slack.yaml", APP);
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

    fn page_url(&self, page: u32) -> String {
        format!("{}/api/v1/crews?page={page}&per_page=2", self.server.uri())
    }

    /// Serves `crews` as SmartHR pages of two, announcing `total`.
    async fn serve(&self, total: usize, crews: &[Value]) {
        let pages: Vec<&[Value]> = crews.chunks(2).collect();
        let last = pages.len() as u32;
        for (i, chunk) in pages.iter().enumerate() {
            let page = i as u32 + 1;
            let mut links = vec![format!("<{}>; rel=\"first\"", self.page_url(1))];
            if page < last {
                links.push(format!("<{}>; rel=\"next\"", self.page_url(page + 1)));
            }
            links.push(format!("<{}>; rel=\"last\"", self.page_url(last)));
            let reply = ResponseTemplate::new(200)
                .insert_header("link", links.join(", ").as_str())
                .insert_header("x-total-count", total.to_string().as_str())
                .insert_header("x-rate-limit-remaining", "4999")
                .insert_header("x-rate-limit-reset", "3600")
                .set_body_json(Value::Array(chunk.to_vec()));
            Mock::given(method("GET"))
                .and(path("/api/v1/crews"))
                .and(query_param("page", page.to_string()))
                .and(query_param("per_page", "2"))
                .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
                .respond_with(reply)
                .mount(&self.server)
                .await;
        }
    }

    async fn keyward(&self, args: &[&str], token: Option<&str>) -> Output {
        let mut cmd = tokio::process::Command::new(assert_cmd::cargo::cargo_bin!("keyward"));
        cmd.args(args).current_dir(self.path()).env("NO_COLOR", "1").env_remove("SMARTHR_TOKEN");
        if let Some(t) = token {
            cmd.env("SMARTHR_TOKEN", t);
        }
        cmd.output().await.unwrap()
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn staff() -> Vec<Value> {
    vec![
        crew("E0001", "山田", "Taro", json!({"position": "部長"})),
        crew("E0002", "鈴木", "Hanako", json!({"entered_at": "2026-11-25"})),
        crew(
            "E0003",
            "佐藤",
            "Jiro",
            json!({"emp_status": "retired", "resigned_at": "2026-11-20",
                   "employment_type": {"id": "et-2", "name": "契約社員"},
                   "departments": [{"id": "d0", "name": "営業本部"}]}),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_reads_the_people_from_smarthr_page_by_page() {
    let org = Org::new().await;
    org.serve(3, &staff()).await;
    let out = org
        .keyward(&["plan", "-f", "policies", "--at", DATE, "--format", "json", "--detailed-exitcode"], Some(TOKEN))
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains(TOKEN));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = plan["changes"].as_array().unwrap();
    let of = |action: &str| changes.iter().filter(|c| c["action"] == action).collect::<Vec<_>>();
    let create = of("create");
    assert_eq!(create.len(), 1, "{plan:#}");
    assert_eq!(create[0]["person"]["id"], "E0002");
    let suspend = of("suspend");
    assert_eq!(suspend.len(), 1, "{plan:#}");
    assert_eq!(suspend[0]["person"]["id"], "E0003");
    assert_eq!(suspend[0]["reason"], "last working day 2026-11-20 (resigned_at)");
    let pages: Vec<String> = org
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.url.query_pairs().find(|(k, _)| k == "page").map(|(_, v)| v.into_owned()))
        .collect();
    assert_eq!(pages, ["1", "2"]);

    let out = org.keyward(&["validate", "-f", "policies", "--online"], Some(TOKEN)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 people, 2 accounts read"), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_short_of_x_total_count_plans_nothing() {
    let org = Org::new().await;
    org.serve(4, &staff()).await;
    let out = org.keyward(&["plan", "-f", "policies", "--at", DATE], Some(TOKEN)).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "a failed plan prints no plan: {}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PeopleSource smarthr: 3 crews were read but x-total-count announces 4"), "{err}");
    assert!(err.contains("nothing is planned"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_or_missing_token_is_an_error_without_the_token() {
    let org = Org::new().await;
    let body = json!({"code": 2, "type": "unauthorized_token", "message": "Unauthorized token", "errors": []});
    Mock::given(method("GET"))
        .and(path("/api/v1/crews"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .mount(&org.server)
        .await;
    let out = org.keyward(&["plan", "-f", "policies", "--at", DATE], Some("shr-WRONG-TOKEN-77")).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("unauthorized_token") && all.contains("SmartHR refused the access token"), "{all}");
    assert!(!all.contains("shr-WRONG-TOKEN-77"), "{all}");

    let out = org.keyward(&["plan", "-f", "policies", "--at", DATE], None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "PeopleSource smarthr: cannot use the SmartHR access token: environment variable SMARTHR_TOKEN is not set"
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_in_a_smarthr_people_source_are_reported_at_their_position() {
    let org = Org::new().await;
    let good = people_yaml(&org.server.uri());
    let cases = [
        (
            good.replace("{env: SMARTHR_TOKEN}", "{env: shr-1234-secret}"),
            "policies/people.yaml:7:18",
            "`shr-1234-secret` is not an environment variable name",
        ),
        (good.replace("perPage: 2", "perPage: 500"), "policies/people.yaml:8:14", "at most 100 crews per page"),
        (
            good.replace("  smarthr:\n", "  csv: {path: hr.csv, columns: {id: id}}\n  smarthr:\n"),
            "policies/people.yaml",
            "keep exactly one of `csv`, `smarthr`",
        ),
        (
            good.replace("perPage: 2", "perPage: 2\n    customFields: {bad name: x}"),
            "policies/people.yaml:9:",
            "not a usable attribute name",
        ),
    ];
    for (yaml, position, message) in cases {
        org.write("policies/people.yaml", &yaml);
        let out = org.keyward(&["validate", "-f", "policies"], Some(TOKEN)).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{yaml}\n{err}");
        assert!(err.contains(position) && err.contains(message), "expected {position} {message:?} in:\n{err}");
    }
    assert!(org.server.received_requests().await.unwrap().is_empty(), "nothing is read from a broken policy");
}
