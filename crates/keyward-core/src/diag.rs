//! Diagnostics that point at a place in a file and say how to fix it.
//!
//! Every error a user can cause with a policy file or a data file ends up as a
//! [`Diagnostic`]. The CLI renders them with source snippets; tests compare
//! their `file:line:column` prefix. Displayed, a diagnostic escapes the
//! control characters of the data it quotes ([`crate::printable`]).
//!
//! A diagnostic keeps its English `message` and `help` (what tests, JSON
//! and the controller's conditions read) and, beside them, the same
//! sentences as catalogue messages ([`Msg`]), so a person sees them in
//! their language ([`Diagnostic::render`]). Constructors given a [`Msg`] set
//! both from it, so the English text is always the catalogue's; text not in
//! the catalogue yet (a library's own error) shows in English everywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};
use crate::printable::escape;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Planning cannot go on until this is fixed.
    Error,
    /// Planning goes on, but the user most likely wants to fix this.
    Warning,
}

/// A place in a text file: 1-based line and column (in characters), and the
/// byte range so a renderer can underline it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Byte offset of the start in the file's text.
    pub offset: usize,
    /// Length in bytes of the highlighted range (at least 1 where the file has text there).
    pub len: usize,
}

impl Location {
    /// Where byte `offset` of a file's raw bytes is, for an error about
    /// bytes that could not be decoded: its line (line feeds before it
    /// plus one; a line feed byte is one in UTF-8 and in Shift_JIS) and
    /// its column, one more than the characters `chars` counts in the
    /// bytes of its line before it, which did decode.
    pub fn of_byte(bytes: &[u8], offset: usize, len: usize, chars: impl FnOnce(&[u8]) -> usize) -> Self {
        let before = &bytes[..offset.min(bytes.len())];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        Self { line, column: chars(&before[line_start..]) + 1, offset, len }
    }

    /// [`Location::of_byte`] for a UTF-8 file that is valid up to `offset`
    /// (a byte-order mark is no column).
    pub fn of_utf8_byte(bytes: &[u8], offset: usize) -> Self {
        Self::of_byte(bytes, offset, 1, |line| {
            std::str::from_utf8(line).map_or(0, |s| s.trim_start_matches('\u{feff}').chars().count())
        })
    }
}

/// One problem found in an input, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file as the user named it (relative paths stay relative).
    pub file: String,
    /// Where in the file, when known. CSV data errors name the line and the
    /// column header instead of a character column, see `column_name`.
    pub location: Option<Location>,
    /// For tabular data: the header of the column at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// `message` as a catalogue message, when it is one. Not serialised:
    /// JSON readers get the English text, as before.
    #[serde(skip)]
    pub msg: Option<Box<Msg>>,
    /// `help` as a catalogue message, when it is one.
    #[serde(skip)]
    pub help_msg: Option<Box<Msg>>,
}

/// What a diagnostic says: a catalogue message, or English text that is
/// not one (yet). Constructors take either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A catalogue message; its English rendering is the stored text.
    Msg(Msg),
    /// Text shown as it is in every language.
    Plain(String),
}

impl Text {
    /// The English text and the message, if any.
    fn split(self) -> (String, Option<Box<Msg>>) {
        match self {
            Text::Msg(m) => (m.render(Lang::En), Some(Box::new(m))),
            Text::Plain(s) => (s, None),
        }
    }
}

impl From<Msg> for Text {
    fn from(m: Msg) -> Self {
        Text::Msg(m)
    }
}
impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Plain(s)
    }
}
impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::Plain(s.clone())
    }
}
impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_owned())
    }
}

impl Diagnostic {
    /// An error at a known place.
    pub fn error(file: impl Into<String>, location: Option<Location>, message: impl Into<Text>) -> Self {
        let (message, msg) = message.into().split();
        Self {
            severity: Severity::Error,
            file: file.into(),
            location,
            column_name: None,
            message,
            help: None,
            msg,
            help_msg: None,
        }
    }

    /// A warning at a known place.
    pub fn warning(file: impl Into<String>, location: Option<Location>, message: impl Into<Text>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(file, location, message) }
    }

    /// Adds the sentence that tells the user how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        let (help, msg) = help.into().split();
        self.help = Some(help);
        self.help_msg = msg;
        self
    }

    /// Replaces the message, keeping everything else.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<Text>) -> Self {
        (self.message, self.msg) = message.into().split();
        self
    }

    /// What is wrong, in `lang` (the English text when it is no catalogue message).
    pub fn message_in(&self, lang: Lang) -> String {
        match &self.msg {
            Some(m) if lang != Lang::En => m.render(lang),
            _ => self.message.clone(),
        }
    }

    /// How to fix it, in `lang`.
    pub fn help_in(&self, lang: Lang) -> Option<String> {
        match (&self.help_msg, &self.help) {
            (Some(m), Some(_)) if lang != Lang::En => Some(m.render(lang)),
            (_, help) => help.clone(),
        }
    }

    /// Whether the stored English texts are what their messages render in
    /// English: a message changed after it was made (or a catalogue entry
    /// edited apart from the text tests expect) would read differently in
    /// the two languages' output.
    pub fn is_consistent(&self) -> bool {
        let same = |m: &Option<Box<Msg>>, s: Option<&String>| m.as_ref().is_none_or(|m| Some(&m.render(Lang::En)) == s);
        same(&self.msg, Some(&self.message)) && same(&self.help_msg, self.help.as_ref())
    }

    /// Names the CSV column at fault.
    #[must_use]
    pub fn with_column_name(mut self, column: impl Into<String>) -> Self {
        self.column_name = Some(column.into());
        self
    }

    /// `true` for errors, `false` for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` (or `file:line` / `file`), the prefix editors and CI
    /// annotations understand.
    pub fn position(&self) -> String {
        match (&self.location, &self.column_name) {
            (Some(loc), Some(col)) => format!("{}:{} (column {col})", self.file, loc.line),
            (Some(loc), None) => format!("{}:{}:{}", self.file, loc.line, loc.column),
            (None, Some(col)) => format!("{} (column {col})", self.file),
            (None, None) => self.file.clone(),
        }
    }

    /// [`Diagnostic::position`] in `lang` (only the column label differs).
    pub fn position_in(&self, lang: Lang) -> String {
        match (&self.location, &self.column_name) {
            (Some(loc), Some(col)) => Msg::new("diag-position-line-column-name")
                .arg("file", &self.file)
                .arg("line", loc.line.to_string())
                .arg("column", col)
                .render(lang),
            (None, Some(col)) => {
                Msg::new("diag-position-column-name").arg("file", &self.file).arg("column", col).render(lang)
            }
            _ => self.position(),
        }
    }

    /// The label of the severity in `lang` (`error`, `warning`).
    pub fn severity_label(&self, lang: Lang) -> String {
        match self.severity {
            Severity::Error => Msg::new("diag-error").render(lang),
            Severity::Warning => Msg::new("diag-warning").render(lang),
        }
    }

    /// `file:line:column: error: message` and an indented help line, in
    /// `lang`, data escaped. In English it is the [`Display`](fmt::Display) text.
    pub fn render(&self, lang: Lang) -> String {
        // Messages quote data (a cell, a file name): printed, its control
        // characters are escaped, never sent to the terminal.
        let mut out = format!(
            "{}: {}: {}",
            escape(&self.position_in(lang)),
            self.severity_label(lang),
            escape(&self.message_in(lang))
        );
        if let Some(help) = self.help_in(lang) {
            out.push_str(&format!("\n  {}: {}", Msg::new("diag-help").render(lang), escape(&help)));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// A list of diagnostics that contains at least one error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Every diagnostic rendered in `lang`, one after another.
    pub fn render(&self, lang: Lang) -> String {
        self.0.iter().map(|d| d.render(lang)).collect::<Vec<_>>().join("\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Maps character positions to byte offsets and back, for one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { line_starts }
    }

    /// Location of a 1-based line and 0-based character column, with a
    /// highlighted length of `len_chars` characters (clamped to the line).
    pub fn location(&self, text: &str, line: usize, col0: usize, len_chars: usize) -> Location {
        let line = line.max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.line_starts.get(line).map_or(text.len(), |e| e.saturating_sub(1));
        let line_text = text.get(start..end).unwrap_or("");
        let mut chars = line_text.char_indices().skip(col0);
        let begin = chars.next().map_or(line_text.len(), |(i, _)| i);
        let stop = line_text[begin..].char_indices().nth(len_chars.max(1)).map_or(line_text.len(), |(i, _)| begin + i);
        Location { line, column: col0 + 1, offset: start + begin, len: stop.saturating_sub(begin) }
    }
}

/// "did you mean `x`?" when `bad` is close to one of `candidates`.
pub(crate) fn suggest(bad: &str, candidates: &[&str]) -> Option<String> {
    suggestion(bad, candidates).map(|m| m.render(Lang::En))
}

/// [`suggest`] as a catalogue message.
pub(crate) fn suggestion(bad: &str, candidates: &[&str]) -> Option<Msg> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&bad.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| Msg::new("diag-did-you-mean").arg("name", c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_characters_not_bytes() {
        let text = "a: 1\n部署: 営業\n";
        let idx = LineIndex::new(text);
        let loc = idx.location(text, 2, 4, 2);
        assert_eq!((loc.line, loc.column), (2, 5));
        assert_eq!(&text[loc.offset..loc.offset + loc.len], "営業");
    }

    #[test]
    fn display_names_file_line_column_and_help() {
        let d = Diagnostic::error(
            "policies/apps.yaml",
            Some(Location { line: 3, column: 7, offset: 0, len: 1 }),
            "unknown field `selct`",
        )
        .with_help("did you mean `select`?");
        assert_eq!(
            d.to_string(),
            "policies/apps.yaml:3:7: error: unknown field `selct`\n  help: did you mean `select`?"
        );
    }

    #[test]
    fn a_catalogue_message_renders_in_japanese_and_its_english_text_is_the_stored_one() {
        let d = Diagnostic::error(
            "policies/apps.yaml",
            Some(Location { line: 3, column: 7, offset: 0, len: 1 }),
            Msg::new("load-unknown-kind").arg("kind", "Aplication"),
        )
        .with_help(suggestion("Aplication", &["Application"]).unwrap());
        assert!(d.is_consistent());
        assert_eq!(d.render(Lang::En), d.to_string());
        assert_eq!(d.message, "unknown kind `Aplication`");
        assert_eq!(
            d.render(Lang::Ja),
            "policies/apps.yaml:3:7: エラー: 不明な kind `Aplication` です\n  ヒント: もしかして `Application` ですか？"
        );
        let drifted = Diagnostic { message: "something else".into(), ..d };
        assert!(!drifted.is_consistent());
    }

    #[test]
    fn plain_text_shows_in_english_in_every_language_with_the_frame_translated() {
        let d = Diagnostic::warning("hr.csv", Some(Location { line: 2, column: 1, offset: 0, len: 0 }), "odd")
            .with_column_name("部署");
        assert_eq!(d.render(Lang::Ja), "hr.csv:2（列 部署）: 警告: odd");
        assert_eq!(d.render(Lang::En), "hr.csv:2 (column 部署): warning: odd");
    }
}
