//! The `github` connector: a GitHub organisation through the REST API.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

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
