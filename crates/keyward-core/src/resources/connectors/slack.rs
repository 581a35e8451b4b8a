//! The `slack` connector: a Slack workspace or Enterprise Grid organisation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
    /// Enterprise Grid only: where an organisation admin's or owner's user
    /// token with the `admin.users:write` scope is read from, to reset a
    /// leaver's sessions (`admin.users.session.reset`) when the Application
    /// sets `lifecycle.offboarding.revoke`. Slack offers no session reset
    /// on other plans: without it a revocation in Slack is a task for a
    /// human.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<SecretRef>,
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
