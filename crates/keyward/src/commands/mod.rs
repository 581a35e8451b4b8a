//! One module per command, each with its arguments (a clap struct) and one
//! `run` that reads what the command needs, hands it to the library
//! crates and writes the result. [`crate::cli`] dispatches to them.
//!
//! Commands decide nothing themselves: plans, explanations, reports and
//! guards come from keyward-core and keyward-apply.

use jiff::civil::Date;

pub mod apply;
pub mod audit;
pub mod checklist;
pub mod completions;
pub mod controller;
pub mod crd;
pub mod discover;
pub mod explain;
pub mod history;
pub mod inventory;
pub mod plan;
pub mod report;
pub mod review;
pub mod schema;
pub mod test;
pub mod validate;

/// Exit code for "the plan has changes" with `--detailed-exitcode`.
pub const EXIT_CHANGES: u8 = 2;
/// Exit code for "some changes were applied, some failed".
pub const EXIT_PARTIAL: u8 = 3;

/// The day a command works for when `--at` is not given. The clock is read
/// here, at the edge, and nowhere below: the core takes the day as input.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}
