//! Finding a secret in text however an app wrote it back.
//!
//! An app that quotes a request in its error (some do, to be helpful) may
//! write the token as it was sent, JSON-escaped (`\/` for `/`, `\u002b`
//! for `+`, in any mix, doubled when the JSON is itself inside a JSON
//! string), percent-encoded (either case of hex, `+` for a space, `%25`
//! for a `%` encoded twice), as HTML character references, or inside the
//! base64 of HTTP basic credentials (`user:secret`). A plain text search
//! for the raw value misses all but the first, and a connector that
//! decodes the JSON afterwards turns the missed forms back into the raw
//! token — which then reached the hash-chained audit log, where it can
//! never be removed. So each secret gets one regular expression that
//! matches every one of these forms character by character, and whatever
//! it matches is replaced by `***` before anything reads the text.
//!
//! Base64 is not character by character: where the secret starts within
//! a 3-byte group changes its encoding, and the bytes before it (the user
//! of basic credentials) change the first characters. For each of the
//! three alignments the characters that depend on the secret alone are
//! searched for, and the whole base64 word around them is redacted.
//!
//! The `regex` crate matches in linear time, so a hostile body cannot make
//! the search slow.

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use regex::Regex;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "***";

/// Secrets shorter than this are not searched for: they cannot be told
/// from ordinary words. The other defences (headers marked sensitive,
/// secrets that print as `***`) still hold for them.
pub(crate) const MIN_CHARS: usize = 4;

/// Below this many bytes a secret's base64 characters are too few to be
/// told from any other base64 text.
const MIN_BASE64_BYTES: usize = 9;

/// A secret longer than this (a whole service-account key file) is
/// searched for as written only: a pattern of every encoding of every
/// character would be large, and an app quotes tokens, not key files.
const MAX_ENCODED_CHARS: usize = 512;

/// The pattern that finds `secret` in every form the module documentation
/// lists, or `None` for a secret too short to search for.
pub(crate) fn finder(secret: &str) -> Option<Regex> {
    if secret.chars().count() < MIN_CHARS {
        return None;
    }
    if secret.chars().count() > MAX_ENCODED_CHARS {
        return Regex::new(&regex::escape(secret)).ok();
    }
    let mut pattern = String::new();
    for c in secret.chars() {
        pattern.push_str(&any_form(c));
    }
    if let Some(b64) = base64_forms(secret.as_bytes()) {
        pattern = format!("{pattern}|{b64}");
    }
    // The pattern is built from escaped pieces, so only a size limit can
    // refuse it; the raw value is still found then.
    Regex::new(&pattern).or_else(|_| Regex::new(&regex::escape(secret))).ok()
}

/// Replaces whatever `finder` matches with `***`.
pub(crate) fn redact<'t>(finder: &Regex, text: &'t str) -> Cow<'t, str> {
    finder.replace_all(text, REDACTED)
}

/// One character in any of its forms: `(?:c|\\+u00XX|%XX|…)`.
fn any_form(c: char) -> String {
    let mut utf8 = [0u8; 4];
    let mut forms = vec![regex::escape(c.encode_utf8(&mut utf8))];
    // JSON: `\uXXXX` per UTF-16 unit; more than one backslash when the
    // JSON was itself quoted in a JSON string.
    let mut units = [0u16; 2];
    forms.push(c.encode_utf16(&mut units).iter().fold(String::new(), |mut s, u| {
        let _ = write!(s, r"\\+u(?i:{u:04x})");
        s
    }));
    let short = match c {
        '/' => Some("/"),
        '"' => Some("\""),
        '\\' => Some(r"\\"),
        '\n' => Some("n"),
        '\r' => Some("r"),
        '\t' => Some("t"),
        '\u{8}' => Some("b"),
        '\u{c}' => Some("f"),
        _ => None,
    };
    if let Some(s) = short {
        forms.push(format!(r"\\+{}", regex::escape(s)));
    }
    // Percent-encoding of each UTF-8 byte, `%25` once per extra round.
    forms.push(c.encode_utf8(&mut utf8).bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "%(?:25)*(?i:{b:02x})");
        s
    }));
    if c == ' ' {
        forms.push(r"\+".to_owned());
    }
    // HTML character references: numeric, and the named ones error pages use.
    forms.push(format!("&#(?:0*{}|[xX]0*(?i:{:x}));", u32::from(c), u32::from(c)));
    let named = match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        _ => None,
    };
    if let Some(n) = named {
        forms.push(n.to_owned());
    }
    format!("(?:{})", forms.join("|"))
}

/// A base64 word holding `secret` at any alignment, standard or URL-safe,
/// perhaps percent-encoded: `[A-Za-z0-9+/_-]*(?:a0|a1|a2)[A-Za-z0-9+/_-]*=*`.
fn base64_forms(secret: &[u8]) -> Option<String> {
    if secret.len() < MIN_BASE64_BYTES {
        return None;
    }
    let inner: Vec<String> = (0..3usize)
        .map(|align| {
            let mut bytes = vec![0u8; align];
            bytes.extend_from_slice(secret);
            let encoded = STANDARD_NO_PAD.encode(&bytes);
            // Characters that also depend on the bytes before the secret
            // (the first group) or after it (a partial last group).
            let start = [0, 2, 3][align];
            let end = encoded.len() - usize::from(bytes.len() % 3 != 0);
            encoded[start..end].chars().map(base64_char).collect()
        })
        .collect();
    let word = r"[A-Za-z0-9+/_\-]*";
    Some(format!("{word}(?:{}){word}=*", inner.join("|")))
}

/// One base64 character as the standard or URL-safe alphabet writes it,
/// percent-encoded or not.
fn base64_char(c: char) -> String {
    match c {
        '+' => r"(?:\+|-|%(?:25)*(?i:2b))".to_owned(),
        '/' => r"(?:/|_|\\+/|%(?:25)*(?i:2f))".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn scrub(secret: &str, text: &str) -> String {
        redact(&finder(secret).unwrap(), text).into_owned()
    }

    #[test]
    fn every_form_of_each_character_is_found() {
        let s = "a/b+c d\"é";
        assert_eq!(scrub(s, "x a/b+c d\"é y"), "x *** y");
        assert_eq!(scrub(s, r#"x a\/b\u002Bc\u0020d\"\u00e9 y"#), "x *** y");
        assert_eq!(scrub(s, r#"x a\\\/b+c d\\\"é y"#), "x *** y");
        assert_eq!(scrub(s, "x a%2Fb%2bc+d%22%C3%A9 y"), "x *** y");
        assert_eq!(scrub(s, "x a%252Fb%2bc%20d%22%c3%a9 y"), "x *** y");
        assert_eq!(scrub(s, "x a&#47;b&#x2B;c d&quot;&#233; y"), "x *** y");
        // A character outside the BMP as a JSON surrogate pair.
        assert_eq!(scrub("tok😀en", r"tok\ud83d\ude00en"), "***");
    }

    #[test]
    fn base64_credentials_are_found_whoever_the_user_is() {
        let secret = "kw/SECRET+tok/9f3c2a91";
        for user in ["", "a", "ab", "svc", "admin@example.com"] {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
            assert_eq!(scrub(secret, &format!("Authorization: Basic {basic}")), "Authorization: Basic ***", "{user}");
            let url_safe = base64::engine::general_purpose::URL_SAFE.encode(format!("{user}:{secret}"));
            assert_eq!(scrub(secret, &format!("b={url_safe}.")), "b=***.", "{user}");
        }
    }

    #[test]
    fn short_secrets_and_other_text_are_left_alone() {
        assert!(finder("abc").is_none());
        assert_eq!(
            scrub("kw/SECRET+tok/9f3c2a91", "kw/SECRET tok/9f3c2a91 and c3ZjOmt3"),
            "kw/SECRET tok/9f3c2a91 and c3ZjOmt3"
        );
        // A long key is found as written.
        let key = "k".repeat(MAX_ENCODED_CHARS + 1);
        assert_eq!(scrub(&key, &format!("<{key}>")), "<***>");
    }
}
