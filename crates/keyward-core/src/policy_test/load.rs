//! Loading test files: documents of kind `PolicyTest`, their cases, each
//! checked against the policies.

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

use super::doc::{Doc, Vocabulary, join, key, typed};
use super::expect::{RawExpect, expectation};
use super::subject::{RawPerson, synthetic};
use super::{KIND, Subject, TestCase};
use crate::compile::PolicySet;
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load::SourceFile;
use crate::resources::API_VERSION;
use crate::yaml::{self, Node, NodeKind, PathSegment};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawDoc {
    #[serde(rename = "apiVersion")]
    _api_version: String,
    #[serde(rename = "kind")]
    _kind: String,
    metadata: RawMeta,
    spec: RawSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSpec {
    #[serde(default)]
    at: Option<Date>,
    // Each case is read on its own, so one bad case does not hide the
    // problems of the others.
    cases: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawCase {
    name: String,
    // Read on their own, for the same reason as the cases.
    #[serde(default)]
    person: Option<Value>,
    #[serde(default)]
    employee: Option<String>,
    #[serde(rename = "expect")]
    _expect: Value,
}

/// Parses test files and checks every name they use against `set`.
/// Returns every problem found in every file, or the cases in file order.
pub fn load(set: &PolicySet, files: &[SourceFile]) -> Result<Vec<TestCase>, Diagnostics> {
    let vocab = Vocabulary::new(set);
    let mut diags = Vec::new();
    let mut cases = Vec::new();
    for file in files {
        let docs = match yaml::parse_documents(&file.path, &file.text) {
            Ok(d) => d,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if docs.is_empty() {
            diags.push(
                Diagnostic::error(&file.path, None, "the test file holds no document")
                    .with_help(format!("write `apiVersion: {API_VERSION}` and `kind: {KIND}` documents in it")),
            );
        }
        for d in &docs {
            let mut doc = Doc { file: &file.path, root: &d.root, diags: &mut diags };
            load_document(&vocab, &mut doc, &mut cases);
        }
    }
    if diags.is_empty() { Ok(cases) } else { Err(Diagnostics(diags)) }
}

fn load_document(vocab: &Vocabulary<'_>, doc: &mut Doc<'_>, out: &mut Vec<TestCase>) {
    let root = doc.root;
    if !matches!(root.kind, NodeKind::Map(_)) {
        doc.error(
            &[],
            false,
            "a test document must be a mapping",
            format!("start it with `apiVersion: {API_VERSION}` and `kind: {KIND}`"),
        );
        return;
    }
    match root.get("apiVersion").and_then(Node::as_str) {
        Some(API_VERSION) => {}
        Some(other) => {
            let other = other.to_owned();
            doc.error(
                &[key("apiVersion")],
                false,
                format!("unsupported apiVersion `{other}`"),
                format!("test files use `{API_VERSION}`"),
            );
            return;
        }
        None => {
            doc.error(
                &[],
                false,
                "document has no `apiVersion`",
                format!("add `apiVersion: {API_VERSION}` at the top of the document"),
            );
            return;
        }
    }
    match root.get("kind").and_then(Node::as_str) {
        Some(KIND) => {}
        Some(other) => {
            let other = other.to_owned();
            doc.error(
                &[key("kind")],
                false,
                format!("`{other}` in a test file; test files hold only `{KIND}` documents"),
                suggest(&other, &[KIND]).unwrap_or_else(|| {
                    "move policies to the policy directory: keyward never reads *.test.yaml files as policies"
                        .to_owned()
                }),
            );
            return;
        }
        None => {
            doc.error(&[], false, "document has no `kind`", format!("add `kind: {KIND}`"));
            return;
        }
    }
    let Some(raw) = typed::<RawDoc>(doc, &[]) else {
        return;
    };
    let name = raw.metadata.name;
    if raw.spec.cases.is_empty() {
        doc.error(
            &[key("spec"), key("cases")],
            false,
            "the test has no cases",
            "add cases: `- name: …`, with `person:` or `employee:` and `expect:`",
        );
    }
    for i in 0..raw.spec.cases.len() {
        let base = vec![key("spec"), key("cases"), PathSegment::Index(i)];
        let Some(case) = typed::<RawCase>(doc, &base) else {
            continue;
        };
        if let Some(c) = load_case(vocab, doc, &base, &name, raw.spec.at, case) {
            out.push(c);
        }
    }
}

fn load_case(
    vocab: &Vocabulary<'_>,
    doc: &mut Doc<'_>,
    base: &[PathSegment],
    test: &str,
    at: Option<Date>,
    raw: RawCase,
) -> Option<TestCase> {
    let errors_before = doc.diags.len();
    let location = doc.at(base, false);
    let subject = match (raw.person, raw.employee) {
        (Some(_), Some(_)) => {
            doc.error(
                &join(base, &[key("employee")]),
                true,
                "a case has either `person:` or `employee:`, not both",
                "keep `employee:` to test a real person from the HR master, or `person:` for a made-up HR record",
            );
            None
        }
        (None, None) => {
            doc.error(
                base,
                false,
                format!("case `{}` says nobody to test", raw.name),
                "add `person:` with an HR record (department, title, employmentType…) or `employee: <employee number>`",
            );
            None
        }
        (None, Some(key_)) => {
            let location = doc.at(&join(base, &[key("employee")]), false);
            Some(Subject::Employee { key: key_, location })
        }
        (Some(_), None) => {
            let person_at = join(base, &[key("person")]);
            typed::<RawPerson>(doc, &person_at)
                .and_then(|p| synthetic(vocab, doc, &person_at, p))
                .map(|p| Subject::Synthetic(Box::new(p)))
        }
    };
    let expect_at = join(base, &[key("expect")]);
    let expect = typed::<RawExpect>(doc, &expect_at).map(|e| expectation(vocab, doc, &expect_at, e));
    if doc.diags.len() > errors_before {
        return None;
    }
    Some(TestCase {
        test: test.to_owned(),
        name: raw.name,
        file: doc.file.to_owned(),
        location,
        at,
        subject: subject?,
        expect: expect?,
    })
}
