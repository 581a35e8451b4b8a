#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Helm chart `charts/keyward`, rendered by the pinned helm
//! (`KEYWARD_HELM`, which `scripts/test` sets from `scripts/helm`; without
//! it every test here fails, none skips) for the default values and every
//! scenario file in `charts/keyward/ci/`:
//!
//! - [`render`]: `helm template`, and each document as its typed
//!   `k8s-openapi` object, a field the type does not know being an error
//!   and a kind this test does not know failing it;
//! - [`invariants`]: what every rendering must satisfy;
//! - [`examples`]: the rendering of `ci/examples-kubernetes-values.yaml`
//!   against the plain manifests in `examples/kubernetes/`;
//! - [`files`]: the chart's files against the repository (CRDs, version,
//!   the README's values table), lint, and the values it refuses.

mod examples;
mod files;
mod invariants;
mod render;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn chart() -> PathBuf {
    repo().join("charts/keyward")
}

/// The scenario values files, `charts/keyward/ci/*.yaml`, by file name.
fn scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(chart().join("ci"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "charts/keyward/ci/ holds only {names:?}");
    names
}
