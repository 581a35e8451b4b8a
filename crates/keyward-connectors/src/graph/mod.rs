//! The Microsoft Graph connector: the users of one Microsoft Entra tenant
//! (Microsoft 365), their group memberships and, where the policy maps
//! roles to licences, their licences.
//!
//! Graph pages by `@odata.nextLink`; every link is followed to the end and
//! a page that fails fails the listing. Every change is idempotent, because
//! the apply engine reruns a change whose outcome it never learnt: a create
//! that meets an existing `userPrincipalName` adopts that user, adding a
//! member twice or removing a non-member is [`Outcome::AlreadyDone`], and a
//! deleted user is already deleted.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use http::StatusCode;
use keyward_core::account::{AccountListing, RevokeKinds, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, CorrelatorSpec, MicrosoftGraphConnector};
use serde_json::Value;
use url::Url;

use crate::ClusterSecrets;
use crate::http::{
    HttpClient, HttpError, HttpSettings, MICROSOFT_AUTHORITY, MicrosoftClientCredentials, Reply, RetryPolicy,
};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

mod changes;
mod listing;
pub(crate) mod paging;
mod revoke;

pub(crate) use changes::initial_password;
pub(crate) use listing::user_account;

/// Microsoft Graph v1.0 in Microsoft's global cloud.
pub const GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";

/// Graph's largest page for users, groups and members: the fewest calls.
const DEFAULT_PAGE_SIZE: u32 = 999;

const USER_FIELDS: &str =
    "id,userPrincipalName,mail,displayName,accountEnabled,employeeId,department,jobTitle,employeeType,assignedLicenses";

/// Application permissions, named in errors so an admin knows what to grant.
const READ_USERS: &str = "User.Read.All";
const WRITE_USERS: &str = "User.ReadWrite.All";
const READ_MEMBERS: &str = "GroupMember.Read.All";
const WRITE_MEMBERS: &str = "GroupMember.ReadWrite.All";
const WRITE_LICENCES: &str = "LicenseAssignment.ReadWrite.All";
/// Reading delegated permission grants.
const READ_GRANTS: &str = "DelegatedPermissionGrant.Read.All";

/// One Entra tenant, as one Application.
#[derive(Debug)]
pub struct MicrosoftGraph {
    app: String,
    base: Url,
    /// Role → SKU id, as the policy writes it.
    licences: BTreeMap<String, String>,
    usage_location: Option<String>,
    page_size: u32,
    http: HttpClient,
    /// Group displayName → ids, from the last listing, so a change does
    /// not look each group up again.
    group_ids: std::sync::Mutex<Option<HashMap<String, Vec<String>>>>,
    /// User id → group names, from the last listing, for targeted lookups.
    member_of: std::sync::Mutex<HashMap<String, Vec<Text>>>,
    /// The Application's correlators, which say what a one-person lookup
    /// must search for.
    correlate: Vec<CorrelatorSpec>,
    /// `lifecycle.offboarding.revoke` is set: the connector offers
    /// revocations and its listing reads what they close. Without it,
    /// nothing new is asked of Graph (nor of the admin's consent).
    revoke_configured: bool,
}

impl MicrosoftGraph {
    /// Builds the connector of an Application with a `microsoftGraph`
    /// connector, reading its client secret now: a missing secret is an
    /// error before anything is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &MicrosoftGraphConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let secret = crate::secrets::read(
            locator,
            app,
            &spec.client_secret,
            secrets,
            "Microsoft Graph client secret",
            "clientSecret",
        )?;
        let written = spec.graph_url.as_deref().unwrap_or(GRAPH_URL).trim().trim_end_matches('/');
        let base = crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
            app: app.name.clone(),
            why: format!("spec.connector.microsoftGraph.graphUrl: {e}"),
        })?;
        let authority = spec.authority_url.as_deref().unwrap_or(MICROSOFT_AUTHORITY).trim().trim_end_matches('/');
        let cc =
            MicrosoftClientCredentials::new(spec.tenant.trim(), spec.client_id.trim(), secret).authority(authority);
        let settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        let http = HttpClient::microsoft_graph(&app.name, &base, cc, settings)?;
        Ok(Self {
            app: app.name.clone(),
            base,
            licences: spec.licences.clone(),
            usage_location: spec.usage_location.clone(),
            page_size: spec.page_size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, DEFAULT_PAGE_SIZE),
            http,
            group_ids: std::sync::Mutex::new(None),
            member_of: std::sync::Mutex::new(HashMap::new()),
            correlate: app.spec.correlate.clone(),
            revoke_configured: app.spec.lifecycle.offboarding.revoke.is_some(),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// `{base}/{segments…}?{query}`; OData's `$` and `$select`'s commas
    /// stay as they are (Graph takes them either way; logs read better).
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        crate::urls::join(&self.base, segments, query, b"$,")
    }

    fn top(&self) -> String {
        self.page_size.to_string()
    }

    /// Every object of a paged collection, each once (Graph may repeat an
    /// object across pages), following `@odata.nextLink` to the end; see
    /// [`paging`].
    async fn pages(&self, first: Url, permission: &str) -> Result<Vec<Value>, ConnectorError> {
        let pager = self.pager();
        let mut out = Vec::new();
        let mut seen_ids: HashSet<String> = HashSet::new();
        pager
            .each(first, permission, |call, item| {
                let Some(id) = text(&item, "id") else {
                    return Err(pager.partial(format!("{call} returned an object without an id")));
                };
                if seen_ids.insert(id.to_owned()) {
                    out.push(item);
                }
                Ok(())
            })
            .await?;
        Ok(out)
    }

    fn pager(&self) -> paging::Pager<'_> {
        paging::Pager::new(&self.http, &self.base, &self.app)
    }
}

#[async_trait]
impl Connector for MicrosoftGraph {
    fn kind(&self) -> &'static str {
        "microsoftGraph"
    }

    fn app(&self) -> &str {
        &self.app
    }

    /// Creates, suspends (`accountEnabled: false`), restores and deletes
    /// users, and changes group memberships. A delete moves the user to
    /// Entra's deleted items, restorable for 30 days. Roles are licences,
    /// so they change only where the policy maps roles to SKUs. No
    /// transfer: handing OneDrive or mailbox data over is not done here.
    /// Revokes sign-in sessions and delegated grants when the Application
    /// asks for revocations.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: if self.revoke_configured { revoke::CAN_REVOKE } else { RevokeKinds::NONE },
            create: true,
            update: !self.licences.is_empty(),
            suspend: true,
            restore: true,
            delete: true,
            transfer: false,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        self.read_all().await
    }

    /// The users whose UPN or mail is one of the person's addresses (in
    /// every alias domain of the app's correlators) or whose employeeId is
    /// one of their employee numbers, with the HR attribute values the
    /// correlators compare with either; the whole listing when a
    /// correlator compares a field no filter reaches.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        self.read_person(person).await
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.enable(change, false).await,
            Action::Restore => self.enable(change, true).await,
            Action::Delete => self.delete(change).await,
            Action::Revoke => self.revoke(change).await,
            Action::Transfer | Action::Review => Err(ConnectorError::Unsupported {
                app: self.app.clone(),
                kind: self.kind(),
                action: change.action.verb(),
            }),
        }
    }
}

/// A string field, `None` when absent or blank.
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Graph's `error.message`, empty when the body is not a Graph error.
fn graph_message(reply: &Reply) -> String {
    let v: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    v.pointer("/error/message").and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The answer as an error that leads with Graph's own `code`, `message`
/// and the `request-id` Microsoft support asks for; a refused permission
/// names the one to grant.
pub(crate) fn graph_error(reply: &Reply, context: Option<&str>, permission: &str) -> HttpError {
    let v: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let field = |p: &str| v.pointer(p).and_then(Value::as_str).filter(|s| !s.is_empty());
    let mut parts: Vec<String> = context.map(str::to_owned).into_iter().collect();
    if let Some(code) = field("/error/code") {
        let mut s = format!("Graph error {code}");
        if let Some(m) = field("/error/message") {
            s.push_str(&format!(": {m}"));
        }
        let inner = field("/error/innerError/request-id").or_else(|| field("/error/innererror/request-id"));
        if let Some(rid) = inner {
            s.push_str(&format!(" (request-id {rid}"));
            if let Some(d) = field("/error/innerError/date") {
                s.push_str(&format!(", date {d}"));
            }
            s.push(')');
        }
        parts.push(s);
        if code == "Authorization_RequestDenied" || reply.status == StatusCode::FORBIDDEN {
            parts.push(format!(
                "grant the app registration the application permission {permission} (Microsoft Graph) and an admin's consent"
            ));
        }
    }
    if parts.is_empty() { reply.error() } else { reply.error_with(Some(&parts.join("; "))) }
}

/// The UTC day of an ISO 8601 timestamp; `None` when it is not one.
pub(crate) fn utc_day(timestamp: &str) -> Option<jiff::civil::Date> {
    let t: jiff::Timestamp = timestamp.parse().ok()?;
    Some(t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// An OData string literal: single quotes doubled.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn odata_literals_double_single_quotes() {
        assert_eq!(quote("o'brien@example.com"), "'o''brien@example.com'");
        assert_eq!(crate::urls::encode("mail eq 'a+b'", b"$,"), "mail%20eq%20%27a%2Bb%27");
    }
}
