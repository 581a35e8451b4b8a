//! The steps every command shares: find and load the policy files, read
//! the HR master, list every app's accounts. Errors come back already
//! described (see [`crate::problems`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use keyward_connectors::{Connector, ConnectorError};
use keyward_core::account::AccountListing;
use keyward_core::people::People;
use keyward_core::{Loaded, PolicySet};

use crate::{files, problems, progress};

/// Loads every policy file under `paths`; warnings are printed.
pub fn load_policies(paths: &[PathBuf]) -> Result<Loaded> {
    let (root, sources) = files::collect(paths)?;
    let texts = sources.iter().map(|s| (s.path.clone(), s.text.clone())).collect();
    match PolicySet::load(&root, sources) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                problems::diagnostic(&loaded.set, w);
            }
            for s in &loaded.set.skipped {
                tracing::info!("skipped a document of another API group: {s}");
            }
            Ok(loaded)
        }
        Err(diags) => Err(problems::Reported::from_policy(diags, texts).into()),
    }
}

/// Reads every PeopleSource: CSV files and HR APIs.
pub async fn read_people(set: &PolicySet) -> Result<People> {
    keyward_sources::read_people(set).await.map_err(|e| match e {
        keyward_sources::SourceError::Data(d) => problems::Reported::from_data(set, d).into(),
        other => anyhow::Error::new(other),
    })
}

/// Every app's connector, by app name.
pub type Connectors = BTreeMap<String, Box<dyn Connector>>;

/// Builds every app's connector (reading its credentials).
pub fn connect(set: &PolicySet) -> Result<Connectors> {
    keyward_connectors::build_all(set).map_err(|e| problems::Reported::from_connectors(set, vec![e]).into())
}

/// Lists every app's accounts through `connectors`, concurrently, with a
/// line per app on stderr when a person is watching (see [`progress`]).
pub async fn list_with(set: &PolicySet, connectors: &Connectors) -> Result<BTreeMap<String, AccountListing>> {
    let listed = match progress::Listing::start() {
        Some(display) => list_showing(connectors, &display).await,
        None => keyward_connectors::list_all(connectors).await,
    };
    listed.map_err(|errors| problems::Reported::from_connectors(set, errors).into())
}

/// What [`keyward_connectors::list_all`] does, with each app's line of
/// `display` finishing when that app's listing does.
pub async fn list_showing(
    connectors: &Connectors,
    display: &progress::Listing,
) -> Result<BTreeMap<String, AccountListing>, Vec<ConnectorError>> {
    let futures: Vec<_> = connectors
        .iter()
        .map(|(name, connector)| {
            let line = display.app(name);
            async move {
                let listed = connector.list().await;
                match &listed {
                    Ok(listing) => line.done(listing.accounts.len()),
                    Err(_) => line.failed(),
                }
                (name.clone(), listed)
            }
        })
        .collect();
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, listed) in progress::join_all(futures).await {
        match listed {
            Ok(listing) => {
                out.insert(name, listing);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Lists every app's accounts, concurrently.
pub async fn list_accounts(set: &PolicySet) -> Result<BTreeMap<String, AccountListing>> {
    list_with(set, &connect(set)?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listing_with_a_display_reads_what_listing_without_one_reads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
        let loaded = load_policies(&[dir]).unwrap();
        let connectors = connect(&loaded.set).unwrap();
        let plain = keyward_connectors::list_all(&connectors).await.unwrap();
        let shown = list_showing(&connectors, &progress::Listing::hidden()).await.unwrap();
        assert_eq!(shown.keys().collect::<Vec<_>>(), plain.keys().collect::<Vec<_>>());
        for (app, listing) in &plain {
            assert!(!listing.accounts.is_empty(), "{app}: the example lists no accounts");
            assert_eq!(shown[app].accounts, listing.accounts, "{app}");
        }
    }
}
