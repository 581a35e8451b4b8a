//! The JSON Schema for editors: the committed `schemas/keyward.schema.json`
//! is exactly what the Rust types generate, every policy and example file
//! points its editor at it, every keyward document in the repository
//! passes it, and it rejects the mistakes editors should underline.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/yaml_docs.rs"]
mod yaml_docs;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};
use yaml_docs::{documents, is_keyward, yaml_files};

const MODELINE: &str = "# yaml-language-server: $schema=";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&keyward::schema::policy_schema()).unwrap()
}

/// The policy and example files holding keyward documents, and those that
/// hold none (the Kubernetes manifests of other kinds).
fn keyward_files() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let root = repo();
    let files: Vec<PathBuf> = ["policies", "examples"].iter().flat_map(|d| yaml_files(&root.join(d))).collect();
    files.into_iter().partition(|f| documents(f).iter().any(is_keyward))
}

#[test]
fn committed_schema_matches_the_types() {
    let committed = repo().join(keyward::schema::COMMITTED_PATH);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("keyward.schema.json");
    Command::cargo_bin("keyward").unwrap().args(["schema", "--out"]).arg(&file).assert().success();
    let generated = std::fs::read_to_string(&file).unwrap();
    let old = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        generated == old,
        "{} is stale: run `cargo run -p keyward -- schema --out {}` and commit",
        keyward::schema::COMMITTED_PATH,
        keyward::schema::COMMITTED_PATH
    );
    let printed = Command::cargo_bin("keyward").unwrap().arg("schema").assert().success().get_output().stdout.clone();
    assert_eq!(String::from_utf8(printed).unwrap(), generated, "`keyward schema` prints what --out writes");
}

#[test]
fn the_schema_is_a_valid_draft_7_schema() {
    let schema = keyward::schema::policy_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(jsonschema::draft7::meta::is_valid(&schema));
}

#[test]
fn every_keyward_file_names_the_schema_in_its_first_line() {
    let (keyward, others) = keyward_files();
    assert!(keyward.len() >= 10, "found only {keyward:?}");
    let schema = repo().join(keyward::schema::COMMITTED_PATH);
    for file in &keyward {
        let text = std::fs::read_to_string(file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first.strip_prefix(MODELINE).unwrap_or_else(|| {
            panic!(
                "{} must start with `{MODELINE}<relative path to {}>`",
                file.display(),
                keyward::schema::COMMITTED_PATH
            )
        });
        let resolved = file.parent().unwrap().join(target.trim());
        assert!(
            resolved.canonicalize().is_ok_and(|p| p == schema),
            "{}: the modeline's `{target}` does not lead to {}",
            file.display(),
            keyward::schema::COMMITTED_PATH
        );
    }
    // A Deployment checked against keyward's schema would be all red.
    for file in &others {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains(MODELINE), "{} holds no keyward document but names keyward's schema", file.display());
    }
}

#[test]
fn every_keyward_document_in_the_repository_passes_the_schema() {
    let validator = validator();
    let (keyward, _) = keyward_files();
    let mut kinds = std::collections::BTreeSet::new();
    for file in &keyward {
        for doc in documents(file).iter().filter(|d| is_keyward(d)) {
            let errors: Vec<String> =
                validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
            kinds.insert(doc["kind"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(kinds.len(), keyward::schema::KINDS.len(), "the examples should cover every kind: {kinds:?}");
}

fn policy() -> Value {
    json!({
        "apiVersion": "keyward.io/v1alpha1",
        "kind": "AccessPolicy",
        "metadata": { "name": "sales" },
        "spec": { "select": { "department": ["営業本部/**"] }, "grant": [{ "app": "salesforce", "role": "user" }] },
    })
}

fn rejects(change: impl FnOnce(&mut Value), what: &str) {
    let mut doc = policy();
    change(&mut doc);
    assert!(!validator().is_valid(&doc), "the schema accepts {what}: {doc}");
}

#[test]
fn the_schema_rejects_what_keyward_rejects() {
    assert!(validator().is_valid(&policy()), "the base document must pass");
    rejects(|d| d["spec"]["selct"] = json!({}), "an unknown field in spec");
    rejects(|d| d["spec"]["grant"][0]["rol"] = json!("user"), "an unknown field in a grant");
    rejects(|d| d["rules"] = json!([]), "an unknown top-level field");
    rejects(|d| d["spec"]["grant"] = json!("salesforce"), "a string where a list belongs");
    rejects(|d| d["spec"]["select"]["department"] = json!(42), "a number where a list of globs belongs");
    rejects(|d| d["kind"] = json!("AccesPolicy"), "an unknown kind");
    rejects(|d| d["apiVersion"] = json!("keyward.io/v2"), "an unknown version");
    rejects(|d| d["metadata"]["name"] = json!("Sales_Team"), "a name Kubernetes refuses");
    rejects(|d| d.as_object_mut().unwrap().remove("spec").map(|_| ()).unwrap(), "a document without spec");
}

#[test]
fn the_spec_is_checked_against_its_own_kind() {
    // A valid Exception spec under `kind: AccessPolicy` must fail: the
    // dispatch on `kind` is what makes completion offer the right fields.
    let mut doc = policy();
    doc["spec"] = json!({
        "person": "E0018",
        "grant": [{ "app": "salesforce" }],
        "until": "2026-12-15",
        "reason": "handover",
        "approver": "cfo@example.com",
    });
    assert!(!validator().is_valid(&doc));
    doc["kind"] = json!("Exception");
    assert!(
        validator().is_valid(&doc),
        "{:?}",
        validator().iter_errors(&doc).map(|e| e.to_string()).collect::<Vec<_>>()
    );
    doc["spec"]["until"] = json!(20261215);
    assert!(!validator().is_valid(&doc), "a number is not a date");
}

#[test]
fn fields_have_descriptions_for_hover_help() {
    let schema = keyward::schema::policy_schema();
    for key in ["apiVersion", "kind", "metadata", "spec"] {
        assert!(schema["properties"][key]["description"].is_string(), "top-level `{key}` has no description");
    }
    let definitions = schema["definitions"].as_object().unwrap();
    for (name, def) in definitions {
        for (field, sub) in def["properties"].as_object().into_iter().flatten() {
            assert!(sub["description"].is_string(), "{name}.{field} has no description");
        }
    }
}
