//! The chart installs the controller `examples/kubernetes/` describes.
//!
//! Compared rather than generated: those manifests are for people who do
//! not use Helm, commented line by line, and hold what the chart does not
//! render (the namespace with its Pod Security labels, the Secret template,
//! a sample Application, `hr-event.sh`); helm's output would lose the
//! comments and add Helm's labels. So both are kept, and this test pins the
//! fields that decide what runs: image, arguments, environment, ports,
//! probes, resources, security contexts, volumes, RBAC rules, the Service's
//! ports and the claim. Labels and the names of cluster-scoped objects
//! differ on purpose (the chart's carry the release).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role, RoleBinding};
use serde::de::DeserializeOwned;

use crate::render::Rendering;

/// The objects of kind `K` in `examples/kubernetes/<file>`.
fn from_examples<K: DeserializeOwned + k8s_openapi::Resource>(file: &str) -> K {
    let text = std::fs::read_to_string(crate::repo().join("examples/kubernetes").join(file)).unwrap();
    let mut found = Vec::new();
    for de in serde_yaml::Deserializer::from_str(&text) {
        let yaml = <serde_yaml::Value as serde::Deserialize>::deserialize(de).unwrap();
        if yaml.get("kind").and_then(serde_yaml::Value::as_str) == Some(K::KIND) {
            found.push(serde_yaml::from_value::<K>(yaml).unwrap());
        }
    }
    assert_eq!(found.len(), 1, "examples/kubernetes/{file}: one {}", K::KIND);
    found.remove(0)
}

fn rules_of(rules: Option<&Vec<PolicyRule>>) -> Vec<PolicyRule> {
    rules.cloned().unwrap_or_default()
}

const WHAT: &str = "ci/examples-kubernetes-values.yaml vs examples/kubernetes";

fn rendering() -> Rendering {
    Rendering::of(Some("examples-kubernetes-values.yaml"))
}

#[test]
fn the_chart_runs_the_deployment_of_examples_kubernetes() {
    let r = rendering();
    let (_, chart) = r.one::<Deployment>();
    let example = from_examples::<Deployment>("deployment.yaml");
    assert_eq!(chart.metadata.name, example.metadata.name, "{WHAT}: Deployment name");
    assert_eq!(chart.metadata.namespace, example.metadata.namespace, "{WHAT}: namespace");
    let (chart, example) = (chart.spec.clone().unwrap(), example.spec.unwrap());
    assert_eq!(chart.replicas, example.replicas, "{WHAT}: replicas");
    assert_eq!(chart.strategy, example.strategy, "{WHAT}: strategy");
    let (chart, example) = (chart.template.spec.unwrap(), example.template.spec.unwrap());
    assert_eq!(chart.service_account_name, example.service_account_name, "{WHAT}: serviceAccountName");
    assert_eq!(chart.security_context, example.security_context, "{WHAT}: pod securityContext");
    assert_eq!(chart.volumes, example.volumes, "{WHAT}: volumes");
    assert_eq!(chart.termination_grace_period_seconds, example.termination_grace_period_seconds, "{WHAT}");
    assert_eq!(chart.containers.len(), example.containers.len(), "{WHAT}: containers");
    let (chart, example) = (&chart.containers[0], &example.containers[0]);
    assert_eq!(chart.image, example.image, "{WHAT}: image");
    assert_eq!(chart.args, example.args, "{WHAT}: args");
    assert_eq!(chart.env, example.env, "{WHAT}: env");
    assert_eq!(chart.ports, example.ports, "{WHAT}: ports");
    assert_eq!(chart.liveness_probe, example.liveness_probe, "{WHAT}: livenessProbe");
    assert_eq!(chart.readiness_probe, example.readiness_probe, "{WHAT}: readinessProbe");
    assert_eq!(chart.resources, example.resources, "{WHAT}: resources");
    assert_eq!(chart.security_context, example.security_context, "{WHAT}: container securityContext");
    assert_eq!(chart.volume_mounts, example.volume_mounts, "{WHAT}: volumeMounts");
}

#[test]
fn the_chart_grants_the_rbac_rules_of_examples_kubernetes() {
    let r = rendering();
    let (_, role) = r.one::<Role>();
    let example_role = from_examples::<Role>("rbac.yaml");
    assert_eq!(role.metadata.name, example_role.metadata.name, "{WHAT}: Role name");
    assert_eq!(rules_of(role.rules.as_ref()), rules_of(example_role.rules.as_ref()), "{WHAT}: Role rules");
    let (_, binding) = r.one::<RoleBinding>();
    let example_binding = from_examples::<RoleBinding>("rbac.yaml");
    assert_eq!(binding.subjects, example_binding.subjects, "{WHAT}: RoleBinding subjects");
    let (_, cluster_role) = r.one::<ClusterRole>();
    let example_cluster_role = from_examples::<ClusterRole>("rbac.yaml");
    assert_eq!(
        rules_of(cluster_role.rules.as_ref()),
        rules_of(example_cluster_role.rules.as_ref()),
        "{WHAT}: ClusterRole rules"
    );
}

#[test]
fn the_chart_renders_the_service_claim_and_account_of_examples_kubernetes() {
    let r = rendering();
    let (_, service) = r.one::<Service>();
    let example_service = from_examples::<Service>("service.yaml");
    assert_eq!(service.metadata.name, example_service.metadata.name, "{WHAT}: Service name");
    let (chart, example) = (service.spec.clone().unwrap(), example_service.spec.unwrap());
    assert_eq!((chart.type_, chart.ports), (example.type_, example.ports), "{WHAT}: Service type and ports");

    let (_, claim) = r.one::<PersistentVolumeClaim>();
    let example_claim = from_examples::<PersistentVolumeClaim>("pvc.yaml");
    assert_eq!(claim.metadata.name, example_claim.metadata.name, "{WHAT}: claim name");
    assert_eq!(claim.spec, example_claim.spec, "{WHAT}: claim spec");

    let (_, account) = r.one::<ServiceAccount>();
    let example_account = from_examples::<ServiceAccount>("serviceaccount.yaml");
    assert_eq!(account.metadata.name, example_account.metadata.name, "{WHAT}: ServiceAccount name");
    assert_eq!(account.automount_service_account_token, example_account.automount_service_account_token, "{WHAT}");
}
