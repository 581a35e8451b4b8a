#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The LDAP connector against a real OpenLDAP slapd (keyward-testkit's
//! LdapServer): a paged listing with memberships and status, a listing the
//! directory cuts short, create and adoption, group changes, suspension by
//! password lock and by group, delete, and a refused bind; over TLS
//! (`ldaps://` and StartTLS) with a private CA trusted through `tls.caFile`,
//! and the certificates it refuses.

use keyward_connectors::ldap::Ldap;
use keyward_connectors::{ClusterSecrets, Connector, ConnectorError, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef};
use keyward_core::{PolicySet, SourceFile};
use keyward_testkit::ldap::{GROUPS_DN, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD, other_ca_file, test_ca_file};
use keyward_testkit::{LdapOptions, LdapServer, ServerCertificate};

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

/// The Application `dir` on `server`, binding as the service account with
/// `password` (read from a file); `extra` adds connector fields.
fn connector_with(dir: &std::path::Path, url: &str, password: &str, extra: &str) -> Ldap {
    try_connector(dir, url, password, extra).unwrap()
}

fn try_connector(dir: &std::path::Path, url: &str, password: &str, extra: &str) -> Result<Ldap, ConnectorError> {
    std::fs::write(dir.join("ldap-password"), password).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: dir}}\nspec:\n  connector:\n    ldap:\n      url: {url}\n      bindDn: {SERVICE_DN}\n      password: {{file: ldap-password}}\n      baseDn: {PEOPLE_DN}\n      groupsDn: {GROUPS_DN}\n{extra}"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.join("apps.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let app = &set.applications[0];
    Ldap::new(&set.locator(&app.origin), app, app.spec.connector.ldap.as_ref().unwrap())
}

fn connector(dir: &std::path::Path, server: &LdapServer, extra: &str) -> Ldap {
    connector_with(dir, &server.url(), SERVICE_PASSWORD, extra)
}

fn change(action: Action, id: &str) -> Change {
    Change::new("dir", action, AccountRef { id: Some(id.into()), ..Default::default() }, "test")
}

fn create(email: &str, person: &str, groups: &[&str]) -> Change {
    let mut c = Change::new("dir", Action::Create, AccountRef::default(), "test");
    c.account = AccountRef { email: Some(email.into()), display_name: Some("New Person".into()), ..Default::default() };
    c.person = Some(PersonRef { id: person.into(), email: Some(email.into()), name: Some("New Person".into()) });
    if !groups.is_empty() {
        c.groups =
            Some(Box::new(GroupChange { add: groups.iter().map(|g| (*g).to_owned()).collect(), remove: vec![] }));
    }
    c
}

fn groups(add: &[&str], remove: &[&str]) -> Change {
    let mut c = change(Action::Update, "ann");
    c.groups = Some(Box::new(GroupChange {
        add: add.iter().map(|g| (*g).to_owned()).collect(),
        remove: remove.iter().map(|g| (*g).to_owned()).collect(),
    }));
    c
}

fn applied(o: &Outcome) -> &str {
    match o {
        Outcome::Applied(t) => t,
        Outcome::AlreadyDone(t) => panic!("expected a change, got AlreadyDone({t})"),
    }
}

fn already(o: &Outcome) -> &str {
    match o {
        Outcome::AlreadyDone(t) => t,
        Outcome::Applied(t) => panic!("expected nothing to do, got Applied({t})"),
    }
}

async fn lock(server: &LdapServer, dn: &str) {
    server.set_locked_time(dn, "000001010000Z").await;
}

#[tokio::test]
async fn lists_every_person_across_small_pages_with_groups_and_status() {
    let server = LdapServer::start().await;
    let mut dns = Vec::new();
    for (i, uid) in ["ann", "bob", "cho", "dev", "eve", "fay"].iter().enumerate() {
        dns.push(server.add_person(uid, Some(&format!("E{i}")), None).await);
    }
    lock(&server, &dns[1]).await;
    server.add_group("eng", &[&dns[0], &dns[1]]).await;
    // A groupOfUniqueNames naming ann in another spelling of her DN.
    server
        .add(&format!(
            "dn: cn=ops,{GROUPS_DN}\nobjectClass: groupOfUniqueNames\ncn: ops\nuniqueMember: UID=Ann, ou=People,dc=example,dc=com\n"
        ))
        .await;
    // Not a person: outside the default user filter.
    server.add(&format!("dn: cn=printer,{PEOPLE_DN}\nobjectClass: device\ncn: printer\n")).await;

    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "      pageSize: 2\n");
    let listing = ldap.list().await.unwrap();
    let mut ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["ann", "bob", "cho", "dev", "eve", "fay"]);
    let ann = listing.accounts.iter().find(|a| a.id == "ann").unwrap();
    assert_eq!(ann.username.as_deref(), Some("ann"));
    assert_eq!(ann.email.as_deref(), Some("ann@example.com"));
    assert_eq!(ann.display_name.as_deref(), Some("ann person"));
    assert_eq!(ann.external_id.as_deref(), Some("E0"));
    assert_eq!(ann.groups, vec!["eng", "ops"]);
    assert_eq!(ann.status, AccountStatus::Active);
    assert_eq!(ann.attributes.get("dn"), Some(&dns[0]));
    let bob = listing.accounts.iter().find(|a| a.id == "bob").unwrap();
    assert_eq!(bob.status, AccountStatus::Suspended);
    assert_eq!(bob.groups, vec!["eng"]);
    assert!(listing.accounts.iter().find(|a| a.id == "cho").unwrap().groups.is_empty());
    assert_eq!(listing.capabilities, ldap.capabilities());
    assert!(listing.capabilities.groups && listing.capabilities.suspend && !listing.capabilities.transfer);
    assert!(listing.source.starts_with("ldap://127.0.0.1:"), "{}", listing.source);
}

#[tokio::test]
async fn a_listing_the_directory_cuts_short_is_an_error_not_a_shorter_list() {
    let server = LdapServer::start_with(LdapOptions { paged_total_limit: Some(3), ..Default::default() }).await;
    for uid in ["ann", "bob", "cho", "dev", "eve"] {
        server.add_person(uid, None, None).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let e = connector(dir.path(), &server, "      pageSize: 2\n").list().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Partial { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("sizeLimitExceeded") && text.contains(PEOPLE_DN) && text.contains("after 3 entries"),
        "{text}"
    );
}

#[tokio::test]
async fn an_entry_without_an_id_fails_the_listing_rather_than_being_skipped() {
    let server = LdapServer::start().await;
    server.add_person("ann", None, None).await;
    server.add(&format!("dn: cn=no uid,{PEOPLE_DN}\nobjectClass: inetOrgPerson\ncn: no uid\nsn: uid\n")).await;
    let dir = tempfile::tempdir().unwrap();
    let e = connector(dir.path(), &server, "").list().await.unwrap_err();
    assert!(
        e.to_string().contains("cn=no uid,ou=people,dc=example,dc=com") && e.to_string().contains("has no uid"),
        "{e}"
    );
}

#[tokio::test]
async fn create_adds_the_entry_and_its_groups_and_a_second_apply_is_already_done() {
    let server = LdapServer::start().await;
    server.add_group("eng", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");

    let c = create("new.person@example.com", "E100", &["eng"]);
    let out = ldap.apply(&c).await.unwrap();
    let dn = format!("uid=new.person,{PEOPLE_DN}");
    assert_eq!(applied(&out), format!("created {dn} in eng"));
    let entry = server.entry(&dn).await.expect("the entry was added");
    assert_eq!(entry.first("uid"), Some("new.person"));
    assert_eq!(entry.first("cn"), Some("New Person"));
    assert_eq!(entry.first("sn"), Some("Person"));
    assert_eq!(entry.first("mail"), Some("new.person@example.com"));
    assert_eq!(entry.first("employeeNumber"), Some("E100"));
    assert!(entry.values("objectClass").iter().any(|c| c == "inetOrgPerson"));
    assert_eq!(server.members("eng").await, vec![String::new(), dn.clone()]);

    let again = ldap.apply(&c).await.unwrap();
    assert!(already(&again).contains("already exists as wanted"), "{again:?}");
    assert_eq!(server.members("eng").await.len(), 2, "no second membership");
    let listing = ldap.list().await.unwrap();
    let made = listing.accounts.iter().find(|a| a.id == "new.person").unwrap();
    assert_eq!(made.groups, vec!["eng"]);
    assert_eq!(made.external_id.as_deref(), Some("E100"));
}

#[tokio::test]
async fn a_create_meeting_an_existing_entry_adopts_it_only_when_it_is_the_same_persons() {
    let server = LdapServer::start().await;
    server.add_group("eng", &[]).await;
    // Made by hand, locked, without an employee number.
    let ann = format!("uid=ann,{PEOPLE_DN}");
    server
        .add(&format!("dn: {ann}\nobjectClass: inetOrgPerson\nuid: ann\ncn: Ann\nsn: Ann\nmail: ann@example.com\n"))
        .await;
    lock(&server, &ann).await;
    // Someone else's entry where the next create would go.
    server.add_person("bob", Some("E9"), None).await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");

    let out = ldap.apply(&create("ann@example.com", "E1", &["eng"])).await.unwrap();
    assert_eq!(applied(&out), format!("adopted existing entry {ann}: employeeNumber E1, made active, joined eng"));
    let entry = server.entry(&ann).await.unwrap();
    assert_eq!(entry.first("employeeNumber"), Some("E1"));
    assert!(entry.values("pwdAccountLockedTime").is_empty());
    assert!(server.members("eng").await.contains(&ann));

    let e = ldap.apply(&create("bob@example.com", "E2", &[])).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("belongs to someone else") && text.contains("employeeNumber E9, not E2"), "{text}");
    assert_eq!(server.entry(&format!("uid=bob,{PEOPLE_DN}")).await.unwrap().first("employeeNumber"), Some("E9"));
}

#[tokio::test]
async fn a_grant_naming_a_missing_group_fails_the_create_before_adding_anything() {
    let server = LdapServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let e = connector(dir.path(), &server, "").apply(&create("ann@example.com", "E1", &["nope"])).await.unwrap_err();
    assert!(e.to_string().contains("there is no group `nope`"), "{e}");
    assert!(server.entry(&format!("uid=ann,{PEOPLE_DN}")).await.is_none());
}

#[tokio::test]
async fn updates_join_and_leave_groups_idempotently() {
    let server = LdapServer::start().await;
    let ann = server.add_person("ann", None, None).await;
    let bob = server.add_person("bob", None, None).await;
    server.add_group("eng", &[&bob]).await;
    server.add_group("ops", &[&ann, &bob]).await;
    server.add_group("solo", &[&ann]).await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");

    let out = ldap.apply(&groups(&["eng"], &["ops"])).await.unwrap();
    assert_eq!(applied(&out), format!("{ann}: joined eng, left ops"));
    assert_eq!(server.members("eng").await, vec![bob.clone(), ann.clone()]);
    assert_eq!(server.members("ops").await, vec![bob.clone()]);
    let again = ldap.apply(&groups(&["eng"], &["ops", "gone"])).await.unwrap();
    assert_eq!(already(&again), "already in eng, not in ops, group gone no longer exists");

    // A groupOfNames keeps at least one member: the directory refuses, and the error says what to do.
    let e = ldap.apply(&groups(&[], &["solo"])).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains(&format!("LDAP modify cn=solo,{GROUPS_DN} failed: objectClassViolation (65)")), "{text}");
    assert!(text.contains("placeholder member"), "{text}");
    assert_eq!(server.members("solo").await, vec![ann]);
}

#[tokio::test]
async fn suspend_locks_the_password_and_restore_unlocks_it() {
    let server = LdapServer::start().await;
    let ann = server.add_person("ann", None, Some("ann-pw")).await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");

    assert_eq!(applied(&ldap.apply(&change(Action::Suspend, "ann")).await.unwrap()), format!("suspended {ann}"));
    assert!(!server.can_bind(&ann, "ann-pw").await, "a suspended person cannot sign in");
    assert_eq!(server.entry(&ann).await.unwrap().first("pwdAccountLockedTime"), Some("000001010000Z"));
    assert!(already(&ldap.apply(&change(Action::Suspend, "ann")).await.unwrap()).contains("already suspended"));
    let listing = ldap.list().await.unwrap();
    assert_eq!(listing.accounts[0].status, AccountStatus::Suspended);

    assert_eq!(applied(&ldap.apply(&change(Action::Restore, "ann")).await.unwrap()), format!("restored {ann}"));
    assert!(server.can_bind(&ann, "ann-pw").await);
    assert!(already(&ldap.apply(&change(Action::Restore, "ann")).await.unwrap()).contains("already active"));
    assert_eq!(ldap.list().await.unwrap().accounts[0].status, AccountStatus::Active);

    // Gone already: suspending is done, restoring is not possible.
    assert!(already(&ldap.apply(&change(Action::Suspend, "nobody")).await.unwrap()).contains("no longer exists"));
    let e = ldap.apply(&change(Action::Restore, "nobody")).await.unwrap_err();
    assert!(e.to_string().contains("no entry has uid=nobody"), "{e}");
}

#[tokio::test]
async fn a_lockout_after_failed_binds_is_not_a_suspension_and_restore_leaves_it() {
    let server = LdapServer::start().await;
    let ann = server.add_person("ann", None, None).await;
    server.set_locked_time(&ann, "20261201120000Z").await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");
    assert_eq!(ldap.list().await.unwrap().accounts[0].status, AccountStatus::Active);
    already(&ldap.apply(&change(Action::Restore, "ann")).await.unwrap());
    assert_eq!(server.entry(&ann).await.unwrap().first("pwdAccountLockedTime"), Some("20261201120000Z"));
}

#[tokio::test]
async fn with_group_suspension_suspend_and_restore_change_the_suspended_group() {
    let server = LdapServer::start().await;
    let ann = server.add_person("ann", None, Some("ann-pw")).await;
    server.add_group("suspended", &[]).await;
    server.add_group("eng", &[&ann]).await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "      suspension: group\n      suspendedGroup: suspended\n");

    assert_eq!(applied(&ldap.apply(&change(Action::Suspend, "ann")).await.unwrap()), format!("suspended {ann}"));
    assert!(server.members("suspended").await.contains(&ann));
    already(&ldap.apply(&change(Action::Suspend, "ann")).await.unwrap());
    let listing = ldap.list().await.unwrap();
    assert_eq!(listing.accounts[0].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[0].groups, vec!["eng"], "the suspended group is a status, not a grant");
    assert!(server.can_bind(&ann, "ann-pw").await, "group suspension leaves the password alone, as documented");

    applied(&ldap.apply(&change(Action::Restore, "ann")).await.unwrap());
    assert_eq!(server.members("suspended").await, vec![String::new()]);
    already(&ldap.apply(&change(Action::Restore, "ann")).await.unwrap());
    assert_eq!(ldap.list().await.unwrap().accounts[0].status, AccountStatus::Active);
}

#[tokio::test]
async fn delete_removes_the_entry_and_its_memberships_and_a_second_delete_is_already_done() {
    let server = LdapServer::start().await;
    let ann = server.add_person("ann", None, None).await;
    let bob = server.add_person("bob", None, None).await;
    server.add_group("eng", &[&ann, &bob]).await;
    server
        .add(&format!("dn: cn=ops,{GROUPS_DN}\nobjectClass: groupOfUniqueNames\ncn: ops\nuniqueMember: {bob}\nuniqueMember: {ann}\n"))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector(dir.path(), &server, "");

    let out = ldap.apply(&change(Action::Delete, "ann")).await.unwrap();
    assert!(applied(&out).starts_with(&format!("deleted {ann} (removed from ")), "{out:?}");
    assert!(server.entry(&ann).await.is_none());
    assert_eq!(server.members("eng").await, vec![bob.clone()]);
    let ops = server.entry(&format!("cn=ops,{GROUPS_DN}")).await.unwrap();
    assert_eq!(ops.values("uniqueMember"), [bob]);
    assert!(already(&ldap.apply(&change(Action::Delete, "ann")).await.unwrap()).contains("no longer exists"));
}

#[tokio::test]
async fn a_wrong_password_fails_with_the_bind_dn_and_never_the_password() {
    let server = LdapServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = "kw-WRONG-PASSWORD-91bd";
    let e = connector_with(dir.path(), &server.url(), wrong, "").list().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains(&format!("LDAP bind {SERVICE_DN} failed: invalidCredentials (49)")), "{text}");
    assert!(!text.contains(wrong) && !format!("{e:?}").contains(wrong), "{text}");
    assert!(!e.is_transient());
}

#[tokio::test]
async fn a_directory_that_is_not_there_is_a_transient_connect_error() {
    // A loopback port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let ldap = connector_with(dir.path(), &format!("ldap://127.0.0.1:{port}"), SERVICE_PASSWORD, "");
    let e = ldap.list().await.unwrap_err();
    assert!(e.to_string().contains("LDAP connect ldap://127.0.0.1:"), "{e}");
    assert!(e.is_transient(), "{e:?}");
}

#[tokio::test]
async fn build_makes_an_ldap_connector_from_the_application() {
    let server = LdapServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ldap-password"), SERVICE_PASSWORD).unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: dir}}\nspec:\n  connector:\n    ldap: {{url: \"{}\", bindDn: \"{SERVICE_DN}\", password: {{file: ldap-password}}, baseDn: \"{PEOPLE_DN}\"}}\n",
        server.url()
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let c = keyward_connectors::build(&set, &set.applications[0], &ClusterSecrets::unavailable()).unwrap();
    assert_eq!(c.kind(), "ldap");
    // Without groupsDn, memberships are neither read nor changed.
    assert!(!c.capabilities().groups);
    server.add_person("ann", None, None).await;
    assert_eq!(c.list().await.unwrap().accounts.len(), 1);
}

/// A directory serving TLS with `certificate` (signed by the test-only CA).
async fn tls_server(certificate: ServerCertificate) -> LdapServer {
    LdapServer::start_with(LdapOptions { tls: Some(certificate), ..Default::default() }).await
}

/// `tls: {caFile: ca.pem}` after copying `ca` into `dir` as `ca.pem`, so the
/// path resolves against the policy file, as a policy repository's does.
fn trusting(dir: &std::path::Path, ca: &std::path::Path) -> String {
    std::fs::copy(ca, dir.join("ca.pem")).unwrap();
    "      tls: {caFile: ca.pem}\n".to_owned()
}

fn assert_no_password(e: &ConnectorError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(SERVICE_PASSWORD), "{shown}");
}

#[tokio::test]
async fn lists_over_ldaps_when_the_private_ca_is_trusted() {
    let server = tls_server(ServerCertificate::Localhost).await;
    let ann = server.add_person("ann", Some("E1"), None).await;
    server.add_group("eng", &[&ann]).await;
    server.add_group("ops", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = trusting(dir.path(), &test_ca_file());
    let ldap = connector_with(dir.path(), &server.ldaps_url(), SERVICE_PASSWORD, &extra);
    let listing = ldap.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 1);
    assert_eq!(listing.accounts[0].id, "ann");
    assert_eq!(listing.accounts[0].groups, vec!["eng"]);
    assert!(listing.source.starts_with("ldaps://127.0.0.1:"), "{}", listing.source);
    // Changes go over the same trusted connection.
    applied(&ldap.apply(&groups(&["ops"], &[])).await.unwrap());
    assert!(server.members("ops").await.contains(&ann));
}

#[tokio::test]
async fn lists_over_start_tls_when_the_private_ca_is_trusted() {
    let server = tls_server(ServerCertificate::Localhost).await;
    server.add_person("ann", None, None).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = format!("      startTls: true\n{}", trusting(dir.path(), &test_ca_file()));
    let ldap = connector_with(dir.path(), &server.url(), SERVICE_PASSWORD, &extra);
    let ids: Vec<String> = ldap.list().await.unwrap().accounts.into_iter().map(|a| a.id.to_string()).collect();
    assert_eq!(ids, ["ann"]);
}

#[tokio::test]
async fn a_certificate_from_a_ca_nobody_trusts_fails_the_connect_and_says_to_set_the_ca_file() {
    let server = tls_server(ServerCertificate::Localhost).await;
    server.add_person("ann", None, None).await;
    let dir = tempfile::tempdir().unwrap();
    for (url, extra) in [(server.ldaps_url(), ""), (server.url(), "      startTls: true\n")] {
        let e = connector_with(dir.path(), &url, SERVICE_PASSWORD, extra).list().await.unwrap_err();
        let ConnectorError::Ldap { operation, dn, .. } = &e else { panic!("{e:?}") };
        assert_eq!((*operation, dn.as_str()), ("connect", url.as_str()));
        let text = e.to_string();
        assert!(text.contains("not signed by a CA this system trusts"), "{text}");
        assert!(text.contains("spec.connector.ldap.tls.caFile"), "{text}");
        assert_no_password(&e);
    }
}

#[tokio::test]
async fn a_ca_file_that_did_not_sign_the_certificate_fails_the_connect_naming_the_file() {
    let server = tls_server(ServerCertificate::Localhost).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = trusting(dir.path(), &other_ca_file());
    let e = connector_with(dir.path(), &server.ldaps_url(), SERVICE_PASSWORD, &extra).list().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Ldap { operation: "connect", .. }), "{e:?}");
    let text = e.to_string();
    let file = dir.path().join("ca.pem").display().to_string();
    assert!(text.contains(&format!("not signed by a CA in {file} (spec.connector.ldap.tls.caFile)")), "{text}");
    assert_no_password(&e);
}

#[tokio::test]
async fn a_start_tls_to_a_server_whose_certificate_names_another_host_fails() {
    let server = tls_server(ServerCertificate::OtherHost).await;
    server.add_person("ann", None, None).await;
    let dir = tempfile::tempdir().unwrap();
    let extra = format!("      startTls: true\n{}", trusting(dir.path(), &test_ca_file()));
    let e = connector_with(dir.path(), &server.url(), SERVICE_PASSWORD, &extra).list().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Ldap { operation: "connect", .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("not for `127.0.0.1`") && text.contains("spec.connector.ldap.url"), "{text}");
    assert_no_password(&e);
}

#[test]
fn an_unusable_ca_file_is_an_error_naming_the_field_before_anything_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let key = std::fs::read(test_ca_file().with_file_name("test-only-localhost-key.pem")).unwrap();
    let cases: [(&str, Option<&[u8]>, &str); 4] = [
        ("missing.pem", None, "cannot read the CA file"),
        ("key.pem", Some(&key), "holds no certificate"),
        (
            "broken.pem",
            Some(b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"),
            "is not valid PEM",
        ),
        (
            "garbage.pem",
            Some(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            "certificate 1 in the CA file",
        ),
    ];
    for (name, contents, says) in cases {
        if let Some(c) = contents {
            std::fs::write(dir.path().join(name), c).unwrap();
        }
        let extra = format!("      startTls: true\n      tls: {{caFile: {name}}}\n");
        let e = try_connector(dir.path(), "ldap://127.0.0.1:389", SERVICE_PASSWORD, &extra).unwrap_err();
        assert!(matches!(e, ConnectorError::NotConfigured { .. }), "{e:?}");
        let text = e.to_string();
        let file = dir.path().join(name).display().to_string();
        assert!(
            text.contains(says) && text.contains(&file) && text.contains("spec.connector.ldap.tls.caFile"),
            "{text}"
        );
    }
}
