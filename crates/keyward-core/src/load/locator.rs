//! [`Locator`]: where one resource was declared, and how to point at its
//! fields. Readers and connectors get one for their resource instead of
//! the whole policy set, so they can name the policy file, resolve the
//! paths it writes and report a problem at `file:line:column`.

use std::sync::Arc;

use crate::diag::{Diagnostic, Location, Severity};
use crate::yaml::{self, Node};

/// Where one resource was declared: its label in messages, the location
/// of any of its fields, and the directory its relative paths start from.
///
/// Cheap to clone (the parsed document is shared) and owned, so an
/// asynchronous reader or connector can keep it.
#[derive(Debug, Clone)]
pub struct Locator {
    /// `policies/apps.yaml` or `AccessPolicy default/sales`.
    label: String,
    site: Site,
}

#[derive(Debug, Clone)]
enum Site {
    /// A document of a policy file. `path` and `document` are `None` only
    /// for an origin the policy set did not load.
    File { path: Option<String>, document: Option<Arc<Node>> },
    /// An object read from the Kubernetes API.
    Object,
}

impl Locator {
    /// A resource declared in the policy file `path`, in `document`.
    pub(super) fn in_file(path: Option<String>, document: Option<Arc<Node>>) -> Self {
        Self { label: path.clone().unwrap_or_default(), site: Site::File { path, document } }
    }

    /// An object read from the Kubernetes API, named `label`
    /// (`AccessPolicy default/sales`).
    pub(super) fn object(label: String) -> Self {
        Self { label, site: Site::Object }
    }

    /// How the resource's origin reads in messages (`policies/apps.yaml`
    /// or `AccessPolicy default/sales`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The policy file that declared the resource, if it came from a file.
    pub fn file_path(&self) -> Option<&str> {
        match &self.site {
            Site::File { path, .. } => path.as_deref(),
            Site::Object => None,
        }
    }

    /// Resolves a path written in the resource: relative paths are
    /// relative to the directory of the policy file that declares them (so
    /// a policy repository works from any working directory); resources
    /// read from Kubernetes resolve against the working directory.
    pub fn resolve_path(&self, written: &str) -> String {
        let p = std::path::Path::new(written);
        if p.is_absolute() {
            return written.to_owned();
        }
        let base = self.file_path().and_then(|f| std::path::Path::new(f).parent()).map(std::path::Path::to_path_buf);
        match base {
            Some(dir) if !dir.as_os_str().is_empty() => normalize(&dir.join(p)),
            _ => written.to_owned(),
        }
    }

    /// Location of a field (`spec.grant[1].app`) in the resource's
    /// document; `key` asks for the field's key rather than its value.
    /// Falls back to the nearest enclosing node that exists.
    pub fn locate(&self, dotted: &str, key: bool) -> Option<Location> {
        match &self.site {
            Site::File { document: Some(root), .. } => Some(root.locate(&yaml::path(dotted), key).0.location),
            _ => None,
        }
    }

    /// An error about a field of the resource, located in its file (or,
    /// for an object from the Kubernetes API, naming the field).
    pub fn error_at(&self, dotted: &str, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        match &self.site {
            Site::File { .. } => Diagnostic::error(self.label.clone(), self.locate(dotted, false), message),
            Site::Object => Diagnostic::error(self.label.clone(), None, format!("{dotted}: {message}")),
        }
    }

    /// A warning about a field of the resource.
    pub fn warning_at(&self, dotted: &str, message: impl Into<String>) -> Diagnostic {
        let mut d = self.error_at(dotted, message);
        d.severity = Severity::Warning;
        d
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_resource_is_located_in_its_file_and_an_object_by_its_name() {
        let text = "kind: Application\nspec:\n  connector:\n    csvExport: {path: ../exports/slack.csv}\n";
        let docs = yaml::parse_documents("policies/apps.yaml", text).unwrap();
        let file = Locator::in_file(Some("policies/apps.yaml".into()), Some(Arc::new(docs[0].root.clone())));
        assert_eq!(file.label(), "policies/apps.yaml");
        assert_eq!(file.resolve_path("../exports/slack.csv"), "exports/slack.csv");
        let e = file.error_at("spec.connector.csvExport.path", "cannot read it");
        assert_eq!(e.to_string(), "policies/apps.yaml:4:23: error: cannot read it");
        assert!(!file.warning_at("spec.connector", "look").is_error());

        let object = Locator::object("Application default/slack".into());
        assert_eq!(object.file_path(), None);
        assert_eq!(object.resolve_path("exports/slack.csv"), "exports/slack.csv");
        assert_eq!(object.locate("spec.connector", false), None);
        let e = object.error_at("spec.connector.csvExport.path", "cannot read it");
        assert_eq!(e.to_string(), "Application default/slack: error: spec.connector.csvExport.path: cannot read it");
    }
}
