//! What the `http` connector makes of one record of a listing: the
//! account fields at the JSONPath queries the policy gives, the status
//! through its status words, the role through `roleValues`. Pure; the
//! listing calls it for every record, and so may a fuzz target.

use std::collections::BTreeMap;

use keyward_core::account::{Account, AccountStatus, Text};
use keyward_core::resources::{HttpAccountFields, HttpListing};
use keyward_core::template::scalar_text;
use keyward_core::vocab::LabelMap;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::csv_export::{Meaning, status_map};

/// Most groups kept per account: a record is hostile input.
const MAX_GROUPS: usize = 1000;

/// Longest text kept of one field, in bytes.
const MAX_FIELD_BYTES: usize = 4096;

/// The compiled queries of a listing: compiled once, when the connector
/// is built, and read for every page and record.
#[derive(Debug)]
pub(crate) struct RecordReader {
    pub(crate) records: JsonPath,
    pub(crate) total: Option<JsonPath>,
    /// `paging.cursor.from` and `paging.cursor.hasMore`.
    pub(crate) cursor: Option<(JsonPath, Option<JsonPath>)>,
    /// `paging.nextUrl.from`.
    pub(crate) next_url: Option<JsonPath>,
    /// `lookupRecords`.
    lookup_records: Option<JsonPath>,
    id: Field,
    email: Option<Field>,
    username: Option<Field>,
    display_name: Option<Field>,
    display_name_parts: Vec<JsonPath>,
    external_id: Option<Field>,
    status: Option<Field>,
    role: Option<Field>,
    groups: Option<JsonPath>,
    last_active: Option<JsonPath>,
    bot: Option<JsonPath>,
    /// Flags that override the status: deleted, suspended, invited.
    flags: [(Option<JsonPath>, Meaning); 3],
    attributes: Vec<(String, JsonPath)>,
    statuses: LabelMap<Meaning>,
    /// No `statusValues`: a boolean status is `active: true|false`.
    booleans: bool,
    roles: BTreeMap<String, String>,
}

/// A query and where the policy wrote it, for messages.
#[derive(Debug)]
struct Field {
    path: JsonPath,
    written: String,
}

/// What became of a record.
#[derive(Debug, PartialEq)]
pub(crate) enum Record {
    /// An account.
    Account(Box<Account>),
    /// A deleted account the app still lists: not an account.
    Deleted,
}

pub(crate) fn compile(q: &str, field: &str) -> Result<JsonPath, String> {
    JsonPath::parse(q)
        .map_err(|e| format!("spec.connector.http.{field}: `{q}` is not a JSONPath query: {}", e.message()))
}

impl RecordReader {
    /// Compiles the listing's queries.
    pub(crate) fn new(l: &HttpListing) -> Result<Self, String> {
        let f: &HttpAccountFields = &l.fields;
        let field = |q: &str, name: &str| -> Result<Field, String> {
            Ok(Field { path: compile(q, &format!("accounts.fields.{name}"))?, written: q.to_owned() })
        };
        let opt = |q: &Option<String>, name: &str| q.as_deref().map(|q| field(q, name)).transpose();
        let opt_path = |q: &Option<String>, name: &str| {
            q.as_deref().map(|q| compile(q, &format!("accounts.fields.{name}"))).transpose()
        };
        let paging = l.paging.as_ref();
        let cursor = paging
            .and_then(|p| p.cursor.as_ref())
            .map(|c| -> Result<_, String> {
                let more = c.has_more.as_deref().map(|h| compile(h, "accounts.paging.cursor.hasMore")).transpose()?;
                Ok((compile(&c.from, "accounts.paging.cursor.from")?, more))
            })
            .transpose()?;
        Ok(Self {
            records: compile(&l.records, "accounts.records")?,
            total: l.total.as_deref().map(|t| compile(t, "accounts.total")).transpose()?,
            cursor,
            next_url: paging
                .and_then(|p| p.next_url.as_ref())
                .map(|n| compile(&n.from, "accounts.paging.nextUrl.from"))
                .transpose()?,
            lookup_records: l.lookup_records.as_deref().map(|q| compile(q, "accounts.lookupRecords")).transpose()?,
            id: field(&f.id, "id")?,
            email: opt(&f.email, "email")?,
            username: opt(&f.username, "username")?,
            display_name: opt(&f.display_name, "displayName")?,
            display_name_parts: f
                .display_name_parts
                .iter()
                .map(|q| compile(q, "accounts.fields.displayNameParts"))
                .collect::<Result<_, _>>()?,
            external_id: opt(&f.external_id, "externalId")?,
            status: opt(&f.status, "status")?,
            role: opt(&f.role, "role")?,
            groups: opt_path(&f.groups, "groups")?,
            last_active: opt_path(&f.last_active, "lastActive")?,
            bot: opt_path(&f.bot, "bot")?,
            flags: [
                (opt_path(&f.deleted, "deleted")?, Meaning::Deleted),
                (opt_path(&f.suspended, "suspended")?, Meaning::Suspended),
                (opt_path(&f.invited, "invited")?, Meaning::Invited),
            ],
            attributes: f
                .attributes
                .iter()
                .map(|(k, q)| Ok((k.clone(), compile(q, &format!("accounts.fields.attributes.{k}"))?)))
                .collect::<Result<_, String>>()?,
            statuses: status_map(l.status_values.as_ref()),
            booleans: l.status_values.is_none(),
            roles: l.role_values.clone(),
        })
    }

    /// The records of one page: the nodes `records` selects, or the
    /// elements of the one array it selects. `None` when it selects
    /// nothing: a wrong path, not an empty page.
    pub(crate) fn records<'v>(&self, page: &'v Value) -> Option<Vec<&'v Value>> {
        let nodes = self.records.query(page).all();
        (!nodes.is_empty()).then(|| expand(nodes))
    }

    /// The accounts' records in an answer to the lookup request.
    pub(crate) fn lookup_records<'v>(&self, answer: &'v Value) -> Vec<&'v Value> {
        self.records_at(self.lookup_records.as_ref(), answer)
    }

    /// The records `query` selects in `answer`, or, without one, those
    /// `records` selects (none when it selects nothing).
    pub(crate) fn records_at<'v>(&self, query: Option<&JsonPath>, answer: &'v Value) -> Vec<&'v Value> {
        match query {
            Some(q) => expand(q.query(answer).all()),
            None => self.records(answer).unwrap_or_default(),
        }
    }

    /// One record as an account; an error names the field and says why.
    pub(crate) fn account(&self, record: &Value) -> Result<Record, String> {
        let id = text(record, &self.id.path)
            .ok_or_else(|| format!("a record has no account id at `{}`", self.id.written))?;
        let meaning = match &self.status {
            None => Meaning::Active,
            Some(f) => match text(record, &f.path) {
                None => Meaning::Active,
                Some(raw) if self.booleans && (raw == "true" || raw == "false") => {
                    if raw == "true" {
                        Meaning::Active
                    } else {
                        Meaning::Suspended
                    }
                }
                Some(raw) => *self.statuses.get(&raw).ok_or_else(|| {
                    format!(
                        "account `{}`: the status `{}` at `{}` is not a status keyward knows",
                        keyward_core::excerpt::value(&id, 40),
                        keyward_core::excerpt::value(&raw, 40),
                        f.written
                    )
                })?,
            },
        };
        let flagged =
            self.flags.iter().find(|(q, _)| q.as_ref().and_then(|q| text(record, q)).as_deref() == Some("true"));
        let meaning = flagged.map_or(meaning, |(_, m)| *m);
        if meaning == Meaning::Deleted {
            return Ok(Record::Deleted);
        }
        let get = |f: &Option<Field>| f.as_ref().and_then(|f| text(record, &f.path));
        let display_name = get(&self.display_name).or_else(|| {
            let parts: Vec<String> = self.display_name_parts.iter().filter_map(|q| text(record, q)).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let role = get(&self.role).map(|r| self.roles.get(&r).cloned().unwrap_or(r));
        let mut groups: Vec<Text> = self
            .groups
            .as_ref()
            .map(|q| q.query(record).all().into_iter().filter_map(clipped).take(MAX_GROUPS).map(Text::from).collect())
            .unwrap_or_default();
        groups.sort();
        groups.dedup();
        let bot = meaning == Meaning::Bot
            || self.bot.as_ref().and_then(|q| text(record, q)).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut a = Account::new(id);
        a.email = get(&self.email).map(Text::from);
        a.username = get(&self.username).map(Text::from);
        a.display_name = display_name.map(Text::from);
        a.external_id = get(&self.external_id).map(Text::from);
        a.status = match meaning {
            Meaning::Suspended => AccountStatus::Suspended,
            Meaning::Invited => AccountStatus::Invited,
            _ => AccountStatus::Active,
        };
        a.bot = bot;
        a.role = role.map(Text::from);
        a.groups = groups;
        a.last_active = self.last_active.as_ref().and_then(|q| q.query(record).first()).and_then(day);
        a.attributes = self.attributes.iter().filter_map(|(k, q)| Some((k.clone(), text(record, q)?))).collect();
        Ok(Record::Account(Box::new(a)))
    }

    /// A page's total, when the policy says where it is.
    pub(crate) fn total(&self, page: &Value) -> Option<u64> {
        let v = self.total.as_ref()?.query(page).first()?;
        v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    }
}

/// The records among the nodes a query selected: the elements of the one
/// array it selected, or else the nodes themselves (`$.users` and
/// `$.users[*]` alike).
fn expand(nodes: Vec<&Value>) -> Vec<&Value> {
    match nodes.as_slice() {
        [Value::Array(items)] => items.iter().collect(),
        _ => nodes,
    }
}

/// The first value `q` selects, as trimmed text; `None` for no value,
/// `null`, an empty string, an array or an object.
pub(crate) fn text(record: &Value, q: &JsonPath) -> Option<String> {
    q.query(record).first().and_then(clipped)
}

fn clipped(v: &Value) -> Option<String> {
    let t = scalar_text(v)?;
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    let mut end = t.len().min(MAX_FIELD_BYTES);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    Some(t[..end].to_owned())
}

/// A last-activity value as a day: an RFC 3339 time or a date (the date
/// part is what counts), or seconds or milliseconds since 1970.
fn day(v: &Value) -> Option<jiff::civil::Date> {
    if let Some(n) = v.as_i64() {
        let secs = if n > 100_000_000_000 { n / 1000 } else { n };
        return jiff::Timestamp::from_second(secs).ok().map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    let s = v.as_str()?.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    s.split(['T', ' ']).next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use keyward_core::resources::HttpRequest;
    use serde_json::json;

    use super::*;

    fn reader(status_values: bool) -> RecordReader {
        let mut fields = HttpAccountFields { id: "$.id".into(), ..Default::default() };
        fields.email = Some("$.profile.email".into());
        fields.status = Some("$.active".into());
        fields.role = Some("$.roleId".into());
        fields.groups = Some("$.teams[*].name".into());
        fields.last_active = Some("$.lastLogin".into());
        fields.display_name_parts = vec!["$.last".into(), "$.first".into()];
        fields.attributes.insert("dept".into(), "$.dept".into());
        let l = HttpListing {
            request: HttpRequest { path: "/users".into(), ..Default::default() },
            records: "$.users".into(),
            fields,
            status_values: status_values.then(|| keyward_core::resources::AccountStatusValues {
                active: vec!["true".into()],
                suspended: vec!["false".into()],
                ..Default::default()
            }),
            role_values: [("3".to_owned(), "admin".to_owned())].into(),
            ..Default::default()
        };
        RecordReader::new(&l).unwrap()
    }

    #[test]
    fn a_record_becomes_an_account() {
        let r = reader(true);
        let rec = json!({"id": 42, "profile": {"email": " a@example.com "}, "active": false, "roleId": 3,
            "teams": [{"name": "b"}, {"name": "a"}, {"name": "a"}], "lastLogin": "2026-11-30T23:10:00Z",
            "last": "山田", "first": "太郎", "dept": null});
        let Record::Account(a) = r.account(&rec).unwrap() else { panic!() };
        assert_eq!(a.id, "42");
        assert_eq!(a.email.as_deref(), Some("a@example.com"));
        assert_eq!(a.status, AccountStatus::Suspended);
        assert_eq!(a.role.as_deref(), Some("admin"));
        assert_eq!(a.groups, ["a", "b"]);
        assert_eq!(a.display_name.as_deref(), Some("山田 太郎"));
        assert_eq!(a.last_active.unwrap().to_string(), "2026-11-30");
        assert!(a.attributes.is_empty());
    }

    #[test]
    fn records_without_id_or_with_an_unknown_status_are_errors() {
        let r = reader(true);
        assert!(r.account(&json!({"email": "x"})).unwrap_err().contains("no account id at `$.id`"));
        let e = r.account(&json!({"id": "1", "active": "maybe"})).unwrap_err();
        assert!(e.contains("`maybe`"), "{e}");
    }

    #[test]
    fn the_records_query_takes_an_array_or_its_nodes_and_nothing_is_none() {
        let r = reader(false);
        let page = json!({"users": [{"id": 1}, {"id": 2}]});
        assert_eq!(r.records(&page).unwrap().len(), 2);
        assert!(r.records(&json!({"items": []})).is_none());
        assert_eq!(r.records(&json!({"users": []})).unwrap().len(), 0);
    }

    #[test]
    fn flags_override_the_status() {
        let mut fields = HttpAccountFields { id: "$.id".into(), ..Default::default() };
        fields.suspended = Some("$.isSuspended".into());
        fields.invited = Some("$.isPending".into());
        fields.deleted = Some("$.isDeleted".into());
        let l = HttpListing { records: "$".into(), fields, ..Default::default() };
        let r = RecordReader::new(&l).unwrap();
        let status = |v| match r.account(&v).unwrap() {
            Record::Account(a) => Some(a.status),
            Record::Deleted => None,
        };
        assert_eq!(status(json!({"id": 1, "isSuspended": false})), Some(AccountStatus::Active));
        assert_eq!(status(json!({"id": 1, "isSuspended": true})), Some(AccountStatus::Suspended));
        assert_eq!(status(json!({"id": 1, "isPending": true})), Some(AccountStatus::Invited));
        assert_eq!(status(json!({"id": 1, "isSuspended": true, "isDeleted": true})), None);
    }

    #[test]
    fn epoch_milliseconds_and_dates_are_days() {
        assert_eq!(day(&json!(1_764_547_200_000i64)).unwrap().to_string(), "2025-12-01");
        assert_eq!(day(&json!("2026/11/30")), None);
        assert_eq!(day(&json!("2026-11-30 10:00")).unwrap().to_string(), "2026-11-30");
    }
}
