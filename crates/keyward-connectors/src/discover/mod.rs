//! Discovery: the third-party apps people use with their directory
//! account, read from the directories keyward already connects to (a
//! PeopleSource or an Application of kind `googleWorkspace` or
//! `microsoftGraph`) for `keyward discover`.
//!
//! It only reads. Each directory is scanned once however many resources
//! name it (a Workspace used both as the HR source and as an app), with the
//! credentials of the first resource that names it. A directory that cannot
//! be read fails the scan; what a directory cannot tell (sign-in records
//! without the licence for them) is a note in the result.

use jiff::civil::Date;
use keyward_core::compile::PolicySet;
use keyward_core::discovery::DirectoryScan;

use crate::http::RetryPolicy;
use crate::{ClusterSecrets, ConnectorError};

pub mod google;
pub mod graph;

pub use google::GoogleDirectory;
pub use graph::GraphDirectory;

/// What to scan for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Only activity on or after this day, where the directory dates it
    /// (sign-in records). Undated grants are always reported: a grant
    /// stays usable however old it is.
    pub since: Option<Date>,
}

/// One directory to scan.
#[derive(Debug)]
pub enum Directory {
    /// A Google Workspace customer.
    Google(GoogleDirectory),
    /// A Microsoft Entra tenant.
    Graph(GraphDirectory),
}

impl Directory {
    /// What identifies the directory whatever resource names it, so each is
    /// scanned once.
    pub fn key(&self) -> String {
        match self {
            Self::Google(d) => format!("google:{}", d.key()),
            Self::Graph(d) => format!("graph:{}", d.key()),
        }
    }

    /// The same directory with another retry policy (tests use short delays).
    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        match self {
            Self::Google(d) => Self::Google(d.with_retry(retry)),
            Self::Graph(d) => Self::Graph(d.with_retry(retry)),
        }
    }

    /// Reads every app use the directory reports.
    pub async fn scan(&self, opts: &ScanOptions) -> Result<DirectoryScan, ConnectorError> {
        match self {
            Self::Google(d) => d.scan(opts).await,
            Self::Graph(d) => d.scan(opts).await,
        }
    }
}

/// The directories the policy set connects to: its PeopleSources first,
/// then its Applications, each directory once.
pub fn directories(set: &PolicySet, secrets: &ClusterSecrets) -> Result<Vec<Directory>, ConnectorError> {
    let mut out: Vec<Directory> = Vec::new();
    let mut push = |d: Directory| {
        if !out.iter().any(|o| o.key() == d.key()) {
            out.push(d);
        }
    };
    for src in &set.people_sources {
        let locator = set.locator(&src.origin);
        if let Some(spec) = &src.spec.google_workspace {
            push(Directory::Google(GoogleDirectory::from_people_source(&locator, src, spec, secrets)?));
        }
        if let Some(spec) = &src.spec.microsoft_graph {
            push(Directory::Graph(GraphDirectory::from_people_source(&locator, src, spec, secrets)?));
        }
    }
    for app in &set.applications {
        let locator = set.locator(&app.origin);
        if let Some(spec) = &app.spec.connector.google_workspace {
            push(Directory::Google(GoogleDirectory::from_connector(&locator, app, spec, secrets)?));
        }
        if let Some(spec) = &app.spec.connector.microsoft_graph {
            push(Directory::Graph(GraphDirectory::from_connector(&locator, app, spec, secrets)?));
        }
    }
    Ok(out)
}

/// Scans every directory, one after another (each already pages and
/// batches as fast as its API allows; two at once would only share the
/// same rate limits), and returns the scans in the order of `dirs`.
pub async fn scan_all(dirs: &[Directory], opts: &ScanOptions) -> Result<Vec<DirectoryScan>, ConnectorError> {
    let mut out = Vec::with_capacity(dirs.len());
    for d in dirs {
        out.push(d.scan(opts).await?);
    }
    Ok(out)
}
