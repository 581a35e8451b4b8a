//! The mapping shared by the directory sources (Google Workspace and
//! Microsoft Graph): a user's JSON → a [`Person`], each HR field read by a
//! [`JsonPath`] the policy names (or the vendor's default), and labels
//! mapped with the same [`vocab`] maps as the CSV and SmartHR readers, so a
//! policy does not change when the HR master does.
//!
//! An unknown label or an unreadable date is an error naming the user and
//! the path, never a guess. A user without an employee number is an error
//! too, unless their status means terminated (a suspended or disabled
//! account with no number is no one keyward can follow) or, in Graph, they
//! are a guest: they are left out of the snapshot, so their accounts are
//! orphans for review.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use keyward_core::compile::PolicySet;
use keyward_core::diag::Diagnostic;
use keyward_core::json_path::JsonPath;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{FieldLabels, Person, PersonOrigin, Post, SourceInfo};
use keyward_core::resources::{HrStatus, PeopleSourceSpec, PeopleValueMaps, UserFieldPaths};
use keyward_core::vocab::{self, LabelMap};
use serde_json::Value;

use crate::csv_people::{MAX_ROW_ERRORS, looks_like_email, normalize_department};

/// Which directory the users come from: its defaults and quirks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vendor {
    /// Google Workspace's Directory API.
    Google,
    /// Microsoft Graph.
    Graph,
}

impl Vendor {
    fn prefix(self) -> &'static str {
        match self {
            Self::Google => "spec.googleWorkspace",
            Self::Graph => "spec.microsoftGraph",
        }
    }

    fn user_word(self) -> &'static str {
        match self {
            Self::Google => "Google user",
            Self::Graph => "Entra user",
        }
    }

    fn defaults(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Google => keyward_core::resources::GOOGLE_DEFAULT_PATHS,
            Self::Graph => keyward_core::resources::GRAPH_DEFAULT_PATHS,
        }
    }

    /// The status labels the account's state is read as, and what they
    /// mean unless the policy maps them otherwise.
    fn status_defaults(self) -> &'static [(&'static str, HrStatus)] {
        match self {
            Self::Google => {
                &[("active", HrStatus::Active), ("suspended", HrStatus::Terminated), ("archived", HrStatus::Terminated)]
            }
            Self::Graph => &[("enabled", HrStatus::Active), ("disabled", HrStatus::Terminated)],
        }
    }

    /// Where the derived status comes from, as reasons quote it.
    fn status_field(self) -> &'static str {
        match self {
            Self::Google => "suspended",
            Self::Graph => "accountEnabled",
        }
    }
}

/// The paths of one source, defaults filled in.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    pub(crate) id: JsonPath,
    pub(crate) email: Option<JsonPath>,
    /// Graph's default e-mail falls back to the userPrincipalName.
    email_fallback: Option<JsonPath>,
    name: Option<JsonPath>,
    department: Option<JsonPath>,
    title: Option<JsonPath>,
    employment_type: Option<JsonPath>,
    status: Option<JsonPath>,
    start_date: Option<JsonPath>,
    end_date: Option<JsonPath>,
    pub(crate) manager: Option<JsonPath>,
    moved_on: Option<JsonPath>,
    attributes: Vec<(String, JsonPath)>,
}

impl Paths {
    /// The policy's paths over the vendor's defaults; the error names the
    /// field whose path cannot be parsed (validation reports it first).
    pub(crate) fn new(
        vendor: Vendor,
        fields: &UserFieldPaths,
        attributes: &BTreeMap<String, String>,
    ) -> Result<Self, String> {
        let named = fields.named();
        let pick = |field: &str| -> Result<Option<JsonPath>, String> {
            let written = named.iter().find(|(n, _)| *n == field).and_then(|(_, p)| *p).map(String::as_str);
            let default = vendor.defaults().iter().find(|(n, _)| *n == field).map(|(_, p)| *p);
            match written.or(default) {
                // An empty path turns a default off: the field is not read.
                Some(p) if p.trim().is_empty() && field != "id" => Ok(None),
                Some(p) => JsonPath::parse(p)
                    .map(Some)
                    .map_err(|e| format!("{}.fields.{field}: `{p}` is not a path: {e}", vendor.prefix())),
                None => Ok(None),
            }
        };
        let id = pick("id")?.ok_or_else(|| format!("{}.fields.id has no path", vendor.prefix()))?;
        let email_fallback = (vendor == Vendor::Graph && fields.email.is_none())
            .then(|| JsonPath::parse("userPrincipalName"))
            .transpose()
            .map_err(|e| e.to_string())?;
        let attributes = attributes
            .iter()
            .map(|(name, p)| {
                JsonPath::parse(p)
                    .map(|path| (name.clone(), path))
                    .map_err(|e| format!("{}.attributes.{name}: `{p}` is not a path: {e}", vendor.prefix()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id,
            email: pick("email")?,
            email_fallback,
            name: pick("name")?,
            department: pick("department")?,
            title: pick("title")?,
            employment_type: pick("employmentType")?,
            status: pick("status")?,
            start_date: pick("startDate")?,
            end_date: pick("endDate")?,
            manager: pick("manager")?,
            moved_on: pick("movedOn")?,
            attributes,
        })
    }

    /// Every path, for the properties a request must ask for.
    pub(crate) fn all(&self) -> Vec<&JsonPath> {
        let fields = [
            Some(&self.id),
            self.email.as_ref(),
            self.email_fallback.as_ref(),
            self.name.as_ref(),
            self.department.as_ref(),
            self.title.as_ref(),
            self.employment_type.as_ref(),
            self.status.as_ref(),
            self.start_date.as_ref(),
            self.end_date.as_ref(),
            self.manager.as_ref(),
            self.moved_on.as_ref(),
        ];
        fields.into_iter().flatten().chain(self.attributes.iter().map(|(_, p)| p)).collect()
    }
}

/// What mapping one source's users needs.
pub(crate) struct UserMapping {
    pub(crate) vendor: Vendor,
    pub(crate) source_name: String,
    pub(crate) location: String,
    pub(crate) policy_file: String,
    pub(crate) paths: Paths,
    pub(crate) employment_types: LabelMap<String>,
    pub(crate) statuses: LabelMap<HrStatus>,
    pub(crate) time_zone: TimeZone,
    pub(crate) source_index: usize,
}

impl UserMapping {
    /// The mapping of one PeopleSource, named in messages by `location`:
    /// its paths over the vendor's defaults, label maps and time zone. A
    /// path or time zone that cannot be used is the source's
    /// `NotConfigured` error (validation normally reports it first).
    #[allow(clippy::too_many_arguments)] // the parts of one source's spec; a struct would only rename them
    pub(crate) fn new(
        vendor: Vendor,
        locator: &Locator,
        index: usize,
        src: &Named<PeopleSourceSpec>,
        location: String,
        fields: &UserFieldPaths,
        attributes: &BTreeMap<String, String>,
        values: &PeopleValueMaps,
        time_zone_name: Option<&str>,
    ) -> Result<Self, crate::SourceError> {
        let not_configured = |why: String| crate::SourceError::NotConfigured { source_name: src.name.clone(), why };
        let paths = Paths::new(vendor, fields, attributes).map_err(not_configured)?;
        let time_zone =
            time_zone(time_zone_name).map_err(|why| not_configured(format!("{why} ({}.timeZone)", vendor.prefix())))?;
        let (employment_types, statuses) = Self::label_maps(vendor, values);
        Ok(Self {
            vendor,
            source_name: src.name.clone(),
            location,
            policy_file: locator.label().to_owned(),
            paths,
            employment_types,
            statuses,
            time_zone,
            source_index: index,
        })
    }

    /// [`Self::map_users`], its problems as the source's data error.
    pub(crate) fn map<'a>(
        &self,
        users: impl IntoIterator<Item = &'a Value>,
    ) -> Result<(SourceInfo, Vec<Person>), crate::SourceError> {
        self.map_users(users).map_err(|d| crate::SourceError::Data(keyward_core::diag::Diagnostics(d)))
    }

    /// The label maps: built-in, then the vendor's account-state labels,
    /// then the policy's, later ones winning.
    fn label_maps(vendor: Vendor, values: &PeopleValueMaps) -> (LabelMap<String>, LabelMap<HrStatus>) {
        let mut statuses: BTreeMap<String, HrStatus> =
            vendor.status_defaults().iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        statuses.extend(values.status.iter().map(|(k, v)| (k.clone(), *v)));
        (vocab::employment_type_map(&values.employment_type), vocab::status_map(&statuses))
    }

    /// Field names as reasons quote them ("left 2026-03-31 (employeeLeaveDateTime)").
    pub(crate) fn labels(&self) -> FieldLabels {
        let s = |p: &Option<JsonPath>| p.as_ref().map(|p| p.as_str().to_owned());
        FieldLabels {
            status: s(&self.paths.status).or_else(|| Some(self.vendor.status_field().to_owned())),
            start_date: s(&self.paths.start_date),
            end_date: s(&self.paths.end_date),
            department: s(&self.paths.department),
            title: s(&self.paths.title),
            employment_type: s(&self.paths.employment_type),
            moved_on: s(&self.paths.moved_on),
        }
    }

    /// Maps every user. Every problem is reported, up to a limit. Users are
    /// borrowed one by one, so a delta state is mapped where it is kept,
    /// without a copy.
    pub(crate) fn map_users<'a>(
        &self,
        users: impl IntoIterator<Item = &'a Value>,
    ) -> Result<(SourceInfo, Vec<Person>), Vec<Diagnostic>> {
        let users = users.into_iter();
        let mut errors = Vec::new();
        let mut persons = Vec::with_capacity(users.size_hint().0);
        let mut by_id: HashMap<String, String> = HashMap::new();
        for user in users {
            if errors.len() >= MAX_ROW_ERRORS {
                errors.push(
                    Diagnostic::error(&self.location, None, format!("stopped after {MAX_ROW_ERRORS} errors"))
                        .with_help("fix these first; the mapping in the PeopleSource may be wrong"),
                );
                break;
            }
            match self.person(user) {
                Ok(Some(p)) => {
                    let who = self.who(user);
                    if let Some(other) = by_id.insert(p.id.clone(), who.clone()) {
                        errors.push(
                            Diagnostic::error(
                                &self.location,
                                None,
                                format!(
                                    "employee number `{}` ({}) is held by two users, {other} and {who}",
                                    p.id, self.paths.id
                                ),
                            )
                            .with_help("give each person their own employee number in the directory; an old, suspended account that kept the number of a new one must have it cleared"),
                        );
                    }
                    persons.push(p);
                }
                Ok(None) => {}
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let info =
            SourceInfo { name: self.source_name.clone(), location: self.location.clone(), labels: self.labels() };
        Ok((info, persons))
    }

    /// `Google user taro@example.com`, by the address it signs in with.
    fn who(&self, user: &Value) -> String {
        let key = ["primaryEmail", "userPrincipalName", "mail", "id"]
            .iter()
            .find_map(|k| user.get(*k).and_then(keyward_core::json_path::scalar))
            .unwrap_or_else(|| "without an id".to_owned());
        format!("{} {key}", self.vendor.user_word())
    }

    /// The status label the user's account state reads as, unless a path
    /// names where HR keeps it.
    fn status_label(&self, user: &Value) -> Result<Option<String>, String> {
        if let Some(p) = &self.paths.status {
            return Ok(p.first(user));
        }
        let flag = |k: &str| user.get(k).and_then(Value::as_bool);
        match self.vendor {
            Vendor::Google if flag("archived") == Some(true) => Ok(Some("archived".to_owned())),
            Vendor::Google if flag("suspended") == Some(true) => Ok(Some("suspended".to_owned())),
            Vendor::Google => Ok(Some("active".to_owned())),
            Vendor::Graph => match flag("accountEnabled") {
                Some(true) => Ok(Some("enabled".to_owned())),
                Some(false) => Ok(Some("disabled".to_owned())),
                None => {
                    Err("accountEnabled is missing, so keyward cannot tell whether the account is enabled".to_owned())
                }
            },
        }
    }

    fn person(&self, user: &Value) -> Result<Option<Person>, Vec<Diagnostic>> {
        let who = self.who(user);
        let mut errors = Vec::new();
        let diag = |message: String, help: String| {
            Diagnostic::error(&self.location, None, format!("{who}: {message}")).with_help(help)
        };
        if self.vendor == Vendor::Graph && user.get("userType").and_then(Value::as_str) == Some("Guest") {
            return Ok(None);
        }
        let prefix = self.vendor.prefix();

        let (status, status_label) = match self.status_label(user) {
            Ok(Some(raw)) => match self.statuses.get(&raw) {
                Some(s) => (*s, Some(raw)),
                None => {
                    let path = self.paths.status.as_ref().map_or(self.vendor.status_field(), JsonPath::as_str);
                    errors.push(diag(
                        format!("unknown status `{raw}` in {path}"),
                        format!(
                            "map it in {} under `{prefix}.values.status` to active, on-leave or terminated (e.g. `{raw}: active`)",
                            self.policy_file
                        ),
                    ));
                    (HrStatus::Active, None)
                }
            },
            Ok(None) => (HrStatus::Active, None),
            Err(why) => {
                errors.push(diag(
                    why,
                    format!("keyward asks Graph for accountEnabled itself; check that {prefix}.graphUrl is Graph"),
                ));
                (HrStatus::Active, None)
            }
        };

        let Some(id) = self.paths.id.first(user) else {
            if status == HrStatus::Terminated && errors.is_empty() {
                tracing::debug!(user = %who, "left out: a terminated account without an employee number");
                return Ok(None);
            }
            errors.push(diag(
                format!("has no employee number in {}", self.paths.id),
                match self.vendor {
                    Vendor::Google => "fill in the Employee ID (Admin console > user > Employee information), point `spec.googleWorkspace.fields.id` at where it is kept, or leave service accounts out with `orgUnitPath` or `query`".to_owned(),
                    Vendor::Graph => "fill in the user's employeeId in Entra, or point `spec.microsoftGraph.fields.id` at where it is kept; disabled accounts and guests without one are left out".to_owned(),
                },
            ));
            return Err(errors);
        };

        let email = self.paths.email.as_ref().and_then(|p| p.first(user)).or_else(|| {
            self.paths.email_fallback.as_ref().and_then(|p| p.first(user)).filter(|upn| !upn.contains("#EXT#"))
        });
        if let Some(e) = &email
            && !looks_like_email(e)
        {
            let path = self.paths.email.as_ref().map_or("userPrincipalName", JsonPath::as_str);
            errors.push(diag(
                format!("`{e}` in {path} is not an e-mail address"),
                format!("fix the address in the directory, or point `{prefix}.fields.email` at another property"),
            ));
        }

        let employment_type = match self.paths.employment_type.as_ref().and_then(|p| Some((p, p.first(user)?))) {
            Some((path, raw)) => match self.employment_types.get(&raw) {
                Some(t) => Some(t.clone()),
                None => {
                    errors.push(diag(
                        format!("unknown employment type `{raw}` in {path}"),
                        format!(
                            "map it in {} under `{prefix}.values.employmentType` (e.g. `{raw}: full-time`)",
                            self.policy_file
                        ),
                    ));
                    None
                }
            },
            None => None,
        };

        let tz = &self.time_zone;
        let mut date = |path: &Option<JsonPath>| -> Option<Date> {
            let path = path.as_ref()?;
            let raw = path.first(user)?;
            match read_date(&raw, tz) {
                Some(d) => Some(d),
                None => {
                    errors.push(diag(
                        format!("cannot read the date `{raw}` in {path}"),
                        "write it as YYYY-MM-DD or an RFC 3339 timestamp (2026-03-31T15:00:00Z) in the directory"
                            .to_owned(),
                    ));
                    None
                }
            }
        };
        let start_date = date(&self.paths.start_date);
        let end_date = date(&self.paths.end_date);
        let moved_on = date(&self.paths.moved_on);

        let all = |p: &Option<JsonPath>| p.as_ref().map(|p| p.all(user)).unwrap_or_default();
        let departments = all(&self.paths.department);
        let titles = all(&self.paths.title);
        let posts = (0..departments.len().max(titles.len()))
            .filter_map(|i| {
                let department = departments
                    .get(i)
                    .cloned()
                    .flatten()
                    .map(|d| normalize_department(&d, "/"))
                    .filter(|d| !d.is_empty());
                let title = titles.get(i).cloned().flatten();
                (department.is_some() || title.is_some()).then_some(Post { department, title })
            })
            .collect();

        let attributes =
            self.paths.attributes.iter().filter_map(|(name, p)| Some((name.clone(), p.first(user)?))).collect();

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Some(Person {
            id,
            previous_ids: Vec::new(),
            reading: None,
            email,
            name: self.paths.name.as_ref().and_then(|p| p.first(user)),
            posts,
            employment_type,
            status,
            status_label,
            start_date,
            end_date,
            manager: self.paths.manager.as_ref().and_then(|p| p.first(user)),
            moved_on,
            attributes,
            origin: PersonOrigin { source: self.source_index, line: 0 },
        }))
    }
}

/// The `index`-th PeopleSource of `set` and its directory part (`kind`
/// names it in the error), for mapping users fetched elsewhere: a wrong
/// index or kind is a configuration mistake, never "no people".
pub(crate) fn source_at<'s, T>(
    set: &'s PolicySet,
    index: usize,
    kind: &str,
    part: impl Fn(&'s PeopleSourceSpec) -> Option<&'s T>,
) -> Result<(&'s Named<PeopleSourceSpec>, &'s T), crate::SourceError> {
    let src = set.people_sources.get(index).ok_or_else(|| crate::SourceError::NotConfigured {
        source_name: format!("#{index}"),
        why: format!("the policy set has {} PeopleSource(s)", set.people_sources.len()),
    })?;
    let spec = part(&src.spec).ok_or_else(|| crate::SourceError::NotConfigured {
        source_name: src.name.clone(),
        why: format!("it has no `{kind}` source"),
    })?;
    Ok((src, spec))
}

/// A date as written (`2026-03-31`), or a timestamp's date in `tz`.
/// A timestamp's day is the day itself, midnight included: HR systems
/// provision a leave date as that day's midnight (Workday's termination
/// date, `2026-03-31T00:00:00Z`), and reading midnight as the end of the
/// day before would suspend a person while they still work.
pub(crate) fn read_date(raw: &str, tz: &TimeZone) -> Option<Date> {
    if let Ok(d) = raw.parse::<Date>() {
        return Some(d);
    }
    Some(raw.parse::<jiff::Timestamp>().ok()?.to_zoned(tz.clone()).date())
}

/// The policy's time zone; validation has checked the name.
pub(crate) fn time_zone(written: Option<&str>) -> Result<TimeZone, String> {
    match written.map(str::trim) {
        None | Some("UTC") => Ok(TimeZone::UTC),
        Some(name) => TimeZone::get(name).map_err(|e| format!("`{name}` is not a time zone: {e}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jiff::civil::date;

    #[test]
    fn timestamps_become_days_in_the_time_zone() {
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(read_date("2026-03-31T16:00:00Z", &tokyo), Some(date(2026, 4, 1)));
        assert_eq!(read_date("2026-03-31T16:00:00Z", &TimeZone::UTC), Some(date(2026, 3, 31)));
        // A leave date provisioned as its midnight is that day.
        assert_eq!(read_date("2026-03-31T00:00:00Z", &TimeZone::UTC), Some(date(2026, 3, 31)));
        assert_eq!(read_date("2026-03-31T00:00:00+09:00", &tokyo), Some(date(2026, 3, 31)));
        assert_eq!(read_date("2026-03-31", &tokyo), Some(date(2026, 3, 31)));
        assert_eq!(read_date("31/03/2026", &tokyo), None);
    }
}
