//! The SCIM 2.0 connector (RFC 7643 / 7644): reads every User (and Group,
//! for memberships) of a service provider, and creates, changes, suspends,
//! restores and deletes accounts through it.
//!
//! What a server can do is discovered once, lazily, from
//! `/ServiceProviderConfig`: PATCH when supported, else GET + PUT of the
//! whole resource; `If-Match` when ETags are supported; page sizes capped
//! by `filter.maxResults`. Vendor differences RFC 7644 leaves open come
//! from the policy's [`ScimProfile`].
//!
//! Every change is idempotent, because the apply engine reruns a change
//! whose outcome it never learnt: a create that meets an existing account
//! (409) adopts it, a user already in the wanted state is
//! [`Outcome::AlreadyDone`], a deleted account is already deleted.
//!
//! This module owns the connector ([`Scim`]: its configuration, transport,
//! discovered features and the [`Connector`] implementation); the rest is
//! split by concern:
//! - `listing`: paged reads of `/Users` and `/Groups`, lookups by attribute,
//!   and the accounts they make;
//! - `groups`: group ids by name (cached from the last listing), joining
//!   groups;
//! - `changes`: sending edits (PATCH, or GET + PUT), update, suspend,
//!   restore, delete;
//! - `create`: creating an account, and adopting one a create collides with;
//! - `vendor`: the SCIM side of a vendor connector that lists through its
//!   own API (Slack);
//! - `discovery`, `edit`, `filter`, `map`: the pure parts — features,
//!   one edit's PATCH operation or PUT change, filter expressions, and
//!   resources to and from accounts.

mod changes;
mod create;
mod discovery;
mod edit;
mod filter;
mod groups;
mod listing;
pub(crate) mod map;
mod vendor;

use std::collections::HashMap;

use async_trait::async_trait;
use http::{Method, StatusCode};
use keyward_core::account::{AccountListing, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{
    ApplicationSpec, CorrelatorSpec, EnterpriseAttribute, ScimConnector, ScimProfile, ScimUserName,
};
use tokio::sync::OnceCell;
use url::Url;

use self::discovery::Features;
use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpSettings, Reply, Request, RetryPolicy};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

/// A SCIM service provider, as one Application.
#[derive(Debug)]
pub struct Scim {
    app: String,
    base: Url,
    profile: ScimProfile,
    user_name: ScimUserName,
    enterprise: Vec<EnterpriseAttribute>,
    page_size: Option<u32>,
    http: HttpClient,
    features: OnceCell<Features>,
    /// Group displayName → ids, from the last listing. Apply runs right
    /// after a listing, so looking each group up again by filter would
    /// cost one request per change for nothing.
    group_ids: std::sync::Mutex<Option<HashMap<String, Vec<String>>>>,
    /// User id → group names, from the last listing, so a targeted lookup
    /// does not read every group again. Membership changed since then is
    /// corrected by the next full reconcile; adding a member twice is a
    /// no-op, so a stale entry costs at most one idempotent call.
    member_of: std::sync::Mutex<HashMap<String, Vec<Text>>>,
    /// The Application's correlators, which say what a one-person lookup
    /// must search for.
    correlate: Vec<CorrelatorSpec>,
}

/// The two resource types keyward touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `/Users`.
    Users,
    /// `/Groups`.
    Groups,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Self::Users => "Users",
            Self::Groups => "Groups",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Groups => "groups",
        }
    }
}

impl Scim {
    /// Builds the connector of an Application with a `scim` connector,
    /// reading its token now: a missing token is an error before anything
    /// is listed.
    pub fn new(locator: &Locator, app: &Named<ApplicationSpec>, spec: &ScimConnector) -> Result<Self, ConnectorError> {
        Self::new_with(locator, app, spec, &ClusterSecrets::unavailable())
    }

    /// As [`Scim::new`], with the Kubernetes Secret values a
    /// `token.secret` may name.
    pub fn new_with(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &ScimConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let token = crate::secrets::read(locator, app, &spec.token, secrets, "SCIM bearer token", "token")?;
        let written = spec.url.trim().trim_end_matches('/');
        let base = crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
            app: app.name.clone(),
            why: format!("spec.connector.scim.url: {e}"),
        })?;
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.accept = match spec.profile {
            // Zoom answers 406 to anything but its own media type.
            ScimProfile::Zoom => "application/scim+json",
            _ => "application/scim+json, application/json",
        }
        .to_owned();
        settings.content_type = "application/scim+json".to_owned();
        let http = HttpClient::bearer(&app.name, token, &settings)?;
        Ok(Self {
            app: app.name.clone(),
            base,
            profile: spec.profile,
            user_name: spec.user_name,
            enterprise: spec.enterprise.clone(),
            page_size: spec.page_size,
            http,
            features: OnceCell::new(),
            group_ids: std::sync::Mutex::new(None),
            member_of: std::sync::Mutex::new(HashMap::new()),
            correlate: app.spec.correlate.clone(),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// `{base}/{segments…}?{query}`, each part percent-encoded.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        crate::urls::join(&self.base, segments, query, &[])
    }

    async fn get(&self, url: Url) -> Result<Reply, ConnectorError> {
        Ok(self.http.send(&Request::new(Method::GET, url)).await?)
    }

    async fn features(&self) -> Result<Features, ConnectorError> {
        self.features
            .get_or_try_init(|| async {
                let reply = self.get(self.url(&["ServiceProviderConfig"], &[])).await?;
                let features = if reply.is_success() {
                    Features::parse(&reply.json()?)
                } else if reply.status == StatusCode::NOT_FOUND {
                    tracing::info!(app = %self.app, "no /ServiceProviderConfig; assuming the {:?} profile's features", self.profile);
                    Features::fallback(self.profile)
                } else {
                    return Err(reply.error_with(Some("cannot read what the SCIM server supports")).into());
                };
                tracing::debug!(app = %self.app, ?features, "SCIM features");
                Ok::<_, ConnectorError>(features)
            })
            .await
            .copied()
    }

    fn gone(&self, call: String, problem: &str) -> ConnectorError {
        ConnectorError::Http { app: self.app.clone(), call, status: Some(404), problem: problem.to_owned() }
    }

    fn account_id<'c>(&self, change: &'c Change) -> Result<&'c str, ConnectorError> {
        crate::account_id(change, &self.app)
    }

    fn unsupported(&self, action: Action) -> ConnectorError {
        ConnectorError::Unsupported { app: self.app.clone(), kind: self.kind(), action: action.verb() }
    }
}

#[async_trait]
impl Connector for Scim {
    fn kind(&self) -> &'static str {
        "scim"
    }

    fn app(&self) -> &str {
        &self.app
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: true,
            update: true,
            suspend: true,
            restore: true,
            delete: self.profile != ScimProfile::Slack,
            // SCIM has no notion of handing an account's data to another.
            transfer: false,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        self.list_accounts().await
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        self.find_accounts(person).await
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.set_active(change, false).await,
            Action::Restore => self.set_active(change, true).await,
            Action::Delete => self.delete(change).await,
            Action::Transfer | Action::Revoke | Action::Review => Err(self.unsupported(change.action)),
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a
/// filter's spaces and quotes survive servers that do not read `+` as a space.
#[cfg(test)]
fn encode(s: &str) -> String {
    crate::urls::encode(s, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode(r#"userName eq "a+b""#), "userName%20eq%20%22a%2Bb%22");
        assert_eq!(encode("ü"), "%C3%BC");
    }
}
