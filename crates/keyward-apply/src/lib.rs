//! # keyward-apply
//!
//! Carries out an approved [`Plan`](keyward_core::Plan): it owns the
//! guards that refuse a suspicious plan, the order in which changes are
//! made, how many run at once, and the append-only audit log.
//!
//! It must not decide *what* to change — that is the plan's job, and a
//! change the plan does not contain is never made here — nor speak HTTP:
//! each change goes to the app's [`Connector`](keyward_connectors::Connector),
//! which also owns retries. Keeping those apart means the plan a reviewer
//! approved is exactly what is attempted, and the audit log records every
//! attempt before the call is made.
//!
//! - [`guard::check`] — pure: would this plan take away too much at once,
//!   or is the HR snapshot suspiciously smaller than the last one?
//! - [`audit::AuditLog`] — JSON Lines, one fsynced line per record, each
//!   line hash-chained to the one before; [`audit::verify`] checks a log.
//! - [`engine::apply`] — runs the plan app by app, phase by phase, and
//!   returns a [`engine::Report`].

pub mod audit;
mod checklist;
pub mod engine;
pub mod guard;

pub use audit::{AuditError, AuditLog, VerifySummary, verify};
pub use engine::{ApplyOptions, Item, ItemResult, Report, apply, new_run_id};
pub use guard::{GuardOptions, Refusal};
