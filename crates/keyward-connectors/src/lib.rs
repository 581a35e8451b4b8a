//! # keyward-connectors
//!
//! How keyward reads (and, where the app allows, changes) a SaaS app's
//! accounts: the [`Connector`] trait, its capabilities, and the connectors
//! themselves (csv-export now; SCIM and vendor APIs plug in here).
//!
//! A connector must never return a partial listing as if it were complete:
//! an error, a page it could not fetch, or a file cut short is an error,
//! because a missing account is an account nobody offboards. Connectors do
//! not decide what to change; that is the plan's job.

use std::collections::BTreeMap;

use async_trait::async_trait;
use keyward_core::account::AccountListing;
use keyward_core::diag::Diagnostics;
use keyward_core::policy::PolicySet;

pub mod csv_export;

/// What a connector can do, so a plan only proposes what an app supports
/// and the rest becomes a human checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Can list accounts.
    pub list: bool,
    /// Can create accounts.
    pub create: bool,
    /// Can change roles.
    pub update: bool,
    /// Can suspend accounts.
    pub suspend: bool,
    /// Can restore suspended accounts.
    pub restore: bool,
    /// Can delete accounts.
    pub delete: bool,
    /// Can hand data over to another account.
    pub transfer: bool,
    /// Can change group memberships.
    pub groups: bool,
}

impl Capabilities {
    /// Lists only: every change is for a human.
    pub fn read_only() -> Self {
        Self { list: true, ..Self::default() }
    }
}

/// Why a connector could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// A local file (an export) could not be read.
    #[error("cannot read {path} (Application {app}): {error}")]
    Io {
        /// The application.
        app: String,
        /// The file.
        path: String,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The data read has problems; each names file, line and column.
    #[error("the account data has {} problem(s)", .0.0.len())]
    Data(Diagnostics),
    /// The application's connector is not set up.
    #[error("Application {app} has no usable connector: {why}")]
    NotConfigured {
        /// The application.
        app: String,
        /// What is missing.
        why: String,
    },
    /// A bug or a crashed task inside keyward.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Reads (and later changes) one app's accounts.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Connector kind as written in policies (`csvExport`).
    fn kind(&self) -> &'static str;
    /// The Application's name.
    fn app(&self) -> &str;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Every account of the app. Never a partial list.
    async fn list(&self) -> Result<AccountListing, ConnectorError>;
}

/// Builds the connector of every Application in the set, by app name.
pub fn build_all(set: &PolicySet) -> Result<BTreeMap<String, Box<dyn Connector>>, ConnectorError> {
    let mut out: BTreeMap<String, Box<dyn Connector>> = BTreeMap::new();
    for app in &set.applications {
        let connector: Box<dyn Connector> = match &app.spec.connector.csv_export {
            Some(spec) => Box::new(csv_export::CsvExport::new(set, app, spec)),
            None => {
                return Err(ConnectorError::NotConfigured {
                    app: app.name.clone(),
                    why: "set `spec.connector.csvExport`".to_owned(),
                });
            }
        };
        out.insert(app.name.clone(), connector);
    }
    Ok(out)
}

/// Lists every app concurrently. All listings must succeed: a plan over
/// some apps but not others would hide the others' leavers.
pub async fn list_all(
    connectors: &BTreeMap<String, Box<dyn Connector>>,
) -> Result<BTreeMap<String, AccountListing>, Vec<ConnectorError>> {
    let futures = connectors.iter().map(|(name, c)| async move { (name.clone(), c.list().await) });
    let results = futures::future::join_all(futures).await;
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(l) => {
                out.insert(name, l);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}
