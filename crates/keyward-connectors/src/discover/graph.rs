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

use http::{Method, StatusCode};
use keyward_core::discovery::DirectoryScan;
use keyward_core::load::{Locator, Named};
use keyward_core::resources::{
    ApplicationSpec, MicrosoftGraphConnector, MicrosoftGraphPeopleSource, PeopleSourceSpec, SecretRef,
};
use serde_json::Value;
use url::Url;

pub(crate) mod fold;

use super::ScanOptions;
use crate::graph::paging::Pager;
use crate::graph::{GRAPH_URL, graph_error, text};
use crate::http::{
    HttpClient, HttpSettings, MICROSOFT_AUTHORITY, MicrosoftClientCredentials, Request, RetryPolicy, Secret,
};
use crate::{ClusterSecrets, ConnectorError};
use fold::Fold;

/// Graph's largest page for directory objects, and for sign-ins.
const MAX_PAGE: u32 = 999;
const SIGN_IN_PAGE: &str = "1000";

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
        let mut fold = Fold::new(&tenant_id);
        let top = self.page_size.to_string();
        let select = "id,appId,displayName,appOwnerOrganizationId,publisherName,verifiedPublisher,homepage";
        let url = self.url(&["servicePrincipals"], &[("$select", select), ("$top", &top)]);
        pager
            .each(url, READ_APPS, |_, sp| {
                fold.service_principal(&sp);
                Ok(())
            })
            .await?;
        let url = self.url(&["users"], &[("$select", "id,userPrincipalName,mail"), ("$top", &top)]);
        pager
            .each(url, READ_USERS, |_, u| {
                fold.user(&u);
                Ok(())
            })
            .await?;
        let url = self.url(&["oauth2PermissionGrants"], &[("$top", &top)]);
        pager
            .each(url, READ_GRANTS, |_, g| {
                fold.grant(&g);
                Ok(())
            })
            .await?;
        let mut notes = Vec::new();
        if !self.sign_ins(&pager, opts, &mut fold).await? {
            fold.drop_sign_ins();
            notes.push(NON_PREMIUM_NOTE.to_owned());
        }
        let users = fold.users();
        let (apps, uses) = fold.finish();
        Ok(DirectoryScan {
            directory: self.resource.clone(),
            kind: "microsoftGraph".to_owned(),
            source: format!("Microsoft Entra tenant {}", self.tenant),
            apps,
            uses,
            users,
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

    /// Folds the sign-ins to third-party apps into `fold`; `false` when
    /// the tenant's licence keeps none.
    async fn sign_ins(&self, pager: &Pager<'_>, opts: &ScanOptions, fold: &mut Fold) -> Result<bool, ConnectorError> {
        let filter = opts.since.map(|d| format!("createdDateTime ge {d}T00:00:00Z"));
        let mut query = vec![("$top", SIGN_IN_PAGE)];
        if let Some(f) = &filter {
            query.push(("$filter", f.as_str()));
        }
        let answer = pager
            .each_or_refusal(self.url(&["auditLogs", "signIns"], &query), |_, s| {
                fold.sign_in(&s);
                Ok(())
            })
            .await?;
        if let Err(reply) = answer {
            let code = serde_json::from_slice::<Value>(&reply.body)
                .ok()
                .and_then(|v| v.pointer("/error/code").and_then(Value::as_str).map(str::to_owned));
            if reply.status == StatusCode::FORBIDDEN && code.as_deref() == Some(NON_PREMIUM) {
                return Ok(false);
            }
            return Err(graph_error(&reply, None, READ_SIGN_INS).into());
        }
        Ok(true)
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
