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

/// Every definition in `catalogue/`, the ones without a module of their
/// own included, loads without errors or warnings and builds a connector.
#[tokio::test]
async fn every_definition_loads_without_warnings() {
    let mut names: Vec<String> = std::fs::read_dir(harness::catalogue())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "{names:?}");
    for name in names {
        harness::load(&name).await;
    }
}
