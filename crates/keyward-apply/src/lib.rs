//! # keyward-apply
//!
//! Carries out an approved [`Plan`](keyward_core::Plan): it owns the
//! guards that refuse a suspicious plan, how each app's changes are carried
//! out (made, only planned, or written down for a human), the order in
//! which changes are made, how many run at once, and the append-only audit
//! log.
//!
//! It must not decide *what* to change — that is the plan's job, and a
//! change the plan does not contain is never made here — nor speak HTTP:
//! each change goes to the app's [`Connector`](keyward_connectors::Connector),
//! which also owns retries. Keeping those apart means the plan a reviewer
//! approved is exactly what is attempted, and the audit log records every
//! attempt before the call is made.
//!
//! Callers (the CLI's `keyward apply`, the controller) use one type,
//! [`Applier`]: [`Applier::prepare`] runs the guards once and returns a
//! [`Prepared`] run with its refusals, [`Applier::apply`] carries it out
//! and returns a [`Report`].
//!
//! - [`strategy`] — pure: per app, [`Strategy::Enforce`],
//!   [`Strategy::Observe`] (plan only) or [`Strategy::Checklist`]
//!   (read-only apps), from the app and the caller's [`Scope`].
//! - [`guard::check`] — pure: would this plan take away too much at once,
//!   or is the HR snapshot suspiciously smaller than the last one?
//! - `applier` — [`Applier`] and [`Prepared`]: preparing, holding back
//!   refused apps, and one run from `run-started` to `run-finished`.
//! - [`checklist`] — a read-only app's checklist: written keeping a
//!   human's ticks, and read back for `keyward checklist done`/`import`.
//! - [`completions`] — a human's completions of checklist items in the
//!   audit log: the entry written, and reading them back.
//! - `phases` — one app's changes in [`PHASES`] order, a few at once,
//!   each attempt audited; checklists for read-only apps.
//! - [`history`] — the listings recorded at each apply (complete, then
//!   differences), and [`history::seen`], the one reader of records for
//!   `keyward history` and the leaver report.
//! - [`tally`] — what a prepared run will do, counted for the operator:
//!   changes made, checklist items for a human, apps only planned.
//! - [`report`] — what a run did, and its plain-text summary.
//! - [`roster_file::RosterFile`] — the roster of people seen (beside the
//!   audit log): read before planning, replaced after a run that went ahead.
//! - [`audit::AuditLog`] — JSON Lines, one fsynced line per record, each
//!   line hash-chained to the one before; [`audit::verify`] checks a log.

mod applier;
pub mod audit;
pub mod checklist;
pub mod completions;
pub mod guard;
pub mod history;
mod phases;
pub mod report;
pub mod roster_file;
pub mod state;
pub mod strategy;
pub mod tally;

pub use applier::{Applier, DEFAULT_CONCURRENCY, Prepared, new_run_id};
pub use audit::{AuditError, AuditLog, VerifySummary, verify};
pub use guard::{GuardOptions, Refusal};
pub use phases::PHASES;
pub use report::{Item, ItemResult, Report};
pub use roster_file::{RosterFile, RosterFileError};
pub use state::{State, StateError, Store};
pub use strategy::{Scope, Strategy};
pub use tally::Tally;
