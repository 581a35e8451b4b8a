//! Discovery in Google Workspace. (Being written: the interface is fixed, the scan is not.)

use keyward_core::discovery::DirectoryScan;
use keyward_core::load::{Locator, Named};
use keyward_core::resources::{
    ApplicationSpec, GoogleWorkspaceConnector, GoogleWorkspacePeopleSource, PeopleSourceSpec,
};

use super::ScanOptions;
use crate::http::RetryPolicy;
use crate::{ClusterSecrets, ConnectorError};

/// One Google Workspace directory to scan.
#[derive(Debug)]
pub struct GoogleDirectory {
    resource: String,
}

impl GoogleDirectory {
    /// The directory an Application's connector reaches.
    pub fn from_connector(
        _locator: &Locator,
        app: &Named<ApplicationSpec>,
        _spec: &GoogleWorkspaceConnector,
        _secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        Ok(Self { resource: format!("Application/{}", app.name) })
    }

    /// The directory a PeopleSource reads.
    pub fn from_people_source(
        _locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        _spec: &GoogleWorkspacePeopleSource,
        _secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        Ok(Self { resource: format!("PeopleSource/{}", src.name) })
    }

    /// What identifies the directory whatever resource names it.
    pub fn key(&self) -> String {
        self.resource.clone()
    }

    /// The same directory with another retry policy.
    pub fn with_retry(self, _retry: RetryPolicy) -> Self {
        self
    }

    /// Reads every app use the directory reports.
    pub async fn scan(&self, _opts: &ScanOptions) -> Result<DirectoryScan, ConnectorError> {
        Err(ConnectorError::Internal(format!("discovery in {} is not written yet", self.resource)))
    }
}
