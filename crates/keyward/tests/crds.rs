//! The committed CRDs in `crds/` are exactly what the Rust types generate;
//! editing the types without regenerating them fails here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

#[test]
fn committed_crds_match_the_types() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("keyward").unwrap().args(["crd", "--out-dir"]).arg(out.path()).assert().success();
    let mut generated: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    generated.sort();
    let mut committed: Vec<_> = std::fs::read_dir(repo.join("crds")).unwrap().map(|e| e.unwrap().file_name()).collect();
    committed.sort();
    assert_eq!(generated, committed, "crds/ holds other files than `keyward crd --out-dir crds/` writes");
    for name in generated {
        let new = std::fs::read_to_string(out.path().join(&name)).unwrap();
        let old = std::fs::read_to_string(repo.join("crds").join(&name)).unwrap();
        assert!(
            new == old,
            "crds/{} is stale: run `cargo run -p keyward -- crd --out-dir crds/` and commit",
            name.to_string_lossy()
        );
    }
}

#[test]
fn every_crd_field_has_a_description_for_kubectl_explain() {
    fn walk(path: &str, v: &serde_json::Value, missing: &mut Vec<String>) {
        if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
            for (k, sub) in props {
                let p = format!("{path}.{k}");
                // apiVersion/kind/metadata are Kubernetes' own.
                let own = !matches!(path, "" if k == "apiVersion" || k == "kind" || k == "metadata");
                if own && sub.get("description").is_none() {
                    missing.push(p.clone());
                }
                walk(&p, sub, missing);
            }
        }
        if let Some(items) = v.get("items") {
            walk(&format!("{path}[]"), items, missing);
        }
        if let Some(extra) = v.get("additionalProperties").filter(|x| x.is_object()) {
            walk(&format!("{path}.*"), extra, missing);
        }
    }
    for crd in keyward_core::resources::crds() {
        let json = serde_json::to_value(&crd).unwrap();
        let schema = &json["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        let mut missing = Vec::new();
        walk("", schema, &mut missing);
        assert!(
            missing.is_empty(),
            "{}: fields without description: {missing:?}",
            crd.metadata.name.unwrap_or_default()
        );
    }
}
