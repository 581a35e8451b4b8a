//! Finding and reading policy files: `-f FILE|DIR`, directories searched
//! recursively. Shared by the CLI and the standalone controller so that
//! `-f` means the same for `keyward plan` and `keyward controller`.

use std::io::Read;
use std::path::{Path, PathBuf};

use keyward_core::SourceFile;
use keyward_core::diag::Location;
use keyward_core::yaml::MAX_FILE_BYTES;

/// Why the policy files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyFilesError {
    /// A path given with `-f` does not exist.
    #[error("{0}: no such file or directory; pass the file or directory that holds your policy files with -f")]
    Missing(String),
    /// A directory could not be listed.
    #[error("cannot read the directory {path}: {error}")]
    Dir {
        /// The directory.
        path: String,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// No `.yaml`/`.yml` file was found.
    #[error("no .yaml or .yml files found in {0}")]
    Empty(String),
    /// A file could not be read as UTF-8 text.
    #[error("cannot read {path} (policy files must be UTF-8 text): {error}")]
    File {
        /// The file.
        path: String,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// A file is not UTF-8 text.
    #[error(
        "{path}:{line}:{column}: the file is not valid UTF-8 at byte offset {offset}; policy files are UTF-8 text: save it as UTF-8"
    )]
    NotUtf8 {
        /// The file.
        path: String,
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Its byte offset in the file.
        offset: usize,
    },
    /// A file is larger than keyward reads as YAML.
    #[error(
        "{path} is larger than {MAX_FILE_BYTES} bytes ({size} bytes), the most keyward reads as YAML; split the resources over several files"
    )]
    TooLarge {
        /// The file.
        path: String,
        /// Its size in bytes.
        size: u64,
    },
}

/// `true` for policy test files (`*.test.yaml`, `*.test.yml`). They hold
/// `PolicyTest` documents for `keyward test`, which is no resource kind:
/// the policy loader never reads them, so tests may sit next to the
/// policies without breaking `keyward plan` or the controller.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.yaml") || n.ends_with(".test.yml"))
}

/// Reads every `.yaml`/`.yml` file under the given paths, in a stable
/// order (sorted within each directory), skipping hidden files and
/// directories and policy test files ([`is_test_file`], even when named
/// directly). Returns a label for the whole set and the files.
pub fn collect(paths: &[PathBuf]) -> Result<(String, Vec<SourceFile>), PolicyFilesError> {
    let mut found = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(PolicyFilesError::Missing(p.display().to_string()));
        }
        if p.is_dir() {
            walk(p, &mut found).map_err(|error| PolicyFilesError::Dir { path: p.display().to_string(), error })?;
        } else if !is_test_file(p) {
            found.push(p.clone());
        }
    }
    if found.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(PolicyFilesError::Empty(list.join(", ")));
    }
    let mut files = Vec::with_capacity(found.len());
    for path in found {
        let text = read_text(&path)?;
        files.push(SourceFile { path: display(&path), text });
    }
    let root = paths.iter().map(|p| display(p)).collect::<Vec<_>>().join(", ");
    Ok((root, files))
}

/// Reads a policy or test file as UTF-8 text, refusing one larger than
/// [`MAX_FILE_BYTES`] before reading it (a file that grows while it is
/// read is cut at the limit and refused too), so a stray dump in the
/// policy directory cannot take the process's memory.
pub fn read_text(path: &Path) -> Result<String, PolicyFilesError> {
    let io = |error| PolicyFilesError::File { path: path.display().to_string(), error };
    let too_large = |size| PolicyFilesError::TooLarge { path: path.display().to_string(), size };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let limit = u64::try_from(MAX_FILE_BYTES).unwrap_or(u64::MAX);
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = Location::of_utf8_byte(e.as_bytes(), e.utf8_error().valid_up_to());
        PolicyFilesError::NotUtf8 {
            path: path.display().to_string(),
            line: at.line,
            column: at.column,
            offset: at.offset,
        }
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    walk_files(
        dir,
        &|p| matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) && !is_test_file(p),
        out,
    )
}

/// The files under `dir` that `keep` accepts, recursively, in name order
/// (so every run reads them in the same order), hidden entries skipped.
/// Shared by policy discovery and `keyward test`'s test discovery.
pub fn walk_files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            walk_files(&path, keep, out)?;
        } else if keep(&path) {
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
        assert!(collect(&[dir.path().join("missing")]).unwrap_err().to_string().contains("no such file"));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(collect(&[empty.path().to_path_buf()]), Err(PolicyFilesError::Empty(_))));
    }

    #[test]
    fn an_oversized_policy_file_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        // A sparse file: its size is what is refused, before any byte is read.
        std::fs::File::create(&big).unwrap().set_len(1 << 40).unwrap();
        let err = collect(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(matches!(err, PolicyFilesError::TooLarge { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("big.yaml") && msg.contains("split"), "{msg}");
    }

    #[test]
    fn policy_test_files_are_never_read_as_policies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("access")).unwrap();
        for f in ["apps.yaml", "access/sales.yaml", "access/sales.test.yaml", "all.test.yml", "contest.yaml"] {
            std::fs::write(dir.path().join(f), "# empty\n").unwrap();
        }
        let (_, files) = collect(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> =
            files.iter().map(|f| f.path.strip_prefix(&dir.path().display().to_string()).unwrap().to_owned()).collect();
        assert_eq!(names, ["/access/sales.yaml", "/apps.yaml", "/contest.yaml"]);
        // Named directly (a shell glob such as `-f policies/*.yaml`), too.
        let (_, files) = collect(&[dir.path().join("apps.yaml"), dir.path().join("access/sales.test.yaml")]).unwrap();
        assert_eq!(files.len(), 1);
        assert!(matches!(collect(&[dir.path().join("all.test.yml")]), Err(PolicyFilesError::Empty(_))));
    }
}
