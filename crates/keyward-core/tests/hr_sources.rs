#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.googleWorkspace` and `spec.microsoftGraph` PeopleSources: their
//! mistakes are reported at their place with a fix before anything is
//! read, and the rest of keyward sees their attributes, manager, value maps
//! and Secret references as it does a CSV's.

mod common;

use common::{has, problem_list};
use keyward_core::{PolicySet, SourceFile};

const HEAD: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n";

fn load(text: &str) -> Result<PolicySet, Vec<(String, String)>> {
    match PolicySet::load("policies", vec![SourceFile { path: "policies/hr.yaml".into(), text: text.to_owned() }]) {
        Ok(l) => Ok(l.set),
        Err(d) => Err(problem_list(&d)),
    }
}

/// `(position: message, help)` of every error and warning.
fn problems(spec: &str) -> Vec<(String, String)> {
    match load(&format!("{HEAD}{spec}")) {
        Ok(_) => panic!("the policy loaded without complaint"),
        Err(ps) => ps,
    }
}

#[test]
fn bad_google_settings_are_errors_at_their_place() {
    let ps = problems(
        "  googleWorkspace:
    serviceAccountKey: {env: my-key}
    subject: admin
    customer: my_customer
    domain: example.com
    orgUnitPath: Employees
    fields:
      id: externalIds[type=organization.value
      department: organizations[].department
    attributes:
      github: customSchemas..GitHub
    values: {employmentType: {正社員: Full Time}}
    timeZone: Asia/Tokio
    timeoutSeconds: 0
",
    );
    has(&ps, "policies/hr.yaml:6:", "never write the service account key itself here");
    has(&ps, "policies/hr.yaml:7:", "Workspace administrator");
    has(&ps, "policies/hr.yaml:9:", "keep one");
    has(&ps, "policies/hr.yaml:10:", "starting with `/`");
    has(&ps, "policies/hr.yaml:12:", "externalIds[type=organization].value");
    assert!(ps.iter().any(|(m, _)| m.starts_with("policies/hr.yaml:12:") && m.contains("not closed")), "{ps:#?}");
    assert!(ps.iter().any(|(m, _)| m.starts_with("policies/hr.yaml:13:") && m.contains("selects nothing")), "{ps:#?}");
    assert!(ps.iter().any(|(m, _)| m.starts_with("policies/hr.yaml:15:") && m.contains("missing")), "{ps:#?}");
    has(&ps, "policies/hr.yaml:16:", "lowercase words");
    has(&ps, "policies/hr.yaml:17:", "Asia/Tokyo");
    has(&ps, "policies/hr.yaml:18:", "1 or more");
}

#[test]
fn bad_graph_settings_are_errors_at_their_place() {
    let ps = problems(
        "  microsoftGraph:
    tenant: ''
    clientId: ''
    clientSecret: {env: S, file: s.txt}
    graphUrl: graph.microsoft.com
    delta: true
    filter: \"department eq 'Sales'\"
    fields: {manager: manager.employeeId, endDate: 'employeeLeaveDateTime]'}
    pageSize: 1000
",
    );
    has(&ps, "policies/hr.yaml:6:", "tenant id");
    has(&ps, "policies/hr.yaml:7:", "Application (client) ID");
    assert!(ps.iter().any(|(m, _)| m.starts_with("policies/hr.yaml:8:") && m.contains("exactly one")), "{ps:#?}");
    has(&ps, "policies/hr.yaml:9:", "national cloud");
    has(&ps, "policies/hr.yaml:11:", "remove `filter`");
    has(&ps, "policies/hr.yaml:12:", "set `delta: false`");
    assert!(ps.iter().any(|(m, _)| m.starts_with("policies/hr.yaml:12:") && m.contains("`]` without `[`")), "{ps:#?}");
    has(&ps, "policies/hr.yaml:13:", "1 to 999");
}

#[test]
fn an_empty_path_turns_a_default_off_but_the_id_needs_one() {
    let google = "  googleWorkspace:\n    serviceAccountKey: {env: KEY}\n    subject: admin@example.com\n";
    let set = load(&format!("{HEAD}{google}    fields: {{employmentType: '', manager: ''}}\n")).unwrap();
    assert!(!set.people_sources[0].spec.has_manager(), "the default manager path is turned off");
    let ps = problems(&format!("{google}    fields: {{id: ''}}\n"));
    has(&ps, "policies/hr.yaml:8:", "externalIds[type=organization].value");
}

#[test]
fn one_source_kind_per_people_source() {
    let ps = problems(
        "  csv: {path: hr.csv, columns: {id: id}}
  microsoftGraph: {tenant: t.onmicrosoft.com, clientId: c, clientSecret: {env: S}}
",
    );
    assert!(
        ps.iter().any(|(m, h)| m.contains("sets `csv` and `microsoftGraph`") && h.contains("`googleWorkspace`")),
        "{ps:#?}"
    );
}

#[test]
fn good_sources_feed_correlation_selectors_and_secrets() {
    let set = load(&format!(
        "{HEAD}  googleWorkspace:
    serviceAccountKey: {{secret: {{name: hr-creds, key: google.json}}}}
    subject: admin@example.com
    orgUnitPath: /Employees
    attributes: {{github: customSchemas.HR.GitHubLogin}}
    values: {{employmentType: {{嘱託: senior-contract}}}}
    timeZone: Asia/Tokyo
---
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {{name: entra}}
spec:
  microsoftGraph:
    tenant: contoso.onmicrosoft.com
    clientId: 11111111-2222-3333-4444-555555555555
    clientSecret: {{secret: {{name: hr-creds, key: graph}}}}
    delta: true
    fields: {{id: onPremisesExtensionAttributes.extensionAttribute1}}
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: gh}}
spec:
  connector: {{csvExport: {{path: gh.csv, columns: {{username: login}}}}}}
  correlate: [{{attribute: {{attribute: github, accountField: username}}}}]
  lifecycle: {{offboarding: {{transferTo: manager}}}}
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: seniors}}
spec:
  select: {{employmentType: [senior-contract]}}
  grant: [{{app: gh}}]
"
    ))
    .unwrap_or_else(|ps| panic!("{ps:#?}"));
    let google = &set.people_sources[0].spec;
    assert_eq!(google.attributes().unwrap()["github"], "customSchemas.HR.GitHubLogin");
    assert!(google.has_manager(), "Google's relations[type=manager] is read by default");
    assert_eq!(google.values().unwrap().employment_type["嘱託"], "senior-contract");
    let fields: Vec<(&str, String)> = set
        .people_sources
        .iter()
        .flat_map(|s| s.spec.secret_fields())
        .map(|(f, r)| (f, format!("{}/{}", r.name, r.key)))
        .collect();
    assert_eq!(
        fields,
        [
            ("spec.googleWorkspace.serviceAccountKey", "hr-creds/google.json".to_owned()),
            ("spec.microsoftGraph.clientSecret", "hr-creds/graph".to_owned())
        ]
    );
    assert!(!set.people_sources[1].spec.has_manager(), "Graph's manager is read only when fields.manager says so");
}

#[test]
fn a_correlator_on_an_attribute_no_directory_source_declares_is_refused() {
    let ps = load(&format!(
        "{HEAD}  microsoftGraph: {{tenant: t.onmicrosoft.com, clientId: 11111111-2222-3333-4444-555555555555, clientSecret: {{env: S}}}}
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: gh}}
spec:
  connector: {{csvExport: {{path: gh.csv, columns: {{username: login}}}}}}
  correlate: [{{attribute: {{attribute: github, accountField: username}}}}]
"
    ))
    .map(|_| ())
    .unwrap_err();
    assert!(ps.iter().any(|(m, _)| m.contains("github")), "{ps:#?}");
}

#[test]
fn one_column_and_a_column_per_post_are_not_both_set() {
    let ps = problems(
        "  csv:
    path: hr.csv
    columns:
      id: 社員番号
      department: 部署
      departments: [部署1, 部署2]
      title: 役職
      titles: [役職1, '']
",
    );
    has(&ps, "policies/hr.yaml:10:20: both `department` and `departments` are set", "for a column per post");
    has(&ps, "policies/hr.yaml:12:15: both `title` and `titles` are set", "not both");
    has(&ps, "policies/hr.yaml:12:21: the column name is empty", "remove the entry from `titles`");
}
