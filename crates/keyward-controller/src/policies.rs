//! Reading the policy files of the standalone mode.
//!
//! File discovery is keyward-sources' `policy_files`, shared with the CLI,
//! so `-f` means the same for `keyward plan` and `keyward controller`.

use std::path::PathBuf;

use keyward_core::{PolicySet, SourceFile};

/// Loads the policy files under `paths`. Warnings go to the log (the CLI
/// prints them to stderr; a controller's JSON logs must stay JSON); errors
/// come back as one message naming every problem's file, line and column.
pub fn load_policies(paths: &[PathBuf]) -> Result<PolicySet, String> {
    let (root, files) = collect(paths)?;
    match PolicySet::load(&root, files) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                tracing::warn!("{w}");
            }
            for s in &loaded.set.skipped {
                tracing::info!("skipped a document of another API group: {s}");
            }
            Ok(loaded.set)
        }
        Err(d) => {
            let errors: Vec<String> = d.0.iter().filter(|x| x.is_error()).map(ToString::to_string).collect();
            Err(format!("{} problem(s) in the policy files: {}", errors.len(), errors.join("; ")))
        }
    }
}

/// Reads every policy file under `paths` (see
/// [`keyward_sources::policy_files::collect`]).
pub fn collect(paths: &[PathBuf]) -> Result<(String, Vec<SourceFile>), String> {
    keyward_sources::policy_files::collect(paths).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn policy_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.yaml"),
            "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec: {nonsense: 1}\n",
        )
        .unwrap();
        let e = load_policies(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(e.contains("bad.yaml:"), "{e}");
        assert!(e.contains("problem(s) in the policy files"), "{e}");
    }
}
