//! The `csvExport` connector: a user list exported from an app's admin
//! screen, read only.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::Days;
use crate::resources::shared::TextEncoding;

/// How old an export may be, when `maxAge` is not set: a month. Exports
/// are made by hand, often at a monthly review; older than that, leavers
/// since the export are missing from it and the checklist asks again for
/// changes already made.
pub const DEFAULT_EXPORT_MAX_AGE: Days = Days(30);

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
    /// How old the export may be on the plan date (`30d`, `2w`). Older, the
    /// plan warns and `keyward apply` refuses the app unless run with
    /// `--allow-stale-exports`. The export's date is read from
    /// `columns.exportedAt` when mapped (the oldest of its cells), else it
    /// is the file's modification time. Default `30d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<Days>,
    /// Which app's admin screen the export comes from (`github`, `slack`,
    /// `googleWorkspace`, `microsoft365`, `atlassian`, `okta`), so that its
    /// checklist says what to do in that app's own words (GitHub: remove
    /// from the organisation) and names accounts as the app does (GitHub:
    /// the login). Omitted: generic words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_from: Option<super::Vendor>,
}

impl CsvExportConnector {
    /// `maxAge`, or its default.
    pub fn max_age(&self) -> Days {
        self.max_age.unwrap_or(DEFAULT_EXPORT_MAX_AGE)
    }
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
    /// The date or time the export was made, when the export has such a
    /// column (`出力日時`): `2026-11-30`, `2026/11/30`, `2026年11月30日`,
    /// each optionally followed by a time (`09:15`, `9時15分`). When rows
    /// differ, the oldest counts. A cell that cannot be read is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<String>,
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
