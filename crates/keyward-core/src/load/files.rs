//! The policy files as loaded: each file's text (for snippets in
//! diagnostics) and its parsed documents (to locate a field of a resource
//! long after parsing).

use std::sync::Arc;

use super::{Locator, Origin, Reach, SourceFile};
use crate::yaml::Node;

/// One loaded policy file.
#[derive(Debug, Clone)]
struct LoadedFile {
    path: String,
    text: String,
    /// Its documents, by their index in the file; shared with the
    /// [`Locator`]s of the resources they define.
    docs: Vec<Arc<Node>>,
}

/// Every policy file loaded, by the index an [`Origin::File`] names.
#[derive(Debug, Clone, Default)]
pub struct PolicyFiles {
    files: Vec<LoadedFile>,
}

impl PolicyFiles {
    /// Adds the next file with its parsed documents.
    pub(super) fn push(&mut self, file: SourceFile, docs: Vec<Arc<Node>>) {
        self.files.push(LoadedFile { path: file.path, text: file.text, docs });
    }

    /// What locates the resource defined at `origin`, in a set that may
    /// reach `reach`.
    pub fn locator(&self, origin: &Origin, reach: &Reach) -> Locator {
        match origin {
            Origin::File { file, doc } => {
                let f = self.files.get(*file);
                Locator::in_file(f.map(|f| f.path.clone()), f.and_then(|f| f.docs.get(*doc)).cloned())
            }
            Origin::Object(label) => {
                // An object is never trusted like a file, whatever the set says.
                let dirs = match reach {
                    Reach::Api(dirs) => dirs.clone(),
                    Reach::Files => super::AllowedDirs::none(),
                };
                Locator::object(label.clone(), dirs)
            }
        }
    }

    /// The policy file that defined a resource, if it came from a file.
    pub fn path(&self, origin: &Origin) -> Option<&str> {
        match origin {
            Origin::File { file, .. } => self.files.get(*file).map(|f| f.path.as_str()),
            Origin::Object(_) => None,
        }
    }

    /// The text of a loaded policy file, for rendering snippets.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.iter().find(|f| f.path == path).map(|f| f.text.as_str())
    }
}
