//! Microsoft Graph (Entra ID) users as the HR master.
//!
//! A full read is `GET /users?$select=…&$top=999`, following
//! `@odata.nextLink` (only on Graph's own origin: the token goes with it)
//! to the end. With `delta: true` and a [`DeltaCache`] (the controller
//! keeps one across reconciles), the first read follows `/users/delta`
//! to its `@odata.deltaLink`, and later reads fetch only the changes from
//! that link and merge them into the users read before: changed
//! properties replace the cached ones, and `@removed` removes the user,
//! as a full read would no longer list them. Changes are applied only
//! once the last page of a round has arrived, so a failing page leaves
//! the previous state as it was; a delta link Graph no longer knows (410,
//! `syncStateNotFound`, `resyncRequired`) starts over with a full round.
//!
//! Throttling (429, with or without `Retry-After`) is retried by the
//! shared client; the client secret is exchanged for a token once per read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use http::Method;
use keyward_core::compile::PolicySet;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{Person, SourceInfo};
use keyward_core::resources::{MicrosoftGraphPeopleSource, PeopleSourceSpec};
use keyward_http::secrets::read_secret;
use keyward_http::{
    HttpClient, HttpError, HttpSettings, MICROSOFT_AUTHORITY, MicrosoftClientCredentials, Reply, Request,
};
use serde_json::Value;
use url::Url;

use crate::json_fields::{Paths, UserMapping, Vendor, source_at};
use crate::{ReadOptions, SourceError};

/// Microsoft Graph v1.0 in Microsoft's global cloud.
pub const GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";

/// Graph's largest page of users.
const MAX_PAGE_SIZE: u32 = 999;

/// What the manager is expanded to when `fields.manager` reads it.
const MANAGER_EXPAND: &str = "manager($select=id,employeeId,mail,userPrincipalName)";

/// Error codes with which Graph says a delta link is no longer usable.
const RESYNC_CODES: [&str; 3] = ["syncstatenotfound", "syncstateinvalid", "resyncrequired"];

/// The users endpoint, as messages name the source.
pub fn location(spec: &MicrosoftGraphPeopleSource) -> String {
    format!("{}/users", base_url(spec))
}

fn base_url(spec: &MicrosoftGraphPeopleSource) -> &str {
    let written = spec.graph_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    written.unwrap_or(GRAPH_URL).trim_end_matches('/')
}

/// Delta state kept between reads of the same process: per PeopleSource,
/// the spec it was read with (a changed spec starts over), the delta link
/// to continue from, and the users as of that link.
#[derive(Default)]
pub struct DeltaCache {
    states: Mutex<HashMap<String, DeltaState>>,
}

/// Sources and user counts only: the users are people's HR data, not for logs.
impl std::fmt::Debug for DeltaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let states = self.lock();
        f.debug_map().entries(states.iter().map(|(name, s)| (name, s.users.len()))).finish()
    }
}

struct DeltaState {
    spec: MicrosoftGraphPeopleSource,
    link: Url,
    users: BTreeMap<String, Value>,
}

impl DeltaCache {
    /// An empty cache: the first read of every source is a full round.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many users the cache holds for a source, if it holds a state.
    pub fn users_held(&self, source: &str) -> Option<usize> {
        self.lock().get(source).map(|s| s.users.len())
    }

    /// The delta link a source would continue from.
    pub fn delta_link(&self, source: &str) -> Option<String> {
        self.lock().get(source).map(|s| s.link.to_string())
    }

    /// Takes the state out while a read runs; one read with another spec
    /// finds nothing and starts over.
    fn take(&self, source: &str, spec: &MicrosoftGraphPeopleSource) -> Option<DeltaState> {
        let mut states = self.lock();
        match states.remove(source) {
            Some(s) if s.spec == *spec => Some(s),
            _ => None,
        }
    }

    fn put(&self, source: &str, state: DeltaState) {
        self.lock().insert(source.to_owned(), state);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, DeltaState>> {
        // A panic while the lock was held left a whole state or none (the
        // map is only changed by insert and remove), so it stays usable.
        self.states.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Reads and maps every user of one PeopleSource.
pub(crate) async fn read(
    locator: Locator,
    index: usize,
    src: &Named<PeopleSourceSpec>,
    spec: &MicrosoftGraphPeopleSource,
    options: &ReadOptions,
) -> Result<(SourceInfo, Vec<Person>), SourceError> {
    let mapping = mapping(&locator, index, src, spec)?;
    let api = Graph::new(&locator, src, spec, &mapping.paths, options)?;
    match (&options.delta, spec.delta) {
        (Some(cache), true) => {
            // Mapped where the state is kept, then kept: copying 50,000
            // users out first cost more than mapping them (BENCHMARKS.md).
            let state = api.delta(cache, &src.name, spec).await?;
            let mapped = mapping.map(state.users.values());
            cache.put(&src.name, state);
            mapped
        }
        _ => mapping.map(&api.users().await?),
    }
}

/// Maps users already fetched from Graph (the `value[]` of its pages, or
/// a delta state's users) to people, exactly as a read of the `index`-th
/// PeopleSource of `set` does after its last page. For benchmarks and
/// tools that hold the JSON already; [`crate::read_people`] fetches it
/// itself.
pub fn map_users<'a>(
    set: &PolicySet,
    index: usize,
    users: impl IntoIterator<Item = &'a Value>,
) -> Result<(SourceInfo, Vec<Person>), SourceError> {
    let (src, spec) = source_at(set, index, "microsoftGraph", |s| s.microsoft_graph.as_ref())?;
    let mapping = mapping(&set.locator(&src.origin), index, src, spec)?;
    mapping.map(users)
}

/// The paths, labels and time zone of one source, defaults filled in.
fn mapping(
    locator: &Locator,
    index: usize,
    src: &Named<PeopleSourceSpec>,
    spec: &MicrosoftGraphPeopleSource,
) -> Result<UserMapping, SourceError> {
    let tz = spec.time_zone.as_deref();
    UserMapping::new(
        Vendor::Graph,
        locator,
        index,
        src,
        location(spec),
        &spec.fields,
        &spec.attributes,
        &spec.values,
        tz,
    )
}

/// One tenant's Graph client.
struct Graph {
    source: String,
    base: Url,
    select: String,
    expand_manager: bool,
    filter: Option<String>,
    page_size: u32,
    http: HttpClient,
}

/// The end of a delta round.
enum Round {
    /// Every page read: the changes in order, and the link to continue from.
    Done { changes: Vec<Value>, link: Url },
    /// Graph no longer knows the link: start over.
    Resync,
}

impl Graph {
    fn new(
        locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        spec: &MicrosoftGraphPeopleSource,
        paths: &Paths,
        options: &ReadOptions,
    ) -> Result<Self, SourceError> {
        let label = format!("PeopleSource {}", src.name);
        let failed = |error| SourceError::Http { source_name: src.name.clone(), error };
        let secret = read_secret(locator, &spec.client_secret, &options.secrets, "clientSecret").map_err(|why| {
            failed(HttpError::Credentials { app: label.clone(), what: "Microsoft Graph client secret".to_owned(), why })
        })?;
        let refused = |field: &str, e: keyward_core::endpoint::UrlError| SourceError::NotConfigured {
            source_name: src.name.clone(),
            why: format!("spec.microsoftGraph.{field}: {e}"),
        };
        let base = keyward_http::api_base(base_url(spec)).map_err(|e| refused("graphUrl", e))?;
        let authority = spec.authority_url.as_deref().unwrap_or(MICROSOFT_AUTHORITY).trim().trim_end_matches('/');
        keyward_http::api_base(authority).map_err(|e| refused("authorityUrl", e))?;
        let cc =
            MicrosoftClientCredentials::new(spec.tenant.trim(), spec.client_id.trim(), secret).authority(authority);
        let settings = HttpSettings::new(spec.timeout_seconds, None);
        let mut http = HttpClient::microsoft_graph(&label, &base, cc, settings).map_err(failed)?;
        if let Some(retry) = options.retry {
            http.set_retry(retry);
        }
        let mut select: Vec<&str> = vec!["id", "accountEnabled", "userType", "userPrincipalName", "mail"];
        let mut expand_manager = false;
        for root in paths.all().into_iter().map(|p| p.root()) {
            if root == "manager" {
                expand_manager = true;
            } else if !select.contains(&root) {
                select.push(root);
            }
        }
        Ok(Self {
            source: src.name.clone(),
            base,
            select: select.join(","),
            expand_manager,
            filter: spec.filter.as_deref().map(str::trim).map(str::to_owned),
            page_size: spec.page_size.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE),
            http,
        })
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url.query_pairs_mut().extend_pairs(query);
        url
    }

    fn partial(&self, why: String) -> SourceError {
        SourceError::Partial { source_name: self.source.clone(), why }
    }

    fn http_error(&self, error: HttpError) -> SourceError {
        SourceError::Http { source_name: self.source.clone(), error }
    }

    /// Every user, each once, following `@odata.nextLink` to the end.
    async fn users(&self) -> Result<Vec<Value>, SourceError> {
        let top = self.page_size.to_string();
        let mut query = vec![("$select", self.select.as_str()), ("$top", top.as_str())];
        if let Some(f) = &self.filter {
            query.push(("$filter", f));
        }
        if self.expand_manager {
            query.push(("$expand", MANAGER_EXPAND));
        }
        let mut url = self.url(&["users"], &query);
        let mut users = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut links: HashSet<String> = HashSet::new();
        for page in 1u64.. {
            let (reply, body) = self.page(url).await?;
            let before = users.len();
            for user in items(&body).ok_or_else(|| self.no_list(&reply))? {
                let id = self.id(&reply, user)?;
                if seen.insert(id) {
                    users.push(user.clone());
                }
            }
            let Some(next) = self.link(&reply, &body, "@odata.nextLink", &mut links)? else { break };
            if users.len() == before {
                return Err(self.partial(format!(
                    "page {page} ({}) held no user not already read, yet has a nextLink",
                    reply.call()
                )));
            }
            url = next;
        }
        tracing::debug!(source = %self.source, users = users.len(), "read the Entra users");
        Ok(users)
    }

    /// The state after a delta round: continuing from the cached state's
    /// link, or a full round when there is none (or Graph forgot it). The
    /// caller puts it back into `cache` once it has mapped the users; on
    /// an error the previous state is back in `cache` already.
    async fn delta(
        &self,
        cache: &DeltaCache,
        name: &str,
        spec: &MicrosoftGraphPeopleSource,
    ) -> Result<DeltaState, SourceError> {
        if let Some(old) = cache.take(name, spec) {
            match self.round(old.link.clone()).await {
                Ok(Round::Done { changes, link }) => {
                    let mut users = old.users;
                    let applied = changes.len();
                    merge(&mut users, changes);
                    tracing::debug!(source = %self.source, changes = applied, users = users.len(), "merged the Entra delta");
                    return Ok(DeltaState { spec: spec.clone(), link, users });
                }
                Ok(Round::Resync) => {
                    tracing::info!(source = %self.source, "Graph no longer knows the delta link; reading every user again");
                }
                Err(e) => {
                    cache.put(name, old);
                    return Err(e);
                }
            }
        }
        let first = self.url(&["users", "delta"], &[("$select", self.select.as_str())]);
        match self.round(first).await? {
            Round::Done { changes, link } => {
                let mut users = BTreeMap::new();
                merge(&mut users, changes);
                Ok(DeltaState { spec: spec.clone(), link, users })
            }
            Round::Resync => Err(self.partial("Graph refused a new delta round as if it were an old one".to_owned())),
        }
    }

    /// One delta round: every page from `first` to the `@odata.deltaLink`.
    async fn round(&self, first: Url) -> Result<Round, SourceError> {
        let mut url = first;
        let mut changes = Vec::new();
        let mut links: HashSet<String> = HashSet::new();
        loop {
            let reply =
                self.http.send(&Request::new(Method::GET, url.clone())).await.map_err(|e| self.http_error(e))?;
            if needs_resync(&reply) {
                return Ok(Round::Resync);
            }
            if !reply.is_success() {
                return Err(self.refused(&reply));
            }
            let body = reply.json().map_err(|e| self.http_error(e))?;
            for user in items(&body).ok_or_else(|| self.no_list(&reply))? {
                self.id(&reply, user)?;
                changes.push(user.clone());
            }
            if let Some(next) = self.link(&reply, &body, "@odata.nextLink", &mut links)? {
                url = next;
                continue;
            }
            return match self.link(&reply, &body, "@odata.deltaLink", &mut links)? {
                Some(link) => Ok(Round::Done { changes, link }),
                None => Err(self
                    .partial(format!("{} ended a delta round with neither a nextLink nor a deltaLink", reply.call()))),
            };
        }
    }

    async fn page(&self, url: Url) -> Result<(Reply, Value), SourceError> {
        let reply = self.http.send(&Request::new(Method::GET, url)).await.map_err(|e| self.http_error(e))?;
        if !reply.is_success() {
            return Err(self.refused(&reply));
        }
        let body = reply.json().map_err(|e| self.http_error(e))?;
        Ok((reply, body))
    }

    fn no_list(&self, reply: &Reply) -> SourceError {
        self.partial(format!("{} answered without a `value` list", reply.call()))
    }

    fn id(&self, reply: &Reply, user: &Value) -> Result<String, SourceError> {
        user.get("id")
            .and_then(Value::as_str)
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| self.partial(format!("{} returned a user without an id", reply.call())))
    }

    /// A paging link of the answer, only on Graph's own origin and never
    /// one already followed.
    fn link(
        &self,
        reply: &Reply,
        body: &Value,
        key: &str,
        seen: &mut HashSet<String>,
    ) -> Result<Option<Url>, SourceError> {
        let Some(link) = body.get(key).and_then(Value::as_str) else { return Ok(None) };
        let url =
            Url::parse(link).map_err(|_| self.partial(format!("{} gave a {key} that is not a URL", reply.call())))?;
        if url.origin() != self.base.origin() {
            return Err(self.partial(format!(
                "{} gave a {key} to {}, outside {}; keyward does not send its token there",
                reply.call(),
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )));
        }
        if !seen.insert(link.to_owned()) {
            return Err(self.partial(format!("{} linked back to a page already read", reply.call())));
        }
        Ok(Some(url))
    }

    /// A final error answer, with what Graph's `{error: {code, message}}`
    /// means for the admin first.
    fn refused(&self, reply: &Reply) -> SourceError {
        let what = match reply.status.as_u16() {
            400 => {
                "Graph refused the request: check spec.microsoftGraph.filter and the paths under fields and attributes (a property Graph does not know?)"
            }
            401 => {
                "Microsoft refused the app's token: check spec.microsoftGraph.tenant, clientId and the client secret"
            }
            403 => {
                "the app may not read users: grant it the application permission User.Read.All (and User-LifeCycleInfo.Read.All for employeeLeaveDateTime) with admin consent"
            }
            404 => {
                "there are no users at this address: spec.microsoftGraph.graphUrl must be Graph's base URL, such as https://graph.microsoft.com/v1.0"
            }
            _ => "Graph refused to list the users",
        };
        let context = match graph_code(reply) {
            Some(code) => format!("{what} (Graph error {code})"),
            None => what.to_owned(),
        };
        SourceError::Http { source_name: self.source.clone(), error: reply.error_with(Some(&context)) }
    }
}

fn items(body: &Value) -> Option<&Vec<Value>> {
    body.get("value").and_then(Value::as_array)
}

fn graph_code(reply: &Reply) -> Option<String> {
    let body: Value = serde_json::from_slice(&reply.body).ok()?;
    body.get("error")?.get("code")?.as_str().map(str::to_owned)
}

/// 410 Gone, or an error whose code says the sync state is gone.
fn needs_resync(reply: &Reply) -> bool {
    reply.status == http::StatusCode::GONE
        || (reply.status.is_client_error()
            && graph_code(reply).is_some_and(|c| RESYNC_CODES.contains(&c.to_ascii_lowercase().as_str())))
}

/// Applies a round's changes in order: `@removed` removes the user, any
/// other entry's properties replace the cached ones (a delta entry holds
/// at least the properties that changed). `users` is keyed by the Graph
/// object id. Public so benchmarks time the merge a delta read does.
pub fn merge(users: &mut BTreeMap<String, Value>, changes: Vec<Value>) {
    for change in changes {
        let Some(id) = change.get("id").and_then(Value::as_str).map(str::to_owned) else { continue };
        if change.get("@removed").is_some() {
            users.remove(&id);
            continue;
        }
        match (users.get_mut(&id), change) {
            (Some(Value::Object(cached)), Value::Object(changed)) => cached.extend(changed),
            (_, change) => {
                users.insert(id, change);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn the_cache_debugs_as_counts_without_anyones_data() {
        let cache = DeltaCache::new();
        let spec: MicrosoftGraphPeopleSource = serde_json::from_value(
            json!({"tenant": "t", "clientId": "c", "clientSecret": {"env": "S"}, "delta": true}),
        )
        .unwrap();
        let users = BTreeMap::from([("a".to_owned(), json!({"id": "a", "displayName": "山田 太郎"}))]);
        cache.put(
            "entra",
            DeltaState { spec, link: Url::parse("https://graph.microsoft.com/v1.0/users/delta").unwrap(), users },
        );
        assert_eq!(format!("{cache:?}"), r#"{"entra": 1}"#);
    }

    #[test]
    fn changes_merge_property_by_property_and_removals_remove() {
        let mut users = BTreeMap::new();
        merge(
            &mut users,
            vec![
                json!({"id": "a", "employeeId": "E1", "department": "Sales", "accountEnabled": true}),
                json!({"id": "b", "employeeId": "E2"}),
            ],
        );
        merge(
            &mut users,
            vec![json!({"id": "a", "department": "Legal"}), json!({"id": "b", "@removed": {"reason": "deleted"}})],
        );
        assert_eq!(users.len(), 1);
        assert_eq!(users["a"], json!({"id": "a", "employeeId": "E1", "department": "Legal", "accountEnabled": true}));
    }
}
