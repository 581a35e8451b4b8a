#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Okta connector against request-level stubs of Okta's management
//! API: `Link: rel="next"` paging with `after` cursors, deactivated users
//! read through their own filter, groups and members paged, 429 with
//! `X-Rate-Limit-Reset` in epoch seconds, `errorCode`/`errorSummary`/
//! `errorCauses` bodies, the lifecycle calls and their reruns, group
//! membership and the one-person lookup.

#[path = "../common/mod.rs"]
mod common;

mod changes;
mod counts;
mod find;
mod listing;
mod revoke;
mod support;
