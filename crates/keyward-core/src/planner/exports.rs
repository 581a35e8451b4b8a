//! Warnings about exports made by hand: one older than its app's
//! `maxAge` (its checklist is built from stale accounts), and one dated
//! after the plan's date (a wrong clock, or the wrong column mapped).
//! The age itself is in each app's summary; this only words the warnings.

use crate::i18n::Msg;
use crate::plan::AppSummary;

/// One warning per app whose export is too old or dated in the future,
/// in app order.
pub(super) fn export_warnings(apps: &[AppSummary]) -> Vec<Msg> {
    let mut out = Vec::new();
    for app in apps {
        let Some(e) = &app.export else { continue };
        let Some(finding) = e.finding_message(&app.source) else { continue };
        // Why it matters, and what apply will do about it.
        let m = if e.is_stale() { Msg::new("warning-export-stale") } else { Msg::new("warning-export-future") };
        out.push(m.arg("app", &app.name).arg("finding", finding));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;
    use crate::account::{ExportDate, ExportDateFrom};
    use crate::duration::Days;
    use crate::i18n::Lang;
    use crate::plan::{Counts, ExportAge};

    fn english(apps: &[AppSummary]) -> Vec<String> {
        export_warnings(apps).iter().map(|m| m.render(Lang::En)).collect()
    }

    fn app(exported: jiff::civil::Date, from: ExportDateFrom) -> AppSummary {
        AppSummary {
            name: "crm".into(),
            display_name: "CRM".into(),
            connector: "csvExport".into(),
            source: "crm.csv (utf-8)".into(),
            read_only: true,
            accounts: 3,
            matched: 3,
            orphans: 0,
            protected: 0,
            bots: 0,
            changes: Counts::default(),
            seat_cost: None,
            seats: None,
            export: Some(ExportAge::on(ExportDate { date: exported, from }, Days(30), date(2026, 11, 30))),
        }
    }

    #[test]
    fn an_export_within_its_limit_says_nothing_here() {
        assert!(english(&[app(date(2026, 10, 31), ExportDateFrom::FileModified)]).is_empty(), "30 days is the limit");
        assert!(english(&[app(date(2026, 11, 30), ExportDateFrom::FileModified)]).is_empty());
    }

    #[test]
    fn a_stale_export_names_the_date_its_source_the_age_the_limit_and_the_fix() {
        let w = english(&[app(date(2026, 10, 30), ExportDateFrom::Column { column: "出力日時".into() })]);
        assert_eq!(
            w,
            [
                "crm: the export crm.csv (utf-8) is 31 days old (exported 2026-10-30, from the column `出力日時`); the limit is 30d (spec.connector.csvExport.maxAge): export the accounts again, or raise maxAge. Accounts removed since are still in it and accounts made since are missing; keyward apply refuses this app until then (or with --allow-stale-exports)."
            ]
        );
    }

    #[test]
    fn a_file_modified_after_a_past_plan_date_is_no_warning() {
        // `keyward plan --at 2026-11-23` on a fresh checkout: the files'
        // times are the checkout's, after the plan's date. Normal, not a
        // wrong clock (the README's first command warned for every export).
        let a = app(date(2026, 12, 6), ExportDateFrom::FileModified);
        assert!(!a.export.as_ref().unwrap().is_stale());
        assert!(english(&[a]).is_empty());
    }

    #[test]
    fn an_export_dated_after_the_plan_is_suspicious_but_not_stale() {
        let a = app(date(2026, 12, 2), ExportDateFrom::Column { column: "出力日時".into() });
        assert!(!a.export.as_ref().unwrap().is_stale());
        assert_eq!(
            english(&[a]),
            [
                "crm: the export crm.csv (utf-8) is dated 2 days after the plan's date (exported 2026-12-02, from the column `出力日時`): check the clock of the machine that wrote it, or which column is mapped as columns.exportedAt."
            ]
        );
    }
}
