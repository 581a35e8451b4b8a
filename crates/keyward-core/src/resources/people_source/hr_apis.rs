//! The directory APIs a PeopleSource can read as the HR master: Google
//! Workspace's Directory and Microsoft Graph (Entra ID). Both map a
//! user's JSON to keyward's fields with paths (see [`crate::json_path`]),
//! so a policy does not change when the HR master does.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::PeopleValueMaps;
use crate::resources::shared::SecretRef;

/// Google Workspace's Directory API, read as the HR master: every user of
/// the customer (or domain), suspended and archived ones included, page by
/// page to the end; a failing page is an error and nothing is planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GoogleWorkspacePeopleSource {
    /// Where the service account's JSON key is read from when keyward
    /// runs. The service account needs domain-wide delegation of the scope
    /// `https://www.googleapis.com/auth/admin.directory.user.readonly`.
    pub service_account_key: SecretRef,
    /// The Workspace administrator the service account acts as
    /// (`admin@example.com`); the Directory API refuses a service account
    /// acting as itself.
    pub subject: String,
    /// The customer whose users are read. Default `my_customer` (the
    /// subject's own). Leave it out when `domain` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Read only the users of this domain instead of the whole customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// A Directory search (`query=`), for example `isAdmin=false`. People
    /// it leaves out are not in the HR master: their accounts are orphans
    /// for review, never leavers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Read only the users of this organisational unit and the units under
    /// it (`/Employees`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit_path: Option<String>,
    /// Base URL of the Directory API. Default
    /// `https://admin.googleapis.com/admin/directory/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_url: Option<String>,
    /// Which property of a user holds each HR field; unset fields take
    /// Google's defaults (see the README).
    #[serde(default, skip_serializing_if = "UserFieldPaths::is_empty")]
    pub fields: UserFieldPaths,
    /// Further properties kept as named attributes, for selectors and
    /// per-app correlation: attribute name → path (for example
    /// `github: customSchemas.HR.GitHubLogin`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// How the directory's labels map to keyward's vocabulary, as for
    /// `csv`; `suspended` and `archived` mean `terminated` unless mapped
    /// otherwise here.
    #[serde(default)]
    pub values: PeopleValueMaps,
    /// Time zone (IANA name, `Asia/Tokyo`) in which timestamps become
    /// dates. Default `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// Microsoft Graph (Entra ID) users, read as the HR master with an app
/// registration's client credentials. Grant it the application permission
/// `User.Read.All` (and `User-LifeCycleInfo.Read.All` for
/// `employeeLeaveDateTime`), with admin consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MicrosoftGraphPeopleSource {
    /// The directory: its tenant id (a GUID) or a verified domain.
    pub tenant: String,
    /// The app registration's Application (client) id.
    pub client_id: String,
    /// Where the app registration's client secret is read from when
    /// keyward runs. The secret itself never belongs in a policy file.
    pub client_secret: SecretRef,
    /// Base URL of Microsoft Graph. Default `https://graph.microsoft.com/v1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_url: Option<String>,
    /// Base URL of the identity platform. Default
    /// `https://login.microsoftonline.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    /// An OData `$filter` on the users (`endsWith(mail,'@example.com')`
    /// needs advanced queries and is not supported). Not with `delta`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Read changes only (`/users/delta`) on later reads of the
    /// controller, merged into the users it read before. The CLI always
    /// reads every user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delta: bool,
    /// Which property of a user holds each HR field; unset fields take
    /// Graph's defaults (see the README).
    #[serde(default, skip_serializing_if = "UserFieldPaths::is_empty")]
    pub fields: UserFieldPaths,
    /// Further properties kept as named attributes: attribute name → path
    /// (for example `costCenter: employeeOrgData.costCenter`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// How the directory's labels map to keyward's vocabulary, as for
    /// `csv`; `disabled` (accountEnabled false) means `terminated` and
    /// `enabled` `active` unless mapped otherwise here.
    #[serde(default)]
    pub values: PeopleValueMaps,
    /// Time zone (IANA name, `Asia/Tokyo`) in which `employeeHireDate`
    /// and `employeeLeaveDateTime` become dates. Default `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Users asked for per page (`$top`, 1 to 999). Default 999.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// keyward's HR fields → the path of the user property holding each
/// (`customSchemas.HR.EmploymentType`, `employeeOrgData.division`). An
/// empty path (`""`) turns the vendor's default off: the field is not read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserFieldPaths {
    /// Employee number; unique per person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Work e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Department path; every element of an array without a selector is
    /// a concurrent post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title, paired with the departments element by element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Employment type label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
    /// Status label; replaces the one derived from the account's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// First working day (a date, or a timestamp read in `timeZone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last working day (a date, or a timestamp read in `timeZone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// The manager's employee number or e-mail, used to hand a leaver's
    /// data over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Date of the latest transfer; starts a mover's grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_on: Option<String>,
}

impl UserFieldPaths {
    /// `true` when no field is mapped (all defaults).
    pub fn is_empty(&self) -> bool {
        self.named().iter().all(|(_, p)| p.is_none())
    }

    /// Every field by its name in policy files, with its path if set.
    pub fn named(&self) -> [(&'static str, Option<&String>); 11] {
        [
            ("id", self.id.as_ref()),
            ("email", self.email.as_ref()),
            ("name", self.name.as_ref()),
            ("department", self.department.as_ref()),
            ("title", self.title.as_ref()),
            ("employmentType", self.employment_type.as_ref()),
            ("status", self.status.as_ref()),
            ("startDate", self.start_date.as_ref()),
            ("endDate", self.end_date.as_ref()),
            ("manager", self.manager.as_ref()),
            ("movedOn", self.moved_on.as_ref()),
        ]
    }
}

/// Google's defaults: the Admin console's employee information.
pub const GOOGLE_DEFAULT_PATHS: &[(&str, &str)] = &[
    ("id", "externalIds[type=organization].value"),
    ("email", "primaryEmail"),
    ("name", "name.fullName"),
    ("department", "organizations[primary].department"),
    ("title", "organizations[primary].title"),
    ("employmentType", "organizations[primary].description"),
    ("manager", "relations[type=manager].value"),
];

/// Graph's defaults: the user's HR properties.
pub const GRAPH_DEFAULT_PATHS: &[(&str, &str)] = &[
    ("id", "employeeId"),
    ("email", "mail"),
    ("name", "displayName"),
    ("department", "department"),
    ("title", "jobTitle"),
    ("employmentType", "employeeType"),
    ("startDate", "employeeHireDate"),
    ("endDate", "employeeLeaveDateTime"),
];
