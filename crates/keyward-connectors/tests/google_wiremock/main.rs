#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Google Workspace connector against request-level stubs shaped as
//! Google documents the Admin SDK Directory API, the Enterprise License
//! Manager API, the Data Transfer API and the OAuth token endpoint: the
//! service account's JWT grant, `pageToken`/`nextPageToken` paging, 403
//! throttling reasons, Google's error body, and the Directory API's
//! `multipart/mixed` batch endpoint.

#[path = "../common/mod.rs"]
mod common;

mod batch_stub;
mod changes;
mod credentials;
mod discover;
mod grants;
mod handover;
mod listing;
mod lookup;
mod revoke;
mod support;
