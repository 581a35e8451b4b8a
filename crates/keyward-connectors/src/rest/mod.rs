//! The `http` connector: an app's REST API as its policy describes it
//! (`spec.connector.http`). It lists accounts page by page in the paging
//! style the policy names ([`listing`]), reads each record's fields with
//! JSONPath queries ([`map`]) and carries out a change by filling the
//! request template the policy gives for it ([`changes`]). Requests go
//! through the shared HTTP policy (timeouts, rate limit, retries, the
//! throttle the policy declares, redaction); a change the policy has no
//! template for is not a capability, so the plan makes it a checklist item.
//!
//! The policy was checked before the connector is built (every query
//! parses, every placeholder is one the request can fill): what is left
//! for run time is what the app answers.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use keyward_core::account::{AccountListing, Capabilities};
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, ClientAuth, HttpConnector, ResetFormat};
use url::Url;

use crate::http::{
    Auth, ClientCredentials, DeclaredThrottle, HttpClient, HttpSettings, JwtBearer, ResetHeader, RetryPolicy, Secret,
    Throttle,
};
use crate::secrets::ClusterSecrets;
use crate::{ConnectorError, Outcome};

mod changes;
mod listing;
mod lookup;
pub(crate) mod map;
mod request;

/// An Application whose connector is `http`.
pub struct HttpApi {
    app: String,
    base: Url,
    spec: HttpConnector,
    http: HttpClient,
    reader: map::RecordReader,
    /// keyward's role name → the app's value, the reverse of `roleValues`.
    roles_out: BTreeMap<String, String>,
    /// Whether a person's accounts can be looked up by e-mail
    /// ([`crate::correlates_by_email_only`]).
    find_by_email: bool,
}

impl HttpApi {
    /// Builds the connector, reading its credential now: a missing secret
    /// is an error before anything is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &HttpConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let not_configured = |why: String| ConnectorError::NotConfigured { app: app.name.clone(), why };
        let base = crate::http::api_base(spec.base_url.trim())
            .map_err(|e| not_configured(format!("spec.connector.http.baseUrl: {e}")))?;
        let read = |r, what: &str, field: &str| crate::secrets::read(locator, app, r, secrets, what, field);
        let auth = match &spec.auth {
            None => Auth::None,
            Some(a) => {
                if let Some(b) = &a.bearer {
                    Auth::Bearer(read(&b.token, "bearer token", "token")?)
                } else if let Some(k) = &a.api_key {
                    let key = read(&k.key, "API key", "key")?;
                    let value = Secret::new(format!("{}{}", k.prefix.as_deref().unwrap_or(""), key.expose()));
                    Auth::Header { name: k.header.clone(), value }
                } else if let Some(b) = &a.basic {
                    Auth::Basic { username: b.username.clone(), password: read(&b.password, "password", "password")? }
                } else if let Some(o) = &a.oauth2 {
                    let secret = read(&o.client_secret, "OAuth 2.0 client secret", "clientSecret")?;
                    let mut cc = ClientCredentials::new(o.token_url.trim(), o.client_id.trim(), secret)
                        .scopes(&o.scopes)
                        .params(o.params.iter().map(|(k, v)| (k.clone(), v.clone())))
                        .basic(o.client_auth == ClientAuth::Basic);
                    if let Some(r) = &o.refresh_token {
                        cc = cc.refresh_token(read(r, "OAuth 2.0 refresh token", "refreshToken")?);
                    }
                    if let Some(g) = &o.grant_type {
                        cc = cc.grant_type(g.trim());
                    }
                    Auth::ClientCredentials(cc)
                } else if let Some(j) = &a.jwt_bearer {
                    let client = match (&j.client_id, &j.client_secret) {
                        (Some(id), Some(secret)) => {
                            Some((id.trim().to_owned(), read(secret, "client secret", "clientSecret")?))
                        }
                        _ => None,
                    };
                    Auth::JwtBearer(JwtBearer {
                        token_url: j.token_url.trim().to_owned(),
                        private_key: read(&j.private_key, "private key", "privateKey")?,
                        issuer: j.issuer.trim().to_owned(),
                        subject: j.subject.clone(),
                        audience: j.audience.clone(),
                        scopes: j.scopes.clone(),
                        client,
                    })
                } else {
                    return Err(not_configured("spec.connector.http.auth sets no way to authenticate".to_owned()));
                }
            }
        };
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.headers = spec.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(t) = &spec.throttle {
            settings.throttle = Throttle::Declared(Arc::new(DeclaredThrottle {
                statuses: t.statuses.clone(),
                reset_header: t.reset_header.clone(),
                reset: match t.reset_format {
                    ResetFormat::EpochSeconds => ResetHeader::EpochSeconds,
                    ResetFormat::Seconds => ResetHeader::Seconds,
                    ResetFormat::Date => ResetHeader::Date,
                },
            }));
        }
        let reader = map::RecordReader::new(&spec.accounts).map_err(not_configured)?;
        Ok(Self {
            app: app.name.clone(),
            base,
            spec: spec.clone(),
            http: HttpClient::new(&app.name, auth, &settings)?,
            reader,
            roles_out: role_values_out(&spec.accounts.role_values),
            find_by_email: crate::correlates_by_email_only(&app.spec),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// The same connector reading time from `clock` (tests of reset
    /// headers and token expiry).
    pub fn with_clock(mut self, clock: Arc<dyn crate::http::Clock>) -> Self {
        self.http.set_clock(clock);
        self
    }
}

#[async_trait]
impl crate::Connector for HttpApi {
    fn kind(&self) -> &'static str {
        "http"
    }

    fn app(&self) -> &str {
        &self.app
    }

    fn capabilities(&self) -> Capabilities {
        let c = &self.spec.changes;
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: c.create.is_some(),
            update: c.update_role.is_some(),
            suspend: c.suspend.is_some(),
            restore: c.restore.is_some(),
            delete: c.delete.is_some(),
            transfer: false,
            groups: c.add_group.is_some() && c.remove_group.is_some(),
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let accounts = self.accounts().await?;
        let source = format!("{} ({})", self.base, self.spec.accounts.request.path);
        Ok(AccountListing::new(source, accounts).with_capabilities(self.capabilities()))
    }

    async fn find(&self, person: &crate::PersonKeys) -> Result<AccountListing, ConnectorError> {
        match self.look_up(person).await? {
            Some(found) => Ok(found),
            None => self.list().await,
        }
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        self.change(change).await
    }
}

/// The app's role value for each of keyward's role names: the reverse of
/// `roleValues` (checked to be one value per role).
fn role_values_out(values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    values.iter().map(|(app, role)| (role.clone(), app.clone())).collect()
}
