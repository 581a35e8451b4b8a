//! The `googleWorkspace` connector: a Google Workspace customer through the
//! Admin SDK.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
