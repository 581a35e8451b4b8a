//! JSON paths as PeopleSources write them (`organizations[primary].department`):
//! parsing, and reading the parsed path from a user's JSON. The input is
//! the path, `\0`, then the JSON.
#![no_main]

use keyward_core::json_path::JsonPath;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (path, json) = keyward_fuzz::two_parts(data);
    let Ok(path) = std::str::from_utf8(path) else { return };
    match JsonPath::parse(path) {
        Err(e) => {
            // The position is a character of the (trimmed) path, 1-based.
            assert!(e.at >= 1 && e.at <= e.path.chars().count() + 1, "{e} at {}", e.at);
            let _ = e.to_string();
        }
        Ok(p) => {
            assert_eq!(p.to_string(), path.trim());
            // What it prints, it reads back the same.
            assert_eq!(JsonPath::parse(p.as_str()).as_ref(), Ok(&p));
            assert!(!p.root().is_empty());
            let Ok(user) = serde_json::from_slice::<Value>(json) else { return };
            let first = p.first(&user);
            let all = p.all(&user);
            if let Some(f) = &first {
                assert!(all.iter().flatten().any(|v| v == f), "first {f:?} not among all {all:?}");
            }
        }
    }
});
