//! [`Reach`]: what the resources of a policy set may reach outside
//! themselves — environment variables, files — decided once, when the set
//! is built, by where it came from.
//!
//! Policy files on disk (the CLI, the standalone daemon) are written by
//! whoever runs keyward, so they reach what that user can: variables, and
//! files relative to the policy file. Objects from the Kubernetes API are
//! written by whoever may `kubectl apply` in a namespace, who must not get
//! the controller's own credentials (its service-account token, the
//! webhook secret) or files: their credentials come only from Secrets of
//! their own namespace, and their files only from absolute paths under the
//! directories the operator allowed (`keyward controller --allow-files`).
//!
//! Pure: the caller canonicalises the allowed directories and, before
//! reading, the path a resource names ([`super::Locator::admit_canonical`]),
//! so a symlink inside an allowed directory cannot lead outside it.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::i18n::{Lang, Msg};

/// Where a policy set came from, and so what its resources may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Reach {
    /// Policy files: variables, and any file (relative to its policy file).
    #[default]
    Files,
    /// Objects from the Kubernetes API: `secret:` credentials only, and
    /// files only under these directories.
    Api(AllowedDirs),
}

/// The directories files named by API objects may be under: absolute and
/// canonical (no symlink, no `..`), as the operator allowed them. None by
/// default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedDirs(Arc<[PathBuf]>);

impl AllowedDirs {
    /// `dirs`, which the caller has canonicalised (the core does no I/O).
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Self(dirs.into())
    }

    /// No directory: API objects may name no file at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The directories.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.0
    }

    /// Whether `path` (absolute, without `..`) is inside one of them.
    pub fn admits(&self, path: &Path) -> bool {
        self.0.iter().any(|d| path.starts_with(d))
    }

    /// How to name a file these directories admit, for a refusal's help.
    pub(super) fn help(&self) -> Msg {
        if self.0.is_empty() {
            Msg::new("load-reach-no-files-help")
        } else {
            // The directories as a list: `/data/hr, /data/exports`.
            let dirs: Vec<String> = self.0.iter().map(|d| d.display().to_string()).collect();
            Msg::new("load-reach-allowed-help").arg("dirs", dirs)
        }
    }
}

/// Why a resource may not reach what a field names: the field
/// (`spec.connector.scim.token.env`), what is wrong, and what to do.
/// Never holds what the field points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The field, as a dotted path.
    pub field: String,
    /// What is refused, and why.
    pub message: Msg,
    /// What to write instead.
    pub help: Msg,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; {}", self.field, self.message.render(Lang::En), self.help.render(Lang::En))
    }
}

impl std::error::Error for Refusal {}

/// Folds `.` and `..` out of an absolute path without touching the file
/// system (`/a/b/../c` → `/a/c`; `..` at the root stays at the root).
pub(super) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_inside_a_directory_by_whole_components_after_folding_dots() {
        let dirs = AllowedDirs::new(vec![PathBuf::from("/data/hr")]);
        assert!(dirs.admits(&lexical(Path::new("/data/hr/export.csv"))));
        assert!(dirs.admits(&lexical(Path::new("/data/hr/./a/../export.csv"))));
        assert!(!dirs.admits(&lexical(Path::new("/data/hr/../../etc/passwd"))));
        assert!(!dirs.admits(&lexical(Path::new("/data/hr-other/export.csv"))));
        assert!(!dirs.admits(&lexical(Path::new("/../data/hrx"))));
        assert!(!AllowedDirs::none().admits(Path::new("/data/hr/export.csv")));
    }
}
