//! The Prometheus metrics, in the OpenMetrics text format at `/metrics`.
//!
//! | metric | labels | what |
//! |---|---|---|
//! | `keyward_reconciles_total` | `kind` (`full`, `person`), `result` (`ok`, `error`) | reconciles finished |
//! | `keyward_reconcile_duration_seconds` | `kind` | histogram of reconcile durations |
//! | `keyward_changes_total` | `app`, `action`, `result` (`applied`, `already-done`, `failed`, `skipped`, `checklist`) | changes handed to the apply engine |
//! | `keyward_guard_refusals_total` | `app` (empty for refusals about the whole plan) | reconciles a guard refused |
//! | `keyward_http_errors_total` | `app` | connector calls that failed over HTTP (after retries) |
//! | `keyward_drift` | `app` | changes the last full reconcile left to do |
//! | `keyward_hr_events_total` | `result` (`accepted`, `replayed`, `unauthorized`, `invalid`, `unavailable`, `busy`) | HR events received, by how they were answered |
//! | `keyward_hr_people_coalesced_total` | | people named by an HR event while a reconcile of them was already waiting (no further one is queued) |
//! | `keyward_audit_records` | | records in the audit log (keep with the hash, for `keyward audit verify --expect-records`) |
//! | `keyward_audit_last_hash_info` | `hash` | always 1; `hash` is the audit log's last hash (`--expect-hash`) |
//! | `keyward_shards_held` | | shards (namespace, application) whose Lease this replica holds (with `--shards`) |
//! | `keyward_shard_handovers_total` | | shards this replica took over from another replica |
//!
//! With several namespaces every metric but the HR-event and shard ones
//! also carries a `namespace` label (see [`Metrics::scoped`]): each
//! organisation has its own apps, reconciles and audit log.

use std::sync::Arc;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Content type of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Which reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)] // the label values as Prometheus shows them
pub enum KindLabel {
    /// Everything.
    full,
    /// One person, after an HR event.
    person,
}

/// How a reconcile ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)] // the label values as Prometheus shows them
pub enum ResultLabel {
    /// Read, planned and (where enforced) applied without a failure.
    ok,
    /// Something could not be read, planned or applied.
    error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReconcileLabels {
    kind: KindLabel,
    result: ResultLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DurationLabels {
    kind: KindLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ChangeLabels {
    app: String,
    action: String,
    result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct AppLabels {
    app: String,
}

/// How an HR event was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)] // the label values as Prometheus shows them
pub enum HrEventLabel {
    /// Taken: its people are being reconciled (202).
    accepted,
    /// A signature already taken within the window (409).
    replayed,
    /// Not signed, or not with the shared secret, or stale (401).
    unauthorized,
    /// Signed, but of no accepted shape (400).
    invalid,
    /// Events are disabled or cannot be taken now (503).
    unavailable,
    /// Too many events within the window to remember (429).
    busy,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct HrEventLabels {
    result: HrEventLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct HashLabels {
    hash: String,
}

/// The `namespace` label of an organisation's metrics; empty with one
/// namespace, so its series look as they always did.
type Scope = Vec<(&'static str, String)>;

/// Every metric the controller exports. Cheap to clone: clones share the
/// counters.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    reconciles: Family<(Scope, ReconcileLabels), Counter>,
    duration: Family<(Scope, DurationLabels), Histogram>,
    changes: Family<(Scope, ChangeLabels), Counter>,
    refusals: Family<(Scope, AppLabels), Counter>,
    http_errors: Family<(Scope, AppLabels), Counter>,
    drift: Family<(Scope, AppLabels), Gauge>,
    hr_events: Family<HrEventLabels, Counter>,
    coalesced: Counter,
    audit_records: Family<Scope, Gauge>,
    shards_held: Gauge,
    shard_handovers: Counter,
    /// This organisation's `namespace` label (empty: none).
    scope: Scope,
    /// The hash each organisation exported last, to remove when it moves.
    last_hashes: Arc<std::sync::Mutex<std::collections::HashMap<Scope, String>>>,
    audit_last_hash: Family<(Scope, HashLabels), Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let reconciles = Family::<(Scope, ReconcileLabels), Counter>::default();
        // 50 ms to about 27 minutes: a person's reconcile is a few requests,
        // a full one over thousands of accounts takes minutes.
        let duration = Family::<(Scope, DurationLabels), Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.05, 2.0, 16))
        });
        let changes = Family::<(Scope, ChangeLabels), Counter>::default();
        let refusals = Family::<(Scope, AppLabels), Counter>::default();
        let http_errors = Family::<(Scope, AppLabels), Counter>::default();
        let drift = Family::<(Scope, AppLabels), Gauge>::default();
        let audit_records = Family::<Scope, Gauge>::default();
        let audit_last_hash = Family::<(Scope, HashLabels), Gauge>::default();
        // Counters get their `_total` suffix from the encoder.
        registry.register("keyward_reconciles", "Reconciles finished, by kind and result", reconciles.clone());
        registry.register("keyward_reconcile_duration_seconds", "How long reconciles took", duration.clone());
        registry.register("keyward_changes", "Changes handed to the apply engine, by result", changes.clone());
        registry.register("keyward_guard_refusals", "Reconciles whose changes a guard refused", refusals.clone());
        registry.register("keyward_http_errors", "Connector calls that failed over HTTP", http_errors.clone());
        registry.register("keyward_drift", "Changes the last full reconcile left to do", drift.clone());
        let hr_events = Family::<HrEventLabels, Counter>::default();
        let coalesced = Counter::default();
        registry.register("keyward_hr_events", "HR events received, by how they were answered", hr_events.clone());
        registry.register(
            "keyward_hr_people_coalesced",
            "People named by an HR event while a reconcile of them was already waiting",
            coalesced.clone(),
        );
        registry.register("keyward_audit_records", "Records in the audit log", audit_records.clone());
        // An info metric: the value is always 1, the hash is the label.
        registry.register(
            "keyward_audit_last_hash_info",
            "The audit log's last hash, to keep elsewhere",
            audit_last_hash.clone(),
        );
        let shards_held = Gauge::default();
        let shard_handovers = Counter::default();
        registry.register("keyward_shards_held", "Shards whose Lease this replica holds", shards_held.clone());
        registry.register("keyward_shard_handovers", "Shards taken over from another replica", shard_handovers.clone());
        Self {
            registry: Arc::new(registry),
            reconciles,
            duration,
            changes,
            refusals,
            http_errors,
            drift,
            hr_events,
            coalesced,
            audit_records,
            audit_last_hash,
            shards_held,
            shard_handovers,
            scope: Scope::new(),
            last_hashes: Arc::default(),
        }
    }

    /// The same metrics, counted for the organisation of `namespace`: its
    /// series carry a `namespace` label, so two organisations' apps of the
    /// same name stay apart.
    #[must_use]
    pub fn scoped(&self, namespace: &str) -> Self {
        let mut m = self.clone();
        m.scope = vec![("namespace", namespace.to_owned())];
        m
    }

    fn at<L>(&self, labels: L) -> (Scope, L) {
        (self.scope.clone(), labels)
    }

    /// How many shards this replica holds now.
    pub fn set_shards_held(&self, n: usize) {
        self.shards_held.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Counts a shard taken over from another replica.
    pub fn shard_handover(&self) {
        self.shard_handovers.inc();
    }

    /// Counts an HR event by how it was answered.
    pub fn hr_event(&self, result: HrEventLabel) {
        self.hr_events.get_or_create(&HrEventLabels { result }).inc();
    }

    /// Counts a person an HR event named while a reconcile of them was
    /// already waiting.
    pub fn person_coalesced(&self) {
        self.coalesced.inc();
    }

    /// Counts a finished reconcile and its duration.
    pub fn reconcile(&self, kind: KindLabel, ok: bool, seconds: f64) {
        let result = if ok { ResultLabel::ok } else { ResultLabel::error };
        self.reconciles.get_or_create(&self.at(ReconcileLabels { kind, result })).inc();
        self.duration.get_or_create(&self.at(DurationLabels { kind })).observe(seconds);
    }

    /// Counts one change's result (`applied`, `failed`…).
    pub fn change(&self, app: &str, action: &str, result: &str) {
        let labels = ChangeLabels { app: app.to_owned(), action: action.to_owned(), result: result.to_owned() };
        self.changes.get_or_create(&self.at(labels)).inc();
    }

    /// Counts a guard refusal for `app` (empty: the whole plan).
    pub fn guard_refusal(&self, app: &str) {
        self.refusals.get_or_create(&self.at(AppLabels { app: app.to_owned() })).inc();
    }

    /// Counts a connector call that failed over HTTP.
    pub fn http_error(&self, app: &str) {
        self.http_errors.get_or_create(&self.at(AppLabels { app: app.to_owned() })).inc();
    }

    /// Publishes where the audit log ends: its record count and last hash
    /// (only the current hash is exported).
    pub fn set_audit_end(&self, records: u64, last_hash: &str) {
        self.audit_records.get_or_create(&self.scope).set(i64::try_from(records).unwrap_or(i64::MAX));
        // Only each organisation's current hash is exported.
        let old = self
            .last_hashes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(self.scope.clone(), last_hash.to_owned());
        if let Some(old) = old.filter(|o| o != last_hash) {
            self.audit_last_hash.remove(&self.at(HashLabels { hash: old }));
        }
        self.audit_last_hash.get_or_create(&self.at(HashLabels { hash: last_hash.to_owned() })).set(1);
    }

    /// Sets the drift of `app`.
    pub fn set_drift(&self, app: &str, drift: u32) {
        self.drift.get_or_create(&self.at(AppLabels { app: app.to_owned() })).set(i64::from(drift));
    }

    /// Makes the per-app counters of `app` exist (at zero), so a scrape
    /// shows the series before the first refusal or error rather than
    /// nothing, which alerts cannot tell from a broken exporter.
    pub fn know_app(&self, app: &str) {
        let labels = self.at(AppLabels { app: app.to_owned() });
        drop(self.refusals.get_or_create(&labels));
        drop(self.http_errors.get_or_create(&labels));
    }

    /// Drops the drift gauge of an app that is no longer in the policies,
    /// so a removed app does not report a stale number forever.
    pub fn forget_app(&self, app: &str) {
        let labels = self.at(AppLabels { app: app.to_owned() });
        self.drift.remove(&labels);
        self.refusals.remove(&labels);
        self.http_errors.remove(&labels);
    }

    /// The OpenMetrics text exposition (see [`CONTENT_TYPE`]).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail; an error here could only come
        // from a metric's own encoder, and a scrape should still get text.
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn counters_and_gauges_appear_under_their_documented_names() {
        let m = Metrics::new();
        m.reconcile(KindLabel::full, true, 0.2);
        m.reconcile(KindLabel::person, false, 0.1);
        m.change("chat", "suspend", "applied");
        m.guard_refusal("chat");
        m.http_error("chat");
        m.set_drift("chat", 3);
        m.set_drift("gone", 1);
        m.know_app("gone");
        m.know_app("quiet");
        m.forget_app("gone");
        m.hr_event(HrEventLabel::replayed);
        m.person_coalesced();
        let text = m.encode();
        for want in [
            r#"keyward_reconciles_total{kind="full",result="ok"} 1"#,
            r#"keyward_reconciles_total{kind="person",result="error"} 1"#,
            r#"keyward_reconcile_duration_seconds_count{kind="full"} 1"#,
            r#"keyward_changes_total{app="chat",action="suspend",result="applied"} 1"#,
            r#"keyward_guard_refusals_total{app="chat"} 1"#,
            r#"keyward_http_errors_total{app="chat"} 1"#,
            r#"keyward_drift{app="chat"} 3"#,
            r#"keyward_hr_events_total{result="replayed"} 1"#,
            "keyward_hr_people_coalesced_total 1",
        ] {
            assert!(text.contains(want), "missing {want} in\n{text}");
        }
        assert!(!text.contains(r#"app="gone""#), "{text}");
        assert!(text.contains(r#"keyward_http_errors_total{app="quiet"} 0"#), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
