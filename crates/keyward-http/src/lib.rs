//! # keyward-http
//!
//! The HTTP policy every API client of keyward shares — the SCIM and vendor
//! connectors and the HR API sources: one client per resource (an
//! Application or a PeopleSource) with a per-request timeout, a rate limit
//! every request waits for, bounded retries that honour the vendor's
//! throttling signal, and errors that name the call but never the
//! credentials.
//!
//! Retries cover what a later attempt can fix: 5xx answers, 429, timeouts
//! and dropped or refused connections, and whatever the vendor's
//! [`Throttle`] recognises as "too many requests" — Google's and GitHub's
//! come as 403s that look like refusals, so only the vendor's own signal
//! (a reason in the body, rate-limit headers) tells them apart; any other
//! 403 is final. The wait is the one the answer asks for (`Retry-After`,
//! a reset date or epoch, a reset in seconds), else exponential backoff.
//! A throttle answer pauses every request of the client, not only the one
//! it answered, since vendors count their limits per token (see `pause`).
//! Retries are bounded twice — a number of attempts and a total time spent
//! waiting, and a wait asked for that is longer than what is left fails at
//! once — because an apply run that hangs for an hour on one throttled app
//! is worse than a clear error that the next run resumes from.
//!
//! Non-idempotent requests (a SCIM `POST /Users`) are retried too. That is
//! safe only because the caller treats "already exists" as success: when a
//! first attempt reached the app but its answer was lost (a timeout, a reset
//! connection, a 502 from a proxy after the backend committed), the retry
//! gets a 409 and the SCIM connector adopts the account it finds by filter
//! instead of creating a second one. A caller without such a path must not
//! send non-idempotent requests through [`HttpClient::send`].
//!
//! ## Credentials
//!
//! A client authenticates as its [`Auth`] says: a fixed bearer token, one
//! header carrying a credential as it is (Okta's `SSWS` token, an API
//! key), HTTP basic, or a credential exchanged for short-lived access
//! tokens — a Google service account key or another private key (RFC 7523
//! JWT bearer grant), an Entra app's or any other client's secret (RFC 6749
//! client credentials, or a long-lived refresh token). The token is
//! fetched on the first request through the same timeout, rate limit and
//! retries, shared by all requests until a minute before it expires, and
//! fetched anew once when the API answers 401. Keys, secrets, assertions
//! and tokens are [`Secret`]s: they print as `***`, and anything an app
//! quotes back is scrubbed of them, in every encoding an app may use (see
//! `redact`), before it reaches an error; [`redact_known`] removes every
//! secret the process holds where text is written for good. A token
//! endpoint's refusal is a [`HttpError::Credentials`] with its `error` and
//! `error_description`; an endpoint that is down is a [`HttpError::Call`].
//!
//! ```no_run
//! use keyward_http::{Auth, GoogleServiceAccount, HttpClient, HttpSettings, MicrosoftClientCredentials, Secret, Throttle};
//!
//! # fn main() -> Result<(), keyward_http::HttpError> {
//! # let key_file_json = String::new();
//! let mut settings = HttpSettings::new(None, None);
//! settings.throttle = Throttle::Google;
//! let sa = GoogleServiceAccount::new(Secret::new(key_file_json), &["https://www.googleapis.com/auth/admin.directory.user"])
//!     .subject("admin@example.com");
//! let google = HttpClient::new("workspace", Auth::GoogleServiceAccount(sa), &settings)?;
//!
//! let mut settings = HttpSettings::new(None, None);
//! settings.throttle = Throttle::Graph;
//! let cc = MicrosoftClientCredentials::new("contoso.onmicrosoft.com", "app-client-id", Secret::new("…"));
//! let graph = HttpClient::new("entra", Auth::MicrosoftClientCredentials(cc), &settings)?;
//! # Ok(())
//! # }
//! ```

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::StatusCode;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, IF_MATCH};
use jiff::Timestamp;
use url::Url;

mod clock;
mod exchange;
mod oauth;
mod pause;
mod redact;
pub mod resource_files;
mod secret;
pub mod secrets;
mod throttle;

pub use clock::{Clock, Sleep};
pub use exchange::{Reply, Request};
pub use oauth::{
    Auth, ClientCredentials, GRAPH_DEFAULT_SCOPE, GoogleServiceAccount, JwtBearer, MICROSOFT_AUTHORITY,
    MicrosoftClientCredentials,
};
pub use secret::{KNOWN_MIN_CHARS, Secret, redact_all, redact_known};
pub use throttle::{DeclaredThrottle, ResetHeader, Throttle, Wait, retry_after};

use exchange::{Body, describe};
use oauth::{Bearer, Credential};
use pause::Pause;

/// Why an HTTP exchange failed. Messages name the call, never a
/// credential.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    /// A call failed for good, after the retries it deserved, or its
    /// answer could not be read.
    #[error("{app}: {call} failed: {problem}")]
    Call {
        /// The resource whose client made the call (an Application's or a
        /// PeopleSource's name).
        app: String,
        /// Method and URL, without credentials (`PATCH https://…/Users/42`).
        call: String,
        /// HTTP status, when the server answered.
        status: Option<u16>,
        /// The server's error detail and a bounded piece of the body, or
        /// the transport error; never a header or token.
        problem: String,
    },
    /// A credential cannot be used as given (characters a header cannot
    /// carry, a token endpoint that refuses it).
    #[error("{app}: cannot use the {what}: {why}")]
    Credentials {
        /// The resource.
        app: String,
        /// Which credential (`bearer token`).
        what: String,
        /// Why, never including the secret itself.
        why: String,
    },
    /// The client could not be set up (a bug or a bad build).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Requests per second when the policy does not say.
const DEFAULT_REQUESTS_PER_SECOND: NonZeroU32 = match NonZeroU32::new(10) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// How often and how long a failed call is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. Default 6.
    pub max_attempts: u32,
    /// Most time spent waiting between attempts, over all of them. A
    /// `Retry-After` longer than what is left fails at once. Default 120 s.
    pub max_total_wait: Duration,
    /// First backoff delay; it doubles per attempt (plus jitter). Default 500 ms.
    pub min_delay: Duration,
    /// Longest single backoff delay. Default 30 s.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            max_total_wait: Duration::from_secs(120),
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// Everything that shapes one Application's HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Per attempt, from connecting until the body is read. Default 30 s.
    pub timeout: Duration,
    /// Requests per second, every request and retry included. Default 10.
    pub requests_per_second: NonZeroU32,
    /// Retries.
    pub retry: RetryPolicy,
    /// `Accept` header.
    pub accept: String,
    /// `Content-Type` of request bodies.
    pub content_type: String,
    /// `User-Agent` header (some APIs, GitHub's among them, refuse requests without one).
    pub user_agent: String,
    /// How the vendor says "too many requests, wait".
    pub throttle: Throttle,
    /// Further headers sent with every request, by name: a vendor's API
    /// version pin (GitHub's `X-GitHub-Api-Version`), say.
    pub headers: Vec<(String, String)>,
    /// Most bytes one answer may have. Larger is a final error: the
    /// timeout bounds time, not size, and a fast peer can send gigabytes
    /// within it. Default [`DEFAULT_MAX_ANSWER_BYTES`].
    pub max_answer_bytes: u64,
}

/// Most bytes of one answer by default: the largest vendor pages keyward
/// asks for (a Google batch of 1000 users' tokens, a Graph page of 999
/// users) are a few megabytes.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

impl HttpSettings {
    /// Settings from the policy's optional values, defaults elsewhere.
    pub fn new(timeout_seconds: Option<u32>, requests_per_second: Option<u32>) -> Self {
        Self {
            timeout: Duration::from_secs(u64::from(timeout_seconds.filter(|s| *s > 0).unwrap_or(30))),
            requests_per_second: requests_per_second.and_then(NonZeroU32::new).unwrap_or(DEFAULT_REQUESTS_PER_SECOND),
            retry: RetryPolicy::default(),
            accept: "application/json".to_owned(),
            content_type: "application/json".to_owned(),
            user_agent: concat!("keyward/", env!("CARGO_PKG_VERSION")).to_owned(),
            throttle: Throttle::Standard,
            headers: Vec::new(),
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
        }
    }
}

/// One Application's HTTP client: see the module documentation.
pub struct HttpClient {
    app: String,
    client: reqwest::Client,
    limiter: DefaultDirectRateLimiter,
    retry: RetryPolicy,
    timeout: Duration,
    content_type: HeaderValue,
    throttle: Throttle,
    clock: Arc<dyn Clock>,
    auth: Credential,
    /// Set by a throttle answer; every request waits it out.
    pause: Pause,
    /// [`HttpSettings::max_answer_bytes`].
    max_answer: u64,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("app", &self.app)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("throttle", &self.throttle)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether another may succeed.
struct Failure {
    status: Option<StatusCode>,
    problem: String,
    wait: Wait,
    retryable: bool,
    /// A final HTTP answer the caller interprets (not retried).
    reply: Option<Reply>,
    /// The vendor's throttling signal: the wait is for every request to
    /// the app, not only this one.
    throttled: bool,
}

impl Failure {
    /// A failure before any answer that trying again would not change.
    fn final_problem(problem: String) -> Self {
        Self { status: None, problem, wait: Wait::Backoff, retryable: false, reply: None, throttled: false }
    }
}

impl HttpClient {
    /// A client sending `Authorization: Bearer <token>` on every request.
    pub fn bearer(app: &str, token: Secret, settings: &HttpSettings) -> Result<Self, HttpError> {
        Self::new(app, Auth::Bearer(token), settings)
    }

    /// A client authenticating as `auth` says. Keys and secrets are
    /// checked now (a service account key is parsed and signs once); no
    /// token is fetched until the first request.
    pub fn new(app: &str, auth: Auth, settings: &HttpSettings) -> Result<Self, HttpError> {
        let auth = Credential::new(app, auth)?;
        let header = |name: &str, v: &str| {
            HeaderValue::from_str(v).map_err(|_| HttpError::Internal(format!("invalid {name} header `{v}`")))
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, header("Accept", &settings.accept)?);
        for (name, value) in &settings.headers {
            let name = http::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpError::Internal(format!("invalid header name `{name}`")))?;
            let value = header(name.as_str(), value)?;
            headers.insert(name, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(header("User-Agent", &settings.user_agent)?)
            .build()
            .map_err(|e| HttpError::Internal(format!("cannot set up the HTTP client: {}", error_chain(&e))))?;
        Ok(Self {
            app: app.to_owned(),
            client,
            limiter: RateLimiter::direct(Quota::per_second(settings.requests_per_second)),
            retry: settings.retry,
            timeout: settings.timeout,
            content_type: header("Content-Type", &settings.content_type)?,
            throttle: settings.throttle.clone(),
            clock: Arc::new(Timestamp::now),
            auth,
            pause: Pause::default(),
            max_answer: settings.max_answer_bytes,
        })
    }

    /// Replaces the retry policy (tests use short delays).
    pub fn set_retry(&mut self, retry: RetryPolicy) {
        self.retry = retry;
    }

    /// Replaces the clock (tests of reset dates and token expiry).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// The Application's name.
    pub fn app(&self) -> &str {
        &self.app
    }

    /// Sends a request, retrying as the module documentation says. Returns
    /// the app's final answer — a success or an error status not worth
    /// retrying — or an error when the retries ran out or no access token
    /// could be had.
    pub async fn send(&self, req: &Request) -> Result<Reply, HttpError> {
        match &self.auth {
            Credential::None => self.send_as(req, None).await,
            Credential::Static(bearer) | Credential::Header(bearer) => self.send_as(req, Some(bearer)).await,
            Credential::Tokens(cache) => {
                let bearer = cache.bearer(self).await?;
                let reply = self.send_as(req, Some(&bearer)).await?;
                if reply.status != StatusCode::UNAUTHORIZED {
                    return Ok(reply);
                }
                // Revoked, or expired before its time: one new token, and
                // the answer to that is final.
                tracing::info!(app = %self.app, call = %req.call(), "the access token was refused; fetching a new one");
                cache.discard(&bearer).await;
                let bearer = cache.bearer(self).await?;
                self.send_as(req, Some(&bearer)).await
            }
        }
    }

    /// [`HttpClient::send`] with the given `Authorization`, or none.
    async fn send_as(&self, req: &Request, bearer: Option<&Bearer>) -> Result<Reply, HttpError> {
        let policy = self.retry;
        let backoff = ExponentialBuilder::new()
            .with_jitter()
            .with_min_delay(policy.min_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(policy.max_attempts.saturating_sub(1) as usize);
        // Time spent waiting, in nanoseconds: between attempts and while
        // the app is paused, against the retry policy's total.
        let waited = AtomicU64::new(0);
        let mut attempts = 0u32;
        let mut gave_up: Option<String> = None;
        let result = (|| self.attempt(req, bearer, &waited))
            .retry(backoff)
            .sleep(clock::Sleeper(self.clock.clone()))
            .when(|f: &Failure| f.retryable)
            .adjust(|f: &Failure, next: Option<Duration>| {
                attempts += 1;
                let wait = next_wait(&policy, f.wait, next, spent(&waited), attempts);
                if f.throttled {
                    self.pause_for(req, f, &wait);
                }
                match wait {
                    // The next attempt waits out the app's pause, as
                    // every other request does.
                    Ok(_) if f.throttled => Some(Duration::ZERO),
                    Ok(d) => {
                        waited.fetch_add(nanos(d), Ordering::Relaxed);
                        Some(d)
                    }
                    Err(why) => {
                        gave_up = Some(why);
                        None
                    }
                }
            })
            .notify(|f: &Failure, d: Duration| {
                if !f.throttled {
                    tracing::warn!(app = %self.app, call = %req.call(), problem = %f.problem, wait_ms = d.as_millis() as u64, "retrying");
                }
            })
            .await;
        match result {
            Ok(reply) => Ok(reply),
            Err(Failure { reply: Some(reply), .. }) => Ok(reply),
            Err(f) => {
                let problem = match gave_up {
                    Some(why) => format!("{}; {why}", f.problem),
                    None => f.problem,
                };
                Err(HttpError::Call {
                    app: self.app.clone(),
                    call: req.call(),
                    status: f.status.map(|s| s.as_u16()),
                    problem,
                })
            }
        }
    }

    /// Pauses every request to the app for the wait a throttle answer
    /// asked for: the one this request will wait, or, when that is past
    /// its own limit, the one the app asked for anyway.
    fn pause_for(&self, req: &Request, f: &Failure, wait: &Result<Duration, String>) {
        let d = match (wait, f.wait) {
            (Ok(d), _) => *d,
            (Err(_), Wait::For(d) | Wait::AtLeast(d)) => d,
            (Err(_), Wait::Backoff) => return,
        };
        self.pause.extend(self.clock.now(), d);
        tracing::warn!(app = %self.app, call = %req.call(), problem = %f.problem, wait_ms = d.as_millis() as u64, "the app is throttling: every request to it waits");
    }

    /// Waits while the app is paused, then for the rate limiter, so that
    /// requests resume at the configured rate; again if a pause began
    /// meanwhile.
    async fn wait_turn(&self, waited: &AtomicU64) -> Result<(), Failure> {
        loop {
            let left = self.retry.max_total_wait.saturating_sub(spent(waited));
            match self.pause.wait_out(&*self.clock, left).await {
                Ok(d) => waited.fetch_add(nanos(d), Ordering::Relaxed),
                Err(remaining) => {
                    return Err(Failure::final_problem(format!(
                        "the app throttled an earlier request and asked every request to wait {} s more, longer than the {} s left of keyward's {} s retry limit",
                        remaining.as_secs_f32().ceil(),
                        left.as_secs(),
                        self.retry.max_total_wait.as_secs()
                    )));
                }
            };
            self.limiter.until_ready().await;
            if !self.pause.active(self.clock.now()) {
                return Ok(());
            }
        }
    }

    async fn attempt(&self, req: &Request, bearer: Option<&Bearer>, waited: &AtomicU64) -> Result<Reply, Failure> {
        self.wait_turn(waited).await?;
        let mut rb = self.client.request(req.method.clone(), req.url.clone()).timeout(self.timeout);
        if let Some(b) = bearer {
            rb = rb.header(b.name.clone(), b.header.clone());
        } else if let Some(a) = &req.authorization {
            rb = rb.header(http::header::AUTHORIZATION, a.clone());
        }
        match &req.body {
            Some(Body::Json(body)) => rb = rb.header(CONTENT_TYPE, self.content_type.clone()).body(body.clone()),
            Some(Body::Form(body)) => {
                rb = rb
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .body(body.clone());
            }
            Some(Body::Raw(ct, body)) => rb = rb.header(CONTENT_TYPE, ct.clone()).body(body.clone()),
            None => {}
        }
        if let Some(tag) = &req.if_match {
            let Ok(v) = HeaderValue::from_str(tag) else {
                return Err(Failure::final_problem(format!("the app's ETag `{tag}` cannot be sent back in If-Match")));
            };
            rb = rb.header(IF_MATCH, v);
        }
        let response = match rb.send().await {
            Ok(r) => r,
            Err(e) => return Err(self.transport(e, bearer, req)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let too_large = || {
            Failure::final_problem(format!(
                "the answer is larger than {} bytes, the most keyward reads of one answer; a page this size is not an answer to the call (ask for smaller pages, or check what answers at this address)",
                self.max_answer
            ))
        };
        if response.content_length().is_some_and(|n| n > self.max_answer) {
            return Err(too_large());
        }
        let mut response = response;
        let mut body: Vec<u8> = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > self.max_answer {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.transport(e, bearer, req)),
            }
        }
        let secrets = self.secrets(bearer, req);
        // An error body is scrubbed as it arrives, so neither `describe`
        // (which cuts it, and could leave half a secret that no longer
        // matches) nor a connector reading the vendor's error from it can
        // quote what the request carried, in any encoding.
        let (body, problem) = if status.is_success() {
            (body, String::new())
        } else {
            let text = match String::from_utf8(body) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            let body = redact_all(&secrets, &text).into_bytes();
            let problem = describe(status, &body);
            (body, problem)
        };
        let reply = Reply { status, headers, body, app: self.app.clone(), call: req.call(), problem, secrets };
        if status.is_success() {
            return Ok(reply);
        }
        let throttled = self.throttle.wait(status, &reply.headers, &reply.body, self.clock.now());
        if let Some(wait) = throttled.or_else(|| is_retryable(status).then_some(Wait::Backoff)) {
            return Err(Failure {
                status: Some(status),
                problem: reply.problem,
                wait,
                retryable: true,
                reply: None,
                throttled: throttled.is_some(),
            });
        }
        Err(Failure {
            status: Some(status),
            problem: String::new(),
            wait: Wait::Backoff,
            retryable: false,
            reply: Some(reply),
            throttled: false,
        })
    }

    fn transport(&self, e: reqwest::Error, bearer: Option<&Bearer>, req: &Request) -> Failure {
        let what = if e.is_timeout() {
            format!("no answer within {} s", self.timeout.as_secs_f32())
        } else if e.is_connect() {
            "could not connect".to_owned()
        } else if e.is_body() || e.is_decode() {
            "the connection broke while reading the answer".to_owned()
        } else {
            "the request failed".to_owned()
        };
        // A malformed request or a redirect loop fails the same way again.
        let retryable = !(e.is_builder() || e.is_redirect());
        Failure {
            status: None,
            problem: self.scrub(format!("{what}: {}", error_chain(&e.without_url())), bearer, req),
            wait: Wait::Backoff,
            retryable,
            reply: None,
            throttled: false,
        }
    }

    /// What a request sends: the client's credential, the access token
    /// and what the body carries.
    fn secrets(&self, bearer: Option<&Bearer>, req: &Request) -> Vec<Secret> {
        self.auth
            .long_lived()
            .into_iter()
            .chain(bearer.into_iter().flat_map(Bearer::secrets))
            .chain(&req.secrets)
            .cloned()
            .collect()
    }

    /// Belt and braces: an app that echoes the request (some error pages
    /// do) must not get a token or secret into an error message, however
    /// it encodes it (see [`redact`]).
    fn scrub(&self, text: String, bearer: Option<&Bearer>, req: &Request) -> String {
        redact_all(&self.secrets(bearer, req), &text)
    }
}

/// Time spent waiting so far.
fn spent(waited: &AtomicU64) -> Duration {
    Duration::from_nanos(waited.load(Ordering::Relaxed))
}

/// `d` in nanoseconds, as [`spent`] counts (saturating: 584 years).
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// 5xx except those that say the request itself can never work; what the
/// vendor's throttling signal adds is [`Throttle::wait`]'s.
fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error()
            && status != StatusCode::NOT_IMPLEMENTED
            && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED)
}

/// How long to wait before attempt `attempts + 1`, or why not to.
fn next_wait(
    policy: &RetryPolicy,
    wait: Wait,
    backoff: Option<Duration>,
    waited: Duration,
    attempts: u32,
) -> Result<Duration, String> {
    let Some(backoff) = backoff else {
        return Err(format!("gave up after {attempts} attempts over {:.1} s", waited.as_secs_f32()));
    };
    let left = policy.max_total_wait.saturating_sub(waited);
    let too_long = |asked: Duration, at_least: &str| {
        format!(
            "the app asked to wait {at_least}{} s before trying again, longer than the {} s left of keyward's {} s retry limit",
            asked.as_secs_f32().ceil(),
            left.as_secs(),
            policy.max_total_wait.as_secs()
        )
    };
    match wait {
        Wait::For(asked) if asked > left => Err(too_long(asked, "")),
        Wait::For(asked) => Ok(asked),
        Wait::AtLeast(floor) if floor > left => Err(too_long(floor, "at least ")),
        // The floor itself fits: the backoff on top is cut to what is
        // left rather than giving up on a wait the app would accept.
        Wait::AtLeast(floor) => Ok((floor + backoff).min(left)),
        Wait::Backoff if backoff > left => Err(format!(
            "gave up after {attempts} attempts: waiting longer would pass the {} s retry limit",
            policy.max_total_wait.as_secs()
        )),
        Wait::Backoff => Ok(backoff),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        source = s.source();
    }
    out
}

/// An API base URL as written in a policy (or a key file's `token_uri`):
/// `https`, or `http` to this machine only, with a host and no user name
/// or password — the one check of [`keyward_core::endpoint`], so the URL
/// requests are built from is the URL validation accepted. Callers report
/// the error with the field to fix; it never holds the part before `@`.
pub fn api_base(written: &str) -> Result<Url, keyward_core::endpoint::UrlError> {
    keyward_core::endpoint::http_url(written)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use http::Method;

    use super::*;

    #[test]
    fn api_bases_are_http_urls_with_a_host() {
        assert!(api_base("https://api.github.com/").is_ok());
        assert!(api_base("http://127.0.0.1:8080/scim/v2").is_ok());
        for bad in ["api.github.com", "ftp://example.com", "mailto:it@example.com", "https://", ""] {
            assert!(api_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_bases_carry_no_credentials_and_plain_http_only_to_this_machine() {
        for ok in ["HTTP://127.0.0.1:8080/", "http://localhost/scim", "http://[::1]:9000/", "https://scim.example.com/"]
        {
            assert!(api_base(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://localhost.evil.example/",
            "http://127.0.0.1.nip.io/",
            "http://127.evil.example/",
            "http://[::1]@evil.example/",
            "http://127.0.0.1@evil.example/",
            "https://user:pass@scim.example.com/",
            "http://scim.example.com/",
        ] {
            let e = api_base(bad).unwrap_err().to_string();
            assert!(!e.contains("pass@"), "{e}");
        }
    }

    #[test]
    fn waits_follow_retry_after_within_the_total_limit() {
        let p = RetryPolicy { max_total_wait: Duration::from_secs(60), ..RetryPolicy::default() };
        let b = Some(Duration::from_secs(1));
        let secs = Duration::from_secs;
        assert_eq!(next_wait(&p, Wait::Backoff, b, Duration::ZERO, 1), Ok(secs(1)));
        assert_eq!(next_wait(&p, Wait::For(secs(20)), b, Duration::ZERO, 1), Ok(secs(20)));
        let e = next_wait(&p, Wait::For(secs(300)), b, secs(10), 2).unwrap_err();
        assert!(e.contains("asked to wait 300 s") && e.contains("50 s left"), "{e}");
        let e = next_wait(&p, Wait::Backoff, None, secs(3), 6).unwrap_err();
        assert!(e.contains("gave up after 6 attempts"), "{e}");
        let e = next_wait(&p, Wait::Backoff, Some(secs(30)), secs(45), 3).unwrap_err();
        assert!(e.contains("60 s retry limit"), "{e}");
        // A server-given wait is not second-guessed by attempts' backoff...
        assert_eq!(next_wait(&p, Wait::For(secs(0)), Some(secs(9)), Duration::ZERO, 1), Ok(secs(0)));
        // ...but the attempt limit still holds.
        assert!(next_wait(&p, Wait::For(secs(0)), None, Duration::ZERO, 6).is_err());
    }

    #[test]
    fn at_least_waits_add_the_backoff_and_fit_the_limit() {
        let p = RetryPolicy { max_total_wait: Duration::from_secs(120), ..RetryPolicy::default() };
        let secs = Duration::from_secs;
        assert_eq!(next_wait(&p, Wait::AtLeast(secs(60)), Some(secs(2)), Duration::ZERO, 1), Ok(secs(62)));
        // 58 s left: the floor fits but the floor plus backoff does not.
        assert_eq!(next_wait(&p, Wait::AtLeast(secs(50)), Some(secs(30)), secs(62), 2), Ok(secs(58)));
        let e = next_wait(&p, Wait::AtLeast(secs(60)), Some(secs(4)), secs(62), 2).unwrap_err();
        assert!(e.contains("asked to wait at least 60 s") && e.contains("58 s left"), "{e}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("tok-SECRET-123");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        let client = HttpClient::bearer("app", s, &HttpSettings::new(None, None)).unwrap();
        assert!(!format!("{client:?}").contains("SECRET"));
        let r = Request::new(Method::POST, Url::parse("https://example.com/token").unwrap())
            .form(&[("client_secret", "cs-SECRET-456")])
            .carrying(&Secret::new("cs-SECRET-456"));
        assert!(!format!("{r:?}").contains("SECRET"), "{r:?}");
        assert_eq!(client.scrub("echo: Bearer tok-SECRET-123".to_owned(), None, &r), "echo: Bearer ***");
        assert_eq!(client.scrub("echo: cs-SECRET-456".to_owned(), None, &r), "echo: ***");
    }

    #[test]
    fn a_send_can_be_spawned() {
        // Connectors box it as `dyn Future + Send` and the controller
        // spawns them: the future must be `Send` for every lifetime.
        // Type-checked only.
        let _ = |http: Arc<HttpClient>, req: Request| tokio::spawn(async move { http.send(&req).await });
    }

    #[test]
    fn only_worth_retrying_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 412, 501] {
            assert!(!is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }
}
