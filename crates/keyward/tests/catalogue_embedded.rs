#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The catalogue built into the binary (`src/catalogue.rs`) is the
//! `catalogue/` directory: every definition there is embedded, with the
//! same text, and every embedded one parses.

use std::path::PathBuf;

#[test]
fn every_catalogue_file_is_built_in_with_its_text() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalogue");
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    on_disk.sort();
    let built_in: Vec<(String, String)> =
        keyward::catalogue::FILES.iter().map(|(f, t)| ((*f).to_owned(), (*t).to_owned())).collect();
    assert_eq!(built_in, on_disk, "add the new catalogue file to crates/keyward/src/catalogue.rs");
    assert_eq!(keyward::catalogue::entries().unwrap().len(), on_disk.len());
}
