//! The `okta` connector: the users and groups of an Okta organisation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::connectors::NameOrder;
use crate::resources::shared::SecretRef;

/// An Okta organisation, read and changed through Okta's management API
/// (`/api/v1/users`, `/api/v1/groups`) with an API token.
///
/// keyward lists every user (deactivated ones included), creates and
/// activates joiners, suspends and unsuspends, deactivates and deletes
/// (Okta's two steps), and adds and removes memberships of Okta groups
/// (`OKTA_GROUP`), which grants name as `groups`. Groups synchronised
/// from apps or directories (`APP_GROUP`) and Okta's built-in `Everyone`
/// are read but never changed. Okta users have no role keyward sets.
/// Nothing is handed over: Okta holds no data of its own to transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OktaConnector {
    /// The organisation's URL, `https://<org>.okta.com` (or
    /// `.oktapreview.com`, or its custom domain).
    pub org_url: String,
    /// Where the API token is read from when keyward runs (sent as
    /// `Authorization: SSWS <token>`). Create it in the Admin Console
    /// (Security → API → Tokens) as an admin who may manage users and
    /// groups (Group Administrator over the managed groups, or Super
    /// Administrator). The token itself never belongs in a policy file.
    pub token: SecretRef,
    /// What suspending a leaver does. `suspend` (default): the user is
    /// SUSPENDED — cannot sign in, keeps app assignments and group
    /// memberships, and `unsuspend` gives everything back; apps Okta
    /// provisions see no change. `deactivate`: the user is DEPROVISIONED —
    /// every app Okta provisions deprovisions the account too (and may
    /// delete its data there), assignments are lost, and a rehire is
    /// activated again with a new activation e-mail.
    #[serde(default)]
    pub suspend_as: OktaSuspendAs,
    /// How HR names split into Okta's required `firstName` and `lastName`
    /// for a joiner: `givenFirst` (default, "Hanako Yamada") or
    /// `familyFirst` ("山田 花子").
    #[serde(default)]
    pub name_order: NameOrder,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// What suspending an Okta user means (`spec.connector.okta.suspendAs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OktaSuspendAs {
    /// `lifecycle/suspend`: no sign-in, everything else kept.
    #[default]
    Suspend,
    /// `lifecycle/deactivate`: deprovisioned from every app Okta
    /// provisions.
    Deactivate,
}
