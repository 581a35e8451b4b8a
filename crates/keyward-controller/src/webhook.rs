//! HR events: who sent them (HMAC) and what they say (which people
//! changed). Pure functions; the HTTP handler in [`crate::http`] calls them.
//!
//! # Authentication
//!
//! The sender signs every request with the shared secret:
//!
//! ```text
//! X-Keyward-Timestamp: 1795425300                 (Unix seconds, when it was sent)
//! X-Keyward-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//! ```
//!
//! The timestamp is inside the signed text, so a captured request cannot be
//! replayed later with a fresh timestamp; requests more than
//! [`MAX_SKEW_SECONDS`] away from the controller's clock are refused, and
//! within that window the same signature is taken once
//! ([`crate::replay`]).
//!
//! # Bodies
//!
//! - keyward's own: `{"type": "person.changed", "person": "E0031"}` or with
//!   `"people": ["E0031", "mika@example.com"]`;
//! - a generic HR webhook: `{"employeeId": "E0031"}` or
//!   `{"email": "mika@example.com"}`.
//!
//! A person is named by employee number (current or previous) or work
//! e-mail, as the HR master has them.

use std::fmt;

use hmac::{KeyInit as _, Mac as _};
use serde_json::Value;

/// Header carrying the Unix time the request was signed at.
pub const TIMESTAMP_HEADER: &str = "x-keyward-timestamp";
/// Header carrying `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "x-keyward-signature";
/// Largest accepted distance, in seconds, between the request's timestamp
/// and the controller's clock.
pub const MAX_SKEW_SECONDS: i64 = 300;
/// Most people one event may name: an event is for a few changes, a bulk
/// change is what the periodic resync is for.
pub const MAX_PEOPLE_PER_EVENT: usize = 100;
/// The event type of keyward's own shape.
pub const PERSON_CHANGED: &str = "person.changed";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The shared secret HR events are signed with. Its `Debug` never shows
/// it, so it cannot end up in a log by accident. The keyed HMAC state
/// signs; the text is held only as a
/// [`Secret`](keyward_connectors::http::Secret), so that it counts among
/// the secrets redacted from the audit log, statuses and logs.
#[derive(Clone)]
pub struct WebhookSecret {
    mac: HmacSha256,
    /// Held, never read: see above.
    _known: keyward_connectors::http::Secret,
}

impl WebhookSecret {
    /// A secret from its text, surrounding whitespace ignored (a secret
    /// file or variable often ends with a newline); `None` when empty: an
    /// empty key would let anyone sign.
    pub fn new(secret: impl Into<String>) -> Option<Self> {
        let s: String = secret.into();
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        // HMAC accepts keys of every length, so this is `Some` for any text.
        let known = keyward_connectors::http::Secret::new(s);
        HmacSha256::new_from_slice(s.as_bytes()).ok().map(|mac| Self { mac, _known: known })
    }

    /// The signature header value for `body` sent at `timestamp`; for
    /// senders and tests.
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        format!("sha256={}", hex::encode(self.mac(timestamp, body).finalize().into_bytes()))
    }

    fn mac(&self, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// Why a request was not accepted as coming from the HR system.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `X-Keyward-Timestamp` header.
    #[error("missing the X-Keyward-Timestamp header (Unix seconds when the request was signed)")]
    MissingTimestamp,
    /// The timestamp is not a whole number of seconds.
    #[error("X-Keyward-Timestamp must be Unix seconds (a whole number)")]
    BadTimestamp,
    /// The timestamp is too far from now: a replay, or a wrong clock.
    #[error(
        "X-Keyward-Timestamp is {skew} s away from the controller's clock (at most {MAX_SKEW_SECONDS} s is accepted); sign each request when sending it, and check the sender's clock"
    )]
    Stale {
        /// Seconds between the timestamp and now.
        skew: i64,
    },
    /// No `X-Keyward-Signature` header.
    #[error("missing the X-Keyward-Signature header (sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">)")]
    MissingSignature,
    /// The signature header is not `sha256=<hex>`.
    #[error("X-Keyward-Signature must be sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">")]
    MalformedSignature,
    /// The signature is not the one the secret gives.
    #[error("the signature does not match: sign \"<timestamp>.<raw body>\" with the shared secret")]
    Mismatch,
}

/// A correctly signed request: when it was signed and its signature,
/// which tells a replay of it apart from a new request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The signed timestamp (Unix seconds).
    pub at: i64,
    /// The HMAC, as bytes.
    pub tag: Vec<u8>,
}

/// Checks a request's timestamp and signature against `secret`, at
/// `now` (Unix seconds). The comparison takes the same time whatever the
/// signature (`Mac::verify_slice`).
pub fn verify(
    secret: &WebhookSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<Signed, AuthError> {
    let timestamp = timestamp.ok_or(AuthError::MissingTimestamp)?;
    let ts: i64 = timestamp.trim().parse().map_err(|_| AuthError::BadTimestamp)?;
    let skew = now.saturating_sub(ts).saturating_abs();
    if skew > MAX_SKEW_SECONDS {
        return Err(AuthError::Stale { skew });
    }
    let signature = signature.ok_or(AuthError::MissingSignature)?;
    let hex_sig = signature.trim().strip_prefix("sha256=").ok_or(AuthError::MalformedSignature)?;
    let tag = hex::decode(hex_sig).map_err(|_| AuthError::MalformedSignature)?;
    secret.mac(ts, body).verify_slice(&tag).map_err(|_| AuthError::Mismatch)?;
    Ok(Signed { at: ts, tag })
}

/// The shapes [`parse_event`] accepts, for error messages.
pub const ACCEPTED_SHAPES: &str = r#"{"type": "person.changed", "person": "E0031"}, {"type": "person.changed", "people": ["E0031", "mika@example.com"]}, {"employeeId": "E0031"} or {"email": "mika@example.com"}"#;

/// Why an event body was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EventError(pub String);

/// The people an event names (employee numbers or e-mails), in order,
/// without duplicates.
pub fn parse_event(body: &[u8]) -> Result<Vec<String>, EventError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| EventError(format!("the body is not JSON ({e}); send one of {ACCEPTED_SHAPES}")))?;
    let Some(obj) = value.as_object() else {
        return Err(EventError(format!("the body must be a JSON object: one of {ACCEPTED_SHAPES}")));
    };
    if let Some(t) = obj.get("type")
        && t.as_str() != Some(PERSON_CHANGED)
    {
        return Err(EventError(format!(
            "unsupported event type {t}: only \"{PERSON_CHANGED}\" is understood; send one of {ACCEPTED_SHAPES}"
        )));
    }
    let mut keys: Vec<String> = Vec::new();
    let mut push = |field: &str, v: &Value| -> Result<(), EventError> {
        match v.as_str().map(str::trim) {
            Some(s) if !s.is_empty() => {
                if !keys.iter().any(|k| k == s) {
                    keys.push(s.to_owned());
                }
                Ok(())
            }
            _ => Err(EventError(format!(
                "`{field}` must be a non-empty string (an employee number or a work e-mail), not {v}"
            ))),
        }
    };
    for field in ["person", "employeeId", "email"] {
        if let Some(v) = obj.get(field) {
            push(field, v)?;
        }
    }
    if let Some(v) = obj.get("people") {
        let Some(list) = v.as_array() else {
            return Err(EventError(format!("`people` must be a list of employee numbers or e-mails, not {v}")));
        };
        for item in list {
            push("people[]", item)?;
        }
    }
    if keys.is_empty() {
        return Err(EventError(format!("the event names nobody; send one of {ACCEPTED_SHAPES}")));
    }
    if keys.len() > MAX_PEOPLE_PER_EVENT {
        return Err(EventError(format!(
            "the event names {} people; at most {MAX_PEOPLE_PER_EVENT} per event (bulk changes are picked up by the periodic resync)",
            keys.len()
        )));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const NOW: i64 = 1_795_425_300;

    fn secret() -> WebhookSecret {
        WebhookSecret::new("s3cret-shared").unwrap()
    }

    #[test]
    fn a_correct_signature_verifies() {
        let body = br#"{"type":"person.changed","person":"E1"}"#;
        let sig = secret().sign(NOW, body);
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64, "{sig}");
        let signed = verify(&secret(), Some(&NOW.to_string()), Some(&sig), body, NOW).unwrap();
        assert_eq!(signed, Signed { at: NOW, tag: hex::decode(&sig[7..]).unwrap() });
        // A little clock skew either way is fine.
        assert_eq!(verify(&secret(), Some(&NOW.to_string()), Some(&sig), body, NOW + 299), Ok(signed.clone()));
        assert_eq!(verify(&secret(), Some(&NOW.to_string()), Some(&sig), body, NOW - 299), Ok(signed));
    }

    #[test]
    fn the_signature_matches_an_independent_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        // Here the data is "<timestamp>.<body>", so split it accordingly.
        let s = WebhookSecret::new("Jefe").unwrap();
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"42.what do ya want for nothing?");
        let want = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(s.sign(42, b"what do ya want for nothing?"), want);
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn tampering_wrong_secrets_and_replays_are_refused() {
        let body = br#"{"employeeId":"E1"}"#;
        let ts = NOW.to_string();
        let sig = secret().sign(NOW, body);
        let other = WebhookSecret::new("another").unwrap();
        assert_eq!(verify(&other, Some(&ts), Some(&sig), body, NOW), Err(AuthError::Mismatch));
        assert_eq!(
            verify(&secret(), Some(&ts), Some(&sig), br#"{"employeeId":"E2"}"#, NOW),
            Err(AuthError::Mismatch),
            "a changed body"
        );
        // The timestamp is signed: moving it forward breaks the signature.
        let later = (NOW + 10).to_string();
        assert_eq!(verify(&secret(), Some(&later), Some(&sig), body, NOW + 10), Err(AuthError::Mismatch));
        assert_eq!(verify(&secret(), Some(&ts), Some(&sig), body, NOW + 301), Err(AuthError::Stale { skew: 301 }));
        assert_eq!(verify(&secret(), Some(&ts), Some(&sig), body, NOW - 400), Err(AuthError::Stale { skew: 400 }));
        assert_eq!(verify(&secret(), None, Some(&sig), body, NOW), Err(AuthError::MissingTimestamp));
        assert_eq!(verify(&secret(), Some("yesterday"), Some(&sig), body, NOW), Err(AuthError::BadTimestamp));
        assert_eq!(verify(&secret(), Some(&ts), None, body, NOW), Err(AuthError::MissingSignature));
        assert_eq!(verify(&secret(), Some(&ts), Some("md5=00"), body, NOW), Err(AuthError::MalformedSignature));
        assert_eq!(verify(&secret(), Some(&ts), Some("sha256=zz"), body, NOW), Err(AuthError::MalformedSignature));
        assert_eq!(verify(&secret(), Some(&ts), Some("sha256=00ff"), body, NOW), Err(AuthError::Mismatch));
        assert!(verify(&secret(), Some("-9223372036854775808"), Some(&sig), body, NOW).is_err());
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let s = secret();
        assert_eq!(format!("{s:?}"), "WebhookSecret(<redacted>)");
        assert_eq!(keyward_connectors::http::redact_known("sent s3cret-shared"), "sent ***");
        assert!(WebhookSecret::new("  ").is_none());
        assert!(WebhookSecret::new("").is_none());
    }

    #[test]
    fn every_accepted_shape_names_its_people() {
        let p = |b: &str| parse_event(b.as_bytes());
        assert_eq!(p(r#"{"type":"person.changed","person":"E0031"}"#).unwrap(), ["E0031"]);
        assert_eq!(
            p(r#"{"type":"person.changed","people":["E1","mika@example.com","E1"]}"#).unwrap(),
            ["E1", "mika@example.com"]
        );
        assert_eq!(p(r#"{"employeeId":" E7 "}"#).unwrap(), ["E7"]);
        assert_eq!(p(r#"{"email":"mika@example.com","extra":{"ignored":true}}"#).unwrap(), ["mika@example.com"]);
    }

    #[test]
    fn unknown_shapes_explain_what_is_accepted() {
        for body in [r#"{"id":"E1"}"#, "[]", "not json", r#"{"type":"person.deleted","person":"E1"}"#] {
            let e = parse_event(body.as_bytes()).unwrap_err().0;
            assert!(e.contains("employeeId") || e.contains("person.changed"), "{body}: {e}");
        }
        let e = parse_event(br#"{"person":""}"#).unwrap_err().0;
        assert!(e.contains("non-empty string"), "{e}");
        let e = parse_event(br#"{"people":"E1"}"#).unwrap_err().0;
        assert!(e.contains("must be a list"), "{e}");
        let many: Vec<String> = (0..101).map(|i| format!("E{i}")).collect();
        let body = serde_json::json!({"type": "person.changed", "people": many}).to_string();
        assert!(parse_event(body.as_bytes()).unwrap_err().0.contains("at most 100"));
    }
}
