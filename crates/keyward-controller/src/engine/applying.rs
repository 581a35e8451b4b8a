//! Handing a reconcile's plan to the [`Applier`](keyward_apply::Applier):
//! the changes of apps in enforce mode only, prepared once (the guards), a
//! refused app held back in a run of its own while the others go ahead,
//! each run under its own id in the audit log.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use keyward_apply::history::Unchanged;
use keyward_apply::{Item, ItemResult, Prepared, Refusal, Scope};
use keyward_core::PolicySet;
use keyward_core::action::Action;
use keyward_core::history::ListedAccount;
use keyward_core::plan::Plan;

use super::connections::AppConnections;
use super::{Engine, ReconcileKind};

/// What the applies of one reconcile did.
#[derive(Debug, Default)]
pub(super) struct Applied {
    pub(super) items: Vec<Item>,
    /// Refusals by app; a refusal about the whole plan is listed under
    /// every app it held back.
    pub(super) refusals: BTreeMap<String, Vec<Refusal>>,
    pub(super) audit_error: Option<String>,
    pub(super) run_ids: Vec<String>,
}

impl Engine {
    /// Applies the non-review changes of apps in enforce mode. A guard
    /// refusal about one app holds back that app only (recorded in the
    /// audit log as a refused run of its own); a refusal about the whole
    /// plan (the HR head count shrank, the total limit) holds back every
    /// app.
    pub(super) async fn apply(
        &self,
        connections: &AppConnections,
        set: &PolicySet,
        plan: &Plan,
        kind: ReconcileKind,
        read_from: std::time::Instant,
    ) -> Applied {
        let mut out = Applied::default();
        // Reviews change nothing; a reconcile's runs record only what they
        // carry out.
        let mut todo = plan.clone();
        todo.retain_changes(|c| c.action != Action::Review);
        let gated;
        let connectors = match &self.shards {
            Some(gate) => {
                // Another replica applies the rest; see `shards`.
                todo.retain_changes(|c| gate.held_since(&c.app, read_from));
                gated = super::shards::gate_all(connections.all(), gate);
                &gated
            }
            None => connections.all(),
        };
        let prepared = self.applier.prepare(todo, set, connectors, Scope::EnforcedApps).await;
        if prepared.executable() == 0 {
            // Nothing to do is not written to the audit log: a resync every
            // few minutes would otherwise fill it with empty runs.
            return out;
        }
        for run in prepared.hold_back_refused_apps() {
            self.apply_run(run, kind, &mut out).await;
        }
        out
    }

    async fn apply_run(&self, run: Prepared, kind: ReconcileKind, out: &mut Applied) {
        // A refusal about the whole plan is about every app with changes.
        let apps: Vec<String> =
            run.plan().apps.iter().filter(|a| a.changes.total() > 0).map(|a| a.name.clone()).collect();
        let report = self.applier.apply(run, &self.run_id(kind)).await;
        for r in &report.refusals {
            tracing::warn!(app = r.app.as_deref().unwrap_or(""), refusal = %r.message, "a guard refused the changes; nothing was applied");
            let apps: Vec<String> = match &r.app {
                Some(a) => vec![a.clone()],
                None => apps.clone(),
            };
            for a in apps {
                out.refusals.entry(a).or_default().push(r.clone());
            }
        }
        for i in report.problems() {
            tracing::warn!(app = %i.change.app, action = i.change.action.as_str(), account = i.change.account.label(), result = i.result.as_str(), "{}", why(&i.result));
        }
        if report.applied() > 0 {
            tracing::info!(run = %report.run_id, applied = report.applied(), failed = report.failed(), "applied changes");
        }
        if out.audit_error.is_none() {
            out.audit_error = report.audit_error.clone();
        }
        self.metrics.set_audit_end(report.audit_records, &report.audit_last_hash);
        tracing::info!(records = report.audit_records, last_hash = %report.audit_last_hash, "the audit log ends here; keep both elsewhere");
        out.run_ids.push(report.run_id.clone());
        out.items.extend(report.items);
    }

    /// Records the listings of a full reconcile, before its changes: only
    /// those that changed since the last record, as a resync every few
    /// minutes would otherwise add a record per app each time. A failure
    /// is logged; the applier then refuses the changes itself.
    pub(super) async fn record_listings(&self, listed: &BTreeMap<String, Vec<ListedAccount>>) {
        let run = self.run_id(ReconcileKind::Full);
        if let Err(e) = self.applier.record_listings(&run, listed, Unchanged::Skip).await {
            tracing::warn!(error = %e, "cannot record the listings in the audit log");
        }
    }

    fn run_id(&self, kind: ReconcileKind) -> String {
        let n = self.runs.fetch_add(1, Ordering::Relaxed) + 1;
        // new_run_id has one-second resolution; the counter keeps two
        // applies in the same second apart in the audit log.
        format!("{}-{}{n}", keyward_apply::new_run_id(), kind.as_str())
    }
}

fn why(r: &ItemResult) -> &str {
    match r {
        ItemResult::Failed(e) | ItemResult::Skipped(e) => e,
        _ => "",
    }
}
