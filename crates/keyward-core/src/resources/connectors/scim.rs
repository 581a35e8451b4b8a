//! The `scim` connector: a SCIM 2.0 service provider.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
