#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The SCIM connector against the real `scim2-server` (keyward-testkit):
//! listing with paging and memberships, create, suspend, restore, delete,
//! group changes and adoption after a 409 — with PATCH + ETags (the
//! server's default) and with PATCH switched off (GET + PUT).

use std::time::Duration;

use keyward_connectors::http::RetryPolicy;
use keyward_connectors::scim::Scim;
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, Profile, RoleChange};
use keyward_core::{PolicySet, SourceFile};
use keyward_testkit::ScimServer;
use serde_json::{Value, json};

const TOKEN: &str = "kw-REAL-SERVER-TOKEN-5e8a31";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

fn connector(dir: &std::path::Path, url: &str, scim_extra: &str) -> Scim {
    std::fs::write(dir.join("token"), TOKEN).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"{url}\", token: {{file: token}}{scim_extra}}}\n  apply: {{requestsPerSecond: 1000}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.join("apps.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let app = &set.applications[0];
    Scim::new(&set.locator(&app.origin), app, app.spec.connector.scim.as_ref().unwrap()).unwrap().with_retry(
        RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(5),
            min_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
        },
    )
}

fn person(name: &str, id: &str) -> Value {
    json!({
        "userName": format!("{name}@example.com"),
        "externalId": id,
        "displayName": name,
        "emails": [{"value": format!("{name}@example.com"), "type": "work", "primary": true}],
        "active": true
    })
}

fn change(action: Action, id: Option<&str>) -> Change {
    Change::new("app", action, AccountRef { id: id.map(Into::into), ..Default::default() }, "test")
}

fn create(email: &str, person: &str, groups: &[&str]) -> Change {
    let mut c = change(Action::Create, None);
    c.account = AccountRef { email: Some(email.into()), display_name: Some("New Person".into()), ..Default::default() };
    c.person = Some(PersonRef { id: person.into(), email: Some(email.into()), name: Some("New Person".into()) });
    c.role = Some(Box::new(RoleChange { from: None, to: "member".into() }));
    if !groups.is_empty() {
        c.groups =
            Some(Box::new(GroupChange { add: groups.iter().map(|g| (*g).to_owned()).collect(), remove: vec![] }));
    }
    c.profile = Some(Box::default());
    c
}

fn applied(o: &Outcome) -> &str {
    match o {
        Outcome::Applied(t) => t,
        Outcome::AlreadyDone(t) => panic!("expected a change, got AlreadyDone({t})"),
    }
}

#[tokio::test]
async fn lists_every_user_across_short_pages_with_memberships() {
    let mut config = ScimServer::default_config();
    // The server hands out at most 2 per page whatever keyward asks for.
    config["pagination"] = json!({"cursor": false, "index": true, "defaultPageSize": 2, "maxPageSize": 2});
    let server = ScimServer::start_with_config(TOKEN, config).await;
    let mut ids = Vec::new();
    for (i, name) in ["ann", "bob", "cho", "dev", "eve"].iter().enumerate() {
        let mut u = person(name, &format!("E{i}"));
        if *name == "bob" {
            u["active"] = json!(false);
            u["roles"] = json!([{"value": "admin", "primary": true}]);
            u["schemas"] = json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]);
            u[ENTERPRISE] = json!({"employeeNumber": "E1", "department": "Sales"});
        }
        ids.push(server.create_user(u).await);
    }
    server.create_group("eng", &[&ids[0], &ids[1]]).await;
    server.create_group("ops", &[&ids[0]]).await;

    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &server.url(), ", pageSize: 100");
    let listing = scim.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 5);
    let ann = listing.accounts.iter().find(|a| a.id == ids[0]).unwrap();
    assert_eq!(ann.groups, vec!["eng", "ops"]);
    assert_eq!(ann.email.as_deref(), Some("ann@example.com"));
    assert_eq!(ann.external_id.as_deref(), Some("E0"));
    assert_eq!(ann.status, AccountStatus::Active);
    let bob = listing.accounts.iter().find(|a| a.id == ids[1]).unwrap();
    assert_eq!(bob.status, AccountStatus::Suspended);
    assert_eq!(bob.role.as_deref(), Some("admin"));
    assert_eq!(bob.groups, vec!["eng"]);
    assert_eq!(bob.attributes.get("department").map(String::as_str), Some("Sales"));
    assert_eq!(bob.attributes.get("employeeNumber").map(String::as_str), Some("E1"));
    assert!(listing.source.starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn create_suspend_restore_delete_with_patch_and_etags() {
    let server = ScimServer::start(TOKEN).await;
    let boss = server.create_user(person("boss", "E001")).await;
    server.create_group("sales", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &server.url(), ", enterprise: [employeeNumber, department, manager]");

    let mut c = create("new@example.com", "E100", &["sales"]);
    c.profile = Some(Box::new(Profile {
        department: Some("Sales/Tokyo".into()),
        manager: Some(PersonRef { id: "E001".into(), email: Some("boss@example.com".into()), name: None }),
        ..Default::default()
    }));
    let out = scim.apply(&c).await.unwrap();
    assert!(applied(&out).starts_with("created "), "{out:?}");
    let made = server.user_by_user_name("new@example.com").await.unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["externalId"], "E100");
    assert_eq!(made["active"], true);
    assert_eq!(made["roles"][0]["value"], "member");
    assert_eq!(made[ENTERPRISE]["employeeNumber"], "E100");
    assert_eq!(made[ENTERPRISE]["department"], "Sales/Tokyo");
    assert_eq!(made[ENTERPRISE]["manager"]["value"], boss.as_str());
    assert_eq!(server.group_members("sales").await, vec![id.clone()]);

    assert_eq!(
        scim.apply(&change(Action::Suspend, Some(&id))).await.unwrap(),
        Outcome::Applied(format!("suspended {id}"))
    );
    assert_eq!(server.user(&id).await.unwrap()["active"], false);
    // Suspending again (a rerun) is harmless.
    scim.apply(&change(Action::Suspend, Some(&id))).await.unwrap();
    assert_eq!(server.user(&id).await.unwrap()["active"], false);
    assert_eq!(
        scim.apply(&change(Action::Restore, Some(&id))).await.unwrap(),
        Outcome::Applied(format!("restored {id}"))
    );
    assert_eq!(server.user(&id).await.unwrap()["active"], true);

    assert_eq!(
        scim.apply(&change(Action::Delete, Some(&id))).await.unwrap(),
        Outcome::Applied(format!("deleted {id}"))
    );
    assert!(server.user(&id).await.is_none());
    assert!(matches!(scim.apply(&change(Action::Delete, Some(&id))).await.unwrap(), Outcome::AlreadyDone(_)));
    assert!(matches!(scim.apply(&change(Action::Suspend, Some(&id))).await.unwrap(), Outcome::AlreadyDone(_)));
    let e = scim.apply(&change(Action::Restore, Some(&id))).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Http { status: Some(404), .. }), "{e}");
}

#[tokio::test]
async fn update_changes_role_and_groups() {
    let server = ScimServer::start(TOKEN).await;
    let ann = server.create_user(person("ann", "E1")).await;
    let other = server.create_user(person("zed", "E9")).await;
    server.create_group("eng", &[&other]).await;
    server.create_group("ops", &[&ann, &other]).await;
    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &server.url(), "");

    let mut c = change(Action::Update, Some(&ann));
    c.role = Some(Box::new(RoleChange { from: None, to: "admin".into() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["eng".into()], remove: vec!["ops".into()] }));
    let out = scim.apply(&c).await.unwrap();
    assert_eq!(applied(&out), format!("{ann}: role admin, joined eng, left ops"));
    assert_eq!(server.user(&ann).await.unwrap()["roles"][0]["value"], "admin");
    let mut eng = server.group_members("eng").await;
    eng.sort();
    let mut want = vec![ann.clone(), other.clone()];
    want.sort();
    assert_eq!(eng, want);
    assert_eq!(server.group_members("ops").await, vec![other.clone()]);

    // The same change again (a rerun) changes nothing that matters.
    scim.apply(&c).await.unwrap();
    assert_eq!(server.user(&ann).await.unwrap()["roles"][0]["value"], "admin");
    assert_eq!(server.group_members("ops").await, vec![other.clone()]);
    let mut eng = server.group_members("eng").await;
    eng.sort();
    assert_eq!(eng.len(), 2, "joined once: {eng:?}");

    let listing = scim.list().await.unwrap();
    let a = listing.accounts.iter().find(|a| a.id == ann).unwrap();
    assert_eq!(a.groups, vec!["eng"]);
    assert_eq!(a.role.as_deref(), Some("admin"));
}

#[tokio::test]
async fn a_409_adopts_the_existing_account_even_with_a_quote_in_its_name() {
    let server = ScimServer::start(TOKEN).await;
    let name = r#"o"brien@example.com"#;
    let mut existing = person("x", "OLD");
    existing["userName"] = json!(name);
    existing["active"] = json!(false);
    let old = server.create_user(existing).await;
    // A decoy the filter must not pick up.
    server.create_user(person("obrien", "E2")).await;
    server.create_group("sales", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &server.url(), "");

    let out = scim.apply(&create(name, "E100", &["sales"])).await.unwrap();
    let text = applied(&out);
    assert!(text.starts_with(&format!("adopted existing account {old}")), "{text}");
    let users = server.users().await;
    assert_eq!(users.len(), 2, "no duplicate: {users:?}");
    let u = server.user(&old).await.unwrap();
    assert_eq!(u["active"], true);
    assert_eq!(u["externalId"], "E100");
    assert_eq!(u["roles"][0]["value"], "member");
    assert_eq!(server.group_members("sales").await, vec![old]);
}

#[tokio::test]
async fn without_patch_changes_are_get_then_put() {
    let mut config = ScimServer::default_config();
    config["patch"] = json!({"supported": false});
    config["etag"] = json!({"supported": false});
    let server = ScimServer::start_with_config(TOKEN, config).await;
    let ann = server.create_user(person("ann", "E1")).await;
    server.create_group("eng", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &server.url(), "");

    assert_eq!(
        scim.apply(&change(Action::Suspend, Some(&ann))).await.unwrap(),
        Outcome::Applied(format!("suspended {ann}"))
    );
    let u = server.user(&ann).await.unwrap();
    assert_eq!(u["active"], false);
    assert_eq!(u["userName"], "ann@example.com", "the PUT kept the rest of the user");
    assert_eq!(u["emails"][0]["value"], "ann@example.com");

    let mut c = change(Action::Update, Some(&ann));
    c.groups = Some(Box::new(GroupChange { add: vec!["eng".into()], remove: vec![] }));
    scim.apply(&c).await.unwrap();
    assert_eq!(server.group_members("eng").await, vec![ann.clone()]);
    assert!(matches!(scim.apply(&c).await.unwrap(), Outcome::AlreadyDone(_)));

    let mut c = change(Action::Update, Some(&ann));
    c.groups = Some(Box::new(GroupChange { add: vec![], remove: vec!["eng".into()] }));
    scim.apply(&c).await.unwrap();
    assert!(server.group_members("eng").await.is_empty());
}

#[tokio::test]
async fn a_targeted_lookup_finds_a_persons_accounts_in_one_request() {
    let server = ScimServer::start(TOKEN).await;
    let ann = server.create_user(person("ann", "E1")).await;
    // A second account of Ann's, known only by her employee number.
    let mut old = person("ann.old", "E1");
    old["emails"] = json!([{"value": "ann.old@legacy.example", "primary": true}]);
    let ann_old = server.create_user(old).await;
    let bob = server.create_user(person("bob", "E2")).await;
    server.create_group("eng", &[&ann, &bob]).await;
    // A hostile e-mail in the HR data must stay a value.
    server.create_user(person("eve", "E3")).await;

    let proxy = keyward_testkit::FaultProxy::start(&server.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let scim = connector(dir.path(), &proxy.url(), "");
    scim.list().await.unwrap(); // warms discovery and the membership cache, as a controller has
    proxy.reset_log();

    let keys = keyward_connectors::PersonKeys {
        ids: vec!["E1".into()],
        emails: vec!["ANN@example.com".into()],
        user_names: vec![r#"x" or userName pr or userName eq "y"#.into()],
    };
    let found = scim.find(&keys).await.unwrap();
    let mut ids: Vec<&str> = found.accounts.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    let mut want = vec![ann.as_str(), ann_old.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want, "Ann's two accounts, nobody else's");
    assert_eq!(proxy.count(), 1, "one request: {:?}", proxy.requests());
    let a = found.accounts.iter().find(|a| a.id == ann).unwrap();
    assert_eq!(a.groups, vec!["eng"], "memberships from the last listing");
}
