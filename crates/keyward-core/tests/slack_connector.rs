#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.slack` as a policy: what is refused, where, and what a
//! plan leaves to a human because Slack cannot do it.

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::date;
use keyward_core::PolicySet;
use keyward_core::account::{AccountListing, Capabilities};
use keyward_core::action::Action;
use keyward_core::resources::SecretKeyRef;

/// Line 1 of the file is `apiVersion` of the Application; the connector
/// is on line 6.
fn slack_app(connector: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: slack}}\nspec:\n  connector:\n    slack: {connector}\n{extra_spec}---\n"
    )
}

fn load(app: &str, more: &str) -> Result<PolicySet, String> {
    load_file("policies/slack.yaml", format!("{app}{PEOPLE_SOURCE}---\n{more}"))
}

fn refused(app: &str, more: &str) -> String {
    match load(app, more) {
        Ok(_) => panic!("loaded:\n{app}{more}"),
        Err(e) => e,
    }
}

const OK: &str = "{token: {env: SLACK_TOKEN}, scimToken: {secret: {name: keyward-credentials, key: slack-scim}}}";

/// What the Slack connector reports with a SCIM token.
const SLACK: Capabilities = Capabilities {
    revoke: keyward_core::account::RevokeKinds::NONE,
    create: true,
    update: false,
    suspend: true,
    restore: true,
    delete: false,
    transfer: false,
    groups: true,
};

#[test]
fn a_workspace_loads_with_defaults_and_names_both_secrets_for_the_controller() {
    let set = load(&slack_app(OK, ""), "").unwrap();
    let s = set.applications[0].spec.connector.slack.as_ref().unwrap();
    assert_eq!(s.api_url(), "https://slack.com/api");
    assert_eq!(s.scim_url(), "https://api.slack.com/scim/v2");
    assert_eq!(
        set.applications[0].spec.connector.secret_refs(),
        vec![&SecretKeyRef { name: "keyward-credentials".into(), key: "slack-scim".into() }]
    );
}

#[test]
fn bad_tokens_urls_team_and_limit_are_refused_at_their_place() {
    let e = refused(
        &slack_app(
            "{token: {env: xoxb-123-abc}, scimToken: {env: A, file: b}, scimUrl: 'api.slack.com/scim/v2', teamId: acme, limit: 5000}",
            "",
        ),
        "",
    );
    assert!(e.contains("policies/slack.yaml:6:26: error: `xoxb-123-abc` is not an environment variable name"), "{e}");
    assert!(e.contains("never write the token itself here"), "{e}");
    assert!(e.contains("error: the scim token must come from exactly one of"), "{e}");
    assert!(e.contains("scimToken: {env: SLACK_SCIM_TOKEN}"), "{e}");
    assert!(e.contains("`api.slack.com/scim/v2` is not an http(s) URL"), "{e}");
    assert!(e.contains("`acme` is not a Slack workspace id"), "{e}");
    assert!(e.contains("Slack pages hold 1 to 1000 users"), "{e}");
}

#[test]
fn roles_are_slacks_and_grants_cannot_name_groups() {
    let e = refused(&slack_app(OK, "  roles: [member, moderator]\n"), "");
    assert!(e.contains("policies/slack.yaml:7:19: error: `moderator` is not a Slack role"), "{e}");
    assert!(e.contains("use member or admin or owner or multi-channel-guest or single-channel-guest"), "{e}");

    // User groups are changed through SCIM: without its token, none.
    let web_only = slack_app("{token: {env: SLACK_TOKEN}}", "");
    let e = refused(&web_only, &access("eng", "{}", "[{app: slack, groups: [eng-announce]}]"));
    assert!(e.contains("application `slack` cannot have its groups managed"), "{e}");
    assert!(e.contains("`spec.connector.slack.scimToken` is not set"), "{e}");
    assert!(e.contains("remove the groups from this grant"), "{e}");
    load(&slack_app(OK, ""), &access("eng", "{}", "[{app: slack, groups: [eng-announce]}]")).unwrap();

    load(
        &slack_app(OK, "  roles: [single-channel-guest, multi-channel-guest, member, admin]\n"),
        &access("eng", "{}", "[{app: slack, role: member}]"),
    )
    .unwrap();
}

#[test]
fn two_connectors_are_refused_and_slack_is_one_of_the_choices() {
    let app =
        slack_app(OK, "").replace("    slack:", "    csvExport: {path: s.csv, columns: {email: email}}\n    slack:");
    let e = refused(&app, "");
    assert!(e.contains("the application sets more than one connector"), "{e}");
    assert!(e.contains("`slack`"), "{e}");
}

#[test]
fn deletions_and_role_changes_are_left_to_a_human_and_the_leaver_stays_deactivated() {
    let set = policy(&format!(
        "{}{}",
        slack_app(OK, "  roles: [member, admin]\n  lifecycle: {offboarding: {deleteAfter: 30d}}\n"),
        access("everyone", "{}", "[{app: slack, role: admin}]")
    ));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 9, 30));
    let ppl = people(vec![person("E1", "stay@example.com", "営業本部"), leaver]);
    let mut gone = account("leaver@example.com");
    gone.status = keyward_core::account::AccountStatus::Suspended;
    let mut listings = BTreeMap::new();
    listings.insert(
        "slack".to_owned(),
        AccountListing::new("slack", vec![account("stay@example.com"), gone]).with_capabilities(SLACK),
    );
    let plan = keyward_core::plan(&set, &ppl, &listings, today()).unwrap();

    let delete = find(&plan, Action::Review, "leaver@example.com");
    assert_eq!(delete.proposed, Some(Action::Delete));
    assert!(delete.reason.contains("connector cannot delete accounts: do it by hand"), "{}", delete.reason);
    let role = find(&plan, Action::Review, "stay@example.com");
    assert_eq!(role.proposed, Some(Action::Update));
    assert!(role.reason.contains("cannot change roles"), "{}", role.reason);
    assert!(!plan.changes.iter().any(|c| matches!(c.action, Action::Delete | Action::Update)), "{:#?}", actions(&plan));
}
