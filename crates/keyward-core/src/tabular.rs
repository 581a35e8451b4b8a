//! Shared helpers for CSV exports (HR masters and SaaS user lists): text
//! decoding, header lookup and date parsing. Pure: callers read the bytes.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::diag::{Diagnostic, LineIndex, Location};
use crate::excerpt;
use crate::i18n::Msg;
use crate::resources::TextEncoding;

/// Decoded text and the encoding that was used.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without BOM.
    pub text: String,
    /// `UTF-8` or `Shift_JIS`.
    pub encoding: &'static str,
}

/// Decodes a file's bytes. `auto` accepts UTF-8 with or without BOM and
/// falls back to Shift_JIS (CP932) — what Excel writes on Japanese Windows.
/// A file that is not valid in the chosen encoding is an error, never
/// mojibake that would silently fail to match anybody; the error names the
/// line, column and byte offset where decoding stopped.
pub fn decode(file: &str, bytes: Vec<u8>, encoding: TextEncoding) -> Result<Decoded, Diagnostic> {
    // Each file is validated once and never copied when it is UTF-8.
    let text = match (encoding, String::from_utf8(bytes)) {
        (TextEncoding::Utf8 | TextEncoding::Auto, Ok(text)) => Decoded { text, encoding: "UTF-8" },
        (TextEncoding::Utf8, Err(e)) => {
            let at = Location::of_utf8_byte(e.as_bytes(), e.utf8_error().valid_up_to());
            return Err(Diagnostic::error(file, Some(at), Msg::new("data-not-utf8").arg("where", where_(&at)))
                .with_help(Msg::new("data-not-utf8-help")));
        }
        (TextEncoding::ShiftJis, Ok(text)) => sjis(text.as_bytes()).map_err(|at| {
            Diagnostic::error(file, Some(at), Msg::new("data-not-sjis").arg("where", where_(&at)))
                .with_help(Msg::new("data-not-sjis-help"))
        })?,
        (TextEncoding::ShiftJis, Err(e)) => sjis(e.as_bytes()).map_err(|at| {
            Diagnostic::error(file, Some(at), Msg::new("data-not-sjis").arg("where", where_(&at)))
                .with_help(Msg::new("data-save-as-utf8-help"))
        })?,
        (TextEncoding::Auto, Err(e)) => {
            let utf8 = Location::of_utf8_byte(e.as_bytes(), e.utf8_error().valid_up_to());
            // The encoding that read further is the one the file is most
            // likely in: its error points at the damage.
            sjis(e.as_bytes()).map_err(|sjis| {
                let (first, second) = if sjis.offset >= utf8.offset {
                    (
                        Msg::new("data-as-sjis-at").arg("where", where_(&sjis)),
                        Msg::new("data-as-utf8-offset").arg("offset", utf8.offset.to_string()),
                    )
                } else {
                    (
                        Msg::new("data-as-utf8-at").arg("where", where_(&utf8)),
                        Msg::new("data-as-sjis-offset").arg("offset", sjis.offset.to_string()),
                    )
                };
                let at = if sjis.offset >= utf8.offset { sjis } else { utf8 };
                Diagnostic::error(
                    file,
                    Some(at),
                    Msg::new("data-neither-encoding").arg("first", first).arg("second", second),
                )
                .with_help(Msg::new("data-save-as-utf8-help"))
            })?
        }
    };
    let Decoded { mut text, encoding } = text;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(Decoded { text, encoding })
}

/// `at byte offset 13 (line 2, column 5)`. The numbers are positions,
/// written without thousands separators.
fn where_(at: &Location) -> Msg {
    Msg::new("data-at-byte")
        .arg("offset", at.offset.to_string())
        .arg("line", at.line.to_string())
        .arg("column", at.column.to_string())
}

/// Decodes Shift_JIS (CP932), or says where the first byte it cannot read is.
fn sjis(bytes: &[u8]) -> Result<Decoded, Location> {
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(0));
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(Decoded { text, encoding: "Shift_JIS" }),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let end = read.saturating_sub(usize::from(after));
            let start = end.saturating_sub(usize::from(bad));
            let line_chars = text.rsplit('\n').next().map_or(0, |l| l.chars().count());
            Err(Location::of_byte(bytes, start, usize::from(bad).max(1), |_| line_chars))
        }
        // The buffer was sized for the whole input, so this cannot happen;
        // if it did, the file is not read rather than read in part.
        encoding_rs::DecoderResult::OutputFull => Err(Location::of_byte(bytes, read, 1, |_| 0)),
    }
}

/// Header name → column index.
#[derive(Debug, Clone)]
pub struct Headers {
    names: Vec<String>,
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
}

impl Headers {
    /// Indexes a header record. Names are trimmed; a later duplicate does
    /// not shadow the first.
    pub fn new<'a>(record: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<String> =
            record.into_iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_owned()).collect();
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            exact.entry(n.clone()).or_insert(i);
            folded.entry(n.to_lowercase()).or_insert(i);
        }
        Self { names, exact, folded }
    }

    /// Finds a column by header, exactly, then without regard to case.
    pub fn find(&self, name: &str) -> Option<usize> {
        let n = name.trim();
        self.exact.get(n).or_else(|| self.folded.get(&n.to_lowercase())).copied()
    }

    /// The header names, for "its columns are …" messages.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The closest header to a missing name, if any is close.
    pub fn closest(&self, name: &str) -> Option<&str> {
        // A header over twice as long cannot be half similar: skip it
        // before comparing, so a hostile megabyte-long header costs nothing.
        let longest = 2 * name.chars().count() + 2;
        self.names
            .iter()
            .filter(|h| h.len() <= 4 * longest && h.chars().count() <= longest)
            .map(|h| (strsim::normalized_levenshtein(name, h), h.as_str()))
            .filter(|(s, _)| *s >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, h)| h)
    }
}

/// What a data file with a missing column is, for the help that lists
/// its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnsOf {
    /// A data file (an HR master): "the file's columns".
    File,
    /// An app's user export: "the export's columns".
    Export,
}

/// The error of a mapped column `name` that is not in `file`.
pub fn missing_column(name: &str, file: &str) -> Msg {
    Msg::new("data-column-missing").arg("name", name).arg("file", file)
}

/// The help of a "column `name` is not in FILE" error: the closest
/// header, if one is close, and — on a file's first such error only
/// (`list`) — a short excerpt of its columns. The file is whatever the
/// resource names, so its header is quoted capped and once, never whole
/// and per missing column.
pub fn missing_column_help(headers: &Headers, name: &str, list: bool, of: ColumnsOf) -> Msg {
    let closest = headers.closest(name).map(|c| excerpt::value(c, excerpt::VALUE_CHARS));
    let columns = || excerpt::list_arg(headers.names().iter().map(String::as_str));
    let of = match of {
        ColumnsOf::File => "file",
        ColumnsOf::Export => "export",
    };
    match (closest, list) {
        (Some(c), true) => Msg::new("data-column-close-list").arg("closest", c).arg("of", of).arg("columns", columns()),
        (Some(c), false) => Msg::new("diag-did-you-mean").arg("name", c),
        (None, true) => Msg::new("data-column-list").arg("of", of).arg("columns", columns()),
        (None, false) => Msg::new("data-column-listed-before").arg("of", of),
    }
}

/// Default date formats tried in order.
pub const DEFAULT_DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"];

/// Parses a column of dates, trying first the format that worked last: an
/// export writes every date of a column the same way, so most cells parse
/// at the first attempt.
#[derive(Debug, Clone)]
pub struct DateColumn {
    formats: Vec<String>,
    last: usize,
}

impl DateColumn {
    /// A column read with these formats (the defaults when empty).
    pub fn new(formats: &[String]) -> Self {
        let formats = if formats.is_empty() {
            DEFAULT_DATE_FORMATS.iter().map(|f| (*f).to_owned()).collect()
        } else {
            formats.to_vec()
        };
        Self { formats, last: 0 }
    }

    /// The date in `raw`, if one of the formats reads it.
    pub fn parse(&mut self, raw: &str) -> Option<Date> {
        let s = raw.trim();
        if let Some(d) = self.formats.get(self.last).and_then(|f| Date::strptime(f.as_str(), s).ok()) {
            return Some(d);
        }
        let (i, d) =
            self.formats.iter().enumerate().find_map(|(i, f)| Date::strptime(f.as_str(), s).ok().map(|d| (i, d)))?;
        self.last = i;
        Some(d)
    }
}

/// The formats a date column accepts, for error messages.
pub fn formats_hint(formats: &[String]) -> String {
    let list: Vec<&str> =
        if formats.is_empty() { DEFAULT_DATE_FORMATS.to_vec() } else { formats.iter().map(String::as_str).collect() };
    list.join(", ")
}

/// Splits a multi-value cell on the separator and on line breaks,
/// dropping empty parts.
pub fn split_list<'a>(cell: &'a str, sep: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    cell.split(['\n', '\r']).flat_map(move |line| line.split(sep)).map(str::trim).filter(|s| !s.is_empty())
}

/// The byte order mark keyward puts before a CSV meant for Excel: without
/// it, Excel reads UTF-8 as the machine's code page (Shift_JIS on a
/// Japanese Windows) and garbles every Japanese cell. Review sheets always
/// carry it (they are made for Excel); `inventory --format csv` adds it with
/// `--bom` (its CSV is also read by scripts, which a BOM would trip up).
/// Readers skip it ([`decode`]).
pub const EXCEL_BOM: char = '\u{feff}';

/// `text` (a CSV) with [`EXCEL_BOM`] in front, unless it has one already.
pub fn for_excel(text: &str) -> String {
    if text.starts_with(EXCEL_BOM) { text.to_owned() } else { format!("{EXCEL_BOM}{text}") }
}

/// An error for a data file with no header row: nothing but white space
/// (or nothing at all). Said as such, rather than as every mapped column
/// missing from it; `again` says what to export.
pub fn empty_file(file: &str, text: &str, again: Msg) -> Result<(), Diagnostic> {
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(Diagnostic::error(file, None, Msg::new("data-empty-file").arg("bytes", text.len().to_string()))
            .with_help(Msg::new("data-empty-file-help").arg("again", again)));
    }
    Ok(())
}

/// An error about one row (and optionally one column) of a data file;
/// the column's header is quoted as an excerpt.
pub fn row_error(file: &str, line: usize, column: Option<&str>, message: impl Into<crate::diag::Text>) -> Diagnostic {
    let d = Diagnostic::error(file, Some(Location { line, column: 1, offset: 0, len: 0 }), message);
    match column {
        Some(c) => d.with_column_name(excerpt::value(c, excerpt::VALUE_CHARS)),
        None => d,
    }
}

/// A cell of a data file as an error quotes it: cut, on one line.
pub fn quote(raw: &str) -> String {
    excerpt::value(raw, excerpt::VALUE_CHARS)
}

/// A row whose field count differs from the header's: the file is cut off
/// or a value lost its quotes. Either way the file cannot be trusted.
pub fn field_count_error(file: &str, line: usize, got: usize, want: usize) -> Diagnostic {
    let message = Msg::new("data-field-count").arg("got", got.to_string()).arg("want", want.to_string());
    row_error(file, line, None, message).with_help(Msg::new("data-field-count-help"))
}

/// The lines records start on, as an editor counts them, for records
/// read in order from one text.
///
/// The csv crate's own line count is one too low in CRLF files (SmartHR's
/// and Excel's): a record ends at its `\r`, so the `\n` after it is counted
/// only when the next record is read, after that record's position was
/// taken. A record's byte offset is exact, up to the line breaks (and
/// blank lines) the reader skips before the record's first byte; line
/// feeds are counted from the previous record on, so a whole file costs
/// one pass.
#[derive(Debug, Clone)]
pub struct RecordLines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> RecordLines<'a> {
    /// Lines of `text`, the text the csv reader reads.
    pub fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The 1-based line where the record at `position` starts.
    pub fn line(&mut self, position: &csv::Position) -> usize {
        let mut offset = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(self.text.len());
        while let Some(b'\r' | b'\n') = self.text.get(offset) {
            offset += 1;
        }
        if offset < self.offset {
            // Records are read in order; start over if one is not.
            (self.offset, self.line) = (0, 1);
        }
        self.line += self.text[self.offset..offset].iter().filter(|&&b| b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// A CSV syntax error, located.
pub fn csv_error(file: &str, text: &str, e: &csv::Error) -> Diagnostic {
    let location = e.position().map(|p| LineIndex::new(text).location(text, RecordLines::new(text).line(p), 0, 1));
    Diagnostic::error(file, location, Msg::new("data-csv-unreadable").arg("detail", e.to_string()))
        .with_help(Msg::new("data-csv-unreadable-help"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_shift_jis_decode_to_the_same_text() {
        let text = "社員番号,部署\n0001,営業本部\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (sjis_bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert_eq!(decode("a.csv", with_bom, TextEncoding::Auto).unwrap().text, text);
        let d = decode("a.csv", sjis_bytes.into_owned(), TextEncoding::Auto).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "Shift_JIS");
    }

    #[test]
    fn forced_utf8_rejects_shift_jis() {
        let (sjis_bytes, _, _) = encoding_rs::SHIFT_JIS.encode("部署");
        let err = decode("a.csv", sjis_bytes.into_owned(), TextEncoding::Utf8).unwrap_err();
        assert!(err.message.contains("not valid UTF-8"));
    }

    fn at(d: &Diagnostic) -> Option<(usize, usize, usize)> {
        d.location.map(|l| (l.line, l.column, l.offset))
    }

    #[test]
    fn forced_utf8_names_the_line_column_and_offset_of_the_first_bad_byte() {
        let (bad, _, _) = encoding_rs::SHIFT_JIS.encode("部署");
        let bytes = [b"id,name\r\n1,ab".as_slice(), &bad, b"\r\n"].concat();
        let err = decode("a.csv", bytes, TextEncoding::Utf8).unwrap_err();
        // Line 2, after `1,ab`: column 5, byte 13.
        assert_eq!(at(&err), Some((2, 5, 13)), "{err}");
        assert!(err.message.contains("byte offset 13"), "{err}");
    }

    #[test]
    fn a_byte_neither_encoding_reads_is_located_where_the_likelier_one_stopped() {
        // Shift_JIS up to a byte no encoding has (0xFF) on line 3.
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("社員番号,部署\n0001,営業\n0002,");
        let bytes = [sjis.as_ref(), b"\xff\n"].concat();
        for encoding in [TextEncoding::Auto, TextEncoding::ShiftJis] {
            let err = decode("a.csv", bytes.clone(), encoding).unwrap_err();
            assert_eq!(at(&err), Some((3, 6, sjis.len())), "{err}");
            assert!(err.message.contains(&format!("byte offset {}", sjis.len())), "{err}");
        }
    }

    #[test]
    fn dates_in_japanese_export_styles() {
        let d = jiff::civil::date(2026, 1, 5);
        for s in ["2026-01-05", "2026/1/5", "2026/01/05", "2026年1月5日", " 2026.01.05 "] {
            assert_eq!(DateColumn::new(&[]).parse(s), Some(d), "{s}");
        }
        assert_eq!(DateColumn::new(&[]).parse("05/01/2026"), None);
        assert_eq!(DateColumn::new(&["%d/%m/%Y".to_owned()]).parse("05/01/2026"), Some(d));
    }

    #[test]
    fn date_columns_remember_the_format_that_worked() {
        let mut col = DateColumn::new(&[]);
        assert_eq!(col.parse("2026/11/23"), Some(jiff::civil::date(2026, 11, 23)));
        assert_eq!(col.last, 1);
        assert_eq!(col.parse("2026-11-24"), Some(jiff::civil::date(2026, 11, 24)));
        assert_eq!(col.parse("24.11.2026"), None);
    }

    #[test]
    fn headers_find_trimmed_and_case_folded() {
        let h = Headers::new([" Email ", "社員番号"]);
        assert_eq!(h.find("email"), Some(0));
        assert_eq!(h.find("社員番号"), Some(1));
        assert_eq!(h.closest("社員番"), Some("社員番号"));
    }

    #[test]
    fn record_lines_are_the_same_in_lf_crlf_and_with_blank_lines() {
        for text in ["h\na\nb\n\nc\n", "h\r\na\r\nb\r\n\r\nc\r\n", "h\r\na\r\nb\r\n\r\nc"] {
            let mut lines = RecordLines::new(text);
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let got: Vec<(String, usize)> = reader
                .records()
                .map(|r| r.unwrap())
                .map(|r| (r[0].to_owned(), lines.line(r.position().unwrap())))
                .collect();
            let want = [("a".to_owned(), 2), ("b".to_owned(), 3), ("c".to_owned(), 5)];
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn lists_split_on_separator_and_newlines() {
        let v: Vec<&str> = split_list("営業本部/第一営業部; 経営企画室\n人事部", ";").collect();
        assert_eq!(v, ["営業本部/第一営業部", "経営企画室", "人事部"]);
    }
}
