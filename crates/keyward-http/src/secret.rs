//! [`Secret`], a credential that prints as `***`, and the secrets this
//! process knows, which [`redact_known`] removes from any text.
//!
//! The HTTP client scrubs what it knows a request carried from each error
//! answer (see [`crate::redact`]). That covers the words of an app on
//! their way in; the places where text leaves keyward for good — the
//! hash-chained audit log above all, where a leaked token can never be
//! removed, but also a status, an Event or a log line — need a last line
//! of defence that does not depend on each connector passing the right
//! secrets along. "Known" there means every credential this process holds
//! right now: each [`Secret`] of at least [`KNOWN_MIN_CHARS`] characters
//! registers itself when made (tokens read from the environment, a file or
//! a Kubernetes Secret, client secrets, access tokens fetched, initial
//! passwords), and leaves the register when its last copy is dropped, so
//! the register stays as small as what is in use and a rotated token does
//! not linger.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use regex::Regex;

use crate::redact;

/// Shorter secrets are not registered: [`redact_known`] runs over every
/// audit record and status message, where a short value could be an
/// ordinary word (a test password `secret`, say). The HTTP client still
/// scrubs what a request carried down to [`redact::MIN_CHARS`].
pub const KNOWN_MIN_CHARS: usize = 8;

/// A credential. Its `Debug` and `Display` print `***`, so a token cannot
/// reach a log line, an error or a panic message by formatting. Cheap to
/// clone: clones share the value.
#[derive(Clone)]
pub struct Secret(Arc<Inner>);

struct Inner {
    value: String,
    /// Built on first use: most secrets are never searched for.
    finder: OnceLock<Option<Regex>>,
}

/// Every registered secret still held somewhere.
static KNOWN: Mutex<Vec<Weak<Inner>>> = Mutex::new(Vec::new());

impl Secret {
    /// Wraps a secret value, and registers it with the secrets
    /// [`redact_known`] removes (see the module documentation).
    pub fn new(value: impl Into<String>) -> Self {
        let inner = Arc::new(Inner { value: value.into(), finder: OnceLock::new() });
        if inner.value.chars().count() >= KNOWN_MIN_CHARS {
            let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
            known.retain(|w| w.strong_count() > 0);
            known.push(Arc::downgrade(&inner));
        }
        Self(inner)
    }

    /// The value itself, only for putting it where it is used.
    pub fn expose(&self) -> &str {
        &self.0.value
    }

    /// `text` with this secret, in every form an app may write it back,
    /// replaced by `***`.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.0.finder.get_or_init(|| redact::finder(&self.0.value)) {
            Some(f) => redact::redact(f, text),
            None => Cow::Borrowed(text),
        }
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.value == other.0.value
    }
}

impl Eq for Secret {}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// `text` with each of `secrets` redacted.
pub fn redact_all<'s>(secrets: impl IntoIterator<Item = &'s Secret>, text: &str) -> String {
    secrets.into_iter().fold(text.to_owned(), |text, s| match s.redact(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(scrubbed) => scrubbed,
    })
}

/// `text` with every secret this process holds redacted: the last line of
/// defence before text is written where it stays (see the module
/// documentation).
pub fn redact_known(text: &str) -> Cow<'_, str> {
    let live: Vec<Secret> = {
        let known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
        known.iter().filter_map(Weak::upgrade).map(Secret).collect()
    };
    if live.is_empty() {
        return Cow::Borrowed(text);
    }
    let scrubbed = redact_all(&live, text);
    if scrubbed == text { Cow::Borrowed(text) } else { Cow::Owned(scrubbed) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn secrets_do_not_print_and_compare_by_value() {
        let s = Secret::new("tok-SECRET-123");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        assert_eq!(s, Secret::new("tok-SECRET-123"));
        assert_eq!(s.expose(), "tok-SECRET-123");
    }

    #[test]
    fn known_secrets_are_redacted_while_held() {
        let held = Secret::new("known-0f9e8d7c/held");
        let text = r#"{"echo":"known-0f9e8d7c\/held"}"#;
        assert_eq!(redact_known(text), r#"{"echo":"***"}"#);
        drop(held);
        // Dropped: nothing holds it, so it is no longer known.
        assert_eq!(redact_known(text), text);
        // Too short to register.
        let _short = Secret::new("pass123");
        assert_eq!(redact_known("pass123"), "pass123");
    }
}
