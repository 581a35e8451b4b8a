//! The keyward resources: one set of Rust types from which the policy file
//! format, the JSON Schema for editors and the Kubernetes CRDs are all
//! generated. Every field's doc comment becomes its description in
//! `kubectl explain` and in editors, so write them for admins.
//!
//! One file per kind (`people_source` with its directory APIs,
//! `application` with its `connectors`, `access_policy`, `exception`,
//! `separation_of_duties`) and the small types they share (`shared`);
//! every type is reached as `resources::Name`. These are pure type definitions: nothing here reads a
//! file, checks a reference between resources or knows about planning.

mod access_policy;
pub(crate) mod admission;
mod application;
mod connectors;
mod exception;
mod people_source;
mod separation_of_duties;
mod shared;

pub use access_policy::*;
pub use application::*;
pub use connectors::*;
pub use exception::*;
pub use people_source::*;
pub use separation_of_duties::*;
pub use shared::*;

/// API group of every keyward resource.
pub const GROUP: &str = "keyward.io";
/// The only version so far.
pub const VERSION: &str = "v1alpha1";
/// `apiVersion` written in manifests.
pub const API_VERSION: &str = "keyward.io/v1alpha1";

/// The CustomResourceDefinitions of every keyward kind, generated from the
/// resource types (never written by hand).
pub fn crds() -> Vec<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> {
    use kube::CustomResourceExt as _;
    vec![PeopleSource::crd(), Application::crd(), AccessPolicy::crd(), Exception::crd(), SeparationOfDuties::crd()]
}
