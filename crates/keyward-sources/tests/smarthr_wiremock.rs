#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The SmartHR PeopleSource against request-level stubs shaped as SmartHR
//! documents its API: `GET /api/v1/crews` paged with `Link` headers and
//! `x-total-count`, rate-limit headers on every answer, 429 with
//! `x-rate-limit-reset`, and errors as `{code, type, message, errors}`.

mod common;

use common::fast;
use jiff::civil::date;
use keyward_core::resources::HrStatus;
use keyward_core::{People, PolicySet, Post, SourceFile};
use keyward_sources::{ReadOptions, SourceError, read_people_with};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
const TOKEN: &str = "shr-TEST-TOKEN-5b0e77d3a1";
const CREWS: &str = "/api/v1/crews";

fn options() -> ReadOptions {
    ReadOptions { retry: Some(fast()), ..ReadOptions::default() }
}

struct Setup {
    server: MockServer,
    set: PolicySet,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn new(extra: &str) -> Self {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("smarthr-token"), format!("{TOKEN}\n")).unwrap();
        let text = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: smarthr}}\nspec:\n  smarthr:\n    url: \"{}\"\n    token: {{file: smarthr-token}}\n{extra}",
            server.uri()
        );
        let file = dir.path().join("people.yaml").display().to_string();
        let set = PolicySet::load("test", vec![SourceFile { path: file, text }]).unwrap().set;
        Self { server, set, _dir: dir }
    }

    async fn read(&self) -> Result<People, SourceError> {
        read_people_with(&self.set, &options()).await
    }

    async fn crew_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == CREWS).collect()
    }

    fn page_url(&self, page: u32) -> String {
        format!("{}{CREWS}?page={page}&per_page=100", self.server.uri())
    }

    /// Page `page` of `last`, with SmartHR's headers.
    fn page(&self, page: u32, last: u32, total: usize, crews: Vec<Value>) -> ResponseTemplate {
        let mut links = vec![format!("<{}>; rel=\"first\"", self.page_url(1))];
        if page > 1 {
            links.push(format!("<{}>; rel=\"prev\"", self.page_url(page - 1)));
        }
        if page < last {
            links.push(format!("<{}>; rel=\"next\"", self.page_url(page + 1)));
        }
        links.push(format!("<{}>; rel=\"last\"", self.page_url(last)));
        ResponseTemplate::new(200)
            .insert_header("link", links.join(", ").as_str())
            .insert_header("x-total-count", total.to_string().as_str())
            .insert_header("x-rate-limit-limit", "5000")
            .insert_header("x-rate-limit-remaining", "4990")
            .insert_header("x-rate-limit-reset", "3000")
            .set_body_json(Value::Array(crews))
    }

    async fn serve(&self, page: u32, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path(CREWS))
            .and(query_param("page", page.to_string()))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }
}

/// A crew as SmartHR returns it, with `extra` fields on top.
fn crew(code: &str, extra: Value) -> Value {
    let mut c = json!({
        "id": format!("uuid-{code}"),
        "user_id": format!("user-{code}"),
        "emp_code": code,
        "emp_status": "employed",
        "last_name": "山田",
        "first_name": code,
        "email": format!("{}@example.com", code.to_lowercase()),
        "employment_type": {"id": "et-1", "name": "正社員", "preset_type": "full_timer"},
        "departments": [],
        "position": null,
        "entered_at": "2020-04-01",
        "resigned_at": null,
        "custom_fields": [],
    });
    if let (Some(base), Some(add)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in add {
            base.insert(k.clone(), v.clone());
        }
    }
    c
}

fn crews(codes: std::ops::RangeInclusive<u32>) -> Vec<Value> {
    codes.map(|n| crew(&format!("E{n:04}"), json!({}))).collect()
}

fn data_errors(e: &SourceError) -> String {
    match e {
        SourceError::Data(d) => d.to_string(),
        other => panic!("expected data problems, got {other}"),
    }
}

#[tokio::test]
async fn three_pages_are_read_in_order_with_the_token_retired_crews_included() {
    let s = Setup::new("").await;
    let mut last_page = crews(201..=240);
    last_page.push(crew("E0999", json!({"emp_status": "retired", "resigned_at": "2026-03-31"})));
    s.serve(1, s.page(1, 3, 241, crews(1..=100))).await;
    s.serve(2, s.page(2, 3, 241, crews(101..=200))).await;
    s.serve(3, s.page(3, 3, 241, last_page)).await;

    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 241);
    let retired = people.get(people.find("E0999").unwrap()).unwrap();
    assert_eq!(retired.status, HrStatus::Terminated);
    assert_eq!(retired.end_date, Some(date(2026, 3, 31)));

    let requests = s.crew_requests().await;
    let pages: Vec<String> = requests
        .iter()
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "page").map(|(_, v)| v.into_owned()).unwrap_or_default())
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    for r in &requests {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
        let query: Vec<(String, String)> = r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert!(query.contains(&("per_page".to_owned(), "100".to_owned())), "{query:?}");
        // Leavers must be seen: no filter on the status.
        assert!(!query.iter().any(|(k, _)| k == "emp_status"), "{query:?}");
    }
}

#[tokio::test]
async fn crews_map_to_keywards_vocabulary() {
    let s = Setup::new(
        "    fields: {manager: 上長社員番号, movedOn: 異動日}\n    customFields: {github: GitHubアカウント, site: 勤務地}\n    values: {employmentType: {嘱託: contract}}\n",
    )
    .await;
    let custom = |github: Value, boss: Value, moved: Value| {
        json!([
            {"value": github, "template": {"id": "t1", "name": "GitHubアカウント", "type": "string"}},
            {"value": boss, "template": {"id": "t2", "name": "上長社員番号", "type": "string"}},
            {"value": moved, "template": {"id": "t3", "name": "異動日", "type": "date"}},
            {"value": "el-2", "template": {"id": "t4", "name": "勤務地", "type": "enum",
                "elements": [{"id": "el-1", "name": "東京"}, {"id": "el-2", "name": "大阪"}]}},
        ])
    };
    let all = vec![
        crew(
            "E0001",
            json!({
                "last_name": "山田", "first_name": "太郎",
                "departments": [
                    {"id": "d1", "name": "第一営業部", "full_name": "営業本部/第一営業部"},
                    {"id": "d2", "name": "DX推進室", "parent": {"id": "d0", "name": "経営企画本部"}},
                ],
                "positions": ["部長", "室長"],
                "custom_fields": custom(json!("taro-gh"), json!(null), json!("2026-10-01")),
            }),
        ),
        crew(
            "E0002",
            json!({
                "last_name": "鈴木", "first_name": "花子", "business_last_name": "佐藤", "business_first_name": "花子",
                "emp_status": "absent",
                "employment_type": {"id": "et-2", "name": "契約社員"},
                "departments": [{"id": "d1", "name": "第一営業部", "full_name": "営業本部/第一営業部"}],
                "position": "主任",
                "contract_type": "fixed_term", "contract_renewal_type": "renewal", "contract_end_on": "2027-03-31",
                "custom_fields": custom(json!(null), json!("E0001"), json!(null)),
            }),
        ),
        crew(
            "E0003",
            json!({
                "employment_type": {"id": "et-3", "name": "業務委託"},
                "entered_at": "2026-12-01",
                "contract_type": "fixed_term", "contract_renewal_type": "auto_renewal", "contract_end_on": "2027-11-30",
            }),
        ),
        crew("E0004", json!({"employment_type": {"id": "et-4", "name": "嘱託"}, "email": null})),
    ];
    s.serve(1, s.page(1, 1, 4, all)).await;
    let people = s.read().await.unwrap();
    let get = |id: &str| people.get(people.find(id).unwrap()).unwrap();

    let taro = get("E0001");
    assert_eq!(taro.name.as_deref(), Some("山田 太郎"));
    assert_eq!(taro.email.as_deref(), Some("e0001@example.com"));
    assert_eq!(
        taro.posts,
        vec![
            Post { department: Some("営業本部/第一営業部".into()), title: Some("部長".into()) },
            Post { department: Some("経営企画本部/DX推進室".into()), title: Some("室長".into()) },
        ]
    );
    assert_eq!(taro.employment_type.as_deref(), Some("full-time"));
    assert_eq!((taro.status, taro.start_date, taro.end_date), (HrStatus::Active, Some(date(2020, 4, 1)), None));
    assert_eq!(taro.attributes.get("github").map(String::as_str), Some("taro-gh"));
    assert_eq!(taro.attributes.get("site").map(String::as_str), Some("大阪"));
    assert_eq!(taro.moved_on, Some(date(2026, 10, 1)));
    assert_eq!(taro.manager, None);

    let hanako = get("E0002");
    assert_eq!(hanako.name.as_deref(), Some("佐藤 花子"), "the business name wins");
    assert_eq!((hanako.status, hanako.status_label.as_deref()), (HrStatus::OnLeave, Some("absent")));
    assert_eq!(hanako.employment_type.as_deref(), Some("contract"));
    assert_eq!(hanako.end_date, Some(date(2027, 3, 31)), "a fixed-term contract ends on contract_end_on");
    assert_eq!(hanako.manager.as_deref(), Some("E0001"));
    assert_eq!(hanako.posts, vec![Post { department: Some("営業本部/第一営業部".into()), title: Some("主任".into()) }]);
    assert!(!hanako.attributes.contains_key("github"), "an empty custom field is no attribute");

    let contractor = get("E0003");
    assert_eq!(contractor.employment_type.as_deref(), Some("contractor"));
    assert_eq!(contractor.start_date, Some(date(2026, 12, 1)));
    assert_eq!(contractor.end_date, None, "a self-renewing contract's end is not the last day");

    let extra = get("E0004");
    assert_eq!(extra.employment_type.as_deref(), Some("contract"), "the PeopleSource's own label");
    assert_eq!(extra.email, None);

    let labels = people.labels(taro);
    assert_eq!(labels.status.as_deref(), Some("emp_status"));
    assert_eq!(labels.moved_on.as_deref(), Some("異動日"));
}

#[tokio::test]
async fn an_unknown_employment_type_names_the_crew_and_the_field_and_is_never_guessed() {
    let s = Setup::new("").await;
    let all = vec![crew("E0001", json!({})), crew("E0002", json!({"employment_type": {"id": "x", "name": "顧問"}}))];
    s.serve(1, s.page(1, 1, 2, all)).await;
    let err = data_errors(&s.read().await.unwrap_err());
    assert!(err.contains("crew E0002 (山田 E0002)") && err.contains("unknown employment type `顧問`"), "{err}");
    assert!(err.contains("employment_type.name"), "{err}");
    assert!(err.contains("spec.smarthr.values.employmentType") && err.contains("people.yaml"), "{err}");
}

#[tokio::test]
async fn a_custom_field_no_crew_has_is_an_error_with_the_names_seen() {
    let s = Setup::new("    customFields: {github: GitHubアカウント}\n").await;
    let field = json!([{"value": "x", "template": {"id": "t1", "name": "GitHub アカウント", "type": "string"}}]);
    s.serve(1, s.page(1, 1, 1, vec![crew("E0001", json!({"custom_fields": field}))])).await;
    let err = data_errors(&s.read().await.unwrap_err());
    assert!(err.contains("people.yaml:8:") && err.contains("no crew has a custom field `GitHubアカウント`"), "{err}");
    assert!(err.contains("did you mean `GitHub アカウント`"), "{err}");
}

#[tokio::test]
async fn a_crew_without_employee_number_is_an_error_naming_it() {
    let s = Setup::new("").await;
    s.serve(1, s.page(1, 1, 1, vec![crew("E0001", json!({"emp_code": null}))])).await;
    let err = data_errors(&s.read().await.unwrap_err());
    assert!(err.contains("crew uuid-E0001 (山田 E0001) has no employee number (emp_code)"), "{err}");
}

#[tokio::test]
async fn a_failing_page_is_an_error_not_a_shorter_snapshot() {
    let s = Setup::new("").await;
    s.serve(1, s.page(1, 2, 150, crews(1..=100))).await;
    let body = json!({"code": 5, "type": "internal_server_error", "message": "Internal Server Error", "errors": []});
    s.serve(2, ResponseTemplate::new(500).set_body_json(body)).await;
    let err = s.read().await.unwrap_err();
    assert!(matches!(err, SourceError::Http { ref source_name, .. } if source_name == "smarthr"), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("PeopleSource smarthr") && msg.contains("page=2"), "{msg}");
    assert!(msg.contains("500") && msg.contains("internal_server_error"), "{msg}");
    assert!(!msg.contains(TOKEN), "{msg}");
    // Retried before giving up.
    assert_eq!(s.crew_requests().await.len(), 1 + fast().max_attempts as usize);
}

#[tokio::test]
async fn fewer_crews_than_x_total_count_is_an_error() {
    let s = Setup::new("").await;
    // The last page links nowhere although 50 crews are missing.
    s.serve(1, s.page(1, 2, 250, crews(1..=100))).await;
    s.serve(2, s.page(2, 2, 250, crews(101..=200))).await;
    let err = s.read().await.unwrap_err();
    assert!(matches!(err, SourceError::Partial { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("200 crews were read but x-total-count announces 250"), "{msg}");
    assert!(msg.contains("nothing is planned"), "{msg}");
}

#[tokio::test]
async fn a_total_that_changes_between_pages_is_an_error() {
    let s = Setup::new("").await;
    s.serve(1, s.page(1, 2, 150, crews(1..=100))).await;
    s.serve(2, s.page(2, 2, 151, crews(101..=151))).await;
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains("x-total-count went from 150 to 151 at page 2"), "{msg}");
}

#[tokio::test]
async fn a_server_that_repeats_its_first_page_is_refused() {
    let s = Setup::new("").await;
    s.serve(1, s.page(1, 3, 300, crews(1..=100))).await;
    s.serve(2, s.page(2, 3, 300, crews(1..=100))).await;
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains("page 2") && msg.contains("no crew not already read"), "{msg}");
}

#[tokio::test]
async fn a_missing_x_total_count_is_an_error() {
    let s = Setup::new("").await;
    s.serve(1, ResponseTemplate::new(200).set_body_json(Value::Array(crews(1..=3)))).await;
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains("no x-total-count header"), "{msg}");
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed_with_the_token() {
    let s = Setup::new("").await;
    let page = ResponseTemplate::new(200)
        .insert_header("link", "<https://evil.example/api/v1/crews?page=2&per_page=100>; rel=\"next\"")
        .insert_header("x-total-count", "150")
        .set_body_json(Value::Array(crews(1..=100)));
    s.serve(1, page).await;
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains("evil.example") && msg.contains("sends the token nowhere else"), "{msg}");
}

#[tokio::test]
async fn an_unauthorized_token_is_a_clear_error_without_the_token() {
    let s = Setup::new("").await;
    let body = json!({"code": 2, "type": "unauthorized_token", "message": "Unauthorized token", "errors": []});
    s.serve(1, ResponseTemplate::new(401).set_body_json(body)).await;
    let err = s.read().await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, SourceError::Http { .. }), "{msg}");
    assert!(
        msg.contains("PeopleSource smarthr: GET http://") && msg.contains("/api/v1/crews?page=1&per_page=100"),
        "{msg}"
    );
    assert!(msg.contains("SmartHR refused the access token"), "{msg}");
    assert!(
        msg.contains("unauthorized_token") && msg.contains("code 2") && msg.contains("Unauthorized token"),
        "{msg}"
    );
    assert!(msg.contains("spec.smarthr.token"), "{msg}");
    assert!(!msg.contains(TOKEN), "{msg}");
    assert_eq!(s.crew_requests().await.len(), 1, "a refused token is not retried");
}

fn throttled(reset: &str) -> ResponseTemplate {
    let body = json!({"code": 6, "type": "too_many_requests", "message": "Too Many Requests", "errors": []});
    ResponseTemplate::new(429)
        .insert_header("x-rate-limit-limit", "10")
        .insert_header("x-rate-limit-remaining", "0")
        .insert_header("x-rate-limit-reset", reset)
        .set_body_json(body)
}

#[tokio::test]
async fn a_throttled_page_is_read_after_the_reset() {
    let s = Setup::new("").await;
    Mock::given(method("GET"))
        .and(path(CREWS))
        .and(query_param("page", "1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(throttled("1"))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    s.serve(1, s.page(1, 1, 3, crews(1..=3))).await;
    let people = s.read().await.unwrap();
    assert_eq!(people.len(), 3);
    assert_eq!(s.crew_requests().await.len(), 2);
}

#[tokio::test]
async fn a_reset_beyond_the_retry_limit_fails_at_once() {
    let s = Setup::new("").await;
    Mock::given(method("GET")).and(path(CREWS)).respond_with(throttled("3600")).up_to_n_times(1).mount(&s.server).await;
    s.serve(1, s.page(1, 1, 3, crews(1..=3))).await;
    // Only x-rate-limit-reset says how long: a client that ignored it
    // would back off briefly and succeed.
    let msg = s.read().await.unwrap_err().to_string();
    assert!(msg.contains("429") && msg.contains("3600 s"), "{msg}");
    assert_eq!(s.crew_requests().await.len(), 1);
}
