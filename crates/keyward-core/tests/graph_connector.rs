#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.microsoftGraph` mistakes are reported at their place,
//! with a fix, before anything is read from the tenant.

mod common;

use common::{has, problem_list};
use keyward_core::{PolicySet, SourceFile};

const HEAD: &str = "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: entra}\nspec:\n  connector:\n";

/// `(position: message, help)` of every error and warning.
fn problems(connector: &str) -> Vec<(String, String)> {
    let text = format!("{HEAD}{connector}");
    let Err(d) = PolicySet::load("policies", vec![SourceFile { path: "policies/a.yaml".into(), text }]) else {
        panic!("the policy loaded without complaint");
    };
    problem_list(&d)
}

#[test]
fn bad_graph_settings_are_errors_at_their_place() {
    let ps = problems(
        "    microsoftGraph:
      tenant: example.onmicrosoft.com
      clientId: ''
      clientSecret: {env: my-secret}
      licences: {standard: ENTERPRISEPACK}
      usageLocation: jp
      pageSize: 1000
",
    );
    has(&ps, "policies/a.yaml:8:", "Application (client) ID");
    has(&ps, "policies/a.yaml:9:", "never write the client secret itself here");
    has(&ps, "policies/a.yaml:10:", "skuId GUID");
    has(&ps, "policies/a.yaml:11:", "`JP`");
    has(&ps, "policies/a.yaml:12:", "1 to 999");
}

#[test]
fn a_graph_connector_beside_another_is_refused() {
    let ps = problems(
        "    microsoftGraph: {tenant: t.onmicrosoft.com, clientId: c, clientSecret: {env: S}}
    scim: {url: https://scim.example.com/v2, token: {env: T}}
",
    );
    has(&ps, "policies/a.yaml:6:5: the application sets more than one connector", "`microsoftGraph`");
}

#[test]
fn a_client_secret_from_two_places_is_refused() {
    let ps =
        problems("    microsoftGraph: {tenant: t.onmicrosoft.com, clientId: c, clientSecret: {env: S, file: s.txt}}\n");
    assert!(ps.iter().any(|(m, _)| m.contains("client secret must come from exactly one")), "{ps:#?}");
}
