#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.github` as a policy: what is refused, where, and how a
//! plan hands the GitHub connector the login HR records.

mod common;

use common::*;
use keyward_core::PolicySet;
use keyward_core::action::Action;
use keyward_core::resources::SecretKeyRef;

/// Line 1 of the file is `apiVersion` of the Application.
fn github_app(connector: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: github}}\nspec:\n  connector:\n    github: {connector}\n  correlate:\n    - attribute: {{attribute: github, accountField: username}}\n{extra_spec}"
    )
}

/// Loads the Application first (so positions are its own) and a
/// PeopleSource after it; the diagnostics, or none.
fn load(app: &str, more: &str) -> Result<PolicySet, String> {
    load_file("policies/github.yaml", format!("{app}---\n{PEOPLE_SOURCE}---\n{more}"))
}

fn refused(app: &str, more: &str) -> String {
    match load(app, more) {
        Ok(_) => panic!("loaded:\n{app}{more}"),
        Err(e) => e,
    }
}

const OK: &str = "{org: example-corp, token: {env: GITHUB_TOKEN}}";

#[test]
fn a_github_organisation_loads_with_defaults_and_names_its_secret_for_the_controller() {
    let set = load(&github_app(OK, ""), "").unwrap();
    let gh = set.applications[0].spec.connector.github.as_ref().unwrap();
    assert_eq!(gh.api_url(), "https://api.github.com");
    assert!(gh.teams());
    assert!(set.applications[0].spec.connector.secret_refs().is_empty());

    let set =
        load(&github_app("{org: example-corp, token: {secret: {name: keyward-credentials, key: github}}}", ""), "")
            .unwrap();
    let refs = set.applications[0].spec.connector.secret_refs();
    assert_eq!(refs, vec![&SecretKeyRef { name: "keyward-credentials".into(), key: "github".into() }]);
}

#[test]
fn a_token_written_into_the_policy_is_refused_at_its_position() {
    let e = refused(&github_app("{org: example-corp, token: {env: ghp_abc123-secret}}", ""), "");
    assert!(
        e.contains("policies/github.yaml:6:46: error: `ghp_abc123-secret` is not an environment variable name"),
        "{e}"
    );
    assert!(e.contains("never write the token itself here"), "{e}");

    let e = refused(&github_app("{org: example-corp, token: {env: A, file: b}}", ""), "");
    assert!(e.contains("policies/github.yaml:6:40: error: the token must come from exactly one of"), "{e}");
    assert!(e.contains("token: {env: GITHUB_TOKEN}"), "{e}");
}

#[test]
fn an_organisation_that_cannot_be_a_login_and_a_bad_api_url_are_refused() {
    let e = refused(&github_app("{org: example corp, token: {env: T}, apiUrl: 'ghe.example.com/api/v3'}", ""), "");
    assert!(e.contains("policies/github.yaml:6:19: error: `example corp` is not a GitHub organisation login"), "{e}");
    assert!(e.contains("`ghe.example.com/api/v3` is not an http(s) URL"), "{e}");
    assert!(e.contains("https://HOST/api/v3"), "{e}");
    // A hyphen at either end is not a login either.
    for org in ["-corp", "corp-", "ex_corp"] {
        let e = refused(&github_app(&format!("{{org: '{org}', token: {{env: T}}}}"), ""), "");
        assert!(e.contains("is not a GitHub organisation login"), "{org}: {e}");
    }
}

#[test]
fn two_connectors_are_refused_and_github_is_one_of_the_choices() {
    let app = github_app(OK, "")
        .replace("    github:", "    csvExport: {path: g.csv, columns: {username: login}}\n    github:");
    let e = refused(&app, "");
    assert!(e.contains("the application sets more than one connector"), "{e}");
    assert!(e.contains("`csvExport`, `scim`, `github`"), "{e}");
}

#[test]
fn roles_other_than_member_and_admin_are_refused_in_the_app_and_in_grants() {
    let e = refused(&github_app(OK, "  roles: [member, owner]\n"), "");
    assert!(e.contains("policies/github.yaml:9:19: error: `owner` is not a GitHub organisation role"), "{e}");
    assert!(e.contains("help: use member or admin"), "{e}");

    let grant = access("eng", "{}", "[{app: github, role: maintainer}]");
    let e = refused(&github_app(OK, ""), &grant);
    assert!(e.contains("`maintainer` is not a GitHub organisation role"), "{e}");

    // Admin in any case is an organisation owner.
    load(&github_app(OK, "  roles: [member, Admin]\n"), &access("eng", "{}", "[{app: github, role: admin}]")).unwrap();
}

#[test]
fn grants_name_teams_by_slug_and_none_when_teams_are_off() {
    let e = refused(&github_app(OK, ""), &access("eng", "{}", "[{app: github, groups: [Platform Team]}]"));
    assert!(e.contains("`Platform Team` is not a GitHub team slug"), "{e}");
    assert!(e.contains("github.com/orgs/ORG/teams/SLUG"), "{e}");
    load(&github_app(OK, ""), &access("eng", "{}", "[{app: github, groups: [platform-team, sre_oncall]}]")).unwrap();

    let off = github_app("{org: example-corp, token: {env: T}, teams: false}", "");
    let e = refused(&off, &access("eng", "{}", "[{app: github, groups: [platform]}]"));
    assert!(e.contains("error: application `github` manages no groups (spec.connector.github.teams is false)"), "{e}");
    load(&off, &access("eng", "{}", "[{app: github, role: member}]")).unwrap();
}

#[test]
fn a_joiners_create_carries_the_login_hr_records_and_none_without_one() {
    let set = policy(&format!(
        "{}---\n{}",
        github_app(OK, "  defaultRole: member\n"),
        access("everyone", "{}", "[{app: github, groups: [platform]}]")
    ));
    let mut with = person("E1", "ann@example.com", "開発本部");
    with.attributes.insert("github".into(), " @AnnLee ".into());
    let without = person("E2", "bob@example.com", "開発本部");
    let plan = plan_on(&set, &people(vec![with, without]), vec![], today());

    let ann = find(&plan, Action::Create, "ann@example.com");
    assert_eq!(ann.account.username.as_deref(), Some("AnnLee"));
    assert_eq!(ann.groups.as_ref().unwrap().add, vec!["platform"]);
    let bob = find(&plan, Action::Create, "bob@example.com");
    assert_eq!(bob.account.username, None);
}
