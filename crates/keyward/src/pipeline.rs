//! The steps every command shares: find and load the policy files, read
//! the HR master, list every app's accounts. Errors come back already
//! described (see [`crate::report`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use keyward_connectors::Connector;
use keyward_core::account::AccountListing;
use keyward_core::people::People;
use keyward_core::{Loaded, PolicySet};

use crate::{files, report};

/// Loads every policy file under `paths`; warnings are printed.
pub fn load_policies(paths: &[PathBuf]) -> Result<Loaded> {
    let (root, sources) = files::collect(paths)?;
    let texts = sources.iter().map(|s| (s.path.clone(), s.text.clone())).collect();
    match PolicySet::load(&root, sources) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                report::diagnostic(&loaded.set, w);
            }
            for s in &loaded.set.skipped {
                tracing::info!("skipped a document of another API group: {s}");
            }
            Ok(loaded)
        }
        Err(diags) => Err(report::Reported::from_policy(diags, texts).into()),
    }
}

/// Reads every PeopleSource.
pub fn read_people(set: &PolicySet) -> Result<People> {
    keyward_sources::read_people(set).map_err(|e| match e {
        keyward_sources::SourceError::Data(d) => report::Reported::from_data(set, d).into(),
        other => anyhow::Error::new(other),
    })
}

/// Every app's connector, by app name.
pub type Connectors = BTreeMap<String, Box<dyn Connector>>;

/// Builds every app's connector (reading its credentials).
pub fn connect(set: &PolicySet) -> Result<Connectors> {
    keyward_connectors::build_all(set).map_err(|e| report::Reported::from_connectors(set, vec![e]).into())
}

/// Lists every app's accounts through `connectors`, concurrently.
pub async fn list_with(set: &PolicySet, connectors: &Connectors) -> Result<BTreeMap<String, AccountListing>> {
    keyward_connectors::list_all(connectors)
        .await
        .map_err(|errors| report::Reported::from_connectors(set, errors).into())
}

/// Lists every app's accounts, concurrently.
pub async fn list_accounts(set: &PolicySet) -> Result<BTreeMap<String, AccountListing>> {
    list_with(set, &connect(set)?).await
}
