//! The start-up check that keyward's CustomResourceDefinitions are
//! installed, so a missing `kubectl apply -f crds/` is one clear error
//! instead of watchers failing forever with 404.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use keyward_core::resources::{AccessPolicy, Application, Exception, PeopleSource, SeparationOfDuties};
use kube::{Api, Client, CustomResourceExt};

use super::KubeError;

/// The names of keyward's CRDs (`applications.keyward.io`, …).
pub fn crd_names() -> [&'static str; 5] {
    [
        PeopleSource::crd_name(),
        Application::crd_name(),
        AccessPolicy::crd_name(),
        Exception::crd_name(),
        SeparationOfDuties::crd_name(),
    ]
}

/// Checks that every keyward CRD exists. Missing ones are named together
/// in one error; a 403 names the RBAC rule to add.
pub async fn check_crds(client: &Client) -> Result<(), KubeError> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut missing = Vec::new();
    for name in crd_names() {
        match api.get_opt(name).await {
            Ok(Some(_)) => {}
            Ok(None) => missing.push(name.to_owned()),
            Err(kube::Error::Api(s)) if s.is_forbidden() => {
                return Err(KubeError::Forbidden {
                    what: format!("get the CustomResourceDefinition {name}"),
                    rule: "a ClusterRole allowing `get` on apiextensions.k8s.io customresourcedefinitions \
                           (resourceNames: the keyward CRDs), bound to the controller's ServiceAccount; \
                           see examples/kubernetes/rbac.yaml"
                        .to_owned(),
                });
            }
            Err(source) => {
                return Err(KubeError::Api { what: format!("get the CustomResourceDefinition {name}"), source });
            }
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(KubeError::CrdsMissing { missing }) }
}
