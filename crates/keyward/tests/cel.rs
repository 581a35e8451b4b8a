//! The CEL rules (`x-kubernetes-validations`) of the committed CRDs in
//! `crds/`, evaluated as the API server evaluates them at `kubectl apply`
//! (kube-cel's schema walker: `self` bound to the rule's schema node, rules
//! of absent fields not run, schema defaults applied first): every rule
//! compiles and is bounded in cost, every shipped resource passes them all,
//! and every broken document in `tests/data/cel-broken/` is refused by
//! exactly the rule its `# expect:` line names, and by nothing else, while
//! the edge cases the compiler accepts (`tests/data/cel-accepted/`) pass.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/yaml_docs.rs"]
mod yaml_docs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kube_cel::{ErrorKind, ScopeContext, Validator, analyze_rule, compile_schema};
use serde_json::Value;
use yaml_docs::{documents, is_keyward, yaml_files};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Kind → the openAPIV3Schema of its committed CRD.
fn crd_schemas() -> BTreeMap<String, Value> {
    let files = yaml_files(&repo().join("crds"));
    assert_eq!(files.len(), 5, "one CRD per kind: {files:?}");
    files
        .iter()
        .flat_map(|f| documents(f))
        .map(|crd| {
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_owned();
            (kind, crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone())
        })
        .collect()
}

/// One rule as committed: where its schema node is, and the rule itself.
struct FoundRule {
    /// `spec.connector`, `spec.correlate[]`, `spec.attributes.*`.
    path: String,
    /// The schema node carrying the rule.
    node: Value,
    /// Bounds of the lists above the node: `(list path, maxItems)`.
    lists: Vec<(String, Option<u64>)>,
    rule: String,
    message: String,
    field_path: Option<String>,
}

fn rules_of(schema: &Value) -> Vec<FoundRule> {
    fn walk(path: &str, node: &Value, lists: &[(String, Option<u64>)], out: &mut Vec<FoundRule>) {
        for r in node.get("x-kubernetes-validations").and_then(Value::as_array).into_iter().flatten() {
            out.push(FoundRule {
                path: path.to_owned(),
                node: node.clone(),
                lists: lists.to_vec(),
                rule: r["rule"].as_str().unwrap().to_owned(),
                message: r["message"].as_str().unwrap_or_default().to_owned(),
                field_path: r["fieldPath"].as_str().map(str::to_owned),
            });
        }
        for (k, sub) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            walk(&p, sub, lists, out);
        }
        if let Some(items) = node.get("items") {
            let mut lists = lists.to_vec();
            lists.push((path.to_owned(), node.get("maxItems").and_then(Value::as_u64)));
            walk(&format!("{path}[]"), items, &lists, out);
        }
        if let Some(extra) = node.get("additionalProperties").filter(|x| x.is_object()) {
            let mut lists = lists.to_vec();
            lists.push((path.to_owned(), node.get("maxProperties").and_then(Value::as_u64)));
            walk(&format!("{path}.*"), extra, &lists, out);
        }
    }
    let mut out = Vec::new();
    walk("", schema, &[], &mut out);
    out
}

/// The schema node at `self.a.b` below `node`, if the path is plain fields.
fn node_at<'a>(node: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(node, |n, field| n.get("properties")?.get(field))
}

/// The `self.…` field paths a rule walks (`self.roles.exists(…)`) or
/// applies a string function to (`self.defaultRole.lowerAscii()`).
fn walked_and_scanned(rule: &str) -> (Vec<String>, Vec<String>) {
    let (mut walked, mut scanned) = (Vec::new(), Vec::new());
    for (at, _) in rule.match_indices("self.") {
        let tail = &rule[at + 5..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(tail.len());
        let chain = &tail[..end];
        const WALKS: [&str; 5] = ["exists", "all", "exists_one", "filter", "map"];
        const SCANS: [&str; 3] = ["lowerAscii", "matches", "contains"];
        if let Some((field, method)) = chain.rsplit_once('.') {
            if WALKS.contains(&method) {
                walked.push(field.to_owned());
            } else if SCANS.contains(&method) {
                scanned.push(field.to_owned());
            }
        }
    }
    (walked, scanned)
}

/// The variables the rule's macros bind (`r` in `self.roles.exists(r, …)`).
fn macro_variables(rule: &str) -> Vec<String> {
    ["exists(", "all(", "exists_one(", "filter(", "map("]
        .iter()
        .flat_map(|m| rule.match_indices(m).map(move |(at, _)| &rule[at + m.len()..]))
        .filter_map(|tail| tail.split_once(',').map(|(var, _)| var.trim().to_owned()))
        .collect()
}

#[test]
fn every_rule_compiles_has_a_message_and_is_bounded_in_cost() {
    let mut count = 0;
    for (kind, schema) in crd_schemas() {
        let compiled = compile_schema(&schema);
        let errors: Vec<String> = compiled.compilation_errors().iter().map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{kind}: rules that do not compile: {errors:#?}");
        for r in rules_of(&schema) {
            count += 1;
            let at = format!("{kind} {}: `{}`", r.path, r.rule);
            assert!(
                r.message.len() > 20 && !r.message.contains('\n'),
                "{at}: needs a one-line message naming the field and the fix"
            );
            if let Some(fp) = &r.field_path {
                let field = fp.strip_prefix('.').expect("fieldPath is relative: `.field`");
                assert!(node_at(&r.node, field).is_some(), "{at}: fieldPath {fp} is not a field of the node");
            }
            // kube-cel's scope check (0.8) does not know the variables a
            // macro binds (`r` in `self.roles.exists(r, …)`): those
            // warnings are false, every other one counts.
            let bound = macro_variables(&r.rule);
            let warnings: Vec<_> = analyze_rule(&r.rule, &compile_schema(&r.node), ScopeContext::CrdValidation)
                .into_iter()
                .filter(|w| !bound.iter().any(|v| w.message.starts_with(&format!("variable '{v}' is not available"))))
                .collect();
            assert!(warnings.is_empty(), "{at}: {warnings:#?}");
            // The API server multiplies a rule's cost by how often it can
            // run: every list above it needs a bound.
            for (list, max) in &r.lists {
                assert!(max.is_some(), "{at}: the list `{list}` above the rule has no maxItems/maxProperties");
            }
            // A rule that walks a list or scans a string needs both bounded.
            let (walked, scanned) = walked_and_scanned(&r.rule);
            for field in walked {
                let list = node_at(&r.node, &field).unwrap_or_else(|| panic!("{at}: no field {field}"));
                assert!(list.get("maxItems").is_some(), "{at}: walks `{field}`, which has no maxItems");
                let item = &list["items"];
                if item["type"] == "string" {
                    assert!(item.get("maxLength").is_some(), "{at}: `{field}` items have no maxLength");
                }
            }
            for field in scanned {
                let s = node_at(&r.node, &field).unwrap_or_else(|| panic!("{at}: no field {field}"));
                assert!(s.get("maxLength").is_some(), "{at}: scans `{field}`, which has no maxLength");
            }
        }
    }
    assert!(count >= 15, "only {count} rules found in crds/");
}

/// Every failure the CRD of `doc`'s kind reports for it, as
/// `(field path, message, kind)`.
fn refusals(schemas: &BTreeMap<String, Value>, doc: &Value) -> Vec<(String, String, ErrorKind)> {
    let kind = doc["kind"].as_str().unwrap();
    let schema = schemas.get(kind).unwrap_or_else(|| panic!("no CRD for kind {kind}"));
    match Validator::new().validate(schema, doc, None) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(|e| (e.field_path.clone(), e.message.clone(), e.kind.clone())).collect(),
    }
}

#[test]
fn every_shipped_resource_passes_every_rule() {
    let schemas = crd_schemas();
    let root = repo();
    let mut kinds = BTreeSet::new();
    let mut checked = 0;
    for file in ["policies", "examples"].iter().flat_map(|d| yaml_files(&root.join(d))) {
        for doc in documents(&file).iter().filter(|d| is_keyward(d)) {
            let refused = refusals(&schemas, doc);
            assert!(refused.is_empty(), "{}: {refused:#?}", file.display());
            kinds.insert(doc["kind"].as_str().unwrap().to_owned());
            checked += 1;
        }
    }
    assert_eq!(kinds.len(), 5, "the shipped resources should cover every kind: {kinds:?}");
    assert!(checked >= 20, "only {checked} shipped resources found");
}

#[test]
fn edge_cases_the_compiler_accepts_pass_every_rule() {
    let schemas = crd_schemas();
    let files = yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cel-accepted"));
    assert!(files.len() >= 4, "{files:?}");
    let structural = jsonschema::validator_for(&keyward::schema::policy_schema()).unwrap();
    for file in files {
        for doc in documents(&file) {
            assert!(structural.is_valid(&doc), "{}: refused by the structural schema", file.display());
            let refused = refusals(&schemas, &doc);
            assert!(refused.is_empty(), "{}: {refused:#?}", file.display());
        }
    }
}

/// A broken document and the one refusal it must get: its `# expect:
/// <field path>: <message>` line (the message's start is enough).
struct Broken {
    file: PathBuf,
    doc: Value,
    path: String,
    message: String,
}

fn broken_documents() -> Vec<Broken> {
    let files = yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cel-broken"));
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let expect = text
                .lines()
                .find_map(|l| l.strip_prefix("# expect: "))
                .unwrap_or_else(|| panic!("{}: no `# expect: <field path>: <message>` line", file.display()));
            let (path, message) = expect.split_once(": ").unwrap();
            let docs = documents(&file);
            assert_eq!(docs.len(), 1, "{}: one document per broken case", file.display());
            Broken { doc: docs[0].clone(), path: path.to_owned(), message: message.trim().to_owned(), file }
        })
        .collect()
}

#[test]
fn every_broken_document_is_refused_by_exactly_its_rule() {
    let schemas = crd_schemas();
    let broken = broken_documents();
    assert!(broken.len() >= 15, "only {} broken cases", broken.len());
    // Each case must be wrong only in what the rule checks: the structural
    // schema (here keyward's JSON Schema, generated from the same types)
    // accepts it, so the CEL rule is what the API server refuses it for.
    let structural = jsonschema::validator_for(&keyward::schema::policy_schema()).unwrap();
    for b in &broken {
        let f = b.file.display();
        let errors: Vec<String> =
            structural.iter_errors(&b.doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{f}: refused by the structural schema, not only by CEL: {errors:#?}");
        let refused = refusals(&schemas, &b.doc);
        assert!(
            refused.len() == 1
                && refused[0].0 == b.path
                && refused[0].1.starts_with(&b.message)
                && refused[0].2 == ErrorKind::ValidationFailure,
            "{f}: expected exactly one refusal `{}: {}…`, got {refused:#?}",
            b.path,
            b.message
        );
    }
}

#[test]
fn every_rule_has_a_broken_document_that_trips_it() {
    let schemas = crd_schemas();
    let tripped: BTreeSet<String> =
        broken_documents().iter().flat_map(|b| refusals(&schemas, &b.doc)).map(|(_, message, _)| message).collect();
    let mut untested = BTreeSet::new();
    for (kind, schema) in &schemas {
        for r in rules_of(schema) {
            if !tripped.contains(&r.message) {
                untested.insert(format!("{kind} {}: {}", r.path, r.message));
            }
        }
    }
    // A rule shared by a type used in several places (a secret reference)
    // is one rule: tripping it anywhere tests it.
    assert!(untested.is_empty(), "rules no file in tests/data/cel-broken/ trips: {untested:#?}");
}
