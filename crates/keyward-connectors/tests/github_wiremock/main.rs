#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The GitHub organisation connector against request-level stubs shaped
//! as GitHub's REST documentation describes them: `Link` paging (GitHub's
//! next links name `/organizations/{id}/…`), the headers GitHub asks for,
//! `{"message","documentation_url"}` errors, 422 validation failures and
//! both kinds of rate limit.

mod changes;
mod create;
mod errors;
mod listing;
mod support;
