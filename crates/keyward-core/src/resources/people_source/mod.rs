//! The PeopleSource kind: where keyward reads the HR master (a CSV export,
//! SmartHR's API; the directory APIs, Google Workspace and Microsoft
//! Graph, are in `hr_apis`), and the HR vocabulary its readers map to.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::{SecretKeyRef, SecretRef, TextEncoding};

mod hr_apis;

pub use hr_apis::*;

/// Where keyward reads the people who work here: the HR master. Several
/// sources may be declared (for example employees from SmartHR and
/// contractors from a spreadsheet); their people are merged and an employee
/// id may appear in only one of them.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "PeopleSource",
    namespaced,
    shortname = "kwps",
    category = "keyward",
    status = "PeopleSourceStatus",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"People","type":"integer","jsonPath":".status.people"}"#,
    printcolumn = r#"{"name":"Last Sync","type":"date","jsonPath":".status.lastSync"}"#
)]
#[schemars(transform = crate::resources::admission::people_source)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeopleSourceSpec {
    /// Read people from a CSV export of the HR master (for example SmartHR's
    /// employee export with Japanese headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvPeopleSource>,
    /// Read people from SmartHR's API (`GET /api/v1/crews`), every page,
    /// retired crews included. Set exactly one source per PeopleSource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smarthr: Option<SmartHrPeopleSource>,
    /// Read people from Google Workspace's Directory API, every page,
    /// suspended users included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_workspace: Option<GoogleWorkspacePeopleSource>,
    /// Read people from Microsoft Graph (Entra ID) users, in full or, in
    /// the controller, by delta queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_graph: Option<MicrosoftGraphPeopleSource>,
}

impl PeopleSourceSpec {
    /// Every source kind, as written under `spec`.
    pub const KINDS: [&'static str; 4] = ["csv", "smarthr", "googleWorkspace", "microsoftGraph"];

    /// The kinds this spec sets (exactly one is valid).
    pub fn kinds_set(&self) -> Vec<&'static str> {
        let set = [
            self.csv.is_some(),
            self.smarthr.is_some(),
            self.google_workspace.is_some(),
            self.microsoft_graph.is_some(),
        ];
        Self::KINDS.iter().zip(set).filter(|(_, s)| *s).map(|(k, _)| *k).collect()
    }

    /// How the source's HR labels map to keyward's words, whichever reader is set.
    pub fn values(&self) -> Option<&PeopleValueMaps> {
        (self.csv.as_ref().map(|c| &c.values))
            .or_else(|| self.smarthr.as_ref().map(|s| &s.values))
            .or_else(|| self.google_workspace.as_ref().map(|g| &g.values))
            .or_else(|| self.microsoft_graph.as_ref().map(|g| &g.values))
    }

    /// Attribute name → the CSV column, SmartHR custom field or directory
    /// path it is read from.
    pub fn attributes(&self) -> Option<&BTreeMap<String, String>> {
        (self.csv.as_ref().map(|c| &c.columns.attributes))
            .or_else(|| self.smarthr.as_ref().map(|s| &s.custom_fields))
            .or_else(|| self.google_workspace.as_ref().map(|g| &g.attributes))
            .or_else(|| self.microsoft_graph.as_ref().map(|g| &g.attributes))
    }

    /// `true` when the source says who each person's manager is (Google's
    /// `relations[type=manager]` by default).
    pub fn has_manager(&self) -> bool {
        self.csv.as_ref().is_some_and(|c| c.columns.manager.is_some())
            || self.smarthr.as_ref().is_some_and(|s| s.fields.manager.is_some())
            || self.google_workspace.as_ref().is_some_and(|g| g.fields.manager.as_deref().is_none_or(mapped))
            || self.microsoft_graph.as_ref().is_some_and(|g| g.fields.manager.as_deref().is_some_and(mapped))
    }

    /// `true` when the source gives the date of each person's latest transfer.
    pub fn has_moved_on(&self) -> bool {
        self.csv.as_ref().is_some_and(|c| c.columns.moved_on.is_some())
            || self.smarthr.as_ref().is_some_and(|s| s.fields.moved_on.is_some())
            || self.google_workspace.as_ref().is_some_and(|g| g.fields.moved_on.as_deref().is_some_and(mapped))
            || self.microsoft_graph.as_ref().is_some_and(|g| g.fields.moved_on.as_deref().is_some_and(mapped))
    }

    /// The Kubernetes Secret keys the source's credentials are read from.
    pub fn secret_refs(&self) -> Vec<&SecretKeyRef> {
        self.secret_fields().into_iter().map(|(_, r)| r).collect()
    }

    /// As [`Self::secret_refs`], each with the field that names it
    /// (`spec.smarthr.token`), for messages.
    pub fn secret_fields(&self) -> Vec<(&'static str, &SecretKeyRef)> {
        self.credentials().into_iter().filter_map(|(path, r)| Some((path, r.secret.as_ref()?))).collect()
    }

    /// Every credential of the source, with its field: what a resource
    /// may name as `env`, `file` or `secret`.
    pub fn credentials(&self) -> Vec<(&'static str, &SecretRef)> {
        let refs = [
            ("spec.smarthr.token", self.smarthr.as_ref().map(|s| &s.token)),
            ("spec.googleWorkspace.serviceAccountKey", self.google_workspace.as_ref().map(|g| &g.service_account_key)),
            ("spec.microsoftGraph.clientSecret", self.microsoft_graph.as_ref().map(|g| &g.client_secret)),
        ];
        refs.into_iter().filter_map(|(path, r)| Some((path, r?))).collect()
    }

    /// Every file the source reads, with its field, as written.
    pub fn files(&self) -> Vec<(&'static str, &str)> {
        self.csv.as_ref().map(|c| ("spec.csv.path", c.path.as_str())).into_iter().collect()
    }
}

/// A directory source's field path that reads something (`""` turns a default off).
fn mapped(path: &str) -> bool {
    !path.trim().is_empty()
}

/// What the controller last read from a PeopleSource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PeopleSourceStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready` and `SourceError`, with a reason and a message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
    /// When the source was last read (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
    /// People read at the last sync (all of them, leavers included).
    #[serde(default)]
    pub people: u32,
}

/// A CSV file exported from the HR master.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CsvPeopleSource {
    /// Path of the CSV file, relative to the directory of the policy file
    /// that declares it. In a resource read from the Kubernetes API: an
    /// absolute path under a directory the controller allows with
    /// `--allow-files`.
    pub path: String,
    /// Text encoding. `auto` reads UTF-8 (with or without BOM) and falls back
    /// to Shift_JIS/CP932, which is what Excel writes when it re-saves an
    /// export on a Japanese Windows machine.
    #[serde(default)]
    pub encoding: TextEncoding,
    /// Field delimiter, one character. Default `,`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Which CSV header holds which HR field.
    pub columns: PeopleColumns,
    /// How HR values map to keyward's vocabulary. Built-in defaults cover
    /// SmartHR's Japanese labels and English ones; entries here are added to
    /// them and win on conflict.
    #[serde(default)]
    pub values: PeopleValueMaps,
    /// Date formats tried in order (strftime syntax). Default:
    /// `%Y-%m-%d`, `%Y/%m/%d`, `%Y年%m月%d日`, `%Y.%m.%d`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub date_formats: Vec<String>,
    /// Separator between several values in one cell (concurrent posts,
    /// 兼務). A line break inside a cell always separates too. Default `;`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_separator: Option<String>,
    /// Separator between levels of a department path
    /// (`営業本部/第一営業部`). Default `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_separator: Option<String>,
}

/// SmartHR's API, read as the HR master. Every crew is read, retired ones
/// included (a leaver must be seen to be offboarded), following the
/// `Link` header page by page; a failing page, or fewer crews than
/// `x-total-count` announces, is an error and nothing is planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SmartHrPeopleSource {
    /// The tenant's address, `https://<tenant>.smarthr.jp`; keyward appends
    /// `/api/v1`.
    pub url: String,
    /// Where the access token (SmartHR's 共通設定 > API アクセストークン) is
    /// read from when keyward runs. The token itself never belongs in a
    /// policy file.
    pub token: SecretRef,
    /// Crews asked for per page, 1 to 100 (SmartHR's maximum). Default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// Custom fields (カスタム従業員項目) holding what SmartHR has no
    /// standard field for.
    #[serde(default, skip_serializing_if = "SmartHrFields::is_empty")]
    pub fields: SmartHrFields,
    /// How SmartHR's labels map to keyward's vocabulary: employment type
    /// names (`正社員: full-time`) and `emp_status` values. Built-in defaults
    /// cover SmartHR's Japanese labels and `employed`, `absent`, `retired`;
    /// entries here are added to them and win on conflict.
    #[serde(default)]
    pub values: PeopleValueMaps,
    /// Custom fields kept as named attributes, for selectors and per-app
    /// correlation: attribute name → the custom field's name in SmartHR
    /// (for example `github: GitHubアカウント`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_fields: BTreeMap<String, String>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// Custom fields of SmartHR that hold the fields keyward needs beyond
/// SmartHR's standard ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SmartHrFields {
    /// The custom field holding the manager's employee number or e-mail
    /// (上長), used to hand a leaver's data over. SmartHR has no standard
    /// manager field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// The custom field holding the date of the latest transfer (異動日,
    /// `YYYY-MM-DD`); starts a mover's grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_on: Option<String>,
}

impl SmartHrFields {
    /// `true` when no custom field is named.
    pub fn is_empty(&self) -> bool {
        self.manager.is_none() && self.moved_on.is_none()
    }
}

/// CSV headers of the HR fields. Only `id` is required; a field without a
/// column is simply unknown for everyone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::people_columns)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeopleColumns {
    /// Employee number (社員番号). Unique per person.
    pub id: String,
    /// Work e-mail address (メールアドレス).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Full name in one column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Family name (姓); joined with `givenName` when there is no `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Given name (名).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Reading of the family name in kana (姓（フリガナ）): compared, with
    /// romaji made from it, with the names of accounts that match nobody,
    /// to suggest who they probably are (never to match them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_reading: Option<String>,
    /// Reading of the given name in kana (名（フリガナ）).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name_reading: Option<String>,
    /// Department path (部署); several for concurrent posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title (役職); several for concurrent posts, in the same order as
    /// the departments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Several department columns, one post each (SmartHR's `部署1`,
    /// `部署2`, …: concurrent posts, 兼務); instead of `department`. Paired
    /// with the titles by position; a row's post is made when its
    /// department or its title cell is filled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<String>,
    /// Several title columns (`役職1`, `役職2`, …), the n-th the title of
    /// the n-th department column; instead of `title`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub titles: Vec<String>,
    /// Employment type (雇用形態).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
    /// Employment status (在籍状況).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// First working day (入社年月日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last working day (退職年月日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// The manager's employee number or e-mail (上長), used to hand a
    /// leaver's data over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Date of the latest transfer (異動日); starts a mover's grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_on: Option<String>,
    /// Further columns kept as named attributes, for selectors and per-app
    /// correlation (for example `github: GitHubアカウント`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// Maps from HR values to keyward's vocabulary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeopleValueMaps {
    /// HR label → employment type (`正社員: full-time`). Well-known types are
    /// `full-time`, `contract`, `part-time`, `temp` and `contractor`; others
    /// may be added (lowercase words joined by `-`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub employment_type: BTreeMap<String, String>,
    /// HR label → status (`休職中: on-leave`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status: BTreeMap<String, HrStatus>,
}

/// Employment status as the HR master states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HrStatus {
    /// Employed (在籍).
    Active,
    /// On a leave of absence (休職).
    OnLeave,
    /// No longer employed (退職).
    Terminated,
}

impl HrStatus {
    /// The word used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::OnLeave => "on-leave",
            Self::Terminated => "terminated",
        }
    }
}
