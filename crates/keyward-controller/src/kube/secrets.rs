//! Connector credentials read from Kubernetes Secrets by name.
//!
//! A `get` by name, never a list or a watch: the Role grants `get` on the
//! named Secrets only (examples/kubernetes/rbac.yaml), so the controller
//! cannot read any other Secret of its namespace.

use async_trait::async_trait;
use k8s_openapi::api::core::v1::Secret as KubeSecret;
use keyward_connectors::http::Secret;
use kube::Api;

use crate::engine::{SecretData, SecretReader};

/// Reads Secrets of one namespace.
#[derive(Clone)]
pub struct KubeSecrets {
    api: Api<KubeSecret>,
    namespace: String,
}

impl KubeSecrets {
    /// A reader of Secrets in `namespace`.
    pub fn new(client: kube::Client, namespace: &str) -> Self {
        Self { api: Api::namespaced(client, namespace), namespace: namespace.to_owned() }
    }
}

#[async_trait]
impl SecretReader for KubeSecrets {
    async fn read(&self, name: &str) -> Result<SecretData, String> {
        let ns = &self.namespace;
        let secret = match self.api.get(name).await {
            Ok(s) => s,
            Err(kube::Error::Api(s)) if s.is_not_found() => {
                return Err(format!(
                    "Secret {name} does not exist in namespace {ns}; create it, e.g. `kubectl create secret generic {name} -n {ns} --from-literal=KEY=VALUE`"
                ));
            }
            Err(kube::Error::Api(s)) if s.is_forbidden() => {
                return Err(format!(
                    "the controller may not read Secret {name} in namespace {ns}: add `{name}` to the resourceNames of the `secrets` rule of its Role (examples/kubernetes/rbac.yaml); the API server said: {}",
                    s.message
                ));
            }
            Err(e) => return Err(format!("cannot read Secret {name} in namespace {ns}: {e}")),
        };
        // `stringData` is write-only: the API server folds it into `data`.
        let data = secret.data.unwrap_or_default();
        Ok(data
            .into_iter()
            .map(|(key, bytes)| {
                let value = String::from_utf8(bytes.0)
                    .map(Secret::new)
                    .map_err(|_| format!("key `{key}` of Secret {name} is not UTF-8 text"));
                (key, value)
            })
            .collect())
    }
}
