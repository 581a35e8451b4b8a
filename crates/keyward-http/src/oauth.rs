//! How a client authenticates: a fixed credential in a header (a bearer
//! token, an API key, basic authentication), or credentials that are
//! exchanged for a short-lived access token before the API call: a Google
//! service account (RFC 7523 JWT bearer grant), Microsoft identity platform
//! client credentials, or any OAuth 2.0 client credentials (RFC 6749 §4.4).
//!
//! The token is fetched when first needed and shared by every request of
//! the client until shortly before it expires; concurrent requests wait for
//! one fetch instead of each starting their own. A 401 from the API makes
//! the client fetch a new token and try once more, since a token can be
//! revoked or expire early; a second 401 is the app's answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use jiff::{SignedDuration, Timestamp};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use url::Url;

use crate::{HttpClient, HttpError, HttpSettings, Reply, Request, Secret, Throttle};

/// How a client authenticates its requests.
#[derive(Debug, Clone)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// `Authorization: Bearer <token>` with a token that does not change.
    Bearer(Secret),
    /// One header carrying a credential as it is: `value` is sent
    /// verbatim, any scheme prefix included (Okta's
    /// `Authorization: SSWS <token>`, an API-key header, `Basic …`). Kept
    /// as sensitive and scrubbed from errors like a bearer token; when the
    /// value is `scheme credential`, the credential alone is scrubbed too.
    Header {
        /// The header's name (`Authorization`, `X-Api-Key`).
        name: String,
        /// The whole value, scheme included.
        value: Secret,
    },
    /// A Google service account's key, exchanged for access tokens.
    GoogleServiceAccount(GoogleServiceAccount),
    /// A Microsoft Entra app's client secret, exchanged for access tokens.
    MicrosoftClientCredentials(MicrosoftClientCredentials),
    /// HTTP basic authentication (RFC 7617).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// OAuth 2.0 client credentials (RFC 6749 §4.4) at any token endpoint.
    ClientCredentials(ClientCredentials),
    /// An RS256 assertion signed with a private key, exchanged for access
    /// tokens (RFC 7523): LINE WORKS service accounts and the like.
    JwtBearer(JwtBearer),
}

/// A private key and the claims of the assertions it signs.
#[derive(Debug, Clone)]
pub struct JwtBearer {
    /// The token endpoint.
    pub token_url: String,
    /// The RSA private key, PEM.
    pub private_key: Secret,
    /// The assertion's `iss`.
    pub issuer: String,
    /// The assertion's `sub`, when the API wants one.
    pub subject: Option<String>,
    /// The assertion's `aud`, when the API wants one.
    pub audience: Option<String>,
    /// Scopes, sent in the token request's form.
    pub scopes: Vec<String>,
    /// A client id and secret sent beside the assertion.
    pub client: Option<(String, Secret)>,
}

/// A client's credentials at an OAuth 2.0 token endpoint.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    grant_type: String,
    params: Vec<(String, String)>,
    basic: bool,
    refresh_token: Option<Secret>,
}

impl ClientCredentials {
    /// `grant_type=client_credentials` at `token_url`, the client's id and
    /// secret in the form body.
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>, client_secret: Secret) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret,
            scopes: Vec::new(),
            grant_type: "client_credentials".to_owned(),
            params: Vec::new(),
            basic: false,
            refresh_token: None,
        }
    }

    /// Asks with a long-lived refresh token (`grant_type=refresh_token`
    /// unless [`ClientCredentials::grant_type`] says otherwise).
    pub fn refresh_token(mut self, token: Secret) -> Self {
        self.refresh_token = Some(token);
        self.grant_type = "refresh_token".to_owned();
        self
    }

    /// The scopes asked for.
    pub fn scopes(mut self, scopes: &[String]) -> Self {
        self.scopes = scopes.to_vec();
        self
    }

    /// Another `grant_type` (Zoom's `account_credentials`).
    pub fn grant_type(mut self, grant: impl Into<String>) -> Self {
        self.grant_type = grant.into();
        self
    }

    /// Further form fields (not secret).
    pub fn params(mut self, params: impl IntoIterator<Item = (String, String)>) -> Self {
        self.params = params.into_iter().collect();
        self
    }

    /// Sends the client's id and secret as HTTP basic authentication
    /// (RFC 6749 §2.3.1) instead of in the form.
    pub fn basic(mut self, basic: bool) -> Self {
        self.basic = basic;
        self
    }
}

/// A Google service account key, the scopes to ask for and the Workspace
/// user to act as. Built into a signer by [`HttpClient::new`], which
/// refuses a key that cannot sign.
#[derive(Debug, Clone)]
pub struct GoogleServiceAccount {
    key: Secret,
    scopes: Vec<String>,
    subject: Option<String>,
}

impl GoogleServiceAccount {
    /// The key file's JSON as Google issues it (`client_email`,
    /// `private_key`, `token_uri`…) and the OAuth scopes the calls need.
    pub fn new(key_json: Secret, scopes: &[&str]) -> Self {
        Self { key: key_json, scopes: scopes.iter().map(|s| (*s).to_owned()).collect(), subject: None }
    }

    /// Acts as this Workspace user (domain-wide delegation): the Admin SDK
    /// refuses a service account acting as itself.
    pub fn subject(mut self, user: impl Into<String>) -> Self {
        self.subject = Some(user.into());
        self
    }
}

/// The Microsoft identity platform's URL, where tenants' token endpoints
/// live.
pub const MICROSOFT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// The scope that grants an app the Graph permissions an admin consented to.
pub const GRAPH_DEFAULT_SCOPE: &str = "https://graph.microsoft.com/.default";

/// An Entra app registration's client credentials for one tenant.
#[derive(Debug, Clone)]
pub struct MicrosoftClientCredentials {
    tenant: String,
    client_id: String,
    client_secret: Secret,
    scope: String,
    authority: String,
}

impl MicrosoftClientCredentials {
    /// For Microsoft Graph (scope [`GRAPH_DEFAULT_SCOPE`]) at
    /// [`MICROSOFT_AUTHORITY`]. `tenant` is the directory's id or a
    /// verified domain.
    pub fn new(tenant: impl Into<String>, client_id: impl Into<String>, client_secret: Secret) -> Self {
        Self {
            tenant: tenant.into(),
            client_id: client_id.into(),
            client_secret,
            scope: GRAPH_DEFAULT_SCOPE.to_owned(),
            authority: MICROSOFT_AUTHORITY.to_owned(),
        }
    }

    /// Another authority: a national cloud's, or a test server's.
    pub fn authority(mut self, base_url: impl Into<String>) -> Self {
        self.authority = base_url.into();
        self
    }

    /// Another scope (a national cloud's Graph, another resource).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}

impl HttpClient {
    /// A client for the Google APIs as a service account acting as
    /// `subject`, retrying the 403s Google throttles with.
    pub fn google_service_account(
        app: &str,
        key_json: Secret,
        scopes: &[&str],
        subject: &str,
        settings: HttpSettings,
    ) -> Result<Self, HttpError> {
        let sa = GoogleServiceAccount::new(key_json, scopes).subject(subject);
        Self::new(app, Auth::GoogleServiceAccount(sa), &HttpSettings { throttle: Throttle::Google, ..settings })
    }

    /// A client for the Microsoft Graph at `graph` (its API base), signing
    /// in with `credentials`.
    pub fn microsoft_graph(
        app: &str,
        graph: &Url,
        credentials: MicrosoftClientCredentials,
        settings: HttpSettings,
    ) -> Result<Self, HttpError> {
        // A national cloud's Graph is its own resource: its token must be
        // asked for with that origin's `.default` scope.
        let cc = credentials.scope(format!("{}/.default", graph.origin().ascii_serialization()));
        Self::new(app, Auth::MicrosoftClientCredentials(cc), &HttpSettings { throttle: Throttle::Graph, ..settings })
    }
}

/// A cached token is replaced this long before it expires, so a request
/// never leaves with a token that dies on the way.
const REFRESH_MARGIN: SignedDuration = SignedDuration::from_secs(60);

/// RFC 7523 assertions Google accepts live at most an hour.
const ASSERTION_LIFETIME_SECONDS: i64 = 3600;

/// When the token endpoint does not say how long its token lives. A
/// token that dies earlier is caught by the refresh on 401.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Where a key file has no `token_uri`.
const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// A credential header (`Authorization: Bearer …` unless said otherwise)
/// and the secrets in it, kept to scrub them from error messages.
pub(crate) struct Bearer {
    pub(crate) name: HeaderName,
    pub(crate) header: HeaderValue,
    pub(crate) token: Secret,
    /// The credential after a scheme prefix (`SSWS <this>`), scrubbed
    /// too: an app may echo it without the scheme.
    pub(crate) bare: Option<Secret>,
}

impl Bearer {
    pub(crate) fn new(token: Secret) -> Result<Self, &'static str> {
        let header = sensitive(&format!("Bearer {}", token.expose()))
            .ok_or("the token contains characters an HTTP header cannot carry")?;
        Ok(Self { name: AUTHORIZATION, header, token, bare: None })
    }

    /// `name: value` as given ([`Auth::Header`]).
    fn header(name: &str, value: Secret) -> Result<Self, String> {
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("`{}` is not an HTTP header name", name.trim()))?;
        let header = sensitive(value.expose())
            .ok_or_else(|| "the value contains characters an HTTP header cannot carry".to_owned())?;
        let bare = value
            .expose()
            .split_once(' ')
            .map(|(_, rest)| rest.trim())
            .filter(|rest| !rest.is_empty())
            .map(Secret::new);
        Ok(Self { name, header, token: value, bare })
    }

    /// Every secret the header carries.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &Secret> {
        std::iter::once(&self.token).chain(&self.bare)
    }
}

/// A header value marked sensitive, which keeps it out of hyper's and
/// reqwest's Debug output and out of HTTP/2 header compression tables.
fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut header = HeaderValue::from_str(value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// A client's authentication, ready to use.
pub(crate) enum Credential {
    None,
    Static(Bearer),
    Header(Bearer),
    Tokens(Box<TokenCache>),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::Static(_) => f.write_str("bearer ***"),
            Self::Header(h) => write!(f, "{}: ***", h.name),
            Self::Tokens(cache) => write!(f, "{} at {}", cache.grant.what(), cache.grant.endpoint()),
        }
    }
}

impl Credential {
    /// Checks what `auth` gives now, so a bad key fails before anything
    /// is listed.
    pub(crate) fn new(app: &str, auth: Auth) -> Result<Self, HttpError> {
        match auth {
            Auth::None => Ok(Self::None),
            Auth::Bearer(token) => {
                Bearer::new(token).map(Self::Static).map_err(|why| credentials(app, "bearer token", why.to_owned()))
            }
            Auth::Header { name, value } => {
                Bearer::header(&name, value).map(Self::Header).map_err(|why| credentials(app, "credential header", why))
            }
            Auth::GoogleServiceAccount(sa) => Ok(Self::Tokens(Box::new(TokenCache::new(Grant::google(app, sa)?)))),
            Auth::MicrosoftClientCredentials(cc) => {
                Ok(Self::Tokens(Box::new(TokenCache::new(Grant::microsoft(app, cc)?))))
            }
            Auth::ClientCredentials(cc) => Ok(Self::Tokens(Box::new(TokenCache::new(Grant::client(app, cc)?)))),
            Auth::JwtBearer(jwt) => Ok(Self::Tokens(Box::new(TokenCache::new(Grant::jwt(app, jwt)?)))),
            Auth::Basic { username, password } => {
                let what = "basic-authentication password";
                if username.contains(':') {
                    return Err(credentials(
                        app,
                        what,
                        "the user name contains `:`, which basic authentication cannot carry".to_owned(),
                    ));
                }
                let pair = Secret::new(format!("{username}:{}", password.expose()));
                let value = Secret::new(format!("Basic {}", STANDARD.encode(pair.expose())));
                let mut basic =
                    Bearer::header(AUTHORIZATION.as_str(), value).map_err(|why| credentials(app, what, why))?;
                // The password itself, so its base64 in any echo of the
                // credentials is found too (see `redact`).
                basic.bare = Some(password);
                Ok(Self::Header(basic))
            }
        }
    }

    /// Secrets the client holds for its whole life, to scrub from errors.
    pub(crate) fn long_lived(&self) -> Vec<&Secret> {
        match self {
            Self::None => Vec::new(),
            Self::Static(b) | Self::Header(b) => b.secrets().collect(),
            Self::Tokens(cache) => cache.grant.secrets(),
        }
    }
}

fn credentials(app: &str, what: &str, why: String) -> HttpError {
    HttpError::Credentials { app: app.to_owned(), what: what.to_owned(), why }
}

/// How a token is asked for.
enum Grant {
    /// RFC 7523: a JWT signed with the service account's key.
    Jwt {
        key: EncodingKey,
        key_id: Option<String>,
        /// The assertion's `iss`: Google's `client_email`, another API's
        /// client id.
        client_email: String,
        /// As written in the key file: the assertion's `aud` must match it
        /// to the letter. Some APIs (LINE WORKS) want none.
        audience: Option<String>,
        endpoint: Url,
        scope: String,
        subject: Option<String>,
        /// Google reads the scopes from the assertion, other APIs from
        /// the token request's form.
        scope_in_claim: bool,
        /// A client id and secret sent beside the assertion (LINE WORKS).
        client: Option<(String, Secret)>,
        what: &'static str,
    },
    /// RFC 6749 §4.4, the secret in the form body or as basic
    /// authentication.
    ClientSecret {
        endpoint: Url,
        client_id: String,
        client_secret: Secret,
        scope: String,
        grant_type: String,
        params: Vec<(String, String)>,
        basic: bool,
        refresh_token: Option<Secret>,
        what: &'static str,
    },
}

impl Grant {
    fn google(app: &str, sa: GoogleServiceAccount) -> Result<Self, HttpError> {
        let what = "Google service account key";
        let bad = |why: String| credentials(app, what, why);
        // serde_json's syntax errors give a position, never the text.
        let v: Value = serde_json::from_str(sa.key.expose()).map_err(|e| {
            bad(format!(
                "it is not JSON (line {}, column {}): expected a key file as Google issues it",
                e.line(),
                e.column()
            ))
        })?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
        if let Some(kind) = text("type").filter(|t| *t != "service_account") {
            return Err(bad(format!(
                "it is a `{kind}` credential, not a service account key (`type: service_account`)"
            )));
        }
        let client_email = text("client_email").ok_or_else(|| bad("it has no `client_email`".to_owned()))?;
        let pem = text("private_key").ok_or_else(|| bad("it has no `private_key`".to_owned()))?;
        let key = EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|e| bad(format!("its `private_key` is not an RSA private key in PEM ({e})")))?;
        let audience = text("token_uri").unwrap_or(GOOGLE_TOKEN_URI).to_owned();
        let endpoint = crate::api_base(&audience).map_err(|e| bad(format!("its `token_uri`: {e}")))?;
        if sa.scopes.iter().all(|s| s.trim().is_empty()) {
            return Err(bad("no OAuth scope is asked for".to_owned()));
        }
        let grant = Self::Jwt {
            key,
            key_id: text("private_key_id").map(str::to_owned),
            client_email: client_email.to_owned(),
            audience: Some(audience),
            endpoint,
            scope: sa.scopes.join(" "),
            subject: sa.subject,
            scope_in_claim: true,
            client: None,
            what,
        };
        // PEM decoding does not parse the RSA key itself; signing once
        // does, so a broken key is reported now rather than on first use.
        grant.assertion(Timestamp::UNIX_EPOCH).map_err(bad)?;
        Ok(grant)
    }

    fn microsoft(app: &str, cc: MicrosoftClientCredentials) -> Result<Self, HttpError> {
        let what = "Microsoft client credentials";
        let bad = |why: String| credentials(app, what, why);
        if cc.tenant.trim().is_empty() {
            return Err(bad("no tenant is given".to_owned()));
        }
        if cc.client_id.trim().is_empty() {
            return Err(bad("no client id is given".to_owned()));
        }
        let mut endpoint = crate::api_base(cc.authority.trim()).map_err(|e| bad(format!("the authority: {e}")))?;
        // `http_url` refused URLs that cannot be a base, the only ones
        // without path segments; the tenant is percent-encoded as one.
        if let Ok(mut path) = endpoint.path_segments_mut() {
            path.pop_if_empty().extend([cc.tenant.trim(), "oauth2", "v2.0", "token"]);
        }
        Ok(Self::ClientSecret {
            endpoint,
            client_id: cc.client_id,
            client_secret: cc.client_secret,
            scope: cc.scope,
            grant_type: "client_credentials".to_owned(),
            params: Vec::new(),
            basic: false,
            refresh_token: None,
            what,
        })
    }

    fn jwt(app: &str, jwt: JwtBearer) -> Result<Self, HttpError> {
        let what = "JWT bearer private key";
        let bad = |why: String| credentials(app, what, why);
        let key = EncodingKey::from_rsa_pem(jwt.private_key.expose().trim().as_bytes())
            .map_err(|e| bad(format!("it is not an RSA private key in PEM ({e})")))?;
        if jwt.issuer.trim().is_empty() {
            return Err(bad("no issuer (`iss`) is given".to_owned()));
        }
        let endpoint = crate::api_base(jwt.token_url.trim()).map_err(|e| bad(format!("the token URL: {e}")))?;
        let grant = Self::Jwt {
            key,
            key_id: None,
            client_email: jwt.issuer,
            audience: jwt.audience,
            endpoint,
            scope: jwt.scopes.join(" "),
            subject: jwt.subject,
            scope_in_claim: false,
            client: jwt.client,
            what,
        };
        // As for Google's keys: a key that cannot sign is reported now.
        grant.assertion(Timestamp::UNIX_EPOCH).map_err(|e| bad(e.replace("its `private_key`", "the key")))?;
        Ok(grant)
    }

    fn client(app: &str, cc: ClientCredentials) -> Result<Self, HttpError> {
        let what = "OAuth 2.0 client credentials";
        let bad = |why: String| credentials(app, what, why);
        if cc.client_id.trim().is_empty() {
            return Err(bad("no client id is given".to_owned()));
        }
        let endpoint = crate::api_base(cc.token_url.trim()).map_err(|e| bad(format!("the token URL: {e}")))?;
        Ok(Self::ClientSecret {
            endpoint,
            client_id: cc.client_id,
            client_secret: cc.client_secret,
            scope: cc.scopes.join(" "),
            grant_type: cc.grant_type,
            params: cc.params,
            basic: cc.basic,
            refresh_token: cc.refresh_token,
            what,
        })
    }

    fn what(&self) -> &'static str {
        match self {
            Self::Jwt { what, .. } | Self::ClientSecret { what, .. } => what,
        }
    }

    fn endpoint(&self) -> &Url {
        match self {
            Self::Jwt { endpoint, .. } | Self::ClientSecret { endpoint, .. } => endpoint,
        }
    }

    fn secrets(&self) -> Vec<&Secret> {
        match self {
            Self::Jwt { client, .. } => client.iter().map(|(_, secret)| secret).collect(),
            Self::ClientSecret { client_secret, refresh_token, .. } => {
                std::iter::once(client_secret).chain(refresh_token).collect()
            }
        }
    }

    /// The signed RS256 assertion, valid for an hour from `now`.
    fn assertion(&self, now: Timestamp) -> Result<Secret, String> {
        let Self::Jwt { key, key_id, client_email, audience, scope, subject, scope_in_claim, .. } = self else {
            return Err("only a service account signs assertions".to_owned());
        };
        let iat = now.as_second();
        let mut claims = json!({"iss": client_email, "iat": iat, "exp": iat + ASSERTION_LIFETIME_SECONDS});
        if *scope_in_claim {
            claims["scope"] = json!(scope);
        }
        if let Some(aud) = audience {
            claims["aud"] = json!(aud);
        }
        if let Some(sub) = subject {
            claims["sub"] = json!(sub);
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = key_id.clone();
        jsonwebtoken::encode(&header, &claims, key)
            .map(Secret::new)
            .map_err(|e| format!("its `private_key` cannot sign an RS256 assertion ({e})"))
    }

    /// The token request at `now`.
    fn request(&self, now: Timestamp) -> Result<Request, String> {
        match self {
            Self::Jwt { endpoint, scope, scope_in_claim, client, .. } => {
                // Signed, the assertion is itself a credential for an hour.
                let assertion = self.assertion(now)?;
                let mut form = vec![
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", assertion.expose()),
                ];
                if let Some((id, secret)) = client {
                    form.extend([("client_id", id.as_str()), ("client_secret", secret.expose())]);
                }
                if !*scope_in_claim && !scope.is_empty() {
                    form.push(("scope", scope.as_str()));
                }
                let mut request = Request::new(Method::POST, endpoint.clone()).form(&form).carrying(&assertion);
                if let Some((_, secret)) = client {
                    request = request.carrying(secret);
                }
                Ok(request)
            }
            Self::ClientSecret {
                endpoint,
                client_id,
                client_secret,
                scope,
                grant_type,
                params,
                basic,
                refresh_token,
                ..
            } => {
                let mut form: Vec<(&str, &str)> = Vec::new();
                if !*basic {
                    form.extend([("client_id", client_id.as_str()), ("client_secret", client_secret.expose())]);
                }
                if !scope.is_empty() {
                    form.push(("scope", scope.as_str()));
                }
                form.push(("grant_type", grant_type.as_str()));
                if let Some(r) = refresh_token {
                    form.push(("refresh_token", r.expose()));
                }
                form.extend(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                let mut request = Request::new(Method::POST, endpoint.clone()).form(&form).carrying(client_secret);
                if let Some(r) = refresh_token {
                    request = request.carrying(r);
                }
                if *basic {
                    // RFC 6749 §2.3.1: both form-urlencoded before the base64.
                    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    let pair = Secret::new(format!("{}:{}", enc(client_id), enc(client_secret.expose())));
                    request = request.basic_auth(&Secret::new(format!("Basic {}", STANDARD.encode(pair.expose()))));
                }
                Ok(request)
            }
        }
    }
}

/// The current token, shared by the client's requests.
pub(crate) struct TokenCache {
    grant: Grant,
    /// Held across a fetch, so requests arriving meanwhile wait for its
    /// token instead of asking for their own.
    state: Mutex<TokenState>,
    /// Fetches finished, read before waiting for `state`: a request that
    /// waited while a fetch failed takes that failure instead of asking
    /// the endpoint again with the same credential.
    fetched: AtomicU64,
}

#[derive(Default)]
struct TokenState {
    token: Option<(Arc<Bearer>, Timestamp)>,
    failed: Option<HttpError>,
}

impl TokenCache {
    fn new(grant: Grant) -> Self {
        Self { grant, state: Mutex::new(TokenState::default()), fetched: AtomicU64::new(0) }
    }

    /// A token fresh for at least [`REFRESH_MARGIN`], fetched if need be.
    pub(crate) async fn bearer(&self, http: &HttpClient) -> Result<Arc<Bearer>, HttpError> {
        let seen = self.fetched.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = http.clock.now();
        if let Some((bearer, expires)) = &state.token
            && now.checked_add(REFRESH_MARGIN).is_ok_and(|t| t < *expires)
        {
            return Ok(bearer.clone());
        }
        if self.fetched.load(Ordering::Acquire) != seen
            && let Some(e) = &state.failed
        {
            return Err(e.clone());
        }
        let fetched = self.fetch(http, now).await;
        self.fetched.fetch_add(1, Ordering::Release);
        match fetched {
            Ok((bearer, expires)) => {
                state.token = Some((bearer.clone(), expires));
                state.failed = None;
                Ok(bearer)
            }
            Err(e) => {
                state.token = None;
                state.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Forgets `used` after the API refused it, unless another request
    /// already replaced it.
    pub(crate) async fn discard(&self, used: &Bearer) {
        let mut state = self.state.lock().await;
        if state.token.as_ref().is_some_and(|(b, _)| b.token == used.token) {
            state.token = None;
        }
    }

    async fn fetch(&self, http: &HttpClient, now: Timestamp) -> Result<(Arc<Bearer>, Timestamp), HttpError> {
        let app = http.app();
        let what = self.grant.what();
        let endpoint = self.grant.endpoint();
        let request = self.grant.request(now).map_err(|why| credentials(app, what, why))?;
        let reply = match http.send_as(&request, None).await {
            Ok(reply) => reply,
            // Unreachable or failing endpoints are an outage, not a bad
            // credential: the call error says so and the next run retries.
            Err(HttpError::Call { app, call, status, problem }) => {
                return Err(HttpError::Call {
                    app,
                    call,
                    status,
                    problem: format!("cannot get an access token ({what}): {problem}"),
                });
            }
            Err(e) => return Err(e),
        };
        if !reply.is_success() {
            return Err(credentials(app, what, http.scrub(refusal(endpoint, &reply), None, &request)));
        }
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let token = body.get("access_token").and_then(Value::as_str).filter(|t| !t.is_empty()).ok_or_else(|| {
            credentials(app, what, format!("the token endpoint {endpoint} answered without an access_token"))
        })?;
        if let Some(kind) = body.get("token_type").and_then(Value::as_str).filter(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(credentials(
                app,
                what,
                format!("the token endpoint {endpoint} issued a `{kind}` token, not a bearer token"),
            ));
        }
        // Microsoft's older endpoints send the lifetime as a string.
        let lifetime = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
        let bearer = Bearer::new(Secret::new(token)).map_err(|why| {
            credentials(app, what, format!("the token endpoint {endpoint} issued a token keyward cannot send: {why}"))
        })?;
        // Counted from before the request left, so the token is thought
        // to die a little early rather than late.
        let expires = now.checked_add(lifetime).unwrap_or(Timestamp::MAX);
        Ok((Arc::new(bearer), expires))
    }
}

/// `the token endpoint https://… refused it (HTTP 400 Bad Request):
/// invalid_grant: Invalid JWT Signature.` — RFC 6749 §5.2's `error` and
/// `error_description`, never the body (it could quote the request).
fn refusal(endpoint: &Url, reply: &Reply) -> String {
    let mut out = format!("the token endpoint {endpoint} refused it (HTTP {})", reply.status);
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    for key in ["error", "error_description"] {
        if let Some(text) = body.get(key).and_then(Value::as_str).filter(|t| !t.trim().is_empty()) {
            out.push_str(": ");
            out.push_str(text.trim());
        }
    }
    if reply.status == StatusCode::UNAUTHORIZED && body.get("error").is_none() {
        out.push_str(": the credential was not accepted");
    }
    out
}
