//! The `atlassian` connector: an Atlassian Cloud organisation through the
//! organisation admin API.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
