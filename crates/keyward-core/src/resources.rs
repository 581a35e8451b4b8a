//! The keyward resources: one set of Rust types from which the policy file
//! format, the JSON Schema for editors and the Kubernetes CRDs are all
//! generated. Every field's doc comment becomes its description in
//! `kubectl explain` and in editors, so write them for admins.

use std::collections::BTreeMap;

use jiff::civil::Date;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::{Days, Retention, SuspendTiming, TransferTo};

mod hr_apis;
pub use hr_apis::*;

/// API group of every keyward resource.
pub const GROUP: &str = "keyward.io";
/// The only version so far.
pub const VERSION: &str = "v1alpha1";
/// `apiVersion` written in manifests.
pub const API_VERSION: &str = "keyward.io/v1alpha1";

// ---------------------------------------------------------------- PeopleSource

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
        let refs = [
            ("spec.smarthr.token", self.smarthr.as_ref().map(|s| &s.token)),
            ("spec.googleWorkspace.serviceAccountKey", self.google_workspace.as_ref().map(|g| &g.service_account_key)),
            ("spec.microsoftGraph.clientSecret", self.microsoft_graph.as_ref().map(|g| &g.client_secret)),
        ];
        refs.into_iter().filter_map(|(path, r)| Some((path, r?.secret.as_ref()?))).collect()
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
    /// that declares it.
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

/// How a file's bytes are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 with or without BOM; otherwise Shift_JIS (CP932).
    #[default]
    Auto,
    /// UTF-8 only; a file that is not valid UTF-8 is an error.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    ShiftJis,
}

/// CSV headers of the HR fields. Only `id` is required; a field without a
/// column is simply unknown for everyone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
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
    /// Department path (部署); several for concurrent posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title (役職); several for concurrent posts, in the same order as
    /// the departments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
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

// ---------------------------------------------------------------- Application

/// A SaaS application whose accounts keyward manages: how to read (and
/// later change) its accounts, how an account is matched to a person, which
/// accounts are never touched, and the app's lifecycle timing.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "Application",
    namespaced,
    shortname = "kwapp",
    category = "keyward",
    status = "ApplicationStatus",
    printcolumn = r#"{"name":"Mode","type":"string","jsonPath":".spec.mode"}"#,
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Drift","type":"integer","description":"Changes the plan still wants to make","jsonPath":".status.drift"}"#,
    printcolumn = r#"{"name":"Changes","type":"integer","description":"Changes applied by the last reconcile","jsonPath":".status.lastApplied"}"#,
    printcolumn = r#"{"name":"Last Sync","type":"date","jsonPath":".status.lastSync"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// Name shown in plans and reports. Default: the resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Who owns this app (an e-mail); named in access reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// How keyward reads and changes the app's accounts. Exactly one.
    pub connector: ConnectorSpec,
    /// How an account is matched to a person, in order. Each account is
    /// matched by the first correlator for which it has a value. Default:
    /// `[{email: {}}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlate: Vec<CorrelatorSpec>,
    /// Accounts keyward never touches (bots, break-glass admins, shared
    /// mailboxes). They never appear as changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protect: Vec<ProtectRule>,
    /// The app's roles from least to most privileged. Required when grants
    /// give the app more than one role: the most privileged granted role wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Role given when a grant names none. Without it, a grant without role
    /// leaves the account's role alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_role: Option<String>,
    /// Joiner, mover, leave and leaver timing for this app.
    #[serde(default)]
    pub lifecycle: LifecycleSpec,
    /// What one seat costs, for the savings shown in plans and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_cost: Option<SeatCost>,
    /// Which e-mail domains are the company's and which belong to partners
    /// (agencies, contractors' firms): accounts on any other domain are
    /// flagged for review, and people whose work e-mail is on a partner
    /// domain get at most `partnerMaxRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<IdentitiesSpec>,
    /// How `keyward apply` may change this app: request rate, concurrency
    /// and the mass-deprovisioning guard.
    #[serde(default)]
    pub apply: ApplySpec,
    /// What `keyward controller` does with this app: `observe` (default;
    /// plan only, drift reported in the status and as events) or `enforce`
    /// (apply the plan through the apply engine and its guards). The CLI's
    /// `keyward apply` ignores it.
    #[serde(default)]
    pub mode: ReconcileMode,
}

/// What the controller does with an app's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReconcileMode {
    /// Plan only: report drift, change nothing.
    #[default]
    Observe,
    /// Apply the plan, within the guards.
    Enforce,
}

/// What the controller last saw and did for an Application.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready`, `Synced`, `Drifted`, `BlockedByGuard` and `SourceError`,
    /// each `True`, `False` or `Unknown` with a reason and a message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
    /// When the app was last read and planned (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
    /// Accounts the app had at the last sync.
    #[serde(default)]
    pub accounts: u32,
    /// Changes (reviews excluded) the last plan still wanted to make.
    #[serde(default)]
    pub drift: u32,
    /// Items waiting for a human (reviews).
    #[serde(default)]
    pub reviews: u32,
    /// Changes applied by the last reconcile (enforce mode).
    #[serde(default)]
    pub last_applied: u32,
    /// The last plan's changes by action.
    #[serde(default)]
    pub plan: PlanCounts,
}

/// Changes of a plan by action, for statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanCounts {
    /// Accounts to create.
    #[serde(default)]
    pub create: u32,
    /// Accounts to restore.
    #[serde(default)]
    pub restore: u32,
    /// Accounts to update.
    #[serde(default)]
    pub update: u32,
    /// Accounts to suspend.
    #[serde(default)]
    pub suspend: u32,
    /// Hand-overs.
    #[serde(default)]
    pub transfer: u32,
    /// Accounts to delete.
    #[serde(default)]
    pub delete: u32,
    /// Items for review.
    #[serde(default)]
    pub review: u32,
}

/// Limits on applying changes to one app.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplySpec {
    /// Changes sent to the app at the same time. Default 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Most requests per second sent to the app, listing included, so a
    /// vendor's rate limit is not hit in the first place. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<u32>,
    /// Refuse to apply when a plan would take too many accounts away at
    /// once: a truncated HR export or a wrong selector looks exactly like
    /// mass leavers.
    #[serde(default)]
    pub guard: GuardSpec,
}

/// Mass-deprovisioning limits of one app. A plan that suspends or deletes
/// more accounts than either limit is refused as a whole until an operator
/// overrides it (`keyward apply --allow-mass-deprovision`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GuardSpec {
    /// Most accounts one apply may suspend or delete in this app.
    /// Default 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deprovision: Option<u32>,
    /// Largest share of the app's accounts, in percent, one apply may
    /// suspend or delete. Checked only when more than 5 accounts are
    /// affected, so a small app can still lose its one leaver. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deprovision_percent: Option<u32>,
}

/// The connector that reads (and changes) an app's accounts. Set exactly one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConnectorSpec {
    /// A user list exported by hand from an app without a usable API. Read
    /// only: applying produces a checklist for a human.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv_export: Option<CsvExportConnector>,
    /// A SCIM 2.0 service provider (RFC 7643/7644): Slack, GitHub
    /// Enterprise, Atlassian, Zoom, Okta-fronted apps and many more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim: Option<ScimConnector>,
    /// A GitHub organisation through GitHub's REST API (github.com or
    /// GitHub Enterprise Server): members and their role (`member`, or
    /// `admin` for an organisation owner), pending invitations, which count
    /// as provisioned, and team memberships as groups. GitHub has no
    /// suspended members: suspend removes the person from the
    /// organisation, and for three months an invitation that reinstates
    /// them (what restore sends) gives back their role and teams; delete
    /// removes them too. Nothing can be handed over (repositories belong to
    /// the organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubConnector>,
    /// An LDAP directory (OpenLDAP, or another directory that speaks LDAP
    /// v3): people under `baseDn`, their groups under `groupsDn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldap: Option<LdapConnector>,
    /// Microsoft Entra ID (Microsoft 365) through Microsoft Graph: users,
    /// group memberships and licences of one tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_graph: Option<MicrosoftGraphConnector>,
    /// Google Workspace through the Admin SDK: users, group memberships,
    /// licences, and Drive and Calendar data handed over with the Data
    /// Transfer API before a user is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_workspace: Option<GoogleWorkspaceConnector>,
    /// A Slack workspace (or Enterprise Grid organisation): accounts read
    /// through the Web API (`users.list`), created, deactivated and
    /// reactivated, and user groups read and changed, through Slack's SCIM
    /// API. Slack never deletes users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<SlackConnector>,
    /// An Atlassian Cloud organisation through the organisation admin API:
    /// joiners invited, accounts suspended, restored and removed, product
    /// access and groups through group memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atlassian: Option<AtlassianConnector>,
}

/// A SCIM 2.0 endpoint keyward reads and changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScimConnector {
    /// Base URL of the SCIM API, without `/Users`
    /// (`https://api.slack.com/scim/v2`).
    pub url: String,
    /// Where the bearer token is read from when keyward runs. The token
    /// itself never belongs in a policy file.
    pub token: SecretRef,
    /// Vendor behaviour where RFC 7644 leaves room (what DELETE means,
    /// required headers, page sizes). Default `generic`.
    #[serde(default)]
    pub profile: ScimProfile,
    /// Which person field becomes a new account's `userName`: `email`
    /// (default) or `employeeId`.
    #[serde(default)]
    pub user_name: ScimUserName,
    /// Enterprise-extension attributes sent when keyward creates an
    /// account (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`):
    /// any of `employeeNumber`, `department`, `manager`. The `externalId`
    /// is always the HR employee number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enterprise: Vec<EnterpriseAttribute>,
    /// Users asked for per page (the server may return fewer). Default:
    /// the profile's page size, capped by the server's `filter.maxResults`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// A GitHub organisation keyward reads and changes through the REST API;
/// suspending removes the member from the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GithubConnector {
    /// The organisation's login, as in `https://github.com/example-corp`.
    pub org: String,
    /// Where the token is read from when keyward runs: a classic personal
    /// access token with the `admin:org` scope, or a fine-grained token (or
    /// GitHub App token) with the organisation permission "Members: read
    /// and write". The token itself never belongs in a policy file.
    pub token: SecretRef,
    /// Base URL of the REST API. Default `https://api.github.com`; for
    /// GitHub Enterprise Server, `https://HOST/api/v3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Whether team memberships are the accounts' groups, so grants can
    /// name teams by slug and keyward adds and removes people in them.
    /// Default `true`. Reading teams costs one request per team (and per
    /// 100 members); with `false` no team is read or changed, and grants
    /// of this app must not name groups. As GitHub lists them, members of
    /// a child team count as members of its parent team too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<bool>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

impl GithubConnector {
    /// The API base URL, the default when the policy names none.
    pub fn api_url(&self) -> &str {
        self.api_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or("https://api.github.com")
    }

    /// Whether team memberships are read and managed.
    pub fn teams(&self) -> bool {
        self.teams.unwrap_or(true)
    }
}

/// A Microsoft Entra tenant, read and changed through Microsoft Graph as
/// an app registration with application permissions (client credentials).
///
/// Grant the app `User.ReadWrite.All` and `GroupMember.ReadWrite.All`
/// (`User.Read.All` and `GroupMember.Read.All` suffice for plans only),
/// and `LicenseAssignment.ReadWrite.All` when `licences` is set; an admin
/// must consent to them. keyward cannot hand OneDrive or mailbox data
/// over: transfers are left to a human. A deleted user stays restorable
/// in Entra's deleted items for 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MicrosoftGraphConnector {
    /// The directory: its tenant id (a GUID) or a verified domain
    /// (`example.onmicrosoft.com`).
    pub tenant: String,
    /// The app registration's Application (client) id.
    pub client_id: String,
    /// Where the app registration's client secret is read from when
    /// keyward runs. The secret itself never belongs in a policy file.
    pub client_secret: SecretRef,
    /// Base URL of Microsoft Graph. Default
    /// `https://graph.microsoft.com/v1.0`; change it for a national cloud
    /// (`https://graph.microsoft.us/v1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_url: Option<String>,
    /// Base URL of the Microsoft identity platform, where tokens are
    /// asked for. Default `https://login.microsoftonline.com`; change it
    /// for a national cloud (`https://login.microsoftonline.us`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    /// Role → licence SKU id (a GUID from `GET /subscribedSkus`) assigned
    /// when keyward creates an account with that role and removed when it
    /// deletes one. Roles not listed get no licence.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub licences: BTreeMap<String, String>,
    /// Two-letter country code (`JP`) set on new users; Microsoft refuses
    /// to assign a licence to a user without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_location: Option<String>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Users and groups asked for per page (`$top`, 1 to 999). Default 999,
    /// the fewest requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

/// A Google Workspace account (one customer), read and changed through the
/// Admin SDK Directory, Enterprise License Manager and Data Transfer APIs
/// as a service account with domain-wide delegation, acting as `subject`.
///
/// In the Google Cloud project, enable the Admin SDK API and the
/// Enterprise License Manager API and create a service account key; in the
/// Admin console (Security → API controls → Domain-wide delegation) allow
/// the service account's client id these scopes:
/// `https://www.googleapis.com/auth/admin.directory.user`,
/// `https://www.googleapis.com/auth/admin.directory.group.member`,
/// `https://www.googleapis.com/auth/apps.licensing` and
/// `https://www.googleapis.com/auth/admin.datatransfer`. `subject` must be
/// a super administrator (or an admin whose role covers users, groups,
/// licences and data transfer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GoogleWorkspaceConnector {
    /// Where the service account's key file (its JSON, as Google issues
    /// it) is read from when keyward runs. The key itself never belongs
    /// in a policy file.
    pub service_account_key: SecretRef,
    /// The administrator the service account acts as (domain-wide
    /// delegation), an e-mail address: `it-admin@example.com`.
    pub subject: String,
    /// The customer whose users are read: `my_customer` (default, the
    /// subject's own account) or a customer id such as `C01abc23d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Read only the users of this one domain (`example.com`) instead of
    /// every domain of the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Base URL of the Directory API. Default
    /// `https://admin.googleapis.com/admin/directory/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_url: Option<String>,
    /// Base URL of the Enterprise License Manager API. Default
    /// `https://licensing.googleapis.com/apps/licensing/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensing_url: Option<String>,
    /// Base URL of the Data Transfer API. Default
    /// `https://admin.googleapis.com/admin/datatransfer/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_transfer_url: Option<String>,
    /// Role → the licence (product and SKU) that stands for it. An
    /// account's role is read from the licence it holds; a role change
    /// moves the user to the new role's SKU. Roles not listed get no
    /// licence, and SKUs not listed are left alone.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub licences: BTreeMap<String, GoogleLicence>,
    /// Organisational unit new users are created in. Default `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit_path: Option<String>,
    /// How a person's name from the HR master splits into Google's
    /// `givenName` and `familyName`: `givenFirst` (default, "Hanako
    /// Yamada") or `familyFirst` ("山田 花子", as SmartHR writes names).
    #[serde(default)]
    pub name_order: NameOrder,
    /// Users asked for per page (`maxResults`, 1 to 500). Default 500, the
    /// fewest requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// A Google Workspace licence: a product and one of its SKUs, as the
/// Enterprise License Manager API names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GoogleLicence {
    /// The product id (`Google-Apps` for Google Workspace).
    pub product_id: String,
    /// The SKU id (`1010020027` for Business Starter, `1010020028` for
    /// Business Standard, `1010020025` for Business Plus).
    pub sku_id: String,
}

/// The order of the given and family name in a full name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NameOrder {
    /// Given name first: "Hanako Yamada".
    #[default]
    GivenFirst,
    /// Family name first: "山田 花子".
    FamilyFirst,
}

/// A secret read at run time: from an environment variable, a file (a
/// mounted Kubernetes Secret, say), or, when keyward runs as the controller
/// in Kubernetes, a key of a Secret in the resource's namespace. Set
/// exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretRef {
    /// Name of the environment variable holding the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Path of a file holding the secret (surrounding whitespace is
    /// ignored), relative to the directory of the policy file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A key of a Kubernetes Secret in the resource's namespace, read by
    /// the controller through the API (its Role needs `get` on that Secret
    /// by name). Only `keyward controller` in Kubernetes mode can read it;
    /// the CLI and the standalone daemon refuse it with a message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretKeyRef>,
}

impl ConnectorSpec {
    /// Every connector kind, as written under `spec.connector`.
    pub const KINDS: [&'static str; 8] =
        ["csvExport", "scim", "github", "ldap", "microsoftGraph", "googleWorkspace", "slack", "atlassian"];

    /// The kinds this spec sets (exactly one is valid).
    pub fn kinds_set(&self) -> Vec<&'static str> {
        let set = [
            self.csv_export.is_some(),
            self.scim.is_some(),
            self.github.is_some(),
            self.ldap.is_some(),
            self.microsoft_graph.is_some(),
            self.google_workspace.is_some(),
            self.slack.is_some(),
            self.atlassian.is_some(),
        ];
        Self::KINDS.iter().zip(set).filter(|(_, s)| *s).map(|(k, _)| *k).collect()
    }

    /// The Kubernetes Secret keys this connector's credentials are read
    /// from, for the controller to fetch before building it.
    pub fn secret_refs(&self) -> Vec<&SecretKeyRef> {
        self.secret_fields().into_iter().map(|(_, r)| r).collect()
    }

    /// As [`Self::secret_refs`], each with the field that names it
    /// (`spec.connector.scim.token`), for messages.
    pub fn secret_fields(&self) -> Vec<(&'static str, &SecretKeyRef)> {
        let refs = [
            ("spec.connector.scim.token", self.scim.as_ref().map(|s| &s.token)),
            ("spec.connector.github.token", self.github.as_ref().map(|g| &g.token)),
            ("spec.connector.ldap.password", self.ldap.as_ref().map(|l| &l.password)),
            ("spec.connector.microsoftGraph.clientSecret", self.microsoft_graph.as_ref().map(|g| &g.client_secret)),
            (
                "spec.connector.googleWorkspace.serviceAccountKey",
                self.google_workspace.as_ref().map(|g| &g.service_account_key),
            ),
            ("spec.connector.slack.token", self.slack.as_ref().map(|s| &s.token)),
            ("spec.connector.slack.scimToken", self.slack.as_ref().and_then(|s| s.scim_token.as_ref())),
            ("spec.connector.atlassian.apiKey", self.atlassian.as_ref().map(|a| &a.api_key)),
        ];
        refs.into_iter().filter_map(|(path, r)| Some((path, r?.secret.as_ref()?))).collect()
    }
}

impl SecretRef {
    /// How many of `env`, `file` and `secret` are set (exactly one must be).
    pub fn sources_set(&self) -> usize {
        usize::from(self.env.is_some()) + usize::from(self.file.is_some()) + usize::from(self.secret.is_some())
    }
}

/// One key of a Kubernetes Secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// The Secret's name, in the resource's namespace.
    pub name: String,
    /// The key within the Secret's `data` (surrounding whitespace of the
    /// value is ignored).
    pub key: String,
}

/// Vendor behaviour of a SCIM service provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScimProfile {
    /// As RFC 7644 describes: `active: false` suspends, DELETE deletes.
    #[default]
    Generic,
    /// Slack: DELETE only deactivates, so keyward never plans a deletion
    /// (the account stays deactivated).
    Slack,
    /// GitHub Enterprise Managed Users: `active: false` is a reinstatable
    /// soft deprovision; DELETE is permanent (repositories, keys and tokens
    /// are gone). A `User-Agent` is sent as GitHub requires.
    GithubEmu,
    /// Atlassian Cloud user provisioning: at most 100 users per page;
    /// DELETE cannot be undone.
    Atlassian,
    /// Zoom: `application/scim+json` only; PATCH (de)activates.
    Zoom,
}

/// The person field a new SCIM account's `userName` is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScimUserName {
    /// The work e-mail address.
    #[default]
    Email,
    /// The HR employee number.
    EmployeeId,
}

/// An attribute of SCIM's enterprise user extension keyward can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EnterpriseAttribute {
    /// The HR employee number.
    EmployeeNumber,
    /// The department of the person's first post.
    Department,
    /// The manager, as a reference to the manager's account in the app.
    Manager,
}

// ---------------------------------------------------------------- Slack connector

/// A Slack workspace, or an Enterprise Grid organisation, read through
/// Slack's Web API and changed through its SCIM API (Business+ and
/// Enterprise plans).
///
/// Slack never deletes a user: a leaver stays deactivated, and a planned
/// deletion is left to a human. Roles (owner, admin, guests) cannot be
/// changed through SCIM, so a role change is a task for a human too. With
/// `scimToken`, user groups (SCIM Groups) are the accounts' groups, which
/// grants may name; without it, grants name no groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlackConnector {
    /// Where the Web API token is read from when keyward runs: a bot or
    /// user token with the scopes `users:read` and `users:read.email`. The
    /// token itself never belongs in a policy file.
    pub token: SecretRef,
    /// Where the SCIM token is read from: a user token of an Org Owner or
    /// Admin with the `admin` scope, also used to read user groups. Without
    /// it keyward only lists (no groups), and every change is a task for a
    /// human. When one token has every scope, point both fields at the
    /// same secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_token: Option<SecretRef>,
    /// Base URL of the Web API. Default `https://slack.com/api`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Base URL of the SCIM API. Default `https://api.slack.com/scim/v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_url: Option<String>,
    /// Enterprise Grid: the workspace (`T…`) whose users an organisation
    /// token lists. Leave it out for a single workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Users asked for per `users.list` page (1 to 1000). Default 200, what
    /// Slack recommends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

impl SlackConnector {
    /// The Web API base URL, the default when the policy names none.
    pub fn api_url(&self) -> &str {
        self.api_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or("https://slack.com/api")
    }

    /// The SCIM base URL, the default when the policy names none.
    pub fn scim_url(&self) -> &str {
        self.scim_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or("https://api.slack.com/scim/v2")
    }

    /// The Web API token and, when set, the SCIM token.
    pub fn tokens(&self) -> impl Iterator<Item = &SecretRef> {
        std::iter::once(&self.token).chain(self.scim_token.as_ref())
    }
}

// ---------------------------------------------------------------- Atlassian connector

/// An Atlassian Cloud organisation, read and changed through the
/// organisation admin API (`https://api.atlassian.com/admin`) with an
/// organisation API key from admin.atlassian.com.
///
/// keyward lists the users of a directory, suspends them (not billed,
/// roles and groups kept), restores and removes them (roles and groups
/// lost), and adds and removes group memberships; product access follows
/// the role through the groups `productAccess` maps it to. The admin API
/// cannot create accounts: a joiner is invited by e-mail into the role's
/// and the grant's groups (organisations with a paid plan), and the
/// account is theirs once they accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AtlassianConnector {
    /// The organisation id, as in `https://admin.atlassian.com/o/ORG_ID`.
    pub org_id: String,
    /// The directory whose users and groups are managed. Default `-`, every
    /// directory the API key may administer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// Where the organisation API key is read from when keyward runs (sent
    /// as a bearer token). The key itself never belongs in a policy file.
    pub api_key: SecretRef,
    /// Base URL of the API. Default `https://api.atlassian.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Role → the groups that grant its product access
    /// (`jira-user: [jira-software-users-example]`). An account's role is
    /// the one whose groups it is in; a role change leaves the old role's
    /// groups and joins the new one's. These groups are not listed among
    /// the account's other groups.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub product_access: BTreeMap<String, Vec<String>>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

impl AtlassianConnector {
    /// The API base URL, the default when the policy names none.
    pub fn api_url(&self) -> &str {
        self.api_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or("https://api.atlassian.com")
    }

    /// The directory id, `-` (every directory) when the policy names none.
    pub fn directory_id(&self) -> &str {
        self.directory_id.as_deref().map(str::trim).filter(|d| !d.is_empty()).unwrap_or("-")
    }
}
// ---------------------------------------------------------------- LDAP connector

/// An LDAP directory keyward reads and changes: every entry matching
/// `userFilter` under `baseDn` is an account, and the `groupOfNames` and
/// `groupOfUniqueNames` entries under `groupsDn` are its groups. An account's
/// id is its `uid` (the `attributes.id` attribute), which survives renames
/// that change the DN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapConnector {
    /// Where the directory listens: `ldap://host:389` or, with TLS from the
    /// first byte, `ldaps://host:636`. TLS certificates are checked against
    /// the system's trusted CAs, or the ones in `tls.caFile`, and must name
    /// this host.
    pub url: String,
    /// Upgrade an `ldap://` connection to TLS with StartTLS before binding,
    /// so the password never crosses the network in clear. Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start_tls: bool,
    /// How the directory's TLS certificate is checked, for `ldaps://` and
    /// StartTLS. Without it, the system's trusted CAs vouch for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<LdapTls>,
    /// The DN keyward binds as (`cn=keyward,ou=services,dc=example,dc=com`).
    /// It needs to read the people and groups, and to add, change and delete
    /// people and group memberships for `keyward apply`.
    pub bind_dn: String,
    /// Where the bind password is read from when keyward runs. The password
    /// itself never belongs in a policy file.
    pub password: SecretRef,
    /// The subtree holding the people (`ou=people,dc=example,dc=com`). New
    /// accounts are created directly below it.
    pub base_dn: String,
    /// The subtree holding the groups (`ou=groups,dc=example,dc=com`); a
    /// group's name is its `cn`. Without it, keyward neither reads nor
    /// changes group memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_dn: Option<String>,
    /// Which entries under `baseDn` are accounts, as an LDAP filter.
    /// Default `(objectClass=inetOrgPerson)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_filter: Option<String>,
    /// Which LDAP attributes hold the account fields.
    #[serde(default)]
    pub attributes: LdapAttributes,
    /// Which person field a new account's id (its `uid`, and so its DN
    /// `uid=<id>,<baseDn>`) is made from: `emailLocalPart` (default:
    /// `tanaka` for tanaka@example.com), `email` or `employeeId`.
    #[serde(default)]
    pub uid_from: LdapUidFrom,
    /// What suspending an account does: `passwordLock` (default) or `group`.
    #[serde(default)]
    pub suspension: LdapSuspension,
    /// With `suspension: group`, the `cn` of the group under `groupsDn`
    /// whose members are suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_group: Option<String>,
    /// Entries asked for per page of the paged search (RFC 2696). Default
    /// 200; Active Directory serves at most 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Seconds before connecting or one LDAP operation is abandoned.
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// How an LDAP connection's TLS certificate is checked. The certificate is
/// always verified: there is no way to turn the check off, because without
/// it anyone on the network path could pose as the directory and collect the
/// bind password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapTls {
    /// A PEM file with the CA certificates (one or more `-----BEGIN
    /// CERTIFICATE-----` blocks) that vouch for the directory's
    /// certificate: usually the company's own CA, which signs the
    /// certificates of on-premises directories. Only these CAs are then
    /// trusted for this directory, not the system's. Relative paths are
    /// relative to the policy file.
    pub ca_file: String,
}

/// The LDAP attributes of an account's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapAttributes {
    /// The account's id and login name, unique under `baseDn`, and the
    /// naming attribute of new entries. Default `uid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address. Default `mail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name. Default `cn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The HR employee number (the account's `externalId`). Default
    /// `employeeNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
}

/// The person field a new LDAP account's id is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum LdapUidFrom {
    /// The part of the work e-mail before `@`.
    #[default]
    EmailLocalPart,
    /// The whole work e-mail address.
    Email,
    /// The HR employee number.
    EmployeeId,
}

/// How an LDAP account is suspended. LDAP itself has no "disabled" flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum LdapSuspension {
    /// Lock the password with OpenLDAP's password policy overlay: suspend
    /// sets `pwdAccountLockedTime: 000001010000Z` (locked until an
    /// administrator unlocks it), restore removes it. Binds are refused
    /// only where the ppolicy overlay is loaded and the entry's policy has
    /// `pwdLockout: TRUE`; elsewhere the attribute is stored but the person
    /// can still sign in. A lock set by failed binds (another time) is not
    /// a suspension and is left alone.
    #[default]
    PasswordLock,
    /// Membership in `suspendedGroup`: suspend adds the account to it,
    /// restore removes it. Only the applications that read the directory
    /// and honour that group stop the person; the password still binds.
    Group,
}

/// A user list exported from a SaaS admin screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CsvExportConnector {
    /// Path of the CSV file, relative to the directory of the policy file.
    pub path: String,
    /// Text encoding, as for people sources.
    #[serde(default)]
    pub encoding: TextEncoding,
    /// Field delimiter, one character. Default `,`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Which header holds which account field.
    pub columns: AccountColumns,
    /// Which values of the status column mean what. Values compare without
    /// regard to case. When omitted, common English and Japanese words are
    /// understood; an unknown value is an error, never a guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_values: Option<AccountStatusValues>,
    /// Export label → role name (`Workspace Admin: admin`). Unmapped labels
    /// are used as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_values: BTreeMap<String, String>,
    /// Separator between several groups in one cell. Default `;`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_separator: Option<String>,
}

/// CSV headers of the account fields. At least one of `id`, `email` and
/// `username` is required; the account id defaults to the username, then
/// the e-mail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountColumns {
    /// The app's own id for the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Login name or handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Account status (active, suspended, invited, bot…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Role (may be the same column as `status` when an export mixes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Group memberships, separated by `listSeparator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
    /// The HR employee number stored in the app, if it keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Last sign-in date, shown in inventories and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active: Option<String>,
    /// Further columns kept as named account attributes, usable as a
    /// correlator's `accountField`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// Status column values by meaning. Compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountStatusValues {
    /// The account can sign in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub active: Vec<String>,
    /// The account exists but cannot sign in (deactivated, suspended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspended: Vec<String>,
    /// An invitation that was not accepted yet; counts as provisioned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<String>,
    /// A bot or integration account; never matched to people or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bot: Vec<String>,
    /// A deleted account the export still lists; ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<String>,
}

/// One way to match an account to a person. Set exactly one field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CorrelatorSpec {
    /// Match the account's e-mail to the person's work e-mail, without
    /// regard to case and with `+tags` removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailCorrelator>,
    /// Match an account field holding the HR employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<EmployeeIdCorrelator>,
    /// Match an account field to an HR attribute column (for example the
    /// GitHub login column to the account's username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<AttributeCorrelator>,
}

/// Match by e-mail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmailCorrelator {
    /// Old or secondary domains and the domain they stand for
    /// (`old-example.co.jp: example.com`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domain_aliases: BTreeMap<String, String>,
    /// Keep `+tags` (`taro+slack@example.com`) instead of removing them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_plus_tag: bool,
    /// Account field holding the e-mail. Default `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
}

/// Match by employee number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmployeeIdCorrelator {
    /// Account field holding the employee number. Default `externalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
}

/// Match by an HR attribute.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AttributeCorrelator {
    /// Name of the HR attribute (a key of the people source's
    /// `columns.attributes`).
    pub attribute: String,
    /// Account field to compare with. Default `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
    /// Compare with regard to case (default: case-insensitive).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_sensitive: bool,
}

/// Accounts never touched. Set one of `username`, `email` (regular
/// expressions, matched anywhere unless anchored) or `id` (exact).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProtectRule {
    /// Regular expression on the username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Regular expression on the e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Exact account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why these accounts are protected, shown in inventories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Lifecycle timing of one app.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LifecycleSpec {
    /// Create joiners' accounts this many days before their first day
    /// (default `0d`: on the first day). Never earlier.
    #[serde(default)]
    pub provision_before: Days,
    /// What happens to the account of someone on leave (休職): `keep`
    /// (default) or `suspend`; restored on return.
    #[serde(default)]
    pub on_leave: OnLeave,
    /// After a transfer (異動日), access the new posts no longer grant is
    /// kept this long for the handover. Needs the people source's `movedOn`
    /// column; without it, access ends at once.
    #[serde(default)]
    pub mover_grace: Days,
    /// An account of a current employee that no policy grants: `review`
    /// (default; list it) or `suspend` (enforce the policy).
    #[serde(default)]
    pub ungranted: Ungranted,
    /// What happens to a leaver's account.
    #[serde(default)]
    pub offboarding: OffboardingSpec,
}

/// Treatment of an account during a leave of absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OnLeave {
    /// Leave the account as it is.
    #[default]
    Keep,
    /// Suspend it for the leave and restore it on return.
    Suspend,
}

/// Treatment of an account that no policy grants to a current employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Ungranted {
    /// List it for review.
    #[default]
    Review,
    /// Suspend it (never delete: the person still works here).
    Suspend,
}

/// A leaver's path: suspend, hand over, delete.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OffboardingSpec {
    /// When to suspend: `afterLastDay` (default), `onLastDay`, or a day
    /// count after the last working day.
    #[serde(default)]
    pub suspend: SuspendTiming,
    /// Who receives the leaver's data before deletion: `manager` or an
    /// account of this app. Without it, nothing is handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<TransferTo>,
    /// When to delete, counted from the last working day: `never` (default)
    /// or a day count. Deletion waits for the handover target to exist.
    #[serde(default)]
    pub delete_after: Retention,
}

/// Internal and partner e-mail domains of an app's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentitiesSpec {
    /// The company's own domains (`example.com`); subdomains are not
    /// included unless listed. When set, an account matched to a person
    /// whose e-mail is on neither these nor `partnerDomains` is flagged: an
    /// address the company does not control outlives the person's
    /// employment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal_domains: Vec<String>,
    /// Domains of partners whose people work in the app as externals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_domains: Vec<String>,
    /// The most privileged role a person whose HR work e-mail is on a
    /// partner domain may hold, whatever the policies grant (`guest`). One
    /// of the app's `roles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_max_role: Option<String>,
}

/// Monthly price of one seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeatCost {
    /// Price per seat per month.
    pub monthly: f64,
    /// ISO 4217 currency code (`JPY`, `USD`).
    pub currency: String,
    /// What stops the app billing an account: `suspend` (default: most
    /// SaaS bill active users only) or `delete` (Google Workspace and
    /// Microsoft 365 bill suspended users until the account is deleted).
    #[serde(default, skip_serializing_if = "SeatFreedBy::is_default")]
    pub freed_by: SeatFreedBy,
}

/// The change that frees a paid seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SeatFreedBy {
    /// Suspending (deactivating) the account frees the seat.
    #[default]
    Suspend,
    /// Only deleting the account frees the seat.
    Delete,
}

impl SeatFreedBy {
    fn is_default(&self) -> bool {
        *self == Self::Suspend
    }
}

// ---------------------------------------------------------------- AccessPolicy

/// Who gets which account: people selected by HR attributes get the listed
/// grants. Grants are a union over all matching policies and all of a
/// person's current posts.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "AccessPolicy",
    namespaced,
    shortname = "kwpol",
    category = "keyward"
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessPolicySpec {
    /// What this policy is for, shown in explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which people the policy applies to. Every condition given must hold.
    pub select: Selector,
    /// What the selected people get.
    pub grant: Vec<Grant>,
}

/// Conditions on HR attributes. Every condition given must hold; a missing
/// condition holds for everyone. Department and title are checked against
/// the same post, so `{department: [Sales/**], title: Manager}` means "a
/// manager in Sales", not "in Sales and a manager somewhere".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Selector {
    /// Department globs; any may match. `*` is one level, `**` any number
    /// of levels; `Sales/**` also matches `Sales` itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department: Vec<String>,
    /// Regular expression on the job title (matched anywhere unless
    /// anchored; a missing title is matched as the empty string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Employment types; any may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<String>,
    /// HR statuses; any may match. Default: `active` and `on-leave` (what
    /// happens to accounts during a leave is the app's `onLeave` setting).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<SelectStatus>,
    /// Regular expressions on HR attributes (for example `github: ".+"`
    /// for people who have a GitHub login; a missing attribute is matched
    /// as the empty string).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// A status a selector can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SelectStatus {
    /// Working (and joiners about to start).
    Active,
    /// On a leave of absence.
    OnLeave,
}

/// One entitlement: an account in an app, with a role and groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Grant {
    /// Name of the Application.
    pub app: String,
    /// Role in the app (one of the Application's `roles` when it lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Groups in the app. keyward manages only groups some grant names;
    /// other groups on an account are left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

// ---------------------------------------------------------------- Exception

/// An explicit, approved, time-bounded grant for one person, outside the
/// policies (a handover, a project). It disappears by itself after `until`,
/// and it applies even after the person's last working day.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "Exception",
    namespaced,
    shortname = "kwex",
    category = "keyward"
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExceptionSpec {
    /// The person: employee number or work e-mail.
    pub person: String,
    /// What the person gets while the exception is in force.
    pub grant: Vec<Grant>,
    /// First day in force. Default: at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Last day in force (inclusive).
    pub until: Date,
    /// Why, in a sentence reviewers can judge.
    pub reason: String,
    /// Who approved it (e-mail).
    pub approver: String,
}

// ---------------------------------------------------------------- SeparationOfDuties

/// Separation of duties (職務分掌): duties that one person must not hold
/// together, such as submitting and approving payments. Each duty is a set
/// of entitlements; a person who holds (or is granted) entitlements of two
/// or more duties of the same resource is a violation. The plan lists every
/// violation, and a change that would give someone a conflicting
/// entitlement is held back for review: apply never creates one.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "SeparationOfDuties",
    plural = "separationsofduties",
    singular = "separationofduties",
    namespaced,
    shortname = "kwsod",
    category = "keyward"
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeparationOfDutiesSpec {
    /// What the rule protects against, in a sentence auditors can read
    /// (shown with every violation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who answers for the rule (e-mail), named with every violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The duties that must stay apart; at least two. Nobody may hold
    /// entitlements of more than one of them.
    pub duties: Vec<Duty>,
}

/// One duty: a name and the entitlements that make someone able to
/// perform it (any one of them is enough).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Duty {
    /// The duty in words (`submit payments`), used in the plan.
    pub name: String,
    /// The entitlements that carry the duty; any one of them counts.
    pub entitlements: Vec<DutyEntitlement>,
}

/// An entitlement that carries a duty: an account in an app, optionally
/// with a given role or in a given group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DutyEntitlement {
    /// Name of the Application.
    pub app: String,
    /// Only accounts with this role (case-insensitive). With neither
    /// `role` nor `group`, any account in the app carries the duty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Only accounts in this group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

// ---------------------------------------------------------------- CRDs

/// The CustomResourceDefinitions of every keyward kind, generated from the
/// types above (never written by hand).
pub fn crds() -> Vec<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> {
    use kube::CustomResourceExt as _;
    vec![PeopleSource::crd(), Application::crd(), AccessPolicy::crd(), Exception::crd(), SeparationOfDuties::crd()]
}
