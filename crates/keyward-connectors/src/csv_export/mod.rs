//! The csv-export connector: a user list exported by hand from a SaaS admin
//! screen, for apps without a usable API. It can only read; what the plan
//! asks of such an app becomes a checklist for a human. The listing says
//! when the export was made (`exported_at`, else the file's modification
//! time), so the plan can tell a stale export.

mod exported_at;

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use jiff::civil::Date;
use keyward_core::account::{Account, AccountListing, AccountStatus, ExportDate, ExportDateFrom, Text};
use keyward_core::diag::{Diagnostic, Diagnostics, Location};
use keyward_core::i18n::Msg;
use keyward_core::load::{Locator, Named};
use keyward_core::resources::{AccountStatusValues, ApplicationSpec, CsvExportConnector};
use keyward_core::tabular::{self, Headers, csv_error, field_count_error, row_error};
use keyward_core::vocab::{self, LabelMap};
use rustc_hash::FxHashMap;
use tokio::io::AsyncReadExt as _;

use crate::{Capabilities, Connector, ConnectorError};

/// Meaning of a status value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meaning {
    Active,
    Suspended,
    Invited,
    Bot,
    Deleted,
}

/// The field naming the export.
const PATH_FIELD: &str = "spec.connector.csvExport.path";

/// A parsed mapping, ready to read files.
#[derive(Debug, Clone)]
pub struct CsvExport {
    app: String,
    spec: CsvExportConnector,
    /// The data file as messages name it, resolved against the policy file.
    path: String,
    /// Where the app was declared: what it may read is checked anew at
    /// every listing, so a file swapped for a symlink since is refused.
    locator: Locator,
    /// The policy file that declares the app, for messages.
    policy_file: String,
    /// Mapping errors are located in the policy; keep the set's locations.
    column_locations: HashMap<String, (String, Option<Location>)>,
}

impl CsvExport {
    /// Builds the connector for an Application with a `csvExport` connector.
    pub fn new(locator: &Locator, app: &Named<ApplicationSpec>, spec: &CsvExportConnector) -> Self {
        let mut column_locations = HashMap::new();
        let fields = [
            "id",
            "email",
            "username",
            "displayName",
            "status",
            "role",
            "groups",
            "externalId",
            "lastActive",
            "exportedAt",
        ];
        let mut paths: Vec<String> = fields.iter().map(|f| format!("spec.connector.csvExport.columns.{f}")).collect();
        paths
            .extend(spec.columns.attributes.keys().map(|k| format!("spec.connector.csvExport.columns.attributes.{k}")));
        for p in paths {
            let loc = locator.locate(&p, false);
            column_locations.insert(p, (locator.label().to_owned(), loc));
        }
        Self {
            app: app.name.clone(),
            spec: spec.clone(),
            path: locator.shown_path(PATH_FIELD, &spec.path),
            locator: locator.clone(),
            policy_file: locator.label().to_owned(),
            column_locations,
        }
    }

    /// Parses an export's bytes into a listing; `modified` is the day of
    /// the file's modification time, the export's date when no column
    /// holds one.
    pub fn parse(&self, bytes: Vec<u8>, modified: Option<Date>) -> Result<AccountListing, ConnectorError> {
        let decoded = tabular::decode(&self.path, bytes, self.spec.encoding).map_err(|d| data(vec![d]))?;
        let text = decoded.text;
        tabular::empty_file(&self.path, &text, Msg::new("data-export-accounts-again")).map_err(|d| data(vec![d]))?;
        let delimiter = self.spec.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
        let headers = Headers::new(reader.headers().map_err(|e| data(vec![csv_error(&self.path, &text, &e)]))?.iter());
        let cols = self.resolve(&headers)?;
        let statuses = status_map(self.spec.status_values.as_ref());
        let role_values = LabelMap::new(self.spec.role_values.iter().map(|(k, v)| (k, v.as_str())));
        let sep = self.spec.list_separator.as_deref().unwrap_or(";");
        let width = headers.names().len();

        // One account per line, near enough: sizing the vector up front
        // saves copying (and faulting in) it several times as it grows.
        let rows = text.as_bytes().iter().filter(|&&b| b == b'\n').count();
        let mut accounts = Vec::with_capacity(rows);
        let mut errors = Vec::new();
        let mut lines: Vec<u32> = Vec::with_capacity(rows);
        let mut last_active_col = tabular::DateColumn::new(&[]);
        let mut exported_at = exported_at::ExportedAt::new();
        let mut record = csv::StringRecord::new();
        let mut record_lines = tabular::RecordLines::new(&text);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    errors.push(csv_error(&self.path, &text, &e));
                    break;
                }
            }
            let line = record.position().map_or(0, |p| record_lines.line(p));
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if record.len() != width {
                errors.push(field_count_error(&self.path, line, record.len(), width));
                if errors.len() >= 50 {
                    break;
                }
                continue;
            }
            let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty());
            let field = |i: Option<usize>| cell(i).map(Text::from);
            let email = field(cols.email);
            let username = field(cols.username);
            let Some(id) = field(cols.id).or_else(|| username.clone()).or_else(|| email.clone()) else {
                errors.push(
                    row_error(&self.path, line, None, "the row has no account id, username or e-mail")
                        .with_help("remove the empty row or export again"),
                );
                continue;
            };
            if let (Some(raw), Some(i)) = (cell(cols.exported_at), cols.exported_at)
                && !exported_at.add(raw)
            {
                errors.push(
                    row_error(&self.path, line, Some(&headers.names()[i]), format!("cannot read the export date `{}`", tabular::quote(raw)))
                        .with_help(format!("write it as {}, or map `spec.connector.csvExport.columns.exportedAt` in {} to the column that holds the export's date", exported_at::FORMATS, self.policy_file)),
                );
                continue;
            }
            let meaning = match (cell(cols.status), cols.status) {
                (Some(raw), Some(i)) => match statuses.get(raw) {
                    Some(m) => *m,
                    None => {
                        errors.push(
                            row_error(&self.path, line, Some(&headers.names()[i]), format!("unknown account status `{}`", tabular::quote(raw)))
                                .with_help(format!("say what it means in {} under `spec.connector.csvExport.statusValues` (active, suspended, invited, bot or deleted)", self.policy_file)),
                        );
                        continue;
                    }
                },
                _ => Meaning::Active,
            };
            if meaning == Meaning::Deleted {
                continue;
            }
            // Exports that mix role and state in one column (Slack's
            // `Deactivated`) have no role for accounts that are not active.
            let role_is_status = cols.role.is_some() && cols.role == cols.status;
            let role = cell(cols.role)
                .filter(|_| !role_is_status || matches!(meaning, Meaning::Active | Meaning::Invited))
                .map(|r| Text::from(role_values.get(r).map_or(r, |v| *v)));
            let mut groups: Vec<Text> =
                cell(cols.groups).map(|g| tabular::split_list(g, sep).map(Text::from).collect()).unwrap_or_default();
            groups.sort();
            groups.dedup();
            let last_active = cell(cols.last_active).and_then(|raw| last_active_col.parse(date_part(raw)));
            let attributes: BTreeMap<String, String> =
                cols.attributes.iter().filter_map(|(k, i)| cell(Some(*i)).map(|v| (k.clone(), v.to_owned()))).collect();
            accounts.push(Account {
                id,
                email,
                username,
                display_name: field(cols.display_name),
                external_id: field(cols.external_id),
                status: match meaning {
                    Meaning::Suspended => AccountStatus::Suspended,
                    Meaning::Invited => AccountStatus::Invited,
                    _ => AccountStatus::Active,
                },
                bot: meaning == Meaning::Bot,
                role,
                groups,
                last_active,
                attributes,
                handed_over: None,
                open_grants: None,
                sessions_valid_from: None,
                created: None,
            });
            lines.push(line as u32);
        }
        // Duplicate ids mean the id column is not the account's id.
        let mut seen: FxHashMap<&str, u32> = FxHashMap::with_capacity_and_hasher(accounts.len(), Default::default());
        for (a, &line) in accounts.iter().zip(&lines) {
            if let Some(first) = seen.insert(a.id.as_str(), line) {
                errors.push(
                    row_error(
                        &self.path,
                        line as usize,
                        None,
                        format!("account `{}` appears twice (first on line {first})", tabular::quote(&a.id)),
                    )
                    .with_help("map `columns.id` to a column that is unique per account"),
                );
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|d| d.location.map(|l| l.line));
            return Err(data(errors));
        }
        let listing = AccountListing::new(format!("{} ({})", self.path, decoded.encoding), accounts);
        // A column that is mapped but empty in every row (a header-only
        // export) says nothing: the file's time is all there is.
        let exported = match (exported_at.oldest(), &self.spec.columns.exported_at) {
            (Some(date), Some(column)) => {
                Some(ExportDate { date, from: ExportDateFrom::Column { column: column.clone() } })
            }
            _ => modified.map(|date| ExportDate { date, from: ExportDateFrom::FileModified }),
        };
        Ok(match exported {
            Some(e) => listing.with_export_date(e),
            None => listing,
        })
    }

    fn resolve(&self, headers: &Headers) -> Result<Cols, ConnectorError> {
        let mut errors = Vec::new();
        let mut find = |field: &str, name: Option<&String>| -> Option<usize> {
            let name = name?;
            let found = headers.find(name);
            if found.is_none() {
                let key = format!("spec.connector.csvExport.columns.{field}");
                let (file, loc) =
                    self.column_locations.get(&key).cloned().unwrap_or_else(|| (self.policy_file.clone(), None));
                let help = tabular::missing_column_help(headers, name, errors.is_empty(), tabular::ColumnsOf::Export);
                errors.push(Diagnostic::error(file, loc, tabular::missing_column(name, &self.path)).with_help(help));
            }
            found
        };
        let c = &self.spec.columns;
        let cols = Cols {
            id: find("id", c.id.as_ref()),
            email: find("email", c.email.as_ref()),
            username: find("username", c.username.as_ref()),
            display_name: find("displayName", c.display_name.as_ref()),
            status: find("status", c.status.as_ref()),
            role: find("role", c.role.as_ref()),
            groups: find("groups", c.groups.as_ref()),
            external_id: find("externalId", c.external_id.as_ref()),
            last_active: find("lastActive", c.last_active.as_ref()),
            exported_at: find("exportedAt", c.exported_at.as_ref()),
            attributes: c
                .attributes
                .iter()
                .filter_map(|(k, v)| find(&format!("attributes.{k}"), Some(v)).map(|i| (k.clone(), i)))
                .collect(),
        };
        if errors.is_empty() { Ok(cols) } else { Err(data(errors)) }
    }
}

struct Cols {
    id: Option<usize>,
    email: Option<usize>,
    username: Option<usize>,
    display_name: Option<usize>,
    status: Option<usize>,
    role: Option<usize>,
    groups: Option<usize>,
    external_id: Option<usize>,
    last_active: Option<usize>,
    exported_at: Option<usize>,
    attributes: Vec<(String, usize)>,
}

/// The status words of an account listing: the policy's, else keyward's
/// English and Japanese defaults (the `http` connector's too).
pub(crate) fn status_map(values: Option<&AccountStatusValues>) -> LabelMap<Meaning> {
    fn tag<'a>(vals: impl IntoIterator<Item = &'a str>, m: Meaning) -> impl Iterator<Item = (&'a str, Meaning)> {
        vals.into_iter().map(move |v| (v, m))
    }
    match values {
        Some(v) => LabelMap::new(
            tag(v.active.iter().map(String::as_str), Meaning::Active)
                .chain(tag(v.suspended.iter().map(String::as_str), Meaning::Suspended))
                .chain(tag(v.invited.iter().map(String::as_str), Meaning::Invited))
                .chain(tag(v.bot.iter().map(String::as_str), Meaning::Bot))
                .chain(tag(v.deleted.iter().map(String::as_str), Meaning::Deleted)),
        ),
        None => LabelMap::new(
            tag(vocab::DEFAULT_ACCOUNT_ACTIVE.iter().copied(), Meaning::Active)
                .chain(tag(vocab::DEFAULT_ACCOUNT_SUSPENDED.iter().copied(), Meaning::Suspended))
                .chain(tag(vocab::DEFAULT_ACCOUNT_INVITED.iter().copied(), Meaning::Invited))
                .chain(tag(vocab::DEFAULT_ACCOUNT_BOT.iter().copied(), Meaning::Bot))
                .chain(tag(vocab::DEFAULT_ACCOUNT_DELETED.iter().copied(), Meaning::Deleted)),
        ),
    }
}

/// Last-sign-in cells come as dates or timestamps in many styles; only the
/// date matters (an unreadable one is left empty rather than failing the
/// whole export over an informational column).
fn date_part(raw: &str) -> &str {
    raw.split(['T', ' ']).next().unwrap_or(raw)
}

/// The day of a file's modification time on the machine's calendar, as
/// `keyward plan` takes today's date from the same clock and zone; `None`
/// for a time outside the calendar's range.
fn modified_day(t: std::time::SystemTime) -> Option<Date> {
    jiff::Timestamp::try_from(t).ok().map(|t| t.to_zoned(jiff::tz::TimeZone::system()).date())
}

fn parse_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

fn data(d: Vec<Diagnostic>) -> ConnectorError {
    ConnectorError::Data(Diagnostics(d))
}

#[async_trait]
impl Connector for CsvExport {
    fn kind(&self) -> &'static str {
        "csvExport"
    }

    fn app(&self) -> &str {
        &self.app
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::READ_ONLY
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        // Parsing is CPU-bound: read and parse as many exports at a time as
        // there are cores, so twenty exports are not all in memory at once.
        let _slot = parse_slots().acquire().await.map_err(|e| ConnectorError::Internal(e.to_string()))?;
        let file = keyward_http::resource_files::admit(&self.locator, PATH_FIELD, &self.spec.path)
            .map_err(|why| ConnectorError::NotConfigured { app: self.app.clone(), why })?;
        let io = |error| ConnectorError::Io { app: self.app.clone(), path: file.shown.clone(), error };
        // The time and the bytes of the same open file, so a file replaced
        // in between cannot lend its time to the other's contents.
        let mut f = tokio::fs::File::open(&file.path).await.map_err(io)?;
        let modified = f.metadata().await.and_then(|m| m.modified()).map_err(io)?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).await.map_err(io)?;
        let modified = modified_day(modified);
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.parse(bytes, modified))
            .await
            .map_err(|e| ConnectorError::Internal(format!("the CSV parser stopped: {e}")))?
    }
}
