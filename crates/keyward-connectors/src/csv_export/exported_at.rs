//! When an export was made, from a column of the export
//! (`columns.exportedAt`): admin screens write the date the Japanese way
//! or the ISO way, often with the time (`2026/11/30 09:15`,
//! `2026-11-30T09:15:00+09:00`, `2026年11月30日 9時15分`). Only the day
//! counts — an export's age is weighed in days — but the time must still
//! read as a time: a cell keyward cannot read is an error, never a guess.

use jiff::civil::{Date, Time};
use keyward_core::tabular::DateColumn;

/// What a cell of the column must look like, for error messages.
pub(super) const FORMATS: &str = "2026-11-30, 2026/11/30 or 2026年11月30日, optionally followed by a time (09:15, 09:15:00, 9時15分) and an offset (+09:00, Z)";

/// Reads the cells of an export's date column and keeps the oldest: when
/// rows differ (an export assembled from several), the oldest part is as
/// stale as the export is.
#[derive(Debug, Clone)]
pub(super) struct ExportedAt {
    dates: DateColumn,
    oldest: Option<Date>,
}

impl ExportedAt {
    pub(super) fn new() -> Self {
        Self { dates: DateColumn::new(&[]), oldest: None }
    }

    /// Takes one (non-empty) cell; `false` when it does not read as a date
    /// with an optional time.
    pub(super) fn add(&mut self, raw: &str) -> bool {
        let Some(d) = self.read(raw) else { return false };
        self.oldest = Some(self.oldest.map_or(d, |o| o.min(d)));
        true
    }

    /// The oldest day read, if any cell held one.
    pub(super) fn oldest(&self) -> Option<Date> {
        self.oldest
    }

    fn read(&mut self, raw: &str) -> Option<Date> {
        let raw = raw.trim();
        // The date ends at the first separator before a time: `T`, a space
        // or an ideographic space (`2026年11月30日　9時15分`).
        let (day, time) = match raw.find(['T', ' ', '\u{3000}']) {
            Some(i) => {
                let sep = raw[i..].chars().next().map_or(1, char::len_utf8);
                let time = raw[i + sep..].trim();
                if time.is_empty() {
                    return None;
                }
                (&raw[..i], time)
            }
            None => (raw, ""),
        };
        let date = self.dates.parse(day)?;
        if time.is_empty() || is_time(time) { Some(date) } else { None }
    }
}

/// `true` for a time of day, with or without seconds, fractions and an
/// offset from UTC.
fn is_time(s: &str) -> bool {
    let s = strip_offset(s);
    s.parse::<Time>().is_ok()
        || ["%H:%M", "%H:%M:%S", "%H時%M分", "%H時%M分%S秒", "%H時"].iter().any(|f| Time::strptime(f, s).is_ok())
}

/// The time without a trailing `Z` or `±hh:mm` / `±hhmm` / `±hh` offset.
fn strip_offset(s: &str) -> &str {
    if let Some(t) = s.strip_suffix(['Z', 'z']) {
        return t;
    }
    match s.rfind(['+', '-']) {
        Some(i) if i > 0 && s[i + 1..].chars().all(|c| c.is_ascii_digit() || c == ':') && s.len() > i + 2 => &s[..i],
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn japanese_and_iso_dates_with_or_without_a_time() {
        let d = date(2026, 11, 30);
        for s in [
            "2026/11/30",
            "2026-11-30 09:15",
            "2026年11月30日",
            "2026年11月30日 9時15分",
            "2026年11月30日\u{3000}9時15分30秒",
            "2026/11/30 9:15",
            "2026/11/30 09:15:00",
            "2026-11-30T09:15:00+09:00",
            "2026-11-30T00:15:00Z",
            "2026-11-30T09:15:00.123+0900",
            " 2026.11.30 ",
        ] {
            let mut col = ExportedAt::new();
            assert!(col.add(s), "{s}");
            assert_eq!(col.oldest(), Some(d), "{s}");
        }
    }

    #[test]
    fn anything_else_is_not_read_rather_than_guessed() {
        for s in ["30/11/2026", "2026/11/30 noon", "2026/11/30 25:00", "yesterday", "2026-11-30T", "2026/13/01"] {
            assert!(!ExportedAt::new().add(s), "{s}");
        }
    }

    #[test]
    fn the_oldest_row_counts() {
        let mut col = ExportedAt::new();
        for s in ["2026/11/30", "2026/10/02 08:00", "2026/11/01"] {
            assert!(col.add(s));
        }
        assert_eq!(col.oldest(), Some(date(2026, 10, 2)));
    }
}
