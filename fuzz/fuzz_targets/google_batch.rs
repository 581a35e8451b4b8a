//! A Google Directory API batch answer (`multipart/mixed`, each part a
//! whole HTTP response with `Content-ID: <response-kwN>`), read as the
//! connector reads it: the Content-Type's boundary (`mime`), the parts
//! (`multer`, with its size bound), each part's HTTP response
//! (`httparse`, with its header bound), the ids, throttling, and each
//! successful part's body as JSON. The first byte picks how many calls
//! were sent (1 to 8); the rest is the Content-Type, a `\0`, and the body.
#![no_main]

use keyward_connectors::mapping;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = keyward_fuzz::choice(data) else { return };
    let calls = 1 + usize::from(pick % 8);
    let (content_type, body) = keyward_fuzz::two_parts(rest);
    let Ok(content_type) = std::str::from_utf8(content_type) else { return };
    let Ok(parts) = mapping::google_batch(content_type, body.to_vec(), calls) else { return };
    // An answer that is read answers every call sent, once.
    assert_eq!(parts.len(), calls, "an answer read with a call left out or answered twice");
    let mut seen = vec![false; calls];
    for p in &parts {
        assert!(p.call < calls && !seen[p.call], "a part for call {} of {calls}, or twice", p.call);
        seen[p.call] = true;
        assert!((100..1000).contains(&p.status), "status {}", p.status);
        if (200..300).contains(&p.status) {
            let _ = serde_json::from_slice::<serde_json::Value>(&p.body);
        }
    }
});
