//! The Atlassian Cloud connector: the managed accounts of an organisation's
//! directory through the organisation admin API, with an organisation API
//! key as bearer token.
//!
//! Endpoints (Organizations REST API, developer.atlassian.com/cloud/admin/organization/rest):
//! - `GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users` — users,
//!   `limit` and `cursor`, the next page's cursor in `links.next`; with
//!   `groupIds` only one group's members;
//! - `GET /admin/v2/orgs/{orgId}/directories/{directoryId}/groups` — groups
//!   (`id`, `name`), the same paging; with `accountIds` only one user's;
//! - `POST …/users/search` with `emails` (exact matches), `limit` and
//!   `cursor` in the body — the users with given addresses;
//! - `POST …/users/{accountId}/suspend` and `…/restore` — suspension (not
//!   billed, roles kept) and its end;
//! - `DELETE …/users/{accountId}` — removal from the directory (roles and
//!   groups lost);
//! - `POST …/groups/{groupId}/memberships` with `{"accountId"}` and
//!   `DELETE …/groups/{groupId}/memberships/{accountId}` — group membership;
//! - `POST /admin/v2/orgs/{orgId}/users/invite` with `emails`, `groupIds`
//!   and `directoryId` — an invitation (organisations with a paid plan).
//!
//! A directory id of `-` means every directory the key may administer.
//! A listing reads the users, the groups and each group's members, so it
//! costs the users' pages, the groups' pages and every group's member
//! pages (at least one per group), not one request per user.
//! Throttling is 429 with `X-RateLimit-Reset` as an ISO 8601 date, which
//! the shared retry policy ([`Throttle::Atlassian`]) waits for. The admin
//! API cannot create managed accounts: a joiner is invited by e-mail, into
//! the role's product-access groups and the granted groups, and the
//! account is theirs once they accept. An e-mail is one Atlassian account,
//! so a repeated invitation never makes a second one.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use http::{Method, StatusCode};
use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, AtlassianConnector};
use serde_json::{Value, json};
use url::Url;

use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpError, HttpSettings, Reply, Request, RetryPolicy, Throttle};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

/// Users or groups asked for per page.
const PAGE_SIZE: u32 = 100;

/// One Atlassian organisation directory, as one Application.
#[derive(Debug)]
pub struct Atlassian {
    app: String,
    base: Url,
    /// `admin`, `v2`, `orgs`, the org id, `directories`, the directory id.
    prefix: Vec<String>,
    org_id: String,
    /// `None` for `-`, every directory.
    directory_id: Option<String>,
    product_access: BTreeMap<String, Vec<String>>,
    http: HttpClient,
    /// Group name → ids, from the last reading of the groups, so a change
    /// does not read every group again.
    group_ids: std::sync::Mutex<Option<HashMap<String, Vec<String>>>>,
    /// Whether a person's accounts can be searched for by e-mail
    /// ([`crate::correlates_by_email_only`]).
    find_by_email: bool,
}

impl Atlassian {
    /// Builds the connector of an Application with an `atlassian`
    /// connector, reading its API key now: a missing key is an error before
    /// anything is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &AtlassianConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let key = crate::secrets::read(locator, app, &spec.api_key, secrets, "Atlassian API key", "apiKey")?;
        let written = spec.api_url().trim_end_matches('/');
        let base = crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
            app: app.name.clone(),
            why: format!("spec.connector.atlassian.apiUrl: {e}"),
        })?;
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.throttle = Throttle::Atlassian;
        let prefix =
            ["admin", "v2", "orgs", spec.org_id.trim(), "directories", spec.directory_id()].map(str::to_owned).to_vec();
        Ok(Self {
            app: app.name.clone(),
            base,
            prefix,
            org_id: spec.org_id.trim().to_owned(),
            directory_id: Some(spec.directory_id()).filter(|d| *d != "-").map(str::to_owned),
            product_access: spec.product_access.clone(),
            http: HttpClient::bearer(&app.name, key, &settings)?,
            group_ids: std::sync::Mutex::new(None),
            find_by_email: crate::correlates_by_email_only(&app.spec),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// `{base}/admin/v2/orgs/{org}/directories/{dir}/{segments…}?{query}`.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut all: Vec<&str> = self.prefix.iter().map(String::as_str).collect();
        all.extend(segments);
        crate::urls::join(&self.base, &all, query, &[])
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.url(&["users"], &[]).to_string(), accounts).with_capabilities(self.capabilities())
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    /// Every item of a cursor-paged `GET` collection
    /// ([`Atlassian::paged`]).
    async fn pages(
        &self,
        segments: &[&str],
        filter: &[(&str, &str)],
        id_key: &str,
    ) -> Result<Vec<Value>, ConnectorError> {
        let limit = PAGE_SIZE.to_string();
        let request = |cursor: Option<&str>| {
            let mut query = vec![("limit", limit.as_str())];
            query.extend_from_slice(filter);
            if let Some(c) = cursor {
                query.push(("cursor", c));
            }
            Request::new(Method::GET, self.url(segments, &query))
        };
        self.paged(request, id_key).await
    }

    /// Every item of a cursor-paged collection, each page asked for by
    /// `request` with the cursor of the page before, de-duplicated by
    /// `id_key` (with directory `-`, one user may come from two
    /// directories). A page that fails, lacks `data`, holds an item without
    /// id, or gives back a cursor already followed fails the whole reading.
    async fn paged(
        &self,
        request: impl Fn(Option<&str>) -> Request,
        id_key: &str,
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut out = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        let mut cursors: HashSet<String> = HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let reply = self.http.send(&request(cursor.as_deref())).await?;
            if !reply.is_success() {
                return Err(atlassian_error(&reply, None).into());
            }
            let body = reply.json()?;
            let Some(items) = body.get("data").and_then(Value::as_array) else {
                return Err(self.partial(format!("{} answered without a `data` list", reply.call())));
            };
            for item in items {
                let Some(id) = text(item, id_key) else {
                    return Err(self.partial(format!("{} returned an item without `{id_key}`", reply.call())));
                };
                if ids.insert(id.to_owned()) {
                    out.push(item.clone());
                }
            }
            let Some(next) =
                body.pointer("/links/next").and_then(Value::as_str).map(str::trim).filter(|n| !n.is_empty())
            else {
                break;
            };
            let next = next_cursor(next);
            if !cursors.insert(next.clone()) {
                return Err(self.partial(format!("{} gave back a cursor already followed", reply.call())));
            }
            cursor = Some(next);
        }
        Ok(out)
    }

    /// Every group as (id, name), read afresh; the ids by name are kept
    /// for later changes.
    async fn read_groups(&self) -> Result<Vec<(String, String)>, ConnectorError> {
        let groups: Vec<(String, String)> = self
            .pages(&["groups"], &[], "id")
            .await?
            .iter()
            .filter_map(|g| Some((text(g, "id")?.to_owned(), text(g, "name")?.to_owned())))
            .collect();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for (id, name) in &groups {
            ids.entry(name.clone()).or_default().push(id.clone());
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        Ok(groups)
    }

    /// Account id → the names of its groups, from every group's member
    /// listing (`GET …/users?groupIds={id}`, paged): one pass over each
    /// group instead of a request per user. A member page that fails or
    /// loops fails the listing, as a users page does: an account shown
    /// without a group it holds would be planned as if it lacked it.
    async fn memberships(&self) -> Result<HashMap<String, Vec<String>>, ConnectorError> {
        let mut member_of: HashMap<String, Vec<String>> = HashMap::new();
        for (id, name) in self.read_groups().await? {
            for m in self.pages(&["users"], &[("groupIds", id.as_str())], "accountId").await? {
                if let Some(account) = text(&m, "accountId") {
                    member_of.entry(account.to_owned()).or_default().push(name.clone());
                }
            }
        }
        Ok(member_of)
    }

    /// The id of the group called `name`, `None` when there is none. A
    /// name missing from the cache may be a group made since the listing,
    /// so only a cached single hit skips reading the groups again.
    async fn group_id(&self, name: &str) -> Result<Option<String>, ConnectorError> {
        let cached = match self.group_ids.lock() {
            Ok(g) => g.as_ref().and_then(|m| m.get(name)).filter(|ids| ids.len() == 1).map(|ids| ids[0].clone()),
            Err(_) => None,
        };
        if cached.is_some() {
            return Ok(cached);
        }
        let all = self.read_groups().await?;
        let ids: Vec<String> = all.into_iter().filter(|(_, n)| n == name).map(|(id, _)| id).collect();
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            many => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {}", self.url(&["groups"], &[])),
                status: Some(200),
                problem: format!(
                    "{} groups are called `{name}` (in different directories); set `directoryId` so keyward knows which one is meant",
                    many.len()
                ),
            }),
        }
    }

    async fn required_group(&self, name: &str) -> Result<String, ConnectorError> {
        self.group_id(name).await?.ok_or_else(|| ConnectorError::Http {
            app: self.app.clone(),
            call: format!("GET {}", self.url(&["groups"], &[])),
            status: Some(200),
            problem: format!(
                "there is no group `{name}` in {}; create it in Atlassian Administration or correct the policy",
                self.app
            ),
        })
    }

    /// `true` when the user joined, `false` when already a member.
    async fn join(&self, account: &str, name: &str) -> Result<bool, ConnectorError> {
        let gid = self.required_group(name).await?;
        let req = Request::new(Method::POST, self.url(&["groups", &gid, "memberships"], &[]))
            .json(&json!({ "accountId": account }));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::CONFLICT => Ok(false),
            _ if says_already(&reply) => Ok(false),
            _ => Err(atlassian_error(&reply, Some(&format!("cannot add {account} to group `{name}`"))).into()),
        }
    }

    /// `true` when the user left, `false` when not a member (or the group
    /// is gone).
    async fn leave(&self, account: &str, name: &str) -> Result<bool, ConnectorError> {
        let Some(gid) = self.group_id(name).await? else { return Ok(false) };
        let req = Request::new(Method::DELETE, self.url(&["groups", &gid, "memberships", account], &[]));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(atlassian_error(&reply, Some(&format!("cannot remove {account} from group `{name}`"))).into()),
        }
    }

    fn role_groups(&self, role: &str) -> Option<&Vec<String>> {
        self.product_access.iter().find(|(r, _)| r.eq_ignore_ascii_case(role)).map(|(_, g)| g)
    }

    fn account(&self, user: &Value, groups: &[&str]) -> Option<Account> {
        user_account(&self.product_access, user, groups)
    }

    /// `POST …/users/{id}/{verb}` (`suspend`, `restore`).
    async fn lifecycle(&self, id: &str, verb: &str) -> Result<Outcome, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::POST, self.url(&["users", id, verb], &[]))).await?;
        let done = if verb == "suspend" { "suspended" } else { "restored" };
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(format!("{done} {id}"))),
            StatusCode::CONFLICT => Ok(Outcome::AlreadyDone(format!("{id} is already {done}"))),
            _ if says_already(&reply) => Ok(Outcome::AlreadyDone(format!("{id} is already {done}"))),
            StatusCode::NOT_FOUND if verb == "suspend" => {
                Ok(Outcome::AlreadyDone(format!("{id} is no longer in the directory")))
            }
            _ => Err(atlassian_error(&reply, None).into()),
        }
    }

    async fn delete(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => {
                Ok(Outcome::Applied(format!("removed {id} from the directory (its roles and groups are gone)")))
            }
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id} is no longer in the directory"))),
            _ => Err(atlassian_error(&reply, None).into()),
        }
    }

    /// Invites the person's e-mail into the role's and the grant's groups;
    /// every group must exist before anything is sent.
    async fn invite(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let email = change.account.email.as_deref().or_else(|| change.person.as_ref().and_then(|p| p.email.as_deref()));
        let Some(email) = email else {
            return Err(ConnectorError::Internal(format!(
                "the create of {} in {} has no e-mail to invite",
                change.account.label(),
                self.app
            )));
        };
        let mut names: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let Some(groups) = self.role_groups(&role.to) else {
                return Err(ConnectorError::Unsupported {
                    app: self.app.clone(),
                    kind: self.kind(),
                    action: "give a role no product-access groups stand for",
                });
            };
            names.extend(groups.iter().cloned());
        }
        names.extend(change.groups.iter().flat_map(|g| g.add.iter().cloned()));
        let mut seen = HashSet::new();
        names.retain(|n| seen.insert(n.to_lowercase()));
        let mut ids = Vec::with_capacity(names.len());
        for n in &names {
            ids.push(self.required_group(n).await?);
        }
        let mut body = json!({ "emails": [email], "groupIds": ids });
        if let Some(d) = &self.directory_id {
            body["directoryId"] = json!(d);
        }
        let url = crate::urls::join(&self.base, &["admin", "v2", "orgs", &self.org_id, "users", "invite"], &[], &[]);
        let reply = self.http.send(&Request::new(Method::POST, url).json(&body)).await?;
        if !reply.is_success() {
            return Err(atlassian_error(&reply, Some(&format!("cannot invite {email}"))).into());
        }
        let into = if names.is_empty() { String::new() } else { format!(" into {}", names.join(", ")) };
        Ok(Outcome::Applied(format!("invited {email}{into} (the account is theirs once they accept)")))
    }

    async fn update(&self, id: &str, change: &Change) -> Result<Outcome, ConnectorError> {
        let mut join: Vec<String> = Vec::new();
        let mut leave: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let Some(to) = self.role_groups(&role.to) else {
                return Err(ConnectorError::Unsupported {
                    app: self.app.clone(),
                    kind: self.kind(),
                    action: "give a role no product-access groups stand for",
                });
            };
            join.extend(to.iter().cloned());
            if let Some(from) = role.from.as_deref().and_then(|f| self.role_groups(f)) {
                leave.extend(from.iter().filter(|g| !to.iter().any(|t| t.eq_ignore_ascii_case(g))).cloned());
            }
        }
        if let Some(groups) = &change.groups {
            join.extend(groups.add.iter().cloned());
            leave.extend(groups.remove.iter().cloned());
        }
        // Joining first: a role change never leaves the person without
        // product access in between.
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        for g in &join {
            if self.join(id, g).await? {
                did.push(format!("joined {g}"));
            } else {
                already.push(format!("already in {g}"));
            }
        }
        for g in &leave {
            if self.leave(id, g).await? {
                did.push(format!("left {g}"));
            } else {
                already.push(format!("not in {g}"));
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            let role = change.role.as_ref().map(|r| format!("role {}: ", r.to)).unwrap_or_default();
            if !already.is_empty() {
                did.push(format!("{} (no change)", already.join(", ")));
            }
            Outcome::Applied(format!("{id}: {role}{}", did.join(", ")))
        })
    }
}

#[async_trait]
impl Connector for Atlassian {
    fn kind(&self) -> &'static str {
        "atlassian"
    }

    fn app(&self) -> &str {
        &self.app
    }

    /// Invites joiners, suspends, restores and removes accounts and changes
    /// group memberships; roles only where `productAccess` maps them to
    /// groups. No hand-over.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: true,
            update: !self.product_access.is_empty(),
            suspend: true,
            restore: true,
            delete: true,
            transfer: false,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let users = self.pages(&["users"], &[], "accountId").await?;
        let member_of = self.memberships().await?;
        let accounts = users
            .iter()
            .filter_map(|u| {
                let names: Vec<&str> = text(u, "accountId")
                    .and_then(|id| member_of.get(id))
                    .map(|gs| gs.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                self.account(u, &names)
            })
            .collect();
        Ok(self.listing(accounts))
    }

    /// The users with the person's addresses (`POST …/users/search` with
    /// `emails`, exact matches), each with its own groups
    /// (`GET …/groups?accountIds=`): a search and a groups page per account
    /// found, never the whole directory. With no address, or when the
    /// Application matches accounts by something other than their e-mail
    /// (the admin API has no employee number to search for, and a nickname
    /// is found only by free-text search), the whole listing is read.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let emails = person.addresses();
        if emails.is_empty() || !self.find_by_email {
            return self.list().await;
        }
        let url = self.url(&["users", "search"], &[]);
        let request = |cursor: Option<&str>| {
            let mut body = json!({ "emails": emails, "limit": PAGE_SIZE });
            if let Some(c) = cursor {
                body["cursor"] = json!(c);
            }
            Request::new(Method::POST, url.clone()).json(&body)
        };
        let users = self.paged(request, "accountId").await?;
        let mut accounts = Vec::with_capacity(users.len());
        for u in &users {
            let Some(id) = text(u, "accountId") else { continue };
            let groups = self.pages(&["groups"], &[("accountIds", id)], "id").await?;
            let names: Vec<&str> = groups.iter().filter_map(|g| text(g, "name")).collect();
            accounts.extend(self.account(u, &names));
        }
        Ok(self.listing(accounts))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let unsupported =
            || ConnectorError::Unsupported { app: self.app.clone(), kind: self.kind(), action: change.action.verb() };
        match change.action {
            Action::Create => return self.invite(change).await,
            Action::Transfer | Action::Revoke | Action::Review => return Err(unsupported()),
            _ => {}
        }
        let id = crate::account_id(change, &self.app)?;
        match change.action {
            Action::Update => self.update(id, change).await,
            Action::Suspend => self.lifecycle(id, "suspend").await,
            Action::Restore => self.lifecycle(id, "restore").await,
            Action::Delete => self.delete(id).await,
            Action::Create | Action::Transfer | Action::Revoke | Action::Review => Err(unsupported()),
        }
    }
}

/// The account an admin-API user becomes, given the product-access groups
/// of each role (`spec.connector.atlassian.productAccess`) and the names
/// of the groups the user is in. `None` without an `accountId`.
pub(crate) fn user_account(
    product_access: &BTreeMap<String, Vec<String>>,
    user: &Value,
    groups: &[&str],
) -> Option<Account> {
    let mut a = Account::new(text(user, "accountId")?);
    a.email = text(user, "email").map(Text::from);
    a.display_name = text(user, "name").map(Text::from);
    a.username = text(user, "nickname").map(Text::from);
    // Apps (integrations) and customers (service-desk customers) are
    // not the organisation's people.
    a.bot = matches!(text(user, "accountType"), Some("app" | "customer"));
    let suspended = text(user, "status").is_some_and(|s| s.eq_ignore_ascii_case("suspended"))
        || matches!(text(user, "accountStatus"), Some("inactive" | "closed"));
    let pending = matches!(text(user, "membershipStatus"), Some("pending" | "invited"));
    a.status = if suspended {
        AccountStatus::Suspended
    } else if pending {
        AccountStatus::Invited
    } else {
        AccountStatus::Active
    };
    a.role = role_of(product_access, groups).map(Text::from);
    let is_product_group = |name: &str| product_access.values().flatten().any(|g| g.eq_ignore_ascii_case(name));
    a.groups = groups.iter().filter(|g| !is_product_group(g)).map(|g| Text::from(*g)).collect();
    a.groups.sort();
    a.groups.dedup();
    Some(a)
}

/// The role whose product-access groups the account holds every one
/// of; with several, the one with the most groups (the wider access).
fn role_of(product_access: &BTreeMap<String, Vec<String>>, held: &[&str]) -> Option<String> {
    let holds = |g: &String| held.iter().any(|h| h.eq_ignore_ascii_case(g));
    let mut best: Option<(&String, usize)> = None;
    for (role, groups) in product_access {
        if !groups.is_empty() && groups.iter().all(holds) && best.is_none_or(|(_, n)| groups.len() > n) {
            best = Some((role, groups.len()));
        }
    }
    best.map(|(r, _)| r.clone())
}

/// `links.next` is a cursor; some Atlassian endpoints give a whole URL
/// instead, whose `cursor` parameter is the cursor.
pub(crate) fn next_cursor(next: &str) -> String {
    Url::parse(next)
        .ok()
        .and_then(|u| u.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned()))
        .unwrap_or_else(|| next.to_owned())
}

/// An error answer that says the account already is as asked ("already
/// suspended", "already a member").
fn says_already(reply: &Reply) -> bool {
    matches!(reply.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT)
        && String::from_utf8_lossy(&reply.body).to_ascii_lowercase().contains("already")
}

/// The answer as an error that leads with Atlassian's own `errors[]`
/// (`code`, `title`, `detail`) or `message`, and says what to do about a
/// refused key.
fn atlassian_error(reply: &Reply, context: Option<&str>) -> HttpError {
    let v: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let mut parts: Vec<String> = context.map(str::to_owned).into_iter().collect();
    for e in v.get("errors").and_then(Value::as_array).into_iter().flatten() {
        let words: Vec<&str> = ["code", "title", "detail"].iter().filter_map(|k| text(e, k)).collect();
        if !words.is_empty() {
            parts.push(format!("Atlassian error {}", words.join(": ")));
        }
    }
    if parts.len() == usize::from(context.is_some())
        && let Some(m) = text(&v, "message")
    {
        parts.push(format!("Atlassian says: {m}"));
    }
    match reply.status {
        StatusCode::UNAUTHORIZED => parts.push(
            "the API key of spec.connector.atlassian.apiKey is not accepted: create a new organisation API key in admin.atlassian.com (Settings → API keys) and update the secret".to_owned(),
        ),
        StatusCode::FORBIDDEN => parts.push(
            "the API key may not do this: it needs user-management access to this organisation and directory".to_owned(),
        ),
        _ => {}
    }
    if parts.is_empty() { reply.error() } else { reply.error_with(Some(&parts.join("; "))) }
}

/// A string field, `None` when absent or blank.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_come_bare_or_inside_a_link() {
        assert_eq!(next_cursor("kloHX1ZQVasDAkx_P48NYQ"), "kloHX1ZQVasDAkx_P48NYQ");
        assert_eq!(
            next_cursor("https://api.atlassian.com/admin/v2/orgs/o/directories/-/users?cursor=abc%3D&limit=100"),
            "abc="
        );
    }
}
