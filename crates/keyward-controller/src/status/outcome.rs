//! What one reconcile saw and did for one Application: its [`AppOutcome`],
//! from the plan's summary and changes and the apply's items and
//! refusals, or the [`Problem`] that kept it from being planned. Pure.

use keyward_apply::{Item, ItemResult, Refusal};
use keyward_connectors::http::redact_known;
use keyward_core::action::Action;
use keyward_core::plan::{AppSummary, Change, Counts};
use keyward_core::resources::{PlanCounts, ReconcileMode};
use serde::Serialize;

/// Failures named in a condition message; the rest are counted.
const FAILURES_SHOWN: usize = 3;

/// Why something could not be read, as a condition reason and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// CamelCase reason (`ListFailed`).
    pub reason: String,
    /// What went wrong and what to do, never a secret.
    pub message: String,
}

impl Problem {
    /// A problem with a reason and a message. The message goes to a
    /// status, an Event and a log line: any secret the process holds is
    /// redacted from it, whatever path an app's words took to get here.
    pub fn new(reason: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = redact_known(&message).into_owned();
        Self { reason: reason.to_owned(), message }
    }
}

/// What one reconcile saw and did for one Application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AppOutcome {
    /// The app's mode.
    pub mode: Mode,
    /// Why nothing was planned for the app; `None` when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    /// Accounts read (for a person's reconcile: the accounts that may be
    /// theirs).
    pub accounts: u32,
    /// The plan's changes for the app, reviews included.
    pub planned: PlanCounts,
    /// Guard refusals that kept the app's changes from being applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<String>,
    /// Changes the app made.
    pub applied: u32,
    /// Changes that were already in place.
    pub already_done: u32,
    /// Changes that failed.
    pub failed: u32,
    /// Changes not attempted (an earlier change of the account failed).
    pub skipped: u32,
    /// Changes written to a checklist for a human.
    pub checklist: u32,
    /// The first failures, `action account: why`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// Changes (reviews excluded) still to make after this reconcile.
    pub drift: u32,
    /// For an app read from an export: how old it is, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
    /// What is wrong with the export (too old, or dated after the plan)
    /// and what to do; `None` when nothing is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_problem: Option<Problem>,
}

/// [`ReconcileMode`] with a `Default` and `Serialize` of its own, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// Plan only.
    #[default]
    Observe,
    /// Apply within the guards.
    Enforce,
}

impl From<ReconcileMode> for Mode {
    fn from(m: ReconcileMode) -> Self {
        match m {
            ReconcileMode::Observe => Self::Observe,
            ReconcileMode::Enforce => Self::Enforce,
        }
    }
}

/// A count as a status writes it (saturating).
fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The plan's counts as a status shows them.
pub fn plan_counts(c: &Counts) -> PlanCounts {
    PlanCounts {
        create: n(c.create),
        restore: n(c.restore),
        update: n(c.update),
        suspend: n(c.suspend),
        transfer: n(c.transfer),
        revoke: n(c.revoke),
        delete: n(c.delete),
        review: n(c.review),
    }
}

/// An app nothing could be planned for.
pub fn unplanned(mode: ReconcileMode, problem: Problem) -> AppOutcome {
    AppOutcome { mode: mode.into(), problem: Some(problem), ..AppOutcome::default() }
}

/// What became of one app in a reconcile that planned it: `summary` and
/// `changes` from the plan, `items` the apply report's items of this app
/// (empty when nothing was applied), `refusals` the guard refusals that
/// kept its changes back, `audit_error` the apply's audit log failure.
pub fn outcome(
    mode: ReconcileMode,
    summary: &AppSummary,
    changes: &[Change],
    items: &[&Item],
    refusals: &[&Refusal],
    audit_error: Option<&str>,
) -> AppOutcome {
    let mut o = AppOutcome {
        mode: mode.into(),
        accounts: n(summary.accounts),
        planned: plan_counts(&summary.changes),
        refusals: refusals.iter().map(|r| r.message.clone()).collect(),
        export: summary.export.as_ref().map(|e| e.describe()),
        export_problem: summary.export.as_ref().and_then(|e| {
            let reason = if e.is_stale() { "ExportTooOld" } else { "ExportDatedAhead" };
            e.finding(&summary.source).map(|m| Problem::new(reason, m))
        }),
        ..AppOutcome::default()
    };
    for i in items {
        match &i.result {
            ItemResult::Applied(_) => o.applied += 1,
            ItemResult::AlreadyDone(_) => o.already_done += 1,
            ItemResult::Checklist(_) => o.checklist += 1,
            ItemResult::Failed(why) | ItemResult::Skipped(why) => {
                if matches!(i.result, ItemResult::Failed(_)) {
                    o.failed += 1;
                } else {
                    o.skipped += 1;
                }
                if o.failures.len() < FAILURES_SHOWN {
                    o.failures.push(format!("{} {}: {why}", i.change.action.as_str(), i.change.account.label()));
                }
            }
        }
    }
    if let Some(e) = audit_error
        && o.failures.len() < FAILURES_SHOWN
    {
        o.failures.push(format!("audit log: {e}"));
    }
    let wanted = changes.iter().filter(|c| c.action != Action::Review).count();
    // Made or found in place: no longer drift. Checklist items wait for a
    // human, failures for the next reconcile.
    o.drift = n(wanted).saturating_sub(o.applied + o.already_done);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_never_holds_a_secret_the_process_holds() {
        let token = keyward_connectors::http::Secret::new("kw/status-SECRET+6f5e4d3c");
        let p = Problem::new("ListFailed", r#"HTTP 401 — body: {"echo":"kw\/status-SECRET+6f5e4d3c"}"#);
        assert_eq!(p.message, r#"HTTP 401 — body: {"echo":"***"}"#);
        drop(token);
    }
}
