//! The Google Workspace connector: the users of one Workspace customer
//! through the Admin SDK Directory API, the members of the groups the
//! policies grant, licences through the Enterprise License Manager API,
//! and the hand-over of a leaver's Drive and Calendar data through the
//! Data Transfer API before the user is deleted.
//!
//! It authenticates as a service account with domain-wide delegation,
//! acting as an administrator (`subject`); the access token is fetched once
//! and shared until shortly before it expires. Google signals throttling
//! with a 403 whose reason is `userRateLimitExceeded`, `rateLimitExceeded`
//! or `quotaExceeded`; the shared retry policy backs off on those and on
//! 429 and 5xx, and any other 403 is final.
//!
//! With `lifecycle.offboarding.revoke` it also closes what a suspension
//! leaves open (`revoke`: sessions, OAuth tokens, app passwords, backup
//! codes) and, listing, counts the grants suspended users still hold
//! (`grants`, through the batch endpoint of `batch`). Only then does it
//! ask for the scope `admin.directory.user.security`: a service account
//! whose delegation lacks a scope it asks for gets no token at all.
//!
//! Every listing is read to its last page; a page that fails fails the
//! listing. Every change is idempotent: a create that meets an existing
//! user adopts it, adding a member twice or removing a non-member is done
//! already, a deleted user is already deleted, and a hand-over already
//! requested is not requested again.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use keyward_core::account::{AccountListing, RevokeKinds, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, CorrelatorSpec, GoogleLicence, GoogleWorkspaceConnector, NameOrder};
use serde_json::Value;
use url::Url;

use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpSettings, RetryPolicy};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

pub(crate) mod batch;
mod changes;
mod find;
pub(crate) mod grants;
pub(crate) mod map;
mod pages;
mod revoke;
pub(crate) mod transfer;

/// The Admin SDK Directory API.
pub const DIRECTORY_URL: &str = "https://admin.googleapis.com/admin/directory/v1";
/// The Enterprise License Manager API.
pub const LICENSING_URL: &str = "https://licensing.googleapis.com/apps/licensing/v1";
/// The Admin SDK Data Transfer API.
pub const DATA_TRANSFER_URL: &str = "https://admin.googleapis.com/admin/datatransfer/v1";

/// The Directory API's largest page of users: the fewest calls.
const DEFAULT_PAGE_SIZE: u32 = 500;
/// The largest page of group members.
const MEMBERS_PAGE_SIZE: &str = "200";
/// The largest page of licence assignments.
const LICENCES_PAGE_SIZE: &str = "1000";

const SCOPE_USERS: &str = "https://www.googleapis.com/auth/admin.directory.user";
const SCOPE_USERS_READONLY: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const SCOPE_MEMBERS: &str = "https://www.googleapis.com/auth/admin.directory.group.member";
const SCOPE_LICENSING: &str = "https://www.googleapis.com/auth/apps.licensing";
const SCOPE_TRANSFER: &str = "https://www.googleapis.com/auth/admin.datatransfer";
/// Tokens, app passwords, backup codes and signing out.
pub(crate) const SCOPE_SECURITY: &str = "https://www.googleapis.com/auth/admin.directory.user.security";

/// What a discovery reader is built from (a PeopleSource's or an
/// Application's Google settings).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub(crate) subject: &'a str,
    pub(crate) customer: Option<&'a str>,
    pub(crate) domain: Option<&'a str>,
    pub(crate) directory_url: Option<&'a str>,
    pub(crate) timeout_seconds: Option<u32>,
    pub(crate) requests_per_second: Option<u32>,
}

/// One Google Workspace customer, as one Application.
#[derive(Debug)]
pub struct GoogleWorkspace {
    app: String,
    directory: Url,
    licensing: Url,
    data_transfer: Url,
    /// `my_customer` or a customer id, as the policy says.
    customer: String,
    domain: Option<String>,
    subject: String,
    /// Calls sent: listing pages, and batch parts each counted once.
    sent: std::sync::atomic::AtomicU64,
    /// Role → licence, least privileged first where the app ranks its
    /// roles, so the last match is the most privileged.
    licences: Vec<(String, GoogleLicence)>,
    /// Group keys (e-mails) some grant of this app names.
    groups: Vec<String>,
    org_unit: String,
    name_order: NameOrder,
    page_size: u32,
    /// `true` when the app hands data over before deleting: a delete then
    /// waits for a completed Data Transfer.
    hands_over: bool,
    scopes: Vec<&'static str>,
    /// What a revocation can close: every kind when the Application
    /// revokes, none otherwise (the scope is not even asked for).
    revoke: RevokeKinds,
    http: HttpClient,
    /// The client's retry policy, which batch parts Google throttled
    /// follow too.
    retry: RetryPolicy,
    /// The customer's id, learnt from the users listed (the licensing API
    /// does not take `my_customer`).
    customer_id: std::sync::Mutex<Option<String>>,
    /// The Application's correlators, which say what a one-person lookup
    /// must search for.
    correlate: Vec<CorrelatorSpec>,
}

impl GoogleWorkspace {
    /// Builds the connector of an Application with a `googleWorkspace`
    /// connector, reading the service account key now: a missing or
    /// broken key is an error before anything is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &GoogleWorkspaceConnector,
        secrets: &ClusterSecrets,
        granted_groups: Vec<String>,
    ) -> Result<Self, ConnectorError> {
        let key = crate::secrets::read(
            locator,
            app,
            &spec.service_account_key,
            secrets,
            "Google service account key",
            "serviceAccountKey",
        )?;
        let base = |field: &str, written: Option<&str>, default: &str| {
            let written = written.unwrap_or(default).trim().trim_end_matches('/');
            crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
                app: app.name.clone(),
                why: format!("spec.connector.googleWorkspace.{field}: {e}"),
            })
        };
        let directory = base("directoryUrl", spec.directory_url.as_deref(), DIRECTORY_URL)?;
        let licensing = base("licensingUrl", spec.licensing_url.as_deref(), LICENSING_URL)?;
        let data_transfer = base("dataTransferUrl", spec.data_transfer_url.as_deref(), DATA_TRANSFER_URL)?;
        let rank = |role: &str| app.spec.roles.iter().position(|r| r.eq_ignore_ascii_case(role));
        let mut licences: Vec<(String, GoogleLicence)> =
            spec.licences.iter().map(|(r, l)| (r.clone(), l.clone())).collect();
        licences.sort_by_key(|(r, _)| rank(r));
        let mut scopes = vec![SCOPE_USERS, SCOPE_MEMBERS, SCOPE_TRANSFER];
        if !licences.is_empty() {
            scopes.push(SCOPE_LICENSING);
        }
        let revoke = if app.spec.lifecycle.offboarding.revoke.is_some() {
            scopes.push(SCOPE_SECURITY);
            RevokeKinds::of(&keyward_core::resources::RevokeKind::ALL)
        } else {
            RevokeKinds::NONE
        };
        let subject = spec.subject.trim().to_owned();
        let settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        let http = HttpClient::google_service_account(&app.name, key, &scopes, &subject, settings)?;
        Ok(Self {
            app: app.name.clone(),
            directory,
            licensing,
            data_transfer,
            customer: spec
                .customer
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or("my_customer")
                .to_owned(),
            domain: spec.domain.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
            subject,
            licences,
            groups: granted_groups,
            org_unit: spec.org_unit_path.clone().unwrap_or_else(|| "/".to_owned()),
            name_order: spec.name_order,
            page_size: spec.page_size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, DEFAULT_PAGE_SIZE),
            hands_over: app.spec.lifecycle.offboarding.transfer_to.is_some(),
            scopes,
            revoke,
            http,
            retry: RetryPolicy::default(),
            customer_id: std::sync::Mutex::new(None),
            correlate: app.spec.correlate.clone(),
            sent: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// A reader of one customer's users and the tokens they granted, for
    /// discovery: the scopes to read users and their tokens, nothing that
    /// changes anything. `resource` (`PeopleSource/hr`) names it in messages.
    pub(crate) fn reader(resource: &str, key: crate::http::Secret, r: Reader<'_>) -> Result<Self, ConnectorError> {
        let written = r.directory_url.unwrap_or(DIRECTORY_URL).trim().trim_end_matches('/');
        let directory = crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
            app: resource.to_owned(),
            why: format!("directoryUrl: {e}"),
        })?;
        let scopes = vec![SCOPE_USERS_READONLY, SCOPE_SECURITY];
        let subject = r.subject.trim().to_owned();
        let settings = HttpSettings::new(r.timeout_seconds, r.requests_per_second);
        let http = HttpClient::google_service_account(resource, key, &scopes, &subject, settings)?;
        let none = |v: Option<&str>| v.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        Ok(Self {
            app: resource.to_owned(),
            licensing: directory.clone(),
            data_transfer: directory.clone(),
            directory,
            customer: none(r.customer).unwrap_or_else(|| "my_customer".to_owned()),
            domain: none(r.domain),
            subject,
            licences: Vec::new(),
            groups: Vec::new(),
            org_unit: "/".to_owned(),
            name_order: NameOrder::default(),
            page_size: DEFAULT_PAGE_SIZE,
            hands_over: false,
            scopes,
            revoke: RevokeKinds::NONE,
            http,
            retry: RetryPolicy::default(),
            customer_id: std::sync::Mutex::new(None),
            correlate: Vec::new(),
            sent: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Calls sent so far (see [`Self::sent`]).
    pub(crate) fn calls_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The Directory API base.
    pub(crate) fn directory(&self) -> &Url {
        &self.directory
    }

    /// `domain=…` when set, else `customer=…`: the users to read.
    pub(crate) fn scope_query(&self) -> (&'static str, &str) {
        match &self.domain {
            Some(d) => ("domain", d.as_str()),
            None => ("customer", self.customer.as_str()),
        }
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self.retry = retry;
        self
    }

    /// The licence that stands for `role`.
    fn licence_of(&self, role: Option<&str>) -> Option<&GoogleLicence> {
        let role = role?;
        self.licences.iter().find(|(r, _)| r.eq_ignore_ascii_case(role)).map(|(_, l)| l)
    }

    /// Every user of the customer (or domain), each with an id and a
    /// primary e-mail.
    async fn users(&self) -> Result<Vec<Value>, ConnectorError> {
        let size = self.page_size.to_string();
        let mut query: Vec<(&str, &str)> = vec![self.scope_query()];
        query.extend([("maxResults", size.as_str()), ("projection", "full")]);
        let users = self.all_pages(&self.directory, &["users"], &query, "users").await?;
        let call = format!("GET {}", Self::url(&self.directory, &["users"], &query));
        for u in &users {
            if map::text(u, "id").is_none() || map::text(u, "primaryEmail").is_none() {
                return Err(self.partial(format!("{call} returned a user without an id or primaryEmail")));
            }
        }
        if users.is_empty() {
            // The admin keyward acts as is a user too: an empty list means
            // the wrong customer or domain, never "everyone left".
            return Err(self.partial(format!(
                "{call} listed no users at all, not even {}; check `customer` and `domain`",
                self.subject
            )));
        }
        if let Some(id) = users.iter().find_map(|u| map::text(u, "customerId"))
            && let Ok(mut c) = self.customer_id.lock()
        {
            *c = Some(id.to_owned());
        }
        Ok(users)
    }

    /// The customer id the licensing API takes.
    fn licensing_customer(&self) -> Result<String, ConnectorError> {
        if self.customer != "my_customer" {
            return Ok(self.customer.clone());
        }
        self.customer_id.lock().ok().and_then(|c| c.clone()).ok_or_else(|| ConnectorError::NotConfigured {
            app: self.app.clone(),
            why: "the users listed carry no customerId, which the licensing API needs; set `spec.connector.googleWorkspace.customer` to the customer id (Account settings → Customer ID)".to_owned(),
        })
    }

    /// Lower-cased primary e-mail → the roles whose licence the user holds.
    async fn licence_roles(&self) -> Result<HashMap<String, Vec<String>>, ConnectorError> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        if self.licences.is_empty() {
            return Ok(out);
        }
        let customer = self.licensing_customer()?;
        let products: BTreeSet<&str> = self.licences.iter().map(|(_, l)| l.product_id.as_str()).collect();
        for product in products {
            let query = [("customerId", customer.as_str()), ("maxResults", LICENCES_PAGE_SIZE)];
            let items = self.all_pages(&self.licensing, &["product", product, "users"], &query, "items").await?;
            for item in items {
                let (Some(user), Some(sku)) = (map::text(&item, "userId"), map::text(&item, "skuId")) else {
                    return Err(self.partial(format!(
                        "GET {} returned a licence assignment without userId or skuId",
                        Self::url(&self.licensing, &["product", product, "users"], &query)
                    )));
                };
                for (role, l) in &self.licences {
                    if l.product_id == product && l.sku_id == sku {
                        out.entry(user.to_lowercase()).or_default().push(role.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// User id → the granted groups it is a direct member of.
    async fn memberships(&self) -> Result<HashMap<String, Vec<Text>>, ConnectorError> {
        let mut out: HashMap<String, Vec<Text>> = HashMap::new();
        for group in &self.groups {
            let query = [("maxResults", MEMBERS_PAGE_SIZE)];
            let segments = ["groups", group.as_str(), "members"];
            let Some(members) = self.pages(&self.directory, &segments, &query, "members", true).await? else {
                // Nobody is in a group that does not exist; adding someone
                // to it fails with a message naming it.
                tracing::warn!(app = %self.app, group = %group, "a granted group does not exist in Google Workspace");
                continue;
            };
            for m in members {
                if map::text(&m, "type").is_some_and(|t| !t.eq_ignore_ascii_case("USER")) {
                    continue;
                }
                let Some(id) = map::text(&m, "id") else {
                    return Err(self.partial(format!(
                        "GET {} returned a member without an id",
                        Self::url(&self.directory, &segments, &query)
                    )));
                };
                out.entry(id.to_owned()).or_default().push(Text::from(group.as_str()));
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl Connector for GoogleWorkspace {
    fn kind(&self) -> &'static str {
        "googleWorkspace"
    }

    fn app(&self) -> &str {
        &self.app
    }

    /// Everything: users are created, suspended, restored and deleted,
    /// group memberships change, roles are licences (so they change only
    /// where the policy maps roles to SKUs), Drive and Calendar data
    /// is handed over with the Data Transfer API, and, where the
    /// Application revokes, sessions, OAuth tokens, app passwords and
    /// backup codes are closed.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: self.revoke,
            create: true,
            update: !self.licences.is_empty(),
            suspend: true,
            restore: true,
            delete: true,
            transfer: true,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let users = self.users().await?;
        let roles = self.licence_roles().await?;
        let mut member_of = self.memberships().await?;
        let transfers = self.all_transfers().await?;
        let grants = self.open_grants(&users).await?;
        let rank = |role: &String| self.licences.iter().position(|(r, _)| r == role);
        let accounts = users
            .iter()
            .filter_map(|u| {
                let id = map::text(u, "id")?;
                let email = map::text(u, "primaryEmail")?.to_lowercase();
                // Several licences: the most privileged role wins, as it
                // does among grants.
                let role = roles.get(&email).and_then(|rs| rs.iter().max_by_key(|r| rank(r)).cloned());
                let mut a = map::account(u, role, member_of.remove(id).unwrap_or_default())?;
                a.open_grants = grants.get(id).copied();
                if let Some(all) = &transfers {
                    a.handed_over = transfer::handed_over(u, all.get(id).map(Vec::as_slice).unwrap_or_default());
                }
                Some(a)
            })
            .collect();
        Ok(AccountListing::new(self.directory.to_string(), accounts).with_capabilities(self.capabilities()))
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        match self.find_person(person).await? {
            Some(found) => Ok(found),
            None => self.list().await,
        }
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.set_suspended(change, true).await,
            Action::Restore => self.set_suspended(change, false).await,
            Action::Transfer => self.transfer(change).await,
            Action::Delete => self.delete(change).await,
            Action::Revoke => self.revoke(change).await,
            Action::Review => Err(ConnectorError::Unsupported {
                app: self.app.clone(),
                kind: self.kind(),
                action: change.action.verb(),
            }),
        }
    }
}
