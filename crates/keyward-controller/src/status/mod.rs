//! Statuses and conditions from what a reconcile saw and did. Pure: no
//! I/O, no clock (the time is an argument), so every rule here is tested
//! without a server.
//!
//! # Application conditions
//!
//! | type | `True` when | reasons |
//! |---|---|---|
//! | `SourceError` | the HR data or the app's accounts could not be read (nothing was planned or applied for the app) | `PeopleSourceFailed`, `ConnectorFailed`, `ListFailed`, `LookupFailed`, `PlanFailed` · `SourcesRead` |
//! | `Drifted` | the app still differs from the policy after the reconcile | `ChangesPending` · `InSync` · `NotPlanned` (Unknown) |
//! | `BlockedByGuard` | a guard refused the app's changes (enforce mode) | `GuardRefused` · `WithinLimits`, `ObserveMode` · `NotPlanned` (Unknown) |
//! | `Synced` | the last reconcile read, planned and (enforce) applied without a failure | `Applied`, `UpToDate`, `Observed` · `ApplyFailed`, `AuditLogFailed`, `GuardRefused`, the `SourceError` reason, `PersonReconcileFailed` |
//! | `StaleExport` | (apps read from a csv export only) the export is older than its `maxAge`, or its date column is after the plan's day; the message says how old, where the date came from and what to do | `ExportTooOld`, `ExportDatedAhead` · `ExportFresh` |
//! | `Ready` | the controller does what the resource asks: observe mode read and planned; enforce mode left nothing to do | `InSync`, `Observing` · `ChangesPending`, `ApplyFailed`, `BlockedByGuard`, `SourceError`, `InvalidSpec` |
//!
//! `lastTransitionTime` moves only when a condition's status changes.
//! Counts (`accounts`, `plan`, `drift`, `lastSync`) keep their last known
//! values while the app cannot be read: an error does not turn into
//! "zero accounts".
//!
//! While the policy set does not validate, each Application and
//! PeopleSource with errors of its own gets `Ready` (and, for an
//! Application, `Synced`) `False` with reason `InvalidSpec` and the errors
//! in the message; nothing is reconciled.
//!
//! One concern per module: [`mod@outcome`] (what a reconcile did for an app),
//! [`conditions`] (setting conditions, writing times), [`application`] and
//! [`people_source`] (each kind's status), [`invalid`] (a resource that
//! does not validate).

pub mod application;
pub mod conditions;
pub mod invalid;
pub mod outcome;
pub mod people_source;

pub use application::{application_status, describe, merge_person_outcome};
pub use conditions::{
    BLOCKED_BY_GUARD, DRIFTED, MAX_MESSAGE, READY, SOURCE_ERROR, STALE_EXPORT, SYNCED, condition, rfc3339,
    set_condition,
};
pub use invalid::{INVALID_SPEC, errors_of, invalid_application, invalid_people_source};
pub use outcome::{AppOutcome, Mode, Problem, outcome, plan_counts, unplanned};
pub use people_source::{SourceRead, people_source_status};

/// An instant `s` seconds after a fixed one, for the tests of every status
/// module.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
fn t(s: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_795_400_000 + s).unwrap()
}
