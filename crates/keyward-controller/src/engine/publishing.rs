//! What a reconcile tells the world: each app's outcome from the plan and
//! the applies, the statuses kept between reconciles, the metrics, and the
//! one log line that sums a reconcile up. Where statuses go from here (a
//! file, `.status`) is the host's business.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use jiff::Timestamp;
use keyward_apply::{Item, Refusal};
use keyward_core::PolicySet;
use keyward_core::plan::Plan;

use super::applying::Applied;
use super::{Engine, ReconcileReport};
use crate::status::{self, Problem, SourceRead};

impl Engine {
    /// Fills `report.apps` for every app of the set: its problem, or what
    /// the plan wanted and the applies did; counts the changes and guard
    /// refusals in the metrics.
    pub(super) fn record_outcomes(
        &self,
        set: &PolicySet,
        plan: &Plan,
        problems: &BTreeMap<String, Problem>,
        applied: &Applied,
        report: &mut ReconcileReport,
    ) {
        report.run_ids = applied.run_ids.clone();
        for app in &set.applications {
            let outcome = match problems.get(&app.name) {
                Some(p) => status::unplanned(app.spec.mode, p.clone()),
                None => match plan.apps.iter().find(|s| s.name == app.name) {
                    Some(summary) => {
                        let items: Vec<&Item> = applied.items.iter().filter(|i| i.change.app == app.name).collect();
                        let refusals: Vec<&Refusal> =
                            applied.refusals.get(&app.name).map(|r| r.iter().collect()).unwrap_or_default();
                        let audit_error = applied.audit_error.as_deref().filter(|_| !items.is_empty());
                        status::outcome(
                            app.spec.mode,
                            summary,
                            plan.changes_for(&app.name),
                            &items,
                            &refusals,
                            audit_error,
                        )
                    }
                    None => status::unplanned(
                        app.spec.mode,
                        Problem::new("PlanFailed", "the plan has no entry for this app (a bug: please report it)"),
                    ),
                },
            };
            for i in applied.items.iter().filter(|i| i.change.app == app.name) {
                self.metrics.change(&app.name, i.change.action.as_str(), i.result.as_str());
            }
            if !outcome.refusals.is_empty() {
                self.metrics.guard_refusal(&app.name);
            }
            report.apps.insert(app.name.clone(), outcome);
        }
    }

    /// Each PeopleSource's status after it was read (or not).
    pub(super) fn publish_sources(&self, sources: &[(String, SourceRead)], now: Timestamp) {
        self.update_statuses(|s| {
            for (name, read) in sources {
                let next = status::people_source_status(s.people_sources.get(name), read, now);
                s.people_sources.insert(name.clone(), next);
            }
        });
    }

    /// Merges a person's reconcile (of `who`) into the Applications'
    /// statuses and copies every status into the report.
    pub(super) fn publish_person(&self, report: &mut ReconcileReport, who: &str, now: Timestamp) {
        self.update_statuses(|s| {
            for (name, o) in &report.apps {
                let next = status::merge_person_outcome(s.applications.get(name), o, who, now);
                s.applications.insert(name.clone(), next);
            }
        });
        let st = self.statuses();
        report.applications = st.applications;
        report.people_sources = st.people_sources;
    }

    /// Turns a full reconcile's outcomes into statuses, drops statuses of
    /// resources no longer in the policies, and copies them into the report.
    pub(super) fn publish_full(&self, set: &PolicySet, report: &mut ReconcileReport, now: Timestamp) {
        let apps: BTreeSet<&str> = set.applications.iter().map(|a| a.name.as_str()).collect();
        let sources: BTreeSet<&str> = set.people_sources.iter().map(|s| s.name.as_str()).collect();
        let mut gone = Vec::new();
        self.update_statuses(|s| {
            for (name, o) in &report.apps {
                let next = status::application_status(s.applications.get(name), o, now);
                s.applications.insert(name.clone(), next);
            }
            gone = s.applications.keys().filter(|k| !apps.contains(k.as_str())).cloned().collect();
            s.applications.retain(|k, _| apps.contains(k.as_str()));
            s.people_sources.retain(|k, _| sources.contains(k.as_str()));
        });
        for name in gone {
            self.metrics.forget_app(&name);
        }
        for (name, o) in &report.apps {
            self.metrics.know_app(name);
            if o.problem.is_none() {
                self.metrics.set_drift(name, o.drift);
            }
        }
        let st = self.statuses();
        report.applications = st.applications;
        report.people_sources = st.people_sources;
    }

    /// Ends a reconcile: its duration, its metrics and its log line.
    pub(super) fn finish(&self, mut report: ReconcileReport, clock: Instant) -> ReconcileReport {
        report.duration = clock.elapsed();
        if report.interrupted {
            tracing::info!(kind = report.kind.as_str(), "reconcile stopped before applying: shutting down");
            return report;
        }
        self.metrics.reconcile(report.kind.label(), report.is_ok(), report.duration.as_secs_f64());
        let drift: u32 = report.apps.values().map(|o| o.drift).sum();
        match &report.error {
            Some(e) => tracing::warn!(
                kind = report.kind.as_str(),
                person = report.person.as_deref().unwrap_or(""),
                reason = %e.reason,
                error = %e.message,
                "reconcile failed; nothing was applied"
            ),
            None => match &report.person {
                Some(person) => tracing::info!(
                    kind = report.kind.as_str(),
                    person = %person,
                    ok = report.is_ok(),
                    applied = report.applied(),
                    seconds = report.duration.as_secs_f64(),
                    "reconciled"
                ),
                None => tracing::info!(
                    kind = report.kind.as_str(),
                    ok = report.is_ok(),
                    applied = report.applied(),
                    drift,
                    seconds = report.duration.as_secs_f64(),
                    "reconciled"
                ),
            },
        }
        report
    }
}
