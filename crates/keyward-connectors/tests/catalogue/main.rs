#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The connector catalogue (`catalogue/*.yaml`): each definition loads
//! without warnings and works against request-level stubs that follow its
//! vendor's documented requests, answers, paging, throttling and errors.

#[path = "../common/mod.rs"]
mod common;
mod harness;

mod r#box;
mod dropbox;
mod hubspot;
mod kintone;
mod line_works;
mod readonly;
mod zendesk;
mod zoom;
