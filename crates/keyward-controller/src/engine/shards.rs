//! Applying only what this replica may change, when the work is sharded
//! across replicas ([`ShardGate`], implemented by the Kubernetes mode's
//! shard Leases). Two checks, both here so that no apply path forgets
//! one:
//! - before the applier sees the plan, changes of apps whose shard was not
//!   held since before the listings were read are dropped: a replica that
//!   has just taken a shard over applies nothing it planned from a listing
//!   read while the previous holder may still have been changing the app;
//! - right before each change is sent, [`Gated`] asks for a permit, which
//!   is refused once the shard's Lease is no longer held with a safety
//!   margin (its renewal failed, or the shard is being handed over). A
//!   permit is held for the call, so a hand-over waits for the change in
//!   flight before it gives the Lease up.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use keyward_connectors::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};
use keyward_core::account::AccountListing;
use keyward_core::plan::Change;

/// Held while one change is sent to an app; the shard is not given up
/// before it is dropped.
#[derive(Debug)]
pub struct ShardPermit(pub tokio::sync::OwnedRwLockReadGuard<()>);

/// Which apps (of one namespace) this replica may change.
pub trait ShardGate: Send + Sync + 'static {
    /// `true` when this replica has held `app`'s shard without a break
    /// since before `since`.
    fn held_since(&self, app: &str, since: Instant) -> bool;
    /// Leave to send one change to `app` now; `Err` says why not (in
    /// words for the audit log and the status).
    fn permit(&self, app: &str) -> Result<ShardPermit, String>;
}

/// A connector whose changes go through a [`ShardGate`]; reads pass.
pub(super) struct Gated {
    inner: Arc<dyn Connector>,
    gate: Arc<dyn ShardGate>,
}

/// `connectors`, each behind `gate`.
pub(super) fn gate_all(
    connectors: &BTreeMap<String, Arc<dyn Connector>>,
    gate: &Arc<dyn ShardGate>,
) -> BTreeMap<String, Arc<dyn Connector>> {
    connectors
        .iter()
        .map(|(app, c)| {
            let gated: Arc<dyn Connector> = Arc::new(Gated { inner: c.clone(), gate: gate.clone() });
            (app.clone(), gated)
        })
        .collect()
}

#[async_trait]
impl Connector for Gated {
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
        self.inner.list().await
    }
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        self.inner.find(person).await
    }
    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let _permit = self
            .gate
            .permit(self.inner.app())
            .map_err(|why| ConnectorError::NotConfigured { app: self.inner.app().to_owned(), why })?;
        self.inner.apply(change).await
    }
}
