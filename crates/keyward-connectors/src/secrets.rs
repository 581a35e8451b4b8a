//! Credentials of connectors, read where the policy says (an environment
//! variable, a file, or a Kubernetes Secret the controller fetched) through
//! [`keyward_http::secrets`], the one reader the HR API sources use too.

use keyward_core::load::{Locator, Named};
use keyward_core::resources::{ApplicationSpec, SecretRef};
pub use keyward_http::secrets::ClusterSecrets;

use crate::ConnectorError;
use crate::http::Secret;

/// Reads a connector's credential: `what` names it in messages (`SCIM
/// bearer token`), `field` is its key in the policy (`token`). Messages
/// name the variable, file or Secret, never the value.
pub(crate) fn read(
    locator: &Locator,
    app: &Named<ApplicationSpec>,
    r: &SecretRef,
    secrets: &ClusterSecrets,
    what: &str,
    field: &str,
) -> Result<Secret, ConnectorError> {
    keyward_http::secrets::read_secret(locator, r, secrets, field).map_err(|why| ConnectorError::Credentials {
        app: app.name.clone(),
        what: what.to_owned(),
        why,
    })
}
