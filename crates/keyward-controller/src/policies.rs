//! Reading the policy files of the standalone mode.
//!
//! File discovery mirrors `keyward::files::collect` (the CLI's), so `-f`
//! means the same for `keyward plan` and `keyward controller`: every
//! `.yaml`/`.yml` file under a directory, recursively, sorted, hidden files
//! and directories skipped. It is repeated here because the CLI depends on
//! this crate and a crate cannot depend on the CLI back; it belongs in a
//! shared crate once one does I/O for both.

use std::path::{Path, PathBuf};

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

/// Reads every policy file under `paths`, in a stable order; returns a
/// label for the whole set and the files.
pub fn collect(paths: &[PathBuf]) -> Result<(String, Vec<SourceFile>), String> {
    let mut found = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!(
                "{}: no such file or directory; pass the file or directory that holds your policy files with -f",
                p.display()
            ));
        }
        if p.is_dir() {
            walk(p, &mut found).map_err(|e| format!("cannot read the directory {}: {e}", p.display()))?;
        } else {
            found.push(p.clone());
        }
    }
    if found.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no .yaml or .yml files found in {}", list.join(", ")));
    }
    let mut files = Vec::with_capacity(found.len());
    for path in found {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {} (policy files must be UTF-8 text): {e}", path.display()))?;
        files.push(SourceFile { path: display(&path), text });
    }
    let root = paths.iter().map(|p| display(p)).collect::<Vec<_>>().join(", ");
    Ok((root, files))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(path.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
    Ok(())
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn yaml_files_are_found_recursively_in_order_and_hidden_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        for f in ["b/c/z.yml", "a.yaml", "b/x.yaml", ".hidden.yaml", ".git/config.yaml", "notes.txt"] {
            std::fs::write(dir.path().join(f), "# empty\n").unwrap();
        }
        let (_, files) = collect(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> =
            files.iter().map(|f| f.path.strip_prefix(&dir.path().display().to_string()).unwrap().to_owned()).collect();
        assert_eq!(names, ["/a.yaml", "/b/c/z.yml", "/b/x.yaml"]);
        assert!(collect(&[dir.path().join("missing")]).unwrap_err().contains("no such file"));
    }

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
