//! # keyward-sources
//!
//! Reads the HR master — who works here, where, as what, from when to
//! when — into a [`People`] snapshot. It owns the readers (CSV exports now;
//! HR APIs later) and the mapping from their fields and labels to keyward's
//! vocabulary. It also finds and reads the policy files themselves
//! ([`policy_files`]), the other input every command starts from.
//!
//! It must not decide anything about accounts, and it must never return a
//! partial snapshot: a file that cannot be read completely is an error,
//! because a person missing from the snapshot is a person whose leaving
//! keyward cannot see.

use keyward_core::diag::Diagnostics;
use keyward_core::people::{People, SourceInfo};
use keyward_core::policy::PolicySet;
use keyward_core::{Diagnostic, Person, tabular};

pub mod csv_people;
pub mod policy_files;

/// Why the HR master could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A source file could not be read from disk.
    #[error("cannot read {path} (PeopleSource {source_name}): {error}")]
    Io {
        /// The file.
        path: String,
        /// The PeopleSource that names it.
        source_name: String,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The data has problems; each diagnostic names file, line and column.
    #[error("the HR data has {} problem(s)", .0.0.len())]
    Data(Diagnostics),
}

/// Reads every PeopleSource of the policy set and merges them.
pub fn read_people(set: &PolicySet) -> Result<People, SourceError> {
    let mut sources = Vec::new();
    let mut persons = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (index, src) in set.people_sources.iter().enumerate() {
        let Some(csv) = &src.spec.csv else { continue };
        let path = set.resolve_path(&src.origin, &csv.path);
        let bytes = std::fs::read(&path).map_err(|error| SourceError::Io {
            path: path.clone(),
            source_name: src.name.clone(),
            error,
        })?;
        match read_csv_bytes(set, index, &path, bytes) {
            Ok((info, mut ps)) => {
                sources.push(info);
                persons.append(&mut ps);
            }
            Err(mut d) => diags.append(&mut d),
        }
    }
    if !diags.is_empty() {
        return Err(SourceError::Data(Diagnostics(diags)));
    }
    People::new(sources, persons).map_err(|errors| {
        SourceError::Data(Diagnostics(
            errors
                .into_iter()
                .map(|e| {
                    Diagnostic::error(set.origin_label(&set.people_sources[0].origin), None, e.to_string())
                        .with_help("fix the HR master: employee numbers must be unique, and two people working here cannot share an e-mail")
                })
                .collect(),
        ))
    })
}

/// Decodes and parses the CSV of the `index`-th PeopleSource given its bytes.
pub fn read_csv_bytes(
    set: &PolicySet,
    index: usize,
    file: &str,
    bytes: Vec<u8>,
) -> Result<(SourceInfo, Vec<Person>), Vec<Diagnostic>> {
    let src = &set.people_sources[index];
    let Some(spec) = &src.spec.csv else {
        return Err(vec![set.error_at(&src.origin, "spec", "the PeopleSource has no `csv` source")]);
    };
    let decoded = tabular::decode(file, bytes, spec.encoding).map_err(|d| vec![d])?;
    csv_people::parse(set, src, spec, index, file, &decoded.text)
}
