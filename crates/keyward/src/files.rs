//! Finding policy files: `-f FILE|DIR`, directories searched recursively
//! (keyward-sources' `policy_files`, shared with the controller).

use std::path::PathBuf;

use anyhow::Result;
use keyward_core::SourceFile;

/// Reads every `.yaml`/`.yml` file under the given paths, in a stable
/// order, skipping hidden files and directories. Returns a label for the
/// whole set and the files.
pub fn collect(paths: &[PathBuf]) -> Result<(String, Vec<SourceFile>)> {
    Ok(keyward_sources::policy_files::collect(paths)?)
}
