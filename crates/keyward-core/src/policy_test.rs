//! Policy unit tests: `PolicyTest` documents that say what a person should
//! (and should not) be granted, checked against the policies by
//! `keyward test`.
//!
//! A test describes a person, either a synthetic HR record written in the
//! test or a real employee from the HR master, and the grants expected.
//! The person's actual grants come from [`grants_of`], the same selection
//! the plan makes, so a passing test says something true about the plan.
//!
//! Test files are loaded with positions like policy files: every mistake
//! (an app, role, group, employment type or attribute the policies do not
//! know, a bad date, an unknown field) is an error at `file:line:column`
//! with a fix, because a test that cannot fail silently is worse than none.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::compile::PolicySet;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::grants::{Because, Grant, NotSelected, grants_of};
use crate::load::SourceFile;
use crate::people::{FieldLabels, People, Person, PersonOrigin, Post, SourceInfo};
use crate::resources::{API_VERSION, HrStatus};
use crate::vocab;
use crate::yaml::{self, Node, NodeKind, PathSegment, dotted};

/// The kind of a policy test document.
pub const KIND: &str = "PolicyTest";

/// Employee number of a synthetic person whose test gives none.
pub const DEFAULT_ID: &str = "test-person";

/// Work e-mail of a synthetic person whose test gives none.
pub const DEFAULT_EMAIL: &str = "test-person@policy-test.invalid";

/// One test case, loaded and checked against the policies.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// `metadata.name` of the PolicyTest document.
    pub test: String,
    /// The case's `name`.
    pub name: String,
    /// The test file.
    pub file: String,
    /// Where the case starts in the file.
    pub location: Location,
    /// The day the case is evaluated on, when the document fixes one.
    pub at: Option<Date>,
    /// Who is tested.
    pub subject: Subject,
    /// What is expected.
    pub expect: Expectation,
}

/// The person a case is about.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A synthetic HR record written in the test.
    Synthetic(Box<Person>),
    /// A person from the HR master, by employee number or work e-mail.
    Employee {
        /// The employee number or e-mail as written.
        key: String,
        /// Where it was written, for "no such person" errors.
        location: Location,
    },
}

/// What a case expects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    /// Apps that must be granted, in the order written.
    pub grants: Vec<ExpectedGrant>,
    /// Apps that must not be granted.
    pub denies: Vec<String>,
    /// No app beyond `grants` may be granted.
    pub exactly: bool,
}

/// One app a case expects to be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedGrant {
    /// The Application's name.
    pub app: String,
    /// The role expected; `None` when any role (or none) will do.
    pub role: Option<String>,
    /// The groups expected, exactly; `None` when groups do not matter.
    pub groups: Option<Vec<String>>,
}

/// What was expected of one app, as shown in results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    /// `true` when the app must be granted, `false` when it must not.
    pub granted: bool,
    /// The role expected, when the test names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The groups expected, when the test names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// One app where the actual grant differs from the expected one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mismatch {
    /// The Application's name.
    pub app: String,
    /// What the test expected.
    pub expected: Expected,
    /// What the policies grant (`None`: not granted), with the policies and
    /// exceptions behind it.
    pub actual: Option<Grant>,
    /// When the app was expected but is not granted: the policies granting
    /// it that did not select the person, each with the first condition
    /// the person fails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<NotSelected>,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseResult {
    /// `metadata.name` of the PolicyTest document.
    pub test: String,
    /// The case's name.
    pub name: String,
    /// The test file.
    pub file: String,
    /// Line of the case in the file.
    pub line: usize,
    /// Column of the case in the file.
    pub column: usize,
    /// The day the grants were decided on.
    pub at: Date,
    /// The person, as plans name people.
    pub person: String,
    /// The person's phase on that day (`employed`, `left`…).
    pub phase: String,
    /// `true` when every expectation holds.
    pub passed: bool,
    /// The expectations that do not hold.
    pub mismatches: Vec<Mismatch>,
    /// Every grant the person has, with its reasons.
    pub actual: Vec<Grant>,
    /// Exceptions naming the person that are not in force on the day
    /// (a common reason for a missing grant).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions_not_in_force: Vec<String>,
}

/// The results of a test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Number of cases that passed.
    pub passed: usize,
    /// Number of cases that failed.
    pub failed: usize,
    /// Every case, in file and case order.
    pub cases: Vec<CaseResult>,
}

impl Outcome {
    /// `true` when every case passed.
    pub fn success(&self) -> bool {
        self.failed == 0
    }
}

// ---------------------------------------------------------------- loading

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawPerson {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    // String or list of posts; read from the node for precise errors.
    #[serde(default)]
    department: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    employment_type: Option<String>,
    #[serde(default)]
    status: Option<HrStatus>,
    #[serde(default)]
    start_date: Option<Date>,
    #[serde(default)]
    end_date: Option<Date>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawExpect {
    // App → role, `true` or `{role, groups}`; read from the node.
    #[serde(default)]
    grants: Option<Value>,
    #[serde(default)]
    denies: Vec<String>,
    #[serde(default)]
    exactly: bool,
}

/// What the policies define, for checking names written in tests.
struct Vocabulary<'a> {
    set: &'a PolicySet,
    employment_types: BTreeSet<String>,
    attributes: BTreeMap<String, String>,
}

impl<'a> Vocabulary<'a> {
    fn new(set: &'a PolicySet) -> Self {
        let mut employment_types: BTreeSet<String> =
            vocab::WELL_KNOWN_EMPLOYMENT_TYPES.iter().map(|s| (*s).to_owned()).collect();
        for src in &set.people_sources {
            if let Some(values) = src.spec.values() {
                employment_types.extend(values.employment_type.values().cloned());
            }
        }
        Self { set, employment_types, attributes: set.people_attributes() }
    }

    fn app_names(&self) -> Vec<&str> {
        self.set.applications.iter().map(|a| a.name.as_str()).collect()
    }

    /// Every grant of `app` in policies and exceptions.
    fn grants_of_app(&self, app: &str) -> impl Iterator<Item = &crate::resources::Grant> {
        let policies = self.set.policies.iter().flat_map(|p| &p.spec.grant);
        let exceptions = self.set.exceptions.iter().flat_map(|e| &e.spec.grant);
        policies.chain(exceptions).filter(move |g| g.app == app)
    }

    /// Roles a test may expect of `app`: the declared roles, or for an app
    /// that declares none, the default role and the roles grants name.
    fn roles(&self, app: &str) -> Vec<String> {
        let Some(a) = self.set.application(app) else {
            return Vec::new();
        };
        if !a.spec.roles.is_empty() {
            return a.spec.roles.clone();
        }
        let mut out: BTreeSet<String> = a.spec.default_role.iter().cloned().collect();
        out.extend(self.grants_of_app(app).filter_map(|g| g.role.clone()));
        out.into_iter().collect()
    }

    /// Groups some policy or exception grants in `app`.
    fn groups(&self, app: &str) -> BTreeSet<String> {
        self.grants_of_app(app).flat_map(|g| g.groups.iter().cloned()).collect()
    }
}

/// Collects errors for one document.
struct Doc<'a> {
    file: &'a str,
    root: &'a Node,
    diags: &'a mut Vec<Diagnostic>,
}

impl Doc<'_> {
    fn at(&self, path: &[PathSegment], key: bool) -> Location {
        self.root.locate(path, key).0.location
    }

    fn error(&mut self, path: &[PathSegment], key: bool, message: impl Into<String>, help: impl Into<String>) {
        let location = self.at(path, key);
        self.diags.push(Diagnostic::error(self.file, Some(location), message).with_help(help));
    }

    fn node(&self, path: &[PathSegment]) -> Option<&Node> {
        match self.root.locate(path, false) {
            (n, true) => Some(n),
            _ => None,
        }
    }
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_owned())
}

fn join(base: &[PathSegment], more: &[PathSegment]) -> Vec<PathSegment> {
    base.iter().chain(more).cloned().collect()
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

fn synthetic(vocab: &Vocabulary<'_>, doc: &mut Doc<'_>, base: &[PathSegment], raw: RawPerson) -> Option<Person> {
    let mut ok = true;
    let mut posts = Vec::new();
    let dept_path = join(base, &[key("department")]);
    match (raw.department, doc.node(&dept_path).cloned()) {
        (None, _) | (Some(Value::Null), _) => {
            if raw.title.is_some() {
                posts.push(Post { department: None, title: raw.title.clone() });
            }
        }
        (Some(Value::String(d)), _) => {
            posts.push(Post { department: Some(d.trim().to_owned()), title: raw.title.clone() })
        }
        (Some(Value::Array(_)), Some(node)) => {
            if raw.title.is_some() {
                doc.error(
                    &join(base, &[key("title")]),
                    true,
                    "`title` next to a list of posts",
                    "with several posts (兼務), give each its title: `department: [{department: 営業本部, title: 部長}, …]`",
                );
                ok = false;
            }
            let NodeKind::Seq(items) = &node.kind else {
                return None;
            };
            for (i, item) in items.iter().enumerate() {
                let here = join(&dept_path, &[PathSegment::Index(i)]);
                match &item.kind {
                    NodeKind::Str(d) => posts.push(Post { department: Some(d.trim().to_owned()), title: None }),
                    NodeKind::Map(entries) => {
                        let mut post = Post::default();
                        for (k, v) in entries {
                            let name = k.key_string().unwrap_or_default();
                            match (name.as_str(), v.as_str()) {
                                ("department", Some(s)) => post.department = Some(s.trim().to_owned()),
                                ("title", Some(s)) => post.title = Some(s.to_owned()),
                                ("department" | "title", None) => {
                                    doc.error(
                                        &join(&here, &[key(&name)]),
                                        false,
                                        format!("`{name}` must be a string"),
                                        "quote the value",
                                    );
                                    ok = false;
                                }
                                _ => {
                                    doc.error(
                                        &join(&here, &[key(&name)]),
                                        true,
                                        format!("unknown field `{name}` in a post"),
                                        suggest(&name, &["department", "title"])
                                            .unwrap_or_else(|| "a post has only `department` and `title`".to_owned()),
                                    );
                                    ok = false;
                                }
                            }
                        }
                        posts.push(post);
                    }
                    _ => {
                        doc.error(
                            &here,
                            false,
                            "a post must be a department path or `{department, title}`",
                            "write `- 営業本部/第一営業部` or `- {department: 営業本部/第一営業部, title: 部長}`",
                        );
                        ok = false;
                    }
                }
            }
        }
        (Some(_), _) => {
            doc.error(
                &dept_path,
                false,
                "`department` must be a department path or a list of posts",
                "write `department: 開発本部/プラットフォーム部`, or for 兼務 a list of `{department, title}`",
            );
            ok = false;
        }
    }
    if let Some(t) = &raw.employment_type
        && !vocab.employment_types.contains(t)
    {
        let cands: Vec<&str> = vocab.employment_types.iter().map(String::as_str).collect();
        doc.error(
            &join(base, &[key("employmentType")]),
            false,
            format!("unknown employment type `{t}`"),
            suggest(t, &cands).unwrap_or_else(|| {
                format!("use one of {} (keyward's words, not the HR labels they are mapped from)", cands.join(", "))
            }),
        );
        ok = false;
    }
    for attr in raw.attributes.keys() {
        if !vocab.attributes.contains_key(attr) {
            let cands: Vec<&str> = vocab.attributes.keys().map(String::as_str).collect();
            doc.error(
                &join(base, &[key("attributes"), key(attr)]),
                true,
                format!("no people source declares the attribute `{attr}`"),
                suggest(attr, &cands).unwrap_or_else(|| {
                    if cands.is_empty() {
                        "declare it under the PeopleSource's `columns.attributes` first".to_owned()
                    } else {
                        format!("declared attributes: {}", cands.join(", "))
                    }
                }),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let id = raw.id.unwrap_or_else(|| DEFAULT_ID.to_owned());
    let line = doc.at(base, false).line;
    Some(Person {
        id,
        previous_ids: Vec::new(),
        email: Some(raw.email.unwrap_or_else(|| DEFAULT_EMAIL.to_owned())),
        name: raw.name,
        posts,
        employment_type: raw.employment_type,
        status: raw.status.unwrap_or(HrStatus::Active),
        status_label: None,
        start_date: raw.start_date,
        end_date: raw.end_date,
        manager: None,
        moved_on: None,
        attributes: raw.attributes,
        origin: PersonOrigin { source: 0, line },
    })
}

fn expectation(vocab: &Vocabulary<'_>, doc: &mut Doc<'_>, base: &[PathSegment], raw: RawExpect) -> Expectation {
    let mut out = Expectation { grants: Vec::new(), denies: Vec::new(), exactly: raw.exactly };
    let grants_path = join(base, &[key("grants")]);
    if raw.grants.is_some() {
        match doc.node(&grants_path).cloned() {
            Some(Node { kind: NodeKind::Map(entries), .. }) => {
                for (k, v) in &entries {
                    let app = k.key_string().unwrap_or_default();
                    let here = join(&grants_path, &[key(&app)]);
                    if !known_app(vocab, doc, &here, &app) {
                        continue;
                    }
                    if let Some(g) = expected_grant(vocab, doc, &here, &app, v) {
                        out.grants.push(g);
                    }
                }
            }
            Some(Node { kind: NodeKind::Null, .. }) | None => {}
            Some(_) => doc.error(
                &grants_path,
                false,
                "`grants` must map apps to roles",
                "write `grants: {slack: guest, github: member}`; `true` when the app has no roles",
            ),
        }
    }
    for (i, app) in raw.denies.iter().enumerate() {
        let here = join(base, &[key("denies"), PathSegment::Index(i)]);
        if !known_app(vocab, doc, &here, app) {
            continue;
        }
        if out.grants.iter().any(|g| &g.app == app) {
            doc.error(
                &here,
                false,
                format!("`{app}` is both expected and denied"),
                "keep it under `grants:` or under `denies:`, not both",
            );
            continue;
        }
        out.denies.push(app.clone());
    }
    let no_grants = match &raw.grants {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(_) => false,
    };
    if no_grants && raw.denies.is_empty() && !raw.exactly {
        doc.error(
            base,
            false,
            "the case expects nothing",
            "add `grants: {app: role}`, `denies: [app]`, or `exactly: true` with no grants to say nothing is granted",
        );
    }
    out
}

fn known_app(vocab: &Vocabulary<'_>, doc: &mut Doc<'_>, at: &[PathSegment], app: &str) -> bool {
    if vocab.set.application(app).is_some() {
        return true;
    }
    let names = vocab.app_names();
    // A grant's app is a mapping key; a denied app is a list item.
    let on_key = matches!(at.last(), Some(PathSegment::Key(_)));
    doc.error(
        at,
        on_key,
        format!("unknown app `{app}`"),
        suggest(app, &names).unwrap_or_else(|| format!("the policies define: {}", names.join(", "))),
    );
    false
}

fn expected_grant(
    vocab: &Vocabulary<'_>,
    doc: &mut Doc<'_>,
    at: &[PathSegment],
    app: &str,
    value: &Node,
) -> Option<ExpectedGrant> {
    let (role, groups) = match &value.kind {
        NodeKind::Bool(true) => (None, None),
        NodeKind::Bool(false) => {
            doc.error(
                at,
                false,
                format!("`{app}: false` in `grants`"),
                format!("list apps that must not be granted under `denies: [{app}]`"),
            );
            return None;
        }
        NodeKind::Str(r) => (Some((r.clone(), at.to_vec())), None),
        NodeKind::Map(entries) => {
            let mut role = None;
            let mut groups = None;
            for (k, v) in entries {
                let name = k.key_string().unwrap_or_default();
                let here = join(at, &[key(&name)]);
                match (name.as_str(), &v.kind) {
                    ("role", NodeKind::Str(r)) => role = Some((r.clone(), here)),
                    ("groups", NodeKind::Seq(items)) => {
                        let mut gs = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            match item.as_str() {
                                Some(g) => gs.push((g.to_owned(), join(&here, &[PathSegment::Index(i)]))),
                                None => {
                                    doc.error(
                                        &join(&here, &[PathSegment::Index(i)]),
                                        false,
                                        "a group must be a string",
                                        "quote the group name",
                                    );
                                    return None;
                                }
                            }
                        }
                        groups = Some(gs);
                    }
                    ("role", _) => {
                        doc.error(
                            &here,
                            false,
                            "`role` must be a string",
                            "write the role's name, one of the app's `roles`",
                        );
                        return None;
                    }
                    ("groups", _) => {
                        doc.error(&here, false, "`groups` must be a list", "write `groups: [engineers, platform]`");
                        return None;
                    }
                    _ => {
                        doc.error(
                            &here,
                            true,
                            format!("unknown field `{name}` in an expected grant"),
                            suggest(&name, &["role", "groups"])
                                .unwrap_or_else(|| "an expected grant has only `role` and `groups`".to_owned()),
                        );
                        return None;
                    }
                }
            }
            (role, groups)
        }
        _ => {
            doc.error(at, false, format!("`{app}` must be a role, `true` or `{{role, groups}}`"), format!("write `{app}: <role>`, `{app}: true` when the role does not matter, or `{app}: {{role: <role>, groups: [..]}}`"));
            return None;
        }
    };
    let mut ok = true;
    if let Some((r, here)) = &role {
        let roles = vocab.roles(app);
        if !roles.contains(r) {
            let cands: Vec<&str> = roles.iter().map(String::as_str).collect();
            let help = if cands.is_empty() {
                format!("`{app}` has no roles; write `{app}: true`")
            } else {
                suggest(r, &cands).unwrap_or_else(|| format!("`{app}` has the roles {}", cands.join(", ")))
            };
            doc.error(here, false, format!("`{r}` is not a role of `{app}`"), help);
            ok = false;
        }
    }
    let mut group_names = None;
    if let Some(gs) = groups {
        let known = vocab.groups(app);
        let cands: Vec<&str> = known.iter().map(String::as_str).collect();
        for (g, here) in &gs {
            if !known.contains(g) {
                let help = if cands.is_empty() {
                    format!("no policy or exception grants groups in `{app}`")
                } else {
                    suggest(g, &cands).unwrap_or_else(|| format!("groups granted in `{app}`: {}", cands.join(", ")))
                };
                doc.error(here, false, format!("no policy or exception grants the group `{g}` in `{app}`"), help);
                ok = false;
            }
        }
        let mut names: Vec<String> = gs.into_iter().map(|(g, _)| g).collect();
        names.sort();
        names.dedup();
        group_names = Some(names);
    }
    ok.then(|| ExpectedGrant { app: app.to_owned(), role: role.map(|(r, _)| r), groups: group_names })
}

/// Deserializes the node at `at`, turning serde's error into a located one.
fn typed<T: DeserializeOwned>(doc: &mut Doc<'_>, at: &[PathSegment]) -> Option<T> {
    let json = doc.root.locate(at, false).0.to_json();
    match serde_path_to_error::deserialize::<_, T>(json) {
        Ok(v) => Some(v),
        Err(e) => {
            let segments: Vec<PathSegment> = at
                .iter()
                .cloned()
                .chain(e.path().iter().filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(PathSegment::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(PathSegment::Key(key.clone())),
                    serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
                }))
                .collect();
            let message = e.inner().to_string();
            let at_key = message.starts_with("unknown field") || message.starts_with("missing field");
            let field = dotted(&segments);
            let where_ = if field.is_empty() { String::new() } else { format!(" at `{field}`") };
            let is_date = matches!(segments.last(), Some(PathSegment::Key(k)) if k == "at" || k.ends_with("Date"));
            let help = help_for(&message, &field, is_date);
            doc.error(&segments, at_key, format!("{message}{where_}"), help);
            None
        }
    }
}

fn help_for(message: &str, parent: &str, is_date: bool) -> String {
    if is_date {
        return "write the date as YYYY-MM-DD, e.g. 2026-11-23".to_owned();
    }
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
        if let Some((bad, expected)) = names.split_first() {
            return suggest(bad, expected)
                .unwrap_or_else(|| format!("remove it; allowed here: {}", expected.join(", ")));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return if parent.is_empty() { format!("add `{field}:`") } else { format!("add `{field}:` under `{parent}`") };
    }
    if message.contains("expected a string") {
        return "write the value as a string; quote it (`\"0012\"`) when YAML would read it as a number, date or boolean".to_owned();
    }
    if message.contains("a sequence") {
        return "write a list, one `- item` per line or `[a, b]`".to_owned();
    }
    if message.contains("a boolean") {
        return "write `true` or `false`".to_owned();
    }
    "see the PolicyTest reference in the README for what this field accepts".to_owned()
}

// ---------------------------------------------------------------- running

/// `true` when some case tests a real employee, so the HR master must be read.
pub fn needs_people(cases: &[TestCase]) -> bool {
    cases.iter().any(|c| matches!(c.subject, Subject::Employee { .. }))
}

/// Runs every case. `people` is the HR master (needed only when
/// [`needs_people`]); `default_at` is the day for documents that fix none.
/// An employee the HR master does not know is an error at its place.
pub fn run(
    set: &PolicySet,
    cases: &[TestCase],
    people: Option<&People>,
    default_at: Date,
) -> Result<Outcome, Diagnostics> {
    let mut diags = Vec::new();
    let mut results = Vec::new();
    for case in cases {
        let at = case.at.unwrap_or(default_at);
        let synthetic_people;
        let (people, index) = match &case.subject {
            Subject::Synthetic(person) => {
                let source = SourceInfo {
                    name: "policy test".to_owned(),
                    location: case.file.clone(),
                    labels: FieldLabels::default(),
                };
                synthetic_people = People::new(vec![source], vec![(**person).clone()]).map_err(|e| {
                    Diagnostics(
                        e.into_iter()
                            .map(|e| Diagnostic::error(&case.file, Some(case.location), e.to_string()))
                            .collect(),
                    )
                })?;
                (&synthetic_people, 0)
            }
            Subject::Employee { key, location } => match people.and_then(|p| p.find(key).map(|i| (p, i))) {
                Some(found) => found,
                None => {
                    diags.push(
                            Diagnostic::error(&case.file, Some(*location), format!("no person `{key}` in the HR master"))
                                .with_help("use an employee number or work e-mail from the HR master, or describe a made-up HR record with `person:`"),
                        );
                    continue;
                }
            },
        };
        let Some(person) = people.get(index) else {
            continue;
        };
        let Some(actual) = grants_of(set, people, index, at) else {
            continue;
        };
        let mismatches = compare(&case.expect, &actual.grants, &actual.not_selected);
        results.push(CaseResult {
            test: case.test.clone(),
            name: case.name.clone(),
            file: case.file.clone(),
            line: case.location.line,
            column: case.location.column,
            at,
            person: match &case.subject {
                Subject::Synthetic(p) if p.name.is_none() => describe(p),
                _ => person.label(),
            },
            phase: actual.phase,
            passed: mismatches.is_empty(),
            mismatches,
            actual: actual.grants,
            exceptions_not_in_force: actual.exceptions_not_in_force,
        });
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    let passed = results.iter().filter(|r| r.passed).count();
    Ok(Outcome { passed, failed: results.len() - passed, cases: results })
}

/// A made-up person in words: `made-up person (contractor; 開発本部/プラットフォーム部)`.
fn describe(p: &Person) -> String {
    let mut parts = vec![p.employment_type.clone().unwrap_or_else(|| "no employment type".to_owned())];
    let posts: Vec<String> = p
        .posts
        .iter()
        .map(|post| match (&post.department, &post.title) {
            (Some(d), Some(t)) => format!("{t} in {d}"),
            (Some(d), None) => d.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if !posts.is_empty() {
        parts.push(posts.join(", "));
    }
    if p.status != HrStatus::Active {
        parts.push(p.status.as_str().to_owned());
    }
    format!("made-up person ({})", parts.join("; "))
}

/// The expectations of `expect` that `grants` do not meet. `not_selected`
/// explains missing grants.
pub fn compare(expect: &Expectation, grants: &[Grant], not_selected: &[NotSelected]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for e in &expect.grants {
        let actual = grants.iter().find(|g| g.app == e.app);
        let holds = actual.is_some_and(|a| {
            e.role.as_ref().is_none_or(|r| a.role.as_ref() == Some(r))
                && e.groups.as_ref().is_none_or(|gs| {
                    let mut have = a.groups.clone();
                    have.sort();
                    &have == gs
                })
        });
        if holds {
            continue;
        }
        let why_not = if actual.is_none() {
            not_selected.iter().filter(|n| n.apps.contains(&e.app)).cloned().collect()
        } else {
            Vec::new()
        };
        out.push(Mismatch {
            app: e.app.clone(),
            expected: Expected { granted: true, role: e.role.clone(), groups: e.groups.clone() },
            actual: actual.cloned(),
            why_not,
        });
    }
    for g in grants {
        let denied = expect.denies.contains(&g.app);
        let extra = expect.exactly && !expect.grants.iter().any(|e| e.app == g.app);
        if denied || extra {
            out.push(Mismatch {
                app: g.app.clone(),
                expected: Expected { granted: false, role: None, groups: None },
                actual: Some(g.clone()),
                why_not: Vec::new(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------- rendering

/// One line per case (`ok` / `FAILED`); under a failure, each app that
/// differs with expected and actual, the reasons for an actual grant or
/// the policies that did not select the person, and every actual grant;
/// then `N passed, M failed`.
pub fn render_text(outcome: &Outcome) -> String {
    let mut s = String::new();
    for c in &outcome.cases {
        if c.passed {
            let _ = writeln!(s, "ok      {}: {}", c.test, c.name);
            continue;
        }
        let _ = writeln!(s, "FAILED  {}: {} ({}:{}:{})", c.test, c.name, c.file, c.line, c.column);
        let _ = writeln!(s, "        {} on {}, {}", c.person, c.at, c.phase);
        for m in &c.mismatches {
            let _ = writeln!(s, "        {}:", m.app);
            let _ = writeln!(s, "          expected  {}", expected_words(&m.expected));
            match &m.actual {
                Some(g) => {
                    // No groups are worth saying only when groups were expected.
                    let groups = (!g.groups.is_empty() || m.expected.groups.is_some()).then(|| g.groups.clone());
                    let actual = Expected { granted: true, role: g.role.clone(), groups };
                    let _ = writeln!(s, "          actual    {}", expected_words(&actual));
                    let _ = writeln!(s, "          because   {}", because_words(&g.because));
                }
                None => {
                    let _ = writeln!(s, "          actual    not granted");
                    // A leaver fails every policy for the same reason;
                    // one line per reason reads better than one per policy.
                    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
                    for n in &m.why_not {
                        match reasons.iter_mut().find(|(why, _)| *why == n.why) {
                            Some((_, policies)) => policies.push(&n.policy),
                            None => reasons.push((&n.why, vec![&n.policy])),
                        }
                    }
                    for (why, policies) in reasons {
                        let _ = writeln!(s, "          not selected by {}: {why}", policies.join(", "));
                    }
                }
            }
        }
        for e in &c.exceptions_not_in_force {
            let _ = writeln!(s, "        note: {e}");
        }
        if c.actual.is_empty() {
            let _ = writeln!(s, "        actual grants: none");
        } else {
            let _ = writeln!(s, "        actual grants:");
            for g in &c.actual {
                let _ = writeln!(s, "          {}  ({})", grant_words(g), because_words(&g.because));
            }
        }
    }
    let _ = writeln!(s, "{} passed, {} failed", outcome.passed, outcome.failed);
    s
}

/// `granted, role member, groups [a, b]` or `not granted`.
fn expected_words(e: &Expected) -> String {
    if !e.granted {
        return "not granted".to_owned();
    }
    let mut s = match &e.role {
        Some(r) => format!("granted, role {r}"),
        None => "granted".to_owned(),
    };
    if let Some(gs) = &e.groups {
        let _ = write!(s, ", groups [{}]", gs.join(", "));
    }
    s
}

fn grant_words(g: &Grant) -> String {
    let mut s = g.app.clone();
    if let Some(r) = &g.role {
        let _ = write!(s, ": {r}");
    }
    if !g.groups.is_empty() {
        let _ = write!(s, ", groups [{}]", g.groups.join(", "));
    }
    s
}

fn because_words(because: &[Because]) -> String {
    because
        .iter()
        .map(|b| match b {
            Because::AccessPolicy { name, .. } => format!("AccessPolicy {name}"),
            Because::Exception { name, until, .. } => format!("Exception {name} until {until}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(app: &str, role: Option<&str>, groups: &[&str]) -> Grant {
        Grant {
            app: app.into(),
            role: role.map(Into::into),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            because: vec![Because::AccessPolicy { name: "p".into(), department: None, title: None, role: None }],
        }
    }

    fn expect(app: &str, role: Option<&str>, groups: Option<&[&str]>) -> ExpectedGrant {
        ExpectedGrant {
            app: app.into(),
            role: role.map(Into::into),
            groups: groups.map(|g| g.iter().map(|x| (*x).to_owned()).collect()),
        }
    }

    #[test]
    fn matching_grants_give_no_mismatch() {
        let e = Expectation {
            grants: vec![expect("slack", Some("guest"), None), expect("github", None, Some(&["a", "b"]))],
            denies: vec!["zoom".into()],
            exactly: true,
        };
        let actual = [grant("slack", Some("guest"), &[]), grant("github", Some("member"), &["b", "a"])];
        assert!(compare(&e, &actual, &[]).is_empty());
    }

    #[test]
    fn wrong_role_missing_app_denied_and_extra_apps_are_mismatches() {
        let e = Expectation {
            grants: vec![expect("slack", Some("member"), None), expect("github", None, None)],
            denies: vec!["zoom".into()],
            exactly: true,
        };
        let actual = [grant("slack", Some("guest"), &[]), grant("zoom", None, &[]), grant("drive", None, &[])];
        let why =
            NotSelected { policy: "eng".into(), apps: vec!["github".into()], why: "it selects department X".into() };
        let other = NotSelected { policy: "sales".into(), apps: vec!["crm".into()], why: "no".into() };
        let m = compare(&e, &actual, &[why.clone(), other]);
        let apps: Vec<&str> = m.iter().map(|m| m.app.as_str()).collect();
        assert_eq!(apps, ["slack", "github", "zoom", "drive"]);
        assert_eq!(m[0].actual.as_ref().and_then(|g| g.role.as_deref()), Some("guest"));
        assert!(m[0].why_not.is_empty());
        assert_eq!(m[1].actual, None);
        assert_eq!(m[1].why_not, vec![why]);
        assert!(!m[2].expected.granted);
    }

    #[test]
    fn groups_must_match_exactly() {
        let e = Expectation { grants: vec![expect("github", None, Some(&["a"]))], ..Expectation::default() };
        assert_eq!(compare(&e, &[grant("github", None, &["a", "b"])], &[]).len(), 1);
        assert!(compare(&e, &[grant("github", None, &["a"])], &[]).is_empty());
    }

    #[test]
    fn without_exactly_other_apps_are_fine() {
        let e = Expectation { grants: vec![expect("slack", None, None)], ..Expectation::default() };
        assert!(compare(&e, &[grant("slack", Some("admin"), &[]), grant("drive", None, &[])], &[]).is_empty());
    }

    #[test]
    fn policies_failing_for_the_same_reason_share_one_line() {
        let why = |policy: &str| NotSelected {
            policy: policy.into(),
            apps: vec!["crm".into()],
            why: "the person has left".into(),
        };
        let e = Expectation { grants: vec![expect("crm", None, None)], ..Expectation::default() };
        let mismatches = compare(&e, &[], &[why("sales"), why("support")]);
        let outcome = Outcome {
            passed: 0,
            failed: 1,
            cases: vec![CaseResult {
                test: "t".into(),
                name: "leaver".into(),
                file: "t.test.yaml".into(),
                line: 6,
                column: 7,
                at: jiff::civil::date(2026, 11, 23),
                person: "E1".into(),
                phase: "left".into(),
                passed: false,
                mismatches,
                actual: vec![],
                exceptions_not_in_force: vec![],
            }],
        };
        let text = render_text(&outcome);
        assert!(text.contains("          not selected by sales, support: the person has left\n"), "{text}");
        assert!(text.contains("        actual grants: none\n"), "{text}");
        assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
    }
}
