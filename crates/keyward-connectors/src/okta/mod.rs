//! The Okta connector: the users of an Okta organisation and their
//! memberships of Okta groups, through the management API with an API
//! token (`Authorization: SSWS <token>`).
//!
//! Endpoints (developer.okta.com, Management API):
//! - `GET /api/v1/users?limit=200` — every user but the DEPROVISIONED
//!   ones, which Okta leaves out unless asked for; so a listing also reads
//!   `GET /api/v1/users?limit=200&filter=status eq "DEPROVISIONED"` (a
//!   filter reads up-to-date data, where `search` is eventually
//!   consistent): a deactivated leaver missing from the listing would
//!   never be deleted, and a rehire would get a second account;
//! - `GET /api/v1/groups?limit=200` and `GET /api/v1/groups/{id}/users`
//!   — groups (`OKTA_GROUP`, `APP_GROUP`, `BUILT_IN`) and their members;
//!   the built-in `Everyone` holds every user and is not read;
//! - `GET /api/v1/users?search=…` — one person's users, by login or e-mail;
//! - `GET /api/v1/users/{login}` — one user by login (adoption);
//! - `POST /api/v1/users?activate=true` — a new, activated user;
//! - `POST /api/v1/users/{id}/lifecycle/{suspend|unsuspend|deactivate|activate}`;
//! - `DELETE /api/v1/users/{id}` — deletes a DEPROVISIONED user;
//! - `PUT`/`DELETE /api/v1/groups/{gid}/users/{uid}` — group membership.
//!
//! Every collection pages by `Link: <…>; rel="next"` with an `after`
//! cursor, so a listing costs its pages: the users', the deprovisioned
//! users', the groups' and each group's members' — never a request per
//! user. Throttling is 429 with `X-Rate-Limit-Reset` in epoch seconds,
//! which the shared retry policy ([`Throttle::Okta`]) waits for.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use http::Method;
use http::header::LINK;
use keyward_core::account::{Account, AccountListing, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, NameOrder, OktaConnector, OktaSuspendAs};
use serde_json::Value;
use url::Url;

use crate::ClusterSecrets;
use crate::http::{Auth, HttpClient, HttpError, HttpSettings, Reply, Request, RetryPolicy, Throttle};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

mod changes;
pub(crate) mod map;
pub(crate) mod pages;
mod revoke;

/// Users or groups asked for per page: Okta's largest for users.
const PAGE_SIZE: &str = "200";

/// A group as Okta lists it.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    id: String,
    name: String,
    /// `OKTA_GROUP`, `APP_GROUP` or `BUILT_IN`.
    kind: String,
}

/// One Okta organisation, as one Application.
#[derive(Debug)]
pub struct Okta {
    app: String,
    base: Url,
    http: HttpClient,
    suspend_as: OktaSuspendAs,
    name_order: NameOrder,
    /// The groups from the last reading, so a change does not read every
    /// group again.
    groups: std::sync::Mutex<Option<Vec<Group>>>,
    /// Whether a person's accounts can be searched for by e-mail
    /// ([`crate::correlates_by_email_only`]).
    find_by_email: bool,
}

impl Okta {
    /// Builds the connector of an Application with an `okta` connector,
    /// reading its token now: a missing token is an error before anything
    /// is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &OktaConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let token = crate::secrets::read(locator, app, &spec.token, secrets, "Okta API token", "token")?;
        let base = crate::http::api_base(spec.org_url.trim().trim_end_matches('/')).map_err(|e| {
            ConnectorError::NotConfigured { app: app.name.clone(), why: format!("spec.connector.okta.orgUrl: {e}") }
        })?;
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.throttle = Throttle::Okta;
        let auth = Auth::Header {
            name: "Authorization".to_owned(),
            value: crate::http::Secret::new(format!("SSWS {}", token.expose().trim())),
        };
        Ok(Self {
            app: app.name.clone(),
            base,
            http: HttpClient::new(&app.name, auth, &settings)?,
            suspend_as: spec.suspend_as,
            name_order: spec.name_order,
            groups: std::sync::Mutex::new(None),
            find_by_email: crate::correlates_by_email_only(&app.spec),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// `{base}/api/v1/{segments…}?{query}`.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut all = vec!["api", "v1"];
        all.extend(segments);
        crate::urls::join(&self.base, &all, query, &[])
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.url(&["users"], &[]).to_string(), accounts).with_capabilities(self.capabilities())
    }

    /// Every entry of a collection, page by page from `first`.
    async fn all(&self, first: Url) -> Result<Vec<Value>, ConnectorError> {
        let mut walk = pages::Walk::new(&self.base, &first);
        let mut next = Some(first);
        while let Some(url) = next {
            let reply = self.http.send(&Request::new(Method::GET, url)).await?;
            if !reply.is_success() {
                return Err(okta_error(&reply, None).into());
            }
            let links: Vec<&str> = reply.headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok()).collect();
            next = walk
                .page(reply.call(), reply.json()?, &links)
                .map_err(|why| ConnectorError::Partial { app: self.app.clone(), why })?;
        }
        Ok(walk.items())
    }

    /// The users `query` selects (every one not deprovisioned without one).
    async fn users(&self, query: &[(&str, &str)]) -> Result<Vec<Value>, ConnectorError> {
        let mut q = vec![("limit", PAGE_SIZE)];
        q.extend_from_slice(query);
        self.all(self.url(&["users"], &q)).await
    }

    /// Every group, read afresh and kept for later changes.
    async fn read_groups(&self) -> Result<Vec<Group>, ConnectorError> {
        let mut groups = Vec::new();
        for g in self.all(self.url(&["groups"], &[("limit", PAGE_SIZE)])).await? {
            let Some((id, name, kind)) = map::group(&g) else {
                return Err(ConnectorError::Partial {
                    app: self.app.clone(),
                    why: "Okta listed a group without `profile.name`".to_owned(),
                });
            };
            groups.push(Group { id, name, kind });
        }
        if let Ok(mut cache) = self.groups.lock() {
            *cache = Some(groups.clone());
        }
        Ok(groups)
    }

    /// User id → the names of its groups, from every group's member
    /// listing but `Everyone`'s (every user is in it).
    async fn memberships(&self) -> Result<HashMap<String, Vec<Text>>, ConnectorError> {
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        for g in self.read_groups().await?.into_iter().filter(|g| g.kind != "BUILT_IN") {
            let members = self.all(self.url(&["groups", &g.id, "users"], &[("limit", PAGE_SIZE)])).await?;
            for m in members {
                if let Some(id) = map::text(&m, "id") {
                    member_of.entry(id.to_owned()).or_default().push(Text::from(g.name.as_str()));
                }
            }
        }
        Ok(member_of)
    }

    /// The users as accounts with their groups; a user listed twice (by
    /// both listings, deactivated in between) counts as its later entry.
    fn accounts(users: Vec<Value>, member_of: &HashMap<String, Vec<Text>>) -> Vec<Account> {
        let mut by_id: BTreeMap<String, Account> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for u in &users {
            let Some(id) = map::text(u, "id") else { continue };
            let groups = member_of.get(id).cloned().unwrap_or_default();
            if let Some(a) = map::user_account(u, groups)
                && by_id.insert(id.to_owned(), a).is_none()
            {
                order.push(id.to_owned());
            }
        }
        order.into_iter().filter_map(|id| by_id.remove(&id)).collect()
    }
}

#[async_trait]
impl Connector for Okta {
    fn kind(&self) -> &'static str {
        "okta"
    }

    fn app(&self) -> &str {
        &self.app
    }

    /// Creates, suspends, restores and deletes users, changes Okta group
    /// memberships, and revokes sessions and grants. No roles, no hand-over.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: revoke::KINDS,
            create: true,
            update: true,
            suspend: true,
            restore: true,
            delete: true,
            transfer: false,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let mut users = self.users(&[]).await?;
        users.extend(self.users(&[("filter", r#"status eq "DEPROVISIONED""#)]).await?);
        let member_of = self.memberships().await?;
        Ok(self.listing(Self::accounts(users, &member_of)))
    }

    /// The users whose login or e-mail is one of the person's addresses
    /// (`search`, and the same among deactivated users), each with its
    /// own groups (`GET /api/v1/users/{id}/groups`): a few requests, never
    /// the whole organisation. With no address, or when the Application
    /// matches accounts by more than their e-mail, the whole listing.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let addresses = person.addresses();
        if addresses.is_empty() || !self.find_by_email {
            return self.list().await;
        }
        let expr = map::search_by_address(&addresses);
        let mut users = self.users(&[("search", expr.as_str())]).await?;
        let deprovisioned = format!(r#"status eq "DEPROVISIONED" and ({expr})"#);
        users.extend(self.users(&[("search", deprovisioned.as_str())]).await?);
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        for u in &users {
            let Some(id) = map::text(u, "id") else { continue };
            if member_of.contains_key(id) {
                continue;
            }
            let groups = self.all(self.url(&["users", id, "groups"], &[])).await?;
            let names = groups
                .iter()
                .filter_map(map::group)
                .filter(|(_, _, kind)| kind != "BUILT_IN")
                .map(|(_, name, _)| Text::from(name.as_str()))
                .collect();
            member_of.insert(id.to_owned(), names);
        }
        Ok(self.listing(Self::accounts(users, &member_of)))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let unsupported =
            || ConnectorError::Unsupported { app: self.app.clone(), kind: self.kind(), action: change.action.verb() };
        match change.action {
            Action::Create => return self.create(change).await,
            Action::Transfer | Action::Review => return Err(unsupported()),
            _ => {}
        }
        let id = crate::account_id(change, &self.app)?;
        match change.action {
            Action::Update => self.update(id, change).await,
            Action::Suspend => self.suspend(id).await,
            Action::Restore => self.restore(id).await,
            Action::Delete => self.delete(id).await,
            Action::Revoke => {
                let asked = change.revoke.filter(|r| !r.is_empty()).unwrap_or(revoke::KINDS);
                self.revoke(id, asked.intersection(revoke::KINDS)).await
            }
            Action::Create | Action::Transfer | Action::Review => Err(unsupported()),
        }
    }
}

/// The answer as an error that leads with Okta's own words (`errorCode`,
/// `errorSummary`, `errorCauses`), and says what to do about a refused
/// token.
pub(crate) fn okta_error(reply: &Reply, context: Option<&str>) -> HttpError {
    let mut parts: Vec<String> = context.map(str::to_owned).into_iter().collect();
    parts.extend(map::error_text(&reply.body));
    match reply.status.as_u16() {
        401 => parts.push(
            "the token of spec.connector.okta.token is not accepted: create a new API token in the Admin Console (Security → API → Tokens) and update the secret".to_owned(),
        ),
        403 => parts.push(
            "the token's admin may not do this: it needs a Group Administrator role over the managed groups, or Super Administrator".to_owned(),
        ),
        _ => {}
    }
    if parts.is_empty() { reply.error() } else { reply.error_with(Some(&parts.join("; "))) }
}
