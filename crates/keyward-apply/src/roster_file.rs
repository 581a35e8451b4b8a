//! The roster file (`roster.json`, kept beside the audit log): whom keyward
//! has seen in the HR master, read before planning and replaced after a run
//! that went ahead. One reader and writer for the CLI and the controller.

use std::io;
use std::path::{Path, PathBuf};

use keyward_core::roster::{Roster, RosterError};

/// Why the roster file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RosterFileError {
    /// The file or its directory could not be read, created or written.
    #[error("cannot {what} the roster {}: {source}", path.display())]
    Io {
        /// The roster file.
        path: PathBuf,
        /// What keyward was doing (`read`, `write`).
        what: &'static str,
        /// What the operating system said.
        source: io::Error,
    },
    /// The roster's database could not be read or written.
    #[error("cannot {what} the roster in {store}: {error}")]
    Store {
        /// The database and chain.
        store: String,
        /// What keyward was doing (`read`, `write`).
        what: &'static str,
        /// What the database said.
        error: String,
    },
    /// The file is not a roster this keyward can read.
    #[error("{} is not a roster this keyward can read ({source}); restore it from a backup, or move it away to start a new one (whom keyward saw before is then forgotten)", path.display())]
    Unreadable {
        /// The roster file.
        path: PathBuf,
        /// What the parser said.
        source: RosterError,
    },
}

/// The roster file at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterFile {
    path: PathBuf,
}

impl RosterFile {
    /// The roster at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The roster kept beside an audit log: `roster.json` in its directory.
    pub fn beside(audit_log: &Path) -> Self {
        Self::new(audit_log.with_file_name("roster.json"))
    }

    /// Where the roster is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The roster, empty when the file does not exist yet (the first run).
    pub fn read(&self) -> Result<Roster, RosterFileError> {
        let path = &self.path;
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Roster::default()),
            Err(source) => return Err(RosterFileError::Io { path: path.clone(), what: "read", source }),
        };
        Roster::from_json(&text).map_err(|source| RosterFileError::Unreadable { path: path.clone(), source })
    }

    /// Replaces the file: written beside it and renamed over it, so a crash
    /// leaves the old roster or the new one, never half of one.
    pub fn write(&self, roster: &Roster) -> Result<(), RosterFileError> {
        let path = &self.path;
        let fail = |source| RosterFileError::Io { path: path.clone(), what: "write", source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, roster.to_json()).map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_missing_file_is_an_empty_roster_and_a_written_one_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = RosterFile::beside(&dir.path().join("state/audit.jsonl"));
        assert_eq!(file.path(), dir.path().join("state/roster.json"));
        assert!(file.read().unwrap().people.is_empty());
        file.write(&Roster::default()).unwrap();
        assert_eq!(file.read().unwrap(), Roster::default());
    }

    #[test]
    fn a_file_that_is_no_roster_is_an_error_naming_it_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.json");
        std::fs::write(&path, "{not json").unwrap();
        let e = RosterFile::new(&path).read().unwrap_err().to_string();
        assert!(e.contains("roster.json is not a roster"), "{e}");
        assert!(e.contains("restore it from a backup"), "{e}");
    }
}
