//! What every command reads before it decides anything: find and load the
//! policy files, read the HR master, list every app's accounts — together
//! a [`Snapshot`], or step by step for a command that must do something in
//! between (`keyward apply` opens its audit log after loading). Errors come
//! back already described (see [`crate::problems`]).
//!
//! Nothing here decides; the commands hand what was read to keyward-core.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use keyward_connectors::{Connector, ConnectorError};
use keyward_core::account::AccountListing;
use keyward_core::diag::{Diagnostic, Diagnostics};
use keyward_core::people::People;
use keyward_core::plan::ListingRead;
use keyward_core::{Loaded, PolicySet};
use keyward_sources::HrLimits;

use crate::args::Input;
use crate::{problems, progress};

/// Every app's accounts, by app name.
pub type Listings = BTreeMap<String, AccountListing>;

/// The policies, the people and every app's accounts, read once: what a
/// command plans, explains or reports from.
pub struct Snapshot {
    /// The policy set and its load warnings (already printed).
    pub loaded: Loaded,
    /// The HR master, as of reading.
    pub people: People,
    /// Every app's accounts.
    pub listings: Listings,
}

impl Snapshot {
    /// Loads the policy files `input` names, reads the people, lists every
    /// app's accounts — in that order, stopping at the first step that
    /// fails.
    pub async fn read(input: &Input) -> Result<Self> {
        Self::read_for(load_policies(&input.paths)?, &input.hr_limits()).await
    }

    /// Reads the people (within `limits`) and every app's accounts for
    /// policies already loaded, for a command that checks its arguments
    /// against the policies before it reads anything else.
    pub async fn read_for(loaded: Loaded, limits: &HrLimits) -> Result<Self> {
        let people = read_people_within(&loaded.set, limits).await?;
        let listings = list_accounts(&loaded.set).await?;
        Ok(Self { loaded, people, listings })
    }

    /// Reads only what is on this machine — CSV HR exports and csv-export
    /// account listings — and contacts no URL the policies name (see
    /// [`network_inputs`] for what is left out).
    pub async fn read_local(loaded: Loaded, limits: &HrLimits) -> Result<Self> {
        let set = &loaded.set;
        let people = keyward_sources::read_local_people(set, limits).map_err(|e| source_error(set, e))?;
        let local = set.applications.iter().filter(|a| a.spec.connector.csv_export.is_some());
        let unavailable = keyward_connectors::ClusterSecrets::unavailable();
        let connectors: Connectors = local
            .map(|app| Ok((app.name.clone(), keyward_connectors::build(set, app, &unavailable)?)))
            .collect::<Result<_, ConnectorError>>()
            .map_err(|e| problems::Reported::from_connectors(set, vec![e]))?;
        let listings = list_with(set, &connectors).await?;
        Ok(Self { loaded, people, listings })
    }

    /// The loaded policies.
    pub fn set(&self) -> &PolicySet {
        &self.loaded.set
    }

    /// Accounts listed over all apps.
    pub fn accounts(&self) -> usize {
        self.listings.values().map(|l| l.accounts.len()).sum()
    }
}

/// Loads every policy file under `paths` (directories searched recursively
/// for `.yaml`/`.yml`, hidden ones skipped); warnings are printed.
pub fn load_policies(paths: &[PathBuf]) -> Result<Loaded> {
    let (root, sources) = keyward_sources::policy_files::collect(paths)?;
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

/// Reads every PeopleSource: CSV files and HR APIs, within the default
/// caps.
pub async fn read_people(set: &PolicySet) -> Result<People> {
    read_people_within(set, &HrLimits::default()).await
}

/// Reads every PeopleSource within `limits`.
pub async fn read_people_within(set: &PolicySet, limits: &HrLimits) -> Result<People> {
    let options = keyward_sources::ReadOptions { limits: *limits, ..keyward_sources::ReadOptions::default() };
    keyward_sources::read_people_with(set, &options).await.map_err(|e| source_error(set, e))
}

fn source_error(set: &PolicySet, e: keyward_sources::SourceError) -> anyhow::Error {
    match e {
        keyward_sources::SourceError::Data(d) => problems::Reported::from_data(set, d).into(),
        other => anyhow::Error::new(other),
    }
}

/// Refuses credentials named as Kubernetes Secrets (`secret:`), which the
/// CLI can never read, without reading any credential: what an offline
/// check can say about credentials. (Online, building the connectors and
/// reading the HR APIs refuse them the same way.)
pub fn refuse_cluster_secrets(set: &PolicySet) -> Result<()> {
    let sources = set.people_sources.iter().map(|s| (&s.origin, "PeopleSource", &s.name, s.spec.secret_fields()));
    let apps = set.applications.iter().map(|a| (&a.origin, "Application", &a.name, a.spec.connector.secret_fields()));
    let diags: Vec<Diagnostic> = sources
        .chain(apps)
        .flat_map(|(origin, kind, name, fields)| {
            fields.into_iter().map(move |(field, _)| {
                set.error_at(
                    origin,
                    &format!("{field}.secret"),
                    format!("{kind} {name}: `{field}` names a Kubernetes Secret, which only `keyward controller` running in Kubernetes reads"),
                )
                .with_help("here, use `token.env` or `token.file` (a Secret mounted as a file works in a pod too)")
            })
        })
        .collect();
    if diags.is_empty() { Ok(()) } else { Err(problems::Reported::from_loaded(set, Diagnostics(diags)).into()) }
}

/// The PeopleSources and Applications read over the network (HR APIs and
/// every connector but csvExport), as `PeopleSource smarthr (smarthr)`:
/// what an offline run does not contact.
pub fn network_inputs(set: &PolicySet) -> Vec<String> {
    let sources = set
        .people_sources
        .iter()
        .filter(|s| s.spec.csv.is_none())
        .map(|s| format!("PeopleSource {} ({})", s.name, s.spec.kinds_set().join(", ")));
    let apps = set
        .applications
        .iter()
        .filter(|a| a.spec.connector.csv_export.is_none())
        .map(|a| format!("Application {} ({})", a.name, a.spec.connector.kinds_set().join(", ")));
    sources.chain(apps).collect()
}

/// Every app's connector, by app name.
pub type Connectors = BTreeMap<String, Box<dyn Connector>>;

/// Builds every app's connector (reading its credentials).
pub fn connect(set: &PolicySet) -> Result<Connectors> {
    keyward_connectors::build_all(set).map_err(|e| problems::Reported::from_connectors(set, vec![e]).into())
}

/// Lists every app's accounts through `connectors`, concurrently, with a
/// line per app on stderr when a person is watching (see [`progress`]).
pub async fn list_with(set: &PolicySet, connectors: &Connectors) -> Result<Listings> {
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
) -> Result<Listings, Vec<ConnectorError>> {
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
pub async fn list_accounts(set: &PolicySet) -> Result<Listings> {
    list_with(set, &connect(set)?).await
}

/// Settles into `plan` the checklist items a human recorded as done in
/// the audit log's `records`. When each listing was
/// read: a live one at `listed_at` (taken before listing began, so a
/// completion recorded while listing counts as done), an export on its
/// own day (its date column, else the file's modification day); a
/// completion's day is on this machine's calendar, like those.
pub fn settle_completions(
    plan: &mut keyward_core::Plan,
    records: &[keyward_apply::audit::Record],
    listings: &Listings,
    listed_at: jiff::Timestamp,
) {
    let completions = keyward_apply::completions::completions(records);
    if completions.is_empty() {
        return;
    }
    let tz = jiff::tz::TimeZone::system();
    let completions: Vec<_> = completions
        .into_iter()
        .map(|c| keyward_core::plan::Completion { day: c.on.to_zoned(tz.clone()).date(), ..c })
        .collect();
    let read = listings
        .iter()
        .map(|(app, l)| {
            let when = l.exported.as_ref().map_or(ListingRead::Live(listed_at), |e| ListingRead::Exported(e.date));
            (app.clone(), when)
        })
        .collect();
    keyward_core::settle_completions(plan, &completions, &read);
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
