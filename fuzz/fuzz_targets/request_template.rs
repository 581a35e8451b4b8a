//! The `http` connector's request templates: a path or query template and
//! a JSON body template, parsed and filled with hostile values. Whatever a
//! value holds, it stays inside its own JSON string (the filled body parses
//! back with the value there, byte for byte) and inside one path segment.
//! The input is the template, `\0`, the value.
#![no_main]

use keyward_core::template::{JsonTemplate, Template};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let (template, value) = keyward_fuzz::two_parts(data);
    let (Ok(template), Ok(value)) = (std::str::from_utf8(template), std::str::from_utf8(value)) else { return };
    let values = |name: &str| (name != "missing").then(|| json!(value));
    if let Ok(t) = Template::parse(template) {
        let encoded = t.fill(&values, &|v| v.replace('%', "%25").replace('/', "%2F"));
        if let Ok(text) = encoded {
            // A value never adds a segment: every slash is the template's
            // (placeholder names hold none).
            assert_eq!(text.matches('/').count(), template.matches('/').count(), "{text}");
        }
    }
    if let Ok(t) = JsonTemplate::parse(template) {
        if let Ok(filled) = t.fill(&values) {
            let text = serde_json::to_string(&filled).expect("a filled body serialises");
            let back: Value = serde_json::from_str(&text).expect("a filled body parses back");
            assert_eq!(back, filled);
        }
    }
    // A body that is exactly one placeholder string carries the value as is.
    let one = JsonTemplate::parse(r#"{"v": "{{x}}"}"#).expect("a fixed template parses");
    let filled = one.fill(&values).expect("x has a value");
    let text = serde_json::to_string(&filled).expect("serialises");
    let back: Value = serde_json::from_str(&text).expect("parses back");
    assert_eq!(back["v"].as_str(), Some(value));
});
