#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The SCIM connector against request-level stubs shaped as RFC 7644
//! describes them: paging, discovery, ETags, throttling, errors, adoption,
//! vendor profiles and credentials.

#[path = "../common/mod.rs"]
mod common;

mod adoption;
mod changes;
mod credentials;
mod discovery;
mod listing;
mod profiles;
mod support;
mod throttling;
