//! Support shared by the PeopleSource tests against request-level stubs.
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::time::Duration;

use keyward_core::{PolicySet, SourceFile};
use keyward_http::RetryPolicy;

/// Retries with delays short enough for a test.
pub fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        max_total_wait: Duration::from_secs(5),
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}

/// `text` as `people.yaml` in `dir`, where the files it names are.
pub fn load_people_yaml(dir: &Path, text: String) -> PolicySet {
    let file = dir.join("people.yaml").display().to_string();
    match PolicySet::load("test", vec![SourceFile { path: file, text }]) {
        Ok(l) => l.set,
        Err(d) => panic!("the policy does not load:\n{d}"),
    }
}
