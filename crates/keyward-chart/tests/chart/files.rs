//! The chart's files against the repository: the CRDs are `crds/`, the
//! appVersion is the workspace's, the README documents every value; and
//! helm's own checks: lint, the values schema, the replica limit.

use std::collections::BTreeMap;

use crate::render::{run_helm, template};

fn files_of(dir: &str) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(crate::repo().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn the_chart_crds_are_byte_for_byte_those_of_crds() {
    let chart = files_of("charts/keyward/crds");
    let generated = files_of("crds");
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    let fix = "after `keyward crd --out-dir crds/`, copy them: cp crds/*.yaml charts/keyward/crds/";
    assert_eq!(names(&chart), names(&generated), "charts/keyward/crds/ and crds/ hold other files; {fix}");
    for (name, bytes) in &generated {
        assert!(chart[name] == *bytes, "charts/keyward/crds/{name} differs from crds/{name}; {fix}");
    }
}

#[test]
fn the_app_version_is_the_workspace_version() {
    let text = std::fs::read_to_string(crate::chart().join("Chart.yaml")).unwrap();
    let chart: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(chart["apiVersion"].as_str(), Some("v2"), "Chart.yaml: apiVersion");
    assert_eq!(
        chart["appVersion"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "Chart.yaml: appVersion must be the workspace version in Cargo.toml"
    );
}

/// Dotted paths of the leaves of `values.yaml`: scalars, lists and empty
/// maps (a map of free-form entries such as `podAnnotations: {}`).
fn leaves(prefix: &str, value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = k.as_str().unwrap();
                leaves(&if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") }, v, out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

#[test]
fn the_readme_documents_every_value_and_the_schema_knows_it() {
    let values: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(crate::chart().join("values.yaml")).unwrap()).unwrap();
    let mut keys = Vec::new();
    leaves("", &values, &mut keys);
    // Free-form objects passed through as Kubernetes YAML.
    keys.retain(|k| !k.starts_with("resources."));
    keys.push("resources".into());
    let readme = std::fs::read_to_string(crate::chart().join("README.md")).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(crate::chart().join("values.schema.json")).unwrap()).unwrap();
    for key in &keys {
        assert!(readme.contains(&format!("| `{key}` |")), "charts/keyward/README.md: no row for `{key}`");
        let mut node = &schema;
        for part in key.split('.') {
            node = &node["properties"][part];
        }
        assert!(node.is_object(), "values.schema.json: no property {key}");
    }
}

#[test]
fn helm_lint_passes_strictly() {
    let out = run_helm(&["lint", "--strict", "charts/keyward"]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "helm lint --strict charts/keyward:\n{text}");
    for scenario in crate::scenarios() {
        let file = format!("charts/keyward/ci/{scenario}");
        let out = run_helm(&["lint", "--strict", "charts/keyward", "--values", &file]);
        assert!(out.status.success(), "helm lint with {file}:\n{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// `helm template` with `--set`s fails, saying `expected`.
fn refused(sets: &[&str], expected: &str) {
    let mut args = Vec::new();
    for set in sets {
        args.extend(["--set", set]);
    }
    let out = template(None, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "--set {sets:?} was accepted");
    assert!(stderr.contains(expected), "--set {sets:?}: the error does not say {expected:?}: {stderr}");
}

#[test]
fn values_that_would_break_the_controller_are_refused() {
    // Several replicas only with the shared audit store: a file has one writer.
    refused(&["replicaCount=2"], "state.postgres.url");
    refused(&["replicaCount=2", "state.postgres.url=mysql://x"], "url");
    refused(&["watchNamespaces={Org_A}"], "watchNamespaces");
    // The schema: a misspelt key, a wrong type, a digest that is none.
    refused(&["replicaCont=1"], "replicaCont");
    refused(&["rbac.clusterWide=yes"], "clusterWide");
    refused(&["image.digest=latest"], "digest");
    refused(&["controller.resync=10 minutes"], "resync");
    refused(&["controller.logFormat=xml"], "logFormat");
    refused(&["service.port=80"], "port");
    // An HR webhook without a Secret to authenticate it.
    refused(&["hrWebhook.enabled=true", "credentials.secretName="], "hrWebhook.secretName");
}

#[test]
fn no_rendering_holds_a_secret_value() {
    for scenario in crate::scenarios() {
        let out = template(Some(&scenario), &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "ci/{scenario}");
        assert!(!text.contains("kind: Secret"), "ci/{scenario}: renders a Secret");
        assert!(!text.contains("stringData") && !text.contains("\ndata:"), "ci/{scenario}: renders data");
    }
}

#[test]
fn the_notes_render_for_every_scenario_and_warn_of_a_lost_audit_log() {
    for scenario in std::iter::once(None).chain(crate::scenarios().into_iter().map(Some)) {
        let mut args = vec!["install", "keyward", "charts/keyward", "--namespace", "keyward", "--dry-run=client"];
        let file = scenario.as_ref().map(|s| format!("charts/keyward/ci/{s}"));
        if let Some(file) = &file {
            args.extend(["--values", file]);
        }
        let out = run_helm(&args);
        let text = String::from_utf8_lossy(&out.stdout);
        let what = file.as_deref().unwrap_or("default values");
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        let notes = text.split_once("\nNOTES:\n").unwrap_or_else(|| panic!("{what}: no NOTES")).1;
        let persistent = !notes.contains("WARNING: persistence.enabled is false");
        assert_eq!(persistent, notes.contains("audit verify"), "{what}: NOTES on the audit log:\n{notes}");
        assert_eq!(persistent, scenario.as_deref() != Some("trial-values.yaml"), "{what}: {notes}");
    }
}
