//! Text from data, made safe to print on a terminal or in a log line.
//!
//! HR rows, vendor answers and file names are typed by anyone. Printed as
//! they are, a control character in them can clear the screen, move the
//! cursor up to overwrite a line of a plan someone is about to approve,
//! hide text, set the window title, or start a new, forged log line; a
//! bidi override reorders what is shown. Every such character is written
//! as a Rust-style escape instead (`\u{1b}`), so it stays visible and the
//! value can still be recognised.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` would act on a terminal or a log line rather than show:
/// C0 and C1 control characters and DEL, the Unicode line and paragraph
/// separators, and the bidirectional overrides, embeddings and isolates
/// (and the Arabic letter mark).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{61c}')
}

/// `s` with every character that [`is_unsafe`] written as `\u{…}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_but(s, |_| false)
}

/// As [`escape`], but keeping line feeds: for text of several lines that
/// keyward composed (a rendering, an error chain) with data inside.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    escape_but(s, |c| c == '\n')
}

fn escape_but(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && !keep(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with every character that [`is_unsafe`] (line feeds kept) replaced
/// by one of the same length in UTF-8 (`?`, `¿` or `�`), so byte offsets
/// into it still hold: for a source text shown with an underlined span.
pub fn mask_keeping_offsets(s: &str) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && c != '\n';
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                c if !bad(c) => c,
                c if c.len_utf8() == 1 => '?',
                c if c.len_utf8() == 2 => '¿',
                _ => '\u{fffd}',
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_borrowed_as_it_is() {
        for s in ["松田 愛", "ai.matsuda@example.com", "営業本部/第一営業部", "tab-free, quote \" ok"] {
            assert!(matches!(escape(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn terminal_controls_are_escaped_visibly() {
        assert_eq!(escape("a\x1b[2J\r\nb\x07"), "a\\u{1b}[2J\\u{d}\\u{a}b\\u{7}");
        assert_eq!(escape("\u{202e}gnp.exe\u{85}\u{7f}\u{2028}"), "\\u{202e}gnp.exe\\u{85}\\u{7f}\\u{2028}");
        assert_eq!(escape_lines("line one\nline\ttwo\r\n"), "line one\nline\\u{9}two\\u{d}\n");
    }

    #[test]
    fn masking_keeps_every_byte_offset() {
        let s = "a\x1b[2J\u{85}b\u{202e}c\nd";
        let masked = mask_keeping_offsets(s);
        assert_eq!(masked.len(), s.len());
        assert_eq!(masked, "a?[2J¿b\u{fffd}c\nd");
    }
}
