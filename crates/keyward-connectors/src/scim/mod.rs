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

mod discovery;
mod edit;
mod filter;
mod map;

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use http::{Method, StatusCode};
use keyward_core::account::{AccountListing, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::{Change, PersonRef};
use keyward_core::resources::{ApplicationSpec, EnterpriseAttribute, ScimConnector, ScimProfile, ScimUserName};
use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use url::Url;

use self::discovery::Features;
use self::edit::Edit;
use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpSettings, Reply, Request, RetryPolicy};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

/// Users asked for per page unless the policy says otherwise.
const DEFAULT_PAGE_SIZE: u32 = 100;
/// Atlassian refuses larger pages.
const ATLASSIAN_MAX_PAGE_SIZE: u32 = 100;

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

/// What became of an edit.
enum Edited {
    /// Sent, and the server took it.
    Applied,
    /// The resource already was as wanted; nothing was sent.
    AlreadyDone,
    /// The resource does not exist (the call that found out).
    Missing(String),
}

/// One reading of a paged listing.
enum Pages {
    /// Every resource, once each.
    Complete(Vec<Value>),
    /// The endpoint does not exist (a server without groups).
    Missing,
    /// The listing changed while being read; what did not add up.
    Shifted(String),
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

    fn page_size(&self, f: &Features) -> u32 {
        let mut n = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if self.profile == ScimProfile::Atlassian {
            n = n.min(ATLASSIAN_MAX_PAGE_SIZE);
        }
        if let Some(max) = f.max_results {
            n = n.min(max);
        }
        n.max(1)
    }

    /// Every resource of one kind, de-duplicated by id; `None` when the
    /// server has no such endpoint (only asked of Groups). A listing that
    /// shifts while being read is read once more, then refused.
    async fn list_all(&self, kind: Kind) -> Result<Option<Vec<Value>>, ConnectorError> {
        let page = self.page_size(&self.features().await?);
        let mut first_problem: Option<String> = None;
        loop {
            match self.read_pages(kind, page).await? {
                Pages::Complete(all) => return Ok(Some(all)),
                Pages::Missing => return Ok(None),
                Pages::Shifted(why) => match first_problem {
                    None => {
                        tracing::warn!(app = %self.app, problem = %why, "the {} changed while being listed; reading again", kind.noun());
                        first_problem = Some(why);
                    }
                    Some(first) => {
                        return Err(ConnectorError::Partial {
                            app: self.app.clone(),
                            why: format!("{first}; read again: {why}"),
                        });
                    }
                },
            }
        }
    }

    async fn read_pages(&self, kind: Kind, page: u32) -> Result<Pages, ConnectorError> {
        let noun = kind.noun();
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut start: u64 = 1;
        let mut total: Option<u64> = None;
        let mut read: u64 = 0;
        loop {
            let url = self.url(&[kind.path()], &[("startIndex", &start.to_string()), ("count", &page.to_string())]);
            let reply = self.get(url).await?;
            if kind == Kind::Groups
                && start == 1
                && matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::NOT_IMPLEMENTED)
            {
                return Ok(Pages::Missing);
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let body = reply.json()?;
            let Some(t) = body.get("totalResults").and_then(Value::as_u64) else {
                return Err(ConnectorError::Partial {
                    app: self.app.clone(),
                    why: format!(
                        "{} has no totalResults, so keyward cannot tell whether it has every one",
                        reply.call()
                    ),
                });
            };
            if let Some(before) = total
                && before != t
            {
                return Ok(Pages::Shifted(format!("totalResults went from {before} to {t} between pages")));
            }
            total = Some(t);
            let resources = body
                .get("Resources")
                .or_else(|| body.get("resources"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if resources.is_empty() {
                if read >= t {
                    break;
                }
                return Ok(Pages::Shifted(format!(
                    "the page at startIndex {start} was empty after {read} of {t} {noun} were read"
                )));
            }
            read += resources.len() as u64;
            start += resources.len() as u64;
            let before = out.len();
            for r in resources {
                let Some(id) = map::id(r) else {
                    return Err(ConnectorError::Partial {
                        app: self.app.clone(),
                        why: format!("{} returned one of the {noun} without an id", reply.call()),
                    });
                };
                if seen.insert(id) {
                    out.push(r.clone());
                }
            }
            // A server that ignores startIndex repeats its first page; stop
            // rather than walk to totalResults on copies.
            if out.len() == before {
                return Ok(Pages::Shifted(format!(
                    "the page at startIndex {} held only {noun} already read",
                    start - resources.len() as u64
                )));
            }
            if read >= t {
                break;
            }
        }
        let total = total.unwrap_or_default();
        if (out.len() as u64) < total {
            return Ok(Pages::Shifted(format!(
                "{} of the {total} {noun} came twice, so as many were skipped: the list shifted while being read",
                read - out.len() as u64
            )));
        }
        Ok(Pages::Complete(out))
    }

    /// Resources whose `attribute` equals `value`: by filter when the
    /// server filters, else by reading them all. Results are checked here
    /// too, because a server that ignores an unsupported filter answers
    /// with everybody, and adopting "the first user" would be a disaster.
    async fn find(&self, kind: Kind, attribute: &str, value: &str) -> Result<Vec<Value>, ConnectorError> {
        let candidates = if self.features().await?.filter {
            let reply = self.get(self.url(&[kind.path()], &[("filter", &filter::eq(attribute, value))])).await?;
            if kind == Kind::Groups && reply.status == StatusCode::NOT_FOUND {
                return Ok(Vec::new());
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let body = reply.json()?;
            body.get("Resources").and_then(Value::as_array).cloned().unwrap_or_default()
        } else {
            self.list_all(kind).await?.unwrap_or_default()
        };
        let case_exact = attribute == "externalId";
        Ok(candidates
            .into_iter()
            .filter(|r| map::id(r).is_some())
            .filter(|r| {
                map::text(r, attribute)
                    .is_some_and(|v| if case_exact { v == value } else { v.eq_ignore_ascii_case(value) })
            })
            .collect())
    }

    async fn group_id(&self, name: &str) -> Result<Option<String>, ConnectorError> {
        // A group missing from the cache may have been made since the
        // listing, so only a cached single hit skips the lookup.
        let cached = match self.group_ids.lock() {
            Ok(g) => g.as_ref().and_then(|m| m.get(name)).filter(|ids| ids.len() == 1).map(|ids| ids[0].clone()),
            Err(_) => None,
        };
        if cached.is_some() {
            return Ok(cached);
        }
        let found = self.find(Kind::Groups, "displayName", name).await?;
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(map::id(one)),
            many => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {}", self.url(&["Groups"], &[("filter", &filter::eq("displayName", name))])),
                status: Some(200),
                problem: format!("{} groups are called `{name}`; keyward cannot tell which one is meant", many.len()),
            }),
        }
    }

    /// The ids of groups to join, every one required to exist.
    async fn required_groups(&self, names: &[String]) -> Result<Vec<(String, String)>, ConnectorError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            match self.group_id(name).await? {
                Some(id) => out.push((name.clone(), id)),
                None => {
                    return Err(ConnectorError::Http {
                        app: self.app.clone(),
                        call: format!("GET {}", self.url(&["Groups"], &[("filter", &filter::eq("displayName", name))])),
                        status: Some(200),
                        problem: format!(
                            "there is no group `{name}` in {}; create it there or correct the policy's grant",
                            self.app
                        ),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Applies `edits` to one resource. With PATCH, the operations keyward
    /// sends (replace `active`, replace `roles`, add or remove one member)
    /// are targeted and idempotent, so they go out blind: no read, and no
    /// `If-Match`, which only guards a whole-resource write against a lost
    /// update. That is one request per change instead of two. A read comes
    /// first when a PUT body must be built from the current resource, and
    /// when `read_first` asks for it (adopting an account).
    async fn edit(&self, kind: Kind, id: &str, edits: &[Edit], read_first: bool) -> Result<Edited, ConnectorError> {
        let f = self.features().await?;
        let url = self.url(&[kind.path(), id], &[]);
        if !read_first && f.patch {
            let reply = self.http.send(&Request::new(Method::PATCH, url).json(&edit::patch_body(edits))).await?;
            return match reply.status {
                s if s.is_success() => Ok(Edited::Applied),
                StatusCode::NOT_FOUND => Ok(Edited::Missing(reply.call().to_owned())),
                // Removing a member who is not one.
                StatusCode::BAD_REQUEST
                    if reply.scim_type().as_deref() == Some("noTarget")
                        && edits.iter().all(|e| matches!(e, Edit::RemoveMember(_))) =>
                {
                    Ok(Edited::AlreadyDone)
                }
                _ => Err(reply.error().into()),
            };
        }
        let mut reread = false;
        loop {
            let reply = self.get(url.clone()).await?;
            if reply.status == StatusCode::NOT_FOUND {
                return Ok(Edited::Missing(reply.call().to_owned()));
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let current = reply.json()?;
            let pending: Vec<&Edit> = edits.iter().filter(|e| !e.is_done(&current)).collect();
            if pending.is_empty() {
                return Ok(Edited::AlreadyDone);
            }
            let tag = if f.etag { map::etag(&current, reply.etag()).map(str::to_owned) } else { None };
            let request = if f.patch {
                Request::new(Method::PATCH, url.clone()).json(&edit::patch_body(pending.iter().copied()))
            } else {
                Request::new(Method::PUT, url.clone()).json(&edit::put_body(&current, pending.iter().copied()))
            };
            let reply = self.http.send(&request.if_match(tag.as_deref())).await?;
            match reply.status {
                s if s.is_success() => return Ok(Edited::Applied),
                StatusCode::NOT_FOUND => return Ok(Edited::Missing(reply.call().to_owned())),
                // Someone changed it since it was read: decide again on a fresh copy, once.
                StatusCode::PRECONDITION_FAILED if !reread => {
                    tracing::info!(app = %self.app, call = %reply.call(), "changed since read; reading it again");
                    reread = true;
                }
                _ => return Err(reply.error().into()),
            }
        }
    }

    async fn join_groups(&self, user: &str, groups: &[(String, String)]) -> Result<(), ConnectorError> {
        for (name, gid) in groups {
            if let Edited::Missing(call) =
                self.edit(Kind::Groups, gid, &[Edit::AddMember(user.to_owned())], false).await?
            {
                return Err(self.gone(call, &format!("group `{name}` disappeared before {user} could join it")));
            }
        }
        Ok(())
    }

    fn gone(&self, call: String, problem: &str) -> ConnectorError {
        ConnectorError::Http { app: self.app.clone(), call, status: Some(404), problem: problem.to_owned() }
    }

    fn account_id<'c>(&self, change: &'c Change) -> Result<&'c str, ConnectorError> {
        change.account.id.as_deref().ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the {} change of {} names no account id in {}",
                change.action.as_str(),
                change.account.label(),
                self.app
            ))
        })
    }

    fn unsupported(&self, action: Action) -> ConnectorError {
        ConnectorError::Unsupported { app: self.app.clone(), kind: self.kind(), action: action.verb() }
    }

    /// The manager's account id, found by the userName the manager's
    /// account would have been given, then by e-mail, then by externalId.
    async fn manager_id(&self, manager: &PersonRef) -> Result<Option<String>, ConnectorError> {
        let email = manager.email.as_deref();
        let mut tries: Vec<(&str, &str)> = Vec::new();
        match self.user_name {
            ScimUserName::Email => {
                tries.extend(email.map(|e| ("userName", e)));
                tries.push(("userName", manager.id.as_str()));
            }
            ScimUserName::EmployeeId => {
                tries.push(("userName", manager.id.as_str()));
                tries.extend(email.map(|e| ("userName", e)));
            }
        }
        tries.push(("externalId", manager.id.as_str()));
        for (attribute, value) in tries {
            if let [one] = self.find(Kind::Users, attribute, value).await?.as_slice() {
                return Ok(map::id(one));
            }
        }
        Ok(None)
    }

    async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let email = change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()));
        let user_name = match self.user_name {
            ScimUserName::Email => email,
            ScimUserName::EmployeeId => person.map(|p| p.id.as_str()),
        }
        .ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the create of {} in {} has no {} to make the userName from",
                change.account.label(),
                self.app,
                match self.user_name {
                    ScimUserName::Email => "e-mail",
                    ScimUserName::EmployeeId => "employee number",
                }
            ))
        })?;
        let external_id = person.map(|p| p.id.as_str());
        let role = change.role.as_ref().map(|r| r.to.as_str());
        let wanted_groups = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        // Before creating anything: a grant naming a group the app lacks
        // fails the change without leaving a half-made account.
        let groups = self.required_groups(wanted_groups).await?;
        let mut enterprise = Map::new();
        let profile = change.profile.as_deref();
        for attribute in &self.enterprise {
            match attribute {
                EnterpriseAttribute::EmployeeNumber => {
                    if let Some(p) = person {
                        enterprise.insert("employeeNumber".to_owned(), json!(p.id.as_str()));
                    }
                }
                EnterpriseAttribute::Department => {
                    if let Some(d) = profile.and_then(|p| p.department.as_deref()) {
                        enterprise.insert("department".to_owned(), json!(d));
                    }
                }
                EnterpriseAttribute::Manager => {
                    if let Some(m) = profile.and_then(|p| p.manager.as_ref())
                        && let Some(id) = self.manager_id(m).await?
                    {
                        enterprise.insert("manager".to_owned(), json!({ "value": id }));
                    }
                }
            }
        }
        let body = map::create_body(&map::NewUser {
            user_name,
            external_id,
            display_name: change.account.display_name.as_deref().or_else(|| person.and_then(|p| p.name.as_deref())),
            email,
            role,
            enterprise,
        });
        let reply = self.http.send(&Request::new(Method::POST, self.url(&["Users"], &[])).json(&body)).await?;
        if reply.status == StatusCode::CONFLICT {
            return self.adopt(&reply, user_name, external_id, role, &groups).await;
        }
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let Some(id) = map::id(&reply.json()?) else {
            return Err(ConnectorError::Http {
                app: self.app.clone(),
                call: reply.call().to_owned(),
                status: Some(reply.status.as_u16()),
                problem: "the app accepted the new account but did not say its id".to_owned(),
            });
        };
        self.join_groups(&id, &groups).await.map_err(|e| {
            e.prefixed(&format!(
                "account {id} was created, but joining its groups failed (the next apply adopts it and retries)"
            ))
        })?;
        Ok(Outcome::Applied(format!("created {id} (userName {user_name}){}", in_groups(&groups))))
    }

    /// A create met an existing account: an earlier attempt whose answer
    /// was lost, or one made by hand. Find it and make it as wanted.
    async fn adopt(
        &self,
        conflict: &Reply,
        user_name: &str,
        external_id: Option<&str>,
        role: Option<&str>,
        groups: &[(String, String)],
    ) -> Result<Outcome, ConnectorError> {
        let mut found = self.find(Kind::Users, "userName", user_name).await?;
        if found.is_empty()
            && let Some(x) = external_id
        {
            found = self.find(Kind::Users, "externalId", x).await?;
        }
        let looked_for = match external_id {
            Some(x) => format!("userName {} or externalId {}", filter::quote(user_name), filter::quote(x)),
            None => format!("userName {}", filter::quote(user_name)),
        };
        let user = match found.as_slice() {
            [one] => one,
            [] => {
                return Err(conflict
                    .error_with(Some(&format!(
                        "the app says the account exists, but no user with {looked_for} can be found (it may be deleted but still reserved, or hidden from this token); resolve it in the app, keyward will not create a second account"
                    )))
                    .into());
            }
            many => {
                return Err(conflict
                    .error_with(Some(&format!(
                        "the app says the account exists and {} users match {looked_for}; adopt the right one by hand",
                        many.len()
                    )))
                    .into());
            }
        };
        let Some(id) = map::id(user) else {
            return Err(ConnectorError::Internal("find returned a user without id".to_owned()));
        };
        let mut edits = vec![Edit::Active(true)];
        edits.extend(external_id.map(|x| Edit::ExternalId(x.to_owned())));
        edits.extend(role.map(|r| Edit::Role(r.to_owned())));
        let mut did: Vec<String> = edits
            .iter()
            .filter(|e| !e.is_done(user))
            .map(|e| match e {
                Edit::Active(_) => "made active".to_owned(),
                Edit::ExternalId(x) => format!("externalId {x}"),
                Edit::Role(r) => format!("role {r}"),
                Edit::AddMember(_) | Edit::RemoveMember(_) => String::new(),
            })
            .collect();
        if let Edited::Missing(call) = self.edit(Kind::Users, &id, &edits, true).await? {
            return Err(self.gone(call, &format!("account {id} disappeared while being adopted")));
        }
        self.join_groups(&id, groups).await?;
        if did.is_empty() {
            did.push("already as wanted".to_owned());
        }
        Ok(Outcome::Applied(format!(
            "adopted existing account {id} (userName {user_name}): {}{}",
            did.join(", "),
            in_groups(groups)
        )))
    }

    async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            match self.edit(Kind::Users, id, &[Edit::Role(role.to.clone())], false).await? {
                Edited::Applied => did.push(format!("role {}", role.to)),
                Edited::AlreadyDone => already.push(format!("role already {}", role.to)),
                Edited::Missing(call) => return Err(self.gone(call, "the account no longer exists")),
            }
        }
        if let Some(groups) = &change.groups {
            for (name, gid) in self.required_groups(&groups.add).await? {
                match self.edit(Kind::Groups, &gid, &[Edit::AddMember(id.to_owned())], false).await? {
                    Edited::Applied => did.push(format!("joined {name}")),
                    Edited::AlreadyDone => already.push(format!("already in {name}")),
                    Edited::Missing(call) => return Err(self.gone(call, &format!("group `{name}` disappeared"))),
                }
            }
            for name in &groups.remove {
                let Some(gid) = self.group_id(name).await? else {
                    already.push(format!("group {name} no longer exists"));
                    continue;
                };
                match self.edit(Kind::Groups, &gid, &[Edit::RemoveMember(id.to_owned())], false).await? {
                    Edited::Applied => did.push(format!("left {name}")),
                    Edited::AlreadyDone | Edited::Missing(_) => already.push(format!("not in {name}")),
                }
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    async fn set_active(&self, change: &Change, active: bool) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        Ok(match self.edit(Kind::Users, id, &[Edit::Active(active)], false).await? {
            Edited::Applied if active => Outcome::Applied(format!("restored {id}")),
            Edited::Applied => Outcome::Applied(format!("suspended {id}")),
            Edited::AlreadyDone => {
                Outcome::AlreadyDone(format!("{id} is already {}", if active { "active" } else { "suspended" }))
            }
            Edited::Missing(call) if active => {
                return Err(self.gone(call, "the account no longer exists, so it cannot be restored"));
            }
            Edited::Missing(_) => Outcome::AlreadyDone(format!("{id}: the account no longer exists")),
        })
    }

    async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        if self.profile == ScimProfile::Slack {
            // Slack's DELETE only deactivates; claiming a deletion would lie.
            return Err(self.unsupported(Action::Delete));
        }
        let id = self.account_id(change)?;
        let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["Users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(match self.profile {
                ScimProfile::GithubEmu => format!("deleted {id} for good (its repositories, keys and tokens are gone)"),
                _ => format!("deleted {id}"),
            })),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists"))),
            _ => Err(reply.error().into()),
        }
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
        let Some(users) = self.list_all(Kind::Users).await? else {
            return Err(ConnectorError::Internal("the Users listing reported no endpoint".to_owned()));
        };
        let groups = self.list_all(Kind::Groups).await?;
        let mut member_of: HashMap<&str, Vec<Text>> = HashMap::new();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for g in groups.iter().flatten() {
            let Some(name) = map::text(g, "displayName") else { continue };
            if let Some(id) = map::id(g) {
                ids.entry(name.to_owned()).or_default().push(id);
            }
            for m in map::members(g) {
                member_of.entry(m).or_default().push(Text::from(name));
            }
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        if let Ok(mut cache) = self.member_of.lock() {
            *cache = member_of.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        }
        let accounts = users
            .iter()
            .filter_map(|u| {
                let groups = match &groups {
                    Some(_) => map::id(u).and_then(|id| member_of.remove(id.as_str())).unwrap_or_default(),
                    None => map::own_groups(u),
                };
                map::account(u, groups)
            })
            .collect();
        Ok(AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities()))
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let mut clauses: Vec<String> = Vec::new();
        for e in &person.emails {
            clauses.push(filter::eq("userName", e));
            clauses.push(filter::eq("emails.value", e));
        }
        for u in &person.user_names {
            clauses.push(filter::eq("userName", u));
        }
        for id in &person.ids {
            clauses.push(filter::eq("externalId", id));
        }
        if clauses.is_empty() || !self.features().await?.filter {
            return self.list().await;
        }
        // One request with every key or-ed together: an HR event must cut
        // access in as few round trips as possible.
        let page = 100u32.to_string();
        let query = clauses.join(" or ");
        let reply = self.get(self.url(&["Users"], &[("filter", &query), ("count", &page)])).await?;
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let body = reply.json()?;
        let found = body.get("Resources").and_then(Value::as_array).cloned().unwrap_or_default();
        let total = body.get("totalResults").and_then(Value::as_u64).unwrap_or(found.len() as u64);
        if total > found.len() as u64 {
            // Far more matches than one person has: the filter was not
            // applied as meant. Read everything rather than guess.
            return self.list().await;
        }
        let member_of = self.member_of.lock().map(|m| m.clone()).unwrap_or_default();
        let accounts = found
            .iter()
            .filter_map(|u| {
                let groups = map::id(u).and_then(|id| member_of.get(&id).cloned()).unwrap_or_default();
                map::account(u, groups)
            })
            .collect();
        Ok(AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities()))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.set_active(change, false).await,
            Action::Restore => self.set_active(change, true).await,
            Action::Delete => self.delete(change).await,
            Action::Transfer | Action::Review => Err(self.unsupported(change.action)),
        }
    }
}

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
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for g in &groups {
            let Some(name) = map::text(g, "displayName") else { continue };
            if let Some(id) = map::id(g) {
                ids.entry(name.to_owned()).or_default().push(id);
            }
            for m in map::members(g) {
                member_of.entry(m.to_owned()).or_default().push(Text::from(name));
            }
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        Ok(Some(member_of))
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

/// Percent-encodes everything but RFC 3986's unreserved characters, so a
/// filter's spaces and quotes survive servers that do not read `+` as a space.
#[cfg(test)]
fn encode(s: &str) -> String {
    crate::urls::encode(s, &[])
}

fn in_groups(groups: &[(String, String)]) -> String {
    if groups.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        format!(" in {}", names.join(", "))
    }
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
