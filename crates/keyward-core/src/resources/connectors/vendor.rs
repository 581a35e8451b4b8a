//! Which app is behind a connector, as far as a human working in its admin
//! console is concerned: a checklist says what to do there in that app's
//! own words (GitHub has no suspension: remove from the organisation) and
//! names the account as the console shows it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ConnectorSpec;

/// An app whose admin console keyward knows the words of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Vendor {
    /// A GitHub organisation: members are invited and removed; there is no
    /// suspension.
    Github,
    /// A Slack workspace: accounts are deactivated, never deleted.
    Slack,
    /// Google Workspace: users are suspended and deleted.
    GoogleWorkspace,
    /// Microsoft 365 (Entra ID): sign-in is blocked, users deleted.
    #[serde(rename = "microsoft365")]
    #[schemars(rename = "microsoft365")]
    Microsoft365,
    /// Atlassian Cloud: access is suspended, users removed.
    Atlassian,
    /// Okta: users are suspended, deactivated and deleted.
    Okta,
}

impl Vendor {
    /// The key the catalogue's checklist messages select on.
    pub fn key(self) -> &'static str {
        match self {
            Self::Github => "github",
            Self::Slack => "slack",
            Self::GoogleWorkspace => "googleWorkspace",
            Self::Microsoft365 => "microsoft365",
            Self::Atlassian => "atlassian",
            Self::Okta => "okta",
        }
    }

    /// Whether the admin console names a user by e-mail address (else by
    /// the login, the account's username).
    pub fn names_users_by_email(self) -> bool {
        match self {
            Self::Slack | Self::GoogleWorkspace | Self::Microsoft365 | Self::Atlassian => true,
            Self::Github | Self::Okta => false,
        }
    }
}

impl ConnectorSpec {
    /// The app behind the connector: its kind for a vendor's own API, what
    /// `csvExport.exportedFrom` says for an export; `None` for a generic
    /// connector (SCIM, LDAP, REST) or an export that does not say.
    pub fn vendor(&self) -> Option<Vendor> {
        if let Some(csv) = &self.csv_export {
            return csv.exported_from;
        }
        [
            (self.github.is_some(), Vendor::Github),
            (self.slack.is_some(), Vendor::Slack),
            (self.google_workspace.is_some(), Vendor::GoogleWorkspace),
            (self.microsoft_graph.is_some(), Vendor::Microsoft365),
            (self.atlassian.is_some(), Vendor::Atlassian),
            (self.okta.is_some(), Vendor::Okta),
        ]
        .into_iter()
        .find_map(|(set, v)| set.then_some(v))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_export_names_its_app_and_a_live_connector_is_its_app() {
        let csv: ConnectorSpec =
            serde_json::from_str(r#"{"csvExport":{"path":"a.csv","columns":{"id":"login"},"exportedFrom":"github"}}"#)
                .unwrap();
        assert_eq!(csv.vendor(), Some(Vendor::Github));
        let m365: ConnectorSpec = serde_json::from_str(
            r#"{"csvExport":{"path":"a.csv","columns":{"id":"upn"},"exportedFrom":"microsoft365"}}"#,
        )
        .unwrap();
        assert_eq!(m365.vendor().map(Vendor::key), Some("microsoft365"));
        let plain: ConnectorSpec =
            serde_json::from_str(r#"{"csvExport":{"path":"a.csv","columns":{"id":"x"}}}"#).unwrap();
        assert_eq!(plain.vendor(), None);
    }
}
