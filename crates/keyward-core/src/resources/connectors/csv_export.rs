//! The `csvExport` connector: a user list exported from an app's admin
//! screen, read only.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::TextEncoding;

/// A user list exported from a SaaS admin screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CsvExportConnector {
    /// Path of the CSV file, relative to the directory of the policy file.
    /// In a resource read from the Kubernetes API: an absolute path under
    /// a directory the controller allows with `--allow-files`.
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
