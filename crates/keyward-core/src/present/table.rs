//! One table — headers and rows of text — written as an aligned text
//! table, CSV or a Markdown table, each value escaped for its medium. For
//! the renderings that are nothing but a table (`history`, the leaver
//! report).

use crate::present::escape::{md_text, spreadsheet_cell};
use crate::printable;

/// An aligned text table for a terminal: control characters in values
/// escaped, East Asian wide characters counted as two cells.
pub(crate) fn aligned(headers: &[String], rows: &[Vec<String>]) -> String {
    let shown: Vec<Vec<String>> =
        rows.iter().map(|r| r.iter().map(|v| printable::escape(v).into_owned()).collect()).collect();
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in &shown {
        for (w, v) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(v));
        }
    }
    let mut out = String::new();
    for r in std::iter::once(headers).chain(shown.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (v, w) in r.iter().zip(&widths) {
            line.push_str(v);
            line.push_str(&" ".repeat(w.saturating_sub(width(v)) + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// CSV (RFC 4180 quoting); a cell that would start a spreadsheet formula
/// gets a leading `'`.
pub(crate) fn csv(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| spreadsheet_cell(c).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A GitHub-flavoured Markdown table.
pub(crate) fn markdown(headers: &[String], rows: &[Vec<String>]) -> String {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(headers.iter().map(|h| md_text(h)).collect());
    out.push_str(&line(headers.iter().map(|_| "---".to_owned()).collect()));
    for r in rows {
        out.push_str(&line(r.iter().map(|v| md_text(v)).collect()));
    }
    out
}
