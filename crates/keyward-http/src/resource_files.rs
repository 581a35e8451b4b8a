//! Files a resource names — an HR export, an account export, a CA
//! certificate, a credential file — found where its
//! [`Locator`] lets it read. For a policy file that is anywhere, relative
//! to the policy file (today's behaviour). For an object from the
//! Kubernetes API it is an absolute path inside a directory the operator
//! allowed, checked twice: as written (`..` folded) and, just before
//! reading, with every symlink resolved, so a link inside an allowed
//! directory cannot lead outside it. A refused file is never opened.
//!
//! Here rather than in each reader because the HR sources and the
//! connectors both read such files and both depend on this crate; the
//! check itself is the core's ([`Locator::admit_path`]).

use std::path::PathBuf;

use keyward_core::load::Locator;

/// A file a resource may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFile {
    /// How messages name it: the path as written, resolved against the
    /// policy file (never where a symlink leads).
    pub shown: String,
    /// What to open.
    pub path: PathBuf,
}

/// The file the resource's `field` names as `written`, if the resource may
/// read it; else why not, naming the field and what to do.
pub fn admit(locator: &Locator, field: &str, written: &str) -> Result<ResourceFile, String> {
    let admitted = locator.admit_path(field, written).map_err(|r| r.to_string())?;
    let shown = admitted.display().to_string();
    if !locator.confines_files() {
        return Ok(ResourceFile { shown, path: admitted });
    }
    // The error is the OS's reason (a missing file), never the content.
    let canonical = std::fs::canonicalize(&admitted).map_err(|e| format!("cannot read {shown}: {e}"))?;
    locator.admit_canonical(field, written, &canonical).map_err(|r| r.to_string())?;
    Ok(ResourceFile { shown, path: canonical })
}
