//! # keyward-core
//!
//! The pure heart of keyward: the resource types (from which the policy
//! file format, the JSON Schema and the CRDs are generated), policy loading
//! and compilation with file/line/column diagnostics, evaluation of who
//! should have what, correlation of accounts to people, the planner that
//! diffs both into a [`Plan`](plan::Plan), and everything a person reads
//! about it.
//!
//! It must not do I/O, read the clock or depend on tokio or an HTTP client:
//! callers pass file contents, people, account listings and the date in,
//! and the same inputs always give a byte-identical plan. Independent work
//! (apps, chunks of people) runs on rayon's thread pool and is collected in
//! input order, which keeps the result deterministic.
//!
//! ## Layers
//!
//! The modules form layers, bottom to top. A module uses modules of its
//! own layer or of lower ones, never of a higher one, and no modules form a
//! cycle; `tests/layers.rs` checks both.
//!
//! 0. Foundations: [`diag`] (located diagnostics and "did you mean"),
//!    [`yaml`] (documents that keep positions), [`duration`] (day counts and
//!    lifecycle words), [`json_path`] (paths into an API's JSON),
//!    [`printable`] (data made safe for a terminal or a log line),
//!    [`endpoint`] (the one check of a URL a credential is sent to),
//!    [`excerpt`] (bounded quotes of outside text for messages),
//!    [`template`] (the `http` connector's request templates), [`i18n`]
//!    (every sentence in English and Japanese: the message catalogues).
//! 1. [`resources`]: the resource types, one file per kind. Pure type
//!    definitions: no checks between fields, no knowledge of planning.
//! 2. The data model: [`people`] (the HR snapshot and a person's phase on a
//!    day), [`action`], [`account`] (listings and what a connector can do),
//!    [`plan`] (the plan's data model, the JSON contract), [`discovery`]
//!    (third-party apps the directories report people using), [`history`]
//!    (the listings recorded at each apply, and who had what when), [`roster`]
//!    (everyone keyward has seen, to tell who vanished), and the built-in
//!    label vocabularies ([`vocab`]) and CSV helpers ([`tabular`]).
//! 3. [`load`]: policy files or Kubernetes objects → typed resources with
//!    their origin, and a [`Locator`](load::Locator) that says where each
//!    was declared. Each document is checked on its own.
//! 4. [`compile`]: the checks that need several fields or resources, and
//!    the compiled model planning reads; the [`PolicySet`].
//! 5. [`evaluate`] (which person gets which app, role and groups),
//!    [`correlate`] (which account is whose; [`owners`] the owner of every
//!    listed account, for the audit log), [`grants`] (one person's
//!    grants and the reasons, in words).
//! 6. [`planner`]: [`plan()`] and [`plan_scoped()`], the diff into a plan
//!    with its safety rules and separation of duties; [`approval`] compares
//!    an approved plan with one made now.
//! 7. [`present`] (the plan's renderings, the admin report, review sheets,
//!    inventory, explain, notification digest) and [`policy_test`]
//!    (`keyward test`). Nothing below uses them.

// 0. foundations
pub mod diag;
pub mod duration;
pub mod endpoint;
pub mod excerpt;
// `#[macro_use]`: the modules below write `t!` without naming the crate
// root (the layering test allows no `crate::t`).
#[macro_use]
pub mod i18n;
pub mod json_path;
pub mod printable;
pub mod template;
pub mod yaml;
// 1. resource types
pub mod resources;
// 2. the data model and vocabularies
pub mod account;
pub mod action;
pub mod discovery;
pub mod history;
pub mod names;
pub mod people;
pub mod plan;
pub mod roster;
pub mod tabular;
pub mod vocab;
// 3. loading policy files and objects
pub mod load;
// 4. compilation into the policy set
pub mod compile;
// 5. evaluation and correlation
pub mod correlate;
pub mod evaluate;
pub mod grants;
pub mod hints;
pub mod identity;
pub mod owners;
// 6. the planner
pub mod approval;
pub mod planner;
// 7. presentation and policy tests
pub mod policy_test;
pub mod present;

pub use account::{Account, AccountListing, AccountStatus};
pub use action::Action;
pub use compile::{Loaded, PolicySet};
pub use diag::{Diagnostic, Diagnostics, Location, Severity};
pub use evaluate::selector_warnings;
pub use load::{Named, Origin, SourceFile};
pub use people::{People, Person, Phase, Post};
pub use plan::{Change, Plan, PlanError};
pub use planner::{plan, plan_scoped, plan_with_roster, settle_completions};
