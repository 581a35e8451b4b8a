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
use http::{Method, StatusCode};
use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, CorrelatorSpec, MicrosoftGraphConnector};
use serde_json::{Value, json};
use url::Url;

use crate::ClusterSecrets;
use crate::http::{
    HttpClient, HttpError, HttpSettings, MICROSOFT_AUTHORITY, MicrosoftClientCredentials, Reply, Request, RetryPolicy,
    Secret,
};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

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

    /// Every object of a paged collection, following `@odata.nextLink` to
    /// the end. A page that fails, lacks `value`, or links off Graph fails
    /// the whole reading.
    async fn pages(&self, first: Url, permission: &str) -> Result<Vec<Value>, ConnectorError> {
        let mut out = Vec::new();
        let mut seen_ids: HashSet<String> = HashSet::new();
        let mut seen_links: HashSet<String> = HashSet::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let reply = self.http.send(&Request::new(Method::GET, url)).await?;
            if !reply.is_success() {
                return Err(graph_error(&reply, None, permission).into());
            }
            let body = reply.json()?;
            let Some(items) = body.get("value").and_then(Value::as_array) else {
                return Err(self.partial(format!("{} answered without a `value` list", reply.call())));
            };
            for item in items {
                let Some(id) = text(item, "id") else {
                    return Err(self.partial(format!("{} returned an object without an id", reply.call())));
                };
                if seen_ids.insert(id.to_owned()) {
                    out.push(item.clone());
                }
            }
            if let Some(link) = body.get("@odata.nextLink").and_then(Value::as_str) {
                next = Some(self.next_link(&reply, link, &mut seen_links)?);
            }
        }
        Ok(out)
    }

    /// The next page's URL, only on Graph's own origin: the bearer token
    /// goes with it.
    fn next_link(&self, reply: &Reply, link: &str, seen: &mut HashSet<String>) -> Result<Url, ConnectorError> {
        let url = Url::parse(link)
            .map_err(|_| self.partial(format!("{} gave a nextLink that is not a URL", reply.call())))?;
        if url.origin() != self.base.origin() {
            return Err(self.partial(format!(
                "{} gave a nextLink to {}, outside {}; keyward does not send its token there",
                reply.call(),
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )));
        }
        if !seen.insert(link.to_owned()) {
            return Err(self.partial(format!("{} linked back to a page already read", reply.call())));
        }
        Ok(url)
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    async fn users_where(&self, filter: &str) -> Result<Vec<Value>, ConnectorError> {
        let top = self.top();
        let url = self.url(&["users"], &[("$filter", filter), ("$select", USER_FIELDS), ("$top", &top)]);
        self.pages(url, READ_USERS).await
    }

    async fn group_id(&self, name: &str) -> Result<Option<String>, ConnectorError> {
        // A group missing from the cache may be new since the listing, so
        // only a cached single hit skips the lookup.
        let cached = match self.group_ids.lock() {
            Ok(g) => g.as_ref().and_then(|m| m.get(name)).filter(|ids| ids.len() == 1).map(|ids| ids[0].clone()),
            Err(_) => None,
        };
        if cached.is_some() {
            return Ok(cached);
        }
        let filter = format!("displayName eq {}", quote(name));
        let url = self.url(&["groups"], &[("$filter", &filter), ("$select", "id,displayName")]);
        let found: Vec<Value> = self
            .pages(url.clone(), READ_MEMBERS)
            .await?
            .into_iter()
            .filter(|g| text(g, "displayName").is_some_and(|d| d == name))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(text(one, "id").map(str::to_owned)),
            many => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {url}"),
                status: Some(200),
                problem: format!("{} groups are called `{name}`; keyward cannot tell which one is meant", many.len()),
            }),
        }
    }

    async fn required_groups(&self, names: &[String]) -> Result<Vec<(String, String)>, ConnectorError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let Some(id) = self.group_id(name).await? else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: format!(
                        "GET {}",
                        self.url(&["groups"], &[("$filter", &format!("displayName eq {}", quote(name)))])
                    ),
                    status: Some(200),
                    problem: format!(
                        "there is no group `{name}` in {}; create it in Entra or correct the policy's grant",
                        self.app
                    ),
                });
            };
            out.push((name.clone(), id));
        }
        Ok(out)
    }

    /// `true` when the user was added, `false` when already a member.
    async fn add_member(&self, group: &(String, String), user: &str) -> Result<bool, ConnectorError> {
        let (name, gid) = group;
        let reference = format!("{}/directoryObjects/{user}", self.base.as_str().trim_end_matches('/'));
        let req = Request::new(Method::POST, self.url(&["groups", gid, "members", "$ref"], &[]))
            .json(&json!({ "@odata.id": reference }));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::BAD_REQUEST if graph_message(&reply).contains("already exist") => Ok(false),
            StatusCode::NOT_FOUND => Err(graph_error(
                &reply,
                Some(&format!("group `{name}` or user {user} no longer exists")),
                WRITE_MEMBERS,
            )
            .into()),
            _ => Err(graph_error(&reply, Some(&format!("cannot add {user} to group `{name}`")), WRITE_MEMBERS).into()),
        }
    }

    /// `true` when the user was removed, `false` when not a member.
    async fn remove_member(&self, gid: &str, user: &str) -> Result<bool, ConnectorError> {
        let req = Request::new(Method::DELETE, self.url(&["groups", gid, "members", user, "$ref"], &[]));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(graph_error(&reply, None, WRITE_MEMBERS).into()),
        }
    }

    async fn assign_licences(&self, user: &str, add: &[&str], remove: &[&str]) -> Result<(), ConnectorError> {
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let add: Vec<Value> = add.iter().map(|sku| json!({"skuId": sku, "disabledPlans": []})).collect();
        let body = json!({ "addLicenses": add, "removeLicenses": remove });
        let reply = self
            .http
            .send(&Request::new(Method::POST, self.url(&["users", user, "assignLicense"], &[])).json(&body))
            .await?;
        if reply.is_success() {
            return Ok(());
        }
        let hint = (graph_message(&reply).contains("usage location"))
            .then_some("the user has no usage location: set `usageLocation` in the connector");
        Err(graph_error(&reply, hint, WRITE_LICENCES).into())
    }

    fn sku_of(&self, role: Option<&str>) -> Option<&str> {
        role.and_then(|r| self.licences.iter().find(|(k, _)| k.eq_ignore_ascii_case(r))).map(|(_, v)| v.as_str())
    }

    fn account(&self, user: &Value, groups: Vec<Text>) -> Option<Account> {
        user_account(&self.licences, user, groups)
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities())
    }

    async fn set_enabled(&self, id: &str, enabled: bool) -> Result<Option<Reply>, ConnectorError> {
        let req =
            Request::new(Method::PATCH, self.url(&["users", id], &[])).json(&json!({ "accountEnabled": enabled }));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(None),
            StatusCode::NOT_FOUND => Ok(Some(reply)),
            _ => Err(graph_error(&reply, None, WRITE_USERS).into()),
        }
    }

    async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let upn =
            change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref())).ok_or_else(|| {
                ConnectorError::Internal(format!(
                    "the create of {} in {} has no e-mail to make the userPrincipalName from",
                    change.account.label(),
                    self.app
                ))
            })?;
        let role = change.role.as_ref().map(|r| r.to.as_str());
        let wanted = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        // Before creating anything: a grant naming a group the tenant lacks
        // fails the change without leaving a half-made account.
        let groups = self.required_groups(wanted).await?;
        let password = initial_password()?;
        let profile = change.profile.as_deref();
        let display =
            change.account.display_name.as_deref().or_else(|| person.and_then(|p| p.name.as_deref())).unwrap_or(upn);
        let mut body = json!({
            "accountEnabled": true,
            "displayName": display,
            "mailNickname": mail_nickname(upn),
            "userPrincipalName": upn,
            "passwordProfile": {"password": password.expose(), "forceChangePasswordNextSignIn": true},
        });
        let optional = [
            ("employeeId", person.map(|p| p.id.as_str())),
            ("department", profile.and_then(|p| p.department.as_deref())),
            ("jobTitle", profile.and_then(|p| p.title.as_deref())),
            ("usageLocation", self.usage_location.as_deref()),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                body[k] = json!(v);
            }
        }
        let req = Request::new(Method::POST, self.url(&["users"], &[])).json(&body).carrying(&password);
        let reply = self.http.send(&req).await?;
        let (id, how) = if reply.is_success() {
            let Some(id) = reply.json()?.get("id").and_then(Value::as_str).map(str::to_owned) else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: reply.call().to_owned(),
                    status: Some(reply.status.as_u16()),
                    problem: "Graph accepted the new user but did not say its id".to_owned(),
                });
            };
            (id, "created")
        } else if reply.status == StatusCode::BAD_REQUEST && graph_message(&reply).contains("already exists") {
            (self.adopt(&reply, upn).await?, "adopted existing user")
        } else {
            return Err(graph_error(&reply, None, WRITE_USERS).into());
        };
        let rest = async {
            for g in &groups {
                self.add_member(g, &id).await?;
            }
            let sku: Vec<&str> = self.sku_of(role).into_iter().collect();
            self.assign_licences(&id, &sku, &[]).await
        };
        rest.await.map_err(|e| {
            e.prefixed(&format!(
                "user {id} was {how}, but its groups or licence failed (the next apply adopts it and retries)"
            ))
        })?;
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        let mut what = format!("{how} {id} ({upn})");
        if !names.is_empty() {
            what.push_str(&format!(" in {}", names.join(", ")));
        }
        if let Some(sku) = self.sku_of(role) {
            what.push_str(&format!(", licence {sku}"));
        }
        Ok(Outcome::Applied(what))
    }

    /// The user behind a create conflict: an earlier attempt whose answer
    /// was lost, or one made by hand. Enabled again if it was disabled.
    async fn adopt(&self, conflict: &Reply, upn: &str) -> Result<String, ConnectorError> {
        let found = self.users_where(&format!("userPrincipalName eq {}", quote(upn))).await?;
        let found: Vec<&Value> = found
            .iter()
            .filter(|u| text(u, "userPrincipalName").is_some_and(|x| x.eq_ignore_ascii_case(upn)))
            .collect();
        let [user] = found.as_slice() else {
            return Err(graph_error(
                conflict,
                Some(&format!(
                    "Graph says {upn} exists, but {} users with that userPrincipalName can be read (it may be in deleted items: restore or purge it there); keyward will not create a second one",
                    found.len()
                )),
                WRITE_USERS,
            )
            .into());
        };
        let Some(id) = text(user, "id") else {
            return Err(ConnectorError::Internal("a listed user has no id".to_owned()));
        };
        if user.get("accountEnabled") == Some(&Value::Bool(false))
            && let Some(gone) = self.set_enabled(id, true).await?
        {
            return Err(graph_error(&gone, Some("the user disappeared while being adopted"), WRITE_USERS).into());
        }
        Ok(id.to_owned())
    }

    async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let to = self.sku_of(Some(&role.to));
            let from = self.sku_of(role.from.as_deref()).filter(|f| Some(*f) != to);
            if to.is_none() && from.is_none() {
                return Err(ConnectorError::Unsupported {
                    app: self.app.clone(),
                    kind: self.kind(),
                    action: "change a role no licence stands for",
                });
            }
            let add: Vec<&str> = to.into_iter().collect();
            let remove: Vec<&str> = from.into_iter().collect();
            self.assign_licences(id, &add, &remove).await?;
            did.push(format!("role {} (licence {})", role.to, to.unwrap_or("none")));
        }
        if let Some(groups) = &change.groups {
            for g in self.required_groups(&groups.add).await? {
                if self.add_member(&g, id).await? {
                    did.push(format!("joined {}", g.0));
                } else {
                    already.push(format!("already in {}", g.0));
                }
            }
            for name in &groups.remove {
                let Some(gid) = self.group_id(name).await? else {
                    already.push(format!("group {name} no longer exists"));
                    continue;
                };
                if self.remove_member(&gid, id).await? {
                    did.push(format!("left {name}"));
                } else {
                    already.push(format!("not in {name}"));
                }
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    async fn enable(&self, change: &Change, enabled: bool) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        match self.set_enabled(id, enabled).await? {
            None if enabled => Ok(Outcome::Applied(format!("restored {id} (accountEnabled true)"))),
            None => Ok(Outcome::Applied(format!("suspended {id} (accountEnabled false)"))),
            Some(gone) if enabled => Err(graph_error(
                &gone,
                Some(
                    "the user no longer exists; if deleted less than 30 days ago, restore it from deleted items first",
                ),
                WRITE_USERS,
            )
            .into()),
            Some(_) => Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
        }
    }

    async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        if !self.licences.is_empty() {
            // A deleted user's licences come back with it on a restore;
            // those keyward assigned are given back to the pool now.
            let url = self.url(&["users", id], &[("$select", "id,assignedLicenses")]);
            let reply = self.http.send(&Request::new(Method::GET, url)).await?;
            if reply.status == StatusCode::NOT_FOUND {
                return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
            }
            if !reply.is_success() {
                return Err(graph_error(&reply, None, READ_USERS).into());
            }
            let user = reply.json()?;
            let has = held_skus(&user);
            let held: Vec<&str> = self
                .licences
                .values()
                .filter(|sku| has.iter().any(|h| h.eq_ignore_ascii_case(sku)))
                .map(String::as_str)
                .collect();
            self.assign_licences(id, &[], &held).await?;
        }
        let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => {
                Ok(Outcome::Applied(format!("deleted {id} (restorable from deleted items for 30 days)")))
            }
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
            _ => Err(graph_error(&reply, None, WRITE_USERS).into()),
        }
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
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
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
        let top = self.top();
        let users = self.pages(self.url(&["users"], &[("$select", USER_FIELDS), ("$top", &top)]), READ_USERS).await?;
        let groups =
            self.pages(self.url(&["groups"], &[("$select", "id,displayName"), ("$top", &top)]), READ_MEMBERS).await?;
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for g in &groups {
            let (Some(gid), Some(name)) = (text(g, "id"), text(g, "displayName")) else { continue };
            ids.entry(name.to_owned()).or_default().push(gid.to_owned());
            let url = self.url(&["groups", gid, "members"], &[("$select", "id"), ("$top", &top)]);
            for m in self.pages(url, READ_MEMBERS).await? {
                if let Some(mid) = text(&m, "id") {
                    member_of.entry(mid.to_owned()).or_default().push(Text::from(name));
                }
            }
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        let accounts = users
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups)
            })
            .collect();
        if let Ok(mut cache) = self.member_of.lock() {
            *cache = member_of;
        }
        Ok(self.listing(accounts))
    }

    /// The users whose UPN or mail is one of the person's addresses (in
    /// every alias domain of the app's correlators) or whose employeeId is
    /// one of their employee numbers, with the HR attribute values the
    /// correlators compare with either; the whole listing when a
    /// correlator compares a field no filter reaches.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let Some(keys) = crate::lookup::by_address_and_id(&self.correlate, person, crate::lookup::UserNames::Addresses)
        else {
            return self.list().await;
        };
        let mut clauses: Vec<String> = Vec::new();
        for e in &keys.emails {
            clauses.push(format!("userPrincipalName eq {}", quote(e)));
            clauses.push(format!("mail eq {}", quote(e)));
        }
        for id in &keys.ids {
            clauses.push(format!("employeeId eq {}", quote(id)));
        }
        if clauses.is_empty() {
            return self.list().await;
        }
        let found = self.users_where(&clauses.join(" or ")).await?;
        let member_of = self.member_of.lock().map(|m| m.clone()).unwrap_or_default();
        let accounts = found
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups)
            })
            .collect();
        Ok(self.listing(accounts))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.enable(change, false).await,
            Action::Restore => self.enable(change, true).await,
            Action::Delete => self.delete(change).await,
            Action::Transfer | Action::Revoke | Action::Review => Err(ConnectorError::Unsupported {
                app: self.app.clone(),
                kind: self.kind(),
                action: change.action.verb(),
            }),
        }
    }
}

/// The account an Entra user becomes, given the SKU id of each role
/// (`spec.connector.microsoftGraph.licences`) and the names of the groups
/// the user is in. `None` without an `id`.
pub(crate) fn user_account(licences: &BTreeMap<String, String>, user: &Value, groups: Vec<Text>) -> Option<Account> {
    let mut a = Account::new(text(user, "id")?);
    let upn = text(user, "userPrincipalName");
    a.username = upn.map(Text::from);
    a.email = text(user, "mail").or(upn).map(Text::from);
    a.display_name = text(user, "displayName").map(Text::from);
    a.external_id = text(user, "employeeId").map(Text::from);
    a.status = if user.get("accountEnabled") == Some(&Value::Bool(false)) {
        AccountStatus::Suspended
    } else {
        AccountStatus::Active
    };
    // The role whose licence the user holds (the first in the policy's
    // map when several are).
    let held = held_skus(user);
    a.role = licences
        .iter()
        .find(|(_, sku)| held.iter().any(|h| h.eq_ignore_ascii_case(sku)))
        .map(|(r, _)| Text::from(r.as_str()));
    a.groups = groups;
    a.groups.sort();
    a.groups.dedup();
    a.attributes = ["department", "jobTitle", "employeeType"]
        .iter()
        .filter_map(|k| text(user, k).map(|v| ((*k).to_owned(), v.to_owned())))
        .collect();
    Some(a)
}

/// The SKU ids of a user's `assignedLicenses`.
fn held_skus(user: &Value) -> Vec<&str> {
    user.get("assignedLicenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| text(l, "skuId"))
        .collect()
}

/// A string field, `None` when absent or blank.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
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
fn graph_error(reply: &Reply, context: Option<&str>, permission: &str) -> HttpError {
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

/// An OData string literal: single quotes doubled.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The local part of the UPN in the characters `mailNickname` accepts.
fn mail_nickname(upn: &str) -> String {
    let local = upn.split('@').next().unwrap_or_default();
    let nick: String =
        local.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).take(64).collect();
    let nick = nick.trim_matches('.');
    if nick.is_empty() { "user".to_owned() } else { nick.to_owned() }
}

/// A random initial password the user must change at first sign-in: 24
/// characters from 64 (144 bits) and one of each class Entra's complexity
/// rule counts. Nobody ever sees it; the user gets in through a reset or
/// a Temporary Access Pass. The `http` connector's `{{initialPassword}}`
/// too: its rule is the strictest of the apps keyward knows.
pub(crate) fn initial_password() -> Result<Secret, ConnectorError> {
    const ALL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-!";
    const CLASSES: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnopqrstuvwxyz", b"23456789", b"!#%+-=?@"];
    let mut bytes = [0u8; 28];
    getrandom::fill(&mut bytes).map_err(|e| {
        ConnectorError::Internal(format!("the operating system gave no random bytes for a password: {e}"))
    })?;
    let mut out = String::with_capacity(bytes.len());
    for b in &bytes[..24] {
        out.push(ALL[usize::from(*b & 63)] as char);
    }
    for (b, class) in bytes[24..].iter().zip(CLASSES) {
        out.push(class[usize::from(*b) % class.len()] as char);
    }
    Ok(Secret::new(out))
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

    #[test]
    fn passwords_differ_and_meet_the_complexity_rule() {
        let a = initial_password().unwrap();
        let b = initial_password().unwrap();
        assert_ne!(a.expose(), b.expose());
        let p = a.expose();
        assert_eq!(p.len(), 28);
        assert!(p.chars().any(|c| c.is_ascii_uppercase()) && p.chars().any(|c| c.is_ascii_lowercase()));
        assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| !c.is_ascii_alphanumeric()));
    }

    #[test]
    fn nicknames_keep_only_what_graph_accepts() {
        assert_eq!(mail_nickname("hanako.yamada@example.com"), "hanako.yamada");
        assert_eq!(mail_nickname("山田 (hr)@example.com"), "hr");
        assert_eq!(mail_nickname("@example.com"), "user");
    }
}
