#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every Kubernetes manifest in the repository — the example policy
//! (`policies/`), the examples (`examples/`, the controller's deployment in
//! `examples/kubernetes/` included) and the CRDs (`crds/`) — validated as a
//! document, since no API server can run here:
//!
//! - keyward.io resources against the OpenAPI v3 schema of their CRD, as
//!   the API server reads it under strict field validation (kubectl's
//!   default): an unknown field is an error, not silently pruned;
//! - built-in kinds by deserializing them into their k8s-openapi type, any
//!   field the type does not know (a typo like `securityContxt`) being an
//!   error;
//! - and `examples/kubernetes/` against the intent it encodes: least
//!   privilege, every referenced Secret key present in the template, the
//!   Deployment running `keyward controller`.
//!
//! Every failure names the file and the document (1-based) within it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde_json::{Value as Json, json};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// ---------------------------------------------------------------- documents

/// One YAML document of a manifest file.
#[derive(Clone)]
struct Doc {
    /// Path relative to the repository root.
    file: String,
    /// 1-based position in the file, counting empty documents too.
    index: usize,
    yaml: serde_yaml::Value,
}

impl Doc {
    fn at(&self) -> String {
        format!("{} (document {})", self.file, self.index)
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.yaml.get(key).and_then(serde_yaml::Value::as_str)
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            // CI pipelines, not Kubernetes manifests (tests/ci_examples.rs).
            if path.ends_with("examples/ci") {
                continue;
            }
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
            out.push(path);
        }
    }
}

/// The non-empty documents of one file (`rel` to the repository root).
fn documents_of(rel: &str) -> Vec<Doc> {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut docs = Vec::new();
    for (i, de) in serde_yaml::Deserializer::from_str(&text).enumerate() {
        let index = i + 1;
        let yaml = serde_yaml::Value::deserialize(de)
            .unwrap_or_else(|e| panic!("{rel} (document {index}): not valid YAML: {e}"));
        if !yaml.is_null() {
            docs.push(Doc { file: rel.to_owned(), index, yaml });
        }
    }
    docs
}

/// Every manifest document of the repository.
fn all_documents() -> Vec<Doc> {
    let root = repo();
    let mut files = Vec::new();
    for dir in ["policies", "examples", "crds"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files
        .iter()
        .flat_map(|path| {
            let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            documents_of(&rel)
        })
        .collect()
}

// ---------------------------------------------------------------- built-in kinds

/// A field path as written in YAML (`spec.template.spec.containers.0.name`):
/// serde_ignored also shows each `Option` it went through, as `?`.
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    path.to_string().split('.').filter(|segment| *segment != "?").collect::<Vec<_>>().join(".")
}

/// `doc` as a `K`, refusing any field `K` does not have and an `apiVersion`
/// other than `K`'s.
fn strict<K: Resource + DeserializeOwned>(doc: &Doc) -> Result<K, String> {
    let api_version = doc.str("apiVersion");
    if api_version != Some(K::API_VERSION) {
        return Err(format!("{}: apiVersion {api_version:?}, but {} is {}", doc.at(), K::KIND, K::API_VERSION));
    }
    let mut unknown = Vec::new();
    let value: K = serde_ignored::deserialize(doc.yaml.clone(), |path| unknown.push(field_path(&path)))
        .map_err(|e| format!("{}: not a valid {}: {e}", doc.at(), K::KIND))?;
    if unknown.is_empty() {
        Ok(value)
    } else {
        Err(format!("{}: fields a {} does not have (typos?): {}", doc.at(), K::KIND, unknown.join(", ")))
    }
}

/// `metadata` as an ObjectMeta, refusing unknown fields, with a name.
fn strict_metadata(doc: &Doc) -> Result<ObjectMeta, String> {
    let Some(yaml) = doc.yaml.get("metadata") else {
        return Err(format!("{}: no metadata", doc.at()));
    };
    let mut unknown = Vec::new();
    let meta: ObjectMeta =
        serde_ignored::deserialize(yaml.clone(), |path| unknown.push(format!("metadata.{}", field_path(&path))))
            .map_err(|e| format!("{}: metadata is not an ObjectMeta: {e}", doc.at()))?;
    if !unknown.is_empty() {
        return Err(format!("{}: fields metadata does not have (typos?): {}", doc.at(), unknown.join(", ")));
    }
    if meta.name.as_deref().is_none_or(str::is_empty) {
        return Err(format!("{}: metadata.name is missing", doc.at()));
    }
    Ok(meta)
}

fn builtin<K: Resource + DeserializeOwned>(doc: &Doc) -> Result<(), String> {
    strict::<K>(doc)?;
    strict_metadata(doc).map(drop)
}

// ---------------------------------------------------------------- keyward.io kinds

/// The JSON Schema validators of the keyward.io kinds, from their CRDs.
struct CustomKinds {
    by_kind: BTreeMap<String, jsonschema::Validator>,
}

/// A DNS-1123 subdomain: what Kubernetes accepts as the name of most objects.
const DNS_SUBDOMAIN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

impl CustomKinds {
    fn new() -> Self {
        let mut by_kind = BTreeMap::new();
        for crd in keyward_core::resources::crds() {
            let crd = serde_json::to_value(&crd).unwrap();
            let group = crd["spec"]["group"].as_str().unwrap();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_owned();
            let version = &crd["spec"]["versions"][0];
            let mut schema = to_json_schema(&version["schema"]["openAPIV3Schema"]);
            // The API server itself adds these to every resource's schema.
            let api_version = format!("{group}/{}", version["name"].as_str().unwrap());
            let props = schema["properties"].as_object_mut().unwrap();
            props.insert("apiVersion".into(), json!({"type": "string", "enum": [api_version]}));
            props.insert("kind".into(), json!({"type": "string", "enum": [kind]}));
            props.insert(
                "metadata".into(),
                json!({
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "maxLength": 253, "pattern": DNS_SUBDOMAIN}},
                }),
            );
            let required = schema.as_object_mut().unwrap().entry("required").or_insert_with(|| json!([]));
            for key in ["apiVersion", "kind", "metadata"] {
                required.as_array_mut().unwrap().push(json!(key));
            }
            let validator = jsonschema::draft4::options()
                .build(&schema)
                .unwrap_or_else(|e| panic!("the {kind} CRD schema is not a JSON Schema: {e}"));
            by_kind.insert(kind, validator);
        }
        Self { by_kind }
    }

    fn validate(&self, doc: &Doc) -> Result<(), String> {
        let kind = doc.str("kind").unwrap_or_default();
        let Some(validator) = self.by_kind.get(kind) else {
            let known: Vec<_> = self.by_kind.keys().collect();
            return Err(format!("{}: keyward.io has no kind {kind:?} (it has {known:?})", doc.at()));
        };
        let instance =
            serde_json::to_value(&doc.yaml).map_err(|e| format!("{}: not representable as JSON: {e}", doc.at()))?;
        let mut errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| {
                let path = e.instance_path().to_string();
                format!("{}: {e}", if path.is_empty() { "/" } else { &path })
            })
            .collect();
        // The schema only knows metadata.name; the rest must still be an ObjectMeta.
        if doc.yaml.get("metadata").is_some()
            && let Err(e) = strict_metadata(doc)
        {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: not a valid {kind}:\n    {}", doc.at(), errors.join("\n    ")))
        }
    }
}

/// A CRD's structural OpenAPI v3 schema as a plain JSON Schema (draft 4):
/// `nullable: true` becomes a `null` in `type`, `x-kubernetes-int-or-string`
/// an integer-or-string type, other `x-kubernetes-*` extensions are
/// dropped, and every object that does not preserve unknown fields refuses
/// properties it does not declare (`additionalProperties: false`) — the
/// API server's strict field validation, where pruning would otherwise
/// drop a misspelt field without a word.
fn to_json_schema(node: &Json) -> Json {
    let Json::Object(map) = node else {
        return node.clone();
    };
    let flag = |key: &str| map.get(key) == Some(&Json::Bool(true));
    let mut out = serde_json::Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" => {
                Json::Object(value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect())
            }
            "items" | "additionalProperties" | "not" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => Json::Array(value.as_array().unwrap().iter().map(to_json_schema).collect()),
            "nullable" => continue,
            k if k.starts_with("x-kubernetes-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if flag("x-kubernetes-int-or-string") {
        out.insert("type".into(), json!(["integer", "string"]));
    }
    if flag("nullable") {
        if let Some(Json::String(ty)) = out.get("type").cloned() {
            out.insert("type".into(), json!([ty, "null"]));
        }
        if let Some(Json::Array(values)) = out.get_mut("enum") {
            values.push(Json::Null);
        }
    }
    let is_object = out.get("type") == Some(&json!("object")) || out.contains_key("properties");
    if is_object && !out.contains_key("additionalProperties") && !flag("x-kubernetes-preserve-unknown-fields") {
        out.insert("additionalProperties".into(), Json::Bool(false));
    }
    Json::Object(out)
}

// ---------------------------------------------------------------- every document

/// Kinds of other API groups this test can check; anything else fails it.
const BUILT_IN_KINDS: [&str; 11] = [
    "Namespace",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "Deployment",
    "Service",
    "Secret",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
];

fn validate(doc: &Doc, custom: &CustomKinds) -> Result<(), String> {
    let Some(kind) = doc.str("kind") else {
        return Err(format!("{}: no kind", doc.at()));
    };
    let api_version = doc.str("apiVersion").unwrap_or_default();
    if api_version.split('/').next() == Some(keyward_core::resources::GROUP) {
        return custom.validate(doc);
    }
    match kind {
        "Namespace" => builtin::<Namespace>(doc),
        "ServiceAccount" => builtin::<ServiceAccount>(doc),
        "Role" => builtin::<Role>(doc),
        "RoleBinding" => builtin::<RoleBinding>(doc),
        "ClusterRole" => builtin::<ClusterRole>(doc),
        "ClusterRoleBinding" => builtin::<ClusterRoleBinding>(doc),
        "Deployment" => builtin::<Deployment>(doc),
        "Service" => builtin::<Service>(doc),
        "Secret" => builtin::<Secret>(doc),
        "PersistentVolumeClaim" => builtin::<PersistentVolumeClaim>(doc),
        "CustomResourceDefinition" => builtin::<CustomResourceDefinition>(doc),
        other => Err(format!(
            "{}: kind {other} ({api_version}) is not one this test checks; add it to `validate` in {}",
            doc.at(),
            file!()
        )),
    }
}

#[test]
fn every_manifest_document_is_valid() {
    let custom = CustomKinds::new();
    let docs = all_documents();
    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    for doc in &docs {
        match validate(doc, &custom) {
            Ok(()) => {
                kinds.insert(doc.str("kind").unwrap().to_owned());
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} invalid manifest document(s):\n{}", failures.len(), failures.join("\n"));
    // Not vacuous: every kind this test knows was met (and passed).
    let expected: BTreeSet<String> =
        BUILT_IN_KINDS.iter().map(|k| (*k).to_owned()).chain(custom.by_kind.keys().cloned()).collect();
    let missing: Vec<_> = expected.difference(&kinds).collect();
    assert!(missing.is_empty(), "no document of kind {missing:?} was found among {} documents", docs.len());
    for file in [
        "policies/people.yaml",
        "examples/scim/slack.yaml",
        "examples/kubernetes/deployment.yaml",
        "examples/vendors/google-workspace.yaml",
        "examples/vendors/microsoft-graph-hr.yaml",
    ] {
        assert!(docs.iter().any(|d| d.file == file), "{file} was not read");
    }
}

// ---------------------------------------------------------------- the checks can fail

/// The first document of kind `kind` in `file`.
fn first_of(file: &str, kind: &str) -> Doc {
    documents_of(file)
        .into_iter()
        .find(|d| d.str("kind") == Some(kind))
        .unwrap_or_else(|| panic!("{file} has no {kind}"))
}

fn set(doc: &Doc, edit: impl FnOnce(&mut serde_yaml::Value)) -> Doc {
    let mut doc = doc.clone();
    edit(&mut doc.yaml);
    doc
}

#[test]
fn crd_schemas_reject_unknown_fields_wrong_enum_values_and_missing_identity() {
    let custom = CustomKinds::new();
    let app = first_of("examples/kubernetes/application-slack.yaml", "Application");
    let people = first_of("policies/people.yaml", "PeopleSource");
    let exception = all_documents().into_iter().find(|d| d.str("kind") == Some("Exception")).expect("an Exception");
    for doc in [&app, &people, &exception] {
        custom.validate(doc).unwrap();
    }
    let cases: Vec<(&str, Doc, &str)> = vec![
        ("unknown spec field", set(&app, |y| y["spec"]["conector"] = "scim".into()), "conector"),
        ("unknown nested field", set(&app, |y| y["spec"]["lifecycle"]["onLeve"] = "suspend".into()), "onLeve"),
        ("wrong enum value", set(&app, |y| y["spec"]["mode"] = "enforcing".into()), "enforcing"),
        ("wrong nested enum value", set(&app, |y| y["spec"]["connector"]["scim"]["profile"] = "slak".into()), "slak"),
        ("wrong enum value", set(&people, |y| y["spec"]["csv"]["encoding"] = "latin1".into()), "latin1"),
        ("wrong pattern", set(&app, |y| y["spec"]["lifecycle"]["provisionBefore"] = "3 days".into()), "3 days"),
        ("wrong type", set(&app, |y| y["spec"]["apply"]["concurrency"] = "two".into()), "two"),
        (
            "missing required field",
            set(&exception, |y| drop(y["spec"].as_mapping_mut().unwrap().remove("until"))),
            "until",
        ),
        ("missing metadata", set(&app, |y| drop(y.as_mapping_mut().unwrap().remove("metadata"))), "metadata"),
        ("name Kubernetes refuses", set(&app, |y| y["metadata"]["name"] = "Slack_App".into()), "Slack_App"),
        ("unknown metadata field", set(&app, |y| y["metadata"]["lables"] = "x".into()), "metadata.lables"),
        ("wrong apiVersion", set(&app, |y| y["apiVersion"] = "keyward.io/v1".into()), "keyward.io/v1"),
        ("unknown kind", set(&app, |y| y["kind"] = "App".into()), "no kind \"App\""),
    ];
    for (what, doc, expected) in cases {
        match custom.validate(&doc) {
            Ok(()) => panic!("{what}: accepted: {}", serde_yaml::to_string(&doc.yaml).unwrap()),
            Err(e) => assert!(e.contains(expected), "{what}: the error does not name {expected:?}: {e}"),
        }
    }
}

#[test]
fn built_in_kinds_reject_unknown_fields_and_wrong_api_versions() {
    let deployment = first_of("examples/kubernetes/deployment.yaml", "Deployment");
    strict::<Deployment>(&deployment).unwrap();
    let typo = set(&deployment, |y| {
        y["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = serde_yaml::Value::Null;
    });
    let e = strict::<Deployment>(&typo).unwrap_err();
    assert!(e.contains("spec.template.spec.containers.0.securityContxt"), "{e}");
    assert!(e.contains("examples/kubernetes/deployment.yaml (document 1)"), "{e}");

    let old = set(&deployment, |y| y["apiVersion"] = "extensions/v1beta1".into());
    let e = strict::<Deployment>(&old).unwrap_err();
    assert!(e.contains("extensions/v1beta1"), "{e}");

    let role = first_of("examples/kubernetes/rbac.yaml", "Role");
    let typo = set(&role, |y| y["rules"][0]["resourceName"] = serde_yaml::Value::Sequence(vec![]));
    let e = strict::<Role>(&typo).unwrap_err();
    assert!(e.contains("rules.0.resourceName"), "{e}");

    let bad_meta = set(&role, |y| y["metadata"]["namespce"] = "default".into());
    let e = builtin::<Role>(&bad_meta).unwrap_err();
    assert!(e.contains("metadata.namespce"), "{e}");
}

// ---------------------------------------------------------------- examples/kubernetes intent

const K8S: &str = "examples/kubernetes";

/// The objects of kind `K` in one file of `examples/kubernetes/`, with where
/// each came from.
fn objects<K: Resource + DeserializeOwned>(file: &str) -> Vec<(String, K)> {
    documents_of(&format!("{K8S}/{file}"))
        .iter()
        .filter(|d| d.str("kind") == Some(K::KIND))
        .map(|d| (d.at(), strict::<K>(d).unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

fn only<K: Resource + DeserializeOwned>(file: &str) -> (String, K) {
    let mut all = objects::<K>(file);
    assert_eq!(all.len(), 1, "{K8S}/{file}: expected exactly one {}", K::KIND);
    all.remove(0)
}

/// Names of the four keyward CRDs and the plural of each kind.
fn keyward_crds() -> (BTreeSet<String>, BTreeSet<String>) {
    let crds = keyward_core::resources::crds();
    let names = crds.iter().map(|c| c.metadata.name.clone().unwrap()).collect();
    let plurals = crds.iter().map(|c| c.spec.names.plural.clone()).collect();
    (names, plurals)
}

fn rule_grants(rule: &PolicyRule, group: &str, resource: &str, verb: &str) -> bool {
    rule.api_groups.as_deref().unwrap_or_default().iter().any(|g| g == group)
        && rule.resources.as_deref().unwrap_or_default().iter().any(|r| r == resource)
        && rule.verbs.iter().any(|v| v == verb)
}

fn binds_service_account(at: &str, subjects: Option<&[Subject]>, account: &str, namespace: &str) {
    let subjects = subjects.unwrap_or_default();
    assert!(
        subjects
            .iter()
            .any(|s| s.kind == "ServiceAccount" && s.name == account && s.namespace.as_deref() == Some(namespace)),
        "{at}: does not bind the ServiceAccount {namespace}/{account}"
    );
}

#[test]
fn the_role_grants_least_privilege() {
    let (_, plurals) = keyward_crds();
    let (at, role) = only::<Role>("rbac.yaml");
    let rules = role.rules.unwrap_or_default();
    for (i, rule) in rules.iter().enumerate() {
        let lists = [
            ("verbs", rule.verbs.clone()),
            ("apiGroups", rule.api_groups.clone().unwrap_or_default()),
            ("resources", rule.resources.clone().unwrap_or_default()),
            ("resourceNames", rule.resource_names.clone().unwrap_or_default()),
        ];
        for (field, values) in lists {
            assert!(!values.iter().any(|v| v.contains('*')), "{at}: rules[{i}].{field} uses a wildcard: {values:?}");
        }
        assert!(rule.non_resource_urls.is_none(), "{at}: rules[{i}] grants non-resource URLs");
        for resource in rule.resources.as_deref().unwrap_or_default() {
            if resource == "secrets" {
                assert!(
                    rule.verbs == ["get"] && !rule.resource_names.as_deref().unwrap_or_default().is_empty(),
                    "{at}: rules[{i}]: Secrets may only be read with `get`, by resourceNames"
                );
            }
        }
        if rule.verbs.iter().any(|v| v == "create") {
            // Kubernetes ignores resourceNames for create: such a rule would not restrict what it suggests.
            assert!(rule.resource_names.is_none(), "{at}: rules[{i}] restricts `create` by resourceNames");
        }
    }
    for plural in &plurals {
        for verb in ["get", "list", "watch"] {
            assert!(rules.iter().any(|r| rule_grants(r, "keyward.io", plural, verb)), "{at}: no {verb} on {plural}");
        }
        for verb in ["create", "update", "patch", "delete", "deletecollection"] {
            assert!(
                !rules.iter().any(|r| rule_grants(r, "keyward.io", plural, verb)),
                "{at}: {verb} on {plural}: the controller must not change the policy"
            );
        }
    }
    for status in ["applications/status", "peoplesources/status"] {
        for verb in ["get", "patch", "update"] {
            assert!(rules.iter().any(|r| rule_grants(r, "keyward.io", status, verb)), "{at}: no {verb} on {status}");
        }
    }
    for group in ["", "events.k8s.io"] {
        for verb in ["create", "patch"] {
            assert!(rules.iter().any(|r| rule_grants(r, group, "events", verb)), "{at}: no {verb} on {group:?} events");
        }
    }
    for verb in ["get", "update"] {
        assert!(
            rules.iter().any(|r| rule_grants(r, "coordination.k8s.io", "leases", verb)
                && r.resource_names.as_deref() == Some(&["keyward-controller".to_owned()][..])),
            "{at}: no {verb} on the Lease keyward-controller by name"
        );
    }

    let (at, binding) = only::<RoleBinding>("rbac.yaml");
    assert_eq!((binding.role_ref.kind.as_str(), Some(&binding.role_ref.name)), ("Role", role.metadata.name.as_ref()));
    assert_eq!(binding.metadata.namespace, role.metadata.namespace, "{at}");
    let (_, account) = only::<ServiceAccount>("serviceaccount.yaml");
    let account_name = account.metadata.name.unwrap();
    binds_service_account(&at, binding.subjects.as_deref(), &account_name, "keyward");
}

#[test]
fn the_cluster_role_only_gets_the_keyward_crds() {
    let (names, _) = keyward_crds();
    let (at, role) = only::<ClusterRole>("rbac.yaml");
    assert!(role.aggregation_rule.is_none(), "{at}: aggregates other roles");
    let rules = role.rules.unwrap_or_default();
    assert_eq!(rules.len(), 1, "{at}: expected one rule");
    let rule = &rules[0];
    assert_eq!(rule.api_groups.as_deref(), Some(&["apiextensions.k8s.io".to_owned()][..]), "{at}");
    assert_eq!(rule.resources.as_deref(), Some(&["customresourcedefinitions".to_owned()][..]), "{at}");
    assert_eq!(rule.verbs, ["get"], "{at}");
    let granted: BTreeSet<String> = rule.resource_names.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(granted, names, "{at}: resourceNames must be exactly the four keyward CRDs");

    let (at, binding) = only::<ClusterRoleBinding>("rbac.yaml");
    assert_eq!(
        (binding.role_ref.kind.as_str(), Some(&binding.role_ref.name)),
        ("ClusterRole", role.metadata.name.as_ref()),
        "{at}"
    );
    binds_service_account(&at, binding.subjects.as_deref(), "keyward-controller", "keyward");
}

#[test]
fn the_deployment_runs_the_controller_securely() {
    let (at, deployment) = only::<Deployment>("deployment.yaml");
    let spec = deployment.spec.unwrap();
    assert_eq!(spec.replicas, Some(1), "{at}: one replica by default");
    let pod = spec.template.spec.unwrap();
    let pod_labels = spec.template.metadata.unwrap().labels.unwrap_or_default();
    let (_, account) = only::<ServiceAccount>("serviceaccount.yaml");
    assert_eq!(pod.service_account_name, account.metadata.name, "{at}: serviceAccountName");

    let pod_security = pod.security_context.unwrap_or_default();
    assert_eq!(pod_security.run_as_non_root, Some(true), "{at}: pod runAsNonRoot");
    assert_eq!(pod_security.seccomp_profile.map(|p| p.type_).as_deref(), Some("RuntimeDefault"), "{at}: seccomp");

    assert_eq!(pod.containers.len(), 1, "{at}: one container");
    let container = &pod.containers[0];
    let args = container.args.clone().unwrap_or_default();
    assert_eq!(args.first().map(String::as_str), Some("controller"), "{at}: args must start with `controller`");
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str);
    assert_eq!(flag("--namespace"), deployment.metadata.namespace.as_deref(), "{at}: --namespace is its own");

    let security = container.security_context.clone().unwrap_or_default();
    assert_eq!(security.read_only_root_filesystem, Some(true), "{at}: readOnlyRootFilesystem");
    assert_eq!(security.allow_privilege_escalation, Some(false), "{at}: allowPrivilegeEscalation");
    let dropped = security.capabilities.and_then(|c| c.drop).unwrap_or_default();
    assert!(dropped.iter().any(|c| c == "ALL"), "{at}: capabilities must drop ALL");
    let resources = container.resources.clone().unwrap_or_default();
    for key in ["cpu", "memory"] {
        assert!(resources.requests.as_ref().is_some_and(|r| r.contains_key(key)), "{at}: no {key} request");
        assert!(resources.limits.as_ref().is_some_and(|r| r.contains_key(key)), "{at}: no {key} limit");
    }
    let probe_path = |probe: Option<&k8s_openapi::api::core::v1::Probe>| {
        probe.and_then(|p| p.http_get.as_ref()).and_then(|h| h.path.clone())
    };
    assert_eq!(probe_path(container.liveness_probe.as_ref()).as_deref(), Some("/healthz"), "{at}: liveness");
    assert_eq!(probe_path(container.readiness_probe.as_ref()).as_deref(), Some("/readyz"), "{at}: readiness");

    // The audit log lives on the PersistentVolumeClaim of pvc.yaml.
    let (_, claim) = only::<PersistentVolumeClaim>("pvc.yaml");
    let volumes = pod.volumes.clone().unwrap_or_default();
    let state = volumes
        .iter()
        .find(|v| v.persistent_volume_claim.as_ref().map(|c| &c.claim_name) == claim.metadata.name.as_ref())
        .unwrap_or_else(|| panic!("{at}: no volume of the claim in pvc.yaml"));
    let mounts = container.volume_mounts.clone().unwrap_or_default();
    let state_mount = mounts.iter().find(|m| m.name == state.name).expect("the state volume is mounted");
    let audit_log = flag("--audit-log").expect("--audit-log is set");
    assert!(
        audit_log.starts_with(&format!("{}/", state_mount.mount_path)),
        "{at}: --audit-log {audit_log} is not on the persistent volume ({})",
        state_mount.mount_path
    );

    // The Service reaches these pods on a port the container opens.
    let (at_service, service) = only::<Service>("service.yaml");
    let service = service.spec.unwrap();
    for (key, value) in service.selector.unwrap_or_default() {
        assert_eq!(pod_labels.get(&key), Some(&value), "{at_service}: selector {key}={value} matches no pod label");
    }
    let port_names: Vec<_> = container.ports.iter().flatten().filter_map(|p| p.name.clone()).collect();
    for port in service.ports.unwrap_or_default() {
        match port.target_port {
            Some(IntOrString::String(name)) => {
                assert!(port_names.contains(&name), "{at_service}: targetPort {name} is no container port")
            }
            other => panic!("{at_service}: target the container port by name, not {other:?}"),
        }
    }
}

#[test]
fn every_secret_key_the_deployment_uses_is_in_the_template() {
    let (at, deployment) = only::<Deployment>("deployment.yaml");
    let pod = deployment.spec.unwrap().template.spec.unwrap();

    // The template: placeholder values only, never real ones.
    let mut template: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (at_secret, secret) in objects::<Secret>("secret.example.yaml") {
        assert!(secret.data.is_none(), "{at_secret}: use stringData with placeholders, not data");
        let keys = template.entry(secret.metadata.name.unwrap()).or_default();
        for (key, value) in secret.string_data.unwrap_or_default() {
            assert!(value.starts_with("REPLACE-ME"), "{at_secret}: {key} must hold an obvious placeholder");
            keys.insert(key);
        }
    }

    // (Secret, key) pairs the Deployment reads; a None key means every key.
    let mut used: Vec<(String, Option<String>, String)> = Vec::new();
    for container in pod.containers.iter().chain(pod.init_containers.iter().flatten()) {
        for env in container.env.iter().flatten() {
            if let Some(r) = env.value_from.as_ref().and_then(|v| v.secret_key_ref.as_ref()) {
                used.push((r.name.clone(), Some(r.key.clone()), format!("env {}", env.name)));
            }
        }
        for from in container.env_from.iter().flatten() {
            if let Some(r) = &from.secret_ref {
                used.push((r.name.clone(), None, "envFrom".into()));
            }
        }
    }
    for volume in pod.volumes.iter().flatten() {
        if let Some(secret) = &volume.secret {
            let name = secret.secret_name.clone().expect("a secret volume names its Secret");
            match &secret.items {
                Some(items) => {
                    for item in items {
                        used.push((name.clone(), Some(item.key.clone()), format!("volume {}", volume.name)));
                    }
                }
                None => used.push((name, None, format!("volume {}", volume.name))),
            }
        }
    }
    assert!(!used.is_empty(), "{at}: uses no Secret at all");
    for (name, key, by) in &used {
        let keys = template.get(name).unwrap_or_else(|| panic!("{at}: {by} uses Secret {name}, not in the template"));
        if let Some(key) = key {
            assert!(keys.contains(key), "{at}: {by} uses key {key} of Secret {name}, not in secret.example.yaml");
        }
    }

    // The Role may read exactly the Secrets of the template, by name.
    let (at_role, role) = only::<Role>("rbac.yaml");
    let readable: BTreeSet<String> = role
        .rules
        .unwrap_or_default()
        .iter()
        .filter(|r| r.resources.as_deref().unwrap_or_default().iter().any(|x| x == "secrets"))
        .flat_map(|r| r.resource_names.clone().unwrap_or_default())
        .collect();
    assert_eq!(readable, template.keys().cloned().collect(), "{at_role}: Secrets the controller may get");
}

#[test]
fn the_slack_application_reads_its_token_from_a_secret_the_controller_may_get() {
    let doc = first_of(&format!("{K8S}/application-slack.yaml"), "Application");
    let spec = &doc.yaml["spec"];
    assert_eq!(spec["mode"].as_str(), Some("enforce"), "{}: mode", doc.at());
    assert_eq!(doc.yaml["metadata"]["namespace"].as_str(), Some("keyward"), "{}: namespace", doc.at());
    let secret = &spec["connector"]["scim"]["token"]["secret"];
    let name = secret["name"].as_str().expect("token: {secret: {name, key}}");
    let key = secret["key"].as_str().expect("token: {secret: {name, key}}");

    // The key is in the template the README tells admins to create.
    let template: Vec<(String, Secret)> = objects::<Secret>("secret.example.yaml");
    let (at_secret, s) = template
        .iter()
        .find(|(_, s)| s.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{}: Secret {name} is not in secret.example.yaml", doc.at()));
    assert!(
        s.string_data.as_ref().is_some_and(|d| d.contains_key(key)),
        "{at_secret}: key {key}, named by {}, is missing",
        doc.at()
    );
    // The Role lets the controller get it by name (and list nothing).
    let (at_role, role) = only::<Role>("rbac.yaml");
    let rules = role.rules.unwrap_or_default();
    let rule = rules
        .iter()
        .find(|r| r.resources.as_deref().unwrap_or_default().iter().any(|x| x == "secrets"))
        .unwrap_or_else(|| panic!("{at_role}: no rule for secrets"));
    assert!(rule.resource_names.as_deref().unwrap_or_default().iter().any(|n| n == name), "{at_role}: {name}");
    assert_eq!(rule.verbs, ["get"], "{at_role}: get by name only");
}

/// `{secret: {name: N, key: K}}` as the vendor examples spell the
/// Kubernetes form of their credentials, one to a line.
fn secret_refs_in(text: &str) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    for line in text.lines() {
        let Some((_, rest)) = line.split_once("{secret: {name: ") else { continue };
        let (name, rest) = rest.split_once(", key: ").unwrap_or_else(|| panic!("no key in `{line}`"));
        let key = rest.split_once("}}").unwrap_or_else(|| panic!("unclosed ref in `{line}`")).0;
        refs.push((name.trim().to_owned(), key.trim().to_owned()));
    }
    refs
}

#[test]
fn every_secret_the_vendor_examples_name_is_in_the_template_and_readable_by_the_role() {
    let template: BTreeMap<String, BTreeSet<String>> = objects::<Secret>("secret.example.yaml")
        .into_iter()
        .map(|(_, s)| (s.metadata.name.unwrap(), s.string_data.unwrap_or_default().into_keys().collect()))
        .collect();
    let (at_role, role) = only::<Role>("rbac.yaml");
    let readable: BTreeSet<String> = role
        .rules
        .unwrap_or_default()
        .iter()
        .filter(|r| r.resources.as_deref().unwrap_or_default().iter().any(|x| x == "secrets"))
        .flat_map(|r| r.resource_names.clone().unwrap_or_default())
        .collect();
    let dir = repo().join("examples/vendors");
    let mut files: Vec<PathBuf> = Vec::new();
    yaml_files(&dir, &mut files);
    let mut seen = BTreeSet::new();
    for path in &files {
        let file = path.strip_prefix(&dir).unwrap().display().to_string();
        let refs = secret_refs_in(&std::fs::read_to_string(path).unwrap());
        assert!(!refs.is_empty(), "examples/vendors/{file}: shows no Kubernetes `secret:` form of its credential");
        for (name, key) in refs {
            let keys = template.get(&name).unwrap_or_else(|| {
                panic!("examples/vendors/{file}: Secret {name} is not in {K8S}/secret.example.yaml")
            });
            assert!(keys.contains(&key), "examples/vendors/{file}: key {key} of {name} is not in the template");
            assert!(readable.contains(&name), "{at_role}: the controller may not get Secret {name}, named by {file}");
            seen.insert(key);
        }
    }
    // The HR API credentials of the three PeopleSources that read one.
    for key in ["smarthr-token", "google-directory-key.json", "graph-hr-client-secret"] {
        assert!(seen.contains(key), "no vendor PeopleSource names the key {key}");
    }
}
