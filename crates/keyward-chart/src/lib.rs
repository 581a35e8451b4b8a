//! Nothing but tests: `tests/chart/` renders the Helm chart in
//! `charts/keyward` with `helm template` (the pinned helm of
//! `scripts/helm`, named by `KEYWARD_HELM`) for its default values and for
//! every scenario in `charts/keyward/ci/`, parses every document into its
//! `k8s-openapi` type and checks what the chart promises: the restricted
//! security context, probes and resources, least-privilege RBAC, selectors
//! that select, the CRDs of `crds/`, and the controller that
//! `examples/kubernetes/` describes.
