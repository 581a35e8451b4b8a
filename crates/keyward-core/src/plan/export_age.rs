//! How old a hand-made export is on the plan's date, and what that means
//! for the plan (a warning) and for `apply` (a refusal when stale).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::account::ExportDate;
use crate::duration::Days;
use crate::i18n::{Lang, Msg};

/// How old an app's export is on the plan's date, against its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportAge {
    /// The day the export was made, and where that was read.
    #[serde(flatten)]
    pub exported: ExportDate,
    /// Whole days from the export to the plan's date; negative when the
    /// export is dated after it.
    pub age_days: i64,
    /// The limit (`spec.connector.csvExport.maxAge`, or its default).
    pub max_age: Days,
}

impl ExportAge {
    /// The export's age on `today` against `max_age`.
    pub fn on(exported: ExportDate, max_age: Days, today: Date) -> Self {
        // Calendar days between two civil dates; within jiff's range they
        // always fit, and saturate rather than fail if not.
        let age_days = exported.date.until((jiff::Unit::Day, today)).map_or(i64::MAX, |s| i64::from(s.get_days()));
        Self { exported, age_days, max_age }
    }

    /// Older than its limit: apply refuses the app without
    /// `--allow-stale-exports`.
    pub fn is_stale(&self) -> bool {
        self.age_days > i64::from(self.max_age.0)
    }

    /// A date column after the plan's date: a clock or a column is wrong.
    /// A file modified after the plan's date is not: planning a past day
    /// (`--at`) on files checked out or copied since is normal.
    pub fn is_future(&self) -> bool {
        self.age_days < 0 && matches!(self.exported.from, crate::account::ExportDateFrom::Column { .. })
    }

    /// `3 days old`, `1 day old`, `dated 2 days after the plan's date`.
    pub fn age(&self) -> String {
        match self.age_days {
            1 => "1 day old".to_owned(),
            n if n < 0 && !self.is_future() => "modified after the plan's date".to_owned(),
            n if n < 0 => format!("dated {} days after the plan's date", n.unsigned_abs()),
            n => format!("{n} days old"),
        }
    }

    /// `3 days old (exported 2026-11-27, from the file's modification time)`.
    pub fn describe(&self) -> String {
        format!("{} (exported {}, {})", self.age(), self.exported.date, self.exported.from)
    }

    /// What is wrong with the export read from `source`, and what to do
    /// (`None` when nothing is): too old, or dated after the plan.
    pub fn finding(&self, source: &str) -> Option<String> {
        self.finding_message(source).map(|m| m.render(Lang::En))
    }

    /// [`Self::finding`] as a message, to show it in the reader's language.
    pub fn finding_message(&self, source: &str) -> Option<Msg> {
        let m = if self.is_stale() {
            Msg::new("export-finding-stale").arg("limit", self.max_age.to_string())
        } else if self.is_future() {
            Msg::new("export-finding-future")
        } else {
            return None;
        };
        Some(m.arg("source", source).arg("described", self.describe_message()))
    }

    /// [`Self::describe`] as a message.
    fn describe_message(&self) -> Msg {
        let from = match &self.exported.from {
            crate::account::ExportDateFrom::Column { column } => Msg::new("export-from-column").arg("column", column),
            crate::account::ExportDateFrom::FileModified => Msg::new("export-from-file"),
        };
        let age = match self.age_days {
            n if n < 0 && !self.is_future() => Msg::new("export-age-modified-after"),
            n if n < 0 => Msg::new("export-age-future").arg("days", n.unsigned_abs().to_string()),
            n => Msg::new("export-age").arg("count", n).arg("days", n.to_string()),
        };
        Msg::new("export-described").arg("age", age).arg("date", self.exported.date).arg("from", from)
    }
}
