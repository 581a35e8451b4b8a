#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.okta` as a policy: what is refused, where, and what a
//! plan hands the connector for a joiner and a leaver.

mod common;

use std::collections::BTreeMap;

use common::*;
use keyward_core::PolicySet;
use keyward_core::account::{AccountListing, Capabilities};
use keyward_core::action::Action;
use keyward_core::resources::{OktaSuspendAs, SecretKeyRef};

/// Line 1 of the file is `apiVersion` of the Application; the connector
/// is on line 6.
fn okta_app(connector: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: okta}}\nspec:\n  connector:\n    okta: {connector}\n{extra_spec}---\n"
    )
}

fn load(app: &str, more: &str) -> Result<PolicySet, String> {
    load_file("policies/okta.yaml", format!("{app}{PEOPLE_SOURCE}---\n{more}"))
}

fn refused(app: &str, more: &str) -> String {
    match load(app, more) {
        Ok(_) => panic!("loaded:\n{app}{more}"),
        Err(e) => e,
    }
}

const OK: &str = "{orgUrl: 'https://acme.okta.com', token: {secret: {name: keyward-credentials, key: okta}}}";

#[test]
fn an_organisation_loads_with_defaults_and_names_its_secret_for_the_controller() {
    let set = load(&okta_app(OK, ""), "").unwrap();
    let o = set.applications[0].spec.connector.okta.as_ref().unwrap();
    assert_eq!(o.suspend_as, OktaSuspendAs::Suspend);
    assert_eq!(
        set.applications[0].spec.connector.secret_refs(),
        vec![&SecretKeyRef { name: "keyward-credentials".into(), key: "okta".into() }]
    );
    let set = load(
        &okta_app("{orgUrl: 'https://acme.okta.com/', token: {env: OKTA_API_TOKEN}, suspendAs: deactivate}", ""),
        "",
    )
    .unwrap();
    assert_eq!(set.applications[0].spec.connector.okta.as_ref().unwrap().suspend_as, OktaSuspendAs::Deactivate);
}

#[test]
fn bad_urls_token_and_timeout_are_refused_at_their_place() {
    let e = refused(&okta_app("{orgUrl: acme.okta.com, token: {env: 00abcSSWS-token}, timeoutSeconds: 0}", ""), "");
    assert!(e.contains("policies/okta.yaml:6:20: error: `acme.okta.com` is not an http(s) URL"), "{e}");
    assert!(e.contains("`00abcSSWS-token` is not an environment variable name"), "{e}");
    assert!(e.contains("a timeout of 0 seconds fails every call"), "{e}");

    let e = refused(&okta_app("{orgUrl: 'http://acme.okta.com', token: {env: OKTA_API_TOKEN}}", ""), "");
    assert!(e.contains("policies/okta.yaml:6:20: error:"), "{e}");

    let e = refused(&okta_app("{orgUrl: 'https://acme-admin.okta.com/api/v1', token: {env: OKTA_API_TOKEN}}", ""), "");
    assert!(e.contains("policies/okta.yaml:6:20: error: `/api/v1` has a path"), "{e}");
    assert!(e.contains("write only the organisation's URL, `https://acme-admin.okta.com`"), "{e}");
    assert!(e.contains("`acme-admin.okta.com` is the Admin Console's address"), "{e}");
    assert!(e.contains("write `https://acme.okta.com`"), "{e}");

    let e = refused(
        &okta_app("{orgUrl: 'https://acme.okta.com', token: {env: OKTA_API_TOKEN}, suspendAs: delete}", ""),
        "",
    );
    assert!(e.contains("policies/okta.yaml:6:"), "{e}");
    assert!(e.contains("delete"), "{e}");
}

#[test]
fn okta_users_have_no_roles_and_everyone_is_not_a_grant() {
    let e = refused(&okta_app(OK, "  roles: [member]\n"), "");
    assert!(
        e.contains("policies/okta.yaml:7:11: error: role `member`: Okta users have no role the Okta connector can set"),
        "{e}"
    );
    assert!(e.contains("grant Okta groups instead"), "{e}");

    let e = refused(&okta_app(OK, ""), &access("eng", "{}", "[{app: okta, groups: [engineering, Everyone]}]"));
    assert!(e.contains("`Everyone` is Okta's built-in group of every user"), "{e}");
    assert!(e.contains("grant an Okta group (type OKTA_GROUP) instead"), "{e}");
    assert!(!e.contains("`engineering`"), "{e}");

    let e = refused(&okta_app(OK, ""), &access("eng", "{}", "[{app: okta, role: admin}]"));
    assert!(e.contains("is an Okta organisation, whose users have no roles to give `admin`"), "{e}");
}

#[test]
fn a_joiner_is_created_with_groups_and_a_leaver_is_suspended() {
    let set =
        policy(&format!("{}{}", okta_app(OK, ""), access("everyone", "{}", "[{app: okta, groups: [engineering]}]")));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(jiff::civil::date(2026, 11, 20));
    let ppl = people(vec![person("E1", "joiner@example.com", "営業本部"), leaver]);
    let mut listed = account("leaver@example.com");
    listed.groups = vec!["engineering".into()];
    listed.attributes.insert("oktaStatus".into(), "ACTIVE".into());
    let caps = Capabilities {
        revoke: keyward_core::account::RevokeKinds::NONE,
        create: true,
        update: true,
        suspend: true,
        restore: true,
        delete: true,
        transfer: false,
        groups: true,
    };
    let mut listings = BTreeMap::new();
    listings.insert("okta".to_owned(), AccountListing::new("okta", vec![listed]).with_capabilities(caps));
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();

    let joiner = find(&plan, Action::Create, "joiner@example.com");
    assert_eq!(joiner.role, None);
    assert_eq!(joiner.groups.as_ref().unwrap().add, vec!["engineering"]);
    find(&plan, Action::Suspend, "leaver@example.com");
}
