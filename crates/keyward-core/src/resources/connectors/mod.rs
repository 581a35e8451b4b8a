//! Connector settings of an Application, one file per connector; exactly
//! one is set. What each connector does with them is `keyward-connectors`'
//! business; this is only the policy format.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod atlassian;
mod csv_export;
mod github;
mod google;
mod graph;
mod http;
mod ldap;
mod okta;
mod scim;
mod slack;
mod vendor;

pub use atlassian::*;
pub use csv_export::*;
pub use github::*;
pub use google::*;
pub use graph::*;
pub use http::*;
pub use ldap::*;
pub use okta::*;
pub use scim::*;
pub use slack::*;
pub use vendor::*;

use super::shared::{SecretKeyRef, SecretRef};

/// The connector that reads (and changes) an app's accounts. Set exactly one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::connector)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConnectorSpec {
    /// A user list exported by hand from an app without a usable API. Read
    /// only: applying produces a checklist for a human.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv_export: Option<CsvExportConnector>,
    /// A SCIM 2.0 service provider (RFC 7643/7644): Slack, GitHub
    /// Enterprise, Atlassian, Zoom, Okta-fronted apps and many more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim: Option<ScimConnector>,
    /// A GitHub organisation through GitHub's REST API (github.com or
    /// GitHub Enterprise Server): members and their role (`member`, or
    /// `admin` for an organisation owner), pending invitations, which count
    /// as provisioned, and team memberships as groups. GitHub has no
    /// suspended members: suspend removes the person from the
    /// organisation, and for three months an invitation that reinstates
    /// them (what restore sends) gives back their role and teams; delete
    /// removes them too. Nothing can be handed over (repositories belong to
    /// the organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubConnector>,
    /// An LDAP directory (OpenLDAP, or another directory that speaks LDAP
    /// v3): people under `baseDn`, their groups under `groupsDn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldap: Option<LdapConnector>,
    /// Microsoft Entra ID (Microsoft 365) through Microsoft Graph: users,
    /// group memberships and licences of one tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_graph: Option<MicrosoftGraphConnector>,
    /// Google Workspace through the Admin SDK: users, group memberships,
    /// licences, and Drive and Calendar data handed over with the Data
    /// Transfer API before a user is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_workspace: Option<GoogleWorkspaceConnector>,
    /// A Slack workspace (or Enterprise Grid organisation): accounts read
    /// through the Web API (`users.list`), created, deactivated and
    /// reactivated, and user groups read and changed, through Slack's SCIM
    /// API. Slack never deletes users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<SlackConnector>,
    /// An Atlassian Cloud organisation through the organisation admin API:
    /// joiners invited, accounts suspended, restored and removed, product
    /// access and groups through group memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atlassian: Option<AtlassianConnector>,
    /// Any app's REST API, described in the policy: authentication, the
    /// account listing and its paging, where each field is, and a request
    /// template per change. Changes it leaves out are checklist items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpConnector>,
    /// An Okta organisation through Okta's management API: users created,
    /// suspended or deactivated, restored and deleted, and memberships of
    /// Okta groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta: Option<OktaConnector>,
}

impl ConnectorSpec {
    /// Every connector kind, as written under `spec.connector`.
    pub const KINDS: [&'static str; 10] = [
        "csvExport",
        "scim",
        "github",
        "ldap",
        "microsoftGraph",
        "googleWorkspace",
        "slack",
        "atlassian",
        "http",
        "okta",
    ];

    /// The kinds this spec sets (exactly one is valid).
    pub fn kinds_set(&self) -> Vec<&'static str> {
        let set = [
            self.csv_export.is_some(),
            self.scim.is_some(),
            self.github.is_some(),
            self.ldap.is_some(),
            self.microsoft_graph.is_some(),
            self.google_workspace.is_some(),
            self.slack.is_some(),
            self.atlassian.is_some(),
            self.http.is_some(),
            self.okta.is_some(),
        ];
        Self::KINDS.iter().zip(set).filter(|(_, s)| *s).map(|(k, _)| *k).collect()
    }

    /// The Kubernetes Secret keys this connector's credentials are read
    /// from, for the controller to fetch before building it.
    pub fn secret_refs(&self) -> Vec<&SecretKeyRef> {
        self.secret_fields().into_iter().map(|(_, r)| r).collect()
    }

    /// As [`Self::secret_refs`], each with the field that names it
    /// (`spec.connector.scim.token`), for messages.
    pub fn secret_fields(&self) -> Vec<(&'static str, &SecretKeyRef)> {
        self.credentials().into_iter().filter_map(|(path, r)| Some((path, r.secret.as_ref()?))).collect()
    }

    /// Every credential of the connector, with its field: what a resource
    /// may name as `env`, `file` or `secret`.
    pub fn credentials(&self) -> Vec<(&'static str, &SecretRef)> {
        let refs = [
            ("spec.connector.scim.token", self.scim.as_ref().map(|s| &s.token)),
            ("spec.connector.github.token", self.github.as_ref().map(|g| &g.token)),
            ("spec.connector.ldap.password", self.ldap.as_ref().map(|l| &l.password)),
            ("spec.connector.microsoftGraph.clientSecret", self.microsoft_graph.as_ref().map(|g| &g.client_secret)),
            (
                "spec.connector.googleWorkspace.serviceAccountKey",
                self.google_workspace.as_ref().map(|g| &g.service_account_key),
            ),
            ("spec.connector.slack.token", self.slack.as_ref().map(|s| &s.token)),
            ("spec.connector.slack.scimToken", self.slack.as_ref().and_then(|s| s.scim_token.as_ref())),
            ("spec.connector.atlassian.apiKey", self.atlassian.as_ref().map(|a| &a.api_key)),
            (
                "spec.connector.http.auth.bearer.token",
                self.http_auth().and_then(|a| a.bearer.as_ref()).map(|b| &b.token),
            ),
            ("spec.connector.http.auth.apiKey.key", self.http_auth().and_then(|a| a.api_key.as_ref()).map(|k| &k.key)),
            (
                "spec.connector.http.auth.basic.password",
                self.http_auth().and_then(|a| a.basic.as_ref()).map(|b| &b.password),
            ),
            (
                "spec.connector.http.auth.oauth2.clientSecret",
                self.http_auth().and_then(|a| a.oauth2.as_ref()).map(|o| &o.client_secret),
            ),
            (
                "spec.connector.http.auth.oauth2.refreshToken",
                self.http_auth().and_then(|a| a.oauth2.as_ref()).and_then(|o| o.refresh_token.as_ref()),
            ),
            (
                "spec.connector.http.auth.jwtBearer.privateKey",
                self.http_auth().and_then(|a| a.jwt_bearer.as_ref()).map(|j| &j.private_key),
            ),
            (
                "spec.connector.http.auth.jwtBearer.clientSecret",
                self.http_auth().and_then(|a| a.jwt_bearer.as_ref()).and_then(|j| j.client_secret.as_ref()),
            ),
            ("spec.connector.okta.token", self.okta.as_ref().map(|o| &o.token)),
        ];
        refs.into_iter().filter_map(|(path, r)| Some((path, r?))).collect()
    }

    fn http_auth(&self) -> Option<&HttpAuth> {
        self.http.as_ref().and_then(|h| h.auth.as_ref())
    }

    /// Every file the connector reads, with its field, as written.
    pub fn files(&self) -> Vec<(&'static str, &str)> {
        let files = [
            ("spec.connector.csvExport.path", self.csv_export.as_ref().map(|c| c.path.as_str())),
            (
                "spec.connector.ldap.tls.caFile",
                self.ldap.as_ref().and_then(|l| l.tls.as_ref()).map(|t| t.ca_file.as_str()),
            ),
        ];
        files.into_iter().filter_map(|(path, f)| Some((path, f?))).collect()
    }
}
