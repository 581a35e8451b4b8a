//! Checks of a `csv` PeopleSource: the file, its columns, date formats
//! and separators.

use std::collections::BTreeSet;

use super::{check_attribute_names, check_value_maps};
use crate::compile::checker::Checker;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::CsvPeopleSource;

/// Checks the settings of a CSV export of the HR master.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, csv: &CsvPeopleSource, types: &mut BTreeSet<String>) {
    c.delimiter(o, "spec.csv.delimiter", csv.delimiter.as_ref());
    if csv.path.trim().is_empty() {
        c.error(
            o,
            "spec.csv.path",
            Msg::new("compile-empty-field").arg("field", "path"),
            Msg::new("compile-csv-path-help"),
        );
    }
    if csv.columns.id.trim().is_empty() {
        c.error(o, "spec.csv.columns.id", Msg::new("compile-csv-id-empty"), Msg::new("compile-csv-id-empty-help"));
    }
    for (i, f) in csv.date_formats.iter().enumerate() {
        let probe = jiff::civil::date(2026, 11, 23);
        let ok = jiff::fmt::strtime::format(f.as_str(), probe)
            .ok()
            .and_then(|s| jiff::civil::Date::strptime(f.as_str(), &s).ok())
            == Some(probe);
        if !ok {
            c.error(
                o,
                &format!("spec.csv.dateFormats[{i}]"),
                Msg::new("compile-csv-bad-date-format").arg("format", f),
                Msg::new("compile-csv-bad-date-format-help"),
            );
        }
    }
    for sep in [("listSeparator", &csv.list_separator), ("departmentSeparator", &csv.department_separator)] {
        if sep.1.as_deref().is_some_and(str::is_empty) {
            c.error(
                o,
                &format!("spec.csv.{}", sep.0),
                Msg::new("compile-empty-field").arg("field", sep.0),
                Msg::new("compile-csv-separator-help"),
            );
        }
    }
    let cols = &csv.columns;
    post_columns(c, o, ("department", "departments"), cols.department.as_ref(), &cols.departments);
    post_columns(c, o, ("title", "titles"), cols.title.as_ref(), &cols.titles);
    check_value_maps(c, o, "spec.csv.values", &csv.values, types);
    check_attribute_names(c, o, "spec.csv.columns.attributes", &csv.columns.attributes);
}

/// A post field is read from one column (`department`) or one column per
/// post (`departments`), never both: a structural schema cannot say
/// "a string or a list", so the two forms are two fields.
fn post_columns(
    c: &mut Checker<'_>,
    o: &Origin,
    (one, several): (&str, &str),
    single: Option<&String>,
    list: &[String],
) {
    if single.is_some() && !list.is_empty() {
        c.error(
            o,
            &format!("spec.csv.columns.{several}"),
            format!("both `{one}` and `{several}` are set"),
            format!(
                "keep `{one}: COLUMN` for one column (several posts in a cell, split at `listSeparator`) or `{several}: [COLUMN1, COLUMN2]` for a column per post, not both"
            ),
        );
    }
    for (i, name) in list.iter().enumerate() {
        if name.trim().is_empty() {
            c.error(
                o,
                &format!("spec.csv.columns.{several}[{i}]"),
                "the column name is empty",
                format!("name the header of the column, or remove the entry from `{several}`"),
            );
        }
    }
}
