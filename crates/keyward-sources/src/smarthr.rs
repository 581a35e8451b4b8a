//! SmartHR's API as the HR master: `GET /api/v1/crews`, every page.
//!
//! Paging follows the `Link` header's `rel="next"` to the end, and the
//! crews read are checked against `x-total-count`: a page that fails, a
//! count that changes between pages, or fewer (or more) distinct crews
//! than counted is an error, never a shorter snapshot, because a crew
//! missing from the HR master is a leaver nobody offboards. Retired crews
//! are read too, for the same reason.
//!
//! Crews map to keyward's vocabulary with the same label maps as the CSV
//! reader ([`vocab`]); an unknown label is an error naming the crew and
//! the field, never a guess.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use http::Method;
use jiff::civil::Date;
use keyward_core::diag::Diagnostic;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{FieldLabels, NameReading, Person, PersonOrigin, Post, SourceInfo};
use keyward_core::resources::{HrStatus, PeopleSourceSpec, SmartHrPeopleSource};
use keyward_core::tabular::Headers;
use keyward_core::vocab::{self, LabelMap};
use keyward_http::secrets::read_secret;
use keyward_http::{HttpClient, HttpError, HttpSettings, Reply, Request, Throttle};
use serde_json::Value;
use url::Url;

use crate::csv_people::{MAX_ROW_ERRORS, looks_like_email, normalize_department, zip_posts};
use crate::{ReadOptions, SourceError};

/// SmartHR's largest page.
const MAX_PER_PAGE: u32 = 100;

/// The crews endpoint of a tenant, as messages name the source.
pub fn location(spec: &SmartHrPeopleSource) -> String {
    format!("{}/api/v1/crews", spec.url.trim().trim_end_matches('/'))
}

/// Reads and maps every crew of one PeopleSource.
pub(crate) async fn read(
    locator: Locator,
    index: usize,
    src: &Named<PeopleSourceSpec>,
    spec: &SmartHrPeopleSource,
    options: &ReadOptions,
) -> Result<(SourceInfo, Vec<Person>), SourceError> {
    let mut api = SmartHr::new(&locator, src, spec, options)?;
    if let Some(retry) = options.retry {
        api.http.set_retry(retry);
    }
    let crews = api.crews().await?;
    map_crews(&locator, src, spec, index, &crews).map_err(|d| SourceError::Data(keyward_core::diag::Diagnostics(d)))
}

/// One tenant's API client.
struct SmartHr {
    source: String,
    crews: Url,
    per_page: u32,
    http: HttpClient,
}

impl SmartHr {
    fn new(
        locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        spec: &SmartHrPeopleSource,
        options: &ReadOptions,
    ) -> Result<Self, SourceError> {
        // Errors of the client name "PeopleSource <name>" where an
        // Application's would name the app.
        let label = format!("PeopleSource {}", src.name);
        let failed = |error| SourceError::Http { source_name: src.name.clone(), error };
        let token = read_secret(locator, &spec.token, &options.secrets, "token").map_err(|why| {
            failed(HttpError::Credentials { app: label.clone(), what: "SmartHR access token".to_owned(), why })
        })?;
        let written = location(spec);
        let crews = keyward_http::api_base(&written).map_err(|e| SourceError::NotConfigured {
            source_name: src.name.clone(),
            why: format!("spec.smarthr.url: {e}"),
        })?;
        let mut settings = HttpSettings::new(spec.timeout_seconds, None);
        settings.throttle = Throttle::SmartHr;
        let http = HttpClient::bearer(&label, token, &settings).map_err(failed)?;
        let per_page = spec.per_page.unwrap_or(MAX_PER_PAGE).clamp(1, MAX_PER_PAGE);
        Ok(Self { source: src.name.clone(), crews, per_page, http })
    }

    fn partial(&self, why: String) -> SourceError {
        SourceError::Partial { source_name: self.source.clone(), why }
    }

    /// Every crew, each once, or an error.
    async fn crews(&self) -> Result<Vec<Value>, SourceError> {
        let mut url = self.crews.clone();
        url.query_pairs_mut().append_pair("page", "1").append_pair("per_page", &self.per_page.to_string());
        let mut total: Option<u64> = None;
        let mut crews: Vec<Value> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for page in 1u64.. {
            let reply = self
                .http
                .send(&Request::new(Method::GET, url.clone()))
                .await
                .map_err(|error| SourceError::Http { source_name: self.source.clone(), error })?;
            if !reply.is_success() {
                return Err(self.refused(&reply));
            }
            let count = self.total_count(&reply)?;
            if let Some(before) = total
                && before != count
            {
                return Err(self.partial(format!(
                    "x-total-count went from {before} to {count} at page {page}: crews were added or removed while they were read; the next run reads them again"
                )));
            }
            total = Some(count);
            let body = reply.json().map_err(|error| SourceError::Http { source_name: self.source.clone(), error })?;
            let Some(items) = body.as_array() else {
                return Err(self.partial(format!("{} did not answer with a list of crews", reply.call())));
            };
            let before = crews.len();
            for crew in items {
                let Some(id) = crew.get("id").and_then(text) else {
                    return Err(self.partial(format!("{} returned a crew without an id", reply.call())));
                };
                if seen.insert(id) {
                    crews.push(crew.clone());
                }
            }
            if crews.len() as u64 > count {
                return Err(self.partial(format!(
                    "{} distinct crews were read by page {page}, more than the {count} x-total-count announces: the list changed while it was read",
                    crews.len()
                )));
            }
            let next = self.next_page(&reply, &url)?;
            // Every page must bring crews not read yet, or paging goes
            // nowhere (a server that ignores `page` repeats its first).
            if next.is_some() && crews.len() == before {
                return Err(self.partial(format!(
                    "page {page} ({}) held no crew not already read, yet links to a next page",
                    reply.call()
                )));
            }
            match next {
                Some(n) => url = n,
                None => break,
            }
        }
        let total = total.unwrap_or_default();
        if (crews.len() as u64) < total {
            return Err(self.partial(format!(
                "{} crews were read but x-total-count announces {total}: the last page has no `Link: rel=\"next\"` to the rest",
                crews.len()
            )));
        }
        tracing::debug!(source = %self.source, crews = crews.len(), "read the SmartHR crews");
        Ok(crews)
    }

    fn total_count(&self, reply: &Reply) -> Result<u64, SourceError> {
        let raw = reply.headers.get("x-total-count").and_then(|v| v.to_str().ok()).map(str::trim);
        raw.and_then(|v| v.parse().ok()).ok_or_else(|| {
            self.partial(match raw {
                Some(v) => format!("{} has an x-total-count of `{v}`, not a number", reply.call()),
                None => format!(
                    "{} has no x-total-count header, so keyward cannot tell whether it read every crew",
                    reply.call()
                ),
            })
        })
    }

    /// The `rel="next"` link, resolved against the page it came with. It
    /// must stay on the tenant's host: the token goes with the request.
    fn next_page(&self, reply: &Reply, current: &Url) -> Result<Option<Url>, SourceError> {
        let values: Vec<&str> = reply.headers.get_all("link").iter().filter_map(|v| v.to_str().ok()).collect();
        if values.is_empty() {
            return Ok(None);
        }
        let header = values.join(", ");
        let links = parse_link_header::parse(&header)
            .map_err(|e| self.partial(format!("cannot read the Link header `{header}` of {}: {e}", reply.call())))?;
        let Some(next) = links
            .iter()
            .find_map(|(rel, link)| rel.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("next")).then_some(link))
        else {
            return Ok(None);
        };
        let url = current
            .join(&next.raw_uri)
            .map_err(|e| self.partial(format!("the next page's link `{}` is not a URL: {e}", next.raw_uri)))?;
        if url.origin() != self.crews.origin() {
            return Err(self.partial(format!(
                "the next page's link `{url}` leaves {}; keyward sends the token nowhere else",
                self.crews.origin().ascii_serialization()
            )));
        }
        Ok(Some(url))
    }

    /// A final error answer, with what SmartHR's `{code, type, message}`
    /// means for the admin first.
    fn refused(&self, reply: &Reply) -> SourceError {
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let what = match reply.status.as_u16() {
            401 => {
                "SmartHR refused the access token: it is wrong, expired or revoked; issue one under 共通設定 > API アクセストークン and store it where spec.smarthr.token says"
            }
            403 => "SmartHR does not let this token read crews (its plan or permissions)",
            404 => {
                "there is no crew list at this address: spec.smarthr.url must be the tenant's address, https://<tenant>.smarthr.jp"
            }
            _ => "SmartHR refused to list the crews",
        };
        let context = match (body.get("type").and_then(Value::as_str), body.get("code").and_then(Value::as_i64)) {
            (Some(kind), Some(code)) => format!("{what} (SmartHR error {kind}, code {code})"),
            (Some(kind), None) => format!("{what} (SmartHR error {kind})"),
            _ => what.to_owned(),
        };
        SourceError::Http { source_name: self.source.clone(), error: reply.error_with(Some(&context)) }
    }
}

/// A JSON string, or a number written as one (SmartHR's codes can be either).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Field names of the crew as reasons quote them.
fn labels(spec: &SmartHrPeopleSource) -> FieldLabels {
    FieldLabels {
        status: Some("emp_status".to_owned()),
        start_date: Some("entered_at".to_owned()),
        end_date: Some("resigned_at".to_owned()),
        department: Some("departments".to_owned()),
        title: Some("position".to_owned()),
        employment_type: Some("employment_type".to_owned()),
        moved_on: spec.fields.moved_on.clone(),
    }
}

/// What mapping one crew needs.
struct Mapping<'a> {
    location: String,
    policy_file: String,
    spec: &'a SmartHrPeopleSource,
    employment_types: LabelMap<String>,
    statuses: LabelMap<HrStatus>,
    source_index: usize,
}

/// Maps crews to people. Every problem is reported, up to a limit; the
/// configuration's custom field names must exist in SmartHR.
pub fn map_crews(
    locator: &Locator,
    src: &Named<PeopleSourceSpec>,
    spec: &SmartHrPeopleSource,
    source_index: usize,
    crews: &[Value],
) -> Result<(SourceInfo, Vec<Person>), Vec<Diagnostic>> {
    let m = Mapping {
        location: location(spec),
        policy_file: locator.label().to_owned(),
        spec,
        employment_types: vocab::employment_type_map(&spec.values.employment_type),
        statuses: vocab::status_map(&spec.values.status),
        source_index,
    };
    let mut errors = check_custom_field_names(locator, spec, crews);
    let mut persons = Vec::with_capacity(crews.len());
    let mut by_code: HashMap<String, String> = HashMap::new();
    for crew in crews {
        if errors.len() >= MAX_ROW_ERRORS {
            errors.push(
                Diagnostic::error(&m.location, None, format!("stopped after {MAX_ROW_ERRORS} errors"))
                    .with_help("fix these first; the mapping in the PeopleSource may be wrong"),
            );
            break;
        }
        match m.person(crew) {
            Ok(p) => {
                let crew_id = crew.get("id").and_then(text).unwrap_or_default();
                if let Some(other) = by_code.insert(p.id.clone(), crew_id.clone()) {
                    errors.push(
                        Diagnostic::error(
                            &m.location,
                            None,
                            format!(
                                "employee number (emp_code) `{}` is held by two crews, {other} and {crew_id}",
                                p.id
                            ),
                        )
                        .with_help("give each crew its own 社員番号 in SmartHR"),
                    );
                }
                persons.push(p);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((SourceInfo { name: src.name.clone(), location: m.location, labels: labels(spec) }, persons))
}

/// A custom field named in the PeopleSource that no crew has is a typo
/// (or a renamed field): its attribute would be silently empty for all.
fn check_custom_field_names(locator: &Locator, spec: &SmartHrPeopleSource, crews: &[Value]) -> Vec<Diagnostic> {
    if crews.is_empty() {
        return Vec::new();
    }
    let seen: BTreeSet<String> = crews.iter().flat_map(custom_fields).map(|(name, _)| name).collect();
    let names = Headers::new(seen.iter().map(String::as_str));
    let wanted = spec
        .custom_fields
        .iter()
        .map(|(attr, name)| (format!("spec.smarthr.customFields.{attr}"), name))
        .chain(spec.fields.manager.iter().map(|n| ("spec.smarthr.fields.manager".to_owned(), n)))
        .chain(spec.fields.moved_on.iter().map(|n| ("spec.smarthr.fields.movedOn".to_owned(), n)));
    let mut out = Vec::new();
    for (path, name) in wanted {
        if seen.contains(name.trim()) {
            continue;
        }
        let listed = if seen.is_empty() {
            "the crews have no custom fields at all".to_owned()
        } else {
            format!("the crews' custom fields are: {}", names.names().join(", "))
        };
        let help = match names.closest(name) {
            Some(c) => format!("did you mean `{c}`? {listed}"),
            None => listed,
        };
        out.push(locator.error_at(&path, format!("no crew has a custom field `{name}` in SmartHR")).with_help(help));
    }
    out
}

/// A crew's custom fields as template name → value; a dropdown's value
/// is its element's name.
fn custom_fields(crew: &Value) -> Vec<(String, Option<String>)> {
    let Some(fields) = crew.get("custom_fields").and_then(Value::as_array) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|f| {
            let template = f.get("template")?;
            let name = template.get("name").and_then(text)?;
            let raw = f.get("value").and_then(text);
            let element = |raw: &str| {
                template.get("elements")?.as_array()?.iter().find_map(|e| {
                    let hit = ["id", "physical_name"].iter().any(|k| e.get(*k).and_then(text).as_deref() == Some(raw));
                    if hit { e.get("name").and_then(text) } else { None }
                })
            };
            let value = raw.map(|r| element(&r).unwrap_or(r));
            Some((name, value))
        })
        .collect()
}

impl Mapping<'_> {
    fn person(&self, crew: &Value) -> Result<Person, Vec<Diagnostic>> {
        let field = |k: &str| crew.get(k).and_then(text);
        let name = name(crew);
        let smarthr_id = field("id").unwrap_or_default();
        let Some(id) = field("emp_code") else {
            let who = name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            return Err(vec![
                Diagnostic::error(
                    &self.location,
                    None,
                    format!("crew {smarthr_id}{who} has no employee number (emp_code)"),
                )
                .with_help("fill in 社員番号 in SmartHR: keyward tells people apart by it"),
            ]);
        };
        let who = match &name {
            Some(n) => format!("crew {id} ({n})"),
            None => format!("crew {id}"),
        };
        let mut errors = Vec::new();
        let mut error = |message: String, help: String| {
            errors.push(Diagnostic::error(&self.location, None, format!("{who}: {message}")).with_help(help));
        };

        let email = field("email");
        if let Some(e) = &email
            && !looks_like_email(e)
        {
            error(
                format!("`{e}` in email is not an e-mail address"),
                "fix the address in SmartHR or leave it empty".to_owned(),
            );
        }

        let employment_type = match crew.get("employment_type").and_then(|t| t.get("name")).and_then(text) {
            Some(raw) => match self.employment_types.get(&raw) {
                Some(t) => Some(t.clone()),
                None => {
                    error(
                        format!("unknown employment type `{raw}` in employment_type.name"),
                        format!(
                            "map it in {} under `spec.smarthr.values.employmentType` (e.g. `{raw}: full-time`)",
                            self.policy_file
                        ),
                    );
                    None
                }
            },
            None => None,
        };

        let (status, status_label) = match field("emp_status") {
            Some(raw) => match self.statuses.get(&raw) {
                Some(s) => (*s, Some(raw)),
                None => {
                    error(
                        format!("unknown status `{raw}` in emp_status"),
                        format!(
                            "map it in {} under `spec.smarthr.values.status` to active, on-leave or terminated",
                            self.policy_file
                        ),
                    );
                    (HrStatus::Active, None)
                }
            },
            None => {
                error(
                    "emp_status is empty".to_owned(),
                    "SmartHR always sets 在籍状況; check that spec.smarthr.url is SmartHR's API".to_owned(),
                );
                (HrStatus::Active, None)
            }
        };

        let mut date = |key: &str, raw: Option<String>| -> Option<Date> {
            let raw = raw?;
            match raw.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    error(
                        format!("cannot read the date `{raw}` in {key}"),
                        format!("write it as YYYY-MM-DD in SmartHR (or correct the {key} field)"),
                    );
                    None
                }
            }
        };
        let start_date = date("entered_at", field("entered_at"));
        let resigned = date("resigned_at", field("resigned_at"));
        let contract_end = date("contract_end_on", field("contract_end_on"));
        let customs: BTreeMap<String, Option<String>> = custom_fields(crew).into_iter().collect();
        let custom = |name: &Option<String>| name.as_ref().and_then(|n| customs.get(n.trim()).cloned().flatten());
        let moved_on =
            date(self.spec.fields.moved_on.as_deref().unwrap_or("movedOn"), custom(&self.spec.fields.moved_on));
        let end_date = resigned.or_else(|| contract_end.filter(|_| contract_ends(crew)));

        let attributes = self
            .spec
            .custom_fields
            .iter()
            .filter_map(|(attr, name)| Some((attr.clone(), customs.get(name.trim()).cloned().flatten()?)))
            .collect();

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Person {
            id,
            previous_ids: Vec::new(),
            reading: reading(crew),
            email,
            name,
            posts: posts(crew),
            employment_type,
            status,
            status_label,
            start_date,
            end_date,
            manager: custom(&self.spec.fields.manager),
            moved_on,
            attributes,
            origin: PersonOrigin { source: self.source_index, line: 0 },
        })
    }
}

/// The business name (ビジネスネーム) when set, else the legal one, family name first.
fn name(crew: &Value) -> Option<String> {
    let join = |family: &str, given: &str| {
        let parts: Vec<String> = [family, given].iter().filter_map(|k| crew.get(*k).and_then(text)).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    join("business_last_name", "business_first_name").or_else(|| join("last_name", "first_name"))
}

/// The reading (フリガナ) of the name [`name`] chose: the business name's
/// when it is set, else the legal one's.
fn reading(crew: &Value) -> Option<NameReading> {
    let pair = |family: &str, given: &str| {
        let get = |k: &str| crew.get(k).and_then(text).unwrap_or_default();
        let r = NameReading { family: get(family), given: get(given) };
        (!r.family.is_empty() || !r.given.is_empty()).then_some(r)
    };
    let business = crew.get("business_last_name").and_then(text).is_some();
    if business {
        pair("business_last_name_yomi", "business_first_name_yomi")
    } else {
        pair("last_name_yomi", "first_name_yomi")
    }
}

/// A contract's end is the last working day unless it renews by itself
/// (an open-ended contract has no end to speak of).
fn contract_ends(crew: &Value) -> bool {
    let is = |k: &str, v: &str| crew.get(k).and_then(Value::as_str) == Some(v);
    !is("contract_type", "unlimited") && !is("contract_renewal_type", "auto_renewal")
}

/// Departments (several for concurrent posts) paired in order with the
/// titles of `positions`, or with `position`.
fn posts(crew: &Value) -> Vec<Post> {
    let departments: Vec<String> = crew
        .get("departments")
        .and_then(Value::as_array)
        .map(|ds| ds.iter().filter_map(department_path).collect())
        .unwrap_or_default();
    let listed: Vec<String> = crew
        .get("positions")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(|p| text(p).or_else(|| p.get("name").and_then(text))).collect())
        .unwrap_or_default();
    let titles = if listed.is_empty() { crew.get("position").and_then(text).into_iter().collect() } else { listed };
    zip_posts(departments, titles)
}

/// A department's path from the top (`営業本部/第一営業部`): its
/// `full_name` when SmartHR gives one, else the names up its `parent` chain.
fn department_path(d: &Value) -> Option<String> {
    if let Some(full) = d.get("full_name").and_then(text).or_else(|| d.as_str().map(str::to_owned)) {
        return Some(normalize_department(&full, "/")).filter(|p| !p.is_empty());
    }
    let mut names = Vec::new();
    let mut at = Some(d);
    // A parent chain deeper than any organisation is a loop in the data.
    while let Some(node) = at.filter(|_| names.len() < 32) {
        names.extend(node.get("name").and_then(text));
        at = node.get("parent").filter(|p| p.is_object());
    }
    names.reverse();
    Some(names.join("/")).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn department_paths_come_from_full_name_or_the_parent_chain() {
        assert_eq!(
            department_path(&json!({"name": "第一営業部", "full_name": "営業本部 / 第一営業部"})).unwrap(),
            "営業本部/第一営業部"
        );
        let nested = json!({"name": "第一営業部", "parent": {"name": "営業本部", "parent": {"name": "本社"}}});
        assert_eq!(department_path(&nested).unwrap(), "本社/営業本部/第一営業部");
        assert_eq!(department_path(&json!({"name": "開発部", "parent": null})).unwrap(), "開発部");
        assert_eq!(department_path(&json!(null)), None);
    }

    #[test]
    fn titles_pair_with_departments_in_order() {
        let crew =
            json!({"departments": [{"full_name": "A"}, null, {"full_name": "B"}], "positions": ["部長", "課長"]});
        assert_eq!(
            posts(&crew),
            vec![
                Post { department: Some("A".into()), title: Some("部長".into()) },
                Post { department: Some("B".into()), title: Some("課長".into()) }
            ]
        );
        let single = json!({"departments": [{"full_name": "A"}, {"full_name": "B"}], "position": "部長"});
        assert_eq!(posts(&single)[0].title.as_deref(), Some("部長"));
        assert_eq!(posts(&single)[1].title, None);
    }

    #[test]
    fn business_names_win_over_legal_names() {
        let crew = json!({"last_name": "山田", "first_name": "花子", "business_last_name": "佐藤", "business_first_name": "花子"});
        assert_eq!(name(&crew).unwrap(), "佐藤 花子");
        assert_eq!(
            name(&json!({"last_name": "山田", "first_name": "花子", "business_last_name": ""})).unwrap(),
            "山田 花子"
        );
    }

    #[test]
    fn self_renewing_and_open_ended_contracts_have_no_end() {
        assert!(contract_ends(&json!({"contract_type": "fixed_term", "contract_renewal_type": "renewal"})));
        assert!(contract_ends(&json!({})));
        assert!(!contract_ends(&json!({"contract_type": "fixed_term", "contract_renewal_type": "auto_renewal"})));
        assert!(!contract_ends(&json!({"contract_type": "unlimited"})));
    }

    #[test]
    fn dropdown_custom_fields_read_as_their_element_name() {
        let crew = json!({"custom_fields": [
            {"value": "e2", "template": {"name": "勤務地", "type": "enum", "elements": [{"id": "e1", "name": "東京"}, {"id": "e2", "name": "大阪"}]}},
            {"value": "octocat", "template": {"name": "GitHubアカウント", "type": "string"}},
            {"value": null, "template": {"name": "上長社員番号", "type": "string"}}
        ]});
        assert_eq!(
            custom_fields(&crew),
            vec![
                ("勤務地".to_owned(), Some("大阪".to_owned())),
                ("GitHubアカウント".to_owned(), Some("octocat".to_owned())),
                ("上長社員番号".to_owned(), None)
            ]
        );
    }
}
