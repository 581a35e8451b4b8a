//! The `microsoftGraph` connector: a Microsoft Entra tenant through
//! Microsoft Graph.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
