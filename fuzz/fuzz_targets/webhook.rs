//! HR events as the controller's `/hr/events` endpoint takes them: the
//! signature headers (`X-Keyward-Timestamp`, `X-Keyward-Signature`) checked
//! against the body, and the body's people. The input is the two header
//! lines, `\0`, then the body.
#![no_main]

use keyward_controller::webhook::{self, MAX_PEOPLE_PER_EVENT, WebhookSecret};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_425_300;

fuzz_target!(|data: &[u8]| {
    let Some(secret) = WebhookSecret::new("fuzz-webhook-secret") else { return };
    let (headers, body) = keyward_fuzz::two_parts(data);
    let headers = String::from_utf8_lossy(headers);
    let mut lines = headers.lines();
    let (timestamp, signature) = (lines.next(), lines.next());
    let _ = webhook::verify(&secret, timestamp, signature, body, NOW).map_err(|e| e.to_string());
    // What the secret signs, it accepts.
    let signed = secret.sign(NOW, body);
    let accepted = webhook::verify(&secret, Some(&NOW.to_string()), Some(&signed), body, NOW);
    assert!(accepted.as_ref().is_ok_and(|s| s.at == NOW), "a signature it made was refused: {accepted:?}");
    match webhook::parse_event(body) {
        Ok(people) => {
            assert!(!people.is_empty() && people.len() <= MAX_PEOPLE_PER_EVENT, "{} people", people.len());
            for (i, p) in people.iter().enumerate() {
                assert!(!p.is_empty() && p.trim() == p, "person {p:?}");
                assert!(!people[..i].contains(p), "{p} twice");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
