//! The csv-export connector: a user list exported by hand from a SaaS admin
//! screen, for apps without a usable API. It can only read; what the plan
//! asks of such an app becomes a checklist for a human.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use keyward_core::account::{Account, AccountListing, AccountStatus};
use keyward_core::diag::{Diagnostic, Diagnostics, Location};
use keyward_core::policy::{Named, PolicySet};
use keyward_core::resources::{AccountStatusValues, ApplicationSpec, CsvExportConnector};
use keyward_core::tabular::{self, Headers, csv_error, field_count_error, row_error};
use keyward_core::vocab;

use crate::{Capabilities, Connector, ConnectorError};

/// Meaning of a status value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Active,
    Suspended,
    Invited,
    Bot,
    Deleted,
}

/// A parsed mapping, ready to read files.
#[derive(Debug, Clone)]
pub struct CsvExport {
    app: String,
    spec: CsvExportConnector,
    /// The data file, resolved against the policy file.
    path: String,
    /// The policy file that declares the app, for messages.
    policy_file: String,
    /// Mapping errors are located in the policy; keep the set's locations.
    column_locations: HashMap<String, (String, Option<Location>)>,
}

impl CsvExport {
    /// Builds the connector for an Application with a `csvExport` connector.
    pub fn new(set: &PolicySet, app: &Named<ApplicationSpec>, spec: &CsvExportConnector) -> Self {
        let mut column_locations = HashMap::new();
        let fields = ["id", "email", "username", "displayName", "status", "role", "groups", "externalId", "lastActive"];
        let mut paths: Vec<String> = fields.iter().map(|f| format!("spec.connector.csvExport.columns.{f}")).collect();
        paths
            .extend(spec.columns.attributes.keys().map(|k| format!("spec.connector.csvExport.columns.attributes.{k}")));
        for p in paths {
            let loc = set.locate(&app.origin, &p, false);
            column_locations.insert(p, (set.origin_label(&app.origin), loc));
        }
        Self {
            app: app.name.clone(),
            spec: spec.clone(),
            path: set.resolve_path(&app.origin, &spec.path),
            policy_file: set.origin_label(&app.origin),
            column_locations,
        }
    }

    /// The data file this connector reads.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Parses an export's bytes into a listing.
    pub fn parse(&self, bytes: Vec<u8>) -> Result<AccountListing, ConnectorError> {
        let decoded = tabular::decode(&self.path, bytes, self.spec.encoding).map_err(|d| data(vec![d]))?;
        let text = decoded.text;
        let delimiter = self.spec.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
        let headers = Headers::new(reader.headers().map_err(|e| data(vec![csv_error(&self.path, &text, &e)]))?.iter());
        let cols = self.resolve(&headers)?;
        let statuses = status_map(self.spec.status_values.as_ref());
        let role_values: HashMap<String, &str> =
            self.spec.role_values.iter().map(|(k, v)| (vocab::label_key(k), v.as_str())).collect();
        let sep = self.spec.list_separator.as_deref().unwrap_or(";");
        let width = headers.names().len();

        let mut accounts = Vec::new();
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    errors.push(csv_error(&self.path, &text, &e));
                    break;
                }
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
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
            let email = cell(cols.email).map(str::to_owned);
            let username = cell(cols.username).map(str::to_owned);
            let Some(id) = cell(cols.id).map(str::to_owned).or_else(|| username.clone()).or_else(|| email.clone())
            else {
                errors.push(
                    row_error(&self.path, line, None, "the row has no account id, username or e-mail")
                        .with_help("remove the empty row or export again"),
                );
                continue;
            };
            let meaning = match (cell(cols.status), cols.status) {
                (Some(raw), Some(i)) => match statuses.get(&vocab::label_key(raw)) {
                    Some(m) => *m,
                    None => {
                        errors.push(
                            row_error(&self.path, line, Some(&headers.names()[i]), format!("unknown account status `{raw}`"))
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
            if let Some(first) = seen.insert(id.clone(), line) {
                errors.push(
                    row_error(&self.path, line, None, format!("account `{id}` appears twice (first on line {first})"))
                        .with_help("map `columns.id` to a column that is unique per account"),
                );
                continue;
            }
            // Exports that mix role and state in one column (Slack's
            // `Deactivated`) have no role for accounts that are not active.
            let role_is_status = cols.role.is_some() && cols.role == cols.status;
            let role = cell(cols.role)
                .filter(|_| !role_is_status || matches!(meaning, Meaning::Active | Meaning::Invited))
                .map(|r| role_values.get(&vocab::label_key(r)).map_or_else(|| r.to_owned(), |v| (*v).to_owned()));
            let mut groups: Vec<String> =
                cell(cols.groups).map(|g| tabular::split_list(g, sep).map(str::to_owned).collect()).unwrap_or_default();
            groups.sort();
            groups.dedup();
            let last_active = cell(cols.last_active).and_then(parse_timestamp_date);
            let attributes: BTreeMap<String, String> =
                cols.attributes.iter().filter_map(|(k, i)| cell(Some(*i)).map(|v| (k.clone(), v.to_owned()))).collect();
            accounts.push(Account {
                id,
                email,
                username,
                display_name: cell(cols.display_name).map(str::to_owned),
                external_id: cell(cols.external_id).map(str::to_owned),
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
            });
        }
        if !errors.is_empty() {
            return Err(data(errors));
        }
        Ok(AccountListing::new(format!("{} ({})", self.path, decoded.encoding), accounts))
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
                let help = match headers.closest(name) {
                    Some(c) => format!("did you mean `{c}`? The export's columns are: {}", headers.names().join(", ")),
                    None => format!("the export's columns are: {}", headers.names().join(", ")),
                };
                errors.push(
                    Diagnostic::error(file, loc, format!("column `{name}` is not in {}", self.path)).with_help(help),
                );
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
    attributes: Vec<(String, usize)>,
}

fn status_map(values: Option<&AccountStatusValues>) -> HashMap<String, Meaning> {
    let mut map = HashMap::new();
    let mut put = |vals: &mut dyn Iterator<Item = &str>, m: Meaning| {
        for v in vals {
            map.insert(vocab::label_key(v), m);
        }
    };
    match values {
        Some(v) => {
            put(&mut v.active.iter().map(String::as_str), Meaning::Active);
            put(&mut v.suspended.iter().map(String::as_str), Meaning::Suspended);
            put(&mut v.invited.iter().map(String::as_str), Meaning::Invited);
            put(&mut v.bot.iter().map(String::as_str), Meaning::Bot);
            put(&mut v.deleted.iter().map(String::as_str), Meaning::Deleted);
        }
        None => {
            put(&mut vocab::DEFAULT_ACCOUNT_ACTIVE.iter().copied(), Meaning::Active);
            put(&mut vocab::DEFAULT_ACCOUNT_SUSPENDED.iter().copied(), Meaning::Suspended);
            put(&mut vocab::DEFAULT_ACCOUNT_INVITED.iter().copied(), Meaning::Invited);
            put(&mut vocab::DEFAULT_ACCOUNT_BOT.iter().copied(), Meaning::Bot);
            put(&mut vocab::DEFAULT_ACCOUNT_DELETED.iter().copied(), Meaning::Deleted);
        }
    }
    map
}

/// Last-sign-in cells come as dates or timestamps in many styles; only the
/// date matters, and an unreadable one is left empty rather than failing
/// the whole export over an informational column.
fn parse_timestamp_date(raw: &str) -> Option<jiff::civil::Date> {
    let date_part = raw.split(['T', ' ']).next().unwrap_or(raw);
    tabular::parse_date(date_part, &[])
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
        Capabilities::read_only()
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let path = self.path.clone();
        let bytes =
            tokio::fs::read(&path).await.map_err(|error| ConnectorError::Io { app: self.app.clone(), path, error })?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.parse(bytes))
            .await
            .map_err(|e| ConnectorError::Internal(format!("the CSV parser stopped: {e}")))?
    }
}
