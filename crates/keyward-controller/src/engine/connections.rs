//! The app connections cache: one connector per Application, kept between
//! reconciles with what it was built from, so an edited Application (or a
//! rotated Secret) gets a new one and the others keep their caches
//! (discovery, group ids, memberships). Every connector is wrapped so its
//! HTTP failures are counted in the metrics.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use keyward_connectors::{Capabilities, ClusterSecrets, Connector, ConnectorError, Outcome, PersonKeys};
use keyward_core::PolicySet;
use keyward_core::account::AccountListing;
use keyward_core::load::Named;
use keyward_core::plan::Change;
use keyward_core::resources::ApplicationSpec;
use sha2::{Digest as _, Sha256};

use super::ReconcileKind;
use super::problems::connector_message;
use super::secrets::{SecretReader, SecretReads};
use crate::metrics::Metrics;
use crate::status::Problem;

/// Connectors kept between reconciles, each with what it was built from.
#[derive(Default)]
pub(super) struct AppConnections {
    connectors: BTreeMap<String, Arc<dyn Connector>>,
    /// The spec's fingerprint and a digest of the Secret values used.
    built_from: BTreeMap<String, (String, String)>,
}

impl AppConnections {
    /// The connector of `app`, if one is set up.
    pub(super) fn get(&self, app: &str) -> Option<&Arc<dyn Connector>> {
        self.connectors.get(app)
    }

    /// Every connector set up, by app name.
    pub(super) fn all(&self) -> &BTreeMap<String, Arc<dyn Connector>> {
        &self.connectors
    }

    /// Drops `app`'s connector, so the next reconcile builds a fresh one.
    pub(super) fn forget(&mut self, app: &str) {
        self.connectors.remove(app);
        self.built_from.remove(app);
    }

    /// Builds (or reuses) the connectors of `apps`; the apps whose
    /// connector cannot be built, with why. Kubernetes Secrets named by
    /// credentials are read through `secrets` again on a full reconcile (a
    /// rotated token rebuilds the connector); a person's reconcile reuses a
    /// connector whose spec did not change, to stay within its round trips.
    pub(super) async fn connect(
        &mut self,
        set: &PolicySet,
        apps: &[&Named<ApplicationSpec>],
        kind: ReconcileKind,
        secrets: Option<&dyn SecretReader>,
        metrics: &Metrics,
    ) -> BTreeMap<String, Problem> {
        let mut problems = BTreeMap::new();
        // One read per Secret even when several apps share it.
        let mut reads = secrets.map(SecretReads::new);
        for app in apps {
            let spec = fingerprint(set, app);
            let refs = app.spec.connector.secret_fields();
            let unchanged = self.built_from.get(&app.name).is_some_and(|(s, _)| *s == spec)
                && self.connectors.contains_key(&app.name);
            if unchanged && (refs.is_empty() || kind == ReconcileKind::Person) {
                continue;
            }
            let mut values = if reads.is_some() { ClusterSecrets::fetched() } else { ClusterSecrets::unavailable() };
            let mut digest = Sha256::new();
            if let Some(reads) = reads.as_mut() {
                for (field, r) in refs {
                    let value = reads.value(r, field).await;
                    // Only a digest of the value is kept, to notice a rotation.
                    match &value {
                        Ok(v) => digest.update(v.expose().as_bytes()),
                        Err(why) => digest.update(why.as_bytes()),
                    }
                    digest.update([0]);
                    values.insert(r.clone(), value);
                }
            }
            let built_from = (spec, hex::encode(digest.finalize()));
            if self.built_from.get(&app.name) == Some(&built_from) && self.connectors.contains_key(&app.name) {
                continue;
            }
            self.forget(&app.name);
            match keyward_connectors::build(set, app, &values) {
                Ok(c) => {
                    let observed = Observed { inner: c, metrics: metrics.clone() };
                    self.connectors.insert(app.name.clone(), Arc::new(observed));
                    self.built_from.insert(app.name.clone(), built_from);
                }
                Err(e) => {
                    tracing::warn!(app = %app.name, error = %e, "cannot set up the connector");
                    problems.insert(app.name.clone(), Problem::new("ConnectorFailed", connector_message(&e)));
                }
            }
        }
        // Connectors of apps no longer in the policies are dropped, so a
        // removed app's cache and credentials do not linger.
        if apps.len() == set.applications.len() {
            let names: BTreeSet<&str> = set.applications.iter().map(|a| a.name.as_str()).collect();
            let gone: Vec<String> = self.connectors.keys().filter(|k| !names.contains(k.as_str())).cloned().collect();
            for name in gone {
                self.forget(&name);
            }
        }
        problems
    }
}

/// What a connector was built from: its spec and the file declaring it
/// (relative paths and secret files resolve against it).
fn fingerprint(set: &PolicySet, app: &Named<ApplicationSpec>) -> String {
    let spec = serde_json::to_string(&app.spec.connector).unwrap_or_default();
    let apply = serde_json::to_string(&app.spec.apply).unwrap_or_default();
    format!("{}\n{spec}\n{apply}", set.file_path(&app.origin).unwrap_or(""))
}

/// A connector that counts its HTTP failures, so `keyward_http_errors_total`
/// sees listings, lookups and changes alike.
struct Observed {
    inner: Box<dyn Connector>,
    metrics: Metrics,
}

impl Observed {
    fn count<T>(&self, r: Result<T, ConnectorError>) -> Result<T, ConnectorError> {
        if let Err(ConnectorError::Http { .. }) = &r {
            self.metrics.http_error(self.inner.app());
        }
        r
    }
}

#[async_trait]
impl Connector for Observed {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    fn app(&self) -> &str {
        self.inner.app()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        self.count(self.inner.list().await)
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        self.count(self.inner.find(person).await)
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        self.count(self.inner.apply(change).await)
    }
}
