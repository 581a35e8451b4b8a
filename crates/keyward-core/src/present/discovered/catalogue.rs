//! The connector catalogue (`catalogue/*.yaml`) as discovery reads it: an
//! entry's name, display name and the sites of its URLs, to offer the
//! definition for an app nobody declared.

use super::matching::url_site;
use crate::diag::Diagnostic;
use crate::yaml::{Node, NodeKind, parse_documents};

/// One definition of the connector catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// The file it was read from (`catalogue/notion.yaml`).
    pub file: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.displayName`, when set.
    pub display_name: Option<String>,
    /// The sites (`notion.com`) of every http(s) URL in the document,
    /// sorted, without repeats.
    pub sites: Vec<String>,
    /// The file's text, comments included: the stub offered for an app.
    pub text: String,
}

/// Why a catalogue file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The file is no YAML keyward reads.
    #[error("{0}")]
    Yaml(Diagnostic),
    /// No document of the file is an Application with a `metadata.name`.
    #[error("{file}: no Application with a metadata.name; a catalogue file holds one Application")]
    NoApplication {
        /// The file.
        file: String,
    },
}

impl CatalogueEntry {
    /// Reads the first Application of a catalogue file.
    pub fn parse(file: &str, text: &str) -> Result<Self, CatalogueError> {
        let docs = parse_documents(file, text).map_err(CatalogueError::Yaml)?;
        let no_app = || CatalogueError::NoApplication { file: file.to_owned() };
        let root = docs
            .iter()
            .map(|d| &d.root)
            .find(|r| r.get("kind").and_then(Node::as_str) == Some("Application"))
            .ok_or_else(no_app)?;
        let name = root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).ok_or_else(no_app)?;
        let display_name =
            root.get("spec").and_then(|s| s.get("displayName")).and_then(Node::as_str).map(str::to_owned);
        let mut sites = Vec::new();
        collect_sites(root, &mut sites);
        sites.sort();
        sites.dedup();
        Ok(Self { file: file.to_owned(), name: name.to_owned(), display_name, sites, text: text.to_owned() })
    }
}

fn collect_sites(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::Str(s) => out.extend(url_site(s)),
        NodeKind::Seq(items) => items.iter().for_each(|n| collect_sites(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|(_, v)| collect_sites(v, out)),
        NodeKind::Null | NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_names_its_app_and_the_sites_of_its_urls() {
        let e = CatalogueEntry::parse(
            "catalogue/zendesk.yaml",
            "# comment https://support.zendesk.com/x\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: zendesk}\nspec:\n  displayName: Zendesk\n  connector:\n    http:\n      baseUrl: https://{{subdomain}}.zendesk.com/api/v2\n      docs: [https://developer.zendesk.com/api]\n",
        )
        .unwrap();
        assert_eq!(e.name, "zendesk");
        assert_eq!(e.display_name.as_deref(), Some("Zendesk"));
        assert_eq!(e.sites, vec!["zendesk.com".to_owned()]);
    }

    #[test]
    fn a_file_without_an_application_is_an_error_naming_it() {
        let err = CatalogueEntry::parse("c/x.yaml", "kind: AccessPolicy\nmetadata: {name: x}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "c/x.yaml: no Application with a metadata.name; a catalogue file holds one Application"
        );
        assert!(matches!(CatalogueEntry::parse("c/y.yaml", "a: [").unwrap_err(), CatalogueError::Yaml(_)));
    }
}
