#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.googleWorkspace` mistakes are reported at their place,
//! with a fix, before anything is read from Google.

mod common;

use common::{has, problem_list};
use keyward_core::{PolicySet, SourceFile};

/// After the Application, so its line numbers are the file's.
const PEOPLE: &str = "---\napiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, attributes: {dept: 部署}}}}\n";
const HEAD: &str = "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: workspace}\nspec:\n";

fn load(app: &str) -> Result<keyward_core::compile::Loaded, keyward_core::diag::Diagnostics> {
    let text = format!("{HEAD}{app}{PEOPLE}");
    PolicySet::load("policies", vec![SourceFile { path: "policies/a.yaml".into(), text }])
}

/// `(position: message, help)` of every error and warning.
fn problems(app: &str) -> Vec<(String, String)> {
    let Err(d) = load(app) else {
        panic!("the policy loaded without complaint");
    };
    problem_list(&d)
}

#[test]
fn bad_google_workspace_settings_are_errors_at_their_place() {
    let ps = problems(
        "  roles: [basic, standard]
  connector:
    googleWorkspace:
      serviceAccountKey: {env: my-key}
      subject: it-admin
      customer: 'C01 abc'
      domain: '@example.com'
      directoryUrl: admin.googleapis.com
      licences:
        basic: {productId: Google-Apps, skuId: '1010020027'}
        premium: {productId: Google-Apps, skuId: ''}
      orgUnitPath: Sales
      pageSize: 501
      timeoutSeconds: 0
",
    );
    has(&ps, "policies/a.yaml:8:", "never write the service account key itself here");
    has(&ps, "policies/a.yaml:9:", "domain-wide delegation");
    has(&ps, "policies/a.yaml:10:", "`C01abc23d`");
    has(&ps, "policies/a.yaml:11:", "without `@`");
    has(&ps, "policies/a.yaml:12:", "Google's own https URL");
    has(&ps, "policies/a.yaml:15:", "add `premium` to `spec.roles`");
    has(&ps, "policies/a.yaml:15:", "Products and SKUs");
    has(&ps, "policies/a.yaml:16:", "starting with `/`");
    has(&ps, "policies/a.yaml:17:", "1 to 500");
    has(&ps, "policies/a.yaml:18:", "1 or more");
}

#[test]
fn two_roles_on_one_licence_are_refused() {
    let ps = problems(
        "  connector:
    googleWorkspace:
      serviceAccountKey: {file: key.json}
      subject: it-admin@example.com
      licences:
        basic: {productId: Google-Apps, skuId: '1010020027'}
        member: {productId: Google-Apps, skuId: '1010020027'}
",
    );
    has(&ps, "policies/a.yaml:11:", "give each role its own SKU");
}

#[test]
fn a_google_connector_beside_another_is_refused() {
    let ps = problems(
        "  connector:
    googleWorkspace: {serviceAccountKey: {file: key.json}, subject: it-admin@example.com}
    scim: {url: https://scim.example.com/v2, token: {env: T}}
",
    );
    has(&ps, "policies/a.yaml:6:5: the application sets more than one connector", "`googleWorkspace`");
}

#[test]
fn a_key_from_two_places_is_refused() {
    let ps = problems(
        "  connector:\n    googleWorkspace: {serviceAccountKey: {env: K, file: k.json}, subject: it-admin@example.com}\n",
    );
    assert!(ps.iter().any(|(m, _)| m.contains("service account key must come from exactly one")), "{ps:#?}");
}

#[test]
fn a_sound_connector_loads_and_its_fields_can_be_correlated_on() {
    let loaded = load(
        "  roles: [basic, standard]
  connector:
    googleWorkspace:
      serviceAccountKey: {secret: {name: keyward-credentials, key: google-sa-key.json}}
      subject: it-admin@example.com
      nameOrder: familyFirst
      licences:
        standard: {productId: Google-Apps, skuId: '1010020028'}
  correlate: [{email: {}}, {attribute: {attribute: dept, accountField: department}}]
",
    );
    // `department` is an account field the connector fills.
    let loaded = loaded.unwrap();
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let set = load(
        "  connector:\n    googleWorkspace: {serviceAccountKey: {secret: {name: keyward-credentials, key: sa.json}}, subject: it-admin@example.com}\n",
    )
    .unwrap()
    .set;
    let refs = set.applications[0].spec.connector.secret_refs();
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].key, "sa.json", "the controller fetches the key's Secret");
}
