//! `helm template` and the typed objects of its output.

use std::process::{Command, Output};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::{Metadata, Resource};
use serde::Deserialize as _;
use serde::de::DeserializeOwned;

/// The release every rendering uses: the README's `helm install keyward
/// charts/keyward -n keyward`.
pub const RELEASE: &str = "keyward";
pub const NAMESPACE: &str = "keyward";

/// The helm binary: `KEYWARD_HELM`. Missing, the test fails and says how
/// to get it.
pub fn helm() -> String {
    let helm = std::env::var("KEYWARD_HELM").unwrap_or_default();
    assert!(
        !helm.is_empty() && std::path::Path::new(&helm).is_file(),
        "KEYWARD_HELM names no helm binary ({helm:?}): run the tests with scripts/test, \
         or export KEYWARD_HELM=\"$(scripts/helm --path)\""
    );
    helm
}

/// `helm ARGS` in the repository root.
pub fn run_helm(args: &[&str]) -> Output {
    Command::new(helm()).args(args).current_dir(super::repo()).output().unwrap()
}

/// `helm template` of the chart with `values` (a file under
/// `charts/keyward/ci/`, or None for the defaults) and `extra` arguments.
pub fn template(values: Option<&str>, extra: &[&str]) -> Output {
    let file = values.map(|v| format!("charts/keyward/ci/{v}"));
    let mut args = vec!["template", RELEASE, "charts/keyward", "--namespace", NAMESPACE, "--include-crds"];
    if let Some(file) = &file {
        args.extend(["--values", file]);
    }
    args.extend(extra);
    run_helm(&args)
}

/// One rendered document, typed.
#[derive(Debug, Clone)]
pub enum Object {
    ServiceAccount(Box<ServiceAccount>),
    Role(Box<Role>),
    RoleBinding(Box<RoleBinding>),
    ClusterRole(Box<ClusterRole>),
    ClusterRoleBinding(Box<ClusterRoleBinding>),
    Deployment(Box<Deployment>),
    Service(Box<Service>),
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    NetworkPolicy(Box<NetworkPolicy>),
    CustomResourceDefinition(Box<CustomResourceDefinition>),
    /// monitoring.coreos.com/v1: no k8s-openapi type; checked as YAML.
    ServiceMonitor(Box<serde_yaml::Value>),
}

/// A type one variant of [`Object`] holds.
pub trait Kind {
    const NAME: &'static str;
    fn pick(object: &Object) -> Option<&Self>;
}

macro_rules! kinds {
    ($($variant:ident: $type:ty),* $(,)?) => {$(
        impl Kind for $type {
            const NAME: &'static str = stringify!($variant);
            fn pick(object: &Object) -> Option<&Self> {
                match object {
                    Object::$variant(x) => Some(x),
                    _ => None,
                }
            }
        }
    )*};
}

kinds! {
    ServiceAccount: ServiceAccount,
    Role: Role,
    RoleBinding: RoleBinding,
    ClusterRole: ClusterRole,
    ClusterRoleBinding: ClusterRoleBinding,
    Deployment: Deployment,
    Service: Service,
    PersistentVolumeClaim: PersistentVolumeClaim,
    PodDisruptionBudget: PodDisruptionBudget,
    NetworkPolicy: NetworkPolicy,
    CustomResourceDefinition: CustomResourceDefinition,
    ServiceMonitor: serde_yaml::Value,
}

/// One document of a rendering and where it came from.
#[derive(Debug, Clone)]
pub struct Doc {
    /// `ci/x.yaml: templates/deployment.yaml (document 3)`.
    pub at: String,
    pub object: Object,
}

/// A rendering: its documents, and what it was rendered from.
pub struct Rendering {
    pub values: String,
    pub docs: Vec<Doc>,
}

impl Rendering {
    /// The chart rendered with `values` (see [`template`]), every document
    /// typed; any failure panics naming the document.
    pub fn of(values: Option<&str>) -> Self {
        let name = values.map_or("default values".to_owned(), |v| format!("ci/{v}"));
        let out = template(values, &[]);
        assert!(out.status.success(), "{name}: helm template failed: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let mut docs = Vec::new();
        let mut failures = Vec::new();
        for (i, chunk) in split_documents(&text).into_iter().enumerate() {
            let source = chunk
                .lines()
                .find_map(|l| l.strip_prefix("# Source: keyward/"))
                .unwrap_or("(no source comment)")
                .to_owned();
            let at = format!("{name}: {source} (document {})", i + 1);
            let yaml: serde_yaml::Value = serde_yaml::Value::deserialize(serde_yaml::Deserializer::from_str(&chunk))
                .unwrap_or_else(|e| panic!("{at}: not YAML: {e}"));
            if yaml.is_null() {
                continue;
            }
            match typed(&yaml) {
                Ok(object) => docs.push(Doc { at, object }),
                Err(e) => failures.push(format!("{at}: {e}")),
            }
        }
        assert!(failures.is_empty(), "{} invalid document(s):\n{}", failures.len(), failures.join("\n"));
        Self { values: name, docs }
    }

    /// The default values and every scenario.
    pub fn all() -> Vec<Self> {
        std::iter::once(None).chain(super::scenarios().iter().map(|s| Some(s.as_str()))).map(Self::of).collect()
    }

    /// Every object of kind `K`, with where it came from.
    pub fn each<K: Kind>(&self) -> Vec<(&str, &K)> {
        self.docs.iter().filter_map(|d| K::pick(&d.object).map(|o| (d.at.as_str(), o))).collect()
    }

    /// The one object of kind `K`; panics unless there is exactly one.
    pub fn one<K: Kind>(&self) -> (&str, &K) {
        let mut all = self.each::<K>();
        assert_eq!(all.len(), 1, "{}: expected one {}, found {}", self.values, K::NAME, all.len());
        all.remove(0)
    }

    /// The names of the objects of kind `K`.
    pub fn names<K: Kind + Metadata<Ty = ObjectMeta>>(&self) -> Vec<String> {
        self.each::<K>().into_iter().filter_map(|(_, o)| o.metadata().name.clone()).collect()
    }
}

/// Helm separates documents with a line `---`.
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            docs.push(String::new());
        } else {
            let doc = docs.last_mut().unwrap();
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs.retain(|d| d.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')));
    docs
}

fn typed(yaml: &serde_yaml::Value) -> Result<Object, String> {
    let kind = yaml.get("kind").and_then(serde_yaml::Value::as_str).ok_or("no kind")?;
    Ok(match kind {
        "ServiceAccount" => Object::ServiceAccount(strict(yaml)?),
        "Role" => Object::Role(strict(yaml)?),
        "RoleBinding" => Object::RoleBinding(strict(yaml)?),
        "ClusterRole" => Object::ClusterRole(strict(yaml)?),
        "ClusterRoleBinding" => Object::ClusterRoleBinding(strict(yaml)?),
        "Deployment" => Object::Deployment(strict(yaml)?),
        "Service" => Object::Service(strict(yaml)?),
        "PersistentVolumeClaim" => Object::PersistentVolumeClaim(strict(yaml)?),
        "PodDisruptionBudget" => Object::PodDisruptionBudget(strict(yaml)?),
        "NetworkPolicy" => Object::NetworkPolicy(strict(yaml)?),
        "CustomResourceDefinition" => Object::CustomResourceDefinition(strict(yaml)?),
        "ServiceMonitor" => {
            let api_version = yaml.get("apiVersion").and_then(serde_yaml::Value::as_str);
            if api_version != Some("monitoring.coreos.com/v1") {
                return Err(format!("ServiceMonitor of apiVersion {api_version:?}, not monitoring.coreos.com/v1"));
            }
            Object::ServiceMonitor(Box::new(yaml.clone()))
        }
        other => return Err(format!("kind {other} is not one this test knows; add it to `typed` in {}", file!())),
    })
}

/// `yaml` as a `K`: its apiVersion, and no field `K` does not have.
fn strict<K: Resource + DeserializeOwned>(yaml: &serde_yaml::Value) -> Result<Box<K>, String> {
    let api_version = yaml.get("apiVersion").and_then(serde_yaml::Value::as_str);
    if api_version != Some(K::API_VERSION) {
        return Err(format!("apiVersion {api_version:?}, but {} is {}", K::KIND, K::API_VERSION));
    }
    let mut unknown = Vec::new();
    let object: K = serde_ignored::deserialize(yaml.clone(), |path| {
        // serde_ignored shows each Option it went through as `?`.
        unknown.push(path.to_string().split('.').filter(|s| *s != "?").collect::<Vec<_>>().join("."));
    })
    .map_err(|e| format!("not a valid {}: {e}", K::KIND))?;
    if !unknown.is_empty() {
        return Err(format!("fields a {} does not have: {}", K::KIND, unknown.join(", ")));
    }
    Ok(Box::new(object))
}

#[test]
fn a_field_the_type_does_not_have_and_an_unknown_kind_are_refused() {
    let deployment: serde_yaml::Value = serde_yaml::from_str(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n\
         spec: {selector: {}, template: {spec: {containers: [{name: c, securityContxt: {}}]}}}\n",
    )
    .unwrap();
    let e = typed(&deployment).unwrap_err();
    assert!(e.contains("spec.template.spec.containers.0.securityContxt"), "{e}");
    let secret: serde_yaml::Value =
        serde_yaml::from_str("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n").unwrap();
    assert!(typed(&secret).unwrap_err().contains("kind Secret"));
    let old: serde_yaml::Value =
        serde_yaml::from_str("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n").unwrap();
    assert!(typed(&old).unwrap_err().contains("policy/v1beta1"));
}
