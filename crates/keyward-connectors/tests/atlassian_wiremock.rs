#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Atlassian Cloud connector against request-level stubs of the
//! organisation admin API: cursor paging in `links.next`, 429 with
//! `X-RateLimit-Reset` as an ISO 8601 date, `errors[]` bodies, suspend /
//! restore / remove, and group memberships carrying product access.

mod common;

use std::time::{Duration, Instant};

use common::fast;
use keyward_connectors::atlassian::Atlassian;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Distinctive, so its absence from every error string means something.
const KEY: &str = "ATATT-kw-TEST-key-3e8b1c0d";
const DIR: &str = "/admin/v2/orgs/org-1/directories/-";

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {jira: jira}}}}\n---\n";

struct Setup {
    server: MockServer,
    atlassian: Atlassian,
    _dir: tempfile::TempDir,
}

impl Setup {
    async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }
}

const PRODUCT_ACCESS: &str =
    ", productAccess: {jira-user: [jira-software-users], jira-admin: [jira-software-users, jira-admins]}";

async fn setup() -> Setup {
    setup_spec("").await
}

/// [`setup`], with `spec_lines` (indented YAML) added to the Application's spec.
async fn setup_spec(spec_lines: &str) -> Setup {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.txt"), KEY).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: jira}}\nspec:\n  connector:\n    atlassian: {{orgId: org-1, apiKey: {{file: key.txt}}, apiUrl: \"{}\"{PRODUCT_ACCESS}}}\n  roles: [jira-user, jira-admin]\n  apply: {{requestsPerSecond: 1000}}\n{spec_lines}",
        server.uri()
    );
    let set =
        PolicySet::load("test", vec![SourceFile { path: dir.path().join("apps.yaml").display().to_string(), text }])
            .unwrap()
            .set;
    let app = &set.applications[0];
    let spec = app.spec.connector.atlassian.as_ref().unwrap();
    let atlassian = Atlassian::new(&set.locator(&app.origin), app, spec, &ClusterSecrets::unavailable())
        .unwrap()
        .with_retry(fast());
    Setup { server, atlassian, _dir: dir }
}

fn p(s: &str) -> String {
    format!("{DIR}{s}")
}

fn user(id: &str, email: &str) -> Value {
    json!({
        "accountId": id, "accountType": "atlassian", "status": "active", "accountStatus": "active",
        "membershipStatus": "active", "name": format!("User {id}"), "nickname": id, "email": email,
        "emailVerified": true, "claimStatus": "managed", "links": {"self": id}
    })
}

fn page(data: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
    let mut links = json!({"self": "c-self"});
    if let Some(n) = next {
        links["next"] = json!(n);
    }
    ResponseTemplate::new(200).set_body_json(json!({"data": data, "links": links}))
}

fn group(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "directoryId": "d1", "managementAccess": {"modifiable": true}})
}

async fn users_page(s: &Setup, cursor: Option<&str>, response: ResponseTemplate) {
    let m = Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("groupIds"));
    let m = match cursor {
        Some(c) => m.and(query_param("cursor", c)),
        None => m.and(query_param_is_missing("cursor")),
    };
    m.respond_with(response).mount(&s.server).await;
}

/// Every group, and each group's members (`GET …/users?groupIds=`; a
/// group `members` leaves out has none), one page each.
async fn groups(s: &Setup, all: Vec<Value>, members: &[(&str, Vec<Value>)]) {
    for g in &all {
        let gid = g["id"].as_str().unwrap();
        let of = members.iter().find(|(id, _)| *id == gid).map(|(_, m)| m.clone()).unwrap_or_default();
        Mock::given(method("GET"))
            .and(path(p("/users")))
            .and(query_param("groupIds", gid))
            .and(query_param("limit", "100"))
            .and(query_param_is_missing("cursor"))
            .respond_with(page(of, None))
            .mount(&s.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("/groups")))
        .and(query_param_is_missing("accountIds"))
        .respond_with(page(all, None))
        .mount(&s.server)
        .await;
}

fn change(action: Action, id: &str) -> Change {
    Change::new("jira", action, AccountRef { id: Some(id.into()), ..Default::default() }, "test")
}

fn errors(status: u16, code: &str, title: &str, detail: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(
        json!({"errors": [{"id": "e1", "status": status.to_string(), "code": code, "title": title, "detail": detail}]}),
    )
}

fn assert_no_key(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "key leaked: {shown}");
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn lists_every_page_with_groups_role_status_and_bots() {
    let s = setup().await;
    let mut suspended = user("a3", "c@example.com");
    suspended["status"] = json!("suspended");
    let mut app = user("bot1", "bot@connect.atlassian.com");
    app["accountType"] = json!("app");
    users_page(&s, None, page(vec![user("a1", "a@example.com")], Some("c2"))).await;
    users_page(&s, Some("c2"), page(vec![user("a2", "b@example.com"), app], Some("c3"))).await;
    // The last page repeats a2 (directory `-`: one person in two directories).
    users_page(&s, Some("c3"), page(vec![user("a2", "b@example.com"), suspended], None)).await;
    let all = vec![group("g1", "jira-software-users"), group("g2", "jira-admins"), group("g3", "design")];
    let (a1, a2) = (user("a1", "a@example.com"), user("a2", "b@example.com"));
    groups(&s, all, &[("g1", vec![a1, a2.clone()]), ("g2", vec![a2.clone()]), ("g3", vec![a2])]).await;

    let l = s.atlassian.list().await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "bot1", "a3"]);
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("a1").role.as_deref(), Some("jira-user"));
    assert!(by("a1").groups.is_empty(), "product-access groups are the role, not groups");
    assert_eq!(by("a2").role.as_deref(), Some("jira-admin"));
    assert_eq!(by("a2").groups, vec!["design"]);
    assert_eq!(by("a2").email.as_deref(), Some("b@example.com"));
    assert_eq!(by("a3").status, AccountStatus::Suspended);
    assert_eq!(by("a3").role, None);
    assert!(by("bot1").bot && !by("a1").bot);
    assert!(l.capabilities.create && l.capabilities.suspend && l.capabilities.delete && l.capabilities.groups);
    assert!(!l.capabilities.transfer);

    let reqs = s.requests().await;
    for r in &reqs {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {KEY}"));
    }
    // Three users pages, the groups, one member page per group: no
    // request per user.
    assert_eq!(reqs.len(), 7, "{:?}", reqs.iter().map(|r| r.url.to_string()).collect::<Vec<_>>());
    assert!(!reqs.iter().any(|r| r.url.query_pairs().any(|(k, _)| k == "accountIds")));
}

#[tokio::test]
async fn a_failing_page_fails_the_listing_with_atlassians_error() {
    let s = setup().await;
    users_page(&s, None, page(vec![user("a1", "a@example.com")], Some("c2"))).await;
    users_page(&s, Some("c2"), errors(403, "ADMIN-403-1", "Forbidden", "The API key cannot read this directory")).await;
    let e = s.atlassian.list().await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("GET ") && call.contains(&p("/users?limit=100&cursor=c2")), "{call}");
    assert!(
        problem.contains("Atlassian error ADMIN-403-1: Forbidden: The API key cannot read this directory"),
        "{problem}"
    );
    assert!(problem.contains("user-management access"), "{problem}");
    assert_no_key(&e);
}

#[tokio::test]
async fn a_repeated_cursor_or_a_user_without_id_is_partial() {
    let s = setup().await;
    users_page(&s, None, page(vec![user("a1", "a@example.com")], Some("c2"))).await;
    users_page(&s, Some("c2"), page(vec![user("a2", "b@example.com")], Some("c2"))).await;
    let e = s.atlassian.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("cursor already followed")), "{e:?}");

    let s = setup().await;
    users_page(&s, None, page(vec![json!({"email": "x@example.com", "name": "No Id"})], None)).await;
    let e = s.atlassian.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("without `accountId`")), "{e:?}");
}

#[tokio::test]
async fn a_429_waits_until_the_iso_reset_and_one_too_far_fails_at_once() {
    let s = setup().await;
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1200)).to_string();
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "100")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", soon.as_str()),
        )
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    users_page(&s, None, page(vec![], None)).await;
    groups(&s, vec![], &[]).await;
    let started = Instant::now();
    s.atlassian.list().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(800), "waited only {:?}", started.elapsed());

    let s = setup().await;
    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600)).to_string();
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", later.as_str()))
        .mount(&s.server)
        .await;
    let started = Instant::now();
    let e = s.atlassian.list().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "should not wait an hour: {:?}", started.elapsed());
    let shown = e.to_string();
    assert!(shown.contains(&format!("GET {}{}", s.server.uri(), p("/users"))), "{shown}");
    assert!(shown.contains("longer than the") && shown.contains("retry limit"), "{shown}");
    assert!(e.is_transient());
    assert_eq!(s.requests().await.len(), 1);
}

/// `items` as pages of 100 at `GET {DIR}/users` with `groupIds={gid}`,
/// chained by the cursors `{gid}-2`, `{gid}-3`… (one empty page for none).
async fn members_paged(s: &Setup, gid: &str, items: &[Value]) {
    let chunks: Vec<&[Value]> = if items.is_empty() { vec![&[]] } else { items.chunks(100).collect() };
    for (i, chunk) in chunks.iter().enumerate() {
        let next = (i + 1 < chunks.len()).then(|| format!("{gid}-{}", i + 2));
        let m = Mock::given(method("GET"))
            .and(path(p("/users")))
            .and(query_param("groupIds", gid))
            .and(query_param("limit", "100"));
        let m = if i == 0 {
            m.and(query_param_is_missing("cursor"))
        } else {
            m.and(query_param("cursor", format!("{gid}-{}", i + 1).as_str()))
        };
        m.respond_with(page(chunk.to_vec(), next.as_deref())).mount(&s.server).await;
    }
}

#[tokio::test]
async fn a_listing_costs_its_pages_not_a_request_per_user() {
    let s = setup().await;
    let users: Vec<Value> = (0..250).map(|i| user(&format!("u{i:03}"), &format!("u{i:03}@example.com"))).collect();
    users_page(&s, None, page(users[..100].to_vec(), Some("p2"))).await;
    users_page(&s, Some("p2"), page(users[100..200].to_vec(), Some("p3"))).await;
    users_page(&s, Some("p3"), page(users[200..].to_vec(), None)).await;
    Mock::given(method("GET"))
        .and(path(p("/groups")))
        .and(query_param_is_missing("accountIds"))
        .respond_with(page(
            vec![group("g1", "jira-software-users"), group("g2", "jira-admins"), group("g3", "design")],
            None,
        ))
        .mount(&s.server)
        .await;
    // Everyone uses Jira, the first 120 administer it, one is a designer.
    members_paged(&s, "g1", &users).await;
    members_paged(&s, "g2", &users[..120]).await;
    members_paged(&s, "g3", &users[249..]).await;

    let l = s.atlassian.list().await.unwrap();
    assert_eq!(l.accounts.len(), 250);
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("u000").role.as_deref(), Some("jira-admin"));
    assert_eq!(by("u119").role.as_deref(), Some("jira-admin"));
    assert_eq!(by("u120").role.as_deref(), Some("jira-user"));
    assert!(by("u120").groups.is_empty());
    assert_eq!(by("u249").groups, vec!["design"]);

    // 3 users pages + 1 groups page + member pages 3 (g1) + 2 (g2) + 1 (g3),
    // where reading each user's groups cost 254.
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 10);
    let with = |key: &str| reqs.iter().filter(|r| r.url.query_pairs().any(|(k, _)| k == key)).count();
    assert_eq!(with("groupIds"), 6);
    assert_eq!(with("accountIds"), 0);
    assert!(reqs.iter().all(|r| r.method.as_str() == "GET"));
}

#[tokio::test]
async fn a_member_page_that_fails_or_loops_fails_the_listing() {
    // Mounted first, so they answer before `groups`' own empty page: the
    // first member page points on, the second is refused.
    let s = setup().await;
    users_page(&s, None, page(vec![user("a1", "a@example.com")], None)).await;
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(query_param("groupIds", "g1"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(vec![user("a1", "a@example.com")], Some("m2")))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(query_param("groupIds", "g1"))
        .and(query_param("cursor", "m2"))
        .respond_with(errors(403, "ADMIN-403-3", "Forbidden", "The API key cannot read this group"))
        .mount(&s.server)
        .await;
    groups(&s, vec![group("g1", "jira-software-users")], &[]).await;
    let e = s.atlassian.list().await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.contains(&p("/users?limit=100&groupIds=g1&cursor=m2")), "{call}");
    assert!(problem.contains("ADMIN-403-3: Forbidden: The API key cannot read this group"), "{problem}");
    assert_no_key(&e);

    let s = setup().await;
    users_page(&s, None, page(vec![user("a1", "a@example.com")], None)).await;
    Mock::given(method("GET"))
        .and(path(p("/users")))
        .and(query_param("groupIds", "g1"))
        .respond_with(page(vec![user("a1", "a@example.com")], Some("m2")))
        .mount(&s.server)
        .await;
    groups(&s, vec![group("g1", "jira-software-users")], &[]).await;
    let e = s.atlassian.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("cursor already followed")), "{e:?}");
}

// ---------------------------------------------------------------- one person

fn keys(emails: &[&str], user_names: &[&str]) -> PersonKeys {
    PersonKeys {
        ids: vec!["E1".into()],
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
        user_names: user_names.iter().map(|u| (*u).to_owned()).collect(),
    }
}

async fn search(s: &Setup, emails: &[&str], response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(p("/users/search")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"emails": emails, "limit": 100})))
        .respond_with(response)
        .mount(&s.server)
        .await;
}

async fn groups_of(s: &Setup, account: &str, gs: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(p("/groups")))
        .and(query_param("accountIds", account))
        .and(query_param("limit", "100"))
        .respond_with(page(gs, None))
        .mount(&s.server)
        .await;
}

/// Method, path and query of every request the stub received, in order.
async fn sent(s: &Setup) -> Vec<String> {
    s.requests()
        .await
        .iter()
        .map(|r| format!("{} {}{}", r.method, r.url.path(), r.url.query().map(|q| format!("?{q}")).unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn find_searches_the_persons_addresses_and_reads_only_their_groups() {
    let s = setup().await;
    let mut suspended = user("m1", "boss@example.com");
    suspended["status"] = json!("suspended");
    // The manager's address arrives as a login; `Sales` is no address.
    search(&s, &["ann@example.com", "boss@example.com"], page(vec![user("a1", "ann@example.com"), suspended], None))
        .await;
    groups_of(&s, "a1", vec![group("g1", "jira-software-users"), group("g3", "design")]).await;
    groups_of(&s, "m1", vec![]).await;

    let l = s.atlassian.find(&keys(&["ann@example.com"], &["Sales", "boss@example.com"])).await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "m1"]);
    assert_eq!(l.accounts[0].role.as_deref(), Some("jira-user"));
    assert_eq!(l.accounts[0].groups, vec!["design"]);
    assert_eq!(l.accounts[1].status, AccountStatus::Suspended);
    assert!(l.capabilities.suspend && l.capabilities.groups);
    assert_eq!(
        sent(&s).await,
        [
            format!("POST {}", p("/users/search")),
            format!("GET {}", p("/groups?limit=100&accountIds=a1")),
            format!("GET {}", p("/groups?limit=100&accountIds=m1")),
        ]
    );
}

#[tokio::test]
async fn find_follows_the_search_cursor_in_the_body() {
    let s = setup().await;
    search(&s, &["ann@example.com"], page(vec![user("a1", "ann@example.com")], Some("s2"))).await;
    Mock::given(method("POST"))
        .and(path(p("/users/search")))
        .and(body_json(json!({"emails": ["ann@example.com"], "limit": 100, "cursor": "s2"})))
        .respond_with(page(vec![user("a2", "ann@example.com")], None))
        .mount(&s.server)
        .await;
    groups_of(&s, "a1", vec![]).await;
    groups_of(&s, "a2", vec![]).await;
    let l = s.atlassian.find(&keys(&["ann@example.com"], &[])).await.unwrap();
    assert_eq!(l.accounts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a1", "a2"]);
    assert_eq!(s.requests().await.len(), 4);
}

#[tokio::test]
async fn find_of_someone_atlassian_does_not_know_is_no_account_after_one_search() {
    let s = setup().await;
    search(&s, &["ann@example.com"], page(vec![], None)).await;
    let l = s.atlassian.find(&keys(&["ann@example.com"], &[])).await.unwrap();
    assert!(l.accounts.is_empty());
    assert_eq!(sent(&s).await, [format!("POST {}", p("/users/search"))]);
}

#[tokio::test]
async fn a_search_or_a_groups_read_that_fails_fails_find_never_no_accounts() {
    let s = setup().await;
    search(&s, &["ann@example.com"], errors(403, "ADMIN-403-1", "Forbidden", "The API key cannot search users")).await;
    let e = s.atlassian.find(&keys(&["ann@example.com"], &[])).await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("POST ") && call.ends_with(&p("/users/search")), "{call}");
    assert!(problem.contains("ADMIN-403-1: Forbidden: The API key cannot search users"), "{problem}");
    assert_no_key(&e);
    assert_eq!(s.requests().await.len(), 1, "no listing instead");

    let s = setup().await;
    search(&s, &["ann@example.com"], page(vec![user("a1", "ann@example.com")], None)).await;
    Mock::given(method("GET"))
        .and(path(p("/groups")))
        .and(query_param("accountIds", "a1"))
        .respond_with(errors(404, "ADMIN-404", "Not Found", "Directory not found"))
        .mount(&s.server)
        .await;
    let e = s.atlassian.find(&keys(&["ann@example.com"], &[])).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Http { status: Some(404), .. }), "{e:?}");
}

#[tokio::test]
async fn find_reads_the_listing_when_accounts_are_matched_by_more_than_their_email() {
    let s = setup_spec("  correlate: [{email: {}}, {attribute: {attribute: jira}}]\n").await;
    users_page(&s, None, page(vec![user("a1", "ann@example.com"), user("a2", "x@example.com")], None)).await;
    groups(&s, vec![group("g1", "jira-software-users")], &[]).await;
    let l = s.atlassian.find(&keys(&["ann@example.com"], &["a2"])).await.unwrap();
    assert_eq!(l.accounts.len(), 2);
    assert!(s.requests().await.iter().all(|r| r.method.as_str() == "GET"), "no search");
}

// ---------------------------------------------------------------- changes

#[tokio::test]
async fn suspend_restore_and_remove_are_sent_and_reruns_are_already_done() {
    let s = setup().await;
    let auth = format!("Bearer {KEY}");
    for verb in ["suspend", "restore"] {
        Mock::given(method("POST"))
            .and(path(p(&format!("/users/a1/{verb}"))))
            .and(header("authorization", auth.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "ok"})))
            .up_to_n_times(1)
            .mount(&s.server)
            .await;
        Mock::given(method("POST"))
            .and(path(p(&format!("/users/a1/{verb}"))))
            .respond_with(errors(400, "ADMIN-400", "Bad Request", &format!("User is already {verb}ed")))
            .mount(&s.server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path(p("/users/a1")))
        .and(header("authorization", auth.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/users/a1")))
        .respond_with(errors(404, "ADMIN-404", "Not Found", "User not found"))
        .mount(&s.server)
        .await;

    for (action, applied) in
        [(Action::Suspend, "suspended a1"), (Action::Restore, "restored a1"), (Action::Delete, "removed a1")]
    {
        let out = s.atlassian.apply(&change(action, "a1")).await.unwrap();
        assert!(matches!(&out, Outcome::Applied(t) if t.starts_with(applied)), "{action:?}: {out:?}");
        let again = s.atlassian.apply(&change(action, "a1")).await.unwrap();
        assert!(matches!(&again, Outcome::AlreadyDone(_)), "{action:?} rerun: {again:?}");
    }
    let reqs = s.requests().await;
    assert!(reqs.iter().all(|r| r.body.is_empty()), "lifecycle calls carry no body");
}

#[tokio::test]
async fn restore_of_a_removed_user_is_an_error_with_atlassians_words() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path(p("/users/a1/restore")))
        .respond_with(errors(404, "ADMIN-404-2", "Not Found", "User a1 is not in this directory"))
        .mount(&s.server)
        .await;
    let e = s.atlassian.apply(&change(Action::Restore, "a1")).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains(&format!("POST {}{}", s.server.uri(), p("/users/a1/restore"))), "{shown}");
    assert!(shown.contains("ADMIN-404-2: Not Found: User a1 is not in this directory"), "{shown}");
    assert_no_key(&e);
}

#[tokio::test]
async fn a_role_change_swaps_product_access_groups_and_groups_change_by_id() {
    let s = setup().await;
    groups(
        &s,
        vec![group("g1", "jira-software-users"), group("g2", "jira-admins"), group("g3", "design"), group("g4", "ops")],
        &[],
    )
    .await;
    for gid in ["g2", "g3"] {
        Mock::given(method("POST"))
            .and(path(p(&format!("/groups/{gid}/memberships"))))
            .and(body_json(json!({"accountId": "a1"})))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&s.server)
            .await;
    }
    // Already in the users' group: Atlassian says so, and it is no error.
    Mock::given(method("POST"))
        .and(path(p("/groups/g1/memberships")))
        .respond_with(errors(409, "ADMIN-409", "Conflict", "User is already a member of the group"))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(p("/groups/g4/memberships/a1")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, "a1");
    c.role = Some(Box::new(RoleChange { from: Some("jira-user".into()), to: "jira-admin".into() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["design".into()], remove: vec!["ops".into()] }));
    let out = s.atlassian.apply(&c).await.unwrap();
    let Outcome::Applied(t) = &out else { panic!("{out:?}") };
    assert!(t.contains("role jira-admin") && t.contains("joined jira-admins") && t.contains("joined design"), "{t}");
    assert!(t.contains("left ops") && !t.contains("left jira-software-users"), "{t}");

    // Down again: the admins' group is left, the users' group kept.
    Mock::given(method("DELETE"))
        .and(path(p("/groups/g2/memberships/a1")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut down = change(Action::Update, "a1");
    down.role = Some(Box::new(RoleChange { from: Some("jira-admin".into()), to: "jira-user".into() }));
    let out = s.atlassian.apply(&down).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(t) if t.contains("left jira-admins") && t.contains("already in jira-software-users")),
        "{out:?}"
    );
    // The groups were read once and then taken from the cache.
    let reads = s.requests().await.into_iter().filter(|r| r.method.as_str() == "GET").count();
    assert_eq!(reads, 1);
}

#[tokio::test]
async fn a_group_the_directory_lacks_fails_before_anything_is_sent() {
    let s = setup().await;
    groups(&s, vec![group("g1", "jira-software-users")], &[]).await;
    let mut c = change(Action::Update, "a1");
    c.groups = Some(Box::new(GroupChange { add: vec!["no-such-group".into()], remove: vec![] }));
    let e = s.atlassian.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("there is no group `no-such-group`"), "{e}");
    let mut c = joiner();
    c.groups = Some(Box::new(GroupChange { add: vec!["no-such-group".into()], remove: vec![] }));
    let e = s.atlassian.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("there is no group `no-such-group`"), "{e}");
    assert!(s.requests().await.iter().all(|r| r.method.as_str() == "GET"));
}

fn joiner() -> Change {
    let mut c = Change::new(
        "jira",
        Action::Create,
        AccountRef { email: Some("new@example.com".into()), ..Default::default() },
        "test",
    );
    c.role = Some(Box::new(RoleChange { from: None, to: "jira-user".into() }));
    c
}

#[tokio::test]
async fn a_joiner_is_invited_into_the_roles_and_the_grants_groups_and_shows_as_invited() {
    let s = setup().await;
    groups(&s, vec![group("g1", "jira-software-users"), group("g3", "design")], &[]).await;
    Mock::given(method("POST"))
        .and(path("/admin/v2/orgs/org-1/users/invite"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"emails": ["new@example.com"], "groupIds": ["g1", "g3"]})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"message": "accepted"})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = joiner();
    c.groups = Some(Box::new(GroupChange { add: vec!["design".into()], remove: vec![] }));
    let out = s.atlassian.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(t) if t.starts_with("invited new@example.com into jira-software-users, design")),
        "{out:?}"
    );

    let mut pending = user("p1", "new@example.com");
    pending["membershipStatus"] = json!("pending");
    users_page(&s, None, page(vec![pending], None)).await;
    let l = s.atlassian.list().await.unwrap();
    assert_eq!(l.accounts[0].status, AccountStatus::Invited);
}

#[tokio::test]
async fn a_refused_invitation_names_the_call_and_atlassians_reason() {
    let s = setup().await;
    groups(&s, vec![group("g1", "jira-software-users")], &[]).await;
    Mock::given(method("POST"))
        .and(path("/admin/v2/orgs/org-1/users/invite"))
        .respond_with(errors(403, "ADMIN-403-7", "Forbidden", "Inviting users needs a paid subscription"))
        .mount(&s.server)
        .await;
    let e = s.atlassian.apply(&joiner()).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("POST ") && shown.contains("/admin/v2/orgs/org-1/users/invite"), "{shown}");
    assert!(shown.contains("cannot invite new@example.com"), "{shown}");
    assert!(shown.contains("ADMIN-403-7: Forbidden: Inviting users needs a paid subscription"), "{shown}");
    assert_no_key(&e);
}
