//! Finding policy files: `-f FILE|DIR`, directories searched recursively.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use keyward_core::SourceFile;

/// Reads every `.yaml`/`.yml` file under the given paths, in a stable
/// order (sorted within each directory), skipping hidden files and
/// directories. Returns a label for the whole set and the files.
pub fn collect(paths: &[PathBuf]) -> Result<(String, Vec<SourceFile>)> {
    let mut found = Vec::new();
    for p in paths {
        if !p.exists() {
            bail!(
                "{}: no such file or directory; pass the file or directory that holds your policy files with -f",
                p.display()
            );
        }
        if p.is_dir() {
            walk(p, &mut found).with_context(|| format!("cannot read the directory {}", p.display()))?;
        } else {
            found.push(p.clone());
        }
    }
    if found.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!("no .yaml or .yml files found in {}", list.join(", "));
    }
    let mut files = Vec::new();
    for path in found {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {} (policy files must be UTF-8 text)", path.display()))?;
        files.push(SourceFile { path: display(&path), text });
    }
    let root = paths.iter().map(|p| display(p)).collect::<Vec<_>>().join(", ");
    Ok((root, files))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
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
