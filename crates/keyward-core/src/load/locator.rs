//! [`Locator`]: where one resource was declared, and how to point at its
//! fields. Readers and connectors get one for their resource instead of
//! the whole policy set, so they can name the policy file, resolve the
//! paths it writes and report a problem at `file:line:column`. It also
//! carries the resource's [`Reach`](super::Reach): which variables and
//! files the resource may name (`admit_*`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::reach::{AllowedDirs, Refusal, lexical};
use crate::diag::{Diagnostic, Location, Severity, Text};
use crate::i18n::Msg;
use crate::resources::SecretRef;
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
    /// An object read from the Kubernetes API, which may read files under
    /// `dirs` only.
    Object { dirs: AllowedDirs },
}

impl Locator {
    /// A resource declared in the policy file `path`, in `document`.
    pub(super) fn in_file(path: Option<String>, document: Option<Arc<Node>>) -> Self {
        Self { label: path.clone().unwrap_or_default(), site: Site::File { path, document } }
    }

    /// An object read from the Kubernetes API, named `label`
    /// (`AccessPolicy default/sales`), that may read files under `dirs`.
    pub(super) fn object(label: String, dirs: AllowedDirs) -> Self {
        Self { label, site: Site::Object { dirs } }
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
            Site::Object { .. } => None,
        }
    }

    /// Resolves a path written in the resource, for messages: relative
    /// paths are relative to the directory of the policy file that
    /// declares them (so a policy repository works from any working
    /// directory); a path in an object from the Kubernetes API is shown as
    /// written. What may be read is [`Locator::admit_path`]'s answer.
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

    /// The file the field `field` names (as `written`), if the resource
    /// may read it: for a policy file, the path resolved against its
    /// directory; for an object from the Kubernetes API, an absolute path
    /// with `..` folded, inside a directory the operator allowed. Before
    /// reading it, the caller resolves its symlinks and asks
    /// [`Locator::admit_canonical`].
    pub fn admit_path(&self, field: &str, written: &str) -> Result<PathBuf, Refusal> {
        let dirs = match &self.site {
            Site::File { .. } => return Ok(PathBuf::from(self.resolve_path(written))),
            Site::Object { dirs } => dirs,
        };
        let refuse = |message: Msg| Refusal { field: field.to_owned(), message, help: dirs.help() };
        let path = Path::new(written);
        if !path.is_absolute() {
            return Err(refuse(Msg::new("load-reach-relative").arg("path", written)));
        }
        let folded = lexical(path);
        if !dirs.admits(&folded) {
            return Err(refuse(Msg::new("load-reach-outside").arg("path", written)));
        }
        Ok(folded)
    }

    /// The path the field names, as messages show it: the path
    /// [`Locator::admit_path`] admits (`..` folded), or, when it refuses
    /// the path, the path as [`Locator::resolve_path`] gives it.
    pub fn shown_path(&self, field: &str, written: &str) -> String {
        self.admit_path(field, written).map_or_else(|_| self.resolve_path(written), |p| p.display().to_string())
    }

    /// Whether `canonical` — the path [`Locator::admit_path`] admitted,
    /// with every symlink resolved just before reading — is still inside
    /// an allowed directory, so a link cannot lead outside. The message
    /// never names where the link leads.
    pub fn admit_canonical(&self, field: &str, written: &str, canonical: &Path) -> Result<(), Refusal> {
        match &self.site {
            Site::File { .. } => Ok(()),
            Site::Object { dirs } if dirs.admits(canonical) => Ok(()),
            Site::Object { dirs } => Err(Refusal {
                field: field.to_owned(),
                message: Msg::new("load-reach-symlink-outside").arg("path", written),
                help: dirs.help(),
            }),
        }
    }

    /// Whether the resource may take the credential at `field`
    /// (`spec.connector.scim.token`) from where `r` says: anywhere for a
    /// policy file; only from a Secret of its own namespace for an object
    /// from the Kubernetes API — an environment variable or a file would
    /// be the controller's own.
    pub fn admit_secret(&self, field: &str, r: &SecretRef) -> Result<(), Refusal> {
        if matches!(self.site, Site::File { .. }) {
            return Ok(());
        }
        let name = field.rsplit('.').next().unwrap_or(field);
        let help = Msg::new("load-reach-secret-help").arg("name", name);
        let refuse =
            |source: &str, message: Msg| Refusal { field: format!("{field}.{source}"), message, help: help.clone() };
        if let Some(var) = &r.env {
            return Err(refuse("env", Msg::new("load-reach-env").arg("var", var)));
        }
        if r.file.is_some() {
            return Err(refuse("file", Msg::new("load-reach-file")));
        }
        Ok(())
    }

    /// Whether the files this resource names are confined to allowed
    /// directories (an object from the Kubernetes API): a reader then
    /// resolves symlinks and asks [`Locator::admit_canonical`] before
    /// opening one.
    pub fn confines_files(&self) -> bool {
        matches!(self.site, Site::Object { .. })
    }

    /// A refusal as a diagnostic about the resource.
    pub fn refused(&self, r: &Refusal) -> Diagnostic {
        self.error_at(&r.field, r.message.clone()).with_help(r.help.clone())
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
    pub fn error_at(&self, dotted: &str, message: impl Into<Text>) -> Diagnostic {
        let message = message.into();
        match (&self.site, message) {
            (Site::File { .. }, message) => Diagnostic::error(self.label.clone(), self.locate(dotted, false), message),
            (Site::Object { .. }, Text::Msg(m)) => Diagnostic::error(
                self.label.clone(),
                None,
                Msg::new("diag-field-message").arg("field", dotted).arg("message", m),
            ),
            (Site::Object { .. }, Text::Plain(message)) => {
                Diagnostic::error(self.label.clone(), None, format!("{dotted}: {message}"))
            }
        }
    }

    /// A warning about a field of the resource.
    pub fn warning_at(&self, dotted: &str, message: impl Into<Text>) -> Diagnostic {
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

        let object = Locator::object("Application default/slack".into(), AllowedDirs::none());
        assert_eq!(object.file_path(), None);
        assert_eq!(object.resolve_path("exports/slack.csv"), "exports/slack.csv");
        assert_eq!(object.locate("spec.connector", false), None);
        let e = object.error_at("spec.connector.csvExport.path", "cannot read it");
        assert_eq!(e.to_string(), "Application default/slack: error: spec.connector.csvExport.path: cannot read it");
    }
}
