//! Escaping for values that come from data (names, e-mails, group names,
//! reasons quoting them) before they go into Markdown, HTML or a CSV a
//! spreadsheet opens.
//!
//! A GitHub or GitLab comment is rendered by a GFM parser: a `|` splits a
//! table cell, a newline ends the table row, `<` may open raw HTML, and
//! backticks, asterisks and brackets start inline markup. HR data is typed
//! by people, so any of these can appear in a name.

/// Characters with an inline Markdown meaning, escaped with a backslash
/// (CommonMark allows a backslash before any ASCII punctuation). `~` is
/// GFM strikethrough and `$` GitHub's math.
const BACKSLASHED: &[char] = &['\\', '`', '*', '_', '[', ']', '~', '$'];

/// Inline Markdown text: a table cell, a list item after our own prefix.
/// `|` becomes an entity rather than `\|` because parsers disagree on a
/// backslash before a pipe inside a cell; an entity has no pipe to split on.
pub(crate) fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            c if BACKSLASHED.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c if breaks_line(c) => out.push(' '),
            c if reorders(c) => shown(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A code span (account handles: no autolinks, no mentions, monospace).
/// Code spans take their content literally, so nothing can be escaped in
/// them: a value a code span cannot hold as it is falls back to text.
pub(crate) fn md_code(s: &str) -> String {
    let mut flat = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if breaks_line(c) => flat.push(' '),
            c if reorders(c) => shown(&mut flat, c),
            c => flat.push(c),
        }
    }
    // A backtick would close the span, a pipe split the table cell, and
    // spaces at both ends would be stripped.
    let fits = !flat.is_empty() && !flat.contains(['`', '|']) && !flat.starts_with(' ') && !flat.ends_with(' ');
    if fits { format!("`{flat}`") } else { md_text(s) }
}

/// Text inside raw HTML (the `<summary>` of a collapsible section), where
/// Markdown is not parsed but a blank line would end the HTML block.
pub(crate) fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if breaks_line(c) => out.push(' '),
            c if reorders(c) => shown(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// What makes a spreadsheet read a cell as a formula (OWASP's list for
/// CSV injection): `=1+1`, `+1`, `-1`, `@SUM(…)`, and a tab or carriage
/// return before any of them.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell a spreadsheet shows as text: one that would start a formula
/// gets a leading `'` (OWASP's advice). A cell that starts with `'` before
/// one of those, or before another `'`, gets one too, so that
/// [`from_spreadsheet_cell`] gives back exactly what was written.
pub(crate) fn spreadsheet_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.chars();
    let defuse = match chars.next() {
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || FORMULA_START.contains(&c)),
        Some(c) => FORMULA_START.contains(&c),
        None => false,
    };
    if defuse { format!("'{s}").into() } else { s.into() }
}

/// A cell of a CSV keyward wrote, as it was before [`spreadsheet_cell`].
pub(crate) fn from_spreadsheet_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with('\'') || rest.starts_with(FORMULA_START) => rest,
        _ => s,
    }
}

/// Control characters (newline, carriage return, tab, escape…) and the
/// Unicode line and paragraph separators: all would end or garble a row.
fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// A bidi override, embedding or isolate, or the Arabic letter mark:
/// invisible, it reorders the text around it as a reader sees it (a name
/// that reads as another), so it is shown as an escape instead.
fn reorders(c: char) -> bool {
    crate::printable::is_unsafe(c) && !breaks_line(c)
}

/// `c` written as the terminal renderings write it (`\u{202e}`): a
/// backslash before a letter is literal in Markdown, and nothing in it is
/// markup in HTML.
fn shown(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_ordinary_names_and_e_mails_as_they_are() {
        assert_eq!(md_text("松田 愛"), "松田 愛");
        assert_eq!(md_text("ai.matsuda@example.com"), "ai.matsuda@example.com");
    }

    #[test]
    fn text_cannot_split_a_cell_or_end_a_row() {
        let out = md_text("a|b\nc\r\nd\te");
        assert!(!out.contains(['|', '\n', '\r', '\t']), "{out}");
        assert_eq!(out, "a&#124;b c  d e");
    }

    #[test]
    fn text_cannot_open_html_or_an_autolink() {
        assert_eq!(md_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(md_text("<https://evil.example>"), "&lt;https://evil.example&gt;");
        // An entity typed in the data shows as typed.
        assert_eq!(md_text("&lt;"), "&amp;lt;");
    }

    #[test]
    fn text_escapes_inline_markup() {
        assert_eq!(
            md_text("`x` *y* _z_ [l](u) ~~s~~ $m$ a\\b"),
            "\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u) \\~\\~s\\~\\~ \\$m\\$ a\\\\b"
        );
    }

    #[test]
    fn unicode_line_separators_become_spaces() {
        assert_eq!(md_text("a\u{2028}b\u{2029}c\u{85}d"), "a b c d");
    }

    #[test]
    fn code_spans_hold_plain_handles() {
        assert_eq!(md_code("kenji.ota+test@example.com"), "`kenji.ota+test@example.com`");
        assert_eq!(md_code("<b>&x"), "`<b>&x`");
        assert_eq!(md_code("a\nb"), "`a b`");
    }

    #[test]
    fn a_handle_a_code_span_cannot_hold_falls_back_to_escaped_text() {
        assert_eq!(md_code("a`b"), "a\\`b");
        assert_eq!(md_code("a|b"), "a&#124;b");
        assert_eq!(md_code(" padded "), " padded ");
        assert_eq!(md_code(""), "");
        assert_eq!(md_code("\n"), " ");
    }

    #[test]
    fn spreadsheet_cells_cannot_start_a_formula() {
        for (raw, written) in [
            ("=1+1", "'=1+1"),
            ("+81 3", "'+81 3"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("''", "'''"),
            ("'quoted'", "'quoted'"),
            ("a=1", "a=1"),
            ("松田 愛", "松田 愛"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_cell(raw), written, "{raw:?}");
            assert_eq!(from_spreadsheet_cell(written), raw, "{written:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_spreadsheet_cell_reads_back_as_written(s in "['=+@\t\r-]{0,3}.{0,4}") {
            let written = spreadsheet_cell(&s);
            proptest::prop_assert!(!written.starts_with(FORMULA_START));
            proptest::prop_assert_eq!(from_spreadsheet_cell(&written), s.as_str());
        }
    }

    #[test]
    fn html_text_cannot_close_the_summary_or_end_the_block() {
        assert_eq!(html_text("a</summary><script>\"&\n\nb"), "a&lt;/summary&gt;&lt;script&gt;&quot;&amp;  b");
    }
}
