//! Loading policy files into a validated [`PolicySet`].
//!
//! Policy files are Kubernetes manifests (so `kubectl apply -f policies/`
//! works on the same files). Loading never stops at the first problem: every
//! document of every file is checked and all diagnostics are returned
//! together, each naming file, line and column.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::resources::{
    API_VERSION, AccessPolicy, AccessPolicySpec, Application, ApplicationSpec, Exception, ExceptionSpec, GROUP,
    PeopleSource, PeopleSourceSpec, SeparationOfDuties, SeparationOfDutiesSpec,
};
use crate::validate::{self, Compiled};
use crate::yaml::{self, Document, Node, PathSegment, dotted};

/// A policy file's text, as read by the caller.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as the user should see it.
    pub path: String,
    /// The whole text.
    pub text: String,
}

/// Where a resource was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A document in a policy file.
    File {
        /// Index into the loaded files.
        file: usize,
        /// Index of the document within the file.
        doc: usize,
    },
    /// An object read from the Kubernetes API (`AccessPolicy default/sales`).
    Object(String),
}

/// A resource's name, spec and origin.
#[derive(Debug, Clone)]
pub struct Named<T> {
    /// `metadata.name`.
    pub name: String,
    /// The spec.
    pub spec: T,
    /// Where it was defined.
    pub origin: Origin,
}

/// A keyward resource of any kind, as read from the Kubernetes API.
#[derive(Debug, Clone)]
// Resources are read once per reconcile and only a few exist; boxing the
// larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum AnyResource {
    /// A PeopleSource.
    PeopleSource(PeopleSource),
    /// An Application.
    Application(Application),
    /// An AccessPolicy.
    AccessPolicy(AccessPolicy),
    /// An Exception.
    Exception(Exception),
    /// A SeparationOfDuties rule.
    SeparationOfDuties(SeparationOfDuties),
}

#[derive(Debug, Clone)]
struct LoadedFile {
    path: String,
    text: String,
    docs: Vec<Document>,
}

/// All resources of a policy repository (or a namespace), validated and
/// compiled for planning.
#[derive(Debug, Clone)]
pub struct PolicySet {
    files: Vec<LoadedFile>,
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

const KINDS: [&str; 5] = ["PeopleSource", "Application", "AccessPolicy", "Exception", "SeparationOfDuties"];
const TOP_LEVEL: [&str; 5] = ["apiVersion", "kind", "metadata", "spec", "status"];

impl PolicySet {
    /// Parses, type-checks and validates policy files. `root` names what
    /// was loaded (the `-f` argument) for problems that belong to no file.
    pub fn load(root: &str, files: Vec<SourceFile>) -> Result<Loaded, Diagnostics> {
        let mut diags = Vec::new();
        let mut set = PolicySet::empty();
        for (fi, file) in files.into_iter().enumerate() {
            let docs = match yaml::parse_documents(&file.path, &file.text) {
                Ok(d) => d,
                Err(d) => {
                    diags.push(d);
                    Vec::new()
                }
            };
            set.files.push(LoadedFile { path: file.path, text: file.text, docs });
            for di in 0..set.files[fi].docs.len() {
                let origin = Origin::File { file: fi, doc: di };
                if let Err(d) = set.load_document(origin) {
                    diags.push(d);
                }
            }
        }
        set.finish(root, diags)
    }

    /// Builds a policy set from objects read from the Kubernetes API.
    pub fn from_resources(root: &str, resources: Vec<AnyResource>) -> Result<Loaded, Diagnostics> {
        let mut set = PolicySet::empty();
        for r in resources {
            match r {
                AnyResource::PeopleSource(o) => set.people_sources.push(named(o.spec.clone(), &o)),
                AnyResource::Application(o) => set.applications.push(named(o.spec.clone(), &o)),
                AnyResource::AccessPolicy(o) => set.policies.push(named(o.spec.clone(), &o)),
                AnyResource::Exception(o) => set.exceptions.push(named(o.spec.clone(), &o)),
                AnyResource::SeparationOfDuties(o) => set.duties.push(named(o.spec.clone(), &o)),
            }
        }
        set.finish(root, Vec::new())
    }

    fn empty() -> Self {
        PolicySet {
            files: Vec::new(),
            people_sources: Vec::new(),
            applications: Vec::new(),
            policies: Vec::new(),
            exceptions: Vec::new(),
            duties: Vec::new(),
            skipped: Vec::new(),
            compiled: Compiled::default(),
        }
    }

    fn finish(mut self, root: &str, mut diags: Vec<Diagnostic>) -> Result<Loaded, Diagnostics> {
        self.applications.sort_by(|a, b| a.name.cmp(&b.name));
        self.policies.sort_by(|a, b| a.name.cmp(&b.name));
        self.exceptions.sort_by(|a, b| a.name.cmp(&b.name));
        self.duties.sort_by(|a, b| a.name.cmp(&b.name));
        if diags.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(diags));
        }
        let (compiled, checks) = validate::check(&self, root);
        diags.extend(checks);
        if diags.iter().any(Diagnostic::is_error) {
            diags.sort_by(|a, b| (a.severity, &a.file, a.location).cmp(&(b.severity, &b.file, b.location)));
            return Err(Diagnostics(diags));
        }
        self.compiled = compiled;
        Ok(Loaded { set: self, warnings: diags })
    }

    fn load_document(&mut self, origin: Origin) -> Result<(), Diagnostic> {
        let Origin::File { file, doc } = origin else {
            return Ok(());
        };
        let f = &self.files[file];
        let root = &f.docs[doc].root;
        let path = f.path.clone();
        let at = |node: &Node| Some(node.location);
        let yaml::NodeKind::Map(entries) = &root.kind else {
            return Err(Diagnostic::error(&path, at(root), "a policy document must be a mapping")
                .with_help("start the document with `apiVersion: keyward.io/v1alpha1` and `kind:`"));
        };
        let Some(api_version) = root.get("apiVersion") else {
            return Err(Diagnostic::error(&path, at(root), "document has no `apiVersion`")
                .with_help(format!("add `apiVersion: {API_VERSION}` at the top of the document")));
        };
        let api_version_str = api_version.as_str().unwrap_or_default();
        let group = api_version_str.split('/').next().unwrap_or_default();
        if group != GROUP {
            let kind = root.get("kind").and_then(Node::as_str).unwrap_or("?");
            self.skipped.push(format!("{path}:{} ({api_version_str} {kind})", root.location.line));
            return Ok(());
        }
        if api_version_str != API_VERSION {
            return Err(Diagnostic::error(
                &path,
                at(api_version),
                format!("unsupported apiVersion `{api_version_str}`"),
            )
            .with_help(format!("this keyward reads `{API_VERSION}`")));
        }
        for (k, _) in entries {
            let key = k.key_string().unwrap_or_default();
            if !TOP_LEVEL.contains(&key.as_str()) {
                return Err(Diagnostic::error(&path, at(k), format!("unknown top-level field `{key}`")).with_help(
                    suggest(&key, &TOP_LEVEL).unwrap_or_else(|| {
                        "a document has only apiVersion, kind, metadata and spec; move this under `spec:`".to_owned()
                    }),
                ));
            }
        }
        let kind_node = root.get("kind").ok_or_else(|| {
            Diagnostic::error(&path, at(root), "document has no `kind`")
                .with_help(format!("add `kind:` with one of {}", KINDS.join(", ")))
        })?;
        let kind = kind_node.as_str().unwrap_or_default().to_owned();
        let name = check_metadata(&path, root)?;
        let json = root.to_json();
        match kind.as_str() {
            "PeopleSource" => {
                let spec = typed::<PeopleSource>(&path, root, json)?.spec;
                self.people_sources.push(Named { name, spec, origin });
            }
            "Application" => {
                let spec = typed::<Application>(&path, root, json)?.spec;
                self.applications.push(Named { name, spec, origin });
            }
            "AccessPolicy" => {
                let spec = typed::<AccessPolicy>(&path, root, json)?.spec;
                self.policies.push(Named { name, spec, origin });
            }
            "Exception" => {
                let spec = typed::<Exception>(&path, root, json)?.spec;
                self.exceptions.push(Named { name, spec, origin });
            }
            "SeparationOfDuties" => {
                let spec = typed::<SeparationOfDuties>(&path, root, json)?.spec;
                self.duties.push(Named { name, spec, origin });
            }
            other => {
                return Err(Diagnostic::error(&path, at(kind_node), format!("unknown kind `{other}`")).with_help(
                    suggest(other, &KINDS).unwrap_or_else(|| format!("keyward kinds are {}", KINDS.join(", "))),
                ));
            }
        }
        Ok(())
    }

    /// How a resource's origin reads in messages (`policies/apps.yaml` or
    /// `AccessPolicy default/sales`).
    pub fn origin_label(&self, origin: &Origin) -> String {
        match origin {
            Origin::File { file, .. } => self.files.get(*file).map(|f| f.path.clone()).unwrap_or_default(),
            Origin::Object(label) => label.clone(),
        }
    }

    /// The policy file that defined a resource, if it came from a file.
    pub fn file_path(&self, origin: &Origin) -> Option<&str> {
        match origin {
            Origin::File { file, .. } => self.files.get(*file).map(|f| f.path.as_str()),
            Origin::Object(_) => None,
        }
    }

    /// Resolves a path written in a resource: relative paths are relative to
    /// the directory of the policy file that declares them (so a policy
    /// repository works from any working directory); resources read from
    /// Kubernetes resolve against the working directory.
    pub fn resolve_path(&self, origin: &Origin, written: &str) -> String {
        let p = std::path::Path::new(written);
        if p.is_absolute() {
            return written.to_owned();
        }
        let base =
            self.file_path(origin).and_then(|f| std::path::Path::new(f).parent()).map(std::path::Path::to_path_buf);
        match base {
            Some(dir) if !dir.as_os_str().is_empty() => normalize(&dir.join(p)),
            _ => written.to_owned(),
        }
    }

    /// The text of a loaded policy file, for rendering snippets.
    pub fn file_text(&self, path: &str) -> Option<&str> {
        self.files.iter().find(|f| f.path == path).map(|f| f.text.as_str())
    }

    /// Location of a field (`spec.grant[1].app`) in a resource's document.
    /// Falls back to the nearest enclosing node that exists.
    pub fn locate(&self, origin: &Origin, dotted: &str, key: bool) -> Option<Location> {
        let Origin::File { file, doc } = origin else {
            return None;
        };
        let root = &self.files.get(*file)?.docs.get(*doc)?.root;
        Some(root.locate(&yaml::path(dotted), key).0.location)
    }

    /// An error about a field of a resource, located in its file.
    pub fn error_at(&self, origin: &Origin, dotted: &str, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        match origin {
            Origin::File { .. } => {
                Diagnostic::error(self.origin_label(origin), self.locate(origin, dotted, false), message)
            }
            Origin::Object(label) => Diagnostic::error(label.clone(), None, format!("{dotted}: {message}")),
        }
    }

    /// A warning about a field of a resource.
    pub fn warning_at(&self, origin: &Origin, dotted: &str, message: impl Into<String>) -> Diagnostic {
        let mut d = self.error_at(origin, dotted, message);
        d.severity = crate::diag::Severity::Warning;
        d
    }

    /// The application with this name.
    pub fn application(&self, name: &str) -> Option<&Named<ApplicationSpec>> {
        self.applications.iter().find(|a| a.name == name)
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

/// Folds `a/b/../c` to `a/c` without touching the file system, so paths in
/// messages read the way a user would write them.
fn normalize(p: &std::path::Path) -> String {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    let joined: std::path::PathBuf = out.iter().collect();
    if joined.as_os_str().is_empty() { ".".to_owned() } else { joined.to_string_lossy().into_owned() }
}

fn named<K: kube::Resource<DynamicType = ()>, T>(spec: T, obj: &K) -> Named<T> {
    let meta = obj.meta();
    let name = meta.name.clone().unwrap_or_default();
    let ns = meta.namespace.clone().unwrap_or_else(|| "default".to_owned());
    let kind = K::kind(&());
    Named { name: name.clone(), spec, origin: Origin::Object(format!("{kind} {ns}/{name}")) }
}

fn check_metadata(path: &str, root: &Node) -> Result<String, Diagnostic> {
    let Some(meta) = root.get("metadata") else {
        return Err(Diagnostic::error(path, Some(root.location), "document has no `metadata`")
            .with_help("add `metadata: { name: <lowercase-name> }`"));
    };
    let Some(name_node) = meta.get("name") else {
        return Err(Diagnostic::error(path, Some(meta.location), "`metadata.name` is missing")
            .with_help("every resource needs a name: lowercase letters, digits and `-`"));
    };
    let name = name_node.as_str().unwrap_or_default();
    if !is_dns_subdomain(name) {
        return Err(Diagnostic::error(path, Some(name_node.location), format!("`{name}` is not a valid resource name"))
            .with_help("use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (Kubernetes rules), at most 253 characters"));
    }
    Ok(name.to_owned())
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn typed<T: DeserializeOwned>(path: &str, root: &Node, json: Value) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(json).map_err(|e| {
        let segments: Vec<PathSegment> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(PathSegment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(PathSegment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let message = e.inner().to_string();
        let unknown = message.starts_with("unknown field") || message.starts_with("unknown variant");
        // Unknown fields are about the key; a missing field is best shown at
        // the key of the mapping that lacks it.
        let at_key = (unknown && message.starts_with("unknown field")) || message.starts_with("missing field");
        let (node, _) = root.locate(&segments, at_key);
        let field = dotted(&segments);
        let help = help_for(&message, &segments);
        let where_ = if field.is_empty() { String::new() } else { format!(" at `{field}`") };
        Diagnostic::error(path, Some(node.location), format!("{message}{where_}")).with_help(help)
    })
}

/// Names quoted in backticks in a serde message (`expected one of `a`, `b``).
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn help_for(message: &str, segments: &[PathSegment]) -> String {
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let names = backticked(message);
        if let Some((bad, expected)) = names.split_first() {
            if let Some(s) = suggest(bad, expected) {
                return s;
            }
            if expected.is_empty() {
                return "remove it; nothing may be set here".to_owned();
            }
            return format!("remove it; allowed here: {}", expected.join(", "));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let parent = dotted(segments);
        return if parent.is_empty() { format!("add `{field}:`") } else { format!("add `{field}:` under `{parent}`") };
    }
    if message.starts_with("invalid type") {
        if message.contains("expected a string") {
            return "write the value as a string; quote it (`\"0001\"`) when YAML would read it as a number, date or boolean".to_owned();
        }
        if message.contains("a sequence") {
            return "write a list, one `- item` per line or `[a, b]`".to_owned();
        }
        if message.contains("struct") || message.contains("a map") {
            return "write a mapping of `key: value` lines (or `{}` for an empty one)".to_owned();
        }
    }
    if message.contains("civil date") || message.contains("Date") {
        return "write dates as YYYY-MM-DD".to_owned();
    }
    "see `keyward schema` for what this field accepts".to_owned()
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
