//! Kubernetes Secrets named by credentials (`token: {secret: {name,
//! key}}`): the [`SecretReader`] the Kubernetes mode provides, and the
//! values one reconcile step reads through it. No value is ever kept or
//! shown beyond the connector or HR reader that uses it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use keyward_connectors::ClusterSecrets;
use keyward_connectors::http::Secret;
use keyward_core::PolicySet;
use keyward_core::resources::SecretKeyRef;
use keyward_sources::ReadOptions;

use super::Engine;

/// A Secret's keys, each with its value or why the value is unusable.
pub type SecretData = BTreeMap<String, Result<Secret, String>>;

/// Reads a Kubernetes Secret's data, for connector credentials that name
/// one (`token: {secret: {name, key}}`).
#[async_trait]
pub trait SecretReader: Send + Sync {
    /// Every key of the Secret `name` with its value (or why the value is
    /// unusable), or why the Secret could not be read. Messages never hold
    /// a value.
    async fn read(&self, name: &str) -> Result<SecretData, String>;
}

/// The Secrets one step of a reconcile reads: each Secret once, however
/// many credentials name it.
pub(super) struct SecretReads<'a> {
    reader: &'a dyn SecretReader,
    read: BTreeMap<String, Result<SecretData, String>>,
}

impl<'a> SecretReads<'a> {
    pub(super) fn new(reader: &'a dyn SecretReader) -> Self {
        Self { reader, read: BTreeMap::new() }
    }

    /// The value `r` names, or why it is unusable; `field` is the
    /// credential's path in the spec, for the message.
    pub(super) async fn value(&mut self, r: &SecretKeyRef, field: &str) -> Result<Secret, String> {
        if !self.read.contains_key(&r.name) {
            let data = self.reader.read(&r.name).await;
            self.read.insert(r.name.clone(), data);
        }
        secret_value(self.read.get(&r.name), r, &format!("{field}.secret.key"))
    }
}

/// The value of the key `r` names in a Secret as it was read, or why it is unusable.
fn secret_value(read: Option<&Result<SecretData, String>>, r: &SecretKeyRef, field: &str) -> Result<Secret, String> {
    match read {
        Some(Ok(data)) => match data.get(&r.key) {
            Some(v) => v.clone(),
            None => Err(format!(
                "Secret {} has no key `{}` (it has: {}); add it, or fix {field}",
                r.name,
                r.key,
                data.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            )),
        },
        Some(Err(why)) => Err(why.clone()),
        None => Err(format!("Secret {} was not read (a bug: please report it)", r.name)),
    }
}

impl Engine {
    /// How the HR APIs are read: with the engine's delta state and, in
    /// Kubernetes, the values of the Secrets their credentials name, read
    /// anew at every reconcile so a rotated token is used at once.
    pub(super) async fn source_options(&self, set: &PolicySet) -> ReadOptions {
        let mut options = ReadOptions { delta: Some(self.delta.clone()), ..ReadOptions::default() };
        let Some(reader) = &self.secrets else { return options };
        let mut secrets = ClusterSecrets::fetched();
        let mut reads = SecretReads::new(reader.as_ref());
        for (field, r) in set.people_sources.iter().flat_map(|s| s.spec.secret_fields()) {
            secrets.insert(r.clone(), reads.value(r, field).await);
        }
        options.secrets = secrets;
        options
    }
}
