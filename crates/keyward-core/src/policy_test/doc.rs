//! Reading one test document: errors at the place of a field, typed
//! fields with located serde errors, and what the policies define (the
//! names a test may use).

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;

use crate::compile::PolicySet;
use crate::diag::{Diagnostic, Location, suggest};
use crate::vocab;
use crate::yaml::{Node, PathSegment, dotted};

/// What the policies define, for checking names written in tests.
pub(super) struct Vocabulary<'a> {
    pub(super) set: &'a PolicySet,
    pub(super) employment_types: BTreeSet<String>,
    pub(super) attributes: BTreeMap<String, String>,
}

impl<'a> Vocabulary<'a> {
    pub(super) fn new(set: &'a PolicySet) -> Self {
        let mut employment_types: BTreeSet<String> =
            vocab::WELL_KNOWN_EMPLOYMENT_TYPES.iter().map(|s| (*s).to_owned()).collect();
        for src in &set.people_sources {
            if let Some(values) = src.spec.values() {
                employment_types.extend(values.employment_type.values().cloned());
            }
        }
        Self { set, employment_types, attributes: set.people_attributes() }
    }

    pub(super) fn app_names(&self) -> Vec<&str> {
        self.set.applications.iter().map(|a| a.name.as_str()).collect()
    }

    /// Every grant of `app` in policies and exceptions.
    pub(super) fn grants_of_app(&self, app: &str) -> impl Iterator<Item = &crate::resources::Grant> {
        let policies = self.set.policies.iter().flat_map(|p| &p.spec.grant);
        let exceptions = self.set.exceptions.iter().flat_map(|e| &e.spec.grant);
        policies.chain(exceptions).filter(move |g| g.app == app)
    }

    /// Roles a test may expect of `app`: the declared roles, or for an app
    /// that declares none, the default role and the roles grants name.
    pub(super) fn roles(&self, app: &str) -> Vec<String> {
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
    pub(super) fn groups(&self, app: &str) -> BTreeSet<String> {
        self.grants_of_app(app).flat_map(|g| g.groups.iter().cloned()).collect()
    }
}

/// Collects errors for one document.
pub(super) struct Doc<'a> {
    pub(super) file: &'a str,
    pub(super) root: &'a Node,
    pub(super) diags: &'a mut Vec<Diagnostic>,
}

impl Doc<'_> {
    pub(super) fn at(&self, path: &[PathSegment], key: bool) -> Location {
        self.root.locate(path, key).0.location
    }

    pub(super) fn error(
        &mut self,
        path: &[PathSegment],
        key: bool,
        message: impl Into<crate::diag::Text>,
        help: impl Into<crate::diag::Text>,
    ) {
        let location = self.at(path, key);
        self.diags.push(Diagnostic::error(self.file, Some(location), message).with_help(help));
    }

    pub(super) fn node(&self, path: &[PathSegment]) -> Option<&Node> {
        match self.root.locate(path, false) {
            (n, true) => Some(n),
            _ => None,
        }
    }
}

pub(super) fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_owned())
}

pub(super) fn join(base: &[PathSegment], more: &[PathSegment]) -> Vec<PathSegment> {
    base.iter().chain(more).cloned().collect()
}

/// Deserializes the node at `at`, turning serde's error into a located one.
pub(super) fn typed<T: DeserializeOwned>(doc: &mut Doc<'_>, at: &[PathSegment]) -> Option<T> {
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

pub(super) fn help_for(message: &str, parent: &str, is_date: bool) -> String {
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
