#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! What a resource may reach, decided by where the policy set came from:
//! policy files reach variables and files (relative to the policy file);
//! objects from the Kubernetes API reach only Secrets of their namespace
//! and files by absolute path under the directories the operator allowed.
//! Every refusal names the resource and the field and says what to do.

use std::path::PathBuf;

use keyward_core::load::{AllowedDirs, AnyResource, Reach};
use keyward_core::resources::{AccessPolicy, Application, PeopleSource};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};

const NS: &str = "acme";

fn object(kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "keyward.io/v1alpha1", "kind": kind, "metadata": {"name": name, "namespace": NS}, "spec": spec})
}

fn source(csv_path: &str) -> AnyResource {
    let spec = json!({"csv": {"path": csv_path, "columns": {"id": "id", "email": "email"}}});
    AnyResource::PeopleSource(serde_json::from_value::<PeopleSource>(object("PeopleSource", "hr", spec)).unwrap())
}

fn app(name: &str, connector: Value) -> AnyResource {
    let spec = json!({"connector": connector});
    AnyResource::Application(serde_json::from_value::<Application>(object("Application", name, spec)).unwrap())
}

fn policy(app: &str) -> AnyResource {
    let spec = json!({"select": {}, "grant": [{"app": app}]});
    AnyResource::AccessPolicy(serde_json::from_value::<AccessPolicy>(object("AccessPolicy", "everyone", spec)).unwrap())
}

fn scim(token: Value) -> Value {
    json!({"scim": {"url": "https://scim.example.com/scim/v2", "token": token}})
}

fn allowed() -> AllowedDirs {
    AllowedDirs::new(vec![PathBuf::from("/srv/keyward/hr"), PathBuf::from("/srv/keyward/exports")])
}

/// The errors of building a set of API objects, as they print.
fn refusals(resources: Vec<AnyResource>, dirs: AllowedDirs) -> Vec<String> {
    match PolicySet::from_resources(&format!("namespace {NS}"), resources, dirs) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().filter(|d| d.is_error()).map(ToString::to_string).collect(),
    }
}

fn one_refusal(resources: Vec<AnyResource>, dirs: AllowedDirs, starts: &str, help: &str) -> String {
    let errs = refusals(resources, dirs);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].starts_with(starts), "expected {starts:?} in:\n{}", errs[0]);
    assert!(errs[0].contains(help), "expected help {help:?} in:\n{}", errs[0]);
    errs[0].clone()
}

const SECRET: &str = r#"{"secret": {"name": "keyward-credentials", "key": "scim-token"}}"#;

fn secret() -> Value {
    serde_json::from_str(SECRET).unwrap()
}

#[test]
fn an_api_object_takes_credentials_only_from_secrets_of_its_namespace() {
    let ok = vec![source("/srv/keyward/hr/export.csv"), app("chat", scim(secret())), policy("chat")];
    assert_eq!(refusals(ok, allowed()), Vec::<String>::new());

    let e = one_refusal(
        vec![
            source("/srv/keyward/hr/export.csv"),
            app("chat", scim(json!({"env": "KEYWARD_WEBHOOK_SECRET"}))),
            policy("chat"),
        ],
        allowed(),
        "Application acme/chat: error: spec.connector.scim.token.env: a resource from the Kubernetes API cannot take a credential from an environment variable",
        "write `token: {secret: {name: SECRET, key: KEY}}`",
    );
    assert!(e.contains("Secret of this resource's namespace"), "{e}");
    one_refusal(
        vec![
            source("/srv/keyward/hr/export.csv"),
            app("chat", scim(json!({"file": "/var/run/secrets/kubernetes.io/serviceaccount/token"}))),
            policy("chat"),
        ],
        allowed(),
        "Application acme/chat: error: spec.connector.scim.token.file: a resource from the Kubernetes API cannot take a credential from a file",
        "secret: {name: SECRET",
    );
    // Even a file in an allowed directory: a credential is a Secret's.
    one_refusal(
        vec![
            source("/srv/keyward/hr/export.csv"),
            app("chat", scim(json!({"file": "/srv/keyward/hr/token"}))),
            policy("chat"),
        ],
        allowed(),
        "Application acme/chat: error: spec.connector.scim.token.file:",
        "Secret",
    );
}

#[test]
fn every_credential_of_every_kind_is_held_to_the_rule() {
    let env = json!({"env": "HOME"});
    let connectors = [
        ("spec.connector.github.token", json!({"github": {"org": "acme", "token": env}})),
        (
            "spec.connector.ldap.password",
            json!({"ldap": {"url": "ldaps://ldap.example.com", "bindDn": "cn=k,dc=example,dc=com", "password": env, "baseDn": "dc=example,dc=com"}}),
        ),
        (
            "spec.connector.microsoftGraph.clientSecret",
            json!({"microsoftGraph": {"tenant": "00000000-0000-0000-0000-000000000000", "clientId": "00000000-0000-0000-0000-000000000001", "clientSecret": env}}),
        ),
        (
            "spec.connector.googleWorkspace.serviceAccountKey",
            json!({"googleWorkspace": {"customer": "C012", "serviceAccountKey": env, "subject": "admin@example.com"}}),
        ),
        ("spec.connector.slack.scimToken", json!({"slack": {"token": secret(), "scimToken": env}})),
        ("spec.connector.atlassian.apiKey", json!({"atlassian": {"orgId": "org", "apiKey": env}})),
        ("spec.connector.okta.token", json!({"okta": {"orgUrl": "https://acme.okta.com", "token": env}})),
    ];
    for (field, connector) in connectors {
        let errs = refusals(vec![source("/srv/keyward/hr/export.csv"), app("a", connector), policy("a")], allowed());
        assert!(
            errs.iter().any(|e| e.contains(&format!("{field}.env: a resource from the Kubernetes API cannot"))),
            "{field}: {errs:#?}"
        );
    }
    let smarthr = object(
        "PeopleSource",
        "hr",
        json!({"smarthr": {"url": "https://acme.smarthr.jp", "token": {"file": "/etc/shadow"}}}),
    );
    let smarthr = AnyResource::PeopleSource(serde_json::from_value(smarthr).unwrap());
    let errs = refusals(vec![smarthr, app("chat", scim(secret())), policy("chat")], allowed());
    assert!(errs.iter().any(|e| e.starts_with("PeopleSource acme/hr: error: spec.smarthr.token.file:")), "{errs:#?}");
}

#[test]
fn an_api_object_reads_files_only_by_absolute_path_inside_an_allowed_directory() {
    let chat = || app("chat", scim(secret()));
    one_refusal(
        vec![source("hr/export.csv"), chat(), policy("chat")],
        allowed(),
        "PeopleSource acme/hr: error: spec.csv.path: `hr/export.csv` is a relative path",
        "write an absolute path under a directory the controller allows (/srv/keyward/hr, /srv/keyward/exports)",
    );
    one_refusal(
        vec![source("/etc/passwd"), chat(), policy("chat")],
        allowed(),
        "PeopleSource acme/hr: error: spec.csv.path: `/etc/passwd` is outside the directories the controller lets resources read",
        "--allow-files DIR",
    );
    one_refusal(
        vec![source("/srv/keyward/hr/../../../etc/passwd"), chat(), policy("chat")],
        allowed(),
        "PeopleSource acme/hr: error: spec.csv.path: `/srv/keyward/hr/../../../etc/passwd` is outside",
        "--allow-files",
    );
    one_refusal(
        vec![source("/srv/keyward/hr-old/export.csv"), chat(), policy("chat")],
        allowed(),
        "PeopleSource acme/hr: error: spec.csv.path:",
        "--allow-files",
    );
    // No directory allowed (the default): no file at all.
    one_refusal(
        vec![source("/srv/keyward/hr/export.csv"), chat(), policy("chat")],
        AllowedDirs::none(),
        "PeopleSource acme/hr: error: spec.csv.path:",
        "the controller allows no files",
    );
    let export = app("wiki", json!({"csvExport": {"path": "exports/wiki.csv", "columns": {"email": "email"}}}));
    one_refusal(
        vec![source("/srv/keyward/hr/export.csv"), export, policy("wiki")],
        allowed(),
        "Application acme/wiki: error: spec.connector.csvExport.path: `exports/wiki.csv` is a relative path",
        "/srv/keyward/exports",
    );
    let ldap = app(
        "dir",
        json!({"ldap": {"url": "ldaps://ldap.example.com", "bindDn": "cn=k,dc=example,dc=com", "password": secret(), "baseDn": "dc=example,dc=com", "tls": {"caFile": "/root/ca.pem"}}}),
    );
    one_refusal(
        vec![source("/srv/keyward/hr/export.csv"), ldap, policy("dir")],
        allowed(),
        "Application acme/dir: error: spec.connector.ldap.tls.caFile: `/root/ca.pem` is outside",
        "--allow-files",
    );
    let ok =
        app("wiki", json!({"csvExport": {"path": "/srv/keyward/exports/./wiki.csv", "columns": {"email": "email"}}}));
    assert_eq!(
        refusals(vec![source("/srv/keyward/hr/export.csv"), ok, policy("wiki")], allowed()),
        Vec::<String>::new()
    );
}

#[test]
fn a_secret_reference_cannot_leave_its_namespace() {
    // A Secret is named by name and key only; the name is a DNS subdomain,
    // so `.`, `..` and `/` (another path of the API) are refused.
    for name in ["..", ".", "other/secrets/x", "-creds", "creds.", "kube-system:creds"] {
        let token = json!({"secret": {"name": name, "key": "token"}});
        let errs =
            refusals(vec![source("/srv/keyward/hr/export.csv"), app("chat", scim(token)), policy("chat")], allowed());
        assert!(errs.iter().any(|e| e.contains("is not a valid Secret name")), "{name}: {errs:#?}");
    }
    for key in ["..", "."] {
        let token = json!({"secret": {"name": "creds", "key": key}});
        let errs =
            refusals(vec![source("/srv/keyward/hr/export.csv"), app("chat", scim(token)), policy("chat")], allowed());
        assert!(errs.iter().any(|e| e.contains("is not a valid Secret key")), "{key}: {errs:#?}");
    }
    // And no field names a namespace.
    let token = json!({"secret": {"name": "creds", "key": "token", "namespace": "kube-system"}});
    let object = object("Application", "chat", json!({"connector": scim(token)}));
    assert!(serde_json::from_value::<Application>(object).is_err());
}

#[test]
fn policy_files_keep_reaching_variables_and_files_relative_to_them() {
    let text = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: ../data/hr.csv, columns: {id: id}}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: chat}\nspec:\n  connector:\n    scim: {url: 'https://scim.example.com/scim/v2', token: {env: SCIM_TOKEN}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: wiki}\nspec:\n  connector:\n    scim: {url: 'https://wiki.example.com/scim/v2', token: {file: ../secrets/wiki-token}}\n";
    let loaded = PolicySet::load("policies", vec![SourceFile { path: "policies/p.yaml".into(), text: text.into() }])
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(loaded.set.reach(), &Reach::Files);
    let src = &loaded.set.people_sources[0];
    let path = loaded.set.locator(&src.origin).admit_path("spec.csv.path", "../data/hr.csv").unwrap();
    assert_eq!(path, PathBuf::from("data/hr.csv"));
}
