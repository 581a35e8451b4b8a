//! How failed reads are worded: the [`Problem`]s a connector or an HR
//! source error becomes, for the app as a whole and for each PeopleSource.
//! Pure: no I/O.

use keyward_connectors::ConnectorError;
use keyward_core::Diagnostic;
use keyward_core::PolicySet;
use keyward_sources::SourceError;

use crate::status::{Problem, SourceRead};

/// Diagnostics named in one message; the rest are counted.
const DIAGNOSTICS_SHOWN: usize = 5;

/// The errors among `d`, the first few in full and the rest counted.
fn diagnostics_message(d: &[Diagnostic]) -> String {
    let mut parts: Vec<String> =
        d.iter().filter(|d| d.is_error()).take(DIAGNOSTICS_SHOWN).map(ToString::to_string).collect();
    let errors = d.iter().filter(|d| d.is_error()).count();
    if errors > DIAGNOSTICS_SHOWN {
        parts.push(format!("and {} more", errors - DIAGNOSTICS_SHOWN));
    }
    parts.join("; ")
}

/// A connector error as a condition message.
pub(super) fn connector_message(e: &ConnectorError) -> String {
    match e {
        ConnectorError::Data(d) => format!("the account data has problems: {}", diagnostics_message(&d.0)),
        other => other.to_string(),
    }
}

/// Each PeopleSource's part in a failed HR read, and the problem as a whole.
pub(super) fn people_problems(set: &PolicySet, e: &SourceError) -> (Vec<(String, SourceRead)>, Problem) {
    let blocked = |why: &str| {
        SourceRead::Blocked(Problem::new(
            "SnapshotIncomplete",
            format!("read, but not used: {why}; keyward plans only from the whole HR snapshot"),
        ))
    };
    match e {
        SourceError::Io { source_name, .. }
        | SourceError::Http { source_name, .. }
        | SourceError::NotConfigured { source_name, .. }
        | SourceError::Partial { source_name, .. }
        | SourceError::TooLarge { source_name, .. } => {
            let problem = Problem::new("ReadFailed", e.to_string());
            let other = format!("PeopleSource {source_name} could not be read");
            let per = set
                .people_sources
                .iter()
                .map(|s| {
                    let read =
                        if &s.name == source_name { SourceRead::Failed(problem.clone()) } else { blocked(&other) };
                    (s.name.clone(), read)
                })
                .collect();
            (per, problem)
        }
        SourceError::Data(d) => {
            let all = Problem::new("InvalidData", format!("the HR data has problems: {}", diagnostics_message(&d.0)));
            // Diagnostics name the CSV file or the API; match them to the
            // source that reads it.
            let files: Vec<(String, String)> = set
                .people_sources
                .iter()
                .map(|s| (s.name.clone(), keyward_sources::location(&set.locator(&s.origin), s)))
                .collect();
            let mine = |file: &str| -> Vec<Diagnostic> { d.0.iter().filter(|x| x.file == file).cloned().collect() };
            let any_matched = files.iter().any(|(_, f)| !mine(f).is_empty());
            let per = files
                .iter()
                .map(|(name, file)| {
                    let own = mine(file);
                    let read = if !own.is_empty() {
                        SourceRead::Failed(Problem::new(
                            "InvalidData",
                            format!("the HR data has problems: {}", diagnostics_message(&own)),
                        ))
                    } else if any_matched {
                        blocked("another PeopleSource has invalid data")
                    } else {
                        SourceRead::Failed(all.clone())
                    };
                    (name.clone(), read)
                })
                .collect();
            (per, all)
        }
    }
}
