//! The SCIM side of a vendor connector that lists through its own API and
//! writes through SCIM (Slack): its constructor, and the calls the vendor
//! connector makes — create, memberships, one user's groups, group
//! changes, deactivation by `DELETE` and reactivation.

use std::collections::HashMap;

use http::{Method, StatusCode};
use keyward_core::account::Text;
use keyward_core::load::Named;
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, ScimProfile, ScimUserName};
use tokio::sync::OnceCell;
use url::Url;

use super::changes::Edited;
use super::edit::Edit;
use super::{Kind, Scim, map};
use crate::http::{HttpClient, HttpSettings, Request};
use crate::{ConnectorError, Outcome};

/// The SCIM side of a vendor connector that lists through its own API and
/// writes through SCIM (Slack): built from a URL and a token the vendor
/// connector already read, with the same discovery, adoption and
/// idempotency as the `scim` connector.
impl Scim {
    pub(crate) fn vendor(
        app: &Named<ApplicationSpec>,
        base: Url,
        token: crate::http::Secret,
        profile: ScimProfile,
        timeout_seconds: Option<u32>,
    ) -> Result<Self, ConnectorError> {
        let mut settings = HttpSettings::new(timeout_seconds, app.spec.apply.requests_per_second);
        settings.accept = "application/scim+json, application/json".to_owned();
        settings.content_type = "application/scim+json".to_owned();
        Ok(Self {
            app: app.name.clone(),
            base,
            profile,
            user_name: ScimUserName::Email,
            enterprise: Vec::new(),
            page_size: None,
            http: HttpClient::bearer(&app.name, token, &settings)?,
            features: OnceCell::new(),
            group_ids: std::sync::Mutex::new(None),
            member_of: std::sync::Mutex::new(HashMap::new()),
            correlate: app.spec.correlate.clone(),
        })
    }

    /// `POST /Users`, adopting the account a 409 points at.
    pub(crate) async fn create_account(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        self.create(change).await
    }

    /// Every user's groups (display names) by user id, from every page of
    /// `/Groups`, whose ids are kept for later changes; `None` when the
    /// server has no groups endpoint.
    pub(crate) async fn memberships(&self) -> Result<Option<HashMap<String, Vec<Text>>>, ConnectorError> {
        let Some(groups) = self.list_all(Kind::Groups).await? else { return Ok(None) };
        Ok(Some(self.index_groups(&groups)))
    }

    /// The display names of one user's groups, from the User resource's
    /// own `groups` (`GET /Users/{id}`): one request where `/Groups` would
    /// read every group. Empty when SCIM does not know the user.
    pub(crate) async fn user_groups(&self, id: &str) -> Result<Vec<Text>, ConnectorError> {
        let reply = self.get(self.url(&["Users", id], &[])).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        Ok(map::own_groups(&reply.json()?))
    }

    /// Joins and leaves the change's groups (its role is the caller's).
    pub(crate) async fn change_groups(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let mut groups_only = change.clone();
        groups_only.role = None;
        self.update(&groups_only).await
    }

    /// Deactivates with `DELETE /Users/{id}`, which is how Slack documents
    /// deactivation (it never deletes). Read first, so a rerun on an
    /// account already deactivated sends nothing.
    pub(crate) async fn deactivate(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let url = self.url(&["Users", id], &[]);
        let reply = self.get(url.clone()).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists")));
        }
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        if !map::is_active(&reply.json()?) {
            return Ok(Outcome::AlreadyDone(format!("{id} is already deactivated")));
        }
        let reply = self.http.send(&Request::new(Method::DELETE, url)).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(format!("deactivated {id} (SCIM DELETE; the account is kept)"))),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists"))),
            _ => Err(reply.error().into()),
        }
    }

    /// `active: true`, read first so a rerun sends nothing.
    pub(crate) async fn reactivate(&self, id: &str) -> Result<Outcome, ConnectorError> {
        Ok(match self.edit(Kind::Users, id, &[Edit::Active(true)], true).await? {
            Edited::Applied => Outcome::Applied(format!("reactivated {id}")),
            Edited::AlreadyDone => Outcome::AlreadyDone(format!("{id} is already active")),
            Edited::Missing(call) => {
                return Err(self.gone(call, "the account no longer exists, so it cannot be reactivated"));
            }
        })
    }
}
