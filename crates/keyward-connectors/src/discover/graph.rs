//! Discovery in a Microsoft Entra tenant: the third-party apps its users
//! gave delegated permission grants to, the admin consents given for the
//! whole tenant, and, where the tenant's licence keeps them, sign-in
//! records.
//!
//! Five tenant-wide listings, each paged to the end: the tenant's id
//! (`/organization`), service principals (to tell third-party apps and
//! name them), users (to name a grant's principal), delegated grants and
//! sign-ins. Graph's `$batch` (20 requests a call) would not save calls:
//! every listing here is one collection read page by page, and a batch
//! cannot carry the next page before the previous one answered.
//!
//! Memory stays small for a tenant of 10,000 people: one page of raw JSON
//! at a time, sign-ins folded into one use per (user, app) as they arrive,
//! and only third-party service principals kept.

use std::collections::{BTreeMap, HashMap, HashSet};

use http::{Method, StatusCode};
use jiff::civil::Date;
use keyward_core::account::Text;
use keyward_core::discovery::{AppFacts, AppUse, DirectoryScan, Evidence};
use keyward_core::load::{Locator, Named};
use keyward_core::resources::{
    ApplicationSpec, MicrosoftGraphConnector, MicrosoftGraphPeopleSource, PeopleSourceSpec, SecretRef,
};
use serde_json::Value;
use url::Url;

use super::ScanOptions;
use crate::graph::paging::Pager;
use crate::graph::{GRAPH_URL, graph_error, text, utc_day};
use crate::http::{
    HttpClient, HttpSettings, MICROSOFT_AUTHORITY, MicrosoftClientCredentials, Request, RetryPolicy, Secret,
};
use crate::{ClusterSecrets, ConnectorError};

/// Tenants Microsoft publishes its own apps from (Microsoft Services and
/// Microsoft's corporate tenant): their service principals are not
/// third-party apps.
const MICROSOFT_TENANTS: [&str; 2] = ["f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"];

/// Graph's largest page for directory objects, and for sign-ins.
const MAX_PAGE: u32 = 999;
const SIGN_IN_PAGE: &str = "1000";

/// Longest name, publisher or home page kept from a service principal,
/// and the most scopes kept of one grant: a hostile tenant object cannot
/// make the scan's output grow without bound.
const MAX_TEXT: usize = 256;
const MAX_SCOPES: usize = 64;

/// The code Graph answers sign-ins with when the tenant has no Entra ID
/// P1 or P2 licence.
const NON_PREMIUM: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";
const NON_PREMIUM_NOTE: &str =
    "sign-in records unavailable: the tenant has no Microsoft Entra ID P1 or P2 licence; grants are still listed";

/// Application permissions, named when Graph refuses.
const READ_DIRECTORY: &str = "Directory.Read.All";
const READ_USERS: &str = "User.Read.All";
const READ_APPS: &str = "Application.Read.All";
const READ_GRANTS: &str = "DelegatedPermissionGrant.Read.All";
const READ_SIGN_INS: &str = "AuditLog.Read.All";

/// One Microsoft Graph directory to scan (boxed: its HTTP client is
/// large, and [`super::Directory`] holds one of these or Google's).
#[derive(Debug)]
pub struct GraphDirectory(Box<Tenant>);

/// The tenant and how to reach it.
#[derive(Debug)]
struct Tenant {
    /// `PeopleSource/hr` or `Application/entra`.
    resource: String,
    tenant: String,
    authority: String,
    base: Url,
    page_size: u32,
    http: HttpClient,
}

/// What a scan keeps of a third-party service principal.
struct ThirdParty {
    app_id: Text,
    facts: AppFacts,
}

/// One (user, app)'s sign-ins, folded.
struct SignIns {
    user: Text,
    first: Option<Date>,
    last: Option<Date>,
}

impl GraphDirectory {
    /// The directory an Application's connector reaches.
    pub fn from_connector(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &MicrosoftGraphConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let resource = format!("Application/{}", app.name);
        let secret = read_secret(locator, &resource, &spec.client_secret, secrets)?;
        let settings = Settings {
            tenant: &spec.tenant,
            client_id: &spec.client_id,
            graph_url: spec.graph_url.as_deref(),
            authority_url: spec.authority_url.as_deref(),
            timeout_seconds: spec.timeout_seconds,
            page_size: spec.page_size,
            requests_per_second: app.spec.apply.requests_per_second,
            field: "spec.connector.microsoftGraph",
        };
        Self::new(resource, secret, &settings)
    }

    /// The directory a PeopleSource reads.
    pub fn from_people_source(
        locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        spec: &MicrosoftGraphPeopleSource,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let resource = format!("PeopleSource/{}", src.name);
        let secret = read_secret(locator, &resource, &spec.client_secret, secrets)?;
        let settings = Settings {
            tenant: &spec.tenant,
            client_id: &spec.client_id,
            graph_url: spec.graph_url.as_deref(),
            authority_url: spec.authority_url.as_deref(),
            timeout_seconds: spec.timeout_seconds,
            page_size: spec.page_size,
            requests_per_second: None,
            field: "spec.microsoftGraph",
        };
        Self::new(resource, secret, &settings)
    }

    fn new(resource: String, secret: Secret, s: &Settings<'_>) -> Result<Self, ConnectorError> {
        let refused = |field: &str, e: keyward_core::endpoint::UrlError| ConnectorError::NotConfigured {
            app: resource.clone(),
            why: format!("{}.{field}: {e}", s.field),
        };
        let written = s.graph_url.unwrap_or(GRAPH_URL).trim().trim_end_matches('/');
        let base = crate::http::api_base(written).map_err(|e| refused("graphUrl", e))?;
        let authority = s.authority_url.unwrap_or(MICROSOFT_AUTHORITY).trim().trim_end_matches('/').to_owned();
        crate::http::api_base(&authority).map_err(|e| refused("authorityUrl", e))?;
        let tenant = s.tenant.trim().to_owned();
        let cc = MicrosoftClientCredentials::new(&tenant, s.client_id.trim(), secret).authority(&authority);
        let http = HttpClient::microsoft_graph(
            &resource,
            &base,
            cc,
            HttpSettings::new(s.timeout_seconds, s.requests_per_second),
        )?;
        let page_size = s.page_size.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
        Ok(Self(Box::new(Tenant { resource, tenant, authority, base, page_size, http })))
    }

    /// What identifies the directory whatever resource names it: the
    /// identity platform, the tenant and Graph's URL.
    pub fn key(&self) -> String {
        let t = &self.0;
        format!("{} {} {}", t.authority.to_ascii_lowercase(), t.tenant.to_ascii_lowercase(), t.base)
    }

    /// The same directory with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.0.http.set_retry(retry);
        self
    }

    /// Reads every third-party app use the tenant reports. A listing that
    /// fails fails the scan; sign-ins the licence does not keep are a note.
    pub async fn scan(&self, opts: &ScanOptions) -> Result<DirectoryScan, ConnectorError> {
        self.0.scan(opts).await
    }
}

impl Tenant {
    async fn scan(&self, opts: &ScanOptions) -> Result<DirectoryScan, ConnectorError> {
        let pager = Pager::new(&self.http, &self.base, &self.resource);
        let tenant_id = self.tenant_id(&pager).await?;
        let third_party = self.service_principals(&pager, &tenant_id).await?;
        let users = self.users(&pager).await?;
        let mut uses = self.grants(&pager, &third_party, &users).await?;
        let mut notes = Vec::new();
        match self.sign_ins(&pager, opts, &third_party, &users).await? {
            Some(signed_in) => uses.extend(signed_in),
            None => notes.push(NON_PREMIUM_NOTE.to_owned()),
        }
        let used: HashSet<&Text> = uses.iter().map(|u| &u.app).collect();
        let apps: BTreeMap<Text, AppFacts> =
            third_party.into_values().filter(|tp| used.contains(&tp.app_id)).map(|tp| (tp.app_id, tp.facts)).collect();
        Ok(DirectoryScan {
            directory: self.resource.clone(),
            kind: "microsoftGraph".to_owned(),
            source: format!("Microsoft Entra tenant {}", self.tenant),
            apps,
            uses,
            users: users.len(),
            notes,
            requests: pager.sent(),
        })
    }

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        crate::urls::join(&self.base, segments, query, b"$,")
    }

    /// The tenant's own id: apps it registered itself are not third party.
    async fn tenant_id(&self, pager: &Pager<'_>) -> Result<String, ConnectorError> {
        let reply = pager.send(&Request::new(Method::GET, self.url(&["organization"], &[("$select", "id")]))).await?;
        if !reply.is_success() {
            return Err(graph_error(&reply, None, READ_DIRECTORY).into());
        }
        let body = reply.json()?;
        let id = body.pointer("/value/0").and_then(|o| text(o, "id"));
        id.map(str::to_ascii_lowercase)
            .ok_or_else(|| pager.partial(format!("{} did not say the tenant's id", reply.call())))
    }

    /// Service principal object id → the third-party app it stands for.
    async fn service_principals(
        &self,
        pager: &Pager<'_>,
        tenant_id: &str,
    ) -> Result<HashMap<Text, ThirdParty>, ConnectorError> {
        let top = self.page_size.to_string();
        let select = "id,appId,displayName,appOwnerOrganizationId,publisherName,verifiedPublisher,homepage";
        let url = self.url(&["servicePrincipals"], &[("$select", select), ("$top", &top)]);
        let mut out = HashMap::new();
        pager
            .each(url, READ_APPS, |_, sp| {
                // No owner (a managed identity, a legacy principal): not
                // an app someone signed in to with a consent.
                let Some(owner) = text(&sp, "appOwnerOrganizationId").map(str::to_ascii_lowercase) else {
                    return Ok(());
                };
                if owner == tenant_id || MICROSOFT_TENANTS.contains(&owner.as_str()) {
                    return Ok(());
                }
                let (Some(id), Some(app_id)) = (text(&sp, "id"), text(&sp, "appId")) else { return Ok(()) };
                let publisher = sp
                    .get("verifiedPublisher")
                    .and_then(|v| text(v, "displayName"))
                    .or_else(|| text(&sp, "publisherName"));
                let facts = AppFacts {
                    name: text(&sp, "displayName").map(bounded),
                    publisher: publisher.map(bounded),
                    homepage: text(&sp, "homepage").map(|h| bounded(h).to_string()),
                    object_id: Some(bounded(id)),
                };
                out.insert(bounded(id), ThirdParty { app_id: bounded(app_id), facts });
                Ok(())
            })
            .await?;
        Ok(out)
    }

    /// User object id → mail, or the UPN where there is no mail.
    async fn users(&self, pager: &Pager<'_>) -> Result<HashMap<Text, Text>, ConnectorError> {
        let top = self.page_size.to_string();
        let url = self.url(&["users"], &[("$select", "id,userPrincipalName,mail"), ("$top", &top)]);
        let mut out = HashMap::new();
        pager
            .each(url, READ_USERS, |_, u| {
                let name = text(&u, "mail").or_else(|| text(&u, "userPrincipalName"));
                if let (Some(id), Some(name)) = (text(&u, "id"), name) {
                    out.insert(bounded(id), bounded(name));
                }
                Ok(())
            })
            .await?;
        Ok(out)
    }

    /// Every delegated grant to a third-party app: one use per user grant,
    /// one tenant consent per app however many resources it covers.
    async fn grants(
        &self,
        pager: &Pager<'_>,
        third_party: &HashMap<Text, ThirdParty>,
        users: &HashMap<Text, Text>,
    ) -> Result<Vec<AppUse>, ConnectorError> {
        let top = self.page_size.to_string();
        let url = self.url(&["oauth2PermissionGrants"], &[("$top", &top)]);
        let mut out: Vec<AppUse> = Vec::new();
        let mut consented: HashSet<Text> = HashSet::new();
        pager
            .each(url, READ_GRANTS, |_, g| {
                let Some(tp) = text(&g, "clientId").and_then(|c| third_party.get(c)) else { return Ok(()) };
                let scopes: Vec<Text> =
                    text(&g, "scope").unwrap_or_default().split_whitespace().take(MAX_SCOPES).map(bounded).collect();
                // (user, user id, evidence): a tenant-wide consent names nobody.
                let who = match text(&g, "consentType") {
                    Some("AllPrincipals") if consented.insert(tp.app_id.clone()) => {
                        (Text::default(), None, Evidence::TenantConsent)
                    }
                    Some("Principal") => {
                        let Some(principal) = text(&g, "principalId") else { return Ok(()) };
                        let user = users.get(principal).cloned().unwrap_or_else(|| bounded(principal));
                        (user, Some(bounded(principal)), Evidence::DelegatedGrant)
                    }
                    _ => return Ok(()),
                };
                let (user, user_id, evidence) = who;
                out.push(AppUse {
                    app: tp.app_id.clone(),
                    user,
                    user_id,
                    evidence,
                    scopes,
                    first_seen: None,
                    last_seen: None,
                    grant_id: text(&g, "id").map(bounded),
                });
                Ok(())
            })
            .await?;
        Ok(out)
    }

    /// Sign-ins to third-party apps, one use per (user, app) with the first
    /// and last day seen; `None` when the tenant's licence keeps none.
    async fn sign_ins(
        &self,
        pager: &Pager<'_>,
        opts: &ScanOptions,
        third_party: &HashMap<Text, ThirdParty>,
        users: &HashMap<Text, Text>,
    ) -> Result<Option<Vec<AppUse>>, ConnectorError> {
        let filter = opts.since.map(|d| format!("createdDateTime ge {d}T00:00:00Z"));
        let mut query = vec![("$top", SIGN_IN_PAGE)];
        if let Some(f) = &filter {
            query.push(("$filter", f.as_str()));
        }
        let third_party_ids: HashMap<&str, &Text> =
            third_party.values().map(|t| (t.app_id.as_str(), &t.app_id)).collect();
        let mut folded: HashMap<(Text, Text), SignIns> = HashMap::new();
        let answer = pager
            .each_or_refusal(self.url(&["auditLogs", "signIns"], &query), |_, s| {
                let Some(app) = text(&s, "appId").and_then(|a| third_party_ids.get(a)) else { return Ok(()) };
                let Some(user_id) = text(&s, "userId") else { return Ok(()) };
                let day = text(&s, "createdDateTime").and_then(utc_day);
                let entry = folded.entry((bounded(user_id), (*app).clone())).or_insert_with(|| SignIns {
                    user: users
                        .get(user_id)
                        .cloned()
                        .or_else(|| text(&s, "userPrincipalName").map(bounded))
                        .unwrap_or_else(|| bounded(user_id)),
                    first: None,
                    last: None,
                });
                if let Some(day) = day {
                    entry.first = Some(entry.first.map_or(day, |f| f.min(day)));
                    entry.last = Some(entry.last.map_or(day, |l| l.max(day)));
                }
                Ok(())
            })
            .await?;
        if let Err(reply) = answer {
            let code = serde_json::from_slice::<Value>(&reply.body)
                .ok()
                .and_then(|v| v.pointer("/error/code").and_then(Value::as_str).map(str::to_owned));
            if reply.status == StatusCode::FORBIDDEN && code.as_deref() == Some(NON_PREMIUM) {
                return Ok(None);
            }
            return Err(graph_error(&reply, None, READ_SIGN_INS).into());
        }
        let mut out: Vec<AppUse> = folded
            .into_iter()
            .map(|((user_id, app), s)| AppUse {
                app,
                user: s.user,
                user_id: Some(user_id),
                evidence: Evidence::SignIn,
                scopes: Vec::new(),
                first_seen: s.first,
                last_seen: s.last,
                grant_id: None,
            })
            .collect();
        out.sort_by(|a, b| (&a.app, &a.user, &a.user_id).cmp(&(&b.app, &b.user, &b.user_id)));
        Ok(Some(out))
    }
}

/// The Graph settings a PeopleSource and an Application share.
struct Settings<'a> {
    tenant: &'a str,
    client_id: &'a str,
    graph_url: Option<&'a str>,
    authority_url: Option<&'a str>,
    timeout_seconds: Option<u32>,
    page_size: Option<u32>,
    /// The Application's `spec.apply.requestsPerSecond`, which bounds
    /// every request to the tenant (a PeopleSource has none: the default).
    requests_per_second: Option<u32>,
    /// Where they are written, for messages.
    field: &'static str,
}

fn read_secret(
    locator: &Locator,
    resource: &str,
    r: &SecretRef,
    secrets: &ClusterSecrets,
) -> Result<Secret, ConnectorError> {
    keyward_http::secrets::read_secret(locator, r, secrets, "clientSecret").map_err(|why| ConnectorError::Credentials {
        app: resource.to_owned(),
        what: "Microsoft Graph client secret".to_owned(),
        why,
    })
}

/// `s` cut to [`MAX_TEXT`] characters.
fn bounded(s: &str) -> Text {
    match s.char_indices().nth(MAX_TEXT) {
        Some((end, _)) => Text::from(&s[..end]),
        None => Text::from(s),
    }
}
