//! Compilation: the checks that need more than one field or one resource
//! (references, regular expressions, exactly-one-of rules, role rankings,
//! each connector's and PeopleSource's settings), and compilation of
//! selectors, grants, correlators and duties into the fast forms planning
//! uses (`model`). The result is a [`PolicySet`]: the loaded resources
//! and their compiled model.
//!
//! It runs on what loading returns and calls nothing above it; it must not
//! plan, read people or accounts, or do I/O. Every problem is a located
//! diagnostic with a fix; the order of the checks (`check`) is the order
//! of the diagnostics.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, Location, Text};
use crate::load::{AllowedDirs, AnyResource, Locator, Named, Origin, PolicyFiles, Reach, Resources, SourceFile};
use crate::resources::{AccessPolicySpec, ApplicationSpec, ExceptionSpec, PeopleSourceSpec, SeparationOfDutiesSpec};

mod application;
mod bounds;
mod check;
mod checker;
mod connectors;
mod duties;
mod fields;
mod grants;
mod idp;
pub(crate) mod model;
mod people_sources;
mod reach;
mod selectors;

use model::Compiled;

/// All resources of a policy repository (or a namespace), validated and
/// compiled for planning.
#[derive(Debug, Clone)]
pub struct PolicySet {
    files: PolicyFiles,
    /// HR master sources, by name.
    pub people_sources: Vec<Named<PeopleSourceSpec>>,
    /// Applications, sorted by name.
    pub applications: Vec<Named<ApplicationSpec>>,
    /// Access policies, sorted by name.
    pub policies: Vec<Named<AccessPolicySpec>>,
    /// Exceptions, sorted by name.
    pub exceptions: Vec<Named<ExceptionSpec>>,
    /// Separation-of-duties rules, sorted by name.
    pub duties: Vec<Named<SeparationOfDutiesSpec>>,
    /// Documents that are not keyward resources (another API group), by
    /// `file:line` and kind; kept so the CLI can say they were skipped.
    pub skipped: Vec<String>,
    /// What the resources may reach, decided by where they came from.
    reach: Reach,
    pub(crate) compiled: Compiled,
}

/// A loaded policy set and its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The policy set.
    pub set: PolicySet,
    /// Problems that do not stop planning.
    pub warnings: Vec<Diagnostic>,
}

impl PolicySet {
    /// Parses, type-checks and validates policy files. `root` names what
    /// was loaded (the `-f` argument) for problems that belong to no file.
    pub fn load(root: &str, files: Vec<SourceFile>) -> Result<Loaded, Diagnostics> {
        let (resources, diags) = Resources::from_files(files);
        Self::finish(resources, root, diags)
    }

    /// Builds a policy set from objects read from the Kubernetes API. Their
    /// credentials may come only from Secrets of their namespace, and the
    /// files they name only from under `files` (see [`Reach`]); anything
    /// else is an error naming the resource and the field.
    pub fn from_resources(root: &str, resources: Vec<AnyResource>, files: AllowedDirs) -> Result<Loaded, Diagnostics> {
        Self::finish(Resources::from_objects(resources, files), root, Vec::new())
    }

    fn finish(resources: Resources, root: &str, mut diags: Vec<Diagnostic>) -> Result<Loaded, Diagnostics> {
        let Resources { files, people_sources, applications, policies, exceptions, duties, skipped, reach } = resources;
        let mut set = PolicySet {
            files,
            people_sources,
            applications,
            policies,
            exceptions,
            duties,
            skipped,
            reach,
            compiled: Compiled::default(),
        };
        set.applications.sort_by(|a, b| a.name.cmp(&b.name));
        set.policies.sort_by(|a, b| a.name.cmp(&b.name));
        set.exceptions.sort_by(|a, b| a.name.cmp(&b.name));
        set.duties.sort_by(|a, b| a.name.cmp(&b.name));
        debug_assert!(
            diags.iter().all(Diagnostic::is_consistent),
            "a diagnostic's text differs from its message: {diags:?}"
        );
        if diags.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(diags));
        }
        let (compiled, checks) = check::check(&set, root);
        diags.extend(checks);
        // Every test that loads policies checks that the English text of
        // each diagnostic is what its message renders in English.
        debug_assert!(
            diags.iter().all(Diagnostic::is_consistent),
            "a diagnostic's text differs from its message: {diags:?}"
        );
        if diags.iter().any(Diagnostic::is_error) {
            diags.sort_by(|a, b| (a.severity, &a.file, a.location).cmp(&(b.severity, &b.file, b.location)));
            return Err(Diagnostics(diags));
        }
        set.compiled = compiled;
        Ok(Loaded { set, warnings: diags })
    }

    /// What locates the resource defined at `origin`: its label, the
    /// places of its fields, the paths it writes. Readers and connectors
    /// get this instead of the whole set.
    pub fn locator(&self, origin: &Origin) -> Locator {
        self.files.locator(origin, &self.reach)
    }

    /// What the set's resources may reach.
    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    /// How a resource's origin reads in messages (`policies/apps.yaml` or
    /// `AccessPolicy default/sales`).
    pub fn origin_label(&self, origin: &Origin) -> String {
        self.locator(origin).label().to_owned()
    }

    /// The policy file that defined a resource, if it came from a file.
    pub fn file_path(&self, origin: &Origin) -> Option<&str> {
        self.files.path(origin)
    }

    /// Resolves a path written in a resource against the directory of its
    /// policy file (see [`Locator::resolve_path`]).
    pub fn resolve_path(&self, origin: &Origin, written: &str) -> String {
        self.locator(origin).resolve_path(written)
    }

    /// The text of a loaded policy file, for rendering snippets.
    pub fn file_text(&self, path: &str) -> Option<&str> {
        self.files.text(path)
    }

    /// Location of a field (`spec.grant[1].app`) in a resource's document.
    /// Falls back to the nearest enclosing node that exists.
    pub fn locate(&self, origin: &Origin, dotted: &str, key: bool) -> Option<Location> {
        self.locator(origin).locate(dotted, key)
    }

    /// An error about a field of a resource, located in its file.
    pub fn error_at(&self, origin: &Origin, dotted: &str, message: impl Into<Text>) -> Diagnostic {
        self.locator(origin).error_at(dotted, message)
    }

    /// A warning about a field of a resource.
    pub fn warning_at(&self, origin: &Origin, dotted: &str, message: impl Into<Text>) -> Diagnostic {
        self.locator(origin).warning_at(dotted, message)
    }

    /// The application with this name.
    pub fn application(&self, name: &str) -> Option<&Named<ApplicationSpec>> {
        self.applications.iter().find(|a| a.name == name)
    }

    /// Every group some AccessPolicy or Exception grants in `app`, as
    /// written (trimmed), sorted, without duplicates: the groups a
    /// connector that reads members group by group (Google Workspace)
    /// must look at.
    pub fn granted_groups(&self, app: &str) -> Vec<String> {
        let grants = self
            .policies
            .iter()
            .flat_map(|p| p.spec.grant.iter())
            .chain(self.exceptions.iter().flat_map(|e| e.spec.grant.iter()));
        let groups: BTreeSet<String> =
            grants.filter(|g| g.app == app).flat_map(|g| g.groups.iter()).map(|g| g.trim().to_owned()).collect();
        groups.into_iter().filter(|g| !g.is_empty()).collect()
    }

    /// Names of every people attribute the sources declare.
    pub fn people_attributes(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for s in &self.people_sources {
            for (k, v) in s.spec.attributes().into_iter().flatten() {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, Diagnostics> {
        let src = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv: {path: hr.csv, columns: {id: 社員番号}}\n---\n";
        PolicySet::load("policies", vec![SourceFile { path: "p.yaml".into(), text: format!("{src}{text}") }])
    }

    fn first_error(text: &str) -> Diagnostic {
        load(text).unwrap_err().0.into_iter().next().unwrap()
    }

    #[test]
    fn unknown_field_points_at_the_key_and_suggests() {
        let d = first_error(
            "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: a}\nspec:\n  selct: {}\n  grant: []\n",
        );
        assert_eq!(d.position(), "p.yaml:11:3");
        assert!(d.message.starts_with("unknown field `selct`"), "{d}");
        assert_eq!(d.help.as_deref(), Some("did you mean `select`?"));
    }

    #[test]
    fn unknown_kind_suggests() {
        let d = first_error("apiVersion: keyward.io/v1alpha1\nkind: AccesPolicy\nmetadata: {name: a}\nspec: {}\n");
        assert_eq!(d.position(), "p.yaml:8:7");
        assert_eq!(d.help.as_deref(), Some("did you mean `AccessPolicy`?"));
    }

    #[test]
    fn other_api_groups_are_skipped() {
        let loaded = load("apiVersion: v1\nkind: Namespace\nmetadata: {name: keyward}\n").unwrap();
        assert_eq!(loaded.set.skipped, vec!["p.yaml:7 (v1 Namespace)".to_string()]);
    }

    #[test]
    fn paths_resolve_against_the_policy_file() {
        let loaded = PolicySet::load(
            "policies",
            vec![SourceFile {
                path: "policies/people.yaml".into(),
                text: "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv: {path: ../examples/hr.csv, columns: {id: id}}\n".into(),
            }],
        )
        .unwrap();
        let origin = &loaded.set.people_sources[0].origin;
        assert_eq!(loaded.set.resolve_path(origin, "../examples/hr.csv"), "examples/hr.csv");
        assert_eq!(loaded.set.resolve_path(origin, "/abs/hr.csv"), "/abs/hr.csv");
    }

    #[test]
    fn bad_names_are_rejected() {
        let d =
            first_error("apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {name: Tanaka_San}\nspec: {}\n");
        assert!(d.message.contains("not a valid resource name"), "{d}");
    }

    #[test]
    fn missing_field_says_where_to_add_it() {
        let d = first_error(
            "apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {name: a}\nspec:\n  grant: []\n",
        );
        assert_eq!(d.help.as_deref(), Some("add `select:` under `spec`"));
        assert_eq!(d.position(), "p.yaml:10:1");
    }
}
