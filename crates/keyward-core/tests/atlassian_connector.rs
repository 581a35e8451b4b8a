#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.atlassian` as a policy: what is refused, where, and what
//! a plan hands the connector for a joiner and a leaver.

mod common;

use std::collections::BTreeMap;

use common::*;
use keyward_core::PolicySet;
use keyward_core::account::{AccountListing, Capabilities};
use keyward_core::action::Action;
use keyward_core::resources::SecretKeyRef;

/// Line 1 of the file is `apiVersion` of the Application; the connector
/// is on line 6.
fn atlassian_app(connector: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: jira}}\nspec:\n  connector:\n    atlassian: {connector}\n{extra_spec}---\n"
    )
}

fn load(app: &str, more: &str) -> Result<PolicySet, String> {
    load_file("policies/jira.yaml", format!("{app}{PEOPLE_SOURCE}---\n{more}"))
}

fn refused(app: &str, more: &str) -> String {
    match load(app, more) {
        Ok(_) => panic!("loaded:\n{app}{more}"),
        Err(e) => e,
    }
}

const OK: &str = "{orgId: 5a2b-org, apiKey: {secret: {name: keyward-credentials, key: atlassian}}, productAccess: {jira-user: [jira-software-users]}}";

#[test]
fn an_organisation_loads_with_defaults_and_names_its_secret_for_the_controller() {
    let set = load(&atlassian_app(OK, "  roles: [jira-user]\n"), "").unwrap();
    let a = set.applications[0].spec.connector.atlassian.as_ref().unwrap();
    assert_eq!(a.api_url(), "https://api.atlassian.com");
    assert_eq!(a.directory_id(), "-");
    assert_eq!(
        set.applications[0].spec.connector.secret_refs(),
        vec![&SecretKeyRef { name: "keyward-credentials".into(), key: "atlassian".into() }]
    );
}

#[test]
fn bad_ids_key_url_and_empty_product_access_are_refused_at_their_place() {
    let e = refused(
        &atlassian_app(
            "{orgId: 'my org', directoryId: 'a/b', apiKey: {env: ATATT3x-secret}, apiUrl: api.atlassian.com, productAccess: {jira-user: []}}",
            "",
        ),
        "",
    );
    assert!(e.contains("policies/jira.yaml:6:24: error: `my org` is not an Atlassian organisation id"), "{e}");
    assert!(e.contains("`a/b` is not a directory id"), "{e}");
    assert!(e.contains("`ATATT3x-secret` is not an environment variable name"), "{e}");
    assert!(e.contains("never write the api key itself here"), "{e}");
    assert!(e.contains("`api.atlassian.com` is not an http(s) URL"), "{e}");
    assert!(e.contains("role `jira-user` names no group"), "{e}");
}

#[test]
fn roles_must_have_product_access_groups() {
    let e = refused(&atlassian_app(OK, "  roles: [jira-user, jira-admin]\n  defaultRole: jira-user\n"), "");
    assert!(
        e.contains("policies/jira.yaml:7:22: error: role `jira-admin` has no product-access groups, so the Atlassian connector cannot give it"),
        "{e}"
    );
    assert!(e.contains("map it under `spec.connector.atlassian.productAccess`"), "{e}");
    assert!(!e.contains("role `jira-user` has no"), "{e}");
}

#[test]
fn a_joiners_invitation_carries_the_role_and_groups_and_a_leaver_is_suspended() {
    let set = policy(&format!(
        "{}{}",
        atlassian_app(OK, "  roles: [jira-user]\n"),
        access("everyone", "{}", "[{app: jira, role: jira-user, groups: [design]}]")
    ));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(jiff::civil::date(2026, 11, 20));
    let ppl = people(vec![person("E1", "joiner@example.com", "営業本部"), leaver]);
    let mut listed = account("leaver@example.com");
    listed.role = Some("jira-user".into());
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
    listings.insert("jira".to_owned(), AccountListing::new("atlassian", vec![listed]).with_capabilities(caps));
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();

    let joiner = find(&plan, Action::Create, "joiner@example.com");
    assert_eq!(joiner.role.as_ref().unwrap().to, "jira-user");
    assert_eq!(joiner.groups.as_ref().unwrap().add, vec!["design"]);
    find(&plan, Action::Suspend, "leaver@example.com");
}

#[test]
fn grants_name_product_access_through_the_role_not_its_groups() {
    let e = refused(
        &atlassian_app(OK, "  roles: [jira-user]\n"),
        &access("eng", "{}", "[{app: jira, groups: [design, Jira-Software-Users]}]"),
    );
    assert!(
        e.contains(
            "error: group `Jira-Software-Users` grants the product access of role `jira-user` in application `jira`"
        ),
        "{e}"
    );
    assert!(e.contains("grant `role: jira-user` instead"), "{e}");
    assert!(!e.contains("group `design`"), "{e}");
    load(
        &atlassian_app(OK, "  roles: [jira-user]\n"),
        &access("eng", "{}", "[{app: jira, role: jira-user, groups: [design]}]"),
    )
    .unwrap();
}
