//! # keyward-core
//!
//! The pure heart of keyward. It owns the resource types (from which the
//! policy file format, the JSON Schema and the CRDs are generated), policy
//! loading and validation with file/line/column diagnostics, evaluation of
//! who should have what, correlation of accounts to people, the diff into a
//! [`Plan`](plan::Plan), and the plan's renderings.
//!
//! It must not do I/O, read the clock or depend on tokio or an HTTP client:
//! callers pass file contents, people, account listings and the date in,
//! and the same inputs always give a byte-identical plan. Independent work
//! (apps, chunks of people) runs on rayon's thread pool and is collected in
//! input order, which keeps the result deterministic.

pub mod account;
pub mod action;
pub mod approval;
pub mod compile;
pub mod correlate;
pub mod diag;
pub mod duration;
pub mod evaluate;
pub mod grants;
pub mod json_path;
pub mod load;
pub mod people;
pub mod plan;
pub mod planner;
pub mod policy_test;
pub mod present;
pub mod resources;
pub mod tabular;
pub mod vocab;
pub mod yaml;

pub use account::{Account, AccountListing, AccountStatus};
pub use action::Action;
pub use compile::{Loaded, PolicySet};
pub use diag::{Diagnostic, Diagnostics, Location, Severity};
pub use load::{Named, Origin, SourceFile};
pub use people::{People, Person, Phase, Post};
pub use plan::{Change, Plan, PlanError};
pub use planner::{plan, plan_scoped};
