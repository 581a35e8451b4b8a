//! A CSV export of the HR master (SmartHR's employee export, or any
//! spreadsheet with one row per person).

use std::collections::BTreeMap;

use keyward_core::diag::Diagnostic;
use keyward_core::i18n::Msg;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{FieldLabels, NameReading, Person, PersonOrigin, Post, SourceInfo};
use keyward_core::resources::{CsvPeopleSource, HrStatus, PeopleSourceSpec};
use keyward_core::tabular::{self, Headers, csv_error, field_count_error, row_error};
use keyward_core::vocab;
pub(crate) use keyward_core::vocab::looks_like_email;

/// How many row errors are reported before giving up on a file.
pub(crate) const MAX_ROW_ERRORS: usize = 50;

/// Column indexes of the mapped fields.
struct Cols {
    id: usize,
    email: Option<usize>,
    name: Option<usize>,
    family_name: Option<usize>,
    given_name: Option<usize>,
    family_name_reading: Option<usize>,
    given_name_reading: Option<usize>,
    departments: Slots,
    titles: Slots,
    employment_type: Option<usize>,
    status: Option<usize>,
    start_date: Option<usize>,
    end_date: Option<usize>,
    manager: Option<usize>,
    moved_on: Option<usize>,
    attributes: Vec<(String, usize)>,
}

/// Where a row's departments (or titles) are: one column whose cell lists
/// them (`department: 部署`, split at the list separator), or one column
/// per post (`departments: [部署1, 部署2]`).
enum Slots {
    /// No column is mapped (or its header is missing, already reported).
    None,
    /// One column, several values in a cell.
    List(usize),
    /// One column per post, in order.
    Columns(Vec<usize>),
}

impl Slots {
    /// The row's values, one slot per post position: a listed cell gives
    /// only its filled values; one column per post keeps an empty cell as
    /// an empty slot, so the n-th title stays with the n-th department.
    fn read(&self, cell: impl Fn(Option<usize>) -> Option<String>, list_sep: &str) -> Vec<Option<String>> {
        match self {
            Self::None => Vec::new(),
            Self::List(i) => cell(Some(*i))
                .map(|c| tabular::split_list(&c, list_sep).map(|v| Some(v.to_owned())).collect())
                .unwrap_or_default(),
            Self::Columns(cols) => cols.iter().map(|i| cell(Some(*i))).collect(),
        }
    }
}

/// Parses the text of an HR CSV export.
///
/// `file` is the data file as the user should see it; `locator` locates
/// mapping errors in the policy file that declares `src`. Every problem is reported
/// with its file, line and column; nothing is guessed.
pub fn parse(
    locator: &Locator,
    src: &Named<PeopleSourceSpec>,
    spec: &CsvPeopleSource,
    source_index: usize,
    file: &str,
    text: &str,
) -> Result<(SourceInfo, Vec<Person>), Vec<Diagnostic>> {
    tabular::empty_file(file, text, Msg::new("data-export-hr-again")).map_err(|d| vec![d])?;
    let delimiter = spec.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header_rec = reader.headers().map_err(|e| vec![csv_error(file, text, &e)])?.clone();
    let headers = Headers::new(header_rec.iter());
    let cols = resolve_columns(locator, spec, file, &headers)?;

    let employment_types = vocab::employment_type_map(&spec.values.employment_type);
    let statuses = vocab::status_map(&spec.values.status);
    let list_sep = spec.list_separator.as_deref().unwrap_or(";");
    let dept_sep = spec.department_separator.as_deref().unwrap_or("/");
    let policy_file = locator.label().to_owned();

    let mut persons = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut record_lines = tabular::RecordLines::new(text);
    let width = headers.names().len();
    let [mut start_col, mut end_col, mut moved_col] =
        std::array::from_fn(|_| tabular::DateColumn::new(&spec.date_formats));
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(file, text, &e));
                break;
            }
        }
        let line = record.position().map_or(0, |p| record_lines.line(p));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != width {
            errors.push(field_count_error(file, line, record.len(), width));
            if errors.len() >= MAX_ROW_ERRORS {
                break;
            }
            continue;
        }
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty());
        let header = |i: usize| headers.names()[i].as_str();
        let mut row_errors = Vec::new();

        let Some(id) = cell(Some(cols.id)) else {
            errors.push(
                row_error(file, line, Some(header(cols.id)), "the employee number is empty")
                    .with_help("every person needs an employee number; fill it in the HR master"),
            );
            continue;
        };
        let email = cell(cols.email).map(str::to_owned);
        if let (Some(e), Some(i)) = (&email, cols.email)
            && !looks_like_email(e)
        {
            row_errors.push(
                row_error(file, line, Some(header(i)), format!("`{}` is not an e-mail address", tabular::quote(e)))
                    .with_help("fix the address in the HR master or leave the cell empty"),
            );
        }
        let name = cell(cols.name).map(str::to_owned).or_else(|| {
            let parts: Vec<&str> = [cell(cols.family_name), cell(cols.given_name)].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let reading = match (cell(cols.family_name_reading), cell(cols.given_name_reading)) {
            (None, None) => None,
            (f, g) => {
                Some(NameReading { family: f.unwrap_or_default().to_owned(), given: g.unwrap_or_default().to_owned() })
            }
        };
        let owned = |i: Option<usize>| cell(i).map(str::to_owned);
        let depts = cols.departments.read(owned, list_sep);
        let depts = depts.into_iter().map(|d| d.map(|d| normalize_department(&d, dept_sep)).filter(|d| !d.is_empty()));
        let posts = pair_posts(depts.collect(), cols.titles.read(owned, list_sep));

        let employment_type = match (cell(cols.employment_type), cols.employment_type) {
            (Some(raw), Some(i)) => match employment_types.get(raw) {
                Some(t) => Some(t.clone()),
                None => {
                    row_errors.push(
                        row_error(
                            file,
                            line,
                            Some(header(i)),
                            format!("unknown employment type `{}`", tabular::quote(raw)),
                        )
                        .with_help(format!(
                            "map it in {policy_file} under `spec.csv.values.employmentType` (e.g. `{}: full-time`)",
                            tabular::quote(raw)
                        )),
                    );
                    None
                }
            },
            _ => None,
        };
        let (status, status_label) = match (cell(cols.status), cols.status) {
            (Some(raw), Some(i)) => match statuses.get(raw) {
                Some(s) => (*s, Some(raw.to_owned())),
                None => {
                    row_errors.push(
                        row_error(file, line, Some(header(i)), format!("unknown status `{}`", tabular::quote(raw))).with_help(format!(
                            "map it in {policy_file} under `spec.csv.values.status` to active, on-leave or terminated"
                        )),
                    );
                    (HrStatus::Active, None)
                }
            },
            _ => (HrStatus::Active, None),
        };
        let mut date = |col: Option<usize>, reader: &mut tabular::DateColumn| -> Option<jiff::civil::Date> {
            let raw = cell(col)?;
            let parsed = reader.parse(raw);
            if parsed.is_none() {
                let i = col.unwrap_or(0);
                row_errors.push(
                    row_error(file, line, Some(header(i)), format!("cannot read the date `{}`", tabular::quote(raw))).with_help(format!(
                        "write it as one of these formats: {} — or add the export's format to `spec.csv.dateFormats` in {policy_file}",
                        tabular::formats_hint(&spec.date_formats)
                    )),
                );
            }
            parsed
        };
        let start_date = date(cols.start_date, &mut start_col);
        let end_date = date(cols.end_date, &mut end_col);
        let moved_on = date(cols.moved_on, &mut moved_col);
        let attributes: BTreeMap<String, String> = cols
            .attributes
            .iter()
            .filter_map(|(name, i)| cell(Some(*i)).map(|v| (name.clone(), v.to_owned())))
            .collect();
        if !row_errors.is_empty() {
            errors.extend(row_errors);
            if errors.len() >= MAX_ROW_ERRORS {
                break;
            }
            continue;
        }
        persons.push(Person {
            id: id.to_owned(),
            previous_ids: Vec::new(),
            reading,
            email,
            name,
            posts,
            employment_type,
            status,
            status_label,
            start_date,
            end_date,
            manager: cell(cols.manager).map(str::to_owned),
            moved_on,
            attributes,
            origin: PersonOrigin { source: source_index, line },
        });
    }
    if !errors.is_empty() {
        if errors.len() >= MAX_ROW_ERRORS {
            errors.push(
                Diagnostic::error(file, None, format!("stopped after {MAX_ROW_ERRORS} errors"))
                    .with_help("fix these first; the export's mapping may be wrong"),
            );
        }
        return Err(errors);
    }
    let labels = FieldLabels {
        status: spec.columns.status.clone(),
        start_date: spec.columns.start_date.clone(),
        end_date: spec.columns.end_date.clone(),
        department: column_label(&spec.columns.department, &spec.columns.departments),
        title: column_label(&spec.columns.title, &spec.columns.titles),
        employment_type: spec.columns.employment_type.clone(),
        moved_on: spec.columns.moved_on.clone(),
    };
    Ok((SourceInfo { name: src.name.clone(), location: file.to_owned(), labels }, persons))
}

fn resolve_columns(
    locator: &Locator,
    spec: &CsvPeopleSource,
    file: &str,
    headers: &Headers,
) -> Result<Cols, Vec<Diagnostic>> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut find = |field: &str, name: &str| -> Option<usize> {
        match headers.find(name) {
            Some(i) => Some(i),
            None => {
                let help = tabular::missing_column_help(headers, name, errors.is_empty(), tabular::ColumnsOf::File);
                errors.push(
                    locator
                        .error_at(&format!("spec.csv.columns.{field}"), tabular::missing_column(name, file))
                        .with_help(help),
                );
                None
            }
        }
    };
    let c = &spec.columns;
    let mut opt = |field: &str, name: &Option<String>| name.as_deref().and_then(|n| find(field, n));
    let id = opt("id", &Some(c.id.clone()));
    // `department: 部署` lists posts in one cell; `departments: [部署1, 部署2]` has a column per post.
    let mut slots = |field: &str, one: &Option<String>, several: &[String]| match one {
        Some(_) => opt(field, one).map_or(Slots::None, Slots::List),
        None => Slots::Columns(
            (several.iter().enumerate())
                .filter_map(|(i, n)| opt(&format!("{field}s[{i}]"), &Some(n.clone())))
                .collect(),
        ),
    };
    let departments = slots("department", &c.department, &c.departments);
    let titles = slots("title", &c.title, &c.titles);
    let cols = Cols {
        id: id.unwrap_or(0),
        email: opt("email", &c.email),
        name: opt("name", &c.name),
        family_name: opt("familyName", &c.family_name),
        given_name: opt("givenName", &c.given_name),
        family_name_reading: opt("familyNameReading", &c.family_name_reading),
        given_name_reading: opt("givenNameReading", &c.given_name_reading),
        departments,
        titles,
        employment_type: opt("employmentType", &c.employment_type),
        status: opt("status", &c.status),
        start_date: opt("startDate", &c.start_date),
        end_date: opt("endDate", &c.end_date),
        manager: opt("manager", &c.manager),
        moved_on: opt("movedOn", &c.moved_on),
        attributes: c
            .attributes
            .iter()
            .filter_map(|(k, v)| find(&format!("attributes.{k}"), v).map(|i| (k.clone(), i)))
            .collect(),
    };
    if errors.is_empty() { Ok(cols) } else { Err(errors) }
}

/// `営業本部 / 第一営業部` with separator `/` (or `＞` etc.) → `営業本部/第一営業部`.
pub(crate) fn normalize_department(raw: &str, sep: &str) -> String {
    raw.split(sep).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
}

/// Departments and titles of concurrent posts are listed in the same order.
/// Extra titles or departments make posts with only one of the two.
pub(crate) fn zip_posts(depts: Vec<String>, titles: Vec<String>) -> Vec<Post> {
    pair_posts(depts.into_iter().map(Some).collect(), titles.into_iter().map(Some).collect())
}

/// The n-th department slot with the n-th title slot makes the n-th post;
/// a position where both are empty (an empty `部署2` with no `役職2`) is no
/// post.
fn pair_posts(depts: Vec<Option<String>>, titles: Vec<Option<String>>) -> Vec<Post> {
    let n = depts.len().max(titles.len());
    let mut d = depts.into_iter();
    let mut t = titles.into_iter();
    (0..n)
        .map(|_| Post { department: d.next().flatten(), title: t.next().flatten() })
        .filter(|p| p.department.is_some() || p.title.is_some())
        .collect()
}

/// The header(s) a field is read from, as reasons name them: `部署`, or
/// `部署1, 部署2` when one column per post is mapped.
fn column_label(one: &Option<String>, several: &[String]) -> Option<String> {
    one.clone().or_else(|| (!several.is_empty()).then(|| several.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_are_normalised() {
        assert_eq!(normalize_department(" 営業本部 ＞ 第一営業部 ", "＞"), "営業本部/第一営業部");
        assert_eq!(normalize_department("営業本部/第一営業部/", "/"), "営業本部/第一営業部");
    }

    #[test]
    fn posts_pair_departments_with_titles_in_order() {
        let posts = zip_posts(vec!["A".into(), "B".into()], vec!["部長".into()]);
        assert_eq!(posts[0], Post { department: Some("A".into()), title: Some("部長".into()) });
        assert_eq!(posts[1], Post { department: Some("B".into()), title: None });
    }

    #[test]
    fn an_empty_position_is_no_post_and_titles_keep_their_position() {
        let posts = pair_posts(vec![Some("A".into()), None, Some("C".into())], vec![None, None, Some("課長".into())]);
        assert_eq!(
            posts,
            vec![
                Post { department: Some("A".into()), title: None },
                Post { department: Some("C".into()), title: Some("課長".into()) }
            ]
        );
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("taro@example.com"));
        assert!(!looks_like_email("taro@example"));
        assert!(!looks_like_email("taro example.com"));
    }
}
