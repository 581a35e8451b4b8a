//! # keyward-sources
//!
//! Reads the HR master — who works here, where, as what, from when to
//! when — into a [`People`] snapshot. It owns the readers (CSV exports and
//! SmartHR's API) and the mapping from their fields and labels to keyward's
//! vocabulary; Google Workspace's Directory and Microsoft Graph are read
//! the same way, their users' JSON mapped by paths. It also finds and reads the policy files themselves
//! ([`policy_files`]), the other input every command starts from.
//!
//! It must not decide anything about accounts, and it must never return a
//! partial snapshot: a file that cannot be read completely, or an API
//! listing that fails or does not add up, is an error, because a person
//! missing from the snapshot is a person whose leaving keyward cannot see.

use keyward_core::compile::PolicySet;
use keyward_core::diag::Diagnostics;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{People, SourceInfo};
use keyward_core::resources::PeopleSourceSpec;
use keyward_core::{Diagnostic, Person, tabular};
use keyward_http::secrets::ClusterSecrets;
use keyward_http::{HttpError, RetryPolicy};

pub mod csv_people;
pub mod google;
pub mod graph;
mod json_fields;
pub mod policy_files;
pub mod smarthr;

pub use graph::DeltaCache;

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
    /// An HR API could not be read: a call failed for good (its method,
    /// URL and the API's own error are in the message), or the token could
    /// not be read or used.
    #[error("{error}")]
    Http {
        /// The PeopleSource.
        source_name: String,
        /// What went wrong, never with the token in it.
        error: HttpError,
    },
    /// A PeopleSource cannot be used as written (an address that is not
    /// a URL); validation normally catches this first.
    #[error("PeopleSource {source_name} cannot be read: {why}")]
    NotConfigured {
        /// The PeopleSource.
        source_name: String,
        /// What is wrong, and where.
        why: String,
    },
    /// The HR master is larger than the caps allow ([`HrLimits`]): it is
    /// not read (further), rather than read into memory without bound.
    #[error("PeopleSource {source_name}: {why}")]
    TooLarge {
        /// The PeopleSource.
        source_name: String,
        /// What is too large, the cap and how to raise it.
        why: String,
    },
    /// An HR API's listing did not add up (fewer people than it counts, a
    /// count that changed between pages, paging that went nowhere), so it
    /// is not used: a shorter snapshot would make leavers invisible.
    #[error("PeopleSource {source_name}: {why}; nothing is planned from part of the HR master")]
    Partial {
        /// The PeopleSource.
        source_name: String,
        /// What did not add up.
        why: String,
    },
}

/// Caps on what reading the HR master may cost. A mistaken export (the
/// wrong file, a dump of every record ever), a broken or hostile API, or a
/// device named as a path must not take the machine's memory; the defaults
/// are far above any real company's HR master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HrLimits {
    /// Most people over all sources (`--max-hr-rows`).
    pub max_rows: usize,
    /// Most bytes of one CSV export (`--max-hr-bytes`).
    pub max_bytes: u64,
}

impl HrLimits {
    /// Default of [`HrLimits::max_rows`]: a million people.
    pub const DEFAULT_MAX_ROWS: usize = 1_000_000;
    /// Default of [`HrLimits::max_bytes`]: 1 GiB (a 100,000-person export
    /// is about 15 MB).
    pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
}

impl Default for HrLimits {
    fn default() -> Self {
        Self { max_rows: Self::DEFAULT_MAX_ROWS, max_bytes: Self::DEFAULT_MAX_BYTES }
    }
}

/// How the HR APIs are reached: the Kubernetes Secret values their
/// tokens may name, the delta state kept between reads, the size caps and,
/// for tests, the retry policy.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Secret values for `token.secret`.
    pub secrets: ClusterSecrets,
    /// Replaces the default retry policy of every API client.
    pub retry: Option<RetryPolicy>,
    /// Where Microsoft Graph sources with `delta: true` keep their delta
    /// link and users between reads; without one every read is full.
    pub delta: Option<std::sync::Arc<DeltaCache>>,
    /// How large the HR master may be.
    pub limits: HrLimits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { secrets: ClusterSecrets::unavailable(), retry: None, delta: None, limits: HrLimits::default() }
    }
}

/// The field naming a CSV PeopleSource's file.
const CSV_PATH: &str = "spec.csv.path";

/// What one PeopleSource yielded.
type Read = Result<(SourceInfo, Vec<Person>), SourceError>;

/// Reads every PeopleSource of the policy set and merges them.
pub async fn read_people(set: &PolicySet) -> Result<People, SourceError> {
    read_people_with(set, &ReadOptions::default()).await
}

/// As [`read_people`], with the given Secret values and retry policy.
///
/// The HR APIs are read concurrently; their futures are polled before the
/// CSV files are parsed, so their first requests are already in flight
/// while the files are read.
pub async fn read_people_with(set: &PolicySet, options: &ReadOptions) -> Result<People, SourceError> {
    use futures::FutureExt;
    let apis = set.people_sources.iter().enumerate().filter_map(|(index, src)| {
        let spec = &src.spec;
        let read = if let Some(api) = &spec.smarthr {
            smarthr::read(set.locator(&src.origin), index, src, api, options).boxed()
        } else if let Some(api) = &spec.google_workspace {
            google::read(set.locator(&src.origin), index, src, api, options).boxed()
        } else {
            graph::read(set.locator(&src.origin), index, src, spec.microsoft_graph.as_ref()?, options).boxed()
        };
        Some(read.map(move |r| (index, r)))
    });
    let apis = futures::future::join_all(apis);
    let files = async { off_the_async_threads(|| read_csv_sources(set, &options.limits)) };
    let (apis, files) = futures::join!(apis, files);
    let mut reads: Vec<(usize, Read)> = apis.into_iter().chain(files).collect();
    reads.sort_by_key(|(index, _)| *index);
    merge(set, reads, &options.limits)
}

/// Reads only the PeopleSources that are files on this machine (CSV
/// exports), contacting no HR API: for `--offline` checks. The snapshot
/// lacks the people of every API source, so it is for checking the files,
/// not for planning, unless every source is a file.
pub fn read_local_people(set: &PolicySet, limits: &HrLimits) -> Result<People, SourceError> {
    merge(set, read_csv_sources(set, limits), limits)
}

/// The CSV sources, each read and parsed in declaration order.
fn read_csv_sources(set: &PolicySet, limits: &HrLimits) -> Vec<(usize, Read)> {
    let mut out = Vec::new();
    for (index, src) in set.people_sources.iter().enumerate() {
        let Some(csv) = &src.spec.csv else { continue };
        // Only what the resource may reach (in Kubernetes, an allowed
        // directory); a refused file is never opened.
        let read = match keyward_http::resource_files::admit(&set.locator(&src.origin), CSV_PATH, &csv.path) {
            Err(why) => Err(SourceError::NotConfigured { source_name: src.name.clone(), why }),
            Ok(file) => match read_capped(&file.path, limits.max_bytes) {
                Ok(Some(bytes)) => {
                    read_csv_bytes(set, index, &file.shown, bytes).map_err(|d| SourceError::Data(Diagnostics(d)))
                }
                Ok(None) => Err(SourceError::TooLarge {
                    source_name: src.name.clone(),
                    why: format!(
                        "{} is more than {} bytes, the cap on one HR export (--max-hr-bytes), so it was not read; check that the path names the HR export, and raise --max-hr-bytes if the export really is this large",
                        file.shown, limits.max_bytes
                    ),
                }),
                Err(error) => Err(SourceError::Io { path: file.shown, source_name: src.name.clone(), error }),
            },
        };
        let failed = matches!(
            read,
            Err(SourceError::Io { .. } | SourceError::NotConfigured { .. } | SourceError::TooLarge { .. })
        );
        out.push((index, read));
        // As before: an unreadable file stops the reading of the rest.
        if failed {
            break;
        }
    }
    out
}

/// The file's bytes, or `None` when it holds more than `max` bytes. Reads
/// at most `max + 1` bytes, whatever the file claims to be: a device or a
/// pipe has no length to check first.
fn read_capped(path: &std::path::Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let expected = file.metadata().map_or(0, |m| m.len()).min(max);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// One snapshot from every source's part, or the first failure: an I/O or
/// API failure as it is, data problems of every source together, or more
/// people than `limits` allow.
fn merge(set: &PolicySet, reads: Vec<(usize, Read)>, limits: &HrLimits) -> Result<People, SourceError> {
    let mut sources = Vec::new();
    let mut persons = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (_, read) in reads {
        match read {
            Ok((info, mut ps)) => {
                if persons.len() + ps.len() > limits.max_rows {
                    return Err(SourceError::TooLarge {
                        why: format!(
                            "the HR master holds more than {} people, the cap (--max-hr-rows); check that the source reads the HR master, and raise --max-hr-rows if it really holds this many",
                            limits.max_rows
                        ),
                        source_name: info.name,
                    });
                }
                sources.push(info);
                persons.append(&mut ps);
            }
            Err(SourceError::Data(mut d)) => diags.append(&mut d.0),
            Err(other) => return Err(other),
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

/// Runs CPU- or disk-bound work (parsing a large export, planning): on a
/// multi-threaded runtime the worker hands its other tasks over for the
/// duration, so they do not stall behind it.
pub fn off_the_async_threads<T>(work: impl FnOnce() -> T) -> T {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread { tokio::task::block_in_place(work) } else { work() }
}

/// What a PeopleSource reads, as messages and data diagnostics name it:
/// the CSV file's path, or the API's address.
pub fn location(locator: &Locator, src: &Named<PeopleSourceSpec>) -> String {
    let spec = &src.spec;
    match (&spec.csv, &spec.smarthr, &spec.google_workspace, &spec.microsoft_graph) {
        (Some(csv), ..) => locator.shown_path(CSV_PATH, &csv.path),
        (_, Some(api), ..) => smarthr::location(api),
        (_, _, Some(api), _) => google::location(api),
        (_, _, _, Some(api)) => graph::location(api),
        (None, None, None, None) => String::new(),
    }
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
    csv_people::parse(&set.locator(&src.origin), src, spec, index, file, &decoded.text)
}
