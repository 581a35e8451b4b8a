//! Reading for a reconcile: every app's accounts or one person's, all at
//! once, and how many people each PeopleSource gave. A read that fails
//! becomes a problem of the app it is about, never an empty listing.

use std::collections::BTreeMap;

use keyward_connectors::{ConnectorError, PersonKeys};
use keyward_core::People;
use keyward_core::PolicySet;
use keyward_core::account::AccountListing;
use keyward_core::load::Named;
use keyward_core::resources::ApplicationSpec;
use keyward_sources::SourceError;

use super::Engine;
use super::connections::AppConnections;
use super::problems::connector_message;
use crate::status::Problem;

/// What a reconcile reads of each app.
#[derive(Clone, Copy)]
pub(super) enum Read<'a> {
    /// Every account.
    All,
    /// The accounts that may be this person's (and their manager's); the
    /// key the event named, for the log.
    Person(&'a PersonKeys, &'a str),
}

impl Engine {
    /// The whole HR snapshot, read with the engine's delta state and
    /// Secrets; never part of it.
    pub(super) async fn read_people(&self, set: &PolicySet) -> Result<People, SourceError> {
        keyward_sources::read_people_with(set, &self.source_options(set).await).await
    }

    /// Reads `apps` (except those with a problem already) concurrently:
    /// every account, or one person's. An app that cannot be read gets a
    /// problem and loses its connector (the next reconcile builds a fresh
    /// one). `None` when the engine is stopping: nothing was planned yet,
    /// so nothing is lost by giving up.
    pub(super) async fn read_apps(
        &self,
        connections: &mut AppConnections,
        apps: &[&Named<ApplicationSpec>],
        problems: &mut BTreeMap<String, Problem>,
        how: Read<'_>,
    ) -> Option<BTreeMap<String, AccountListing>> {
        let read = {
            let connections = &*connections;
            let reads = apps.iter().filter(|a| !problems.contains_key(&a.name)).map(|a| async move {
                let r = match (connections.get(&a.name), how) {
                    (Some(c), Read::All) => c.list().await,
                    (Some(c), Read::Person(keys, _)) => c.find(keys).await,
                    (None, _) => Err(ConnectorError::Internal(format!("no connector for Application {}", a.name))),
                };
                (a.name.clone(), r)
            });
            tokio::select! {
                r = futures::future::join_all(reads) => r,
                () = self.stopping() => return None,
            }
        };
        let mut listings = BTreeMap::new();
        for (name, r) in read {
            match r {
                Ok(l) => {
                    listings.insert(name, l);
                }
                Err(e) => {
                    let problem = match how {
                        Read::All => {
                            tracing::warn!(app = %name, error = %e, "cannot list the accounts; the app is left alone this time");
                            Problem::new("ListFailed", connector_message(&e))
                        }
                        Read::Person(_, person) => {
                            tracing::warn!(app = %name, person, error = %e, "cannot look up the person's accounts");
                            Problem::new("LookupFailed", connector_message(&e))
                        }
                    };
                    problems.insert(name.clone(), problem);
                    connections.forget(&name);
                }
            }
        }
        Some(listings)
    }
}

/// People read from each PeopleSource.
pub(super) fn people_per_source(set: &PolicySet, people: &People) -> Vec<(String, u32)> {
    let mut counts = vec![0u32; people.sources.len()];
    for p in people.persons() {
        if let Some(c) = counts.get_mut(p.origin.source) {
            *c += 1;
        }
    }
    set.people_sources
        .iter()
        .map(|s| {
            let count =
                people.sources.iter().position(|i| i.name == s.name).and_then(|i| counts.get(i)).copied().unwrap_or(0);
            (s.name.clone(), count)
        })
        .collect()
}
