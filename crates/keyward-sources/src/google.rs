//! Google Workspace's Directory API as the HR master:
//! `GET /users?customer=my_customer&projection=basic&maxResults=500` (or
//! `projection=custom&customFieldMask=…` with the custom schemas the paths
//! read), page by page along `nextPageToken` to the end.
//!
//! The service account's key is exchanged for a token once per read
//! (domain-wide delegation, acting as `subject`), and 403s that Google
//! uses for throttling (`userRateLimitExceeded`, `quotaExceeded`) are
//! retried with backoff by the shared client. A page that fails, a page
//! token that comes back, or a page of users already read that still
//! points further is an error, never a shorter snapshot: Google gives no
//! total to check the listing against, so the paging itself must add up.
//! Suspended and archived users are read too; they are the leavers.

use std::collections::HashSet;

use http::Method;
use keyward_core::compile::PolicySet;
use keyward_core::load::{Locator, Named};
use keyward_core::people::{Person, SourceInfo};
use keyward_core::resources::{GoogleWorkspacePeopleSource, PeopleSourceSpec};
use keyward_http::secrets::read_secret;
use keyward_http::{HttpClient, HttpError, HttpSettings, Reply, Request};
use serde_json::Value;
use url::Url;

use crate::json_fields::{Paths, UserMapping, Vendor, source_at};
use crate::{ReadOptions, SourceError};

/// The Directory API in Google's cloud.
pub const DIRECTORY_URL: &str = "https://admin.googleapis.com/admin/directory/v1";

/// Read-only access to users; all keyward asks for.
pub const SCOPE: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";

/// The Directory API's largest page.
const MAX_RESULTS: &str = "500";

/// The users endpoint, as messages name the source.
pub fn location(spec: &GoogleWorkspacePeopleSource) -> String {
    let base = spec.directory_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or(DIRECTORY_URL);
    format!("{}/users", base.trim_end_matches('/'))
}

/// Reads and maps every user of one PeopleSource.
pub(crate) async fn read(
    locator: Locator,
    index: usize,
    src: &Named<PeopleSourceSpec>,
    spec: &GoogleWorkspacePeopleSource,
    options: &ReadOptions,
) -> Result<(SourceInfo, Vec<Person>), SourceError> {
    let mapping = mapping(&locator, index, src, spec)?;
    let api = Directory::new(&locator, src, spec, &mapping.paths, options)?;
    let users = api.users().await?;
    mapping.map(&users)
}

/// Maps users already fetched from the Directory API (the `users[]` of its
/// pages) to people, exactly as a read of the `index`-th PeopleSource of
/// `set` does after its last page. For benchmarks and tools that hold the
/// JSON already; [`crate::read_people`] fetches it itself.
pub fn map_users<'a>(
    set: &PolicySet,
    index: usize,
    users: impl IntoIterator<Item = &'a Value>,
) -> Result<(SourceInfo, Vec<Person>), SourceError> {
    let (src, spec) = source_at(set, index, "googleWorkspace", |s| s.google_workspace.as_ref())?;
    let mapping = mapping(&set.locator(&src.origin), index, src, spec)?;
    mapping.map(users)
}

/// The paths, labels and time zone of one source, defaults filled in.
fn mapping(
    locator: &Locator,
    index: usize,
    src: &Named<PeopleSourceSpec>,
    spec: &GoogleWorkspacePeopleSource,
) -> Result<UserMapping, SourceError> {
    let tz = spec.time_zone.as_deref();
    UserMapping::new(
        Vendor::Google,
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

/// One customer's Directory client.
struct Directory {
    source: String,
    first: Url,
    http: HttpClient,
}

impl Directory {
    fn new(
        locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        spec: &GoogleWorkspacePeopleSource,
        paths: &Paths,
        options: &ReadOptions,
    ) -> Result<Self, SourceError> {
        let label = format!("PeopleSource {}", src.name);
        let failed = |error| SourceError::Http { source_name: src.name.clone(), error };
        let key =
            read_secret(locator, &spec.service_account_key, &options.secrets, "serviceAccountKey").map_err(|why| {
                failed(HttpError::Credentials {
                    app: label.clone(),
                    what: "Google service account key".to_owned(),
                    why,
                })
            })?;
        let written = location(spec);
        let mut first = keyward_http::api_base(&written).map_err(|e| SourceError::NotConfigured {
            source_name: src.name.clone(),
            why: format!("spec.googleWorkspace.directoryUrl: {e}"),
        })?;
        {
            let mut q = first.query_pairs_mut();
            match (&spec.domain, &spec.customer) {
                (Some(domain), _) => q.append_pair("domain", domain.trim()),
                (None, customer) => q.append_pair("customer", customer.as_deref().map_or("my_customer", str::trim)),
            };
            // Only the custom schemas the paths read come back; without
            // any, the standard fields are all keyward needs.
            let mut schemas: Vec<&str> = Vec::new();
            for p in paths.all().into_iter().filter(|p| p.root() == "customSchemas") {
                if let Some(schema) = p.segment(1).filter(|s| !schemas.contains(s)) {
                    schemas.push(schema);
                }
            }
            if schemas.is_empty() {
                q.append_pair("projection", "basic");
            } else {
                q.append_pair("projection", "custom").append_pair("customFieldMask", &schemas.join(","));
            }
            q.append_pair("maxResults", MAX_RESULTS);
            if let Some(query) = directory_query(spec) {
                q.append_pair("query", &query);
            }
        }
        let settings = HttpSettings::new(spec.timeout_seconds, None);
        let mut http =
            HttpClient::google_service_account(&label, key, &[SCOPE], spec.subject.trim(), settings).map_err(failed)?;
        if let Some(retry) = options.retry {
            http.set_retry(retry);
        }
        Ok(Self { source: src.name.clone(), first, http })
    }

    fn partial(&self, why: String) -> SourceError {
        SourceError::Partial { source_name: self.source.clone(), why }
    }

    /// Every user, each once, or an error.
    async fn users(&self) -> Result<Vec<Value>, SourceError> {
        let mut users = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut tokens: HashSet<String> = HashSet::new();
        let mut url = self.first.clone();
        for page in 1u64.. {
            let reply = self
                .http
                .send(&Request::new(Method::GET, url.clone()))
                .await
                .map_err(|error| SourceError::Http { source_name: self.source.clone(), error })?;
            if !reply.is_success() {
                return Err(self.refused(&reply));
            }
            let body = reply.json().map_err(|error| SourceError::Http { source_name: self.source.clone(), error })?;
            if !body.is_object() {
                return Err(self.partial(format!("{} did not answer with a users list", reply.call())));
            }
            // An empty page has no `users` at all.
            let items = match body.get("users") {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(items)) => items.as_slice(),
                Some(_) => {
                    return Err(self.partial(format!("{} answered with `users` that is not a list", reply.call())));
                }
            };
            let before = users.len();
            for user in items {
                let Some(id) = user.get("id").and_then(Value::as_str).filter(|i| !i.is_empty()) else {
                    return Err(self.partial(format!("{} returned a user without an id", reply.call())));
                };
                if seen.insert(id.to_owned()) {
                    users.push(user.clone());
                }
            }
            let Some(token) = body.get("nextPageToken").and_then(Value::as_str).filter(|t| !t.is_empty()) else {
                break;
            };
            if !tokens.insert(token.to_owned()) {
                return Err(self.partial(format!(
                    "page {page} ({}) gave a nextPageToken already followed: the paging goes round in a circle",
                    reply.call()
                )));
            }
            if users.len() == before {
                return Err(self.partial(format!(
                    "page {page} ({}) held no user not already read, yet has a nextPageToken",
                    reply.call()
                )));
            }
            url = self.first.clone();
            url.query_pairs_mut().append_pair("pageToken", token);
        }
        tracing::debug!(source = %self.source, users = users.len(), "read the Google Workspace users");
        Ok(users)
    }

    /// A final error answer, with what Google's `{error: {code, message,
    /// errors[{reason}]}}` means for the admin first.
    fn refused(&self, reply: &Reply) -> SourceError {
        let what = match reply.status.as_u16() {
            400 => "the Directory API refused the request: check spec.googleWorkspace.customer, domain and query",
            401 => {
                "Google refused the service account's token: check that spec.googleWorkspace.subject is an active administrator"
            }
            403 => {
                "the service account may not read users: in the Admin console, grant its client id domain-wide delegation of https://www.googleapis.com/auth/admin.directory.user.readonly, and make the subject an administrator who may read users"
            }
            404 => "there is no such customer or domain, or spec.googleWorkspace.directoryUrl is not the Directory API",
            _ => "Google refused to list the users",
        };
        SourceError::Http { source_name: self.source.clone(), error: reply.error_with(Some(what)) }
    }
}

/// The policy's `query` and `orgUnitPath`, as one Directory search.
fn directory_query(spec: &GoogleWorkspacePeopleSource) -> Option<String> {
    let ou = spec.org_unit_path.as_deref().map(str::trim).map(|ou| format!("orgUnitPath='{ou}'"));
    let parts: Vec<String> = spec.query.iter().map(|q| q.trim().to_owned()).chain(ou).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
