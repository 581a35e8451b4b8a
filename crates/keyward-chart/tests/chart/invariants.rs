//! What every rendering of the chart must satisfy, whatever the values: the
//! restricted security context, probes and resources, least-privilege RBAC,
//! objects that reference each other by names that exist and selectors
//! that select the controller's pods.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaim, PodSpec, Probe, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::render::{NAMESPACE, Rendering};

type Labels = BTreeMap<String, String>;

/// The one controller Deployment's pod template: its labels and spec.
fn pod(r: &Rendering) -> (&str, &Deployment, Labels, &PodSpec) {
    let (at, deployment) = r.one::<Deployment>();
    let spec = deployment.spec.as_ref().unwrap();
    let labels = spec.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    (at, deployment, labels, spec.template.spec.as_ref().unwrap())
}

/// `selector` selects pods labelled `labels`; it selects something.
fn selects(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn match_labels(selector: Option<&LabelSelector>) -> Labels {
    assert!(selector.is_some_and(|s| s.match_expressions.is_none()), "selectors use matchLabels only");
    selector.and_then(|s| s.match_labels.clone()).unwrap_or_default()
}

/// The value at a dotted `key` of `values`.
fn value<'a>(key: &str, values: &'a serde_yaml::Value) -> Option<&'a serde_yaml::Value> {
    key.split('.').try_fold(values, |v, k| v.get(k))
}

/// The values a rendering was made from: the chart's defaults, overlaid
/// with the scenario's (maps merged, anything else replaced), as helm does.
fn values_of(r: &Rendering) -> serde_yaml::Value {
    fn merge(base: &mut serde_yaml::Value, over: &serde_yaml::Value) {
        match (base, over) {
            (serde_yaml::Value::Mapping(b), serde_yaml::Value::Mapping(o)) => {
                for (k, v) in o {
                    match b.get_mut(k) {
                        Some(slot) => merge(slot, v),
                        None => drop(b.insert(k.clone(), v.clone())),
                    }
                }
            }
            (slot, v) => *slot = v.clone(),
        }
    }
    let read = |path: &str| -> serde_yaml::Value {
        serde_yaml::from_str(&std::fs::read_to_string(crate::chart().join(path)).unwrap()).unwrap()
    };
    let mut values = read("values.yaml");
    if let Some(file) = r.values.strip_prefix("ci/") {
        merge(&mut values, &read(&format!("ci/{file}")));
    }
    values
}

fn probe_path(probe: Option<&Probe>) -> Option<(String, IntOrString)> {
    let get = probe?.http_get.as_ref()?;
    Some((get.path.clone()?, get.port.clone()))
}

fn check_container(at: &str, pod: &PodSpec, c: &Container) {
    let pod_security = pod.security_context.clone().unwrap_or_default();
    let s = c.security_context.clone().unwrap_or_default();
    let at = format!("{at}: container {}", c.name);
    assert_eq!(s.allow_privilege_escalation, Some(false), "{at}: allowPrivilegeEscalation");
    assert_eq!(s.read_only_root_filesystem, Some(true), "{at}: readOnlyRootFilesystem");
    assert_eq!(s.run_as_non_root.or(pod_security.run_as_non_root), Some(true), "{at}: runAsNonRoot");
    assert_ne!(s.run_as_user.or(pod_security.run_as_user), Some(0), "{at}: runs as root");
    assert_ne!(s.privileged, Some(true), "{at}: privileged");
    let dropped = s.capabilities.as_ref().and_then(|c| c.drop.clone()).unwrap_or_default();
    assert_eq!(dropped, ["ALL"], "{at}: capabilities must drop ALL");
    assert!(s.capabilities.as_ref().and_then(|c| c.add.as_ref()).is_none_or(Vec::is_empty), "{at}: adds capabilities");
    let seccomp = s.seccomp_profile.or(pod_security.seccomp_profile.clone()).map(|p| p.type_);
    assert_eq!(seccomp.as_deref(), Some("RuntimeDefault"), "{at}: seccompProfile");

    let resources = c.resources.clone().unwrap_or_default();
    for key in ["cpu", "memory"] {
        assert!(resources.requests.as_ref().is_some_and(|r| r.contains_key(key)), "{at}: no {key} request");
        assert!(resources.limits.as_ref().is_some_and(|r| r.contains_key(key)), "{at}: no {key} limit");
    }
    let ports: Vec<String> = c.ports.iter().flatten().filter_map(|p| p.name.clone()).collect();
    for (what, probe, path) in
        [("liveness", c.liveness_probe.as_ref(), "/healthz"), ("readiness", c.readiness_probe.as_ref(), "/readyz")]
    {
        let (got, port) = probe_path(probe).unwrap_or_else(|| panic!("{at}: no HTTP {what} probe"));
        assert_eq!(got, path, "{at}: {what} probe path");
        let IntOrString::String(port) = port else { panic!("{at}: {what} probe: name the port") };
        assert!(ports.contains(&port), "{at}: {what} probe port {port} is not a container port");
    }
}

/// The pods run restricted, with probes and resources, as the controller.
fn check_pods(r: &Rendering) {
    let (at, deployment, labels, pod) = pod(r);
    let spec = deployment.spec.as_ref().unwrap();
    // More than one controller only sharding the work (a Lease per shard)
    // and with a shared store instead of a ReadWriteOnce volume.
    if spec.replicas.is_some_and(|n| n > 1) {
        let args = pod.containers.first().and_then(|c| c.args.clone()).unwrap_or_default();
        assert!(args.iter().any(|a| a == "--shards"), "{at}: several replicas without --shards: {args:?}");
        let claims = pod.volumes.iter().flatten().any(|v| v.persistent_volume_claim.is_some());
        assert!(!claims, "{at}: several replicas on one ReadWriteOnce claim");
        assert!(args.iter().any(|a| a == "--state"), "{at}: several replicas without the shared store: {args:?}");
    }
    assert!(selects(&match_labels(Some(&spec.selector)), &labels), "{at}: the selector misses its own pods");
    let pod_security = pod.security_context.clone().unwrap_or_default();
    assert_eq!(pod_security.run_as_non_root, Some(true), "{at}: pod runAsNonRoot");
    let seccomp = pod_security.seccomp_profile.map(|p| p.type_);
    assert_eq!(seccomp.as_deref(), Some("RuntimeDefault"), "{at}: pod seccompProfile");
    assert!(pod.host_network.is_none() && pod.host_pid.is_none() && pod.host_ipc.is_none(), "{at}: host namespaces");
    assert!(!pod.containers.is_empty(), "{at}: no container");
    for c in pod.containers.iter().chain(pod.init_containers.iter().flatten()) {
        check_container(at, pod, c);
    }
    let c = &pod.containers[0];
    let args = c.args.clone().unwrap_or_default();
    assert_eq!(args.first().map(String::as_str), Some("controller"), "{at}: runs `keyward controller`");

    // The audit log is on the state volume: the claim rendered (or the
    // existing one named), or an emptyDir when persistence is off.
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let audit_log = flag("--audit-log").unwrap_or_else(|| panic!("{at}: no --audit-log"));
    let mounts = c.volume_mounts.clone().unwrap_or_default();
    let state = mounts
        .iter()
        .find(|m| audit_log.starts_with(&format!("{}/", m.mount_path)))
        .unwrap_or_else(|| panic!("{at}: --audit-log {audit_log} is on no mounted volume"));
    assert_ne!(state.read_only, Some(true), "{at}: the state volume is read-only");
    let volume = pod.volumes.iter().flatten().find(|v| v.name == state.name).unwrap();
    let values = values_of(r);
    let persistence = |k: &str| value(&format!("persistence.{k}"), &values).cloned();
    let replicas = value("replicaCount", &values).and_then(serde_yaml::Value::as_i64).unwrap_or(1);
    if persistence("enabled") == Some(false.into()) || replicas > 1 {
        // Several replicas keep their own scratch; the audit goes to the shared store.
        assert!(volume.empty_dir.is_some(), "{at}: persistence off, but the state volume is no emptyDir");
        if replicas > 1 {
            assert!(r.names::<PersistentVolumeClaim>().is_empty(), "{at}: a claim for several replicas");
        }
    } else {
        let claim = &volume.persistent_volume_claim.as_ref().expect("the state volume is a claim").claim_name;
        let existing = persistence("existingClaim").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let claims = r.names::<PersistentVolumeClaim>();
        if existing.is_empty() {
            assert_eq!(claims, std::slice::from_ref(claim), "{at}: the state claim is rendered");
        } else {
            assert_eq!(claim, &existing, "{at}: the state volume is the existing claim");
            assert!(claims.is_empty(), "{at}: a claim is rendered although existingClaim is set");
        }
    }
    // Every mount names a volume of the pod.
    for m in &mounts {
        assert!(pod.volumes.iter().flatten().any(|v| v.name == m.name), "{at}: mount {} has no volume", m.name);
    }
}

/// No `*`, no Secret listed or watched, no write on the policy; create
/// never restricted by name; cluster-scoped rules only where asked for.
fn check_rule(at: &str, i: usize, rule: &PolicyRule) {
    let lists = [
        ("verbs", Some(&rule.verbs)),
        ("apiGroups", rule.api_groups.as_ref()),
        ("resources", rule.resources.as_ref()),
        ("resourceNames", rule.resource_names.as_ref()),
    ];
    for (field, values) in lists {
        let values = values.cloned().unwrap_or_default();
        assert!(!values.iter().any(|v| v.contains('*')), "{at}: rules[{i}].{field} uses a wildcard: {values:?}");
    }
    assert!(rule.non_resource_urls.is_none(), "{at}: rules[{i}] grants non-resource URLs");
    let resources = rule.resources.clone().unwrap_or_default();
    if resources.iter().any(|r| r == "secrets") {
        // The controller reads each credential by Secret name (`get`); it
        // never needs to enumerate Secrets, so it never may.
        assert_eq!(rule.verbs, ["get"], "{at}: rules[{i}]: Secrets may only be read with `get`");
        assert!(rule.resource_names.as_ref().is_some_and(|n| !n.is_empty()), "{at}: rules[{i}]: Secrets by name only");
    }
    if rule.verbs.iter().any(|v| v == "create") {
        assert!(rule.resource_names.is_none(), "{at}: rules[{i}] restricts `create` by resourceNames (ignored)");
    }
    if rule.api_groups.as_ref().is_some_and(|g| g.iter().any(|g| g == "keyward.io")) {
        for r in resources.iter().filter(|r| !r.ends_with("/status")) {
            for verb in ["create", "update", "patch", "delete", "deletecollection"] {
                assert!(!rule.verbs.iter().any(|v| v == verb), "{at}: {verb} on {r}: the policy changes by review");
            }
        }
    }
}

/// The ClusterRole of the start-up CRD check: get on keyward's CRDs by name.
fn is_crd_check(rules: &[PolicyRule]) -> bool {
    matches!(rules, [rule] if rule.verbs == ["get"]
        && rule.api_groups.as_deref() == Some(&["apiextensions.k8s.io".to_owned()][..])
        && rule.resources.as_deref() == Some(&["customresourcedefinitions".to_owned()][..])
        && rule.resource_names.as_ref().is_some_and(|n| n.iter().all(|n| n.ends_with(".keyward.io"))))
}

fn check_rbac(r: &Rendering) {
    let values = values_of(r);
    let cluster_wide = value("rbac.clusterWide", &values) == Some(&true.into());
    let roles = r.each::<Role>();
    let cluster_roles = r.each::<ClusterRole>();
    for (at, rules) in roles
        .iter()
        .map(|(at, x)| (*at, x.rules.clone()))
        .chain(cluster_roles.iter().map(|(at, x)| (*at, x.rules.clone())))
    {
        for (i, rule) in rules.unwrap_or_default().iter().enumerate() {
            check_rule(at, i, rule);
        }
    }
    for (at, role) in &cluster_roles {
        assert!(role.aggregation_rule.is_none(), "{at}: aggregates other roles");
        let crd_check = is_crd_check(role.rules.as_deref().unwrap_or_default());
        assert!(crd_check || cluster_wide, "{at}: a ClusterRole beyond the CRD check without rbac.clusterWide");
    }
    if cluster_wide {
        assert!(roles.is_empty(), "{}: rbac.clusterWide renders no Role", r.values);
    }
    if r.values == "default values" {
        assert_eq!(roles.len(), 1, "default values: one namespaced Role");
        assert_eq!(cluster_roles.len(), 1, "default values: one ClusterRole, the CRD check");
    }

    // Each binding refers to a rendered role and binds rendered accounts.
    let (_, _, _, pod) = pod(r);
    let account = pod.service_account_name.clone().expect("serviceAccountName");
    let accounts = r.names::<ServiceAccount>();
    if value("serviceAccount.create", &values) == Some(&false.into()) {
        assert!(accounts.is_empty(), "{}: serviceAccount.create is false, yet one is rendered", r.values);
        assert_eq!(value("serviceAccount.name", &values).and_then(|v| v.as_str()), Some(account.as_str()));
    } else {
        assert_eq!(
            accounts,
            std::slice::from_ref(&account),
            "{}: the pod's ServiceAccount is the one rendered",
            r.values
        );
    }
    let binds = |at: &str, subjects: Option<&Vec<Subject>>| {
        let subjects = subjects.cloned().unwrap_or_default();
        assert!(!subjects.is_empty(), "{at}: binds nobody");
        for s in subjects {
            assert_eq!((s.kind.as_str(), s.name.as_str()), ("ServiceAccount", account.as_str()), "{at}: subject");
            assert_eq!(s.namespace.as_deref(), Some(NAMESPACE), "{at}: subject namespace");
        }
    };
    for (at, b) in r.each::<RoleBinding>() {
        // A Role per watched namespace, all of one name: the one beside the binding.
        let role = roles.iter().find(|(_, x)| {
            x.metadata.name.as_ref() == Some(&b.role_ref.name) && x.metadata.namespace == b.metadata.namespace
        });
        let (_, role) = role.unwrap_or_else(|| panic!("{at}: binds Role {}, not rendered", b.role_ref.name));
        assert_eq!(b.role_ref.kind, "Role", "{at}");
        assert_eq!(b.metadata.namespace, role.metadata.namespace, "{at}: in the Role's namespace");
        binds(at, b.subjects.as_ref());
    }
    for (at, b) in r.each::<ClusterRoleBinding>() {
        assert_eq!(b.role_ref.kind, "ClusterRole", "{at}");
        let named = cluster_roles.iter().any(|(_, x)| x.metadata.name.as_ref() == Some(&b.role_ref.name));
        assert!(named, "{at}: binds ClusterRole {}, not rendered", b.role_ref.name);
        binds(at, b.subjects.as_ref());
    }

    // The Role sits in the namespace the controller watches, and lets it
    // renew the Lease it is told to take.
    let args = pod.containers[0].args.clone().unwrap_or_default();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let mut watched: Vec<String> = flag("--namespace").into_iter().collect();
    watched.extend(flag("--namespaces").unwrap_or_default().split(',').filter(|n| !n.is_empty()).map(str::to_owned));
    for (at, role) in &roles {
        let ns = role.metadata.namespace.clone().unwrap_or_default();
        assert!(watched.contains(&ns), "{at}: in {ns}, not a watched namespace {watched:?}");
        let lease = flag("--lease-name").unwrap_or_else(|| panic!("{at}: the Deployment names no --lease-name"));
        let renews = role.rules.iter().flatten().any(|rule| {
            rule.resources.as_ref().is_some_and(|x| x.contains(&"leases".to_owned()))
                && rule.verbs.contains(&"update".to_owned())
                && rule.resource_names.as_ref().is_some_and(|n| n == std::slice::from_ref(&lease))
        });
        assert!(renews, "{at}: may not renew the Lease {lease}");
    }
}

/// Service, PodDisruptionBudget, NetworkPolicy and ServiceMonitor select
/// the controller's pods (or its Service) and name ports that exist.
fn check_selectors(r: &Rendering) {
    let (_, _, labels, pod) = pod(r);
    let port_names: Vec<String> = pod.containers[0].ports.iter().flatten().filter_map(|p| p.name.clone()).collect();
    let (at, service) = r.one::<Service>();
    let spec = service.spec.as_ref().unwrap();
    assert!(selects(&spec.selector.clone().unwrap_or_default(), &labels), "{at}: selects no controller pod");
    let service_ports: Vec<String> = spec.ports.iter().flatten().filter_map(|p| p.name.clone()).collect();
    for p in spec.ports.iter().flatten() {
        let Some(IntOrString::String(target)) = &p.target_port else { panic!("{at}: target the port by name") };
        assert!(port_names.contains(target), "{at}: targetPort {target} is no container port");
    }
    for (at, pdb) in r.each::<PodDisruptionBudget>() {
        let spec = pdb.spec.as_ref().unwrap();
        assert!(selects(&match_labels(spec.selector.as_ref()), &labels), "{at}: selects no controller pod");
        // One replica: minAvailable 1 would block every node drain.
        assert!(spec.min_available.is_none(), "{at}: minAvailable blocks drains of a single replica");
    }
    if r.values == "default values" {
        assert_eq!(r.each::<PodDisruptionBudget>().len(), 1, "a PDB");
    }
    for (at, policy) in r.each::<NetworkPolicy>() {
        let spec = policy.spec.as_ref().unwrap();
        assert!(selects(&match_labels(spec.pod_selector.as_ref()), &labels), "{at}: selects no controller pod");
        for rule in spec.ingress.iter().flatten() {
            assert!(rule.from.as_ref().is_some_and(|f| !f.is_empty()), "{at}: an ingress rule from everywhere");
            for p in rule.ports.iter().flatten() {
                let Some(IntOrString::String(port)) = &p.port else { panic!("{at}: name the port") };
                assert!(port_names.contains(port), "{at}: port {port} is no container port");
            }
        }
    }
    let service_labels = service.metadata.labels.clone().unwrap_or_default();
    for (at, monitor) in r.each::<serde_yaml::Value>() {
        let selector: Labels = serde_yaml::from_value(monitor["spec"]["selector"]["matchLabels"].clone()).unwrap();
        assert!(selects(&selector, &service_labels), "{at}: selects no Service of the controller");
        let endpoints = monitor["spec"]["endpoints"].as_sequence().expect("endpoints");
        assert!(!endpoints.is_empty(), "{at}: no endpoints");
        for e in endpoints {
            assert!(service_ports.iter().any(|p| Some(p.as_str()) == e["port"].as_str()), "{at}: port {:?}", e["port"]);
            assert_eq!(e["path"].as_str(), Some("/metrics"), "{at}: path");
        }
    }
}

/// The CRDs rendered are those of `crds/`, field for field.
fn check_crds(r: &Rendering) {
    let rendered: BTreeMap<String, serde_json::Value> = r
        .each::<CustomResourceDefinition>()
        .into_iter()
        .map(|(_, crd)| (crd.metadata.name.clone().unwrap(), serde_json::to_value(crd).unwrap()))
        .collect();
    let mut expected = BTreeMap::new();
    for entry in std::fs::read_dir(crate::repo().join("crds")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let crd: CustomResourceDefinition = serde_yaml::from_str(&text).unwrap();
        expected.insert(crd.metadata.name.clone().unwrap(), serde_json::to_value(&crd).unwrap());
    }
    assert_eq!(rendered, expected, "{}: the CRDs rendered differ from crds/", r.values);
}

#[test]
fn every_rendering_keeps_the_invariants() {
    let renderings = Rendering::all();
    for r in &renderings {
        check_pods(r);
        check_rbac(r);
        check_selectors(r);
        check_crds(r);
    }
    // Not vacuous: the optional kinds were rendered by some scenario.
    let rendered = |what: &str, count: fn(&Rendering) -> usize| {
        assert!(renderings.iter().any(|r| count(r) > 0), "no scenario renders a {what}");
    };
    rendered("ServiceMonitor", |r| r.each::<serde_yaml::Value>().len());
    rendered("NetworkPolicy", |r| r.each::<NetworkPolicy>().len());
    rendered("ClusterRole beyond the CRD check", |r| {
        r.each::<ClusterRole>().iter().filter(|(_, c)| !is_crd_check(c.rules.as_deref().unwrap_or_default())).count()
    });
}
