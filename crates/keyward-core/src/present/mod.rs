//! Presentation: everything a person reads — the plan rendered as text,
//! JSON and Markdown (`render`), the admin report and its HTML page
//! (`report`), access review sheets (`review`), the account inventory
//! (`inventory`), one person explained (`explain`), the notification
//! digest (`digest`), the third-party apps the directories report
//! (`discovered`), and who had which account when (`history`).
//!
//! Presentation may use every layer below it, and nothing below uses it.
//! It decides nothing the planner does not: every figure and word is read
//! back from the same selection, correlation and plan, so what a person
//! reads cannot disagree with what `apply` does. Values that come from data
//! are escaped for their medium (`escape`).

pub mod digest;
pub mod discovered;
mod escape;
pub mod explain;
pub mod history;
pub mod inventory;
pub mod leavers;
pub mod render;
pub mod report;
pub mod review;
mod table;
