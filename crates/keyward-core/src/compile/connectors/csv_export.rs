//! Checks of the `csvExport` connector: the columns of the export and the
//! words of its status column.

use crate::compile::checker::Checker;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::CsvExportConnector;

/// Checks the export's settings; the names of its attribute columns
/// become account fields correlators may use.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, csv: &CsvExportConnector, account_fields: &mut Vec<String>) {
    c.delimiter(o, "spec.connector.csvExport.delimiter", csv.delimiter.as_ref());
    let cols = &csv.columns;
    if cols.id.is_none() && cols.email.is_none() && cols.username.is_none() {
        c.error(o, "spec.connector.csvExport.columns", Msg::new("csv-export-no-id"), Msg::new("csv-export-no-id-help"));
    }
    if let Some(sv) = &csv.status_values {
        super::status_values(c, o, "spec.connector.csvExport.statusValues", sv);
        if csv.columns.status.is_none() {
            c.warn(
                o,
                "spec.connector.csvExport.statusValues",
                Msg::new("csv-export-status-values-unused"),
                Msg::new("csv-export-status-values-unused-help"),
            );
        }
    }
    account_fields.extend(cols.attributes.keys().cloned());
}
